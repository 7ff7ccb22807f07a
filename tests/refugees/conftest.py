import datetime

import pytest

from core.models import City
from tests.factories.refugees import RefugeeFactory


@pytest.fixture
def rabat_refugee(office_rabat):
    return RefugeeFactory(
        office=office_rabat,
        first_name_latin="Amina",
        last_name_latin="Haddad",
        first_name_ar="أمينة",
        last_name_ar="حداد",
        phone="+212612345678",
    )


@pytest.fixture
def oujda_refugee(office_oujda):
    return RefugeeFactory(
        office=office_oujda,
        first_name_latin="Jean",
        last_name_latin="Ngoma",
        nationality="CF",
        city=City.objects.get(slug="oujda"),
    )


@pytest.fixture
def valid_post(office_rabat):
    """A complete, valid profile form submission for a Rabat person."""
    city = City.objects.get(slug="rabat")
    return {
        "unhcr_individual_number": "rab 25c00042",
        "unhcr_case_number": "",
        "first_name_latin": "Mohammed",
        "last_name_latin": "Al Halabi",
        "first_name_ar": "محمد",
        "last_name_ar": "الحلبي",
        "sex": "M",
        "date_of_birth": "1988-04-02",
        "birth_year": "",
        "nationality": "SY",
        "legal_status": "refugee",
        "arrival_date": "2016-09-01",
        "city": str(city.pk),
        "region": "",
        "phone": "06 12 34 56 78",
        "languages": ["ar", "fr"],
        "education_level": "secondary",
        "previous_occupation": "Baker",
        "skills": "Pastry",
        "household_size": "4",
        "specific_needs": [],
        "referral_source": "unhcr",
        "intake_date": datetime.date(2025, 10, 1).isoformat(),
        "office": str(office_rabat.pk),
        "caseworker": "",
    }
