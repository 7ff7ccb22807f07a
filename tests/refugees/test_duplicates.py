"""Probable duplicates: similar normalised name and birth within a year need a recorded confirmation."""

import datetime

import pytest
from django.urls import reverse

from core.models import City
from refugees.models import DuplicateConfirmation, Refugee
from refugees.selectors import probable_duplicates, probe_for
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


def test_it_flags_a_spelling_variant_born_within_a_year(client_for, caseworker, valid_post, existing):
    response = client_for(caseworker).post(CREATE, valid_post)  # "Mohammed Al Halabi", 1988-04-02
    assert response.status_code == 200
    assert [c["refugee"] for c in response.context["candidates"]] == [existing]
    assert f'data-candidate="{existing.pk}"' in response.content.decode()
    assert Refugee.objects.count() == 1


def test_it_saves_after_the_different_person_confirmation(client_for, caseworker, valid_post, existing):
    client = client_for(caseworker)
    client.post(CREATE, valid_post)
    response = client.post(CREATE, {**valid_post, "confirm_different": "on", "duplicate_ids": str(existing.pk)})
    assert response.status_code == 302
    new = Refugee.objects.exclude(pk=existing.pk).get()
    confirmation = DuplicateConfirmation.objects.get()
    assert (confirmation.refugee, confirmation.other, confirmation.confirmed_by) == (new, existing, caseworker)


def test_it_asks_again_if_the_confirmation_did_not_cover_the_candidate(client_for, caseworker, valid_post, existing):
    response = client_for(caseworker).post(CREATE, {**valid_post, "confirm_different": "on", "duplicate_ids": ""})
    assert response.status_code == 200
    assert Refugee.objects.count() == 1


def test_it_ignores_people_born_years_apart(client_for, caseworker, valid_post, existing):
    response = client_for(caseworker).post(CREATE, {**valid_post, "date_of_birth": "1995-01-01"})
    assert response.status_code == 302


def test_it_matches_an_arabic_only_spelling(existing):
    probe = probe_for(
        first_name_latin="X", last_name_latin="Y", first_name_ar="مُحمّد", last_name_ar="الحلبي", birth_year=1989
    )
    assert probable_duplicates(probe) == [existing]


def test_it_uses_the_birth_year_when_the_date_is_unknown(existing):
    probe = probe_for(first_name_latin="Muhammad", last_name_latin="Halabi", birth_year=1987)
    assert probable_duplicates(probe) == [existing]


def test_it_hides_details_of_candidates_in_another_office(client_for, other_caseworker, valid_post, existing):
    response = client_for(other_caseworker).post(CREATE, {**valid_post, "city": City.objects.get(slug="oujda").pk})
    body = response.content.decode()
    assert response.context["candidates"][0]["visible"] is False
    assert existing.unhcr_individual_number not in body
    assert reverse("refugees:detail", args=[existing.pk]) not in body


def test_it_does_not_ask_again_on_edit_once_confirmed(client_for, caseworker, valid_post, existing):
    client = client_for(caseworker)
    client.post(CREATE, {**valid_post, "confirm_different": "on", "duplicate_ids": str(existing.pk)})
    new = Refugee.objects.exclude(pk=existing.pk).get()
    response = client.post(
        reverse("refugees:edit", args=[new.pk]),
        {**valid_post, "unhcr_individual_number": new.unhcr_individual_number, "household_size": "5"},
    )
    assert response.status_code == 302


def test_the_batch_comparison_agrees_with_pg_trgm(existing, office_rabat):
    from refugees.selectors import BULK_IN_PYTHON_FROM, probable_duplicates_bulk

    RefugeeFactory(
        office=office_rabat, first_name_latin="Fatima", last_name_latin="Zahra", date_of_birth=datetime.date(1990, 1, 1)
    )
    probes = [
        probe_for(first_name_latin=first, last_name_latin=last, birth_year=year)
        for first, last, year in [
            ("Muhammad", "Al Halabi", 1989),
            ("Fatma", "Zahra", 1991),
            ("Fatma", "Zahra", 1995),
            ("Jean", "Other", 1988),
        ]
    ]
    one_by_one = {i: ids for i, p in enumerate(probes) if (ids := probable_duplicates_bulk([p]).get(0))}
    padding = [probe_for(first_name_latin="Nobody", last_name_latin=f"Pad{n}", birth_year=1950) for n in range(30)]
    assert len(probes + padding) > BULK_IN_PYTHON_FROM
    assert probable_duplicates_bulk(probes + padding) == one_by_one
    assert sorted(one_by_one) == [0, 1]
