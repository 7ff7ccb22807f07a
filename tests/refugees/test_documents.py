"""Documents: type checked by content, private storage, access-checked download, audited delete."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from refugees.models import RefugeeDocument

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def _upload(client, refugee, name="id.pdf", content=PDF, kind="id_card"):
    return client.post(
        reverse("refugees:document_upload", args=[refugee.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def test_it_stores_a_pdf_privately_and_serves_it_to_the_office(client_for, caseworker, rabat_refugee, tmp_path):
    client = client_for(caseworker)
    assert _upload(client, rabat_refugee).status_code == 302
    doc = RefugeeDocument.objects.get()
    assert doc.content_type == "application/pdf"
    assert (tmp_path / doc.file.name).exists()
    response = client.get(reverse("refugees:document_download", args=[rabat_refugee.pk, doc.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"


def test_it_accepts_a_photo(client_for, caseworker, rabat_refugee):
    assert _upload(client_for(caseworker), rabat_refugee, name="p.png", content=PNG, kind="photo").status_code == 302


def test_it_refuses_a_file_whose_content_is_not_allowed(client_for, caseworker, rabat_refugee):
    response = _upload(client_for(caseworker), rabat_refugee, name="fake.pdf", content=b"MZ\x90\x00 not a pdf")
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not RefugeeDocument.objects.exists()


def test_it_refuses_a_too_large_file(client_for, caseworker, rabat_refugee, settings):
    settings.MAX_UPLOAD_MB = 1
    big = PDF + b"0" * (1024 * 1024 + 10)
    response = _upload(client_for(caseworker), rabat_refugee, content=big)
    assert "file" in response.context["form"].errors


def test_it_hides_documents_from_other_offices_and_partners(
    client_for, caseworker, other_caseworker, partner_unhcr, rabat_refugee
):
    _upload(client_for(caseworker), rabat_refugee)
    doc = RefugeeDocument.objects.get()
    url = reverse("refugees:document_download", args=[rabat_refugee.pk, doc.pk])
    assert client_for(other_caseworker).get(url).status_code == 404
    assert client_for(partner_unhcr).get(url).status_code == 403
    assert _upload(client_for(other_caseworker), rabat_refugee).status_code == 404


def test_it_does_not_serve_a_document_through_another_profile(client_for, caseworker, rabat_refugee, office_rabat):
    from tests.factories.refugees import RefugeeFactory

    other = RefugeeFactory(office=office_rabat)
    _upload(client_for(caseworker), other)
    doc = RefugeeDocument.objects.get()
    url = reverse("refugees:document_download", args=[rabat_refugee.pk, doc.pk])
    assert client_for(caseworker).get(url).status_code == 404


def test_a_deleted_document_keeps_an_audit_entry(
    client_for, caseworker, other_caseworker, rabat_refugee, tmp_path, django_capture_on_commit_callbacks
):
    client = client_for(caseworker)
    _upload(client, rabat_refugee)
    doc = RefugeeDocument.objects.get()
    url = reverse("refugees:document_delete", args=[rabat_refugee.pk, doc.pk])
    assert client_for(other_caseworker).post(url).status_code == 404
    client = client_for(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not RefugeeDocument.objects.exists()
    assert not (tmp_path / doc.file.name).exists()
    deleted = RefugeeDocument.history.get(history_type="-")
    assert deleted.history_user == caseworker
    assert deleted.original_name == "id.pdf"
    body = client.get(reverse("refugees:detail", args=[rabat_refugee.pk])).content.decode()
    assert 'data-kind="document"' in body
