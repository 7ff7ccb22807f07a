"""The Django admin of the registry: every changelist and search works for the admin role."""

import pytest
from django.urls import reverse

from refugees.services import note_add

pytestmark = pytest.mark.django_db
MODELS = ["refugee", "consent", "refugeedocument", "refugeenote", "profileview", "duplicateconfirmation"]


@pytest.mark.parametrize("model", MODELS)
def test_it_lists_and_searches_for_the_admin(client_for, admin_user, rabat_refugee, caseworker, model):
    note_add(refugee=rabat_refugee, by=caseworker, text="x")
    client = client_for(admin_user)
    url = reverse(f"admin:refugees_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "Haddad"}).status_code == 200


def test_it_opens_a_profile_in_the_admin(client_for, admin_user, rabat_refugee):
    response = client_for(admin_user).get(reverse("admin:refugees_refugee_change", args=[rabat_refugee.pk]))
    assert response.status_code == 200


def test_it_refuses_the_admin_to_caseworkers(client_for, caseworker):
    response = client_for(caseworker).get(reverse("admin:refugees_refugee_changelist"))
    assert response.status_code == 302
