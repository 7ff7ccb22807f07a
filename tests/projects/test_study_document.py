"""The feasibility study's document: checked by content, private, served after the access check."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import FeasibilityStudy

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _data(**extra):
    data = {
        "market": "Busy street",
        "competition": "Two tailors",
        "expected_monthly_revenue": "5000",
        "expected_monthly_costs": "2500",
        "opinion": "favourable",
        "opinion_text": "",
    }
    data.update(extra)
    return data


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def test_it_saves_the_study_and_serves_the_document_to_the_office(draft, client_for, caseworker, other_caseworker):
    client = client_for(caseworker)
    upload = SimpleUploadedFile("study.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/projects/{draft.pk}/study/", {**_data(), "document": upload})
    assert response.status_code == 302
    study = FeasibilityStudy.objects.get(project=draft)
    assert study.document.name
    got = client.get(f"/projects/{draft.pk}/study/document/")
    assert got.status_code == 200 and got["Cache-Control"] == "private, no-store"
    # Saved as a PDF (the stored name has no extension: the type comes from the bytes).
    assert got["Content-Type"] == "application/pdf"
    assert f'filename="{draft.reference}-study.pdf"' in got["Content-Disposition"]
    assert b"".join(got.streaming_content).startswith(b"%PDF")
    assert client_for(other_caseworker).get(f"/projects/{draft.pk}/study/document/").status_code == 404


def test_it_refuses_a_file_that_is_not_a_document(draft, client_for, caseworker):
    upload = SimpleUploadedFile("study.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client_for(caseworker).post(f"/projects/{draft.pk}/study/", {**_data(), "document": upload})
    assert response.status_code == 200
    assert "document" in response.context["form"].errors
    assert not FeasibilityStudy.objects.exists()


def test_negative_expectations_are_refused(draft, client_for, caseworker):
    response = client_for(caseworker).post(f"/projects/{draft.pk}/study/", _data(expected_monthly_costs="-1"))
    assert response.status_code == 200 and response.context["form"].errors


def test_a_partner_cannot_download(draft, client_for, partner_unhcr):
    assert client_for(partner_unhcr).get(f"/projects/{draft.pk}/study/document/").status_code == 403
