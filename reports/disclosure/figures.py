"""The exact figures a publication is made of, computed by the indicator registry in the
database and kept for the publication's lifetime: totals, one-way margins, two-way tables
(a dimension by sex), money by donor and quarter, spend per agreement, and how many units
(projects, visits) each amount or average is computed over.

``ExactFigures`` is what managers' internal views read; ``reports.disclosure.publication``
wraps the same figures in the protection for partners.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncQuarter

from core.models import City, PartnerOrganisation
from funding.models import FundingAgreement
from reports.indicators import UNKNOWN, amount_by_agreement, registry
from reports.indicators.framework import JOBS, ZERO
from reports.indicators.money import _allocations, _signed
from reports.indicators.queries import PROJECT_DIMENSIONS, _add, by_dimension, kept_project_dims
from reports.indicators.sources import materialised, sharing
from reports.indicators.visits import LATEST_COLUMNS, latest_visits, latest_visits_kept

SEXES = ("F", "M")
MONEY = "money"  # the code of the money-by-donor-and-quarter cells


def quarter_label(day: datetime.date) -> str:
    return f"{day:%Y}-Q{(day.month - 1) // 3 + 1}"


class ExactFigures:
    """Exact figures for a period and fixed filters (a donor's own), memoised."""

    protected = False

    def __init__(self, start: datetime.date, end: datetime.date, filters: dict | None = None):
        self.start, self.end = start, end
        self.filters = {k: v for k, v in (filters or {}).items() if v}
        self._memo: dict = {}
        self._plans: dict[str, frozenset] = {}  # code: the dimensions to compute it by at once
        self._cubes: dict = {}  # code: (dimensions, {values: number}), see ``plan``
        self._money_plan: frozenset = frozenset()
        self._money_cube = None

    def _get(self, key, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def _compute(self, code: str, by: str | None = None, extra: dict | None = None):
        return registry[code].compute(self.start, self.end, by=by, filters={**self.filters, **(extra or {})})

    def supports(self, code: str, *dims: str) -> bool:
        available = registry[code].dimensions
        return all(d in available for d in (*dims, *self.filters))

    # Several dimensions at once ---------------------------------------------------------

    def plan(self, margins, money=()) -> None:
        """What a build will read (``margins``: (code, dimension) pairs, a two-way table's
        two dimensions among them; ``money``: the slices of money), said before it reads
        it. Inside ``shared_subresults()``, the total of an indicator that adds up
        (``Indicator.several``) and its margins and two-way tables by the planned
        dimensions are then sums over one statement by all of them
        (``compute(by=(dim, ...))``) instead of one statement each (one per sex for a
        two-way table), and the slices of money are sums over one statement on the period's
        ledger: the same numbers (``tests/reports/test_several_dimensions.py``). Outside a
        build (``each_figure_on_its_own()``) every figure keeps its own statement."""
        for code, dim in margins:
            if registry[code].several and dim != "donor" and self.supports(code, dim):
                self._plans[code] = self._plans.get(code, frozenset()) | {dim}
        self._money_plan |= {d for d in money if d}

    def _summed(self, code: str, *dims: str) -> dict | None:
        """{(values of ``dims``): number} summed from the statement by all of the planned
        dimensions of ``code``; None when there is none (not planned, not in a build)."""
        planned = self._plans.get(code)
        if not planned or not sharing() or not set(dims) <= planned:
            return None
        if code not in self._cubes:
            by = tuple(sorted(planned))
            if len(by) == 1:  # one dimension: its own statement (grouped by the foreign key)
                values = {(k,): v for k, v in self._compute(code, by=by[0]).items()}
            else:
                values = self._compute(code, by=by)
            self._cubes[code] = (by, values)
        by, values = self._cubes[code]
        at = [by.index(d) for d in dims]
        out: dict = {}
        for key, value in values.items():
            k = tuple(key[i] for i in at)
            out[k] = _add(out.get(k), value)
        return out

    def total(self, code: str):
        def compute():
            if code.startswith("survival_rate_") and sharing():
                # Operating over visited, the two counts the rate is made of (their own
                # statements are the same as the rate's, with and without its filter).
                months = code.removeprefix("survival_rate_")
                return _rate(int(self.total(f"operating_{months}")), int(self.total(f"visited_{months}")))
            summed = self._summed(code)
            if summed is not None:
                return summed.get((), 0)
            if code in JOBS and (kept := self._latest()) is not None:
                # The indicator's sum over the latest visits, read from the build's table.
                return _from_table(kept, f"COALESCE(SUM({{{code}}}), 0)")
            if code == "amount_disbursed_mad" and (shared := self._period_ledger()) is not None:
                value = _from_ledger(shared, "SUM(l.{mad})")  # the indicator's sum, by agreement
                return ZERO if value is None else _decimal(value)
            return self._compute(code)

        return self._get(("total", code), compute)

    def margin(self, code: str, dim: str) -> dict:
        def compute():
            summed = self._summed(code, dim)
            if summed is not None:
                return {k: summed[(k,)] for k in _in_order((k for (k,) in summed), dim)}
            return dict(self._compute(code, by=dim))

        return self._get(("margin", code, dim), compute)

    def cross(self, code: str, row: str, col: str = "sex") -> dict:
        """{(row key, col key): count}, the col keys being ``SEXES`` and UNKNOWN for what the
        row's margin has beyond them (people with no sex recorded, unregistered attendees)."""

        def compute():
            out = {}
            summed = self._summed(code, row, col)
            for c in SEXES:
                if summed is not None:
                    for k in _in_order((k for (k, ck) in summed if ck == c), row):
                        out[(k, c)] = int(summed[(k, c)])
                    continue
                for k, v in self._compute(code, by=row, extra={col: c}).items():
                    out[(k, c)] = int(v)
            for k, v in self.margin(code, row).items():
                rest = int(v) - sum(out.get((k, c), 0) for c in SEXES)
                if rest > 0:
                    out[(k, UNKNOWN)] = rest
            return out

        return self._get(("cross", code, row, col), compute)

    def rate(self, months: int, dim: str | None = None, key=None):
        """The survival rate at ``months`` (percent, to a tenth), of a slice or overall."""
        if dim is None:
            return self.total(f"survival_rate_{months}m")
        visited = self.margin(f"visited_{months}m", dim).get(key, 0)
        operating = self.margin(f"operating_{months}m", dim).get(key, 0)
        return _rate(operating, visited)

    # Money -----------------------------------------------------------------------------

    def money(self, dim: str | None = None) -> dict:
        """{(donor, quarter, slice key): (MAD, projects)}, the slice key None without ``dim``:
        approved payments minus approved reversals, per quarter of the payment's date."""

        def compute():
            filters = {k: v for k, v in self.filters.items() if k != "donor"}
            shared = None if filters else self._period_ledger()
            if shared is not None and (dim is None or dim in self._money_plan):
                return self._money_summed(shared, dim)
            if shared is not None:
                return _money_from_ledger(shared, dim, self.end)
            qs, dims, prefix = _allocations(self.start, self.end, filters)
            if self.filters.get("donor"):
                qs = qs.filter(agreement__donor__code=self.filters["donor"])
            keys = ["_q", "agreement__donor__code"]
            qs = qs.annotate(_q=TruncQuarter("disbursement__date"))
            if dim is not None:
                if dim == "age":
                    raise ValueError("money is not broken down by age")
                qs, key = by_dimension(qs, dims, dim, prefix)
                qs = qs.annotate(_d=key)
                keys.append("_d")
            rows = (
                qs.values(*keys)
                .annotate(mad=_signed("amount_mad"), n=Count("disbursement__grant__project", distinct=True))
                .order_by()
            )
            out = {}
            for r in rows:
                q = r["_q"].date() if isinstance(r["_q"], datetime.datetime) else r["_q"]
                key = (r["agreement__donor__code"], quarter_label(q), str(r.get("_d") or UNKNOWN) if dim else None)
                mad, n = out.get(key, (Decimal(0), 0))
                out[key] = (mad + (r["mad"] or Decimal(0)), n + r["n"])
            return out

        return self._get(("money", dim), compute)

    def _period_ledger(self):
        """Inside ``shared_subresults()``: the period's approved allocations summed per
        project, quarter and agreement (in MAD and in the agreement's currency), in one pass
        over the ledger kept for the build (the money of every slice, the amount disbursed,
        the spend per agreement and the projects they are computed over are then read from
        it); None outside, or with a filter other than the donor."""
        if not sharing() or set(self.filters) - {"donor"}:
            return None
        qs, _dims, _prefix = _allocations(self.start, self.end, {})
        if self.filters.get("donor"):
            qs = qs.filter(agreement__donor__code=self.filters["donor"])
        qs = (
            qs.annotate(_q=TruncQuarter("disbursement__date"))
            .values("disbursement__grant__project", "_q", "agreement")
            .annotate(mad=_signed("amount_mad"), spent=_signed("amount_currency"))
            .order_by()
        )
        return materialised(("period_ledger", self.start, self.end, self.filters.get("donor")), qs, unique=3)

    def _latest(self):
        """Inside ``shared_subresults()`` and without filters: the build's table of the latest
        visits with their jobs and revenue (``latest_visits_kept``); None otherwise."""
        return latest_visits_kept(self.start, self.end) if not self.filters else None

    def _money_summed(self, shared, dim: str | None) -> dict:
        """``money(dim)`` summed from one statement on the period's ledger by every planned
        slice (``plan``): each ledger row is one project's money in a quarter from a donor,
        so the rows of a slice count its distinct projects."""
        if self._money_cube is None:
            self._money_cube = (
                tuple(sorted(self._money_plan)),
                _money_from_ledger(shared, tuple(sorted(self._money_plan)), self.end),
            )
        dims, rows = self._money_cube
        at = dims.index(dim) if dim is not None else None
        out: dict = {}
        for (donor, quarter, *keys), (mad, n) in rows.items():
            key = (donor, quarter, None if at is None else keys[at])
            before, count = out.get(key, (Decimal(0), 0))
            out[key] = (before + mad, count + n)
        return out

    def agreements(self) -> list[dict]:
        def compute():
            shared = self._period_ledger()
            if shared is not None:
                return _agreements_from_ledger(shared)
            rows = amount_by_agreement(self.start, self.end, self.filters or None)
            units = _projects_per_agreement(self.start, self.end, self.filters)
            return [{**r, "units": units.get(r["agreement"], 0)} for r in rows]

        return self._get(("agreements",), compute)

    def units(self, code: str) -> int:
        """How many units an amount or an average is computed over."""

        def compute():
            if code == "average_monthly_revenue":
                if (kept := self._latest()) is not None:
                    return _from_table(kept, "COUNT(DISTINCT {project})", "{monthly_revenue} IS NOT NULL")
                qs, _dims = latest_visits(self.start, self.end, self.filters)
                return qs.filter(monthly_revenue__isnull=False).values("project").distinct().count()
            if code == "amount_disbursed_mad":
                shared = self._period_ledger()
                if shared is not None:
                    return _from_ledger(shared, "COUNT(DISTINCT l.{project})")
                filters = {k: v for k, v in self.filters.items() if k != "donor"}
                qs, _dims, _prefix = _allocations(self.start, self.end, filters)
                if self.filters.get("donor"):
                    qs = qs.filter(agreement__donor__code=self.filters["donor"])
                return qs.values("disbursement__grant__project").distinct().count()
            raise ValueError(f"{code} is not an amount or an average")

        return self._get(("units", code), compute)


def _in_order(keys, dim: str) -> list[str]:
    """A dimension's values in the order ``grouped`` gives them: by value, and unknown (no
    value) where the database puts nulls, last on PostgreSQL, first on SQLite (the age
    bracket "unknown" is a value, after the others)."""
    nulls_first = not connection.features.nulls_order_largest and dim != "age"
    return sorted(set(keys), key=lambda k: ((k == UNKNOWN) != nulls_first, k))


def _money_from_ledger(shared, dim: str | tuple[str, ...] | None, end: datetime.date) -> dict:
    """``ExactFigures.money(dim)`` from the period's ledger (``_period_ledger``): the same
    sums and the same distinct projects per donor, quarter and slice. With a tuple of
    slices: {(donor, quarter, value of each slice): (MAD, projects)}, one statement."""
    if isinstance(dim, tuple):
        return _money_by_slices(shared, dim, end)
    if dim is not None:
        return _money_by_slices(shared, (dim,), end)
    return {(donor, quarter, None): value for (donor, quarter), value in _money_by_slices(shared, (), end).items()}


def _ledger_tables() -> dict:
    return {
        "agreement": FundingAgreement._meta.db_table,
        "donor": PartnerOrganisation._meta.db_table,
    }


def _from_ledger(shared, measure: str):
    """One number over the period's ledger (``measure`` names its columns in braces)."""
    name, (project, quarter, agreement, mad, spent) = shared
    columns = {"project": project, "quarter": quarter, "agreement": agreement, "mad": mad, "spent": spent}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {measure.format(**columns)} FROM {name} l")  # noqa: S608 (names made here)
        return cursor.fetchone()[0]


def _from_table(kept, measure: str, where: str = ""):
    """One number over a build's table: ``measure`` (and ``where``) name its columns in
    braces, by the queryset's names (``{project}``, ``{jobs_refugee_women}``)."""
    name, cols = kept
    columns = dict(zip(LATEST_COLUMNS, cols, strict=True))
    sql = f"SELECT {measure.format(**columns)} FROM {name}"  # noqa: S608 (names made here)
    if where:
        sql += f" WHERE {where.format(**columns)}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _agreements_from_ledger(shared) -> list[dict]:
    """``ExactFigures.agreements()`` from the period's ledger: per agreement, the same sums
    as ``amount_by_agreement`` and the distinct projects of ``_projects_per_agreement``."""
    name, (project, _quarter, agreement, mad, spent) = shared
    sql = (
        f"SELECT ag.reference, ag.currency, ag.amount, dn.code, SUM(l.{spent}), SUM(l.{mad}), "  # noqa: S608
        f"COUNT(DISTINCT l.{project}) FROM {name} l JOIN {{agreement}} ag ON ag.id = l.{agreement} "
        "JOIN {donor} dn ON dn.id = ag.donor_id GROUP BY 1, 2, 3, 4 ORDER BY 1"
    ).format(**_ledger_tables())
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    return [
        {
            "agreement": reference,
            "donor": donor,
            "currency": currency,
            "agreement_amount": _decimal(amount),
            "amount_currency": _decimal(total_spent),
            "amount_mad": _decimal(total_mad),
            "units": n,
        }
        for reference, currency, amount, donor, total_spent, total_mad, n in rows
    ]


def _money_by_slices(shared, dims: tuple[str, ...], end: datetime.date) -> dict:
    if "age" in dims:
        raise ValueError("money is not broken down by age")
    name, (project, quarter, agreement, mad, _spent) = shared
    # The slices read from the build's table of the projects' dimensions (one row per
    # project; the ledger is kept only in a build, so the table is there too).
    projects, (pk, *kept_columns) = kept_project_dims(end)
    column = dict(zip(PROJECT_DIMENSIONS, kept_columns, strict=True))
    columns = [f"p.{column[d]}" for d in dims]
    group = ", ".join(str(n) for n in range(1, len(dims) + 3))
    # A project has one value of each slice: its distinct projects per slice add up.
    sql = (
        f"SELECT l.{quarter}, dn.code{''.join(f', {c}' for c in columns)}, SUM(l.{mad}), "  # noqa: S608
        f"COUNT(DISTINCT l.{project}) FROM {name} l JOIN {projects} p ON p.{pk} = l.{project} "
        f"JOIN {{agreement}} ag ON ag.id = l.{agreement} JOIN {{donor}} dn ON dn.id = ag.donor_id "
        f"GROUP BY {group}"
    ).format(**_ledger_tables())
    out = {}
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for q, donor_code, *rest in cursor.fetchall():
            *keys, total, n = rest
            key = (donor_code, quarter_label(_day(q)), *(str(k or UNKNOWN) for k in keys))
            before, count = out.get(key, (Decimal(0), 0))
            out[key] = (before + _decimal(total), count + n)
    return out


def _day(q) -> datetime.date:
    day = q if isinstance(q, datetime.date) else datetime.date.fromisoformat(str(q)[:10])
    return day.date() if isinstance(day, datetime.datetime) else day


def _decimal(value) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(Decimal("0.01"))


def _projects_per_agreement(start, end, filters) -> dict[str, int]:
    rest = {k: v for k, v in filters.items() if k != "donor"}
    qs, _dims, _prefix = _allocations(start, end, rest)
    if filters.get("donor"):
        qs = qs.filter(agreement__donor__code=filters["donor"])
    rows = qs.values("agreement__reference").annotate(n=Count("disbursement__grant__project", distinct=True))
    return {r["agreement__reference"]: r["n"] for r in rows.order_by()}


def _rate(ok: int, n: int) -> Decimal | None:
    if not n:
        return None
    return (Decimal(100) * ok / n).quantize(Decimal("0.1"))


def cities_by_region(city_slugs) -> dict[str, list[str]]:
    """{region code: [city slugs]}: public reference data, which an adversary has too."""
    out: dict[str, list[str]] = {}
    for slug, region in City.objects.filter(slug__in=list(city_slugs)).values_list("slug", "region__code"):
        out.setdefault(region, []).append(slug)
    return out
