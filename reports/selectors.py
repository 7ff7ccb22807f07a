"""Reads for the reports pages: the runs list, version differences, the dashboard."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncQuarter

from core.money import money
from funding.models import BusinessStatus, Disbursement, DisbursementAllocation, FollowUpVisit, Grant
from reports import suppression
from reports.indicators import financed_projects, registry
from reports.models import ReportRun


def report_run_previous(run: ReportRun) -> ReportRun | None:
    return (
        ReportRun.objects.filter(
            code=run.code,
            partner=run.partner,
            period_start=run.period_start,
            period_end=run.period_end,
            version__lt=run.version,
            status=ReportRun.Status.DONE,
        )
        .order_by("-version")
        .first()
    )


def report_run_changes(run: ReportRun, previous: ReportRun | None) -> list[dict]:
    """Figures that differ between ``previous`` and ``run`` (what changed vs version N)."""
    if previous is None:
        return []
    old, new = previous.figures or {}, run.figures or {}
    rows = []
    for code in list(dict.fromkeys([*old, *new])):
        before, after = _stored_number(old.get(code)), _stored_number(new.get(code))
        if before == after:
            continue
        numbers = all(isinstance(v, int | Decimal) and not isinstance(v, bool) for v in (before, after))
        delta = after - before if numbers else None
        name = registry[code].label() if code in registry else code
        rows.append({"code": code, "name": name, "before": before, "after": after, "delta": delta})
    return rows


def _stored_number(value):
    """A stored figure back as a number: amounts and rates are kept as exact strings
    ("5022800.00"); "<5" and "x" stay text. Floats of older runs become Decimal."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


FUNNEL = (
    "awareness_participants",
    "applications_submitted",
    "applications_approved",
    "projects_financed",
    "operating_12m",
)
DONOR_FUNNEL = ("projects_financed", "operating_12m")


def _shown(value, suppressed: bool):
    return suppression.suppress_value(value) if suppressed else value


def dashboard(*, start: datetime.date, end: datetime.date, filters: dict, scope: dict) -> dict:
    filters = {**{k: v for k, v in filters.items() if v}, **scope["filters"]}
    suppressed = scope["suppressed"]
    stages = DONOR_FUNNEL if scope["donor"] else FUNNEL
    funnel = []
    for code in stages:
        indicator = registry[code]
        usable = {k: v for k, v in filters.items() if k in indicator.dimensions}
        value = indicator.compute(start, end, filters=usable) if len(usable) == len(filters) else None
        if value is not None:
            funnel.append({"code": code, "label": indicator.label(_lang()), "value": _shown(value, suppressed)})
    return {
        "funnel": funnel,
        "disbursements": disbursements_by_donor(start, end, filters),
        "survival": kaplan_meier(end, filters),
        "regions": regions_table(start, end, filters, suppressed),
    }


def _lang() -> str:
    from django.utils.translation import get_language

    return (get_language() or "en")[:2]


def disbursements_by_donor(start, end, filters) -> dict:
    """MAD disbursed (payments minus reversals) per donor and quarter."""
    qs = DisbursementAllocation.objects.filter(
        disbursement__status=Disbursement.Status.APPROVED, disbursement__date__range=(start, end)
    )
    if filters.get("donor"):
        qs = qs.filter(agreement__donor__code=filters["donor"])
    if filters.get("office"):
        qs = qs.filter(disbursement__grant__project__office__code=filters["office"])
    if filters.get("region"):
        qs = qs.filter(disbursement__grant__project__region__code=filters["region"])
    rows = (
        qs.annotate(quarter=TruncQuarter("disbursement__date"))
        .values("quarter", "agreement__donor__acronym")
        .annotate(
            mad=Sum("amount_mad", filter=Q(disbursement__kind="payment"), default=Decimal(0))
            - Sum("amount_mad", filter=Q(disbursement__kind="reversal"), default=Decimal(0))
        )
        .order_by("quarter", "agreement__donor__acronym")
    )
    quarters: list[str] = []
    series: dict[str, dict[str, Decimal]] = {}
    for r in rows:
        q = f"{r['quarter']:%Y}-Q{(r['quarter'].month - 1) // 3 + 1}"
        if q not in quarters:
            quarters.append(q)
        series.setdefault(r["agreement__donor__acronym"], {})[q] = money(r["mad"])
    return {
        "quarters": quarters,
        "series": [{"donor": d, "values": [values.get(q, money(0)) for q in quarters]} for d, values in series.items()],
    }


def kaplan_meier(end, filters) -> list[dict]:
    """Survival of financed businesses by month after funding, Kaplan-Meier.

    Each project financed by ``end`` has a time: the month of its first visit that found
    the business not operating (an event), or else of its last done visit (censored).
    Projects are grouped by (time, event) in the database; the product-limit estimate
    is then taken over those few groups.
    """
    done = FollowUpVisit.objects.filter(
        project=OuterRef("pk"), status="done", done_on__lte=end, months_after_funding__isnull=False
    )
    first_failure = Subquery(
        done.exclude(business_status=BusinessStatus.OPERATING)
        .order_by("months_after_funding")
        .values("months_after_funding")[:1]
    )
    last_seen = Subquery(done.order_by("-months_after_funding").values("months_after_funding")[:1])
    projects = financed_projects(datetime.date(1900, 1, 1), end, Grant.Kind.STARTUP)
    for dim in ("office", "region"):
        if filters.get(dim):
            projects = projects.filter(**{f"{dim}__code": filters[dim]})
    if filters.get("donor"):
        projects = projects.filter(grants__funding__agreement__donor__code=filters["donor"]).distinct()
    groups = (
        projects.annotate(failed_at=first_failure, seen_at=last_seen)
        .filter(seen_at__isnull=False)
        .values("failed_at", "seen_at")
        .annotate(n=Count("pk"))
    )
    events: dict[int, int] = {}
    censored: dict[int, int] = {}
    total = 0
    for g in groups:
        total += g["n"]
        if g["failed_at"] is not None:
            events[g["failed_at"]] = events.get(g["failed_at"], 0) + g["n"]
        else:
            censored[g["seen_at"]] = censored.get(g["seen_at"], 0) + g["n"]
    at_risk, survival, curve = total, 1.0, [{"month": 0, "survival": 100.0, "at_risk": total}]
    for month in sorted(set(events) | set(censored)):
        if at_risk <= 0:
            break
        d = events.get(month, 0)
        survival *= 1 - d / at_risk
        curve.append({"month": month, "survival": round(100 * survival, 1), "at_risk": at_risk})
        at_risk -= d + censored.get(month, 0)
    return curve


def regions_table(start, end, filters, suppressed: bool) -> dict:
    codes = ("refugees_received", "projects_financed", "refugees_in_financed_projects")
    columns, values = [], {}
    for code in codes:
        indicator = registry[code]
        usable = {k: v for k, v in filters.items() if k in indicator.dimensions}
        if len(usable) != len(filters):
            continue
        columns.append(code)
        values[code] = indicator.compute(start, end, by="region", filters=usable)
    keys = sorted({k for v in values.values() for k in v})
    from reports.generators import dimension_labels

    labels = dimension_labels("region", keys, _lang())
    rows = []
    for c in columns:
        column = [[int(values[c].get(k, 0))] for k in keys]
        shown = (
            suppression.suppress(suppression.with_totals(column)).display()
            if suppressed
            else [[*r, r[0]] for r in column] + [[sum(r[0] for r in column)]]
        )
        values[c] = [r[0] for r in shown]
    for n, k in enumerate(keys):
        rows.append({"label": labels[k], "values": [values[c][n] for c in columns]})
    totals = [values[c][len(keys)] if len(values[c]) > len(keys) else None for c in columns]
    return {"columns": [registry[c].label(_lang()) for c in columns], "rows": rows, "totals": totals}
