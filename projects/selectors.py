"""Reads: the list pages (filtered with django-filter), amounts, the committee's weighted
scores, the minutes and the programme funnel. Every list starts from a scoped queryset of
``projects.access``."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from core.money import money
from projects import access
from projects.models import (
    AgendaItem,
    Attendance,
    BudgetLine,
    BusinessProject,
    CommitteeDecision,
    CommitteeSitting,
    ConflictOfInterest,
    FeasibilityStudy,
    ProjectMember,
    ProjectStatus,
    ProjectTransition,
    Score,
    Session,
)
from projects.workflow import TRANSITIONS
from refugees.models import RefugeeStatus
from refugees.selectors import people_matching

MONEY = DecimalField(max_digits=24, decimal_places=4)


def budget_total(project: BusinessProject) -> Decimal:
    total = project.budget_lines.aggregate(t=Sum("total"))["t"]
    return money(total or 0)


def amount_requested(project: BusinessProject) -> Decimal:
    """Budget total minus own contribution (never below zero)."""
    return max(budget_total(project) - project.own_contribution, Decimal("0.00"))


def with_amounts(qs: QuerySet[BusinessProject]) -> QuerySet[BusinessProject]:
    """Annotate ``budget_total`` and ``requested`` in the database (no row multiplication)."""
    totals = (
        BudgetLine.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(t=Sum("total"))
        .values("t")
    )
    return qs.annotate(
        budget_total=Coalesce(Subquery(totals, output_field=MONEY), Value(Decimal(0)), output_field=MONEY),
    ).annotate(
        # Never below zero (an own contribution larger than the budget requests nothing), as
        # ``amount_requested`` says on the project's page.
        requested=Greatest(
            ExpressionWrapper(F("budget_total") - F("own_contribution"), output_field=MONEY),
            Value(Decimal(0)),
            output_field=MONEY,
        ),
    )


def project_list(qs: QuerySet[BusinessProject]) -> QuerySet[BusinessProject]:
    lead = ProjectMember.objects.filter(project=OuterRef("pk"), is_lead=True)
    return with_amounts(qs.select_related("office", "city")).annotate(
        member_count=Subquery(
            ProjectMember.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(c=Count("pk"))
            .values("c")
        ),
        lead_first=Subquery(lead.values("refugee__first_name_latin")[:1]),
        lead_last=Subquery(lead.values("refugee__last_name_latin")[:1]),
    )


# --- The list pages -----------------------------------------------------------------------


class SessionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Session.Kind.choices)

    class Meta:
        model = Session
        fields = ["kind"]


def session_list(user, params) -> QuerySet[Session]:
    """The user's sessions filtered by kind (an unknown kind is ignored), newest first,
    with their registered attendance."""
    qs = access.sessions_visible_to(user).select_related("city", "office", "partner")
    return SessionFilter(params, queryset=qs).qs.annotate(registered=Count("attendance")).order_by("-date", "-pk")


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices)
    q = django_filters.CharFilter(method="search")

    class Meta:
        model = BusinessProject
        fields = ["status", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value) | Q(activity__icontains=value))


PROJECT_ORDER = ("-created_at", "-pk")


def project_search(user, params) -> QuerySet[BusinessProject]:
    """The user's projects filtered by status and a search on reference, title and
    activity: bare rows (pk only) in list order, to paginate before annotating."""
    return ProjectFilter(params, queryset=access.projects_visible_to(user)).qs.only("pk").order_by(*PROJECT_ORDER)


def project_rows(page_rows) -> list[BusinessProject]:
    """One page of ``project_search`` with its list annotations (deep pages stay fast)."""
    rows = project_list(BusinessProject.objects.filter(pk__in=[p.pk for p in page_rows]))
    return list(rows.order_by(*PROJECT_ORDER))


# A project picker shows at most this many matches.
PROJECT_PICKER_LIMIT = 15


def projects_matching(queryset: QuerySet[BusinessProject], query: str) -> tuple[list[dict], bool]:
    """The projects of ``queryset`` a picker offers for ``query`` (two characters at least):
    the reference's start or a word of the title, in reference order, with whether more
    match. One query; the rows name no person (reference, title, office)."""
    query = (query or "").replace("\x00", "").strip()[:100]
    if len(query) < 2:
        return [], False
    found = list(
        queryset.filter(Q(reference__istartswith=query) | Q(title__icontains=query))
        .select_related("office")
        .only("reference", "title", "office__name_fr", "office__name_ar", "office__name_en")
        .order_by("reference")[: PROJECT_PICKER_LIMIT + 1]
    )
    rows = [{"value": p.reference, "label": p.title, "detail": p.office.name} for p in found]
    return rows[:PROJECT_PICKER_LIMIT], len(rows) > PROJECT_PICKER_LIMIT


def refugees_to_mark_present(user, session: Session, q: str) -> list:
    """Up to 20 refugees the user may pick, not yet marked present at ``session``, found
    by the registry's name search (``refugees.selectors.people_matching``)."""
    qs = access.refugees_pickable_by(user).exclude(attendance__session=session)
    return people_matching(qs, q)


# The register lists at most this many people; the picker finds the others.
REGISTER_LIMIT = 200
# Whom a session is for, by the status the registry derives: an awareness session for the
# people registered and not yet sensitised; a training for them and the sensitised.
REGISTER_AUDIENCE = {
    Session.Kind.AWARENESS: [RefugeeStatus.REGISTERED],
    Session.Kind.TRAINING: [RefugeeStatus.REGISTERED, RefugeeStatus.SENSITISED],
}


def session_register(user, session: Session) -> tuple[list, bool]:
    """The session's register, ticked in one go: the people already marked present, and
    the people of the session's office the session is for (``REGISTER_AUDIENCE``), whom
    the user may pick, by name; each with ``present``. At most ``REGISTER_LIMIT``
    (``True`` in second place when there are more). One query."""
    present = Attendance.objects.filter(session=session, refugee=OuterRef("pk"))
    audience = Q(office_id=session.office_id, status__in=REGISTER_AUDIENCE.get(session.kind, []))
    people = list(
        access.refugees_pickable_by(user)
        .annotate(present=Exists(present))
        .filter(Q(present=True) | audience)
        .only(
            "pk",
            "first_name_latin",
            "last_name_latin",
            "first_name_ar",
            "last_name_ar",
            "unhcr_individual_number",
            "status",
        )
        .order_by("last_name_latin", "first_name_latin", "pk")[: REGISTER_LIMIT + 1]
    )
    return people[:REGISTER_LIMIT], len(people) > REGISTER_LIMIT


def refugees_to_add_as_members(user, project: BusinessProject, q: str) -> list:
    """Up to 10 refugees the user may pick who are not yet members of ``project``, found by
    the registry's name search (the member picker)."""
    qs = access.refugees_pickable_by(user).exclude(project_memberships__project=project)
    return people_matching(qs, q, limit=10)


def _count_of(qs, group: str):
    """``COUNT(*)`` of ``qs`` (filtered on an ``OuterRef``) as a subquery, 0 when empty."""
    return Coalesce(Subquery(qs.order_by().values(group).annotate(n=Count("pk")).values("n")), 0)


def sitting_list(user) -> QuerySet[CommitteeSitting]:
    return (
        access.sittings_visible_to(user)
        .select_related("chair")
        # Counted in subqueries: a committee member's scope filters on ``members`` (their own
        # row), and a Count over that join would say "1" for every sitting.
        .annotate(
            agenda_count=_count_of(AgendaItem.objects.filter(sitting=OuterRef("pk")), "sitting"),
            member_count=_count_of(
                CommitteeSitting.members.through.objects.filter(committeesitting=OuterRef("pk")), "committeesitting"
            ),
        )
        .order_by("-date", "-pk")
    )


# --- A project's page ----------------------------------------------------------------------


def project_history(project: BusinessProject) -> list[ProjectTransition]:
    """The project's moves, each with the label of its action."""
    rows = list(project.transitions.select_related("by"))
    for t in rows:
        known = TRANSITIONS.get(t.action)
        t.label = known.label if known else _("Legal form changed") if t.action == "change_legal_form" else t.action
    return rows


def decided_items(project: BusinessProject) -> list[AgendaItem]:
    """The project's agenda items that have a decision, with their sittings."""
    items = AgendaItem.objects.filter(project=project).select_related("sitting", "decision")
    return [item for item in items if hasattr(item, "decision")]


# --- The committee ---------------------------------------------------------------------------


def agenda_with_scores(sitting) -> QuerySet[AgendaItem]:
    # weighted average = sum(value x weight) / sum(weight), over every score of the item
    num = Sum(F("scores__value") * F("scores__criterion__weight"), output_field=MONEY)
    den = Sum(F("scores__criterion__weight"), output_field=MONEY)
    scorers = Count("scores__member", distinct=True)
    conflicts = AgendaItem.objects.filter(pk=OuterRef("pk")).annotate(c=Count("conflicts")).values("c")
    return (
        AgendaItem.objects.filter(sitting=sitting)
        .select_related("project", "project__office", "decision")
        .annotate(w_num=num, w_den=den, scorer_count=scorers, conflict_count=Subquery(conflicts))
        .order_by("order", "pk")
    )


def agenda_rows(sitting, user=None, *, members=None) -> list[AgendaItem]:
    """The agenda with each item's weighted score; for ``user`` a member of the sitting,
    blind (``weighted`` None, ``blind`` True) on the undecided items they have not scored.
    ``members``: the sitting's members when the caller has read them (no query for them here)."""
    rows = list(agenda_with_scores(sitting))
    scored: set[int] = set()
    if user is None:
        sits = False
    elif members is not None:
        sits = any(member.pk == user.pk for member in members)
    else:
        sits = sitting.members.filter(pk=user.pk).exists()
    if sits:
        scored = set(Score.objects.filter(item__sitting=sitting, member=user).values_list("item_id", flat=True))
    for row in rows:
        row.blind = sits and row.pk not in scored and getattr(row, "decision", None) is None
        row.weighted = None if row.blind else weighted_value(row.w_num, row.w_den)
    return rows


def scores_blind_for(item: AgendaItem, user) -> bool:
    """**Blind scoring**: a member of the sitting sees the others' scores on an item only
    once they have submitted their own (or the item is decided)."""
    if hasattr(item, "decision"):
        return False
    if not item.sitting.members.filter(pk=user.pk).exists():
        return False
    return not Score.objects.filter(item=item, member=user).exists()


@dataclass(frozen=True)
class SittingAttendance:
    """What the minutes say of who sat: the members present and absent, and whether the
    sitting had its quorum of members present (``recorded`` False: nobody ticked the list)."""

    recorded: bool
    present: list
    absent: list
    quorum: int

    @property
    def quorum_met(self) -> bool:
        return len(self.present) >= self.quorum


def sitting_attendance(sitting) -> SittingAttendance:
    members = list(sitting.members.order_by("last_name", "username"))
    present_pks = set(sitting.present.values_list("pk", flat=True))
    return SittingAttendance(
        recorded=sitting.opened_at is not None,
        present=[m for m in members if m.pk in present_pks],
        absent=[m for m in members if m.pk not in present_pks],
        quorum=sitting.quorum,
    )


def minutes_agenda(sitting) -> list[AgendaItem]:
    """The agenda for the minutes: scores, each member's scores, conflicts and the decision."""
    agenda = agenda_rows(sitting)
    items = (
        AgendaItem.objects.filter(sitting=sitting)
        .select_related("project", "decision", "decision__decided_by")
        .prefetch_related(Prefetch("conflicts", queryset=ConflictOfInterest.objects.select_related("member")))
    )
    by_pk = {i.pk: i for i in items}
    for row in agenda:
        row.full = by_pk[row.pk]
        row.member_scores = member_scores(row)
    return agenda


def item_review(item: AgendaItem, user) -> dict:
    """What a committee page shows of one agenda item: the project's file, the scores, the
    conflicts, the decision, and what ``user`` has already done on it."""
    project = item.project
    blind = scores_blind_for(item, user)
    return {
        "blind": blind,
        "item": item,
        "sitting": item.sitting,
        "project": project,
        "members": project.members.select_related("refugee").order_by("-is_lead", "pk"),
        "lines": project.budget_lines.all(),
        "budget_total": budget_total(project),
        "requested": amount_requested(project),
        "study": FeasibilityStudy.objects.filter(project=project).first(),
        "weighted": None if blind else item_weighted_score(item),
        "member_scores": [] if blind else member_scores(item),
        "conflicts": item.conflicts.select_related("member"),
        "my_scores": Score.objects.filter(item=item, member=user).select_related("criterion"),
        "conflicted": ConflictOfInterest.objects.filter(item=item, member=user).exists(),
        "decision": getattr(item, "decision", None) if hasattr(item, "decision") else None,
    }


def weighted_value(num, den) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) / Decimal(den)).quantize(Decimal("0.01"))


def item_weighted_score(item: AgendaItem) -> Decimal | None:
    agg = Score.objects.filter(item=item).aggregate(
        num=Sum(F("value") * F("criterion__weight"), output_field=MONEY),
        den=Sum(F("criterion__weight"), output_field=MONEY),
    )
    return weighted_value(agg["num"], agg["den"])


def member_scores(item: AgendaItem) -> list[dict]:
    """Per member: weighted average of their scores on this item."""
    rows = (
        Score.objects.filter(item=item)
        .values("member", "member__first_name", "member__last_name", "member__username")
        .annotate(
            num=Sum(F("value") * F("criterion__weight"), output_field=MONEY),
            den=Sum(F("criterion__weight"), output_field=MONEY),
        )
        .order_by("member__last_name", "member__username")
    )
    return [{**r, "weighted": weighted_value(r["num"], r["den"])} for r in rows]


# --- The funnel ------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    key: str
    reached: bool
    when: datetime.date | datetime.datetime | None
    detail: str = ""


def refugee_funnel(refugee) -> list[FunnelStep]:
    """The person's path: awareness session -> application -> decision -> funding."""
    first_awareness = (
        Attendance.objects.filter(refugee=refugee, session__kind=Session.Kind.AWARENESS)
        .order_by("session__date")
        .values_list("session__date", flat=True)
        .first()
    )
    transitions = ProjectTransition.objects.filter(project__members__refugee=refugee).order_by("at")
    applied = transitions.filter(to_status=ProjectStatus.SUBMITTED).values_list("at", flat=True).first()
    decision = (
        CommitteeDecision.objects.filter(item__project__members__refugee=refugee)
        .order_by("decided_at")
        .values_list("decided_at", "decision")
        .last()
    )
    funded = transitions.filter(to_status=ProjectStatus.FUNDED).values_list("at", flat=True).first()
    return funnel_steps(
        awareness=first_awareness,
        applied=applied,
        decided_at=decision[0] if decision else None,
        decision_label=CommitteeDecision.Decision(decision[1]).label if decision else "",
        funded=funded,
    )


def funnel_steps(*, awareness, applied, decided_at, decision_label, funded) -> list[FunnelStep]:
    """The four steps of a person's path from the dates of each (``None``: not reached)."""
    return [
        FunnelStep("awareness", awareness is not None, awareness),
        FunnelStep("applied", applied is not None, applied),
        FunnelStep("decision", decided_at is not None, decided_at, decision_label),
        FunnelStep("funded", funded is not None, funded),
    ]


def funnel_counts(start: datetime.date, end: datetime.date) -> dict[str, int]:
    """People who attended an awareness session between ``start`` and ``end``, and of
    them how many then applied, were approved and were financed (any later date).

    One query; each step is an EXISTS on the person, so nobody is counted twice.
    """
    from refugees.models import Refugee

    def moved(to_status: str):
        return Exists(ProjectTransition.objects.filter(project__members__refugee=OuterRef("pk"), to_status=to_status))

    attended = Exists(
        Attendance.objects.filter(
            refugee=OuterRef("pk"),
            session__kind=Session.Kind.AWARENESS,
            session__date__gte=start,
            session__date__lte=end,
        )
    )
    row = (
        Refugee.objects.filter(attended)
        .annotate(
            has_applied=moved(ProjectStatus.SUBMITTED),
            has_approval=moved(ProjectStatus.APPROVED),
            has_funding=moved(ProjectStatus.FUNDED),
        )
        .aggregate(
            attended=Count("pk"),
            applied=Count("pk", filter=Q(has_applied=True)),
            approved=Count("pk", filter=Q(has_applied=True, has_approval=True)),
            financed=Count("pk", filter=Q(has_applied=True, has_approval=True, has_funding=True)),
        )
    )
    return {k: row[k] or 0 for k in ("attended", "applied", "approved", "financed")}
