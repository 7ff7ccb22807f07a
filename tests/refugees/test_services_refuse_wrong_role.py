"""Every writing service of the registry refuses, by itself, what its view refuses.

Called directly (as from a shell, a task or the API) by a committee member, a partner
officer or an admin, or with a profile of another office, each raises ``PermissionDenied``
and writes nothing. ``refugee_refresh_status`` is internal (no acting user) and not here.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from refugees import services
from refugees.importing import import_commit, validate_import
from refugees.models import Consent, ProfileView, Refugee, RefugeeDocument, RefugeeNote

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WRONG_ROLES = ["committee_member", "partner_unhcr", "admin_user"]
# A wrong role, or a caseworker of another office than the Rabat profile's.
OUTSIDERS = [*WRONG_ROLES, "other_caseworker"]
IMPORT_HEADER = (
    "unhcr_individual_number,first_name_latin,last_name_latin,sex,nationality,date_of_birth,intake_date,"
    "legal_status,referral_source"
)
IMPORT_ROW = "RAB-25C07001,Salma,Bennani,F,SY,1990-01-01,2025-06-01,refugee,unhcr"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def registration(office_rabat) -> dict:
    return {
        "unhcr_individual_number": "RAB-25C07000",
        "first_name_latin": "Salma",
        "last_name_latin": "Bennani",
        "sex": "F",
        "date_of_birth": datetime.date(1990, 1, 1),
        "nationality": "SY",
        "legal_status": "refugee",
        "referral_source": "unhcr",
        "intake_date": datetime.date(2025, 6, 1),
        "office": office_rabat,
    }


@pytest.fixture
def consent(rabat_refugee, caseworker):
    return services.consent_record(
        refugee=rabat_refugee, by=caseworker, purpose=Consent.Purpose.PARTICIPATION, given_on=datetime.date(2025, 6, 1)
    )


@pytest.fixture
def document(rabat_refugee, caseworker):
    return services.document_upload(
        refugee=rabat_refugee,
        by=caseworker,
        kind="id_card",
        upload=SimpleUploadedFile("id.pdf", PDF),
        content_type="application/pdf",
    )


def _user(request, persona):
    return request.getfixturevalue(persona)


def test_the_right_people_may_register(caseworker, manager, registration):
    assert services.refugee_register(by=caseworker, data=registration).pk
    registration["unhcr_individual_number"] = "RAB-25C07002"
    assert services.refugee_register(by=manager, data=registration).pk


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_a_registration(request, persona, registration):
    with pytest.raises(PermissionDenied):
        services.refugee_register(by=_user(request, persona), data=registration)
    assert not Refugee.objects.exists()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_an_update(request, persona, rabat_refugee):
    with pytest.raises(PermissionDenied):
        services.refugee_update(refugee=rabat_refugee, by=_user(request, persona), data={"first_name_latin": "Other"})
    rabat_refugee.refresh_from_db()
    assert rabat_refugee.first_name_latin == "Amina"


def test_it_refuses_a_caseworker_moving_a_profile_out_of_their_office(caseworker, rabat_refugee, office_oujda):
    with pytest.raises(PermissionDenied):
        services.refugee_update(refugee=rabat_refugee, by=caseworker, data={"office": office_oujda})
    rabat_refugee.refresh_from_db()
    assert rabat_refugee.office.code == "rabat"


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_to_log_a_profile_view(request, persona, rabat_refugee):
    with pytest.raises(PermissionDenied):
        services.profile_view_record(refugee=rabat_refugee, by=_user(request, persona))
    assert not ProfileView.objects.exists()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_a_note(request, persona, rabat_refugee):
    with pytest.raises(PermissionDenied):
        services.note_add(refugee=rabat_refugee, by=_user(request, persona), text="A note")
    assert not RefugeeNote.objects.exists()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_a_consent(request, persona, rabat_refugee):
    with pytest.raises(PermissionDenied):
        services.consent_record(
            refugee=rabat_refugee,
            by=_user(request, persona),
            purpose=Consent.Purpose.PARTICIPATION,
            given_on=datetime.date(2025, 6, 1),
        )
    assert not Consent.objects.exists()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_a_withdrawal(request, persona, consent):
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(consent=consent, by=_user(request, persona), on=datetime.date(2025, 7, 1))
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_a_document(request, persona, rabat_refugee):
    with pytest.raises(PermissionDenied):
        services.document_upload(
            refugee=rabat_refugee,
            by=_user(request, persona),
            kind="id_card",
            upload=SimpleUploadedFile("id.pdf", PDF),
            content_type="application/pdf",
        )
    assert not RefugeeDocument.objects.exists()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_to_delete_a_document(request, persona, document):
    with pytest.raises(PermissionDenied):
        services.document_delete(document=document, by=_user(request, persona))
    assert RefugeeDocument.objects.filter(pk=document.pk).exists()
    assert document.file.storage.exists(document.file.name)


@pytest.mark.parametrize("persona", [*OUTSIDERS, "caseworker"])
def test_it_refuses_an_anonymisation_but_to_a_manager(request, persona, rabat_refugee):
    with pytest.raises(PermissionDenied):
        services.refugee_anonymise(refugee=rabat_refugee, by=_user(request, persona))
    rabat_refugee.refresh_from_db()
    assert rabat_refugee.anonymised_at is None
    assert rabat_refugee.first_name_latin == "Amina"


def test_it_refuses_every_change_to_an_anonymised_profile(caseworker, manager, rabat_refugee):
    services.refugee_anonymise(refugee=rabat_refugee, by=manager)
    rabat_refugee.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.note_add(refugee=rabat_refugee, by=caseworker, text="A note")
    with pytest.raises(PermissionDenied):
        services.refugee_update(refugee=rabat_refugee, by=manager, data={"first_name_latin": "Other"})
    assert not RefugeeNote.objects.exists()
    rabat_refugee.refresh_from_db()
    assert rabat_refugee.first_name_latin == services.ANONYMISED


@pytest.mark.parametrize("persona", WRONG_ROLES)
def test_it_refuses_an_import(request, persona, manager, office_rabat):
    content = f"{IMPORT_HEADER}\n{IMPORT_ROW}\n".encode()
    user = _user(request, persona)
    with pytest.raises(PermissionDenied):
        validate_import(user=user, content=content, ext="csv")
    result = validate_import(user=manager, content=content, ext="csv")
    assert result.valid
    with pytest.raises(PermissionDenied):
        import_commit(user=user, result=result, confirm_different=True)
    assert not Refugee.objects.exists()


def test_it_refuses_to_commit_rows_of_another_office(manager, other_caseworker, office_rabat):
    """A result checked for a manager (Rabat rows) committed by a caseworker of Oujda."""
    result = validate_import(user=manager, content=f"{IMPORT_HEADER},office\n{IMPORT_ROW},rabat\n".encode(), ext="csv")
    assert result.valid
    with pytest.raises(PermissionDenied):
        import_commit(user=other_caseworker, result=result, confirm_different=True)
    assert not Refugee.objects.exists()
    assert import_commit(user=manager, result=result, confirm_different=True)
