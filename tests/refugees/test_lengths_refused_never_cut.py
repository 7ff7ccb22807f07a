"""A value longer than its field is refused with a message naming the field and the limit,
in the user's language, and never cut: not by the browser (no ``maxlength``), the form,
the import or the services."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from refugees.forms import RefugeeForm
from refugees.importing.rules import row_data
from refugees.models import Consent, Refugee
from tests.factories.refugees import RefugeeFactory
from tests.refugees.importing import URL, csv_upload

pytestmark = pytest.mark.django_db
CREATE = reverse("refugees:create")

# (field, too long a value, its limit) for every text field of the profile form.
TOO_LONG = [
    ("first_name_latin", "A" * 101, 100),
    ("last_name_latin", "B" * 101, 100),
    ("first_name_ar", "م" * 101, 100),
    ("last_name_ar", "ح" * 101, 100),
    ("previous_occupation", "x" * 201, 200),
    ("skills", "y" * 2001, 2000),
    ("unhcr_case_number", "9" * 21, 20),
    ("phone", "6" * 21, 20),
    ("unhcr_individual_number", "8" * 21, 20),
]
MESSAGES = {
    "en": "“{label}” is too long: at most {limit} characters (this one has {length}).",
    "fr": "« {label} » est trop long : {limit} caractères au plus (celui-ci en a {length}).",
    "ar": "«{label}» طويل جدًا: {limit} حرفًا على الأكثر (وهذا فيه {length}).",
}


def _client(client_for, user, lang):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_it_refuses_every_too_long_field_of_the_registration_form_by_name(client_for, caseworker, valid_post, lang):
    post = {**valid_post, **{name: value for name, value, _limit in TOO_LONG}}
    response = _client(client_for, caseworker, lang).post(CREATE, post)
    assert response.status_code == 200
    assert not Refugee.objects.exists()
    form = response.context["form"]
    with translation.override(lang):
        for name, value, limit in TOO_LONG:
            label = str(form.fields[name].label)
            expected = MESSAGES[lang].format(label=label, limit=limit, length=len(value))
            assert expected in [str(e) for e in form.errors[name]], (name, form.errors[name])


def test_the_page_does_not_let_the_browser_cut_what_is_typed(client_for, caseworker):
    body = client_for(caseworker).get(CREATE).content.decode()
    assert 'name="first_name_latin"' in body
    assert "maxlength" not in body


def test_the_edit_form_refuses_and_keeps_the_stored_name(client_for, caseworker, rabat_refugee, valid_post):
    url = reverse("refugees:edit", args=[rabat_refugee.pk])
    post = {**valid_post, "unhcr_individual_number": rabat_refugee.unhcr_individual_number}
    response = _client(client_for, caseworker, "en").post(url, {**post, "last_name_latin": "Haddad" + "a" * 100})
    assert response.status_code == 200
    assert "at most 100 characters (this one has 106)" in str(response.context["form"].errors["last_name_latin"])
    rabat_refugee.refresh_from_db()
    assert rabat_refugee.last_name_latin == "Haddad"


def test_a_name_exactly_at_the_limit_is_kept_whole(client_for, caseworker, valid_post):
    name = "Abdelrahman-" + "a" * 88  # 100 characters
    response = client_for(caseworker).post(CREATE, {**valid_post, "last_name_latin": name})
    assert response.status_code == 302
    assert Refugee.objects.get().last_name_latin == name


def test_the_import_refuses_a_too_long_name_naming_the_column(client_for, caseworker):
    header = "unhcr_individual_number,first_name_latin,last_name_latin,sex,date_of_birth,nationality,legal_status,"
    header += "household_size,referral_source,intake_date"
    row = f"RAB-25C10001,Fatima,{'Z' * 150},F,1992-03-04,SY,refugee,3,unhcr,2025-11-02"
    response = _client(client_for, caseworker, "en").post(URL, {"file": csv_upload(header, row)})
    result = response.context["result"]
    assert not result.valid
    errors = dict(result.error_rows[0].errors)
    with translation.override("en"):
        label = str(RefugeeForm.base_fields["last_name_latin"].label)
    assert errors[label] == f"“{label}” is too long: at most 100 characters (this one has 150)."
    assert not Refugee.objects.exists()


def test_the_import_reads_the_sex_whole(client_for, caseworker):
    header = "unhcr_individual_number,first_name_latin,last_name_latin,sex,date_of_birth,nationality,legal_status,"
    header += "household_size,referral_source,intake_date"
    rows = [
        "RAB-25C10001,Fatima,Zahra,Female,1992-03-04,SY,refugee,3,unhcr,2025-11-02",
        "RAB-25C10002,Jean,Mbaye,Mxyz,1985-06-15,CF,refugee,1,unhcr,2025-11-02",
    ]
    result = client_for(caseworker).post(URL, {"file": csv_upload(header, *rows)}).context["result"]
    assert [r.line for r in result.error_rows] == [3]  # "Mxyz" is not read as "M"; "Female" is F
    columns = header.split(",")
    assert row_data(columns, rows[0].split(","))[1]["sex"] == "F"
    assert row_data(columns, rows[1].split(","))[1]["sex"] == "Mxyz"


def test_the_consent_notes_limit_is_enforced(client_for, caseworker, rabat_refugee):
    url = reverse("refugees:consent_add", args=[rabat_refugee.pk])
    post = {"purpose": Consent.Purpose.PARTICIPATION, "given_on": "2025-10-01", "notes": "n" * 2001}
    response = _client(client_for, caseworker, "en").post(url, post)
    assert response.status_code == 200
    assert "at most 2000 characters" in str(response.context["form"].errors["notes"])
    assert not rabat_refugee.consents.exists()


def test_a_note_too_long_is_refused_with_a_message(client_for, caseworker, rabat_refugee):
    url = reverse("refugees:note_add", args=[rabat_refugee.pk])
    response = _client(client_for, caseworker, "en").post(url, {"text": "t" * 5001}, follow=True)
    assert "at most 5000 characters (this one has 5001)" in response.content.decode()
    assert not rabat_refugee.notes.exists()


def test_a_stored_long_name_is_untouched_by_an_unrelated_edit(client_for, caseworker, office_rabat, valid_post):
    person = RefugeeFactory(office=office_rabat, last_name_latin="L" * 100)
    url = reverse("refugees:edit", args=[person.pk])
    post = {**valid_post, "unhcr_individual_number": person.unhcr_individual_number, "last_name_latin": "L" * 100}
    assert client_for(caseworker).post(url, {**post, "skills": "Sewing"}).status_code == 302
    person.refresh_from_db()
    assert person.last_name_latin == "L" * 100
