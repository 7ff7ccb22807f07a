"""In the refugee pages, dates, phone numbers and UNHCR numbers inside Arabic text are
isolated for bidi (``<bdi dir="ltr">``), so "06 12 34 56 78" or 01/12/2026 never display
reversed next to Arabic words."""

import datetime

import pytest
from django.urls import reverse

from refugees.models import Refugee

pytestmark = pytest.mark.django_db


def test_the_profile_isolates_numbers_dates_and_codes_in_arabic(client_for, caseworker, rabat_refugee):
    Refugee.objects.filter(pk=rabat_refugee.pk).update(
        date_of_birth=datetime.date(1990, 3, 4), unhcr_case_number="803-23-1009229"
    )
    client = client_for(caseworker)
    client.cookies["django_language"] = "ar"
    body = client.get(reverse("refugees:detail", args=[rabat_refugee.pk])).content.decode()
    body = body.replace("\u200f", "")  # Django's Arabic date format marks its separators RTL
    for value in (rabat_refugee.unhcr_individual_number, "803-23-1009229", "+212612345678", "04/03/1990"):
        assert f'<bdi dir="ltr">{value}</bdi>' in body, value
    listing = client.get(reverse("refugees:list")).content.decode()
    assert f'<bdi dir="ltr">{rabat_refugee.unhcr_individual_number}</bdi>' in listing
