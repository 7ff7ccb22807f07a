"""Who may see and change which refugee: the one place that decides.

The scope is ``core.access``'s (``restrict``):

* caseworker: the profiles of their own office (none without an office);
* programme manager: every profile;
* anyone else (committee members, partner officers, admins): PermissionDenied (403).

The named predicates below say what the views, the templates and the services decide;
a service refuses with ``core.access.require(predicate(...))`` what its view refuses.
They read the user's roles (cached on the user) and the object's office id: no query.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from core.access import Scope, case_scope, get_or_404, reaches, restrict
from core.roles import is_manager
from refugees.models import Refugee


def refugees_visible_to(user) -> QuerySet[Refugee]:
    return restrict(Refugee.objects.all(), user)


def visible_ids(user, ids) -> set[int]:
    """Which of the refugees ``ids`` ``user`` may open (one query): a page that lists
    people it found for another reason (probable duplicates) names only these."""
    return set(refugees_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def refugee_for_user(user, pk, *, write: bool = False) -> Refugee:
    """The refugee ``pk`` if ``user`` may see it (403 wrong role, 404 out of scope).

    ``write=True`` also refuses (403) an anonymised profile: it is kept for the counts only.
    """
    refugee = get_or_404(refugees_visible_to(user).select_related("office", "city", "region", "caseworker"), pk)
    if write and refugee.anonymised_at is not None:
        raise PermissionDenied
    return refugee


def _scope(user) -> Scope | None:
    """The user's case scope, ``None`` for a role without one."""
    try:
        return case_scope(user)
    except PermissionDenied:
        return None


def can_view_refugee(user, refugee: Refugee) -> bool:
    """See the profile (and have the opening logged)."""
    return reaches(user, refugee.office_id)


def can_register_refugee(user, office=None) -> bool:
    """Register a person, into ``office`` when given: a manager anywhere, a caseworker in their own office."""
    if office is None:
        return _scope(user) in (Scope.ALL, Scope.OFFICE)
    return reaches(user, getattr(office, "pk", office))


def can_edit_refugee(user, refugee: Refugee) -> bool:
    """Change the profile, its notes, consents and documents: in scope and not anonymised."""
    return refugee.anonymised_at is None and can_view_refugee(user, refugee)


def can_import(user) -> bool:
    """Import a spreadsheet of registrations (each row's office is checked by the rows' rules)."""
    return can_register_refugee(user)


def can_manage_subject_rights(user, refugee: Refugee | None = None) -> bool:
    """Subject export and anonymisation: programme managers (of a profile in scope, when given)."""
    return is_manager(user) and (refugee is None or can_view_refugee(user, refugee))


def can_export_for_partners(user) -> bool:
    """The identifiable lists of consenting people for a partner: programme managers."""
    return is_manager(user)
