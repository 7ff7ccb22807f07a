"""Who may see which refugee: the one place that decides (called at the top of every view).

* caseworker: the profiles of their own office;
* programme manager: every profile;
* anyone else (committee members, partner officers, admins): PermissionDenied (403).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from core.roles import is_caseworker, is_manager
from refugees.models import Refugee


def refugees_visible_to(user) -> QuerySet[Refugee]:
    if is_manager(user):
        return Refugee.objects.all()
    if is_caseworker(user):
        if not user.office_id:
            return Refugee.objects.none()
        return Refugee.objects.filter(office_id=user.office_id)
    raise PermissionDenied


def refugee_for_user(user, pk, *, write: bool = False) -> Refugee:
    """The refugee ``pk`` if ``user`` may see it (403 wrong role, 404 out of scope).

    ``write=True`` also refuses (403) an anonymised profile: it is kept for the counts only.
    """
    try:
        refugee = refugees_visible_to(user).select_related("office", "city", "region", "caseworker").get(pk=pk)
    except (Refugee.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if write and refugee.anonymised_at is not None:
        raise PermissionDenied
    return refugee


def can_manage_subject_rights(user) -> bool:
    return is_manager(user)
