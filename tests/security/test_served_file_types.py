"""A stored file is served with the type its bytes show, never the one its name claims:
a PDF stored as x.html is application/pdf (named x.pdf), an HTML page stored as x.pdf is
no text/html; every file has nosniff and no-store, and is an attachment unless a PDF or
an image is asked inline."""

import pytest
from django.core.files.base import ContentFile

from core.storage import private_storage, serve_private_file, served_type

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<html><script>alert(1)</script></html>"


class Stored:
    def __init__(self, name, content):
        self.storage = private_storage
        self.name = private_storage.save(name, ContentFile(content))


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def test_a_pdf_named_html_is_served_as_a_pdf():
    response = serve_private_file(Stored("x.html", PDF), inline=True)
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="x.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    response.file_to_stream.close()


def test_html_named_pdf_is_never_html_nor_inline():
    response = serve_private_file(Stored("y.pdf", HTML), inline=True)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    response.file_to_stream.close()


@pytest.mark.parametrize(
    "head,name,expected",
    [
        (PNG, "photo", ("image/png", "photo.png")),
        (PDF, "study.pdf", ("application/pdf", "study.pdf")),
        (b"a,b\n1,2\n", "run.csv", ("text/csv", "run.csv")),
        (b'{"a": 1}', "run.json", ("application/json", "run.json")),
        (HTML, "page.html", ("application/octet-stream", "page.html")),
    ],
)
def test_the_type_comes_from_the_content(head, name, expected):
    assert served_type(head, name) == expected
