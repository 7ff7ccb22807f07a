"""Import files uploaded for a preview and never confirmed are deleted after a configurable age."""

import logging
import os
import time

import pytest

from config.celery import app
from refugees.models import Refugee
from refugees.tasks import discard_abandoned_imports
from tests.refugees.importing import CONFIRM, URL, csv_upload, preview_token

pytestmark = pytest.mark.django_db
CSV = (
    "unhcr_individual_number,first_name_latin,last_name_latin,sex,date_of_birth,nationality,legal_status,"
    "referral_source,intake_date\n"
    "RAB-25C30001,Amina,Haddad,F,1990-01-01,SY,refugee,unhcr,2025-11-02\n"
)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.REFUGEE_IMPORT_UPLOAD_MAX_AGE_HOURS = 24
    return tmp_path


def _preview(client) -> str:
    return preview_token(client.post(URL, {"file": csv_upload(*CSV.splitlines())}))


def _age(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_old_unconfirmed_uploads_are_deleted_fresh_ones_kept(client_for, caseworker, manager, private_root, caplog):
    old_token = _preview(client_for(caseworker))
    fresh_token = _preview(client_for(manager))
    old = private_root / "imports" / str(caseworker.pk) / f"{old_token}.csv"
    fresh = private_root / "imports" / str(manager.pk) / f"{fresh_token}.csv"
    assert old.exists() and fresh.exists()
    _age(old, 25)
    _age(fresh, 23)
    document = private_root / "refugees" / "1" / "abc"
    document.parent.mkdir(parents=True)
    document.write_bytes(b"%PDF-1.4")
    _age(document, 1000)

    with caplog.at_level(logging.INFO, logger="refugees.importing"):
        assert discard_abandoned_imports.apply().get() == 1
    assert not old.exists() and not old.parent.exists()  # the emptied folder goes too
    assert fresh.exists()
    assert document.exists()  # only import uploads are concerned
    assert any(old_token in r.getMessage() and str(caseworker.pk) in r.getMessage() for r in caplog.records)
    # idempotent
    assert discard_abandoned_imports.apply().get() == 0
    assert fresh.exists()


def test_a_discarded_upload_cannot_be_confirmed(client_for, caseworker, private_root):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    token = _preview(client)
    _age(private_root / "imports" / str(caseworker.pk) / f"{token}.csv", 48)
    discard_abandoned_imports.apply()
    response = client.post(CONFIRM, {"token": token}, follow=True)
    assert "This import has expired" in response.content.decode()
    assert not Refugee.objects.exists()


def test_the_age_is_a_setting(client_for, caseworker, private_root, settings):
    settings.REFUGEE_IMPORT_UPLOAD_MAX_AGE_HOURS = 1
    token = _preview(client_for(caseworker))
    path = private_root / "imports" / str(caseworker.pk) / f"{token}.csv"
    _age(path, 2)
    assert discard_abandoned_imports.apply().get() == 1
    assert not path.exists()


def test_nothing_to_clean_is_fine(private_root):
    assert discard_abandoned_imports.apply().get() == 0


def test_it_is_in_the_beat_schedule():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "refugees.tasks.discard_abandoned_imports" in tasks
