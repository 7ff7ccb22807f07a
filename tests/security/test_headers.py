"""Headers: every page has a Content-Security-Policy with no inline script or style; every
response to a signed-in user is no-store; no template has an inline script, an event
attribute or a style attribute (the PDF-only templates drawn by WeasyPrint aside)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PDF_ONLY = {"minutes_print.html"}  # drawn by WeasyPrint, never served as a page


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


def _check_csp(response):
    csp = _csp(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert csp["script-src"] == "script-src 'self'"
    assert csp["style-src"] == "style-src 'self'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"


def test_the_login_page_has_the_policy_and_no_personal_data_cache_rule_needed(client):
    response = client.get(reverse("login"))
    _check_csp(response)


@pytest.mark.parametrize(
    "who,url_name",
    [
        ("manager", "home"),
        ("manager", "refugees:list"),
        ("manager", "reports:dashboard"),
        ("manager", "security_log"),
        ("caseworker", "funding:visits_due"),
        ("admin_user", "admin:index"),
    ],
)
def test_every_page_type_has_the_policy_and_no_store(request, client, who, url_name):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    _check_csp(response)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_profile_and_a_file_are_no_store(client_for, caseworker, settings, tmp_path):
    from django.core.files.base import ContentFile

    from refugees.models import RefugeeDocument
    from tests.factories.refugees import RefugeeFactory

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    person = RefugeeFactory(office=caseworker.office)
    doc = RefugeeDocument.objects.create(
        refugee=person,
        kind=RefugeeDocument.Kind.ID_CARD,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="id.pdf"),
        original_name="id.pdf",
        content_type="application/pdf",
        size=14,
        uploaded_by=caseworker,
    )
    client = client_for(caseworker)
    assert "no-store" in client.get(reverse("refugees:detail", args=[person.pk]))["Cache-Control"]
    response = client.get(reverse("refugees:document_download", kwargs={"pk": person.pk, "doc_pk": doc.pk}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    if getattr(response, "file_to_stream", None) is not None:
        response.file_to_stream.close()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_ATTR = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<style|\sstyle\s*=", re.I)


def test_no_template_has_inline_script_or_style():
    roots = [Path(settings.BASE_DIR) / "templates"] + [
        Path(settings.BASE_DIR) / app / "templates" for app in ("core", "refugees", "projects", "funding", "reports")
    ]
    found = []
    for root in roots:
        for path in root.rglob("*.html"):
            text = path.read_text()
            if INLINE_SCRIPT.search(text) or EVENT_ATTR.search(text):
                found.append(f"{path}: inline script")
            if path.name not in PDF_ONLY and STYLE.search(text):
                found.append(f"{path}: inline style")
    assert not found, "\n".join(found)
