"""Who may see and change grants, ledger entries and follow-up visits.

Caseworkers: the projects of their own office. Programme managers: every office.
Everyone else (committee members, partner officers, an admin without a staff role): 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from core.roles import is_caseworker, is_manager
from funding.models import Disbursement, FollowUpVisit, FundingAgreement, Grant


def _project_office_filter(user, prefix: str) -> dict:
    """The office scope on ``BusinessProject.office`` reached through ``prefix``."""
    if is_manager(user):
        return {}
    if is_caseworker(user):
        if user.office_id is None:
            return {f"{prefix}pk__in": []}  # a caseworker without an office sees nothing
        return {f"{prefix}office_id": user.office_id}
    raise PermissionDenied


def grants_visible_to(user) -> QuerySet[Grant]:
    return Grant.objects.filter(**_project_office_filter(user, "project__"))


def grant_for_user(user, pk: int, *, write: bool = False) -> Grant:
    grant = grants_visible_to(user).select_related("project__office", "awarded_by").filter(pk=pk).first()
    if grant is None:
        raise Http404
    return grant


def disbursements_visible_to(user) -> QuerySet[Disbursement]:
    return Disbursement.objects.filter(**_project_office_filter(user, "grant__project__"))


def disbursement_for_user(user, pk: int, *, write: bool = False) -> Disbursement:
    entry = disbursements_visible_to(user).select_related("grant__project").filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def approval_queue_for(user) -> QuerySet[Disbursement]:
    if not is_manager(user):
        raise PermissionDenied
    return Disbursement.objects.filter(status=Disbursement.Status.PENDING)


def visits_visible_to(user) -> QuerySet[FollowUpVisit]:
    return FollowUpVisit.objects.filter(**_project_office_filter(user, "project__"))


def visit_for_user(user, pk: int, *, write: bool = False) -> FollowUpVisit:
    visit = visits_visible_to(user).select_related("project__office").filter(pk=pk).first()
    if visit is None:
        raise Http404
    return visit


def project_for_extra_visit(user, pk: int):
    """A financed project (one with a grant) of the user's scope: 404 otherwise."""
    from projects.models import BusinessProject

    project = (
        BusinessProject.objects.filter(**_project_office_filter(user, ""), pk=pk, grants__isnull=False)
        .select_related("office")
        .first()
    )
    if project is None:
        raise Http404
    return project


def agreements_visible_to(user) -> QuerySet[FundingAgreement]:
    if not is_manager(user):
        raise PermissionDenied
    return FundingAgreement.objects.all()


def can_award_grants(user) -> bool:
    return is_manager(user)


def can_approve(user) -> bool:
    return is_manager(user)
