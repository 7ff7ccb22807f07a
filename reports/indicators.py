"""The indicator registry: every figure a report or a dashboard shows, computed in the
database for a period [start, end] and optionally disaggregated.

An indicator's ``compute(start, end, by=None, filters=None)`` returns one number, or
with ``by`` a dict ``{group key: number}``. Dimensions (``DIMENSIONS``): sex, UNHCR age
bracket at the period's end, nationality, legal status, region, office, donor. For a
project the person dimensions are those of its lead member; "donor" means a donor with
an agreement funding one of the project's grants (a co-funded project counts for each
of its donors). ``filters`` takes the same dimension names with one value each.

Nothing is stored: every call queries the records.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.agd import bracket_case
from core.models import City, Office, PartnerOrganisation, Region
from funding.models import (
    BusinessStatus,
    Disbursement,
    DisbursementAllocation,
    FollowUpVisit,
    Grant,
    GrantFunding,
)
from projects.models import (
    Attendance,
    BusinessProject,
    CommitteeDecision,
    Cooperative,
    ProjectMember,
    ProjectTransition,
)
from projects.models import Session as ProgrammeSession
from refugees.models import Refugee

DIMENSIONS = ("sex", "age", "nationality", "legal_status", "region", "city", "office", "donor")
UNKNOWN = "unknown"
SURVIVAL_MONTHS = (6, 12, 24)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: dict[str, str]
    definition: dict[str, str]
    func: Callable[..., Any] = field(repr=False)
    unit: str = "count"  # count | mad | percent
    dimensions: tuple[str, ...] = DIMENSIONS

    def compute(self, start: datetime.date, end: datetime.date, by: str | None = None, filters: dict | None = None):
        filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
        for dim in [by, *filters]:
            if dim is not None and dim not in self.dimensions:
                raise ValueError(f"{self.code} cannot be disaggregated by {dim}")
        if by == "donor":
            # A co-funded record belongs to each of its donors: one query per donor (a
            # handful), so a sum never counts a record twice within a donor.
            codes = PartnerOrganisation.objects.filter(kind=PartnerOrganisation.Kind.DONOR).values_list(
                "code", flat=True
            )
            out = {code: self.func(start, end, None, {**filters, "donor": code}) for code in codes}
            return {k: v for k, v in out.items() if v}
        return self.func(start, end, by, filters)

    def label(self, lang: str = "en") -> str:
        return self.name.get(lang) or self.name["en"]

    def explain(self, lang: str = "en") -> str:
        return self.definition.get(lang) or self.definition["en"]


class Registry:
    def __init__(self) -> None:
        self._items: dict[str, Indicator] = {}

    def register(self, indicator: Indicator) -> Indicator:
        self._items[indicator.code] = indicator
        return indicator

    def __getitem__(self, code: str) -> Indicator:
        return self._items[code]

    def __contains__(self, code: str) -> bool:
        return code in self._items

    def all(self) -> list[Indicator]:
        return list(self._items.values())

    def compute_many(self, codes, start, end, *, filters=None) -> dict[str, Any]:
        return {code: self[code].compute(start, end, filters=filters) for code in codes}


registry = Registry()


# -- dimension expressions ----------------------------------------------------------


def _outer(prefix: str) -> OuterRef:
    return OuterRef(prefix[:-2] if prefix else "pk")


def _lead(prefix: str, attr: str) -> Subquery:
    """The lead member's ``attr`` for the project at ``prefix`` (a subquery)."""
    return Subquery(ProjectMember.objects.filter(project=_outer(prefix), is_lead=True).values(f"refugee__{attr}")[:1])


def _person_dims(end: datetime.date, prefix: str = "") -> dict[str, Any]:
    return {
        "sex": F(f"{prefix}sex"),
        "age": bracket_case(end, f"{prefix}date_of_birth"),
        "nationality": F(f"{prefix}nationality"),
        "legal_status": F(f"{prefix}legal_status"),
        "region": F(f"{prefix}region__code"),
        "city": F(f"{prefix}city__slug"),
        "office": F(f"{prefix}office__code"),
    }


def _project_dims(end: datetime.date, prefix: str = "") -> dict[str, Any]:
    return {
        "sex": _lead(prefix, "sex"),
        "age": bracket_case(end, "_lead_dob"),
        "nationality": _lead(prefix, "nationality"),
        "legal_status": _lead(prefix, "legal_status"),
        "region": F(f"{prefix}region__code"),
        "city": F(f"{prefix}city__slug"),
        "office": F(f"{prefix}office__code"),
    }


def _donor_q(prefix: str, code: str) -> Q:
    """The project at ``prefix`` has a grant funded by donor ``code``."""
    return Q(
        Exists(GrantFunding.objects.filter(grant__project=_outer(prefix), agreement__donor__code=code)),
    )


LEAD_ATTRIBUTES = ("sex", "nationality", "legal_status")


def _lead_is(prefix: str, attr: str, value) -> Exists:
    """The project at ``prefix`` has a lead member whose ``attr`` is ``value``.

    The same projects as ``_lead(prefix, attr) == value`` (a project has at most one lead:
    constraint ``one_lead_per_project``), planned as one semi-join instead of a subquery
    per project: projects financed by region for women, 40,000 projects, took 240 ms, most
    of it compiling the query (JIT, set off by the subqueries' estimated cost), now 40 ms."""
    return Exists(ProjectMember.objects.filter(project=_outer(prefix), is_lead=True, **{f"refugee__{attr}": value}))


def _apply(qs: QuerySet, dims: dict, filters: dict, *, donor_prefix: str | None, needs_lead_dob: str | None):
    """``qs`` filtered by ``filters``. ``needs_lead_dob`` is the project's prefix when the
    person dimensions are its lead member's (None when they are the row's own)."""
    if needs_lead_dob is not None and ("age" in filters):
        qs = qs.annotate(_lead_dob=_lead(needs_lead_dob, "date_of_birth"))
    for dim, value in filters.items():
        if dim == "donor":
            if donor_prefix is None:
                return qs.none()
            qs = qs.filter(_donor_q(donor_prefix, value))
        elif needs_lead_dob is not None and dim in LEAD_ATTRIBUTES:
            qs = qs.filter(_lead_is(needs_lead_dob, dim, value))
        else:
            qs = qs.annotate(**{f"_f_{dim}": dims[dim]}).filter(**{f"_f_{dim}": value})
    return qs


# Dimensions whose values are a reference table's unique natural key. They are grouped by
# the foreign key and each group is named from the table (a dozen rows), which spares
# joining every counted row to it: refugees received by region, 100,000 rows, 36 ms became
# 10 ms with the index-only scan this allows (see docs/reports.md).
NATURAL_KEYS = {"region": (Region, "code"), "office": (Office, "code"), "city": (City, "slug")}


def _group_key(dims: dict, by: str) -> tuple[Any, tuple | None]:
    """What to group by for dimension ``by``, and the (model, natural key) its values are
    ids of, if any."""
    key = dims[by]
    if by in NATURAL_KEYS and isinstance(key, F):
        model, attr = NATURAL_KEYS[by]
        if key.name.endswith(f"__{attr}"):
            return F(key.name.removesuffix(f"__{attr}")), (model, attr)
    return key, None


def _grouped(qs: QuerySet, dims: dict, by: str | None, measure, *, lead_prefix: str | None = None):
    """``measure`` for the whole queryset, or a dict per value of dimension ``by`` (in the
    order of the values, unknown last)."""
    if by is None:
        value = qs.aggregate(v=measure)["v"]
        return 0 if value is None and isinstance(measure, Count) else value
    if by == "age" and lead_prefix is not None:
        qs = qs.annotate(_lead_dob=_lead(lead_prefix, "date_of_birth"))
    key, reference = _group_key(dims, by)
    if reference is None:
        rows = qs.annotate(_key=key).values("_key").annotate(v=measure)
    else:
        # Named in the same query, once per group (a subquery in the select list).
        model, attr = reference
        name = model.objects.filter(pk=OuterRef("_id")).order_by().values(attr)
        rows = qs.annotate(_id=key).values("_id").annotate(v=measure).annotate(_key=Subquery(name))
    out: dict[str, Any] = {}
    for row in rows.order_by("_key"):
        key = str(row["_key"] or UNKNOWN)
        out[key] = _add(out.get(key), row["v"])
    return out


def _add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _merge(a, b):
    if isinstance(a, dict):
        keys = set(a) | set(b)
        return {k: _add(a.get(k), b.get(k)) or 0 for k in sorted(keys)}
    return (a or 0) + (b or 0)


# -- subjects ------------------------------------------------------------------------


_use_project_facts: ContextVar[bool] = ContextVar("reports_use_project_facts", default=False)


@contextmanager
def from_project_facts() -> Iterator[None]:
    """Within this block, the projects' first payment dates come from ``ProjectFacts``
    (the dashboard, only while the facts are current: see ``reports.facts``) instead of
    a grouped pass over the whole ledger. Everything else is computed the same way."""
    token = _use_project_facts.set(True)
    try:
        yield
    finally:
        _use_project_facts.reset(token)


@contextmanager
def _without_parallel_workers() -> Iterator[None]:
    """Within this block PostgreSQL plans every query for one process (no Gather)."""
    if connection.vendor != "postgresql":
        yield
        return
    setting = "max_parallel_workers_per_gather"
    # A local setting, bounded by a transaction even in autocommit. Inside an outer
    # transaction it would outlive this block, so the value is put back on the way out (an
    # error rolls the block's savepoint back, and the setting with it).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s), set_config(%s, '0', true)", [setting, setting])
        before = cursor.fetchone()[0]
        yield
        cursor.execute("SELECT set_config(%s, %s, true)", [setting, before])


def first_paid_between(kind: str, start=None, end=None) -> QuerySet:
    """Ids of the projects whose first approved payment of a ``kind`` grant is dated in
    [start, end] (one grouped pass over the ledger, not a lookup per project)."""
    if _use_project_facts.get():
        from reports.models import ProjectFacts

        column = "first_startup_payment" if kind == Grant.Kind.STARTUP else "first_reinforcement_payment"
        facts = ProjectFacts.objects.filter(**{f"{column}__isnull": False})
        if start is not None:
            facts = facts.filter(**{f"{column}__gte": start})
        if end is not None:
            facts = facts.filter(**{f"{column}__lte": end})
        return facts.values("project")
    firsts = (
        Disbursement.objects.filter(
            grant__kind=kind, kind=Disbursement.Kind.PAYMENT, status=Disbursement.Status.APPROVED
        )
        .values("grant__project")
        .annotate(first=Min("date"))
    )
    if start is not None:
        firsts = firsts.filter(first__gte=start)
    if end is not None:
        firsts = firsts.filter(first__lte=end)
    return firsts.values("grant__project")


def financed_projects(start, end, kind: str = Grant.Kind.STARTUP) -> QuerySet:
    return BusinessProject.objects.filter(pk__in=first_paid_between(kind, start, end))


def _project_count(qs, start, end, by, filters):
    dims = _project_dims(end)
    qs = _apply(qs, dims, filters, donor_prefix="", needs_lead_dob="")
    # Plain COUNT: the subjects are filtered with EXISTS / IN and the dimensions are to-one,
    # so no row repeats (COUNT(DISTINCT) sorted 200,000 rows on disk at benchmark scale).
    # COUNT(*), not of a column: an index-only scan need not carry the id.
    return _grouped(qs, dims, by, Count("*"), lead_prefix="")


def _people_count(qs, start, end, by, filters, donor_prefix: str | None = None):
    dims = _person_dims(end)
    qs = _apply(qs, dims, filters, donor_prefix=donor_prefix, needs_lead_dob=None)
    return _grouped(qs, dims, by, Count("*"))  # no repeated rows, no column: see _project_count


# -- the indicators ------------------------------------------------------------------


def _refugees_received(start, end, by, filters):
    return _people_count(Refugee.objects.filter(intake_date__range=(start, end)), start, end, by, filters)


def _participants(kind: str):
    def compute(start, end, by, filters):
        sessions = ProgrammeSession.objects.filter(kind=kind, date__range=(start, end))
        attended = Attendance.objects.filter(refugee=OuterRef("pk"), session__in=sessions)
        registered = _people_count(Refugee.objects.filter(Exists(attended)), start, end, by, filters)
        # Unregistered attendees have no profile: they count under "unknown", except by
        # office, region and city, which come from the session.
        person_filters = set(filters) - {"office", "region", "city"}
        if person_filters:
            return registered
        if "office" in filters:
            sessions = sessions.filter(office__code=filters["office"])
        if "region" in filters:
            sessions = sessions.filter(city__region__code=filters["region"])
        if "city" in filters:
            sessions = sessions.filter(city__slug=filters["city"])
        dims = {"office": F("office__code"), "region": F("city__region__code"), "city": F("city__slug")}
        measure = Coalesce(Sum("unregistered_attendees"), 0)
        if by in dims:
            unregistered = _grouped(sessions, dims, by, measure)
        elif by is None:
            unregistered = sessions.aggregate(v=measure)["v"]
        else:
            total = sessions.aggregate(v=measure)["v"]
            unregistered = {UNKNOWN: total} if total else {}
        return _merge(registered, unregistered)

    return compute


def _applications_submitted(start, end, by, filters):
    submitted = ProjectTransition.objects.filter(
        project=OuterRef("pk"), to_status="submitted", at__date__gte=start, at__date__lte=end
    )
    return _project_count(BusinessProject.objects.filter(Exists(submitted)), start, end, by, filters)


def _decisions(decision: str):
    def compute(start, end, by, filters):
        decided = CommitteeDecision.objects.filter(
            item__project=OuterRef("pk"), decision=decision, decided_at__date__gte=start, decided_at__date__lte=end
        )
        return _project_count(BusinessProject.objects.filter(Exists(decided)), start, end, by, filters)

    return compute


def _first_paid_count(kind: str):
    def compute(start, end, by, filters):
        if by is None and not filters and _use_project_facts.get():
            # ProjectFacts has one row per project (its primary key): counting its rows in
            # the period is counting the projects, without joining them (12 ms became 3).
            return first_paid_between(kind, start, end).count()
        return _project_count(financed_projects(start, end, kind), start, end, by, filters)

    return compute


_projects_financed = _first_paid_count(Grant.Kind.STARTUP)


def _refugees_in_financed_projects(start, end, by, filters):
    members = ProjectMember.objects.filter(
        refugee=OuterRef("pk"), project__in=first_paid_between(Grant.Kind.STARTUP, start, end)
    )
    if "donor" in filters:
        members = members.filter(
            Exists(
                GrantFunding.objects.filter(grant__project=OuterRef("project"), agreement__donor__code=filters["donor"])
            )
        )
        filters = {k: v for k, v in filters.items() if k != "donor"}
    if not _use_project_facts.get():
        return _people_count(Refugee.objects.filter(Exists(members)), start, end, by, filters)
    # From the facts, the members of the financed projects are a 40,000-row hash that a
    # parallel plan builds once in each process, the same hash three times over on two
    # cores: one process is twice as fast (benchmark, by region: 58 ms parallel, 28 ms not).
    # From the ledger, the grouped pass over a million payments does gain from the workers.
    with _without_parallel_workers():
        return _people_count(Refugee.objects.filter(Exists(members)), start, end, by, filters)


_startups_reinforced = _first_paid_count(Grant.Kind.REINFORCEMENT)


def _cooperatives_created(start, end, by, filters):
    coops = Cooperative.objects.filter(registration_date__range=(start, end)).values("project")
    return _project_count(BusinessProject.objects.filter(pk__in=coops), start, end, by, filters)


def _allocations(start, end, filters):
    prefix = "disbursement__grant__project__"
    dims = _project_dims(end, prefix)
    qs = DisbursementAllocation.objects.filter(
        disbursement__status=Disbursement.Status.APPROVED, disbursement__date__range=(start, end)
    )
    return _apply(qs, dims, filters, donor_prefix=None, needs_lead_dob=prefix), dims, prefix


def _signed(field_name: str):
    return Sum(
        Case(
            When(disbursement__kind=Disbursement.Kind.REVERSAL, then=-F(field_name)),
            default=F(field_name),
            output_field=DecimalField(max_digits=18, decimal_places=2),
        )
    )


def _amount_disbursed_mad(start, end, by, filters):
    # Money is charged to an agreement: "donor" is the allocation's own donor.
    filters = dict(filters)
    donor = filters.pop("donor", None)
    qs, dims, prefix = _allocations(start, end, filters)
    if donor:
        qs = qs.filter(agreement__donor__code=donor)
    value = _grouped(qs, dims, by, _signed("amount_mad"), lead_prefix=prefix)
    return value if value is not None else ZERO


def amount_by_agreement(start, end, filters: dict | None = None) -> list[dict]:
    """Approved payments minus approved reversals per agreement, in its currency and MAD."""
    filters = dict(filters or {})
    donor = filters.pop("donor", None)
    qs, _dims, _prefix = _allocations(start, end, filters)
    if donor:
        qs = qs.filter(agreement__donor__code=donor)
    rows = (
        qs.values("agreement__reference", "agreement__currency", "agreement__amount", "agreement__donor__code")
        .annotate(amount_currency=_signed("amount_currency"), amount_mad=_signed("amount_mad"))
        .order_by("agreement__reference")
    )
    return [
        {
            "agreement": r["agreement__reference"],
            "donor": r["agreement__donor__code"],
            "currency": r["agreement__currency"],
            "agreement_amount": r["agreement__amount"],
            "amount_currency": r["amount_currency"],
            "amount_mad": r["amount_mad"],
        }
        for r in rows
    ]


def latest_visits(start, end, filters) -> tuple[QuerySet, dict]:
    """For each project financed in the period, its latest done visit on or before ``end``."""
    later = FollowUpVisit.objects.filter(project=OuterRef("project"), status="done", done_on__lte=end).filter(
        Q(done_on__gt=OuterRef("done_on")) | Q(done_on=OuterRef("done_on"), pk__gt=OuterRef("pk"))
    )
    qs = FollowUpVisit.objects.filter(
        status="done", done_on__lte=end, project__in=first_paid_between(Grant.Kind.STARTUP, start, end)
    ).exclude(Exists(later))
    prefix = "project__"
    dims = _project_dims(end, prefix)
    return _apply(qs, dims, filters, donor_prefix=prefix, needs_lead_dob=prefix), dims


def _jobs(field_name: str):
    def compute(start, end, by, filters):
        qs, dims = latest_visits(start, end, filters)
        return _grouped(qs, dims, by, Coalesce(Sum(field_name), 0), lead_prefix="project__")

    return compute


def _average_revenue(start, end, by, filters):
    qs, dims = latest_visits(start, end, filters)
    qs = qs.filter(monthly_revenue__isnull=False)
    measure = Avg("monthly_revenue", output_field=DecimalField(max_digits=14, decimal_places=2))
    value = _grouped(qs, dims, by, measure, lead_prefix="project__")
    if isinstance(value, dict):
        return {k: _q(v) for k, v in value.items()}
    return _q(value) if value is not None else ZERO


def _q(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _survival_base(months: int, end, filters):
    """Projects whose first start-up payment is at least ``months`` months before ``end``,
    and who had the ``months``-month visit done by ``end``."""
    cutoff = end - relativedelta(months=months)
    projects = first_paid_between(Grant.Kind.STARTUP, None, cutoff)
    visits = FollowUpVisit.objects.filter(
        project__in=projects, status="done", months_after_funding=months, done_on__lte=end
    )
    prefix = "project__"
    dims = _project_dims(end, prefix)
    return _apply(visits, dims, filters, donor_prefix=prefix, needs_lead_dob=prefix), dims


def _survival_base_from_facts(months: int, end, filters, operating_only: bool):
    """The same projects as ``_survival_base`` from ``ProjectFacts`` (one row each): the
    first done ``months``-month visit (found operating) is dated by ``end``."""
    from reports.models import ProjectFacts

    column = f"visit_{months}m_{'operating' if operating_only else 'done'}_on"
    facts = ProjectFacts.objects.filter(
        first_startup_payment__lte=end - relativedelta(months=months), **{f"{column}__lte": end}
    )
    prefix = "project__"
    dims = _project_dims(end, prefix)
    return _apply(facts, dims, filters, donor_prefix=prefix, needs_lead_dob=prefix), dims


def _operating(months: int, operating_only: bool):
    def compute(start, end, by, filters):
        if _use_project_facts.get():
            qs, dims = _survival_base_from_facts(months, end, filters, operating_only)
            return _grouped(qs, dims, by, Count("pk"), lead_prefix="project__")
        qs, dims = _survival_base(months, end, filters)
        if operating_only:
            qs = qs.filter(business_status=BusinessStatus.OPERATING)
        return _grouped(qs, dims, by, Count("project", distinct=True), lead_prefix="project__")

    return compute


def _survival_rate(months: int):
    def compute(start, end, by, filters):
        qs, dims = _survival_base(months, end, filters)
        measure_ok = Count("project", distinct=True, filter=Q(business_status=BusinessStatus.OPERATING))
        if by is None:
            agg = qs.aggregate(ok=measure_ok, n=Count("project", distinct=True))
            return _rate(agg["ok"], agg["n"])
        if by == "age":
            qs = qs.annotate(_lead_dob=_lead("project__", "date_of_birth"))
        rows = qs.annotate(_key=dims[by]).values("_key").annotate(ok=measure_ok, n=Count("project", distinct=True))
        return {str(r["_key"] or UNKNOWN): _rate(r["ok"], r["n"]) for r in rows}

    return compute


def _rate(ok: int, n: int) -> Decimal | None:
    if not n:
        return None
    return (Decimal(100) * ok / n).quantize(Decimal("0.1"))


def _visits_done(start, end, by, filters):
    qs = FollowUpVisit.objects.filter(status="done", done_on__range=(start, end))
    dims = _project_dims(end, "project__")
    qs = _apply(qs, dims, filters, donor_prefix="project__", needs_lead_dob="project__")
    return _grouped(qs, dims, by, Count("pk"), lead_prefix="project__")


def _visits_overdue(start, end, by, filters):
    limit = min(end, timezone.localdate())
    qs = FollowUpVisit.objects.filter(status="scheduled", due_date__lt=limit)
    dims = _project_dims(end, "project__")
    qs = _apply(qs, dims, filters, donor_prefix="project__", needs_lead_dob="project__")
    return _grouped(qs, dims, by, Count("pk"), lead_prefix="project__")


def _reg(code, func, *, en, fr, ar, def_en, def_fr, def_ar, unit="count", dimensions=DIMENSIONS):
    return registry.register(
        Indicator(
            code=code,
            name={"en": en, "fr": fr, "ar": ar},
            definition={"en": def_en, "fr": def_fr, "ar": def_ar},
            func=func,
            unit=unit,
            dimensions=dimensions,
        )
    )


PERSON_DIMS = ("sex", "age", "nationality", "legal_status", "region", "city", "office")

_reg(
    "refugees_received",
    _refugees_received,
    en="Refugees received",
    fr="Réfugiés accueillis",
    ar="اللاجئون المستقبَلون",
    def_en="Registered refugees whose intake date falls in the period.",
    def_fr="Réfugiés enregistrés dont la date d'accueil se situe dans la période.",
    def_ar="اللاجئون المسجلون الذين يقع تاريخ استقبالهم ضمن الفترة.",
    dimensions=PERSON_DIMS,
)
_reg(
    "awareness_participants",
    _participants(ProgrammeSession.Kind.AWARENESS),
    en="Awareness participants",
    fr="Participants aux sensibilisations",
    ar="المشاركون في حملات التحسيس",
    def_en="Distinct registered refugees who attended at least one awareness session dated in the period, plus "
    "the unregistered attendees of those sessions (counted under 'unknown', by the session's office and region).",
    def_fr="Réfugiés enregistrés distincts ayant assisté à au moins une séance de sensibilisation datée de la "
    "période, plus les participants non enregistrés de ces séances (comptés en « inconnu », par bureau et région "
    "de la séance).",
    def_ar="عدد اللاجئين المسجلين المختلفين الذين حضروا جلسة تحسيس واحدة على الأقل مؤرخة ضمن الفترة، مضافاً إليه "
    "الحاضرون غير المسجلين في تلك الجلسات (يُحتسبون ضمن «غير معروف»، حسب مكتب الجلسة وجهتها).",
    dimensions=PERSON_DIMS,
)
_reg(
    "people_trained",
    _participants(ProgrammeSession.Kind.TRAINING),
    en="People trained",
    fr="Personnes formées",
    ar="الأشخاص المكوَّنون",
    def_en="Distinct registered refugees who attended at least one training dated in the period, plus the "
    "unregistered attendees of those trainings.",
    def_fr="Réfugiés enregistrés distincts ayant suivi au moins une formation datée de la période, plus les "
    "participants non enregistrés de ces formations.",
    def_ar="عدد اللاجئين المسجلين المختلفين الذين تابعوا تكويناً واحداً على الأقل مؤرخاً ضمن الفترة، مضافاً إليه "
    "الحاضرون غير المسجلين في تلك التكوينات.",
    dimensions=PERSON_DIMS,
)
_reg(
    "applications_submitted",
    _applications_submitted,
    en="Applications submitted",
    fr="Demandes déposées",
    ar="الطلبات المقدَّمة",
    def_en="Projects submitted to the committee in the period (each project counted once).",
    def_fr="Projets soumis au comité pendant la période (chaque projet compté une fois).",
    def_ar="المشاريع المقدَّمة إلى اللجنة خلال الفترة (يُحتسب كل مشروع مرة واحدة).",
)
_reg(
    "applications_approved",
    _decisions(CommitteeDecision.Decision.APPROVED),
    en="Applications approved",
    fr="Demandes approuvées",
    ar="الطلبات الموافق عليها",
    def_en="Projects with a committee decision 'approved' taken in the period.",
    def_fr="Projets ayant reçu une décision « approuvé » du comité pendant la période.",
    def_ar="المشاريع التي حصلت على قرار «موافقة» من اللجنة خلال الفترة.",
)
_reg(
    "applications_rejected",
    _decisions(CommitteeDecision.Decision.REJECTED),
    en="Applications rejected",
    fr="Demandes rejetées",
    ar="الطلبات المرفوضة",
    def_en="Projects with a committee decision 'rejected' taken in the period.",
    def_fr="Projets ayant reçu une décision « rejeté » du comité pendant la période.",
    def_ar="المشاريع التي حصلت على قرار «رفض» من اللجنة خلال الفترة.",
)
_reg(
    "projects_financed",
    _projects_financed,
    en="Projects financed",
    fr="Projets financés",
    ar="المشاريع الممولة",
    def_en="Projects whose first approved payment of a start-up grant is dated in the period.",
    def_fr="Projets dont le premier paiement approuvé d'une subvention de démarrage est daté de la période.",
    def_ar="المشاريع التي تقع أول دفعة معتمدة من منحة الانطلاق الخاصة بها ضمن الفترة.",
)
_reg(
    "refugees_in_financed_projects",
    _refugees_in_financed_projects,
    en="Refugees in financed projects",
    fr="Réfugiés des projets financés",
    ar="اللاجئون في المشاريع الممولة",
    def_en="Distinct refugees who are members of a project financed in the period.",
    def_fr="Réfugiés distincts membres d'un projet financé pendant la période.",
    def_ar="اللاجئون المختلفون الأعضاء في مشروع مموَّل خلال الفترة.",
)
_reg(
    "startups_reinforced",
    _startups_reinforced,
    en="Start-ups reinforced",
    fr="Entreprises renforcées",
    ar="المقاولات المعزَّزة",
    def_en="Projects whose first approved payment of a reinforcement grant is dated in the period.",
    def_fr="Projets dont le premier paiement approuvé d'une subvention de renforcement est daté de la période.",
    def_ar="المشاريع التي تقع أول دفعة معتمدة من منحة التعزيز الخاصة بها ضمن الفترة.",
)
_reg(
    "cooperatives_created",
    _cooperatives_created,
    en="Cooperatives created",
    fr="Coopératives créées",
    ar="التعاونيات المُحدَثة",
    def_en="Cooperatives whose registration date falls in the period.",
    def_fr="Coopératives dont la date d'immatriculation se situe dans la période.",
    def_ar="التعاونيات التي يقع تاريخ تسجيلها ضمن الفترة.",
)
_reg(
    "amount_disbursed_mad",
    _amount_disbursed_mad,
    unit="mad",
    en="Amount disbursed (MAD)",
    fr="Montant décaissé (MAD)",
    ar="المبلغ المصروف (درهم)",
    def_en="Approved payments minus approved reversals dated in the period, from their allocations to agreements "
    "(by donor: the allocations charged to that donor's agreements).",
    def_fr="Paiements approuvés moins contre-passations approuvées datés de la période, d'après leur imputation "
    "aux conventions (par bailleur : les imputations aux conventions de ce bailleur).",
    def_ar="الدفعات المعتمدة ناقص عمليات الإلغاء المعتمدة المؤرخة ضمن الفترة، حسب توزيعها على الاتفاقيات "
    "(حسب المانح: المبالغ المحمَّلة على اتفاقياته).",
)
for _field, _en, _fr, _ar in [
    ("jobs_refugee_women", "Jobs: refugee women", "Emplois : femmes réfugiées", "مناصب الشغل: لاجئات"),
    ("jobs_refugee_men", "Jobs: refugee men", "Emplois : hommes réfugiés", "مناصب الشغل: لاجئون"),
    ("jobs_moroccan_women", "Jobs: Moroccan women", "Emplois : Marocaines", "مناصب الشغل: مغربيات"),
    ("jobs_moroccan_men", "Jobs: Moroccan men", "Emplois : Marocains", "مناصب الشغل: مغاربة"),
]:
    _reg(
        _field,
        _jobs(_field),
        en=_en,
        fr=_fr,
        ar=_ar,
        def_en="For each project financed in the period, the people employed at its latest follow-up visit done "
        "on or before the period's end.",
        def_fr="Pour chaque projet financé pendant la période, les personnes employées lors de la dernière visite "
        "de suivi réalisée au plus tard à la fin de la période.",
        def_ar="لكل مشروع مموَّل خلال الفترة، عدد العاملين المسجَّل في آخر زيارة تتبُّع أُنجزت في نهاية الفترة أو قبلها.",
    )
for _m in SURVIVAL_MONTHS:
    _reg(
        f"visited_{_m}m",
        _operating(_m, operating_only=False),
        en=f"Businesses visited at {_m} months",
        fr=f"Entreprises visitées à {_m} mois",
        ar=f"المقاولات التي زيرت بعد {_m} شهراً",
        def_en=f"Projects whose first start-up payment is at least {_m} months before the period's end and whose "
        f"{_m}-month visit was done by then (the survival rate's denominator).",
        def_fr=f"Projets dont le premier paiement de démarrage date d'au moins {_m} mois avant la fin de la "
        f"période et dont la visite des {_m} mois a été faite à cette date (dénominateur du taux de survie).",
        def_ar=f"المشاريع التي مضى على أول دفعة انطلاق لها {_m} شهراً على الأقل عند نهاية الفترة وأُنجزت زيارة "
        f"الشهر {_m} الخاصة بها قبل ذلك (مقام معدل الاستمرارية).",
    )
    _reg(
        f"operating_{_m}m",
        _operating(_m, operating_only=True),
        en=f"Businesses operating at {_m} months",
        fr=f"Entreprises en activité à {_m} mois",
        ar=f"المقاولات النشيطة بعد {_m} شهراً",
        def_en=f"Among the businesses visited at {_m} months, those found operating at that visit.",
        def_fr=f"Parmi les entreprises visitées à {_m} mois, celles trouvées en activité lors de cette visite.",
        def_ar=f"من بين المقاولات التي زيرت بعد {_m} شهراً، تلك التي وُجدت نشيطة خلال تلك الزيارة.",
    )
    _reg(
        f"survival_rate_{_m}m",
        _survival_rate(_m),
        unit="percent",
        en=f"Survival rate at {_m} months (%)",
        fr=f"Taux de survie à {_m} mois (%)",
        ar=f"معدل الاستمرارية بعد {_m} شهراً (%)",
        def_en=f"Businesses operating at {_m} months divided by businesses visited at {_m} months, in per cent "
        "(empty when none was visited).",
        def_fr=f"Entreprises en activité à {_m} mois divisées par les entreprises visitées à {_m} mois, en "
        "pourcentage (vide si aucune visite).",
        def_ar=f"المقاولات النشيطة بعد {_m} شهراً مقسومة على المقاولات التي زيرت بعد {_m} شهراً، بالنسبة المئوية "
        "(فارغ إن لم تُنجز أي زيارة).",
    )
_reg(
    "average_monthly_revenue",
    _average_revenue,
    unit="mad",
    en="Average monthly revenue at the last visit (MAD)",
    fr="Chiffre d'affaires mensuel moyen à la dernière visite (MAD)",
    ar="متوسط رقم المعاملات الشهري عند آخر زيارة (درهم)",
    def_en="Mean monthly revenue recorded at the latest visit done by the period's end, over the projects "
    "financed in the period that have one.",
    def_fr="Moyenne du chiffre d'affaires mensuel relevé à la dernière visite faite avant la fin de la période, "
    "sur les projets financés pendant la période qui en ont une.",
    def_ar="متوسط رقم المعاملات الشهري المسجل في آخر زيارة أُنجزت قبل نهاية الفترة، للمشاريع المموَّلة خلال "
    "الفترة التي لديها زيارة.",
)
_reg(
    "visits_done",
    _visits_done,
    en="Follow-up visits done",
    fr="Visites de suivi réalisées",
    ar="زيارات التتبع المنجزة",
    def_en="Follow-up visits done with a visit date in the period.",
    def_fr="Visites de suivi réalisées dont la date se situe dans la période.",
    def_ar="زيارات التتبع المنجزة التي يقع تاريخها ضمن الفترة.",
)
_reg(
    "visits_overdue",
    _visits_overdue,
    en="Follow-up visits overdue",
    fr="Visites de suivi en retard",
    ar="زيارات التتبع المتأخرة",
    def_en="Visits still scheduled whose due date is before the period's end (or today, if earlier).",
    def_fr="Visites encore planifiées dont l'échéance est antérieure à la fin de la période (ou à aujourd'hui "
    "si plus tôt).",
    def_ar="الزيارات التي لا تزال مبرمجة وتاريخ استحقاقها قبل نهاية الفترة (أو قبل اليوم إن كان أسبق).",
)

HEADLINE = (
    "refugees_received",
    "awareness_participants",
    "projects_financed",
    "refugees_in_financed_projects",
    "startups_reinforced",
    "cooperatives_created",
)
