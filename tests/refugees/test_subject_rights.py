"""Subject rights: per-person export (JSON, printable) and anonymisation, managers only."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from refugees.models import ProfileView, Refugee, RefugeeDocument, RefugeeNote
from refugees.services import consent_record, document_upload, note_add, refugee_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def test_a_manager_exports_one_persons_data(client_for, manager, rabat_refugee):
    note_add(refugee=rabat_refugee, by=manager, text="Met at intake")
    response = client_for(manager).get(reverse("refugees:subject_export", args=[rabat_refugee.pk]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["profile"]["unhcr_individual_number"] == rabat_refugee.unhcr_individual_number
    assert data["profile"]["first_name_ar"] == "أمينة"
    assert data["notes"][0]["text"] == "Met at intake"
    assert ProfileView.objects.filter(user=manager).exists()
    printable = client_for(manager).get(reverse("refugees:subject_print", args=[rabat_refugee.pk]))
    assert "Met at intake" in printable.content.decode()


@pytest.mark.parametrize("name", ["subject_export", "subject_print", "anonymise"])
def test_caseworkers_and_partners_cannot_use_subject_rights(client_for, caseworker, partner_unhcr, rabat_refugee, name):
    url = reverse(f"refugees:{name}", args=[rabat_refugee.pk])
    assert client_for(caseworker).get(url).status_code == 403
    assert client_for(partner_unhcr).get(url).status_code == 403


def test_it_anonymises_keeping_the_row_for_counts(client_for, manager, caseworker, rabat_refugee):
    refugee_update(refugee=rabat_refugee, by=caseworker, data={"phone": "+212698765432"})
    note_add(refugee=rabat_refugee, by=caseworker, text="Lives with her sister")
    consent_record(
        refugee=rabat_refugee,
        by=caseworker,
        purpose="participation",
        given_on=rabat_refugee.intake_date,
        notes="signed form",
    )
    pdf = SimpleUploadedFile("id.pdf", b"%PDF-1.4\n%%EOF\n")
    document_upload(refugee=rabat_refugee, by=caseworker, kind="id_card", upload=pdf, content_type="application/pdf")
    url = reverse("refugees:anonymise", args=[rabat_refugee.pk])
    client = client_for(manager)
    assert client.post(url, {}).status_code == 200  # the confirmation box is required
    assert client.post(url, {"confirm": "on"}).status_code == 302
    refugee = Refugee.objects.get(pk=rabat_refugee.pk)
    assert refugee.first_name_latin == refugee.last_name_latin == "ANONYMISED"
    assert refugee.unhcr_individual_number == f"ANON-{refugee.pk}"
    assert refugee.phone == refugee.first_name_ar == refugee.name_key == ""
    assert refugee.anonymised_at is not None
    assert refugee.sex == "F" and refugee.nationality == "SY" and refugee.birth_year == 1990
    assert not RefugeeNote.objects.exists() and not RefugeeDocument.objects.exists()
    history_values = set(
        Refugee.history.filter(id=refugee.pk).values_list("first_name_latin", "phone", "unhcr_individual_number")
    )
    assert all("Amina" not in v[0] and "+2126" not in v[1] for v in history_values)
    assert not RefugeeNote.history.filter(text__contains="sister").exists()
    assert not RefugeeDocument.history.filter(original_name="id.pdf").exists()
    latest = Refugee.history.filter(id=refugee.pk).first()
    assert latest.history_user == manager and latest.history_change_reason == "anonymised"
    assert client.post(url, {"confirm": "on"}).status_code == 403  # once only
    assert Refugee.objects.count() == 1


def test_anonymise_is_out_of_scope_for_partners(client_for, partner_unhcr, rabat_refugee):
    assert (
        client_for(partner_unhcr)
        .post(reverse("refugees:anonymise", args=[rabat_refugee.pk]), {"confirm": "on"})
        .status_code
        == 403
    )
    assert Refugee.objects.get().anonymised_at is None
