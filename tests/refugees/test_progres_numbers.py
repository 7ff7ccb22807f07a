"""UNHCR numbers as UNHCR issues them: the older "RAB-18C01234" style and proGres v4's
individual ids ("803-100016547") and registration groups ("803-23-1009229"), typed in any
usual way, normalised one way in the form, the import and the search."""

import pytest
from django.urls import reverse

from refugees.models import Refugee
from refugees.validators import GROUP, normalise_unhcr_number
from tests.factories.refugees import RefugeeFactory
from tests.refugees.importing import CONFIRM, URL, csv_upload, preview_token

pytestmark = pytest.mark.django_db
CREATE = reverse("refugees:create")


@pytest.mark.parametrize(
    ("typed", "kind", "stored"),
    [
        ("rab 18c01234", "individual", "RAB-18C01234"),
        ("RAB18C01234", "individual", "RAB-18C01234"),
        ("803-100016547", "individual", "803-100016547"),
        ("803 100016547", "individual", "803-100016547"),
        ("803100016547", "individual", "803-100016547"),
        ("٨٠٣-١٠٠٠١٦٥٤٧", "individual", "803-100016547"),
        ("803-23-1009229", "group", "803-23-1009229"),
        ("803 23 1009229", "group", "803-23-1009229"),
        ("803–23–1009229", "group", "803-23-1009229"),
        ("803231009229", "group", "803-23-1009229"),
        ("803-23-1009229", "individual", "803-23-1009229"),  # kept as typed, then refused
    ],
)
def test_numbers_are_normalised_one_way(typed, kind, stored):
    assert normalise_unhcr_number(typed, GROUP if kind == "group" else "individual") == stored


def test_the_form_takes_progres_v4_numbers(client_for, caseworker, valid_post):
    post = {**valid_post, "unhcr_individual_number": "803 100016547", "unhcr_case_number": "803231009229"}
    response = client_for(caseworker).post(CREATE, post)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Refugee.objects.get()
    assert person.unhcr_individual_number == "803-100016547"
    assert person.unhcr_case_number == "803-23-1009229"


def test_the_form_refuses_a_group_number_as_an_individuals(client_for, caseworker, valid_post):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    response = client.post(CREATE, {**valid_post, "unhcr_individual_number": "803-23-1009229"})
    assert response.status_code == 200
    assert "registration group number" in response.content.decode()
    response = client.post(CREATE, {**valid_post, "unhcr_individual_number": "803-1000165"})
    assert "803-100016547 (individual)" in response.content.decode()
    assert not Refugee.objects.exists()


HEADER = (
    "unhcr_individual_number,unhcr_case_number,first_name_latin,last_name_latin,sex,date_of_birth,"
    "nationality,legal_status,referral_source,intake_date"
)


def test_a_progres_export_imports_without_edits(client_for, caseworker, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client = client_for(caseworker)
    rows = [
        "803-100016547,803-23-1009229,Amal,Haddad,F,1990-01-02,SY,refugee,unhcr,2025-11-02",
        "803100016548,803231009229,Omar,Haddad,M,1985-05-06,SY,refugee,unhcr,2025-11-02",
        "RAB-25C10001,,Jean,Mbaye,M,1979-07-08,CF,refugee,unhcr,2025-11-03",
    ]
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows)})
    assert preview.context["result"].valid, [(r.line, r.errors) for r in preview.context["result"].error_rows]
    assert client.post(CONFIRM, {"token": preview_token(preview)}).status_code == 302
    numbers = set(Refugee.objects.values_list("unhcr_individual_number", "unhcr_case_number"))
    assert numbers == {
        ("803-100016547", "803-23-1009229"),
        ("803-100016548", "803-23-1009229"),
        ("RAB-25C10001", ""),
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("803-100016547", {"Amal Haddad"}),
        ("803100016547", {"Amal Haddad"}),
        ("803 1000165", {"Amal Haddad", "Omar Haddad"}),  # a prefix
        ("803-23-1009229", {"Amal Haddad", "Omar Haddad"}),
        ("803231009229", {"Amal Haddad", "Omar Haddad"}),
        ("RAB-25C", {"Jean Mbaye"}),
    ],
)
def test_the_search_finds_either_form(client_for, caseworker, query, found):
    office = caseworker.office
    RefugeeFactory(
        office=office,
        first_name_latin="Amal",
        last_name_latin="Haddad",
        unhcr_individual_number="803-100016547",
        unhcr_case_number="803-23-1009229",
    )
    RefugeeFactory(
        office=office,
        first_name_latin="Omar",
        last_name_latin="Haddad",
        unhcr_individual_number="803-100016548",
        unhcr_case_number="803-23-1009229",
    )
    RefugeeFactory(
        office=office, first_name_latin="Jean", last_name_latin="Mbaye", unhcr_individual_number="RAB-25C10001"
    )
    response = client_for(caseworker).get(reverse("refugees:list"), {"q": query})
    assert {r.full_name_latin for r in response.context["page_obj"]} == found
