"""Writes to business projects. Keyword-only, typed, atomic; they take the acting user.

The three services below are called by ``funding`` (a higher app) and keep these
signatures: ``project_mark_funded``, ``project_mark_operating``, ``project_close``.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import ACTIVE_STATUSES, BusinessProject, ProjectMember, ProjectStatus, ProjectTransition
from refugees.services import refugee_refresh_status


def _transition(*, project: BusinessProject, action: str, to: str, allowed_from: tuple, by, comment: str = "", at=None):
    project = BusinessProject.objects.select_for_update().get(pk=project.pk)
    if project.status not in allowed_from:
        raise ValidationError(
            _("A project that is %(status)s cannot be moved to %(target)s."),
            code="illegal_transition",
            params={"status": project.get_status_display(), "target": ProjectStatus(to).label},
        )
    ProjectTransition.objects.create(
        project=project,
        action=action,
        from_status=project.status,
        to_status=to,
        by=by,
        at=at or timezone.now(),
        comment=comment,
    )
    project.status = to
    project.save(update_fields=["status", "updated_at"])
    ProjectMember.objects.filter(project=project).update(is_active=to in ACTIVE_STATUSES)
    member_ids = list(project.members.values_list("refugee_id", flat=True))
    transaction.on_commit(lambda: refugee_refresh_status(refugee_ids=member_ids))
    return project


@transaction.atomic
def project_mark_funded(*, project: BusinessProject, by, when=None, comment: str = "") -> BusinessProject:
    """Approved -> funded, when the first tranche of its start-up grant is paid."""
    return _transition(
        project=project,
        action="fund",
        to=ProjectStatus.FUNDED,
        allowed_from=(ProjectStatus.APPROVED,),
        by=by,
        comment=comment,
        at=when,
    )


@transaction.atomic
def project_mark_operating(*, project: BusinessProject, by, comment: str = "") -> BusinessProject:
    """Funded -> operating, when a follow-up visit finds the business operating."""
    return _transition(
        project=project,
        action="start_operating",
        to=ProjectStatus.OPERATING,
        allowed_from=(ProjectStatus.FUNDED,),
        by=by,
        comment=comment,
    )


@transaction.atomic
def project_close(*, project: BusinessProject, by, outcome: str, comment: str = "") -> BusinessProject:
    """Funded/operating -> closed, with an outcome (e.g. a visit found the business closed)."""
    project = _transition(
        project=project,
        action="close",
        to=ProjectStatus.CLOSED,
        allowed_from=(ProjectStatus.FUNDED, ProjectStatus.OPERATING),
        by=by,
        comment=comment,
    )
    project.outcome = outcome
    project.save(update_fields=["outcome", "updated_at"])
    return project
