"""The duplicate check runs with the other checks: a registration refused for another
reason shows its probable duplicates at once, side by side with the field errors."""

import datetime

import pytest
from django.urls import reverse

from refugees.models import DuplicateConfirmation, ProfileView, Refugee
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db
CREATE = reverse("refugees:create")


@pytest.fixture
def existing(office_rabat):
    return RefugeeFactory(
        office=office_rabat,
        first_name_latin="Mohamed",
        last_name_latin="Al Halabi",
        date_of_birth=datetime.date(1988, 11, 20),
        unhcr_individual_number="RAB-19C00001",
    )


def test_a_form_with_another_error_shows_the_duplicate_too(client_for, caseworker, valid_post, existing):
    response = client_for(caseworker).post(CREATE, {**valid_post, "household_size": "0", "sex": ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"household_size", "sex"}
    assert [c["refugee"] for c in response.context["candidates"]] == [existing]
    body = response.content.decode()
    assert f'data-candidate="{existing.pk}"' in body
    assert "is-invalid" in body  # the field errors, on the same page
    assert f'name="duplicate_ids" value="{existing.pk}"' in body
    assert ProfileView.objects.filter(refugee=existing, user=caseworker).exists()
    assert Refugee.objects.count() == 1


def test_fixing_the_error_and_confirming_saves_in_the_next_submission(client_for, caseworker, valid_post, existing):
    client = client_for(caseworker)
    first = client.post(CREATE, {**valid_post, "household_size": "0"})
    assert first.context["candidates"]
    response = client.post(CREATE, {**valid_post, "confirm_different": "on", "duplicate_ids": str(existing.pk)})
    assert response.status_code == 302
    new = Refugee.objects.exclude(pk=existing.pk).get()
    assert DuplicateConfirmation.objects.get().refugee == new


def test_a_confirmation_ticked_on_a_refused_form_stays_ticked(client_for, caseworker, valid_post, existing):
    post = {**valid_post, "household_size": "0", "confirm_different": "on", "duplicate_ids": str(existing.pk)}
    response = client_for(caseworker).post(CREATE, post)
    assert response.status_code == 200
    assert 'id="id_confirm_different" checked' in response.content.decode()
    assert Refugee.objects.count() == 1  # the other error still refuses it


def test_fixing_the_error_without_confirming_still_asks(client_for, caseworker, valid_post, existing):
    client = client_for(caseworker)
    client.post(CREATE, {**valid_post, "household_size": "0"})
    response = client.post(CREATE, valid_post)
    assert response.status_code == 200
    assert response.context["candidates"]
    assert not response.context["form"].errors
    assert Refugee.objects.count() == 1


def test_no_duplicate_is_sought_without_a_birth_date_or_year(client_for, caseworker, valid_post, existing):
    response = client_for(caseworker).post(CREATE, {**valid_post, "date_of_birth": "2999-01-01"})
    assert "date_of_birth" in response.context["form"].errors
    assert response.context["candidates"] == []
