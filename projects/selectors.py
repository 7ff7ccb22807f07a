"""Reads: amounts, the committee's weighted scores and the programme funnel."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from core.money import money
from projects.models import (
    AgendaItem,
    Attendance,
    BudgetLine,
    BusinessProject,
    CommitteeDecision,
    ProjectMember,
    ProjectStatus,
    ProjectTransition,
    Score,
    Session,
)

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
        requested=ExpressionWrapper(F("budget_total") - F("own_contribution"), output_field=MONEY),
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
