"""The validation committee: sittings, the agenda, scores, conflicts of interest, the
decision, and **the quorum** (:func:`quorum_met`, checked by :func:`decision_record`).

Who may: ``projects.access`` (``can_manage_sittings``, ``can_sit_on``,
``can_record_decision``, ``can_close_sitting``).
"""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require
from projects import access
from projects.models import (
    AgendaItem,
    BusinessProject,
    CommitteeDecision,
    CommitteeSitting,
    ConflictOfInterest,
    Score,
    ScoringCriterion,
)
from projects.selectors import amount_requested, item_weighted_score
from projects.services.workflow import _transition, project_approve, project_reject, project_return


@transaction.atomic
def sitting_create(
    *, by, date, chair, members: Iterable, quorum: int = 3, location: str = "", deputy_chair=None
) -> CommitteeSitting:
    """Plan a sitting; the chair is always a member, and so is the deputy chair (if named)."""
    require(access.can_manage_sittings(by))
    members = {*members, chair}
    if deputy_chair is not None and deputy_chair not in members:
        raise ValidationError(
            {"deputy_chair": _("The deputy chair must be one of the sitting's members.")}, code="deputy_not_member"
        )
    sitting = CommitteeSitting(date=date, chair=chair, deputy_chair=deputy_chair, quorum=quorum, location=location)
    sitting.full_clean()
    sitting.save()
    sitting.members.set(members)
    return sitting


@transaction.atomic
def agenda_add(*, sitting: CommitteeSitting, project: BusinessProject, by) -> AgendaItem:
    """Put a submitted project on a sitting's agenda: it goes under review."""
    require(access.can_manage_sittings(by))
    if sitting.status == CommitteeSitting.Status.CLOSED:
        raise ValidationError(_("This sitting is closed."), code="sitting_closed")
    project = _transition(project=project, action="start_review", by=by)
    if AgendaItem.objects.filter(sitting=sitting, project=project).exists():
        raise ValidationError(_("This project is already on the agenda."), code="on_agenda")
    order = sitting.agenda.count() + 1
    return AgendaItem.objects.create(sitting=sitting, project=project, order=order)


def _lock_item(item: AgendaItem) -> AgendaItem:
    return AgendaItem.objects.select_for_update().select_related("sitting", "project").get(pk=item.pk)


def _require_open_item(item: AgendaItem) -> None:
    if CommitteeDecision.objects.filter(item=item).exists():
        raise ValidationError(_("A decision has already been recorded for this project."), code="decided")
    if item.sitting.status == CommitteeSitting.Status.CLOSED:
        raise ValidationError(_("This sitting is closed."), code="sitting_closed")


@transaction.atomic
def score_record(*, item: AgendaItem, member, values: dict[int, int]) -> list[Score]:
    """One member's scores (0-10) on every active criterion for one project, once."""
    item = _lock_item(item)
    require(access.can_sit_on(member, item.sitting))
    _require_open_item(item)
    if ConflictOfInterest.objects.filter(item=item, member=member).exists():
        raise ValidationError(
            _("You declared a conflict of interest on this project: you cannot score it."), code="conflicted"
        )
    if Score.objects.filter(item=item, member=member).exists():
        raise ValidationError(_("You have already scored this project."), code="scored_twice")
    criteria = list(ScoringCriterion.objects.filter(is_active=True))
    wanted = {c.pk for c in criteria}
    if set(values) != wanted:
        raise ValidationError(_("Give a score for every criterion of the grid."), code="incomplete")
    for value in values.values():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
            raise ValidationError(_("Each score must be a whole number from 0 to 10."), code="score_range")
    return Score.objects.bulk_create(
        [Score(item=item, member=member, criterion_id=pk, value=value) for pk, value in values.items()]
    )


@transaction.atomic
def conflict_declare(*, item: AgendaItem, member, reason: str = "") -> ConflictOfInterest:
    item = _lock_item(item)
    require(access.can_sit_on(member, item.sitting))
    _require_open_item(item)
    if Score.objects.filter(item=item, member=member).exists():
        raise ValidationError(
            _("You have already scored this project; ask the chair to record the conflict in the minutes."),
            code="already_scored",
        )
    conflict, _created = ConflictOfInterest.objects.get_or_create(item=item, member=member, defaults={"reason": reason})
    return conflict


def decision_turn_text(item: AgendaItem, user) -> str:
    """Why ``user`` (the chair or the deputy chair) does not record this item's decision."""
    decider = access.item_decider_id(item)
    if ConflictOfInterest.objects.filter(item=item, member=user).exists():
        if decider is not None:
            return _(
                "You declared a conflict of interest on this project: you cannot record the decision. "
                "The deputy chair records it."
            )
        return _(
            "You declared a conflict of interest on this project: you cannot record the decision. "
            "The decision waits for another sitting."
        )
    if decider is None:
        return _("The decision on this project waits: the chair and the deputy chair both declared a conflict.")
    return _("The chair records this decision; the deputy chair only when the chair declared a conflict.")


def quorum_met(item: AgendaItem) -> bool:
    """**The committee quorum**: at least ``sitting.quorum`` distinct members scored the
    project (a member who declared a conflict cannot score, so never counts)."""
    scorers = Score.objects.filter(item=item).values("member").distinct().count()
    return scorers >= item.sitting.quorum


@transaction.atomic
def decision_record(
    *,
    item: AgendaItem,
    by,
    decision: str,
    approved_amount: Decimal | None = None,
    conditions: str = "",
    reason: str = "",
) -> CommitteeDecision:
    """The chair records the committee's decision once the quorum is met (the deputy chair
    when the chair declared a conflict on the project: ``access.item_decider_id``); the
    project moves accordingly."""
    item = _lock_item(item)
    require(access.can_record_decision(by, item.sitting))
    _require_open_item(item)
    if not access.can_record_item_decision(by, item):
        raise ValidationError(decision_turn_text(item, by), code="conflicted")
    if not quorum_met(item):
        raise ValidationError(
            _("The quorum is not met: %(quorum)s members must score the project before a decision."),
            code="no_quorum",
            params={"quorum": item.sitting.quorum},
        )
    project = item.project
    choices = CommitteeDecision.Decision
    if decision == choices.APPROVED:
        requested = amount_requested(project)
        if approved_amount is None or approved_amount <= 0:
            raise ValidationError(_("Give the approved amount."), code="amount_missing")
        if approved_amount > requested:
            raise ValidationError(
                _("The approved amount cannot exceed the amount requested (%(requested)s MAD)."),
                code="amount_too_high",
                params={"requested": requested},
            )
    elif decision in (choices.REJECTED, choices.RETURNED):
        approved_amount = None
        if not reason.strip():
            raise ValidationError(_("Give the reason or the requests."), code="reason_missing")
    else:
        raise ValidationError(_("Choose a decision."), code="decision")
    record = CommitteeDecision.objects.create(
        item=item,
        decision=decision,
        approved_amount=approved_amount,
        conditions=conditions,
        reason=reason,
        weighted_score=item_weighted_score(item),
        decided_by=by,
        decided_at=timezone.now(),
    )
    comment = conditions if decision == choices.APPROVED else reason
    if decision == choices.APPROVED:
        project = project_approve(project=project, by=by, comment=comment)
        project.approved_amount = approved_amount
        project.save(update_fields=["approved_amount", "updated_at"])
    elif decision == choices.REJECTED:
        project_reject(project=project, by=by, comment=comment)
    else:
        project_return(project=project, by=by, comment=comment)
    return record


@transaction.atomic
def sitting_attendance(*, sitting: CommitteeSitting, by, present: Iterable) -> CommitteeSitting:
    """Record which members are present: the first time opens the sitting (its opening time
    goes in the minutes); again while it is open corrects the list. A closed sitting's
    attendance is final."""
    sitting = CommitteeSitting.objects.select_for_update().get(pk=sitting.pk)
    require(access.can_run_sitting(by, sitting))
    if sitting.status == CommitteeSitting.Status.CLOSED:
        raise ValidationError(_("This sitting is closed."), code="sitting_closed")
    present = set(present)
    members = set(sitting.members.all())
    if not present <= members:
        raise ValidationError(_("Only the sitting's members can be marked present."), code="not_member")
    sitting.present.set(present)
    if sitting.opened_at is None:
        sitting.opened_at = timezone.now()
    sitting.status = CommitteeSitting.Status.OPEN
    sitting.save(update_fields=["opened_at", "status", "updated_at"])
    return sitting


@transaction.atomic
def sitting_close(*, sitting: CommitteeSitting, by) -> CommitteeSitting:
    sitting = CommitteeSitting.objects.select_for_update().get(pk=sitting.pk)
    require(access.can_close_sitting(by, sitting))
    if sitting.status == CommitteeSitting.Status.CLOSED:
        return sitting
    sitting.status = CommitteeSitting.Status.CLOSED
    sitting.closed_at = timezone.now()
    sitting.save(update_fields=["status", "closed_at", "updated_at"])
    return sitting
