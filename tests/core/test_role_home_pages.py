"""Each role lands on its own home page, with the navigation of its role."""

import pytest
from django.urls import reverse

from core.registry import NavItem, nav
from core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "marker"),
    [
        ("caseworker", "Caseworker ·"),
        ("manager", "Programme manager · all offices"),
        ("committee_member", "Validation committee"),
        ("partner_unhcr", "Partner officer: dashboards"),
        ("admin_user", "Open the administration"),
    ],
)
def test_it_shows_each_role_its_home_page(request, client_for, persona, marker):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert marker in response.content.decode()


def test_it_shows_the_admin_link_to_admins_only(client_for, admin_user, caseworker):
    assert 'data-nav="admin"' in client_for(admin_user).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-nav="admin"' not in client_for(caseworker).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_it_filters_navigation_by_role(client_for, caseworker, partner_unhcr):
    nav.register(NavItem("test-staff-only", "Staff thing", "password_change", roles=(Role.CASEWORKER,)))
    try:
        assert 'data-nav="test-staff-only"' in client_for(caseworker).get("/").content.decode()
        assert 'data-nav="test-staff-only"' not in client_for(partner_unhcr).get("/").content.decode()
    finally:
        nav._items.pop("test-staff-only")


def test_it_tells_a_user_without_role_to_ask_for_one(client_for, db):
    from tests.factories.core import UserFactory

    response = client_for(UserFactory(username="nobody")).get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Your account has no role" in response.content.decode()


@pytest.mark.parametrize("persona", ["caseworker", "manager", "committee_member", "partner_unhcr"])
def test_it_refuses_the_django_admin_to_every_role_but_admin(request, client_for, persona):
    user = request.getfixturevalue(persona)
    user.is_staff = True  # even a staff flag set by mistake does not open the admin
    user.save()
    response = client_for(user).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_it_opens_the_django_admin_to_admins(client_for, admin_user):
    response = client_for(admin_user).get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Sanad administration" in response.content.decode()
