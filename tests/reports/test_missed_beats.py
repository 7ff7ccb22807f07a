"""What beat must do is made up when an entry was missed: the quarterly runs are asked
every hour (due from the 5th, requested when missing), the facts rebuild runs again when
the nightly one is more than 26 hours old; every entry of the schedule is a task that exists."""

import datetime

import pytest
from django.utils import timezone

from config.celery import app
from reports.models import FactsState, ReportRun
from reports.services import report_runs_schedule_periods
from reports.tasks import rebuild_facts_if_missed

pytestmark = pytest.mark.django_db


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    assert {e["task"] for e in app.conf.beat_schedule.values()} <= set(app.tasks)


def test_it_asks_for_the_quarterly_runs_every_hour():
    entry = app.conf.beat_schedule["reports-quarterly-runs"]["schedule"]
    assert entry.hour == set(range(24)) and entry.day_of_month == set(range(1, 32))


def test_it_requests_the_quarter_from_the_fifth_and_later_days_only_what_is_missing(partner_unhcr, settings):
    settings.SANAD_PARTNER_PERIODS = {"*": "quarter"}
    assert report_runs_schedule_periods(today=datetime.date(2026, 4, 4)) == []  # not due yet
    late = report_runs_schedule_periods(today=datetime.date(2026, 5, 20))  # beat was down on the 5th
    assert late and {(r.period_start, r.period_end) for r in late} == {
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    }
    ReportRun.objects.filter(pk=late[0].pk).delete()
    again = report_runs_schedule_periods(today=datetime.date(2026, 5, 21))
    assert [(r.code, r.partner_id) for r in again] == [(late[0].code, late[0].partner_id)]


def test_it_rebuilds_the_facts_when_the_nightly_rebuild_was_missed():
    assert rebuild_facts_if_missed() is not None  # never built: built now
    assert rebuild_facts_if_missed() is None  # just built: nothing to do
    FactsState.objects.filter(pk=1).update(refreshed_at=timezone.now() - datetime.timedelta(hours=27))
    assert rebuild_facts_if_missed() == {"projects": 0, "ledger_keys": 0}
    assert FactsState.objects.get(pk=1).refreshed_at > timezone.now() - datetime.timedelta(minutes=1)
