"""Inside a build (``shared_subresults``), projects counted by their dimensions read one
table of every project's dimensions (``reports.indicators.queries.kept_project_dims``),
made once, instead of joining the projects to their lead members and the people each
time; the counts, their keys and their order are those every figure computed on its own
gives, with and without filters; the money by slices reads the same table."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.disclosure.figures import ExactFigures
from reports.indicators import registry
from reports.indicators.sources import each_figure_on_its_own, shared_subresults

pytestmark = pytest.mark.django_db

START, END = datetime.date(2018, 2, 1), datetime.date(2020, 1, 31)
CODES = ("projects_financed", "startups_reinforced", "visited_12m", "operating_6m", "applications_submitted")
ASKS = (
    ("sex", {}),
    ("age", {}),
    ("region", {"sex": "F"}),
    (("nationality", "office", "sex"), {}),
    (("legal_status", "city"), {"region": "MA-04"}),
    ("office", {"donor": "eu"}),
)


def _counts():
    return {
        (code, by, tuple(filters.items())): registry[code].compute(START, END, by=by, filters=filters)
        for code in CODES
        for by, filters in ASKS
        if not (isinstance(by, tuple) and "donor" in filters)
    }


def test_counts_by_dimension_are_those_of_each_figure_on_its_own(historical_demo):
    with each_figure_on_its_own():
        expected = _counts()
    with shared_subresults():
        got = _counts()
    assert got == expected
    # The same order of the keys for one dimension (unknown last), not only the same dict
    # (by several dimensions the groups come in no order, before as now).
    assert [list(got[k]) for k in got if not isinstance(k[1], tuple)] == [
        list(expected[k]) for k in expected if not isinstance(k[1], tuple)
    ]
    assert any(v for v in got.values())


def test_the_table_is_made_once_and_the_counts_skip_the_people(historical_demo):
    with shared_subresults():
        with CaptureQueriesContext(connection) as made:
            registry["projects_financed"].compute(START, END, by="sex")
        with CaptureQueriesContext(connection) as counted:
            registry["visited_12m"].compute(START, END, by=("nationality", "sex"))
            registry["projects_financed"].compute(START, END, by="age")
    made_tables = [q["sql"] for q in made.captured_queries if "dim_sex" in q["sql"] and "CREATE" in q["sql"]]
    assert len(made_tables) == 1
    assert not [q["sql"] for q in counted.captured_queries if "CREATE" in q["sql"] and "dim_sex" in q["sql"]]
    counts = [q["sql"] for q in counted.captured_queries if "COUNT(*)" in q["sql"]]
    assert counts
    assert all("refugees_refugee" not in sql and "projects_projectmember" not in sql for sql in counts)


def test_money_by_slices_is_that_of_each_figure_on_its_own(historical_demo):
    with each_figure_on_its_own():
        slow = ExactFigures(START, END)
        expected = {dim: slow.money(dim) for dim in (None, "office", "region", "city", "sex", "nationality")}
    with shared_subresults(), CaptureQueriesContext(connection) as queries:
        fast = ExactFigures(START, END)
        got = {dim: fast.money(dim) for dim in expected}
    assert got == expected
    slices = [q["sql"] for q in queries.captured_queries if "SUM(l." in q["sql"] and "dim_" in q["sql"]]
    assert slices and all("refugees_refugee" not in sql for sql in slices)
