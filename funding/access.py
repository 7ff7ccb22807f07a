"""Who may see and change grants, ledger entries and follow-up visits.

**Scope** (``core.access.restrict``): caseworkers see the grants, entries and visits of
their own office's projects, programme managers those of every office, everyone else
(committee members, partner officers, the admin) gets 403. An object outside the scope
is a 404 (``*_for_user``).

**Who may act** is decided by the named predicates below (``can_award_grant``,
``can_record_disbursement``, ``can_approve_disbursement`` (the four-eyes rule) ...),
shared by the views, the services (``funding.services`` refuses a wrong role itself,
through the ``require_*`` functions: ``PermissionDenied`` with the reason) and the
templates (the views hand the predicates' answers to them).
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from core.access import get_or_404, reaches, require, restrict
from core.roles import is_manager, is_staff_member
from funding.models import Disbursement, FollowUpVisit, FundingAgreement, Grant, VisitPhoto

# --- Scope ---------------------------------------------------------------------------


def grants_visible_to(user) -> QuerySet[Grant]:
    return restrict(Grant.objects.all(), user, office_path="project__office")


def grant_for_user(user, pk: int) -> Grant:
    return get_or_404(grants_visible_to(user).select_related("project__office", "awarded_by"), pk)


def disbursements_visible_to(user) -> QuerySet[Disbursement]:
    return restrict(Disbursement.objects.all(), user, office_path="grant__project__office")


def disbursement_for_user(user, pk: int) -> Disbursement:
    return get_or_404(disbursements_visible_to(user).select_related("grant__project"), pk)


def approval_queue_for(user) -> QuerySet[Disbursement]:
    """The entries awaiting a decision, for the people who decide (programme managers)."""
    require(can_decide_disbursements(user))
    return disbursements_visible_to(user).filter(status=Disbursement.Status.PENDING)


def visits_visible_to(user) -> QuerySet[FollowUpVisit]:
    return restrict(FollowUpVisit.objects.all(), user, office_path="project__office")


def visit_for_user(user, pk: int) -> FollowUpVisit:
    return get_or_404(visits_visible_to(user).select_related("project__office"), pk)


def visit_photo_for_user(user, pk: int) -> VisitPhoto:
    return get_or_404(VisitPhoto.objects.filter(visit__in=visits_visible_to(user)), pk)


def project_for_extra_visit(user, pk: int):
    """A financed project (one with a grant) of the user's scope: 404 otherwise."""
    from projects.models import BusinessProject

    financed = BusinessProject.objects.filter(Exists(Grant.objects.filter(project=OuterRef("pk"))))
    return get_or_404(restrict(financed.select_related("office"), user, office_path="office"), pk)


def agreements_visible_to(user) -> QuerySet[FundingAgreement]:
    require(can_see_agreements(user))
    return FundingAgreement.objects.all()


# --- Who may act ---------------------------------------------------------------------


def can_award_grant(user) -> bool:
    """Grants are awarded by programme managers."""
    return is_manager(user)


def can_see_agreements(user) -> bool:
    """The donors' agreements and their spend: programme managers."""
    return is_manager(user)


def can_record_disbursement(user, grant: Grant) -> bool:
    """A payment is recorded by a caseworker of the project's office or a programme manager."""
    return reaches(user, grant.project.office_id)


def can_reverse_disbursement(user, entry: Disbursement) -> bool:
    """A reversal is recorded like a payment: staff of the project's office, or a manager."""
    return reaches(user, entry.grant.project.office_id)


def can_decide_disbursements(user) -> bool:
    """Ledger entries are decided (approved or rejected) by programme managers."""
    return is_manager(user)


def can_choose_agreement(user) -> bool:
    """Charge a payment to one agreement of its grant instead of the automatic split: a
    programme manager (the approval stays another manager's: the four eyes)."""
    return is_manager(user)


def can_approve_disbursement(user, entry: Disbursement) -> bool:
    """**The four-eyes rule**: an entry is approved by a programme manager who is not the
    one who recorded it. (The database holds it too: the ``disbursement_four_eyes``
    constraint refuses ``approved_by = recorded_by``.)"""
    return can_decide_disbursements(user) and entry.recorded_by_id != user.pk


def can_reject_disbursement(user, entry: Disbursement) -> bool:
    """Rejecting is deciding too: the same four eyes as :func:`can_approve_disbursement`."""
    return can_approve_disbursement(user, entry)


def can_record_visit(user, visit: FollowUpVisit) -> bool:
    """A visit is recorded by a caseworker of the project's office or a programme manager."""
    return reaches(user, visit.project.office_id)


def can_record_extra_visit(user, project) -> bool:
    """An extra visit: the same people as a scheduled one (:func:`can_record_visit`)."""
    return reaches(user, project.office_id)


# --- Refusals with their reason (for the services) ------------------------------------


def _staff_reason(user) -> str:
    """Why a staff action is refused: the role (with a message) or the office (none: the
    screens give a 404 for another office's record, so the id tells nothing)."""
    return "" if is_staff_member(user) else _("Only caseworkers and programme managers can do this.")


def require_award_grant(user) -> None:
    require(can_award_grant(user), _("Only a programme manager can award a grant."))


def require_record_disbursement(user, grant: Grant) -> None:
    require(can_record_disbursement(user, grant), _staff_reason(user))


def require_reverse_disbursement(user, entry: Disbursement) -> None:
    require(can_reverse_disbursement(user, entry), _staff_reason(user))


def require_choose_agreement(user) -> None:
    require(can_choose_agreement(user), _("Only a programme manager can choose the agreement a payment is paid from."))


def require_approve_disbursement(user, entry: Disbursement) -> None:
    if can_decide_disbursements(user):
        reason = _("You recorded this entry: another programme manager must approve it.")
    else:
        reason = _("Only a programme manager can approve a ledger entry.")
    require(can_approve_disbursement(user, entry), reason)


def require_reject_disbursement(user, entry: Disbursement) -> None:
    if can_decide_disbursements(user):
        reason = _("You recorded this entry: another programme manager must decide.")
    else:
        reason = _("Only a programme manager can reject a ledger entry.")
    require(can_reject_disbursement(user, entry), reason)


def require_record_visit(user, visit: FollowUpVisit) -> None:
    require(can_record_visit(user, visit), _staff_reason(user))


def require_record_extra_visit(user, project) -> None:
    require(can_record_extra_visit(user, project), _staff_reason(user))
