"""The admin role is IT (users, roles, offices, reference data): it sees no person's data,
in the app or in the Django admin, even when the account is a superuser.

Walks every URL of the access matrix and every page of every registered ModelAdmin (list,
add, change, history, delete, a past version, each app's index) as the IT admin, and looks
in every answer for the name and the UNHCR number of each person of the matrix's world.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from refugees.models import Refugee
from refugees.viewlog import PersonalDataAdmin
from tests.core.test_access_matrix import ACCESS, committee_chair, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _markers() -> list[str]:
    """Each person's Latin and Arabic surname (made distinctive) and UNHCR number."""
    markers = []
    for person in Refugee.objects.all():
        person.last_name_latin = f"Qzwpersonx{person.pk}"
        person.last_name_ar = f"قزوش{person.pk}"
        person.save(update_fields=["last_name_latin", "last_name_ar"])
        markers += [person.last_name_latin, person.last_name_ar, person.unhcr_individual_number]
    return markers


def _text(response) -> str:
    stream = getattr(response, "file_to_stream", None)
    if stream is not None:
        stream.close()
        return ""  # a private file is never served to the admin (its status is checked)
    return response.content.decode(errors="replace") if hasattr(response, "content") else ""


def _to_admin_index(response) -> bool:
    """The admin's answer for an object its queryset does not hold (none, for the IT admin)."""
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def _admin_urls() -> list[tuple[str, bool]]:
    """(URL, personal data) of every page of every registered ModelAdmin."""
    urls: list[tuple[str, bool]] = [(reverse("admin:index"), False)]
    urls += [(reverse("admin:app_list", args=[label]), False) for label in ("refugees", "projects", "funding")]
    for model, model_admin in admin.site._registry.items():
        personal = isinstance(model_admin, PersonalDataAdmin)
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [(reverse(f"{info}_changelist"), personal), (reverse(f"{info}_add"), personal)]
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        urls += [(reverse(f"{info}_{page}", args=[obj.pk]), personal) for page in ("change", "history", "delete")]
        if isinstance(model_admin, SimpleHistoryAdmin) and obj.history.exists():
            urls.append((reverse(f"{info}_simple_history", args=[obj.pk, obj.history.first().pk]), personal))
    return urls


@pytest.mark.parametrize("superuser", [False, True], ids=["it-admin", "it-admin-superuser"])
def test_the_it_admin_gets_no_personal_data_anywhere(client, world, admin_user, superuser):  # noqa: F811
    admin_user.is_superuser = superuser
    admin_user.save()
    markers = _markers()
    client.force_login(admin_user)
    leaks, opened = [], []
    for name, row in sorted(ACCESS.items()):
        url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
        response = client.get(url)
        text = _text(response)
        leaks += [f"{url}: {m}" for m in markers if m in text]
        if name.split(":")[0] in ("refugees", "projects", "funding") and response.status_code not in (403, 405):
            opened.append(f"{url}: {response.status_code}")
    admin_urls = _admin_urls()
    for url, personal in admin_urls:
        response = client.get(url)
        text = _text(response)
        leaks += [f"{url}: {m}" for m in markers if m in text]
        if personal and not (response.status_code == 403 or _to_admin_index(response)):
            opened.append(f"{url}: {response.status_code}")
    print(f"IT admin: {len(ACCESS)} app URLs and {len(admin_urls)} admin pages walked, {len(leaks)} leaks")
    assert not leaks, "personal data shown to the IT admin:\n" + "\n".join(leaks)
    assert not opened, "case pages opened to the IT admin:\n" + "\n".join(opened)


def test_the_it_admin_still_administers_users_offices_and_reference_data(client, admin_user, office_rabat):
    client.force_login(admin_user)
    for name in ("core_user", "core_office", "core_city", "auth_group", "projects_scoringcriterion"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:core_office_change", args=[office_rabat.pk])).status_code == 200
