import pytest
from django.urls import reverse

from funding.models import Grant

pytestmark = pytest.mark.django_db


def _post(rabat_project, eu, monaco, *, monaco_share="10000.00"):
    return {
        "project": rabat_project.pk,
        "kind": "startup",
        "amount": "30000.00",
        "awarded_on": "2025-06-01",
        "notes": "",
        "share-TOTAL_FORMS": "2",
        "share-INITIAL_FORMS": "0",
        "share-MIN_NUM_FORMS": "1",
        "share-MAX_NUM_FORMS": "1000",
        "share-0-agreement": eu.pk,
        "share-0-amount": "20000.00",
        "share-1-agreement": monaco.pk,
        "share-1-amount": monaco_share,
        "tranche-TOTAL_FORMS": "2",
        "tranche-INITIAL_FORMS": "0",
        "tranche-MIN_NUM_FORMS": "1",
        "tranche-MAX_NUM_FORMS": "1000",
        "tranche-0-amount": "20000.00",
        "tranche-0-planned_date": "2025-06-15",
        "tranche-0-condition": "none",
        "tranche-1-amount": "10000.00",
        "tranche-1-planned_date": "2025-09-15",
        "tranche-1-condition": "satisfactory_visit",
    }


def test_a_manager_awards_a_split_grant_through_the_form(rabat_project, eu, monaco, client_for, manager):
    response = client_for(manager).post(reverse("funding:grant_create"), _post(rabat_project, eu, monaco))
    grant = Grant.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("funding:grant_detail", args=[grant.pk])
    assert grant.funding.count() == 2 and grant.tranches.count() == 2


def test_shares_that_do_not_add_up_are_explained_and_nothing_is_saved(rabat_project, eu, monaco, client_for, manager):
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("funding:grant_create"), _post(rabat_project, eu, monaco, monaco_share="9000.00"))
    assert response.status_code == 200
    assert "The shares add up to 29,000.00 MAD" in response.content.decode()
    assert not Grant.objects.exists()


def test_a_caseworker_cannot_award(rabat_project, eu, monaco, client_for, caseworker):
    assert (
        client_for(caseworker).post(reverse("funding:grant_create"), _post(rabat_project, eu, monaco)).status_code
        == 403
    )
    assert not Grant.objects.exists()
