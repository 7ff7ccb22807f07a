"""The status moves of a project: one service per transition of ``projects.workflow``.

``project_mark_funded``, ``project_mark_operating`` and ``project_close`` are called by
``funding`` (a higher app) and keep their signatures. Status changes go through
``_transition`` only, which follows the table and checks the transition's predicate.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require
from core.money import money
from projects import access
from projects.models import (
    ACTIVE_STATUSES,
    BusinessProject,
    CommitteeDecision,
    FeasibilityStudy,
    LegalForm,
    ProjectMember,
    ProjectStatus,
    ProjectTransition,
)
from projects.services.common import lock, refresh_on_commit
from projects.workflow import TRANSITIONS
from refugees.models import Consent


def _transition(
    *, project: BusinessProject, action: str, by, comment: str = "", at=None, guard=None
) -> BusinessProject:
    """Check who may (the table's predicate), lock the project, check the table and the
    guard, then move it.

    Runs inside the caller's transaction. A concurrent move waits on the row lock and
    then finds the new status, so it is refused with a clear message.
    """
    transition = TRANSITIONS[action]
    require(transition.may(by, project))
    project = lock(project)
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
    refresh_on_commit(project.members.values_list("refugee_id", flat=True))
    return project


def submission_problems(project: BusinessProject) -> list[str]:
    """What keeps a draft from being submitted (empty when it can go). Every member needs a
    recorded, not withdrawn, consent to take part in the programme (``Consent.Purpose.
    PARTICIPATION``): the file then goes to the committee and the partners' reports."""
    problems = []
    members = list(project.members.select_related("refugee"))
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
    consenting = set(
        Consent.objects.filter(
            refugee_id__in=[m.refugee_id for m in members],
            purpose=Consent.Purpose.PARTICIPATION,
            withdrawn_on__isnull=True,
        ).values_list("refugee_id", flat=True)
    )
    missing = [m.refugee for m in members if m.refugee_id not in consenting]
    if missing:
        problems.append(
            _("No consent to take part in the programme is recorded for %(people)s: record it on their profile.")
            % {"people": ", ".join(str(m.full_name_latin) for m in missing)}
        )
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
    return _transition(project=project, action="fund", by=by, comment=comment, at=at)


@transaction.atomic
def project_mark_operating(*, project: BusinessProject, by, comment: str = "") -> BusinessProject:
    """Funded -> operating, when a follow-up visit finds the business operating."""
    return _transition(project=project, action="start_operating", by=by, comment=comment)


@transaction.atomic
def project_close(*, project: BusinessProject, by, outcome: str, comment: str = "") -> BusinessProject:
    """Funded/operating -> closed, with an outcome (e.g. a visit found the business closed)."""
    project = _transition(project=project, action="close", by=by, comment=comment)
    project.outcome = outcome
    project.save(update_fields=["outcome", "updated_at"])
    return project


@transaction.atomic
def project_close_by_hand(*, project: BusinessProject, by, outcome: str, comment: str = "") -> BusinessProject:
    """A programme manager closes a funded or operating project from its page, with its outcome."""
    require(access.can_close_project(by, project))
    return project_close(project=project, by=by, outcome=outcome, comment=comment)
