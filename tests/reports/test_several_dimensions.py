"""An indicator computed by several dimensions at once (``Indicator.compute(by=(row,
"sex"))``, one grouped statement) gives exactly the figures of the per-slice statements it
replaces in a build: summed over all but one dimension, that dimension's margin; its cells
for one sex, the margin computed with that sex as a filter; summed over all, the total. So
do the slices of money summed from one statement on the period's ledger, and a build that
plans its margins (``ExactFigures.plan``) against one that does not."""

from __future__ import annotations

import datetime
import itertools

import pytest

from reports.disclosure.figures import SEXES, ExactFigures
from reports.generators import reports
from reports.indicators import registry
from reports.indicators.queries import _add
from reports.indicators.sources import each_figure_on_its_own, shared_subresults

pytestmark = pytest.mark.django_db

START, END = datetime.date(2018, 2, 1), datetime.date(2020, 1, 31)


def _summed(values: dict, at: list[int]) -> dict:
    out: dict = {}
    for key, value in values.items():
        k = tuple(key[i] for i in at)
        out[k] = _add(out.get(k), value)
    return out


def _several():
    return [i for i in registry.all() if i.several]


def _check(indicator, dims: tuple[str, ...], filters: dict) -> int:
    values = indicator.compute(START, END, by=dims, filters=filters)
    total = indicator.compute(START, END, filters=filters)
    assert sum(values.values()) == total, (indicator.code, dims)
    for n, dim in enumerate(dims):
        margin = indicator.compute(START, END, by=dim, filters=filters)
        assert {k: v for (k,), v in _summed(values, [n]).items()} == margin, (indicator.code, dims, dim)
    if "sex" in dims and len(dims) == 2:
        row = dims[1 - dims.index("sex")]
        at = [dims.index(row), dims.index("sex")]
        pairs = _summed(values, at)
        for sex in SEXES:
            per_slice = indicator.compute(START, END, by=row, filters={**filters, "sex": sex})
            assert {k: v for (k, s), v in pairs.items() if s == sex} == per_slice, (indicator.code, row, sex)
    return len(values)


def test_it_gives_each_indicator_by_a_dimension_and_sex_what_the_slices_give(historical_demo):
    cells = 0
    for indicator in _several():
        rows = [d for d in indicator.dimensions if d not in ("sex", "donor")]
        for row in rows:
            cells += _check(indicator, (row, "sex"), {})
    assert cells > 200


def test_it_gives_every_dimension_at_once_inside_a_build_and_for_a_donor(historical_demo):
    for indicator in _several():
        dims = tuple(d for d in indicator.dimensions if d != "donor")
        with shared_subresults():
            _check(indicator, dims, {})
            if "donor" in indicator.dimensions:
                _check(indicator, ("office", "sex"), {"donor": "eu"})
        with each_figure_on_its_own():
            _check(indicator, dims[:3], {"nationality": "SY"})


def test_it_refuses_what_does_not_add_up():
    for code, by in (
        ("survival_rate_12m", ("office", "sex")),
        ("average_monthly_revenue", ("office", "sex")),
        ("awareness_participants", ("office", "sex")),
        ("projects_financed", ("donor", "sex")),
        ("projects_financed", ("sex", "sex")),
    ):
        with pytest.raises(ValueError):
            registry[code].compute(START, END, by=by)


def test_it_reads_a_planned_build_as_the_statement_per_slice(historical_demo):
    codes = [i.code for i in _several()]
    dims = ("office", "region", "city", "sex", "nationality", "legal_status", "age")
    margins = {(c, d) for c in codes for d in dims if d in registry[c].dimensions}
    money = (None, "office", "region", "city", "sex", "nationality")
    for filters in ({}, {"donor": "eu"}):
        codes = [c for c in codes if all(d in registry[c].dimensions for d in filters)]
        with each_figure_on_its_own():
            slow = ExactFigures(START, END, filters)
            slow.plan(margins, money=money)  # planned, but outside a build: a statement each
            expected = _read(slow, codes, dims, money)
        with shared_subresults():
            fast = ExactFigures(START, END, filters)
            fast.plan(margins, money=money)
            got = _read(fast, codes, dims, money)
            assert fast._cubes, "the margins were read from one statement per indicator"
        assert got == expected
        assert [list(m) for m in got["margins"].values()] == [list(m) for m in expected["margins"].values()]


def _read(figures: ExactFigures, codes, dims, money) -> dict:
    out = {
        "totals": {c: figures.total(c) for c in codes},
        "margins": {(c, d): figures.margin(c, d) for c in codes for d in dims if figures.supports(c, d)},
        "crosses": {
            (c, d): figures.cross(c, d)
            for c, d in itertools.product(("refugees_in_financed_projects", "projects_financed"), dims)
            if d != "sex" and figures.supports(c, d)
        },
        "rates": {m: figures.total(f"survival_rate_{m}m") for m in (6, 12, 24)},
        "money": {d: figures.money(d) for d in money},
    }
    return out


def test_it_gives_the_programme_report_the_same_tables(historical_demo):
    programme = reports["programme"]
    with each_figure_on_its_own():
        slow = programme.build(START, END)
    fast = programme.build(START, END)
    assert [(t.key, t.rows) for t in fast.tables] == [(t.key, t.rows) for t in slow.tables]
    assert fast.figures == slow.figures
