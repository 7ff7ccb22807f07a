"""The Django admin's user form: a user's permissions are their roles (the groups), so
the form has no per-user permission list (about 380 options, the admin's slowest page);
the roles, the scope and the rest of Django's form are there and save."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.roles import Role
from tests.factories.core import make_user
from tests.security.helpers import enrol, sign_in_with_factor

pytestmark = pytest.mark.django_db


def test_the_form_has_the_roles_and_no_per_user_permissions(client, admin_user, caseworker):
    sign_in_with_factor(client, admin_user, enrol(admin_user))
    page = client.get(reverse("admin:core_user_change", args=[caseworker.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="groups"' in html and 'name="office"' in html and 'name="is_active"' in html
    assert 'name="user_permissions"' not in html
    form = page.context["adminform"].form
    data = {
        "username": caseworker.username,
        "first_name": "Nadia",
        "last_name": caseworker.last_name,
        "email": caseworker.email,
        "is_active": "on",
        "groups": [Group.objects.get(name=Role.COMMITTEE_MEMBER).pk],
        "office": caseworker.office_id,
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": form.initial["date_joined"].strftime("%Y-%m-%d"),
        "date_joined_1": form.initial["date_joined"].strftime("%H:%M:%S"),
    }
    response = client.post(reverse("admin:core_user_change", args=[caseworker.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    caseworker.refresh_from_db()
    assert caseworker.first_name == "Nadia"
    assert set(caseworker.groups.values_list("name", flat=True)) == {Role.COMMITTEE_MEMBER}


def test_a_permission_granted_elsewhere_is_kept_by_a_save(client, admin_user):
    from django.contrib.auth.models import Permission

    user = make_user(Role.CASEWORKER, username="kept.permission")
    perm = Permission.objects.get(codename="view_office")
    user.user_permissions.add(perm)
    sign_in_with_factor(client, admin_user, enrol(admin_user))
    page = client.get(reverse("admin:core_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password", "user_permissions")}
    data.update(
        groups=[g.pk for g in form.initial["groups"]],
        office=user.office_id or "",
        partner_organisation="",
        is_active="on",
        date_joined_0=form.initial["date_joined"].strftime("%Y-%m-%d"),
        date_joined_1=form.initial["date_joined"].strftime("%H:%M:%S"),
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("is_staff", None)
    data.pop("is_superuser", None)
    response = client.post(reverse("admin:core_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert user.user_permissions.filter(pk=perm.pk).exists()
