"""An XLSX is read row by row: its declared dimension is not trusted, and the row cap is
enforced while reading."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from refugees.importing import parsing
from tests.refugees.importing import URL

pytestmark = pytest.mark.django_db
HEADER = [
    "unhcr_individual_number",
    "first_name_latin",
    "last_name_latin",
    "sex",
    "date_of_birth",
    "nationality",
    "legal_status",
    "referral_source",
    "intake_date",
]


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def xlsx(count: int, *, dimension: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for n in range(count):
        name = "Haddad" + "".join(chr(97 + int(d)) for d in str(n))
        ws.append([f"RAB-25C5{n:04d}", "Amina", name, "F", "1990-01-02", "SY", "refugee", "unhcr", "2025-11-02"])
    buf = io.BytesIO()
    wb.save(buf)
    if dimension is None:
        return buf.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data)
                assert n == 1
            dst.writestr(item, data)
    return out.getvalue()


def preview(client, content: bytes):
    return client.post(URL, {"file": SimpleUploadedFile("people.xlsx", content)}).context["result"]


def test_a_sheet_claiming_a_million_rows_and_holding_three_is_read_as_three(client_for, caseworker):
    result = preview(client_for(caseworker), xlsx(3, dimension="A1:XFD1048576"))
    assert result.valid, (result.file_errors, result.error_rows)
    assert result.row_count == 3


def test_more_rows_than_the_cap_are_refused_whatever_the_dimension_says(client_for, caseworker, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ROWS", 20)
    monkeypatch.setattr(parsing, "MAX_READ_ROWS", 100)
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    assert preview(client, xlsx(20)).valid
    for content in (xlsx(21), xlsx(21, dimension="A1:I3")):
        result = preview(client, content)
        assert not result.valid
        assert result.file_errors == ["The file has more than 20 rows."]


def test_reading_stops_at_the_cap(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ROWS", 20)
    seen = 0
    rows_of = parsing._xlsx_rows

    def counting(source):
        nonlocal seen
        for row in rows_of(source):
            seen += 1
            yield row

    monkeypatch.setattr(parsing, "_xlsx_rows", counting)
    _header, rows = parsing.read_rows(xlsx(500), "xlsx")
    with pytest.raises(parsing.ImportFileError):
        list(rows)
    assert seen == 22  # the header, 20 rows and the one too many: the rest is never read
