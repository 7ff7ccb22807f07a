"""Spreadsheet cells that cannot run (CSV and formula injection, OWASP).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by Excel, LibreOffice and Google Sheets when a CSV is opened. Every CSV Sanad
writes passes its cells through :func:`neutralise` (an apostrophe in front: the value
shows as typed and is never computed). An XLSX cell is stored as text: :func:`xlsx_text`
turns back a cell openpyxl took for a formula, so the value stays exact and inert.
"""

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("-500.00", a reversal's amount) is data, not a formula: left as it is.
PLAIN_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")


def neutralise(value: Any) -> Any:
    """``value`` itself, or, for text a spreadsheet would compute, the text after a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_row(row) -> list:
    return [neutralise(v) for v in row]


def xlsx_text(cells) -> None:
    """Store as plain text every cell of ``cells`` that openpyxl would write as a formula."""
    for cell in cells:
        if cell.data_type == "f":
            cell.data_type = "s"
