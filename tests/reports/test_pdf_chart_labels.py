"""Every chart label of a partner PDF is drawn whole, inside the chart, in ar, fr and en.

Read from the PDF's own layout (WeasyPrint's boxes, the positions and widths it draws the
text at), not from the PDF's text: the Arabic UNHCR key-figures chart used to show only the
first letter of each label, the rest clipped at the chart's edge, while the text layer still
held the whole label.
"""

import datetime
import re

import pytest
from weasyprint import HTML

from reports.generators.data import Table
from reports.rendering import REPORT_CSS, bar_chart_html, to_html
from reports.services import build_report_data
from tests.reports.test_report_formats import PARTNERS, programme  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
S, E = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)
LANGS = ["ar", "fr", "en"]


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def _drawn_labels(html: str) -> list[tuple[str, list]]:
    """For each chart label cell: the text drawn in it and the text boxes it is drawn as,
    with the chart's box, from the laid-out pages."""
    found = []
    for page in HTML(string=html).render().pages:
        for chart in page._page_box.descendants():
            if "chart" not in _classes(chart) or type(chart).__name__ != "TableBox":
                continue
            for cell in chart.descendants():
                if "bar-label" not in _classes(cell) or type(cell).__name__ != "TableCellBox":
                    continue
                texts = [b for b in cell.descendants() if type(b).__name__ == "TextBox"]
                found.append((cell, chart, texts))
    return found


def _assert_whole_and_inside(html: str, expected: list[str]) -> None:
    drawn = _drawn_labels(html)
    assert [" ".join(t.text for t in texts) for _c, _ch, texts in drawn], "no chart label was drawn"
    words = [re.sub(r"\s+", " ", " ".join(t.text for t in texts)).strip() for _c, _ch, texts in drawn]
    assert words == [re.sub(r"\s+", " ", label).strip() for label in expected]
    for cell, chart, texts in drawn:
        left, right = chart.position_x, chart.position_x + chart.margin_width()
        for text in texts:
            assert text.width > 0
            assert left - 0.5 <= text.position_x, (text.text, text.position_x, left)
            assert text.position_x + text.width <= right + 0.5, (text.text, text.position_x + text.width, right)
            # and inside its own column: never under the bars
            assert cell.content_box_x() - 0.5 <= text.position_x
            assert text.position_x + text.width <= cell.content_box_x() + cell.width + 0.5


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", list(PARTNERS))
def test_every_chart_label_of_each_partner_pdf_is_drawn_whole(programme, code, lang):  # noqa: F811
    data = build_report_data(code=code, start=S, end=E, lang=lang, partner=PARTNERS[code])
    chart = data.chart_table()
    assert chart is not None
    labels = [str(r[0]) for r in chart.rows if type(r[1]).__name__ in ("int", "Decimal")]
    _assert_whole_and_inside(to_html(data), labels)


@pytest.mark.parametrize("lang", LANGS)
def test_a_label_longer_than_its_column_wraps_instead_of_being_cut(lang):
    long = {
        "ar": "المشاريع التي لا تزال تعمل بعد اثني عشر شهرًا من الصرف الأول للمنحة لدى جميع المكاتب",
        "fr": "Entreprises toujours actives après douze mois depuis le premier versement de la subvention",
        "en": "Businesses still operating twelve months after the first payment of their grant, every office",
    }[lang]
    table = Table(key="k", title="Key figures", columns=["", ""], rows=[[long, 12], ["x", 3]], chart=True)
    html = (
        f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"><head><style>'
        + REPORT_CSS
        + "</style></head><body>"
        + bar_chart_html(table, lang=lang)
        + "</body></html>"
    )
    drawn = _drawn_labels(html)
    assert len({round(t.position_y) for t in drawn[0][2]}) >= 2  # set on two lines or more
    _assert_whole_and_inside(html, [long, "x"])
