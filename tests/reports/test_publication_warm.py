"""A partner's publication is kept in the shared cache under the data version and the
cells the partner's earlier builds hid, warmed by beat for each partner's latest complete
period: the dashboard's first load then reads it instead of computing it, and what it reads
is the publication a build gives now."""

from __future__ import annotations

import datetime

import pytest

from config.celery import app
from core.models import PartnerOrganisation
from reports.disclosure import calendar
from reports.disclosure.dashboard import cached_publication, partner_dashboard, warm_publications
from reports.disclosure.partners import publication_for
from reports.services import partner_publications_warm
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db

START, END = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)


def _state(pub) -> tuple:
    return dict(pub.exact._memo), pub._counts.hidden, pub._counts.small, pub._amounts.hidden, pub._amounts.small


def test_it_is_in_the_beat_schedule():
    app.loader.import_default_modules()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "reports.tasks.warm_partner_publications" in tasks
    assert "reports.tasks.warm_partner_publications" in app.tasks


def test_it_gives_the_publication_a_build_gives_now(historical_demo):
    unhcr = PartnerOrganisation.objects.get(code="unhcr")
    cached = cached_publication(unhcr, START, END)
    assert _state(cached_publication(unhcr, START, END)) == _state(cached)
    assert _state(publication_for(unhcr, START, END)) == _state(cached)


def test_it_warms_each_partner_once_per_data_version(historical_demo):
    partners = PartnerOrganisation.objects.count()
    assert partner_publications_warm() == partners
    assert warm_publications() == 0  # nothing changed: every one is a hit
    RefugeeFactory()  # a record the figures are made of moves the data version
    assert warm_publications() == partners


def test_the_first_dashboard_load_after_warming_computes_nothing(historical_demo, django_assert_max_num_queries):
    warm_publications()
    ministry = PartnerOrganisation.objects.get(code="ministry")
    period = calendar.latest_complete(calendar.granularity_of("ministry"))
    with django_assert_max_num_queries(12):  # the data version, the memory, the labels
        views = partner_dashboard(partner=ministry, period=period)
    assert "" in views["views"]


def test_a_cached_publication_keeps_refusing_other_periods(historical_demo):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        cached_publication(PartnerOrganisation.objects.get(code="unhcr"), START, datetime.date(2019, 6, 30))
