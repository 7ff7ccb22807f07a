"""The published results of DOMAIN.md come out of the records of the demo story."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from refugees.models import Refugee
from reports import demo
from tests.factories.refugees import RefugeeFactory
from tests.factories.reports import financed_project

pytestmark = pytest.mark.django_db

EXPECTED = {
    "refugees_received": 412,
    "awareness_participants": 300,
    "projects_financed": 173,
    "refugees_in_financed_projects": 218,
    "startups_reinforced": 57,
    "cooperatives_created": 2,
}


def build(*extra) -> dict:
    out = io.StringIO()
    call_command(
        "build_report",
        "programme",
        "--start",
        "2018-02-01",
        "--end",
        "2020-01-31",
        "--format",
        "json",
        *extra,
        stdout=out,
    )
    return json.loads(out.getvalue())


def test_it_prints_the_published_results_for_the_historical_period(historical_demo):
    figures = build()
    for key, expected in EXPECTED.items():
        assert figures[key] == expected
        assert isinstance(figures[key], int)
    assert figures["refugees_received"] > 400


def test_it_moves_when_a_financed_project_is_added(historical_demo):
    financed_project(
        datetime.date(2019, 5, 1), members=[RefugeeFactory(intake_date=datetime.date(2019, 1, 1)), RefugeeFactory()]
    )
    figures = build()
    assert figures["projects_financed"] == 174
    assert figures["refugees_in_financed_projects"] == 220
    assert figures["refugees_received"] == 414


def test_it_loads_the_story_once(historical_demo):
    count = Refugee.objects.count()
    demo.seed(stdout=None, options={})
    assert Refugee.objects.count() == count
    assert Refugee.objects.filter(unhcr_individual_number__startswith="HIS-18C").count() == 412


def test_it_refuses_an_unknown_report_or_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("build_report", "nope", "--start", "2019-01-01", "--end", "2019-12-31")
    with pytest.raises(CommandError):
        call_command("build_report", "programme", "--start", "2019-13-01", "--end", "2019-12-31")


def test_the_demo_shows_a_signed_off_report_and_a_newer_version(historical_demo):
    from reports.models import ReportRun

    runs = ReportRun.objects.filter(code="unhcr", period_start="2019-01-01", period_end="2019-12-31")
    assert [(r.version, r.status, r.is_signed_off) for r in runs.order_by("version")] == [
        (1, "done", True),
        (2, "done", False),
    ]
