"""Money is Decimal, never float: figures, tables, every format and the dashboard series."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from openpyxl import load_workbook

from reports.generators import reports
from reports.indicators import HEADLINE
from reports.rendering import jsonable, to_html
from reports.selectors import disbursements_by_donor, report_run_changes
from reports.services import build_report_bytes
from tests.factories.reports import agreement, done_run, financed_project, pay, visit

pytestmark = pytest.mark.django_db
S, E = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)
TOTAL = Decimal("5022800.00")  # 5,022,799.00 + ten payments of 0.10


@pytest.fixture
def disbursed(db):
    eu = agreement("eu", reference="EU-MA-2018-01")
    project = financed_project(datetime.date(2019, 4, 1), agreements=[eu], amount="5022799.00")
    for n in range(10):
        pay(project.grants.get(), datetime.date(2019, 5, 1 + n), "0.10", agreements=[eu])
    visit(project, 1, datetime.date(2019, 5, 15))
    return eu


def _cells(data):
    yield from data.figures.values()
    for table in data.tables:
        for row in table.rows:
            yield from row


def test_it_sums_many_ten_cent_payments_exactly_where_float_would_not(disbursed):
    floating = 5022799.0
    for _ in range(10):
        floating += 0.10
    assert floating != float(TOTAL)  # what a float pipeline would print
    data = reports["programme"].build(S, E, lang="en")
    assert data.figures["amount_disbursed_mad"] == TOTAL
    assert isinstance(data.figures["amount_disbursed_mad"], Decimal)


def test_it_keeps_money_and_rates_decimal_in_figures_and_tables(disbursed):
    data = reports["programme"].build(S, E, lang="en")
    assert not [v for v in _cells(data) if isinstance(v, float)]
    everything = next(tb for tb in data.tables if tb.key == "all")
    amount = next(row[1] for row in everything.rows if row[0] == "Amount disbursed (MAD)")
    assert amount == TOTAL and isinstance(amount, Decimal)
    spend = next(tb for tb in data.tables if tb.key == "agreements").rows[0]
    assert spend[4] == TOTAL
    assert all(isinstance(v, Decimal) for v in spend[2:6])
    assert spend[5] == Decimal("80.9")  # used (%): a rate, Decimal to a tenth
    for code in HEADLINE:
        assert type(data.figures[code]) is int


def test_it_writes_amounts_in_json_as_exact_strings_and_headline_counts_as_integers(disbursed):
    text = build_report_bytes(code="programme", start=S, end=E, fmt="json", lang="en", partner=None).decode()
    assert '"amount_disbursed_mad": "5022800.00"' in text
    body = json.loads(text)
    assert body["amount_disbursed_mad"] == "5022800.00"
    assert body["projects_financed"] == 1
    assert all(type(body[code]) is int for code in HEADLINE)
    spend = next(tb for tb in body["_tables"] if tb["key"] == "agreements")["rows"][0]
    assert spend[4] == "5022800.00"


def test_it_writes_amounts_in_xlsx_as_numbers_with_two_decimals(disbursed):
    content = build_report_bytes(code="programme", start=S, end=E, fmt="xlsx", lang="en", partner=None)
    ws = load_workbook(io.BytesIO(content))["All indicators"]
    cell = next(row[1] for row in ws.iter_rows() if row[0].value == "Amount disbursed (MAD)")
    assert cell.data_type == "n"
    assert cell.value == 5022800
    assert cell.number_format == "#,##0.00"


def test_it_writes_the_exact_amount_in_csv_and_two_decimals_in_the_pdf(disbursed):
    text = build_report_bytes(code="programme", start=S, end=E, fmt="csv", lang="en", partner=None)
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert ["Amount disbursed (MAD)", "5022800.00"] in rows
    html = to_html(reports["programme"].build(S, E, lang="en"))
    assert "<td>5,022,800.00</td>" in html


def test_it_diffs_stored_amounts_between_versions_exactly():
    old = done_run("programme", version=1, figures=jsonable({"amount_disbursed_mad": Decimal("100.10")}))
    new = done_run("programme", version=2, figures=jsonable({"amount_disbursed_mad": Decimal("100.30")}))
    assert new.figures == {"amount_disbursed_mad": "100.30"}
    [change] = report_run_changes(new, old)
    assert (change["before"], change["after"], change["delta"]) == (
        Decimal("100.10"),
        Decimal("100.30"),
        Decimal("0.20"),
    )


def test_it_gives_the_dashboard_decimal_series_serialized_at_the_json_boundary(disbursed):
    money = disbursements_by_donor(S, E, {})
    [series] = money["series"]
    assert series["values"] == [TOTAL]
    assert isinstance(series["values"][0], Decimal)
    assert json.loads(json.dumps(money, cls=DjangoJSONEncoder))["series"][0]["values"] == ["5022800.00"]
