"""The Django admin of the registry: the IT admin gets none of it; an admin who also holds a
case role lists, searches and opens what that role's office scope reaches."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.roles import Role
from refugees.services import note_add
from tests.factories.core import make_user

pytestmark = pytest.mark.django_db
MODELS = ["refugee", "consent", "refugeedocument", "refugeenote", "profileview", "duplicateconfirmation"]


def _admin_with(role: str, office):
    user = make_user(Role.ADMIN, username=f"it.{role}", office=office)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.mark.parametrize("model", MODELS)
def test_it_lists_and_searches_for_an_admin_who_is_also_manager(
    client_for, office_rabat, rabat_refugee, caseworker, model
):
    note_add(refugee=rabat_refugee, by=caseworker, text="x")
    client = client_for(_admin_with(Role.PROGRAMME_MANAGER, office_rabat))
    url = reverse(f"admin:refugees_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "Haddad"}).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_it_refuses_every_registry_page_to_the_it_admin(client_for, admin_user, model):
    client = client_for(admin_user)
    assert client.get(reverse(f"admin:refugees_{model}_changelist")).status_code == 403
    assert client.get(reverse(f"admin:refugees_{model}_add")).status_code == 403


def test_it_refuses_a_profile_to_the_it_admin_even_as_superuser(client_for, admin_user, rabat_refugee):
    admin_user.is_superuser = True
    admin_user.save()
    client = client_for(admin_user)
    for name in ("change", "history", "delete"):
        response = client.get(reverse(f"admin:refugees_refugee_{name}", args=[rabat_refugee.pk]))
        assert response.status_code in (302, 403), name
        assert "Haddad" not in response.content.decode()
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/refugees/" not in index


def test_it_opens_a_profile_for_an_admin_who_is_also_manager(client_for, office_rabat, rabat_refugee):
    response = client_for(_admin_with(Role.PROGRAMME_MANAGER, office_rabat)).get(
        reverse("admin:refugees_refugee_change", args=[rabat_refugee.pk])
    )
    assert response.status_code == 200
    assert "Haddad" in response.content.decode()


def test_it_cuts_the_admin_to_the_office_of_an_admin_who_is_also_caseworker(
    client_for, office_rabat, office_oujda, rabat_refugee, oujda_refugee
):
    client = client_for(_admin_with(Role.CASEWORKER, office_oujda))
    listing = client.get(reverse("admin:refugees_refugee_changelist")).content.decode()
    assert "Ngoma" in listing
    assert "Haddad" not in listing
    assert client.get(reverse("admin:refugees_refugee_change", args=[rabat_refugee.pk])).status_code == 302


def test_it_offers_no_autocomplete_of_people(client_for, office_rabat, rabat_refugee):
    client = client_for(_admin_with(Role.PROGRAMME_MANAGER, office_rabat))
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Haddad", "app_label": "refugees", "model_name": "consent", "field_name": "refugee"},
    )
    assert "Haddad" not in response.content.decode()


def test_it_refuses_the_admin_to_caseworkers(client_for, caseworker):
    response = client_for(caseworker).get(reverse("admin:refugees_refugee_changelist"))
    assert response.status_code == 302
