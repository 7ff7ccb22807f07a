"""The one office scope of the case records, and the two kinds of refusal.

Every app's ``*_visible_to(user)`` is built on :func:`restrict` (the idea of NetBox's
``RestrictedQuerySet.restrict(user, action)``): a case record (a refugee, a session, a
project, a grant, a ledger entry, a visit) belongs to an office, reached from the
model through ``office_path``, and

* a **programme manager** sees the records of every office;
* a **caseworker** sees the records of their own office (none without an office);
* **anyone else** gets :class:`PermissionDenied`: committee members reach the projects on
  their sittings' agendas through ``projects.access`` (a grant of access, not an office
  scope), partner officers see aggregates only (``reports``), and the **admin** is IT: it
  administers users and reference data in the Django admin, not cases. An admin who is
  also given the manager or caseworker role has that role's scope.

The two refusals (``docs/ARCHITECTURE.md``):

* ``PermissionDenied`` for *who* may: the role, the office, the object. Views turn it into
  403 (a record outside the office is 404 instead, raised by the ``*_for_user`` helpers,
  so an id of another office tells nothing). Services raise it too: a service called from
  a shell, a task or the API refuses what the view refuses.
* ``ValidationError`` for *what* is allowed: business rules (an overspend, a transition
  that the workflow forbids). Views show it as a form error (:func:`core.forms.add_service_errors`).

Named predicates (``can_approve_disbursement(user, entry)``, ``can_close_project(user,
project)`` ...) live in each app's ``access.py`` and are shared by views, services and
templates; :func:`require` turns a predicate's ``False`` into the refusal.
"""

from __future__ import annotations

from enum import Enum

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from core.roles import Role, has_role


class Scope(Enum):
    """How far a user's case scope reaches."""

    ALL = "all"  # every office
    OFFICE = "office"  # their own office
    NOTHING = "nothing"  # a caseworker without an office: an empty scope, not a refusal


def case_scope(user) -> Scope:
    """The user's scope over the case records; ``PermissionDenied`` for a role without one."""
    if has_role(user, Role.PROGRAMME_MANAGER):
        return Scope.ALL
    if has_role(user, Role.CASEWORKER):
        return Scope.OFFICE if user.office_id else Scope.NOTHING
    raise PermissionDenied


def reaches(user, office_id: int | None) -> bool:
    """Whether the user's case scope covers the office ``office_id`` (``False`` for a role
    without one): the object-level form of :func:`restrict`, for the predicates."""
    try:
        scope = case_scope(user)
    except PermissionDenied:
        return False
    return scope is Scope.ALL or (scope is Scope.OFFICE and office_id == user.office_id)


def office_q(user, office_path: str = "office") -> Q:
    """The scope as a ``Q`` on ``office_path`` (for an ``EXISTS`` or an ``OR`` with another grant)."""
    scope = case_scope(user)
    if scope is Scope.ALL:
        return Q()
    if scope is Scope.NOTHING:
        return Q(pk__in=[])
    return Q(**{f"{office_path}_id": user.office_id})


def restrict(queryset: QuerySet, user, *, office_path: str = "office") -> QuerySet:
    """``queryset`` cut to the user's office scope (``PermissionDenied`` for a role without one).

    ``office_path`` is the lookup from the model to its office: ``"office"`` for a refugee,
    a session or a project, ``"project__office"`` for a grant or a visit,
    ``"grant__project__office"`` for a ledger entry.
    """
    scope = case_scope(user)
    if scope is Scope.ALL:
        return queryset
    if scope is Scope.NOTHING:
        return queryset.none()
    return queryset.filter(**{f"{office_path}_id": user.office_id})


def require(allowed: bool, reason: str = "") -> None:
    """Refuse (``PermissionDenied``, with ``reason`` when the user should read why) unless a
    predicate allowed the action."""
    if not allowed:
        raise PermissionDenied(reason)


def get_or_404(queryset: QuerySet, pk) -> Model:
    """The object ``pk`` of an already scoped queryset, or 404 (a bad id is a 404 too)."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
