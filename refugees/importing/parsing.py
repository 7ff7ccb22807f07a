"""Reading a spreadsheet (CSV or the first sheet of an XLSX) into a header and rows of text."""

import csv
import datetime
import io

from django.utils.translation import gettext as _

MAX_ROWS = 20000
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


def read_rows(content: bytes, ext: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the file: names lower-cased with ``_`` for spaces, empty rows dropped.

    ``ImportFileError`` when it cannot be read, is empty, misses a required column or has
    more than ``MAX_ROWS`` rows.
    """
    if ext == "xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise ImportFileError(_("This Excel file cannot be read.")) from exc
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise ImportFileError(_("The workbook has no sheet."))
        raw = []
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            if i > MAX_ROWS + 1:
                raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
            raw.append([_cell(v) for v in row])
        wb.close()
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The CSV file must be saved as UTF-8.")) from exc
        text = text.replace("\x00", "")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            raw = [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text), dialect)]
        except csv.Error as exc:
            raise ImportFileError(_("The CSV file cannot be read.")) from exc
        if len(raw) > MAX_ROWS + 1:
            raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    raw = [r for r in raw if any(c for c in r)]
    if not raw:
        raise ImportFileError(_("The file is empty."))
    header = [h.strip().lower().replace(" ", "_") for h in raw[0]]
    missing = sorted(REQUIRED_COLUMNS - set(header))
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    return header, raw[1:]
