"""Reads for the reports pages: the runs list, version differences, the dashboard."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import connection
from django.db.models import BooleanField, Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncQuarter

from core.money import money
from funding.models import BusinessStatus, Disbursement, DisbursementAllocation, FollowUpVisit, Grant
from reports import caching, ledger_facts
from reports.facts import facts_build_soon, facts_current
from reports.indicators import financed_facts_q, financed_projects, from_project_facts, registry
from reports.indicators.queries import apply_filters, project_dims
from reports.models import FactsState, LedgerQuarter, LedgerUnits, ProjectFacts, ReportRun


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


def dashboard(*, start: datetime.date, end: datetime.date, filters: dict, scope: dict) -> dict:
    """The dashboard's data, cached per (scope, filters, period, language) and data version
    (``reports.caching``): a new record shows on the next load."""
    key = caching.cache_key("dashboard", scope=scope, start=start, end=end, filters=filters)
    return caching.cached(key, lambda: dashboard_compute(start=start, end=end, filters=filters, scope=scope))


def dashboard_compute(*, start: datetime.date, end: datetime.date, filters: dict, scope: dict) -> dict:
    """The dashboard's data (same figures with or without the facts)."""
    return _from_facts_once_built(
        lambda facts: _dashboard(start=start, end=end, filters=filters, scope=scope, facts=facts)
    )


def _from_facts_once_built(compute):
    """``compute(facts)`` with the derived facts (kept equal to the records write by write:
    the pending projects are synced first) once they are built, else ``compute(None)`` from
    the records, and a build is asked for."""
    state = facts_current()
    if state is None:
        facts_build_soon()
        return compute(None)
    with from_project_facts():
        return compute(state)


def _dashboard(*, start, end, filters: dict, scope: dict, facts: FactsState | None) -> dict:
    """The managers' dashboard, exact (partners read theirs from their publication:
    ``reports.disclosure.dashboard``)."""
    filters = {**{k: v for k, v in filters.items() if v}, **scope["filters"]}
    stages = DONOR_FUNNEL if scope["donor"] else FUNNEL
    funnel = []
    for code in stages:
        indicator = registry[code]
        usable = {k: v for k, v in filters.items() if k in indicator.dimensions}
        value = indicator.compute(start, end, filters=usable) if len(usable) == len(filters) else None
        if value is not None:
            funnel.append({"code": code, "label": indicator.label(_lang()), "value": value})
    return {
        "funnel": funnel,
        "disbursements": (ledger_quarters_by_donor if facts else disbursements_by_donor)(start, end, filters),
        "survival": kaplan_meier(end, filters, facts=facts),
        "regions": regions_table(start, end, filters),
    }


def _lang() -> str:
    return caching.current_language()


# The dimensions ``LedgerQuarter``/``LedgerUnits`` are filed under (``reports.ledger_facts``),
# and the lookup of each; the money series by any other filter (the lead's age bracket at
# the period's end) is read from the allocations.
LEDGER_FILTERS = {
    "donor": "code",
    "office": "office__code",
    "region": "region__code",
    "city": "city__slug",
    "sex": "lead_sex",
    "nationality": "lead_nationality",
    "legal_status": "lead_legal_status",
}


def _ledger_rows(qs) -> dict[tuple, tuple[Decimal, int]]:
    """{(quarter's first day, donor acronym): (MAD, projects)} from allocations: payments
    minus reversals, and how many projects' allocations there do not net to zero."""
    per_project = (
        qs.values(
            quarter=TruncQuarter("disbursement__date"),
            donor=F("agreement__donor__acronym"),
            project=F("disbursement__grant__project"),
        )
        .annotate(net=ledger_facts.signed_mad())
        .order_by()
    )
    sql, params = per_project.query.sql_with_params()
    with connection.cursor() as cur:
        # The ORM's own SQL (every value bound as a parameter), summed per quarter and donor.
        outer = (
            "SELECT quarter, donor, SUM(net), SUM(CASE WHEN net <> 0 THEN 1 ELSE 0 END) "  # noqa: S608
            f"FROM ({sql}) per_project GROUP BY quarter, donor"
        )
        cur.execute(outer, params)
        # (SQLite sums decimals as floats: through their text, as the ORM would.)
        rows = cur.fetchall()
    return {(_day(q), donor): (money(str(mad)), int(n)) for q, donor, mad, n in rows}


def _allocations(start, end, filters, *, at=None):
    """The approved allocations dated in [start, end] of the projects that pass ``filters``
    (the funnel's: a project's person dimensions are its lead member's, its age bracket at
    ``at``, the period's end); "donor" is the allocation's own agreement's donor."""
    prefix = "disbursement__grant__project__"
    filters = dict(filters)
    donor = filters.pop("donor", None)
    qs = DisbursementAllocation.objects.filter(
        disbursement__status=Disbursement.Status.APPROVED, disbursement__date__range=(start, end)
    )
    if donor:
        qs = qs.filter(agreement__donor__code=donor)
    dims = project_dims(at or end, prefix)
    return apply_filters(qs, dims, filters, donor_prefix=None, needs_lead_dob=prefix)


def _day(value) -> datetime.date:
    if isinstance(value, str):  # SQLite, through raw SQL
        return datetime.date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime.datetime) else value


def _series(sums: dict[tuple, tuple[Decimal, int]]) -> dict:
    """Per donor its MAD and its projects ("units": how many make the amount) per quarter."""
    quarters: list[str] = []
    series: dict[str, dict[str, tuple[Decimal, int]]] = {}
    for quarter, donor in sorted(sums):
        q = f"{quarter:%Y}-Q{(quarter.month - 1) // 3 + 1}"
        if q not in quarters:
            quarters.append(q)
        mad, units = sums[(quarter, donor)]
        series.setdefault(donor, {})[q] = (money(mad), units)
    empty = (money(0), 0)
    return {
        "quarters": quarters,
        "series": [
            {
                "donor": d,
                "values": [values.get(q, empty)[0] for q in quarters],
                "units": [values.get(q, empty)[1] for q in quarters],
            }
            for d, values in series.items()
        ],
    }


def disbursements_by_donor(start, end, filters) -> dict:
    """MAD disbursed (payments minus reversals) per donor and quarter, and the projects
    making each amount, from the ledger, for the projects that pass every filter."""
    return _series(_ledger_rows(_allocations(start, end, filters)))


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def ledger_quarters_by_donor(start, end, filters) -> dict:
    """The same as ``disbursements_by_donor``, with the whole quarters of the period read
    from ``LedgerQuarter`` (a few hundred rows) and only the partial quarters at its ends
    from the ledger."""
    first = _quarter_start(start)
    if first < start:
        first = _quarter_start(first + datetime.timedelta(days=93))
    after = _quarter_start(end + datetime.timedelta(days=1))  # first day after the last whole quarter
    if after <= first or set(filters) - set(LEDGER_FILTERS):
        return disbursements_by_donor(start, end, filters)
    units = _ledger_facts(LedgerUnits, first, after, filters)
    amounts = (
        _ledger_facts(LedgerQuarter, first, after, filters)
        .values("quarter", "agreement__donor__acronym")
        .annotate(p=Sum("payments_mad"), r=Sum("reversals_mad"))
        .order_by()
    )
    counts = {
        (q, d): n for q, d, n in units.values_list("quarter", "donor__acronym").annotate(n=Sum("units")).order_by()
    }
    sums: dict[tuple, tuple[Decimal, int]] = {}
    for r in amounts:
        if r["p"] or r["r"]:  # a key whose amounts all moved to another place is not shown
            key = (r["quarter"], r["agreement__donor__acronym"])
            sums[key] = (r["p"] - r["r"], counts.get(key, 0))
    edges = [(start, first - datetime.timedelta(days=1)), (after, end)]
    for lo, hi in edges:
        if lo <= hi:
            sums.update(_ledger_rows(_allocations(lo, hi, filters, at=end)))  # other quarters than the whole ones
    return _series(sums)


def _ledger_facts(model, first, after, filters):
    """``LedgerQuarter`` or ``LedgerUnits`` rows of the whole quarters in [first, after)
    filed under the place the filters ask for."""
    qs = model.objects.filter(quarter__gte=first, quarter__lt=after)
    for dim, value in filters.items():
        lookup = LEDGER_FILTERS[dim]
        if dim == "donor":
            lookup = "agreement__donor__code" if model is LedgerQuarter else "donor__code"
        qs = qs.filter(**{lookup: value})
    return qs


# Up to this many projects with visits after the period's end, their visits are read by
# project id. At benchmark scale, a period ending today (3,259 such projects) took 15 ms
# instead of 55 ms for a pass over all the visits; for periods ending in the past the
# planner often chooses that pass anyway (3,000 to 19,000 ids: within a few ms of the
# subquery either way), so beyond a few thousand ids nothing is gained.
KM_IDS_AT_MOST = 5_000


def kaplan_meier(end, filters, *, facts: FactsState | None = None) -> list[dict]:
    """Survival of financed businesses by month after funding, Kaplan-Meier.

    Each project financed by ``end`` has a time: the month of its first visit that found
    the business not operating (an event), or else of its last done visit (censored).
    One grouped pass over the visits gives each project's (time, event); the projects are
    then counted per (time, event) in the database, and the product-limit estimate is
    taken over those few groups. With current ``facts``, the projects whose every done
    visit is dated by ``end`` take their (time, event) from ``ProjectFacts``; only the
    others are computed from their visits.

    Those others are counted first, before the filters (a donor filter costs ~18 ms over the
    facts): usually there are none (a period ending today) and the visits are not read at
    all. Up to ``KM_IDS_AT_MOST``, the ids of those that pass the filters are read and their
    visits read for those ids, which the planner can do through the project index instead
    of a pass over every visit; past that, the pass is as fast.
    """
    if facts is not None:
        groups = _km_groups_from_facts(end, filters)
        later = ProjectFacts.objects.filter(financed_facts_q(Grant.Kind.STARTUP, None, end), km_complete_from__gt=end)
        later_ids = list(later.values_list("project", flat=True)[: KM_IDS_AT_MOST + 1])
        if len(later_ids) > KM_IDS_AT_MOST:
            groups += _km_groups_from_visits(end, filters, projects=_km_projects(later, end, filters).values("project"))
        elif later_ids:
            if filters:
                later_ids = list(_km_projects(later, end, filters).values_list("project", flat=True))
            if later_ids:
                groups += _km_groups_from_visits(end, filters, projects=later_ids)
    else:
        groups = _km_groups_from_visits(end, filters)
    events: dict[int, int] = {}
    censored: dict[int, int] = {}
    total = 0
    for failed_at, seen_at, n in groups:
        total += n
        if failed_at is not None:
            events[failed_at] = events.get(failed_at, 0) + n
        else:
            censored[seen_at] = censored.get(seen_at, 0) + n
    at_risk, survival, curve = total, 1.0, [{"month": 0, "survival": 100.0, "at_risk": total}]
    for month in sorted(set(events) | set(censored)):
        if at_risk <= 0:
            break
        d = events.get(month, 0)
        survival *= 1 - d / at_risk
        curve.append({"month": month, "survival": round(100 * survival, 1), "at_risk": at_risk})
        at_risk -= d + censored.get(month, 0)
    return curve


def _km_projects(facts, end, filters):
    """The ``ProjectFacts`` rows of the projects financed by ``end`` that pass ``filters``
    (every filter the funnel takes: the indicators' own ``apply_filters``)."""
    facts = facts.filter(financed_facts_q(Grant.Kind.STARTUP, None, end))
    prefix = "project__"
    return apply_filters(facts, project_dims(end, prefix), filters, donor_prefix=prefix, needs_lead_dob=prefix)


def _km_groups_from_facts(end, filters) -> list[tuple]:
    facts = _km_projects(ProjectFacts.objects.filter(km_seen_at__isnull=False, km_complete_from__lte=end), end, filters)
    return list(facts.values_list("km_failed_at", "km_seen_at").annotate(n=Count("pk")).order_by())


def _km_groups_from_visits(end, filters, projects: list[int] | QuerySet | None = None) -> list[tuple]:
    """(time, event, projects) groups from the visits of ``projects`` (ids, or a subquery
    of them), or of every project financed by ``end`` that passes ``filters``."""
    visits = FollowUpVisit.objects.filter(status="done", done_on__lte=end, months_after_funding__isnull=False)
    if projects is None:
        financed = financed_projects(None, end, Grant.Kind.STARTUP)
        financed = apply_filters(financed, project_dims(end), filters, donor_prefix="", needs_lead_dob="")
        visits = visits.filter(project__in=financed.values("pk"))
    elif isinstance(projects, QuerySet) or connection.vendor != "postgresql":
        visits = visits.filter(project__in=projects)
    else:
        # One array parameter, not one parameter per id; the column name comes from the model.
        column = f'"{FollowUpVisit._meta.db_table}"."project_id"'
        in_ids = RawSQL(f"{column} = ANY(%s::bigint[])", (projects,), output_field=BooleanField())  # noqa: S611
        visits = visits.filter(in_ids)
    per_project = (
        visits.values("project")
        .annotate(
            failed_at=Min("months_after_funding", filter=~Q(business_status=BusinessStatus.OPERATING)),
            seen_at=Max("months_after_funding"),
        )
        .order_by()
    )
    sql, params = per_project.query.sql_with_params()
    with connection.cursor() as cur:
        # The ORM's own SQL (every value bound as a parameter), counted per (time, event).
        outer = f"SELECT failed_at, seen_at, COUNT(*) FROM ({sql}) per_project GROUP BY failed_at, seen_at"  # noqa: S608
        cur.execute(outer, params)
        return cur.fetchall()


def regions_table(start, end, filters) -> dict:
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
        column = [int(values[c].get(k, 0)) for k in keys]
        values[c] = [*column, sum(column)]
    for n, k in enumerate(keys):
        rows.append({"label": labels[k], "values": [values[c][n] for c in columns]})
    totals = [values[c][len(keys)] if len(values[c]) > len(keys) else None for c in columns]
    return {"columns": [registry[c].label(_lang()) for c in columns], "rows": rows, "totals": totals}
