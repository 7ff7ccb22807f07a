"""Spreadsheet import: dry-run preview with row errors and duplicate flags, then all-or-nothing commit."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from refugees.models import DuplicateConfirmation, Refugee
from tests.factories.refugees import RefugeeFactory
from tests.refugees.importing import CONFIRM, URL, csv_upload, preview_token

pytestmark = pytest.mark.django_db
HEADER = (
    "unhcr_individual_number,first_name_latin,last_name_latin,first_name_ar,last_name_ar,sex,date_of_birth,"
    "nationality,legal_status,city,phone,household_size,referral_source,intake_date,office"
)
GOOD = [
    "RAB-25C10001,Fatima,Zahra,فاطمة,الزهراء,F,1992-03-04,SY,refugee,rabat,0612345678,3,unhcr,2025-11-02,rabat",
    "RAB-25C10002,Jean,Mbaye,,,M,15/06/1985,CF,asylum_seeker,Rabat,,1,self,2025-11-03,",
]


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def test_it_previews_then_imports_everything(client_for, caseworker):
    client = client_for(caseworker)
    preview = client.post(URL, {"file": csv_upload(HEADER, *GOOD)})
    assert preview.status_code == 200
    assert preview.context["result"].valid
    assert not Refugee.objects.exists()  # a dry run
    response = client.post(CONFIRM, {"token": preview_token(preview)})
    assert response.status_code == 302
    people = {r.unhcr_individual_number: r for r in Refugee.objects.all()}
    assert set(people) == {"RAB-25C10001", "RAB-25C10002"}
    assert people["RAB-25C10001"].name_key == "fatima zahra"
    assert people["RAB-25C10001"].phone == "+212612345678"
    assert people["RAB-25C10002"].office == caseworker.office
    assert people["RAB-25C10001"].history.get().history_user == caseworker
    # the token is used up
    assert client.post(CONFIRM, {"token": preview_token(preview)}).status_code == 302
    assert Refugee.objects.count() == 2


def test_it_reads_xlsx(client_for, caseworker):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    import datetime

    ws.append(
        [
            "RAB-25C10003",
            "Ali",
            "Hassan",
            "",
            "",
            "M",
            datetime.datetime(1990, 1, 2),
            "YE",
            "refugee",
            "rabat",
            "",
            2,
            "unhcr",
            datetime.datetime(2025, 10, 1),
            "rabat",
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    client = client_for(caseworker)
    preview = client.post(URL, {"file": SimpleUploadedFile("people.xlsx", buf.getvalue())})
    assert preview.context["result"].valid, preview.context["result"].error_rows
    client.post(CONFIRM, {"token": preview_token(preview)})
    assert Refugee.objects.get().date_of_birth == datetime.date(1990, 1, 2)


def test_one_bad_row_imports_nothing_and_says_which_and_why(client_for, caseworker):
    bad = "RAB-25C10009,Bad,Row,,,X,2999-01-01,SY,refugee,rabat,,-2,unhcr,2025-11-02,rabat"
    response = client_for(caseworker).post(URL, {"file": csv_upload(HEADER, *GOOD, bad)})
    result = response.context["result"]
    assert not result.valid
    assert [r.line for r in result.error_rows] == [4]
    labels = {label for label, _m in result.error_rows[0].errors}
    assert len(labels) >= 3
    assert "confirm_form" not in response.context
    assert not Refugee.objects.exists()


def test_it_flags_existing_numbers_and_repeats_in_the_file(client_for, caseworker, rabat_refugee):
    row = GOOD[0].replace("RAB-25C10001", rabat_refugee.unhcr_individual_number)
    result = client_for(caseworker).post(URL, {"file": csv_upload(HEADER, row, GOOD[1], GOOD[1])}).context["result"]
    assert [r.line for r in result.error_rows] == [2, 4]


def test_it_flags_probable_duplicates_and_needs_a_confirmation(client_for, caseworker, office_rabat):
    import datetime

    existing = RefugeeFactory(
        office=office_rabat, first_name_latin="Fatma", last_name_latin="Zahra", date_of_birth=datetime.date(1992, 8, 1)
    )
    client = client_for(caseworker)
    preview = client.post(URL, {"file": csv_upload(HEADER, *GOOD)})
    result = preview.context["result"]
    assert [(r.line, r.duplicate_ids) for r in result.flagged_rows] == [(2, [existing.pk])]
    response = client.post(CONFIRM, {"token": preview_token(preview)})
    assert response.status_code == 200
    assert response.context["commit_error"]
    assert Refugee.objects.count() == 1
    assert client.post(CONFIRM, {"token": preview_token(preview), "confirm_different": "on"}).status_code == 302
    assert Refugee.objects.count() == 3
    assert DuplicateConfirmation.objects.get().other == existing


def test_a_caseworker_cannot_import_into_another_office(client_for, caseworker, office_oujda):
    row = GOOD[0].replace(",rabat\n", ",oujda").rsplit(",", 1)[0] + ",oujda"
    result = client_for(caseworker).post(URL, {"file": csv_upload(HEADER, row)}).context["result"]
    assert not result.valid


def test_the_token_is_bound_to_the_uploader(client_for, caseworker, manager):
    preview = client_for(caseworker).post(URL, {"file": csv_upload(HEADER, *GOOD)})
    token = preview_token(preview)
    response = client_for(manager).post(CONFIRM, {"token": token})
    assert response.status_code == 302 and response["Location"] == URL
    assert not Refugee.objects.exists()


@pytest.mark.parametrize("persona", ["partner_unhcr", "committee_member"])
def test_it_refuses_other_roles(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": csv_upload(HEADER, *GOOD)}).status_code == 403
    assert client.post(CONFIRM, {"token": "0" * 32}).status_code == 403


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("short.csv", b"first_name_latin,last_name_latin,sex,nationality,unhcr_individual_number\nA\n"),
        ("x.txt", b"hello"),
        ("x.xlsx", b"not a zip"),
        ("x.csv", b"\xff\xfe\x00bad"),
        ("x.csv", b""),
        ("x.csv", b"a,b\n1,2\n"),
    ],
)
def test_it_explains_unreadable_files(client_for, caseworker, name, content):
    response = client_for(caseworker).post(URL, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    result = response.context.get("result")
    assert response.context["form"].errors or (result and (result.file_errors or result.error_rows))
