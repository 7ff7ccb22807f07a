"""Reading a spreadsheet (CSV or the first sheet of an XLSX) into a header and rows of text.

The rows are streamed: :func:`read_rows` returns the header and an iterator, and the row
cap (``MAX_ROWS``) is enforced while reading, never from what the file declares (an XLSX
sheet's ``dimension`` can claim a million rows and hold three, or the reverse).
"""

import csv
import datetime
import hashlib
import io
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

MAX_ROWS = 20000
# Rows read at most, empty ones included (a sheet of a million empty rows is refused too).
MAX_READ_ROWS = 5 * MAX_ROWS
# The columns a file must have (every row also needs an intake date and a birth date or year:
# the row rules, ``refugees.importing.rules``).
REQUIRED_COLUMNS = {"unhcr_individual_number", "first_name_latin", "last_name_latin", "sex", "nationality"}


class ImportFileError(Exception):
    """The file cannot be read at all (wrong format, no header, too many rows)."""


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\x00", "").strip()


def as_binary(source: bytes | BinaryIO) -> BinaryIO:
    """A seekable binary file for ``source`` (bytes are wrapped, not copied)."""
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(source)
    return source


def file_checksum(source: BinaryIO) -> str:
    """The SHA-256 of the whole file, read in chunks; the file is rewound."""
    digest = hashlib.sha256()
    source.seek(0)
    for chunk in iter(lambda: source.read(1 << 20), b""):
        digest.update(chunk)
    source.seek(0)
    return digest.hexdigest()


def _too_many() -> ImportFileError:
    return ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})


def _xlsx_rows(source: BinaryIO) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:
        raise ImportFileError(_("This Excel file cannot be read.")) from exc
    ws = wb.worksheets[0] if wb.worksheets else None
    if ws is None:
        raise ImportFileError(_("The workbook has no sheet."))
    # The declared dimension is not trusted: read-only mode would pad every row to its
    # width and the sheet to its height. Without it, only the stored cells are read.
    ws.reset_dimensions()

    def rows() -> Iterator[list[str]]:
        try:
            for row in ws.iter_rows(values_only=True):
                yield [_cell(v) for v in row]
        except ImportFileError:
            raise
        except Exception as exc:
            raise ImportFileError(_("This Excel file cannot be read.")) from exc
        finally:
            wb.close()

    return rows()


def _csv_rows(source: BinaryIO) -> Iterator[list[str]]:
    source.seek(0)
    head = source.read(4096)
    source.seek(0)
    sample = head.decode("utf-8-sig", errors="ignore")  # for the sniffer only: the rows say if it is UTF-8
    try:
        dialect = csv.Sniffer().sniff(sample.replace("\x00", ""), delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")

    def rows() -> Iterator[list[str]]:
        try:
            for row in csv.reader((line.replace("\x00", "") for line in text), dialect):
                yield [v.strip() for v in row]  # _cell of a CSV cell: text, its NULs already gone
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The CSV file must be saved as UTF-8.")) from exc
        except csv.Error as exc:
            raise ImportFileError(_("The CSV file cannot be read.")) from exc
        finally:
            text.detach()  # the caller's file stays open

    return rows()


def _capped(raw: Iterator[list[str]]) -> Iterator[list[str]]:
    """The non-empty rows, refusing the file as soon as it passes the cap."""
    kept = read = 0
    for row in raw:
        read += 1
        if read > MAX_READ_ROWS:
            raise _too_many()
        if not any(row):
            continue
        kept += 1
        if kept > MAX_ROWS + 1:  # the header and MAX_ROWS rows
            raise _too_many()
        yield row


def read_rows(source: bytes | BinaryIO, ext: str) -> tuple[list[str], Iterator[list[str]]]:
    """(header, rows) of the file: names lower-cased with ``_`` for spaces, empty rows dropped.

    ``source`` is the content or a seekable binary file. The rows are an iterator: reading
    them can raise ``ImportFileError`` too (more than ``MAX_ROWS`` rows, a broken file).
    ``ImportFileError`` at once when it cannot be read, is empty or misses a required column.
    """
    source = as_binary(source)
    raw = _xlsx_rows(source) if ext == "xlsx" else _csv_rows(source)
    rows = _capped(raw)
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_("The file is empty."))
    header = [h.strip().lower().replace(" ", "_") for h in first]
    missing = sorted(REQUIRED_COLUMNS - set(header))
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    return header, rows
