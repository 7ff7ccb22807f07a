"""Turn a ``ReportData`` into bytes: JSON, CSV, XLSX (openpyxl) or PDF (WeasyPrint)."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from html import escape

from django.utils import formats, translation

from core.security.cells import neutralise_row, xlsx_text
from reports.generators import labels
from reports.generators.data import ReportData, Table
from reports.generators.labels import t

FORMATS = ("json", "csv", "xlsx", "pdf")


def decimal_text(value: Decimal) -> str:
    """The exact text of a Decimal, with its own decimals: an amount "5022800.00", a rate "12.5"."""
    return f"{value:f}"


class ReportJSONEncoder(json.JSONEncoder):
    """Writes a Decimal as an exact string ("5022800.00"), never as a binary float."""

    def default(self, o):
        if isinstance(o, Decimal):
            return decimal_text(o)
        return super().default(o)


def jsonable(value):
    """``value`` with every Decimal as its exact string: what a JSONField can store."""
    return json.loads(json.dumps(value, cls=ReportJSONEncoder))


def render(data: ReportData, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt}")
    return {"json": to_json, "csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}[fmt](data)


def to_json(data: ReportData) -> bytes:
    body = {
        **data.figures,
        "_report": {
            "code": data.code,
            "partner": data.partner,
            "start": data.start.isoformat(),
            "end": data.end.isoformat(),
            "lang": data.lang,
            "suppressed": data.suppressed,
        },
        "_tables": [tb.as_dict() for tb in data.tables],
    }
    return json.dumps(body, ensure_ascii=False, indent=2, cls=ReportJSONEncoder).encode()


class _SafeWriter:
    """A csv writer whose every text cell is neutralised (core.security.cells): a label, an
    agreement reference or a name typed as ``=...`` stays text when the file is opened."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row) -> None:
        self._writer.writerow(neutralise_row(row))

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def to_csv(data: ReportData) -> bytes:
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow([data.title])
    writer.writerow([t(labels.PERIOD, data.lang), data.start.isoformat(), data.end.isoformat()])
    for table in data.tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows([[decimal_text(v) if isinstance(v, Decimal) else v for v in row] for row in table.rows])
    if data.suppressed:
        writer.writerow([])
        writer.writerow([t(labels.SUPPRESSED_NOTE, data.lang)])
    return ("\ufeff" + out.getvalue()).encode()  # BOM: Excel opens UTF-8 Arabic correctly


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:25]}~{n}"
        n += 1
    used.add(name)
    return name


def to_xlsx(data: ReportData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    rtl = data.lang == "ar"
    for table in data.tables:
        ws = wb.create_sheet(_sheet_name(table.title, used))
        ws.sheet_view.rightToLeft = rtl
        ws.append([table.title])
        ws["A1"].font = Font(bold=True)
        ws.append([t(labels.PERIOD, data.lang), data.start.isoformat(), data.end.isoformat()])
        ws.append([])
        ws.append(table.columns)
        for cell in ws[4]:
            cell.font = Font(bold=True)
        for row in table.rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, Decimal):
                    cell.number_format = _xlsx_format(cell.value)
        if data.suppressed:
            ws.append([])
            ws.append([t(labels.SUPPRESSED_NOTE, data.lang)])
        ws.column_dimensions["A"].width = 42
    ws = wb.create_sheet(_sheet_name(t(labels.DEFINITIONS, data.lang), used))
    ws.sheet_view.rightToLeft = rtl
    ws.append([t(labels.CODE, data.lang), t(labels.INDICATOR, data.lang), t(labels.DEFINITION, data.lang)])
    for code, name, definition in data.definitions:
        ws.append([code, name, definition])
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 100
    for sheet in wb.worksheets:  # text typed as "=..." is stored as text, never as a formula
        for row in sheet.iter_rows():
            xlsx_text(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_format(value: Decimal) -> str:
    """``#,##0.00`` for an amount (two decimals), ``#,##0.0`` for a rate to a tenth."""
    places = max(0, -int(value.as_tuple().exponent))
    return "#,##0" + ("." + "0" * places if places else "")


def bar_chart_html(table: Table, *, lang: str = "en") -> str:
    """A horizontal bar chart of a two-column table (label, value), laid out as HTML.

    The labels are text the layout engine sets (WeasyPrint for the PDF, the browser for the
    HTML file): they wrap inside their column and follow the language's direction, so a long
    Arabic or French label is drawn whole (an SVG ``<text>`` is never wrapped and was clipped
    at the chart's edge). Bars are widths in % of the largest value: pixels only, the value
    printed beside each bar stays exact."""
    rows = [(str(r[0]), r[1]) for r in table.rows if isinstance(r[1], int | Decimal) and not isinstance(r[1], bool)]
    if not rows:
        return ""
    top = float(max(v for _l, v in rows)) or 1.0
    body = "".join(
        f'<tr><th scope="row" class="bar-label">{escape(label)}</th>'
        f'<td class="bar-cell"><span class="bar" style="width: {max(0.5, 80 * float(value) / top):.1f}%"></span>'
        f'<span class="bar-value">{escape(_fmt(value, lang))}</span></td></tr>'
        for label, value in rows
    )
    return f'<table class="chart" role="img" aria-label="{escape(table.title)}"><tbody>{body}</tbody></table>'


REPORT_CSS = """@page { size: A4; margin: 18mm 15mm; }
body { font-family: "Noto Naskh Arabic", "Noto Sans", sans-serif; font-size: 10pt; color: #222; }
h1 { font-size: 16pt; margin: 0 0 4pt; }
h2 { font-size: 12pt; margin: 14pt 0 4pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: start; }
td { text-align: end; }
thead th { background: #eef2f7; }
.note { font-size: 8pt; color: #555; }
dt { font-weight: bold; margin-top: 4pt; }
table.chart { margin: 4pt 0 8pt; table-layout: fixed; }
table.chart th, table.chart td { border: none; padding: 1pt 4pt; vertical-align: middle; }
table.chart th.bar-label { width: 38%; font-weight: normal; text-align: start; overflow-wrap: break-word; }
table.chart td.bar-cell { text-align: start; white-space: nowrap; }
table.chart .bar { display: inline-block; height: 9pt; background: #0d6efd; vertical-align: middle; }
table.chart .bar-value { padding-inline-start: 3pt; unicode-bidi: isolate; direction: ltr; }
"""


def to_html(data: ReportData) -> str:
    rtl = data.lang == "ar"
    chart_table = data.chart_table()
    chart = bar_chart_html(chart_table, lang=data.lang) if chart_table else ""
    sections = []
    for table in data.tables:
        head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in table.columns)
        body = "".join(
            "<tr>"
            + f'<th scope="row">{_isolated(str(row[0]), rtl)}</th>'
            + "".join(f"<td>{_isolated(_fmt(v, data.lang), rtl)}</td>" for v in row[1:])
            + "</tr>"
            for row in table.rows
        )
        figure = chart if table is chart_table else ""
        sections.append(
            f"<section><h2>{escape(table.title)}</h2>{figure}"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>"
        )
    definitions = "".join(
        f"<dt>{escape(name)} <small>({escape(code)})</small></dt><dd>{escape(text)}</dd>"
        for code, name, text in data.definitions
    )
    note = f'<p class="note">{escape(t(labels.SUPPRESSED_NOTE, data.lang))}</p>' if data.suppressed else ""
    period = f"<bdi>{_date(data.start, data.lang)}</bdi> – <bdi>{_date(data.end, data.lang)}</bdi>"
    return f"""<!doctype html>
<html lang="{data.lang}" dir="{"rtl" if rtl else "ltr"}"><head><meta charset="utf-8">
<title>{escape(data.title)}</title>
<style>
{REPORT_CSS}</style></head><body>
<h1>{escape(data.title)}</h1>
<p>{escape(t(labels.PERIOD, data.lang))}: {period}</p>
{"".join(sections)}
{note}
<h2>{escape(t(labels.DEFINITIONS, data.lang))}</h2><dl>{definitions}</dl>
</body></html>"""


def _fmt(value, lang: str = "en") -> str:
    """A number as the report's language writes it, grouped by thousands, with every decimal
    place it has: 5,022,800.00 (en), 5 022 800,00 (fr), 5.022.800,00 (ar); a rate keeps its
    tenth. What a cell is stays exact: this is its printed form only (CSV, XLSX and JSON
    carry the value itself)."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        places = max(0, -int(value.as_tuple().exponent)) if isinstance(value, Decimal) else 0
        with translation.override(lang):
            return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return str(value)


_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def _isolated(text: str, rtl: bool) -> str:
    """In an Arabic report, a cell with no Arabic letter ("60+", "<5", "18-59", 5.022,00) is
    a left-to-right run: isolated (LRI ... PDI, which WeasyPrint honours in a table cell where
    it ignores ``<bdi dir="ltr">``), so the bidi algorithm never turns "60+" into "+60"."""
    if rtl and not _ARABIC.search(text):
        return f"\u2066{escape(text)}\u2069"
    return escape(text)


def _date(value, lang: str) -> str:
    """A period's date in the report's language (1 janvier 2019), never ISO in the prose."""
    with translation.override(lang):
        return escape(formats.date_format(value, "DATE_FORMAT"))


def to_pdf(data: ReportData) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(data)).write_pdf()
