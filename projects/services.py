"""Writes to business projects. Keyword-only, typed, atomic; they take the acting user.

The three services ``project_mark_funded``, ``project_mark_operating`` and
``project_close`` are called by ``funding`` (a higher app) and keep their signatures.
Status changes go through ``_transition`` only, which follows ``projects.workflow``.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import money
from core.roles import Role, has_role
from projects.models import (
    ACTIVE_STATUSES,
    AgendaItem,
    Attendance,
    BudgetLine,
    BusinessProject,
    CommitteeDecision,
    CommitteeSitting,
    ConflictOfInterest,
    Cooperative,
    FeasibilityStudy,
    LegalForm,
    ProjectMember,
    ProjectStatus,
    ProjectTransition,
    Score,
    ScoringCriterion,
    Session,
)
from projects.workflow import TRANSITIONS
from refugees.models import Refugee
from refugees.services import refugee_refresh_status

STAFF = (Role.CASEWORKER, Role.PROGRAMME_MANAGER)


def _refresh_on_commit(refugee_ids: Iterable[int]) -> None:
    ids = list(refugee_ids)
    transaction.on_commit(lambda: refugee_refresh_status(refugee_ids=ids))


def _require_role(by, roles: Iterable[str]) -> None:
    roles = tuple(roles)
    if roles and not has_role(by, *roles):
        raise PermissionDenied(_("You are not allowed to do this."))


# --- Status workflow ---------------------------------------------------------------


def _transition(
    *,
    project: BusinessProject,
    action: str,
    by,
    comment: str = "",
    at=None,
    check_role: bool = True,
    guard=None,
) -> BusinessProject:
    """Lock the project, check the table, the role and the guard, then move it.

    Runs inside the caller's transaction. A concurrent move waits on the row lock and
    then finds the new status, so it is refused with a clear message.
    """
    transition = TRANSITIONS[action]
    if check_role:
        _require_role(by, transition.roles)
    project = BusinessProject.objects.select_for_update().get(pk=project.pk)
    if project.status not in transition.sources:
        raise ValidationError(
            _("A project that is %(status)s cannot be moved to %(target)s."),
            code="illegal_transition",
            params={"status": project.get_status_display(), "target": ProjectStatus(transition.target).label},
        )
    if guard is not None:
        guard(project)
    ProjectTransition.objects.create(
        project=project,
        action=action,
        from_status=project.status,
        to_status=transition.target,
        by=by,
        at=at or timezone.now(),
        comment=comment,
    )
    project.status = transition.target
    fields = ["status", "updated_at"]
    if transition.target == ProjectStatus.SUBMITTED:
        project.submitted_at = at or timezone.now()
        fields.append("submitted_at")
    project.save(update_fields=fields)
    ProjectMember.objects.filter(project=project).update(is_active=transition.target in ACTIVE_STATUSES)
    _refresh_on_commit(project.members.values_list("refugee_id", flat=True))
    return project


def submission_problems(project: BusinessProject) -> list[str]:
    """What keeps a draft from being submitted (empty when it can go)."""
    problems = []
    members = list(project.members.all())
    if not any(m.is_lead for m in members):
        problems.append(_("The project needs a lead member."))
    if members and sum((m.share_percent for m in members), Decimal(0)) != Decimal(100):
        problems.append(_("The members' shares must add up to 100%."))
    total = project.budget_lines.aggregate(t=Sum("total"))["t"]
    if not total:
        problems.append(_("The project needs a budget."))
    elif money(total) - project.own_contribution <= 0:
        problems.append(_("The amount requested must be more than zero."))
    if not FeasibilityStudy.objects.filter(project=project).exists():
        problems.append(_("The project needs a feasibility study."))
    if project.legal_form == LegalForm.COOPERATIVE:
        minimum = settings.SANAD_COOPERATIVE_MIN_MEMBERS
        if len(members) < minimum:
            problems.append(
                _("A cooperative needs at least %(minimum)s members (it has %(count)s).")
                % {"minimum": minimum, "count": len(members)}
            )
    return problems


def _submit_guard(project: BusinessProject) -> None:
    problems = submission_problems(project)
    if problems:
        raise ValidationError(problems, code="submit_guard")


@transaction.atomic
def project_submit(*, project: BusinessProject, by, comment: str = "") -> BusinessProject:
    """Draft -> submitted: needs a lead, a budget and a feasibility study."""
    return _transition(project=project, action="submit", by=by, comment=comment, guard=_submit_guard)


def _decision_guard(decision: str):
    def guard(project: BusinessProject) -> None:
        if not CommitteeDecision.objects.filter(item__project=project, decision=decision).exists():
            raise ValidationError(_("This needs a recorded committee decision."), code="no_decision")

    return guard


@transaction.atomic
def project_approve(*, project: BusinessProject, by, comment: str = "") -> BusinessProject:
    """Under review -> approved: only with the committee's approval decision recorded."""
    return _transition(
        project=project,
        action="approve",
        by=by,
        comment=comment,
        guard=_decision_guard(CommitteeDecision.Decision.APPROVED),
    )


@transaction.atomic
def project_reject(*, project: BusinessProject, by, comment: str = "") -> BusinessProject:
    return _transition(
        project=project,
        action="reject",
        by=by,
        comment=comment,
        guard=_decision_guard(CommitteeDecision.Decision.REJECTED),
    )


@transaction.atomic
def project_return(*, project: BusinessProject, by, comment: str = "") -> BusinessProject:
    """Under review -> draft, with the committee's requests."""
    return _transition(
        project=project,
        action="return",
        by=by,
        comment=comment,
        guard=_decision_guard(CommitteeDecision.Decision.RETURNED),
    )


@transaction.atomic
def project_mark_funded(*, project: BusinessProject, by, when=None, comment: str = "") -> BusinessProject:
    """Approved -> funded, when the first tranche of its start-up grant is paid."""
    at = when
    if isinstance(when, datetime.date) and not isinstance(when, datetime.datetime):
        at = timezone.make_aware(datetime.datetime.combine(when, datetime.time(12)))
    return _transition(project=project, action="fund", by=by, comment=comment, at=at, check_role=False)


@transaction.atomic
def project_mark_operating(*, project: BusinessProject, by, comment: str = "") -> BusinessProject:
    """Funded -> operating, when a follow-up visit finds the business operating."""
    return _transition(project=project, action="start_operating", by=by, comment=comment, check_role=False)


@transaction.atomic
def project_close(*, project: BusinessProject, by, outcome: str, comment: str = "") -> BusinessProject:
    """Funded/operating -> closed, with an outcome (e.g. a visit found the business closed)."""
    project = _transition(project=project, action="close", by=by, comment=comment, check_role=False)
    project.outcome = outcome
    project.save(update_fields=["outcome", "updated_at"])
    return project


# --- Sessions and attendance --------------------------------------------------------


@transaction.atomic
def session_create(*, by, **fields) -> Session:
    _require_role(by, STAFF)
    session = Session(**fields)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_update(*, session: Session, by, **fields) -> Session:
    _require_role(by, STAFF)
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    session.save()
    _refresh_on_commit(session.attendance.values_list("refugee_id", flat=True))
    return session


@transaction.atomic
def attendance_add(*, session: Session, refugee: Refugee, by) -> Attendance:
    _require_role(by, STAFF)
    attendance, _created = Attendance.objects.get_or_create(
        session=session, refugee=refugee, defaults={"recorded_by": by}
    )
    _refresh_on_commit([refugee.pk])
    return attendance


@transaction.atomic
def attendance_remove(*, session: Session, refugee: Refugee, by) -> None:
    _require_role(by, STAFF)
    Attendance.objects.filter(session=session, refugee=refugee).delete()
    _refresh_on_commit([refugee.pk])


# --- The application -----------------------------------------------------------------


def _require_draft(project: BusinessProject) -> None:
    if project.status != ProjectStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be changed; this project is %(status)s."),
            code="not_draft",
            params={"status": project.get_status_display()},
        )


def _lock(project: BusinessProject) -> BusinessProject:
    return BusinessProject.objects.select_for_update().get(pk=project.pk)


PROJECT_FIELDS = ("title", "activity", "sector", "legal_form", "city", "office", "own_contribution")


@transaction.atomic
def project_create(*, by, **fields) -> BusinessProject:
    _require_role(by, STAFF)
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown project fields: {sorted(unknown)}")
    project = BusinessProject(created_by=by, caseworker=by if has_role(by, Role.CASEWORKER) else None, **fields)
    project.region = project.city.region
    project.reference = f"TMP-{timezone.now():%H%M%S%f}"
    project.full_clean(exclude=["reference"])
    project.save()
    project.reference = f"PRJ-{project.created_at:%y}-{project.pk:05d}"
    project.save(update_fields=["reference"])
    return project


@transaction.atomic
def project_update(*, project: BusinessProject, by, **fields) -> BusinessProject:
    _require_role(by, STAFF)
    project = _lock(project)
    _require_draft(project)
    old_form = project.legal_form
    for name, value in fields.items():
        if name not in PROJECT_FIELDS:
            raise TypeError(f"Unknown project field: {name}")
        setattr(project, name, value)
    project.region = project.city.region
    project.full_clean()
    project.save()
    if project.legal_form != old_form:
        ProjectTransition.objects.create(
            project=project,
            action="change_legal_form",
            from_status=project.status,
            to_status=project.status,
            by=by,
            at=timezone.now(),
            comment=_("Legal form changed from %(old)s to %(new)s.")
            % {"old": LegalForm(old_form).label, "new": LegalForm(project.legal_form).label},
        )
    return project


def active_project_of(refugee: Refugee, *, exclude_project=None) -> BusinessProject | None:
    qs = ProjectMember.objects.filter(refugee=refugee, is_active=True).select_related("project")
    if exclude_project is not None:
        qs = qs.exclude(project=exclude_project)
    membership = qs.first()
    return membership.project if membership else None


def _already_active_error(refugee: Refugee, other: BusinessProject | None) -> ValidationError:
    if other is None:
        return ValidationError(_("This person is already a member of another active project."), code="one_active")
    return ValidationError(
        _("%(person)s is already a member of the active project %(reference)s “%(title)s”."),
        code="one_active",
        params={"person": refugee.full_name_latin, "reference": other.reference, "title": other.title},
    )


@transaction.atomic
def member_add(
    *, project: BusinessProject, refugee: Refugee, by, is_lead: bool = False, share_percent: Decimal = Decimal(100)
) -> ProjectMember:
    _require_role(by, STAFF)
    project = _lock(project)
    _require_draft(project)
    if project.members.filter(refugee=refugee).exists():
        raise ValidationError(_("This person is already a member of this project."), code="duplicate_member")
    other = active_project_of(refugee, exclude_project=project)
    if other is not None:
        raise _already_active_error(refugee, other)
    if is_lead:
        project.members.filter(is_lead=True).update(is_lead=False)
    member = ProjectMember(project=project, refugee=refugee, is_lead=is_lead, share_percent=share_percent)
    member.full_clean(exclude=["project", "refugee"], validate_constraints=False)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent add won the race
        raise _already_active_error(refugee, active_project_of(refugee, exclude_project=project)) from exc
    _refresh_on_commit([refugee.pk])
    return member


@transaction.atomic
def member_remove(*, member: ProjectMember, by) -> None:
    _require_role(by, STAFF)
    _require_draft(_lock(member.project))
    refugee_id = member.refugee_id
    member.delete()
    _refresh_on_commit([refugee_id])


@transaction.atomic
def budget_line_add(
    *, project: BusinessProject, by, category: str, description: str, quantity, unit_cost
) -> BudgetLine:
    _require_role(by, STAFF)
    project = _lock(project)
    _require_draft(project)
    line = BudgetLine(
        project=project, category=category, description=description, quantity=quantity, unit_cost=unit_cost
    )
    line.full_clean(exclude=["project", "total"])
    line.save()
    line.refresh_from_db(fields=["total"])
    return line


@transaction.atomic
def budget_line_remove(*, line: BudgetLine, by) -> None:
    _require_role(by, STAFF)
    _require_draft(_lock(line.project))
    line.delete()


@transaction.atomic
def study_save(*, project: BusinessProject, by, **fields) -> FeasibilityStudy:
    _require_role(by, STAFF)
    project = _lock(project)
    _require_draft(project)
    study = FeasibilityStudy.objects.filter(project=project).first() or FeasibilityStudy(project=project)
    for name, value in fields.items():
        if name == "document" and not value:
            continue
        setattr(study, name, value)
    study.full_clean(exclude=["project"])
    study.save()
    return study


@transaction.atomic
def cooperative_save(*, project: BusinessProject, by, **fields) -> Cooperative:
    _require_role(by, STAFF)
    project = _lock(project)
    if project.legal_form != LegalForm.COOPERATIVE:
        raise ValidationError(_("Only a cooperative project has ODCO steps."), code="not_cooperative")
    coop = Cooperative.objects.filter(project=project).first() or Cooperative(project=project)
    for name, value in fields.items():
        setattr(coop, name, value)
    coop.full_clean(exclude=["project"])
    coop.save()
    return coop


# --- The validation committee --------------------------------------------------------


@transaction.atomic
def sitting_create(*, by, date, chair, members: Iterable, quorum: int = 3, location: str = "") -> CommitteeSitting:
    _require_role(by, (Role.PROGRAMME_MANAGER,))
    sitting = CommitteeSitting(date=date, chair=chair, quorum=quorum, location=location)
    sitting.full_clean()
    sitting.save()
    sitting.members.set({*members, chair})
    return sitting


@transaction.atomic
def agenda_add(*, sitting: CommitteeSitting, project: BusinessProject, by) -> AgendaItem:
    """Put a submitted project on a sitting's agenda: it goes under review."""
    _require_role(by, (Role.PROGRAMME_MANAGER,))
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


def _require_sitting_member(item: AgendaItem, member) -> None:
    if not has_role(member, Role.COMMITTEE_MEMBER) or not item.sitting.members.filter(pk=member.pk).exists():
        raise PermissionDenied(_("Only the members of this sitting may do this."))


@transaction.atomic
def score_record(*, item: AgendaItem, member, values: dict[int, int]) -> list[Score]:
    """One member's scores (0-10) on every active criterion for one project, once."""
    item = _lock_item(item)
    _require_sitting_member(item, member)
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
    _require_sitting_member(item, member)
    _require_open_item(item)
    if Score.objects.filter(item=item, member=member).exists():
        raise ValidationError(
            _("You have already scored this project; ask the chair to record the conflict in the minutes."),
            code="already_scored",
        )
    conflict, _created = ConflictOfInterest.objects.get_or_create(item=item, member=member, defaults={"reason": reason})
    return conflict


def quorum_met(item: AgendaItem) -> bool:
    """Quorum: at least ``sitting.quorum`` members without a conflict scored the project."""
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
    """The chair records the committee's decision; the project moves accordingly."""
    from projects.selectors import amount_requested, item_weighted_score

    item = _lock_item(item)
    if by.pk != item.sitting.chair_id or not has_role(by, Role.COMMITTEE_MEMBER):
        raise PermissionDenied(_("Only the chair of the sitting records the decision."))
    _require_open_item(item)
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
def sitting_close(*, sitting: CommitteeSitting, by) -> CommitteeSitting:
    if by.pk != sitting.chair_id and not has_role(by, Role.PROGRAMME_MANAGER):
        raise PermissionDenied(_("Only the chair or a programme manager closes a sitting."))
    sitting.status = CommitteeSitting.Status.CLOSED
    sitting.save(update_fields=["status", "updated_at"])
    return sitting
