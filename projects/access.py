"""Who may see which project, session and committee sitting.

Every projects view calls one of these at the top. Wrong role: ``PermissionDenied``
(403). An object outside the user's scope: ``Http404``.

* caseworker: the projects, sessions and refugees of their own office;
* programme manager (and admin): everything;
* committee member: the sittings they sit on (or chair) and the projects on their
  agendas, read only;
* partner officer: nothing here (aggregates only, in reports).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from core.roles import Role, has_role
from projects.models import BusinessProject, CommitteeSitting, Session
from refugees.models import Refugee

ALL_SCOPE = (Role.PROGRAMME_MANAGER, Role.ADMIN)


def _office_id(user):
    return user.office_id


def projects_visible_to(user) -> QuerySet[BusinessProject]:
    qs = BusinessProject.objects.all()
    if has_role(user, *ALL_SCOPE):
        return qs
    if has_role(user, Role.CASEWORKER, Role.COMMITTEE_MEMBER):
        scope = BusinessProject.objects.none()
        if has_role(user, Role.CASEWORKER):
            scope = qs.filter(office_id=_office_id(user))
        if has_role(user, Role.COMMITTEE_MEMBER):
            scope = scope | qs.filter(agenda_items__sitting__members=user)
        return scope.distinct() if has_role(user, Role.COMMITTEE_MEMBER) else scope
    raise PermissionDenied


def can_edit_projects(user) -> bool:
    return has_role(user, Role.CASEWORKER, Role.PROGRAMME_MANAGER)


def project_for_user(user, pk, *, write: bool = False) -> BusinessProject:
    if write and not can_edit_projects(user):
        raise PermissionDenied
    qs = projects_visible_to(user)
    if write and not has_role(user, *ALL_SCOPE):
        qs = BusinessProject.objects.filter(office_id=_office_id(user))
    try:
        return qs.select_related("city", "region", "office", "caseworker", "created_by").get(pk=pk)
    except (BusinessProject.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def sessions_visible_to(user) -> QuerySet[Session]:
    if has_role(user, *ALL_SCOPE):
        return Session.objects.all()
    if has_role(user, Role.CASEWORKER):
        return Session.objects.filter(office_id=_office_id(user))
    raise PermissionDenied


def session_for_user(user, pk, *, write: bool = False) -> Session:
    qs = sessions_visible_to(user)
    try:
        return qs.select_related("city", "office", "partner").get(pk=pk)
    except (Session.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def refugees_pickable_by(user) -> QuerySet[Refugee]:
    """Refugees a user may add to a session or a project (their office; managers: all).

    A small local filter: the refugee registry's own access module lives in another app
    layer and is not imported here.
    """
    qs = Refugee.objects.filter(anonymised_at__isnull=True)
    if has_role(user, *ALL_SCOPE):
        return qs
    if has_role(user, Role.CASEWORKER):
        return qs.filter(office_id=_office_id(user))
    raise PermissionDenied


def sittings_visible_to(user) -> QuerySet[CommitteeSitting]:
    if has_role(user, *ALL_SCOPE):
        return CommitteeSitting.objects.all()
    if has_role(user, Role.COMMITTEE_MEMBER):
        return CommitteeSitting.objects.filter(members=user)
    raise PermissionDenied


def sitting_for_user(user, pk) -> CommitteeSitting:
    try:
        return sittings_visible_to(user).select_related("chair").get(pk=pk)
    except (CommitteeSitting.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
