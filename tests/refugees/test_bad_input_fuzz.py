"""Hypothesis over the profile form and the import: never a 500, always a clear error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refugees.exports import safe_cell
from refugees.models import Refugee

pytestmark = pytest.mark.django_db

NASTY = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "محمد عبد الرحمن",
            "😀🎉",
            "x" * 10_000,
            "a\x00b",
            '=HYPERLINK("http://evil","click")',
            "+cmd|' /C calc'!A0",
            "-1",
            "2999-12-31",
            "1850-01-01",
            "31/02/2020",
            "RAB-18C0123",
            "rab-18c01234",
            "",
            " ",
            "-5",
            "0",
            "99999999999999999999",
        ]
    ),
)
FIELDS = [
    "unhcr_individual_number",
    "first_name_latin",
    "last_name_latin",
    "first_name_ar",
    "date_of_birth",
    "birth_year",
    "household_size",
    "phone",
    "intake_date",
    "arrival_date",
    "nationality",
    "sex",
    "city",
    "skills",
]
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(field=st.sampled_from(FIELDS), value=NASTY)
def test_the_form_never_fails_on_bad_values(client_for, caseworker, valid_post, field, value):
    response = client_for(caseworker).post(reverse("refugees:create"), {**valid_post, field: value})
    if "\x00" in value:  # refused before the form (core.security.middleware): a 400, nothing saved
        assert response.status_code == 400
        assert not Refugee.objects.exists()
        return
    assert response.status_code in (200, 302)
    if response.status_code == 200 and not response.context.get("candidates"):
        assert response.context["form"].errors
    Refugee.objects.all().delete()


HEADER = (
    "unhcr_individual_number,first_name_latin,last_name_latin,sex,date_of_birth,nationality,"
    "legal_status,household_size,referral_source,intake_date,city"
)


@FUZZ
@given(values=st.lists(NASTY, min_size=11, max_size=11))
def test_the_import_never_fails_on_bad_cells(client_for, caseworker, settings, tmp_path, values):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER.split(","))
    writer.writerow(values)
    upload = SimpleUploadedFile("f.csv", buf.getvalue().encode("utf-8", "surrogatepass"))
    response = client_for(caseworker).post(reverse("refugees:import"), {"file": upload})
    assert response.status_code == 200
    result = response.context.get("result")
    assert response.context["form"].errors or result is not None
    if result is not None and not result.valid:
        assert result.file_errors or all(row.errors for row in result.error_rows)
    assert not Refugee.objects.exists()


@given(st.text(max_size=30))
def test_exported_cells_never_start_a_formula(value):
    from core.security.cells import PLAIN_NUMBER

    cell = safe_cell(value)
    # A plain number ("-500.00", "-0") is data and stays as it is (core.security.cells).
    assert not (
        isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not PLAIN_NUMBER.fullmatch(cell)
    )
