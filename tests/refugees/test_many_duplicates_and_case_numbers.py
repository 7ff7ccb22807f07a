"""A person with more than 50 probable duplicates can still be registered ("this is a
different person" covers every candidate; the page shows the first ones and counts the
rest, and logs only the ones it names); the UNHCR case number is validated like the individual number."""

import datetime

import pytest
from django.urls import reverse

from refugees.models import ProfileView, Refugee

pytestmark = pytest.mark.django_db


def test_fifty_one_probable_duplicates_can_be_confirmed_different(client_for, caseworker, valid_post):
    from tests.factories.refugees import RefugeeFactory

    for _n in range(51):
        RefugeeFactory(
            office=caseworker.office,
            first_name_latin="Mohammed",
            last_name_latin="Al Halabi",
            first_name_ar="محمد",
            last_name_ar="الحلبي",
            date_of_birth=datetime.date(1988, 4, 2),
            birth_year=1988,
        )
    client = client_for(caseworker)
    first = client.post(reverse("refugees:create"), valid_post, HTTP_ACCEPT_LANGUAGE="en")
    assert first.status_code == 200
    assert len(first.context["candidates"]) == 51
    body = first.content.decode()
    assert body.count("data-candidate=") == 12
    assert "And 39 more probable duplicates" in body
    # Only the candidates named are in the view log.
    named = ProfileView.objects.filter(user=caseworker, what=ProfileView.What.LIST, page="refugees:create")
    assert named.count() == 12
    assert set(named.values_list("refugee_id", flat=True)) == {
        c["refugee"].pk for c in first.context["candidates"][:12]
    }
    ids = first.context["form"].data["duplicate_ids"]
    assert len(ids.split(",")) == 51
    second = client.post(reverse("refugees:create"), {**valid_post, "confirm_different": "on", "duplicate_ids": ids})
    assert second.status_code == 302
    assert Refugee.objects.count() == 52


@pytest.mark.parametrize("value", ["hello", "12345", "RAB-18C0123", "=1+1"])
def test_a_case_number_of_another_form_is_refused(client_for, caseworker, valid_post, value):
    response = client_for(caseworker).post(reverse("refugees:create"), {**valid_post, "unhcr_case_number": value})
    assert response.status_code == 200
    assert "unhcr_case_number" in response.context["form"].errors
    assert not Refugee.objects.exists()


def test_a_case_number_is_normalised(client_for, caseworker, valid_post):
    response = client_for(caseworker).post(
        reverse("refugees:create"), {**valid_post, "unhcr_case_number": "rab 18c01234"}
    )
    assert response.status_code == 302
    assert Refugee.objects.get().unhcr_case_number == "RAB-18C01234"
