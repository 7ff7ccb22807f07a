"""The printable personal-data page is readable by the person: labels and values in their
language (chosen on the page), country and city names, choices by their label, no field
names or codes; dates and numbers isolated for bidi."""

import datetime

import pytest
from django.urls import reverse

from refugees.models import Refugee
from refugees.services import consent_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(rabat_refugee, caseworker):
    Refugee.objects.filter(pk=rabat_refugee.pk).update(
        sex="F",
        nationality="SY",
        legal_status="refugee",
        languages=["ar", "fr"],
        date_of_birth=datetime.date(1990, 3, 4),
    )
    consent_record(refugee=rabat_refugee, by=caseworker, purpose="participation", given_on=datetime.date(2025, 1, 2))
    return rabat_refugee


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["Syrie", "Nationalité", "Date de naissance", "4 mars 1990"]),
        ("en", ["Syria", "Nationality", "Date of birth", "4 March 1990"]),
        ("ar", ["سوريا", "الجنسية"]),
    ],
)
def test_the_printed_page_speaks_the_persons_language(client_for, manager, person, language, expected):
    url = reverse("refugees:subject_print", args=[person.pk])
    body = client_for(manager).get(url, {"language": language}).content.decode()
    for text in expected:
        assert text in body, text
    for code in ("first_name_latin", "legal_status", ">participation<", ">SY<", ">F<", "1990-03-04"):
        assert code not in body, code
    assert "<bdi>+212612345678</bdi>" in body
