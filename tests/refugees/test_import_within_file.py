"""Two rows of the same import file that resemble each other."""

import pytest

from refugees.models import DuplicateConfirmation, Refugee
from tests.refugees.importing import CONFIRM, URL, csv_upload, preview_token

pytestmark = pytest.mark.django_db
HEADER = (
    "unhcr_individual_number,first_name_latin,last_name_latin,first_name_ar,last_name_ar,sex,date_of_birth,"
    "nationality,legal_status,city,referral_source,intake_date"
)
OTHER = "RAB-25C20009,Jean,Mbaye,,,M,1979-01-01,CF,refugee,rabat,unhcr,2025-11-03"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def test_the_same_unhcr_number_twice_is_an_error_on_the_later_row_naming_the_earlier(client_for, caseworker):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    first = "RAB-25C20001,Amina,Haddad,,,F,1990-01-01,SY,refugee,rabat,unhcr,2025-11-02"
    again = "rab 25c20001,Youssef,Karim,,,M,1985-05-05,SY,refugee,rabat,unhcr,2025-11-02"
    response = client.post(URL, {"file": csv_upload(HEADER, first, OTHER, again)})
    result = response.context["result"]
    assert [r.line for r in result.error_rows] == [4]
    (_label, message) = result.error_rows[0].errors[0]
    assert message == "The same UNHCR number is already on line 2."
    assert "already on line 2" in response.content.decode()
    assert "confirm_form" not in response.context


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # Mohammed / Muhammad, born the same year
        (
            "RAB-25C20001,Mohammed,Haddad,,,M,1988-04-02,SY,refugee,rabat,unhcr,2025-11-02",
            "RAB-25C20002,Muhammad,Haddad,,,M,1988-09-01,SY,refugee,rabat,unhcr,2025-11-02",
        ),
        # an Arabic-script name matching the other row's Latin name, born a year apart
        (
            "RAB-25C20001,Mohamed,Al Halabi,,,M,1988-04-02,SY,refugee,rabat,unhcr,2025-11-02",
            "RAB-25C20002,Abou,Omar,محمد,الحلبي,M,1989-02-01,SY,refugee,rabat,unhcr,2025-11-02",
        ),
    ],
)
def test_rows_that_resemble_each_other_are_flagged_and_need_a_confirmation(client_for, caseworker, first, second):
    client = client_for(caseworker)
    preview = client.post(URL, {"file": csv_upload(HEADER, first, OTHER, second)})
    result = preview.context["result"]
    assert result.valid
    assert [(r.line, r.file_duplicate_lines, r.duplicate_ids) for r in result.flagged_rows] == [
        (2, [4], []),
        (4, [2], []),
    ]
    page = preview.content.decode()
    assert 'data-file-line="4"' in page and 'data-file-line="2"' in page
    assert 'name="confirm_different"' in page
    # Like a candidate from the registry: no confirmation, no import.
    refused = client.post(CONFIRM, {"token": preview_token(preview)})
    assert refused.status_code == 200 and refused.context["commit_error"]
    assert not Refugee.objects.exists()
    done = client.post(CONFIRM, {"token": preview_token(preview), "confirm_different": "on"})
    assert done.status_code == 302
    people = {r.unhcr_individual_number: r for r in Refugee.objects.all()}
    assert len(people) == 3
    confirmation = DuplicateConfirmation.objects.get()
    assert confirmation.refugee == people["RAB-25C20002"]
    assert confirmation.other == people["RAB-25C20001"]
    assert confirmation.confirmed_by == caseworker


def test_rows_born_more_than_a_year_apart_or_with_different_names_are_not_flagged(client_for, caseworker):
    rows = [
        "RAB-25C20001,Mohammed,Haddad,,,M,1988-04-02,SY,refugee,rabat,unhcr,2025-11-02",
        "RAB-25C20002,Muhammad,Haddad,,,M,1991-09-01,SY,refugee,rabat,unhcr,2025-11-02",
        "RAB-25C20003,Khadija,Benali,,,F,1988-04-02,SY,refugee,rabat,unhcr,2025-11-02",
    ]
    client = client_for(caseworker)
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows)})
    assert preview.context["result"].valid
    assert preview.context["result"].flagged_rows == []
    assert client.post(CONFIRM, {"token": preview_token(preview)}).status_code == 302
    assert Refugee.objects.count() == 3
    assert not DuplicateConfirmation.objects.exists()


def test_a_row_can_resemble_both_a_registered_person_and_another_row(client_for, caseworker, office_rabat):
    import datetime

    from tests.factories.refugees import RefugeeFactory

    existing = RefugeeFactory(
        office=office_rabat,
        first_name_latin="Mohamed",
        last_name_latin="Haddad",
        date_of_birth=datetime.date(1988, 1, 1),
    )
    rows = [
        "RAB-25C20001,Mohammed,Haddad,,,M,1988-04-02,SY,refugee,rabat,unhcr,2025-11-02",
        "RAB-25C20002,Muhammad,Haddad,,,M,1988-09-01,SY,refugee,rabat,unhcr,2025-11-02",
    ]
    client = client_for(caseworker)
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows)})
    flagged = [(r.line, r.duplicate_ids, r.file_duplicate_lines) for r in preview.context["result"].flagged_rows]
    assert flagged == [(2, [existing.pk], [3]), (3, [existing.pk], [2])]
    assert client.post(CONFIRM, {"token": preview_token(preview), "confirm_different": "on"}).status_code == 302
    later = Refugee.objects.get(unhcr_individual_number="RAB-25C20002")
    earlier = Refugee.objects.get(unhcr_individual_number="RAB-25C20001")
    pairs = set(DuplicateConfirmation.objects.values_list("refugee_id", "other_id"))
    assert pairs == {(earlier.pk, existing.pk), (later.pk, existing.pk), (later.pk, earlier.pk)}
