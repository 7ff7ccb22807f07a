"""Indicators of the follow-up visits: jobs and revenue at the latest visit, businesses
visited and operating at 6, 12 and 24 months and the survival rate, visits done and
overdue."""

from __future__ import annotations

import functools
import operator
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Avg, Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from funding.models import BusinessStatus, FollowUpVisit, Grant
from projects.models import BusinessProject
from reports.indicators.framework import JOBS, SURVIVAL_MONTHS, UNKNOWN, ZERO
from reports.indicators.queries import apply_filters, by_dimension, grouped, project_count, project_dims
from reports.indicators.sources import (
    financed_facts_q,
    first_paid_between,
    materialised,
    sharing,
    using_project_facts,
)
from reports.models import ProjectFacts


def latest_visits(start, end, filters) -> tuple[QuerySet, dict]:
    """For each project financed in the period, its latest done visit on or before ``end``."""
    later = FollowUpVisit.objects.filter(project=OuterRef("project"), status="done", done_on__lte=end).filter(
        Q(done_on__gt=OuterRef("done_on")) | Q(done_on=OuterRef("done_on"), pk__gt=OuterRef("pk"))
    )
    qs = FollowUpVisit.objects.filter(
        status="done", done_on__lte=end, project__in=first_paid_between(Grant.Kind.STARTUP, start, end)
    ).exclude(Exists(later))
    kept = latest_visits_kept(start, end, qs)  # once per build: see shared_subresults
    if kept is not None:
        name, (pk, *_rest) = kept
        qs = FollowUpVisit.objects.filter(pk__in=RawSQL(f"SELECT {pk} FROM {name}", []))  # noqa: S608, S611
    prefix = "project__"
    dims = project_dims(end, prefix)
    return apply_filters(qs, dims, filters, donor_prefix=prefix, needs_lead_dob=prefix), dims


LATEST_COLUMNS = ("pk", "project", *JOBS, "monthly_revenue")


def latest_visits_kept(start, end, visits: QuerySet | None = None):
    """Inside ``shared_subresults()``: the latest visits of ``latest_visits`` with their
    project, jobs and revenue (``LATEST_COLUMNS``), kept once per build: (table, columns);
    None outside. ``visits``: their queryset, if the caller has it."""
    if not sharing():
        return None
    if visits is None:
        latest_visits(start, end, {})
        visits = FollowUpVisit.objects.none()  # kept by now
    return materialised(("latest_visits", start, end), visits.values(*LATEST_COLUMNS))


def _jobs(field_name: str):
    def compute(start, end, by, filters):
        qs, dims = latest_visits(start, end, filters)
        return grouped(qs, dims, by, Coalesce(Sum(field_name), 0), lead_prefix="project__")

    return compute


def _average_revenue(start, end, by, filters):
    qs, dims = latest_visits(start, end, filters)
    qs = qs.filter(monthly_revenue__isnull=False)
    measure = Avg("monthly_revenue", output_field=DecimalField(max_digits=14, decimal_places=2))
    value = grouped(qs, dims, by, measure, lead_prefix="project__")
    if isinstance(value, dict):
        return {k: _q(v) for k, v in value.items()}
    return _q(value) if value is not None else ZERO


def _q(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _survival_base(months: int, end, filters):
    """Projects financed (as of ``end``) at least ``months`` months before ``end``, and who
    had the ``months``-month visit done by ``end``."""
    visits = _survival_visits_of_records(months, end)
    kept = _survival_visits(end)  # once per build
    if kept is not None:
        name, (pk, _project, _status, month) = kept
        kept_pks = RawSQL(f"SELECT {pk} FROM {name} WHERE {month} = %s", [months])  # noqa: S608, S611
        visits = FollowUpVisit.objects.filter(pk__in=kept_pks)
    prefix = "project__"
    dims = project_dims(end, prefix)
    return apply_filters(visits, dims, filters, donor_prefix=prefix, needs_lead_dob=prefix), dims


def _of_month(months: int, end) -> Q:
    """The ``months``-month visits of projects financed (as of ``end``) ``months`` months
    or more before ``end``."""
    cutoff = end - relativedelta(months=months)
    projects = first_paid_between(Grant.Kind.STARTUP, None, cutoff, as_of=end)
    return Q(project__in=projects, months_after_funding=months)


def _survival_visits_of_records(months: int, end) -> QuerySet:
    return FollowUpVisit.objects.filter(_of_month(months, end), status="done", done_on__lte=end)


def _survival_visits(end):
    """Inside ``shared_subresults()``: the survival visits of every month of
    ``SURVIVAL_MONTHS`` (``_survival_base``'s for each) with their project, business status
    and month, kept once per build in one table, from one pass over the visits: (table,
    columns); None outside."""
    if not sharing():
        return None
    of_month = functools.reduce(operator.or_, (_of_month(months, end) for months in SURVIVAL_MONTHS))
    visits = FollowUpVisit.objects.filter(of_month, status="done", done_on__lte=end)
    return materialised(
        ("survival_visits", end), visits.values("pk", "project", "business_status", "months_after_funding")
    )


def _survival_projects(months: int, end, operating_only: bool) -> QuerySet | None:
    """Inside ``shared_subresults()``: the projects of ``_survival_base`` (found operating),
    each once, read from the survival visits kept for the build; None outside. Counting
    them by the project's dimensions is counting the distinct projects of those visits by
    the same dimensions (``Count("project", distinct=True)``), on the 40,000 projects
    instead of the 300,000 visits."""
    kept = _survival_visits(end)
    if kept is None:
        return None
    name, (_pk, project, status, month) = kept
    where, params = f" WHERE {month} = %s", [months]
    if operating_only:
        where, params = f"{where} AND {status} = %s", [*params, BusinessStatus.OPERATING]
    return BusinessProject.objects.filter(pk__in=RawSQL(f"SELECT {project} FROM {name}{where}", params))  # noqa: S608, S611


def _survival_base_from_facts(months: int, end, filters, operating_only: bool):
    """The same projects as ``_survival_base`` from ``ProjectFacts`` (one row each): the
    first done ``months``-month visit (found operating) is dated by ``end``."""
    column = f"visit_{months}m_{'operating' if operating_only else 'done'}_on"
    financed = financed_facts_q(Grant.Kind.STARTUP, None, end - relativedelta(months=months), as_of=end)
    facts = ProjectFacts.objects.filter(financed, **{f"{column}__lte": end})
    prefix = "project__"
    dims = project_dims(end, prefix)
    return apply_filters(facts, dims, filters, donor_prefix=prefix, needs_lead_dob=prefix), dims


def _operating(months: int, operating_only: bool):
    def compute(start, end, by, filters):
        if using_project_facts():
            qs, dims = _survival_base_from_facts(months, end, filters, operating_only)
            return grouped(qs, dims, by, Count("pk"), lead_prefix="project__")
        projects = _survival_projects(months, end, operating_only)
        if projects is not None:
            return project_count(projects, start, end, by, filters)
        qs, dims = _survival_base(months, end, filters)
        if operating_only:
            qs = qs.filter(business_status=BusinessStatus.OPERATING)
        return grouped(qs, dims, by, Count("project", distinct=True), lead_prefix="project__")

    return compute


def _survival_rate(months: int):
    def compute(start, end, by, filters):
        qs, dims = _survival_base(months, end, filters)
        measure_ok = Count("project", distinct=True, filter=Q(business_status=BusinessStatus.OPERATING))
        if by is None:
            agg = qs.aggregate(ok=measure_ok, n=Count("project", distinct=True))
            return _rate(agg["ok"], agg["n"])
        qs, key = by_dimension(qs, dims, by, "project__")
        rows = qs.annotate(_key=key).values("_key").annotate(ok=measure_ok, n=Count("project", distinct=True))
        return {str(r["_key"] or UNKNOWN): _rate(r["ok"], r["n"]) for r in rows}

    return compute


def _rate(ok: int, n: int) -> Decimal | None:
    if not n:
        return None
    return (Decimal(100) * ok / n).quantize(Decimal("0.1"))


def _visits_done(start, end, by, filters):
    qs = FollowUpVisit.objects.filter(status="done", done_on__range=(start, end))
    dims = project_dims(end, "project__")
    qs = apply_filters(qs, dims, filters, donor_prefix="project__", needs_lead_dob="project__")
    return grouped(qs, dims, by, Count("pk"), lead_prefix="project__")


def _visits_overdue(start, end, by, filters):
    limit = min(end, timezone.localdate())
    qs = FollowUpVisit.objects.filter(status="scheduled", due_date__lt=limit)
    dims = project_dims(end, "project__")
    qs = apply_filters(qs, dims, filters, donor_prefix="project__", needs_lead_dob="project__")
    return grouped(qs, dims, by, Count("pk"), lead_prefix="project__")


COMPUTE = {
    **{field: _jobs(field) for field in JOBS},
    **{
        code: compute
        for m in SURVIVAL_MONTHS
        for code, compute in (
            (f"visited_{m}m", _operating(m, operating_only=False)),
            (f"operating_{m}m", _operating(m, operating_only=True)),
            (f"survival_rate_{m}m", _survival_rate(m)),
        )
    },
    "average_monthly_revenue": _average_revenue,
    "visits_done": _visits_done,
    "visits_overdue": _visits_overdue,
}
# Computed by several dimensions at once (``Indicator.several``): a count of visits, of
# distinct projects (each project's dimensions are its own) or a sum over visits. Not the
# rates and averages, which do not add up.
SEVERAL = {
    *JOBS,
    "visits_done",
    "visits_overdue",
    *(f"{k}_{m}m" for m in SURVIVAL_MONTHS for k in ("visited", "operating")),
}
