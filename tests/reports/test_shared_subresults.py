"""A report build and a publication compute what their figures share once
(``reports.indicators.sources.shared_subresults``: the financed projects, the latest
visits, the survival visits, the period's ledger, the lead member joined once), and give
exactly what every figure computed on its own gives: the same exact figures, the same
hidden cells, the same report tables, on the demo's story, for every partner and year."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from core.models import PartnerOrganisation
from reports.disclosure.figures import ExactFigures
from reports.disclosure.partners import partner_filters, partner_space
from reports.disclosure.publication import Publication
from reports.generators import reports
from reports.indicators import registry
from reports.indicators.sources import each_figure_on_its_own, shared_subresults, sharing

pytestmark = pytest.mark.django_db

YEARS = (2019,)


def _publication(partner, year):
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Publication(partner_space(partner, start, end), start, end, partner_filters(partner))


def _state(pub: Publication) -> tuple:
    return (
        dict(pub.exact._memo),
        pub._counts.hidden,
        pub._counts.small,
        pub._amounts.hidden,
        pub._amounts.small,
    )


def _tables(data) -> list:
    return [(t.key, t.columns, t.rows) for t in data.tables] + [sorted(data.figures.items())]


def test_it_gives_every_partner_the_same_publication_as_each_figure_on_its_own(historical_demo):
    compared = 0
    for partner in PartnerOrganisation.objects.order_by("code"):
        for year in YEARS:
            with each_figure_on_its_own():
                slow = _publication(partner, year)
                slow_state = _state(slow)
                slow_reports = [
                    _tables(g.build(slow.start, slow.end, partner=partner.code, source=slow))
                    for g in reports.for_partner(partner.code)
                ]
            fast = _publication(partner, year)
            assert _state(fast) == slow_state, (partner.code, year)
            fast_reports = [
                _tables(g.build(fast.start, fast.end, partner=partner.code, source=fast))
                for g in reports.for_partner(partner.code)
            ]
            assert fast_reports == slow_reports, (partner.code, year)
            compared += len(fast.exact._memo)
    assert compared > 500


def test_it_gives_the_programme_report_the_same_exact_figures(historical_demo):
    start, end = datetime.date(2018, 2, 1), datetime.date(2020, 1, 31)
    programme = reports["programme"]
    with each_figure_on_its_own():
        slow = _tables(programme.build(start, end))
    assert _tables(programme.build(start, end)) == slow


def test_it_gives_every_indicator_and_slice_the_same_value(historical_demo):
    start, end = datetime.date(2018, 2, 1), datetime.date(2020, 1, 31)
    with each_figure_on_its_own():
        slow = ExactFigures(start, end)
        expected = {(i.code, by): slow._compute(i.code, by=by) for i in registry.all() for by in (None, *i.dimensions)}
        money = {dim: slow.money(dim) for dim in (None, "office", "region", "city", "sex", "nationality")}
    with shared_subresults():
        fast = ExactFigures(start, end)
        got = {(i.code, by): fast._compute(i.code, by=by) for i in registry.all() for by in (None, *i.dimensions)}
        assert {dim: fast.money(dim) for dim in money} == money
    assert got == expected


def test_it_drops_its_tables_and_shares_nothing_outside_a_build(historical_demo):
    def temporary_tables():
        if connection.vendor == "postgresql":
            sql = "SELECT count(*) FROM pg_class WHERE relpersistence = 't' AND relname LIKE 'reports_shared_%%'"
        else:
            sql = "SELECT count(*) FROM sqlite_temp_master WHERE name LIKE 'reports_shared_%'"
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    assert not sharing()
    with shared_subresults():
        assert sharing()
        reports["programme"].build(datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))
        assert temporary_tables() > 0
    assert temporary_tables() == 0
    assert not sharing()
