"""What a reader sees of the reports' texts, in every language: the indicators' names and
definitions, and each partner report's titles, columns, row labels and notes.

``labels_before.json`` holds what the code produced before the definitions and labels
moved into the gettext catalogues (``reports/locale``); the tests compare with it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook

from reports.generators import reports
from reports.indicators import registry
from reports.rendering import render

LANGS = ("en", "fr", "ar")
BEFORE = Path(__file__).with_name("labels_before.json")


def indicator_texts() -> dict:
    return {
        ind.code: {lang: {"name": ind.label(lang), "definition": ind.explain(lang)} for lang in LANGS}
        for ind in registry.all()
    }


def report_labels(start, end) -> dict:
    """Every generator built in every language (donor: for each donor) on the records."""
    out = {}
    for generator in reports.all():
        partners = generator.audience if generator.per_partner else [None]
        for partner in partners:
            key = f"{generator.code}:{partner}" if partner else generator.code
            out[key] = {}
            for lang in LANGS:
                data = generator.build(start, end, partner=partner, lang=lang)
                rows = list(csv.reader(io.StringIO(render(data, "csv").decode().lstrip("\ufeff"))))
                book = load_workbook(io.BytesIO(render(data, "xlsx")))
                sheet = book[book.sheetnames[-1]]
                out[key][lang] = {
                    "title": data.title,
                    "tables": [
                        {"key": tb.key, "title": tb.title, "columns": tb.columns, "rows": [str(r[0]) for r in tb.rows]}
                        for tb in data.tables
                    ],
                    "definitions": [list(d) for d in data.definitions],  # (code, name, definition)
                    "csv_period": rows[1][0],
                    "csv_last": rows[-1],
                    "xlsx_sheets": book.sheetnames,
                    "xlsx_definitions": [[c.value for c in row] for row in sheet.iter_rows(max_row=1)],
                }
    return out


def load_before() -> dict:
    return json.loads(BEFORE.read_text(encoding="utf-8"))


def dump_before(start, end) -> None:
    """Write ``labels_before.json`` (a report's definitions kept as their codes: their texts
    are the indicators')."""
    labels = report_labels(start, end)
    for langs in labels.values():
        for shown in langs.values():
            shown["definitions"] = [code for code, _name, _definition in shown["definitions"]]
    BEFORE.write_text(
        json.dumps({"indicators": indicator_texts(), "reports": labels}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
