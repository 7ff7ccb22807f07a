"""Printable minutes in the user's language, as HTML and as a PDF."""

import io
import unicodedata
from decimal import Decimal

import pytest
from pypdf import PdfReader

from projects import services
from projects.models import CommitteeDecision

pytestmark = pytest.mark.django_db


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFKC", text)  # Arabic presentation forms back to letters


@pytest.fixture
def decided(scored_item, chair):
    services.decision_record(
        item=scored_item, by=chair, decision=CommitteeDecision.Decision.APPROVED, approved_amount=Decimal("6000")
    )
    return scored_item


def test_the_minutes_pdf_names_the_project(decided, chair, client_for):
    client = client_for(chair)
    client.cookies["django_language"] = "fr"
    response = client.get(f"/projects/committee/{decided.sitting_id}/minutes.pdf")
    assert response.status_code == 200
    text = _pdf_text(response)
    assert "Atelier de couture Amal" in text
    assert decided.project.reference in text


def test_the_minutes_pdf_in_arabic(decided, chair, client_for):
    client = client_for(chair)
    client.cookies["django_language"] = "ar"
    response = client.get(f"/projects/committee/{decided.sitting_id}/minutes.pdf")
    assert response.status_code == 200
    assert "-ar.pdf" in response["Content-Disposition"]
    text = _pdf_text(response)
    assert "Atelier de couture Amal" in text
    assert "محضر" in text and "المصادقة" in text  # "Minutes of the validation committee ..."
    html = client.get(f"/projects/committee/{decided.sitting_id}/minutes/").content.decode()
    assert 'dir="rtl"' in html


def test_the_minutes_html_shows_scores_and_decision(decided, manager, client_for):
    response = client_for(manager).get(f"/projects/committee/{decided.sitting_id}/minutes/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Atelier de couture Amal" in body
    assert "7,00/10" in body  # French number format (the default language)


def test_a_caseworker_and_a_partner_cannot_read_the_minutes(decided, caseworker, partner_unhcr, client_for):
    for user in (caseworker, partner_unhcr):
        assert client_for(user).get(f"/projects/committee/{decided.sitting_id}/minutes.pdf").status_code == 403


def test_a_committee_member_of_another_sitting_gets_404(decided, client_for):
    from core.roles import Role
    from tests.factories.core import make_user

    stranger = make_user(Role.COMMITTEE_MEMBER, username="committee.stranger")
    assert client_for(stranger).get(f"/projects/committee/{decided.sitting_id}/minutes/").status_code == 404
