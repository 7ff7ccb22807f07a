"""The confirmation writes each person's "created" history row in the statement that
creates them, and reads the file's duplicate groups only when the registry changed since
the preview (they are stored on their own line, decoded when first read)."""

import datetime

import pytest

from refugees.importing import uploads
from refugees.models import Refugee
from tests.factories.refugees import RefugeeFactory
from tests.refugees.importing import CONFIRM, URL, csv_upload, preview_token
from tests.refugees.test_import_confirm_uses_the_preview import HEADER, rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def decoded(monkeypatch):
    """How many times a stored result's groups were decoded."""
    calls = []
    original = uploads._StoredGroups._decoded

    def counting(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(uploads._StoredGroups, "_decoded", counting)
    return calls


def test_it_writes_one_created_history_row_per_person_with_its_values(client_for, caseworker):
    client = client_for(caseworker)
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows(30))})
    assert client.post(CONFIRM, {"token": preview_token(preview), "confirm_different": "on"}).status_code == 302
    people = {p.pk: p for p in Refugee.objects.all()}
    history = list(Refugee.history.all())
    assert len(people) == len(history) == 30
    for h in history:
        person = people[h.id]
        assert (h.history_type, h.history_user_id) == ("+", caseworker.pk)
        assert h.history_date == person.created_at
        for field in ("unhcr_individual_number", "last_name_latin", "name_key", "search_key", "office_id", "city_id"):
            assert getattr(h, field) == getattr(person, field), field


def test_it_does_not_decode_the_groups_when_nobody_changed(client_for, caseworker, decoded):
    client = client_for(caseworker)
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows(12))})
    assert client.post(CONFIRM, {"token": preview_token(preview), "confirm_different": "on"}).status_code == 302
    assert Refugee.objects.count() == 12
    assert decoded == []


def test_it_decodes_them_to_check_a_person_registered_meanwhile(client_for, caseworker, office_rabat, decoded):
    client = client_for(caseworker)
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows(3))})
    RefugeeFactory(office=office_rabat, first_name_latin="Nobody", last_name_latin="Alike")
    assert client.post(CONFIRM, {"token": preview_token(preview)}).status_code == 302
    assert Refugee.objects.count() == 4
    assert len(decoded) >= 1


def test_the_stored_groups_are_the_previews(client_for, caseworker, office_rabat):
    client = client_for(caseworker)
    preview = client.post(URL, {"file": csv_upload(HEADER, *rows(12))})
    result = preview.context["result"]
    loaded = uploads.load_result(user=caseworker, token=preview_token(preview))
    try:
        assert len(loaded.groups) == len(result.groups)
        assert list(loaded.groups) == list(result.groups)
        assert loaded.groups[-1] == result.groups[-1]
    finally:
        loaded.discard()
    assert all(p.birth_year == datetime.date(1991, 2, 1).year for p in loaded.groups)
