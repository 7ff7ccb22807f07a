"""The protected publication: everything one partner can get for one period, computed
exactly once, protected as one linked set, and read back only through this object.

A ``Space`` lists what the partner can get (the dashboard's figures and filters, the home
panel, the tables of every report meant for the partner: ``reports.disclosure.space``).
``Publication(space, period, filters)`` computes every cell of it (``ExactFigures``),
writes the equations an adversary knows (each margin sums to its total, each two-way table
to its margins, each region to its cities, each donor's period to its quarters and to its
agreements), and has ``protect`` choose the hidden cells. Its readers (``total``,
``margin``, ``cross``, ``rate``, ``money``, ``agreements``) return what may be shown: a
number, "<5" or "x"; asking for a figure outside the space raises ``NotPublishedError``, so no
view can show a combination the protection was not computed for.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal

from reports.disclosure.figures import MONEY, SEXES, ExactFigures, cities_by_region
from reports.disclosure.protect import Problem, Protection, protect
from reports.indicators import UNKNOWN, registry
from reports.indicators.sources import shared_subresults
from reports.suppression import HIDDEN, threshold


class NotPublishedError(LookupError):
    """A figure the partner's publication does not contain (and was not protected for)."""


@dataclass
class Space:
    totals: set[str] = field(default_factory=set)
    margins: set[tuple[str, str]] = field(default_factory=set)
    crosses: set[tuple[str, str, str]] = field(default_factory=set)
    rates: set[tuple[int, str | None]] = field(default_factory=set)
    money: set[str | None] = field(default_factory=set)
    agreements: bool = False

    def __or__(self, other: Space) -> Space:
        return Space(
            self.totals | other.totals,
            self.margins | other.margins,
            self.crosses | other.crosses,
            self.rates | other.rates,
            self.money | other.money,
            self.agreements or other.agreements,
        )


def _t(code):
    return (code, ())


def _m(code, dim, key):
    return (code, ((dim, key),))


def _x(code, row, key, col, ckey):
    return (code, tuple(sorted(((row, key), (col, ckey)))))


def _residual(line_key):
    return ("residual", line_key)


def cell_key(cell) -> str:
    """A cell's key as stable text (for ``DisclosureMemory``)."""
    return json.dumps(cell, default=str, ensure_ascii=False)


class Publication:
    protected = True

    def __init__(
        self,
        space: Space,
        start: datetime.date,
        end: datetime.date,
        filters: dict | None = None,
        *,
        remembered: set[str] | None = None,
    ):
        """``remembered``: the keys (``cell_key``) of cells an earlier build of the same
        publication hid; they are hidden again."""
        self.space = space
        self.start, self.end = start, end
        self.exact = ExactFigures(start, end, filters)
        self.filters = self.exact.filters
        self._remembered = remembered or set()
        with shared_subresults():
            self.exact.plan(self._margins(), money=self.space.money)  # read at once where they add up
            self._counts = self._protect_counts()
            self._amounts = self._protect_amounts()
            for months, dim in sorted(self.space.rates, key=repr):
                if dim is None:  # computed now, with the rest: a cached publication runs no query
                    self.exact.rate(months)

    def hidden_keys(self) -> set[str]:
        """The keys of the cells this build hides (to remember for the next one)."""
        cells = self._counts.hidden | self._amounts.hidden
        return {cell_key(c) for c in cells if c[0] != "residual"}

    def _recalled(self, values: dict) -> set:
        return {k for k in values if cell_key(k) in self._remembered} if self._remembered else set()

    # Building ---------------------------------------------------------------------------

    def _count_codes(self) -> set[str]:
        s = self.space
        codes = set(s.totals) | {c for c, _d in s.margins} | {c for c, _r, _c in s.crosses}
        for m, _dim in s.rates:
            codes |= {f"visited_{m}m", f"operating_{m}m"}
        return {c for c in codes if registry[c].unit == "count"}

    def _protect_counts(self) -> Protection:
        values: dict = {}
        lines: list = []
        forced: set = set()

        def line(parent, children: list, name):
            total = sum(values[c] for c in children)
            if values[parent] - total > 0:
                key = _residual(name)
                values[key] = values[parent] - total
                forced.add(key)
                children = [*children, key]
            if values[parent] >= total:  # an inequality the other way is left out
                lines.append((parent, tuple(children)))

        margins = set(self.space.margins)
        for m, dim in self.space.rates:
            if dim is not None:
                margins |= {(f"visited_{m}m", dim), (f"operating_{m}m", dim)}
        for code, row, col in self.space.crosses:
            margins |= {(code, row), (code, col)}
        for code in self._count_codes():
            values[_t(code)] = int(self.exact.total(code))
            dims = {d for c, d in margins if c == code}
            for dim in sorted(dims):
                cells = []
                for k, v in self.exact.margin(code, dim).items():
                    values[_m(code, dim, k)] = int(v)
                    cells.append(_m(code, dim, k))
                line(_t(code), cells, (code, dim))
            if {"region", "city"} <= dims:
                regions = self.exact.margin(code, "region")
                for region, slugs in cities_by_region(self.exact.margin(code, "city")).items():
                    if region in regions:
                        line(_m(code, "region", region), [_m(code, "city", s) for s in slugs], (code, region))
            for c, row, col in self.space.crosses:
                if c != code:
                    continue
                table = self.exact.cross(code, row, col)
                for (k, ck), v in table.items():
                    values[_x(code, row, k, col, ck)] = v
                for k in self.exact.margin(code, row):
                    keys = [_x(code, row, k, col, ck) for ck in (*SEXES, UNKNOWN) if (k, ck) in table]
                    line(_m(code, row, k), keys, (code, row, k))
                col_margin = self.exact.margin(code, col)
                for ck in (*SEXES, UNKNOWN):
                    keys = [_x(code, row, k, col, ck) for k in self.exact.margin(code, row) if (k, ck) in table]
                    if ck in col_margin:
                        line(_m(code, col, ck), keys, (code, row, col, ck))
        limit = threshold()
        primary = {k for k, v in values.items() if 0 < v < limit}
        forced |= self._recalled(values)
        return protect(Problem(values=values, lines=lines, primary=primary, forced=forced, threshold=limit))

    def _protect_amounts(self) -> Protection:
        values: dict = {}
        units: dict = {}
        lines: list = []
        forced: set = set()
        limit = threshold()

        def line(parent, children: list, name):
            total = sum((values[c] for c in children), Decimal(0))
            gap = values[parent] - total
            if gap < 0:
                return  # not a sum (cannot happen for these partitions): no equation
            if gap:
                key = _residual(name)
                values[key] = gap
                forced.add(key)
                children = [*children, key]
            lines.append((parent, tuple(children)))

        for code in sorted(self.space.totals):
            if registry[code].unit == "mad":
                values[_t(code)] = Decimal(self.exact.total(code))
                units[_t(code)] = self.exact.units(code)
        if self.space.money:
            donors: dict = {}
            for (donor, quarter, _k), (mad, n) in self.exact.money(None).items():
                values[(MONEY, donor, quarter)] = mad
                units[(MONEY, donor, quarter)] = n
                donors.setdefault(donor, []).append((MONEY, donor, quarter))
            for dim in sorted(d for d in self.space.money if d):
                groups: dict = {}
                for (donor, quarter, k), (mad, n) in self.exact.money(dim).items():
                    values[(MONEY, donor, quarter, dim, k)] = mad
                    units[(MONEY, donor, quarter, dim, k)] = n
                    groups.setdefault((MONEY, donor, quarter), []).append((MONEY, donor, quarter, dim, k))
                for parent, children in groups.items():
                    if parent in values:
                        line(parent, children, (parent, dim))
            donor = self.filters.get("donor")
            if donor and _t("amount_disbursed_mad") in values and donor in donors:
                line(_t("amount_disbursed_mad"), donors[donor], ("money", donor))
        if self.space.agreements:
            rows = self.exact.agreements()
            for r in rows:
                values[("agreement", r["agreement"])] = r["amount_mad"]
                units[("agreement", r["agreement"])] = r["units"]
            if _t("amount_disbursed_mad") in values and rows:
                line(_t("amount_disbursed_mad"), [("agreement", r["agreement"]) for r in rows], "agreements")
        primary = {k for k in values if k in units and 0 < units[k] < limit}
        primary |= {k for k in values if k in units and units[k] == 0 and values[k]}
        forced |= self._recalled(values)
        problem = Problem(values=values, lines=lines, primary=primary, forced=forced, amounts=True, threshold=limit)
        return protect(problem)

    # Reading ------------------------------------------------------------------------------

    def supports(self, code: str, *dims: str) -> bool:
        return self.exact.supports(code, *dims)

    def total(self, code: str):
        unit = registry[code].unit
        if unit == "count":
            if code not in self._count_codes():
                raise NotPublishedError(code)
            return self._counts.display(_t(code), int(self.exact.total(code)))
        if unit == "percent":
            months = int(code.removeprefix("survival_rate_").removesuffix("m"))
            return self.rate(months)
        key = _t(code)
        if code not in self.space.totals:
            raise NotPublishedError(code)
        return self._amounts.display(key, Decimal(self.exact.total(code)))

    def margin(self, code: str, dim: str) -> dict:
        if (code, dim) not in self._margins():
            raise NotPublishedError((code, dim))
        return {k: self._counts.display(_m(code, dim, k), int(v)) for k, v in self.exact.margin(code, dim).items()}

    def _margins(self) -> set:
        out = set(self.space.margins)
        for m, dim in self.space.rates:
            if dim:
                out |= {(f"visited_{m}m", dim), (f"operating_{m}m", dim)}
        for code, row, col in self.space.crosses:
            out |= {(code, row), (code, col)}
        return out

    def cross(self, code: str, row: str, col: str = "sex") -> dict:
        if (code, row, col) not in self.space.crosses:
            raise NotPublishedError((code, row, col))
        table = self.exact.cross(code, row, col)
        return {(k, c): self._counts.display(_x(code, row, k, col, c), v) for (k, c), v in table.items()}

    def rate(self, months: int, dim: str | None = None, key=None):
        if (months, dim) not in self.space.rates:
            raise NotPublishedError((months, dim))
        visited_code, operating_code = f"visited_{months}m", f"operating_{months}m"
        if dim is None:
            cells = [_t(visited_code), _t(operating_code)]
            visited = int(self.exact.total(visited_code))
        else:
            cells = [_m(visited_code, dim, key), _m(operating_code, dim, key)]
            visited = int(self.exact.margin(visited_code, dim).get(key, 0))
        value = self.exact.rate(months, dim, key)
        if value is None:
            return None
        if visited < threshold() or any(c in self._counts.hidden for c in cells):
            return HIDDEN
        return value

    def money(self, dim: str | None = None) -> dict:
        """{(donor, quarter, slice key): MAD or "x"}."""
        if dim not in self.space.money:
            raise NotPublishedError(("money", dim))
        out = {}
        for (donor, quarter, k), (mad, _n) in self.exact.money(dim).items():
            key = (MONEY, donor, quarter) if dim is None else (MONEY, donor, quarter, dim, k)
            out[(donor, quarter, k)] = self._amounts.display(key, mad)
        return out

    def agreements(self) -> list[dict]:
        if not self.space.agreements:
            raise NotPublishedError("agreements")
        rows = []
        for r in self.exact.agreements():
            shown = self._amounts.display(("agreement", r["agreement"]), r["amount_mad"])
            hidden = shown == HIDDEN
            rows.append(
                {
                    **{k: v for k, v in r.items() if k != "units"},
                    "amount_mad": shown,
                    "amount_currency": HIDDEN if hidden else r["amount_currency"],
                }
            )
        return rows
