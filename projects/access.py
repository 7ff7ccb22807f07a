"""Who may see and do what in projects: the scoped querysets, the ``*_for_user`` gates and
the named predicates that views, services and templates share.

The office scope is ``core.access`` (programme manager: every office; caseworker: their
own office; anyone else ``PermissionDenied``). On top of it:

* a committee member also sees the projects on the agendas of the sittings they sit on
  (a grant of access OR-ed with any office scope they have), read only, and the sittings
  they sit on (or chair);
* the admin is IT and has no case scope here (403), nor have partner officers
  (aggregates only, in reports).

Wrong role: ``PermissionDenied`` (403). An object outside the user's scope: ``Http404``.
A service refuses a wrong role itself with the same predicates (``core.access.require``).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from core.access import get_or_404, office_q, reaches, restrict
from core.roles import is_committee_member, is_manager, is_staff_member
from projects.models import AgendaItem, BusinessProject, CommitteeSitting, ConflictOfInterest, Session
from refugees.access import refugees_visible_to
from refugees.models import Refugee

# --- Scopes and gates -----------------------------------------------------------------------


def projects_visible_to(user) -> QuerySet[BusinessProject]:
    """The office scope, OR-ed for a committee member with the projects on their agendas."""
    scope = office_q(user) if is_staff_member(user) else None
    if scope is not None and not scope:  # Q(): every office
        return BusinessProject.objects.all()
    if is_committee_member(user):
        on_agenda = Q(pk__in=AgendaItem.objects.filter(sitting__members=user).values("project_id"))
        scope = on_agenda if scope is None else scope | on_agenda
    if scope is None:
        raise PermissionDenied
    return BusinessProject.objects.filter(scope)


def project_for_user(user, pk, *, write: bool = False) -> BusinessProject:
    """The project ``pk`` if ``user`` may see it (403 wrong role, 404 out of scope).

    ``write=True`` is the edit scope: a staff role (else 403) and the office scope only,
    without the committee member's read grant.
    """
    if write:
        if not can_edit_projects(user):
            raise PermissionDenied
        qs = restrict(BusinessProject.objects.all(), user)
    else:
        qs = projects_visible_to(user)
    return get_or_404(qs.select_related("city", "region", "office", "caseworker", "created_by"), pk)


def sessions_visible_to(user) -> QuerySet[Session]:
    return restrict(Session.objects.all(), user)


def session_for_user(user, pk) -> Session:
    """The session ``pk`` (only staff see sessions, so the read scope is the edit scope)."""
    return get_or_404(sessions_visible_to(user).select_related("city", "office", "partner"), pk)


def refugees_pickable_by(user) -> QuerySet[Refugee]:
    """Refugees a user may add to a session or a project: the registry's own scope
    (``refugees.access``, a lower app), without the anonymised profiles."""
    return refugees_visible_to(user).filter(anonymised_at__isnull=True)


def sittings_visible_to(user) -> QuerySet[CommitteeSitting]:
    """A programme manager: every sitting; a committee member: the sittings they sit on."""
    if is_manager(user):
        return CommitteeSitting.objects.all()
    if is_committee_member(user):
        return CommitteeSitting.objects.filter(members=user)
    raise PermissionDenied


def sitting_for_user(user, pk) -> CommitteeSitting:
    return get_or_404(sittings_visible_to(user).select_related("chair", "deputy_chair"), pk)


# --- Predicates -----------------------------------------------------------------------------


def can_edit_projects(user) -> bool:
    """Open and fill in applications (a caseworker, a programme manager)."""
    return is_staff_member(user)


def can_choose_office(user) -> bool:
    """Pick the office of a new session or project (others get their own office)."""
    return is_manager(user)


def can_edit_project(user, project: BusinessProject) -> bool:
    """Change the application (members, budget, study, ODCO steps) or submit it: a staff
    role whose office scope covers the project's office."""
    return reaches(user, project.office_id)


def can_put_on_agenda(user, project: BusinessProject) -> bool:
    """Put a submitted project on a sitting's agenda (it goes under review): a programme manager."""
    return can_manage_sittings(user)


def can_decide_on_project(user, project: BusinessProject) -> bool:
    """Move a project under review as the committee decided (approve, reject, return): the
    chair or the deputy chair of a sitting that has it on its agenda (``decision_record``
    does it, after :func:`can_record_item_decision`)."""
    return (
        is_committee_member(user)
        and AgendaItem.objects.filter(Q(sitting__chair=user) | Q(sitting__deputy_chair=user), project=project).exists()
    )


def can_record_funding_progress(user, project: BusinessProject) -> bool:
    """Move a project as its funding goes (funded, operating, closed after a visit): the
    funding app's services call these for a staff user of the project's scope."""
    return reaches(user, project.office_id)


def can_close_project(user, project: BusinessProject) -> bool:
    """Close a funded or operating project by hand, with its outcome: a programme manager."""
    return is_manager(user) and reaches(user, project.office_id)


def can_manage_sessions(user) -> bool:
    """Record sessions (a caseworker, a programme manager)."""
    return is_staff_member(user)


def can_edit_session(user, session: Session) -> bool:
    """Change a session or its attendance: a staff role whose scope covers its office."""
    return reaches(user, session.office_id)


def can_manage_sittings(user) -> bool:
    """Plan sittings and put submitted projects on their agendas: a programme manager."""
    return is_manager(user)


def can_sit_on(user, sitting: CommitteeSitting) -> bool:
    """Score a project of the agenda or declare a conflict: a committee member of the sitting."""
    return is_committee_member(user) and sitting.members.filter(pk=user.pk).exists()


def can_record_decision(user, sitting: CommitteeSitting) -> bool:
    """Record the committee's decisions of a sitting: its chair, or its deputy chair (for the
    items :func:`item_decider_id` gives them)."""
    return is_committee_member(user) and user.pk in (sitting.chair_id, sitting.deputy_chair_id)


def item_decider_id(item: AgendaItem) -> int | None:
    """**The conflict rule**: who records the decision on an agenda item. The chair, unless
    they declared a conflict of interest on it; then the deputy chair named on the sitting,
    unless conflicted too; else nobody: the decision waits (another sitting)."""
    sitting = item.sitting
    conflicted = set(
        ConflictOfInterest.objects.filter(
            item=item, member_id__in=[sitting.chair_id, sitting.deputy_chair_id]
        ).values_list("member_id", flat=True)
    )
    for candidate in (sitting.chair_id, sitting.deputy_chair_id):
        if candidate is not None and candidate not in conflicted:
            return candidate
    return None


def can_record_item_decision(user, item: AgendaItem) -> bool:
    """Record the decision on this item: the chair or deputy of the sitting whose turn it is."""
    return can_record_decision(user, item.sitting) and user.pk == item_decider_id(item)


def can_close_sitting(user, sitting: CommitteeSitting) -> bool:
    """Close a sitting: its chair or a programme manager."""
    return user.pk == sitting.chair_id or is_manager(user)


def can_run_sitting(user, sitting: CommitteeSitting) -> bool:
    """Open a sitting and record who is present: the same people who may close it."""
    return can_close_sitting(user, sitting)
