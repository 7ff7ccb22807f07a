"""The confirmation commits what the preview checked: the file is not validated again, what
may have changed since is re-checked, and each person is created as the registration
service creates one."""

import datetime

import pytest
from django.test.utils import CaptureQueriesContext

from refugees import services
from refugees.importing import preview as preview_module
from refugees.importing import rules
from refugees.models import DuplicateConfirmation, Refugee
from tests.factories.refugees import RefugeeFactory
from tests.refugees.importing import CONFIRM, URL, csv_upload, preview_token

pytestmark = pytest.mark.django_db
HEADER = (
    "unhcr_individual_number,first_name_latin,last_name_latin,first_name_ar,last_name_ar,sex,date_of_birth,"
    "nationality,legal_status,city,phone,languages,household_size,referral_source,intake_date,office"
)
TEMPLATE = (
    "RAB-25C3{n:04d},{first},{last},{first_ar},{last_ar},F,1991-02-{day:02d},SY,refugee,casablanca,0612345678,"
    '"ar,fr",2,unhcr,2025-11-02,rabat'
)
FIRST = ["Salma", "Omar", "Khadija", "Youssef", "Leila", "Tarek", "Grace", "Didier", "Hamza", "Rania"]
LAST = ["Nasser", "Mbaye", "Kamara", "Diallo", "Traore", "Okafor", "Zein", "Barakat", "Issa", "Darwish"]


def row(n: int, *, day: int | None = None, arabic: bool = False) -> str:
    """Rows 0 to 9 resemble no other; later ones may."""
    first, last = FIRST[n % 10], LAST[(n + n // 10) % 10]
    first_ar, last_ar = ("سلمى", "ناصر") if arabic else ("", "")
    return TEMPLATE.format(n=n, first=first, last=last, first_ar=first_ar, last_ar=last_ar, day=day or 1 + n % 28)


def rows(count: int) -> list[str]:
    return [row(n) for n in range(count)]


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


class Calls:
    def __init__(self, monkeypatch):
        self.rows_checked = 0
        check_rows = rules.check_rows

        def counting(**kwargs):
            for row in check_rows(**kwargs):
                self.rows_checked += 1
                yield row

        monkeypatch.setattr(preview_module, "check_rows", counting)


def test_the_confirmation_checks_no_row_again(client_for, caseworker, monkeypatch):
    calls = Calls(monkeypatch)
    client = client_for(caseworker)
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows(30))})
    assert calls.rows_checked == 30
    confirm = {"token": preview_token(preview), "confirm_different": "on"}  # the rows resemble each other
    assert client.post(CONFIRM, confirm).status_code == 302
    assert calls.rows_checked == 30  # none checked by the confirmation
    assert Refugee.objects.count() == 30


def test_the_confirmations_queries_do_not_grow_with_the_rows(client_for, caseworker, django_assert_max_num_queries):
    from django.db import connection

    client = client_for(caseworker)
    counts = []
    # The first file makes the registry hold look-alikes: both measured files then have
    # registered candidates and rows resembling each other.
    for start, count in ((0, 10), (100, 100), (300, 300)):
        lines = [row(start + n) for n in range(count)]
        preview = client.post(URL, {"file": csv_upload(HEADER, *lines)})
        assert preview.context["result"].valid
        with CaptureQueriesContext(connection) as ctx:
            confirm = {"token": preview_token(preview), "confirm_different": "on"}
            assert client.post(CONFIRM, confirm).status_code == 302
        counts.append(len(ctx))
    assert Refugee.objects.count() == 410
    if connection.vendor == "postgresql":
        assert counts[1] == counts[2], counts  # COPY and set-based inserts
    else:  # SQLite: batches (split further by its limit of variables per statement)
        assert counts[2] - counts[1] <= 200 // 10, counts


def test_an_imported_person_is_what_the_registration_service_creates(client_for, caseworker):
    client = client_for(caseworker)
    preview = client.post(URL, {"file": csv_upload(HEADER, row(0, day=3, arabic=True))})
    client.post(CONFIRM, {"token": preview_token(preview)})
    imported = Refugee.objects.get()
    data = dict((preview.context["result"].flagged_rows and {}) or {})
    form, _fast = rules.row_checkers(user=caseworker, existing_numbers=set())
    _values, data = rules.row_data(
        HEADER.split(","), next(iter(_csv_rows(row(0, day=3, arabic=True).replace("RAB-25C30000", "RAB-25C39999"))))
    )
    form.data, form._errors = data, None
    assert form.is_valid(), form.errors
    registered = services.refugee_register(by=caseworker, data=form.profile_data())
    skip = {"id", "unhcr_individual_number", "created_at", "updated_at"}
    for field in Refugee._meta.concrete_fields:
        if field.attname not in skip:
            assert getattr(imported, field.attname) == getattr(registered, field.attname), field.attname
    assert imported.name_key == "salma nasser" and " nasser " in imported.search_key and "ناصر" in imported.search_key
    assert imported.birth_year == 1991 and imported.region_id == imported.city.region_id
    history = imported.history.get()
    assert history.history_type == "+" and history.history_user == caseworker
    assert history.name_key == imported.name_key and history.languages == ["ar", "fr"]


def _csv_rows(line: str):
    import csv

    return csv.reader([line])


def test_a_number_registered_since_the_preview_is_refused(client_for, caseworker, office_rabat):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows(3))})
    RefugeeFactory(office=office_rabat, unhcr_individual_number="RAB-25C30001", first_name_latin="Other")
    response = client.post(CONFIRM, {"token": preview_token(preview)})
    assert response.status_code == 200
    assert "line 3" in response.context["commit_error"]
    assert Refugee.objects.count() == 1  # nothing imported


def test_a_look_alike_registered_since_the_preview_is_refused(client_for, caseworker, office_rabat):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows(3))})
    assert preview.context["result"].flagged_rows == []
    RefugeeFactory(
        office=office_rabat,
        first_name_latin="Omar",
        last_name_latin="Mbaye",
        date_of_birth=datetime.date(1991, 6, 1),
    )
    response = client.post(CONFIRM, {"token": preview_token(preview), "confirm_different": "on"})
    assert response.status_code == 200
    assert "check the file again" in response.context["commit_error"]
    assert 'name="file"' in response.content.decode()  # upload again
    assert Refugee.objects.count() == 1


def test_a_candidate_edited_since_the_preview_is_not_new(client_for, caseworker, office_rabat):
    existing = RefugeeFactory(
        office=office_rabat,
        first_name_latin="Omar",
        last_name_latin="Mbaye",
        date_of_birth=datetime.date(1991, 6, 1),
    )
    client = client_for(caseworker)
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows(3))})
    assert [r.duplicate_ids for r in preview.context["result"].flagged_rows] == [[existing.pk]]
    services.refugee_update(refugee=existing, by=caseworker, data={"phone": "+212611111111"})
    assert client.post(CONFIRM, {"token": preview_token(preview), "confirm_different": "on"}).status_code == 302
    assert Refugee.objects.count() == 4
    assert DuplicateConfirmation.objects.get().other == existing


def test_a_stored_file_that_changed_is_not_committed(client_for, caseworker, private_root):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows(3))})
    token = preview_token(preview)
    stored = private_root / "imports" / str(caseworker.pk) / f"{token}.csv"
    stored.write_bytes(stored.read_bytes().replace(b"Salma", b"Selma"))
    response = client.post(CONFIRM, {"token": token}, follow=True)
    assert "Upload the file again" in response.content.decode()
    assert not Refugee.objects.exists()


def test_a_caseworker_moved_to_another_office_cannot_confirm(client_for, caseworker, office_oujda):
    client = client_for(caseworker)
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows(3))})
    caseworker.office = office_oujda
    caseworker.save()
    assert client.post(CONFIRM, {"token": preview_token(preview)}).status_code == 403
    assert not Refugee.objects.exists()
