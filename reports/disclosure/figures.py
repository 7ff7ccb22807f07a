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

from core.models import City, Office, Region
from projects.models import BusinessProject, ProjectMember
from refugees.models import Refugee
from reports.indicators import UNKNOWN, amount_by_agreement, registry
from reports.indicators.money import _allocations, _signed
from reports.indicators.queries import by_dimension
from reports.indicators.sources import materialised
from reports.indicators.visits import latest_visits

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

    def _get(self, key, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def _compute(self, code: str, by: str | None = None, extra: dict | None = None):
        return registry[code].compute(self.start, self.end, by=by, filters={**self.filters, **(extra or {})})

    def supports(self, code: str, *dims: str) -> bool:
        available = registry[code].dimensions
        return all(d in available for d in (*dims, *self.filters))

    def total(self, code: str):
        return self._get(("total", code), lambda: self._compute(code))

    def margin(self, code: str, dim: str) -> dict:
        return self._get(("margin", code, dim), lambda: dict(self._compute(code, by=dim)))

    def cross(self, code: str, row: str, col: str = "sex") -> dict:
        """{(row key, col key): count}, the col keys being ``SEXES`` and UNKNOWN for what the
        row's margin has beyond them (people with no sex recorded, unregistered attendees)."""

        def compute():
            out = {}
            for c in SEXES:
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
            if shared is not None:
                return _money_from_ledger(shared, dim)
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
        project, quarter and donor, in one pass over the ledger kept for the build (the
        money of every slice is then read from it); None outside."""
        qs, _dims, _prefix = _allocations(self.start, self.end, {})
        if self.filters.get("donor"):
            qs = qs.filter(agreement__donor__code=self.filters["donor"])
        qs = (
            qs.annotate(_q=TruncQuarter("disbursement__date"))
            .values("disbursement__grant__project", "_q", "agreement__donor__code")
            .annotate(mad=_signed("amount_mad"))
            .order_by()
        )
        return materialised(("period_ledger", self.start, self.end, self.filters.get("donor")), qs, unique=3)

    def agreements(self) -> list[dict]:
        def compute():
            rows = amount_by_agreement(self.start, self.end, self.filters or None)
            units = _projects_per_agreement(self.start, self.end, self.filters)
            return [{**r, "units": units.get(r["agreement"], 0)} for r in rows]

        return self._get(("agreements",), compute)

    def units(self, code: str) -> int:
        """How many units an amount or an average is computed over."""

        def compute():
            if code == "average_monthly_revenue":
                qs, _dims = latest_visits(self.start, self.end, self.filters)
                return qs.filter(monthly_revenue__isnull=False).values("project").distinct().count()
            if code == "amount_disbursed_mad":
                filters = {k: v for k, v in self.filters.items() if k != "donor"}
                qs, _dims, _prefix = _allocations(self.start, self.end, filters)
                if self.filters.get("donor"):
                    qs = qs.filter(agreement__donor__code=self.filters["donor"])
                return qs.values("disbursement__grant__project").distinct().count()
            raise ValueError(f"{code} is not an amount or an average")

        return self._get(("units", code), compute)


# A slice of money read from the period's ledger: the project's column (its office,
# region, city) or its lead member's (at most one per project), as in ``project_dims``.
_LEDGER_SLICES = {
    "office": ("o.code", "LEFT JOIN {office} o ON o.id = p.office_id"),
    "region": ("g.code", "LEFT JOIN {region} g ON g.id = p.region_id"),
    "city": ("c.slug", "LEFT JOIN {city} c ON c.id = p.city_id"),
    **{
        attr: (
            f"r.{attr}",
            "LEFT JOIN {member} m ON m.project_id = p.id AND m.is_lead LEFT JOIN {refugee} r ON r.id = m.refugee_id",
        )
        for attr in ("sex", "nationality", "legal_status")
    },
}


def _money_from_ledger(shared, dim: str | None) -> dict:
    """``ExactFigures.money(dim)`` from the period's ledger (``_period_ledger``): the same
    sums and the same distinct projects per donor, quarter and slice."""
    if dim == "age":
        raise ValueError("money is not broken down by age")
    name, (project, quarter, donor, mad) = shared
    tables = {
        "office": Office._meta.db_table,
        "region": Region._meta.db_table,
        "city": City._meta.db_table,
        "member": ProjectMember._meta.db_table,
        "refugee": Refugee._meta.db_table,
        "project": BusinessProject._meta.db_table,
    }
    slice_sql, joins = ("NULL", "") if dim is None else _LEDGER_SLICES[dim]
    sql = (
        f"SELECT l.{quarter}, l.{donor}, {slice_sql}, SUM(l.{mad}), COUNT(DISTINCT l.{project}) "  # noqa: S608
        f"FROM {name} l JOIN {{project}} p ON p.id = l.{project} {joins} GROUP BY 1, 2, 3"
    ).format(**tables)
    out = {}
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for q, donor_code, k, total, n in cursor.fetchall():
            day = q if isinstance(q, datetime.date) else datetime.date.fromisoformat(str(q)[:10])
            if isinstance(day, datetime.datetime):
                day = day.date()
            key = (donor_code, quarter_label(day), str(k or UNKNOWN) if dim else None)
            before, count = out.get(key, (Decimal(0), 0))
            out[key] = (before + _decimal(total), count + n)
    return out


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
