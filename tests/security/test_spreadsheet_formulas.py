"""No CSV or XLSX cell Sanad writes starts a live formula: the report files (CSV: an
apostrophe in front; XLSX: stored as text) and the identifiable partner list."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.security.cells import FORMULA_PREFIXES, neutralise
from reports.generators.data import ReportData, Table
from reports.rendering import to_csv, to_xlsx

EVIL = ['=HYPERLINK("http://evil","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _data(reference: str) -> ReportData:
    table = Table(
        key="spend",
        title="Spend " + reference,
        columns=["Agreement", "Amount"],
        rows=[[reference, Decimal("-500.00")], *[[e, 1] for e in EVIL]],
    )
    return ReportData(
        code="donor",
        title="Donor report",
        partner="eu",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
        lang="fr",
        suppressed=False,
        figures={},
        tables=[table],
        definitions=[("x", "=1+1", "-def")],
    )


def test_no_csv_cell_starts_a_formula():
    rows = list(csv.reader(io.StringIO(to_csv(_data("=EU-2018")).decode("utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert "'=EU-2018" in cells
    assert "-500.00" in cells  # a number stays a number
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES) and c != "-500.00"]


def test_no_xlsx_cell_is_a_formula_and_the_text_is_exact():
    wb = load_workbook(io.BytesIO(to_xlsx(_data("=EU-2018"))))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "=EU-2018" in [c.value for c in cells]  # shown as typed, as text


@pytest.mark.django_db
def test_the_partner_list_neutralises_its_cells(client_for, manager, caseworker):
    from tests.factories.refugees import ConsentFactory, RefugeeFactory

    person = RefugeeFactory(office=caseworker.office, first_name_latin="=cmd")
    from core.models import PartnerOrganisation

    unhcr = PartnerOrganisation.objects.get(code="unhcr")
    ConsentFactory(refugee=person, purpose="share_identifiable", partner=unhcr, recorded_by=caseworker)
    response = client_for(manager).get(reverse("refugees:partner_export", kwargs={"code": "unhcr"}))
    body = response.content.decode()
    assert "'=cmd" in body
    for row in csv.reader(io.StringIO(body)):
        assert not [c for c in row if c.startswith(FORMULA_PREFIXES)]


@given(st.text(max_size=30))
def test_a_neutralised_text_never_starts_a_formula_unless_a_plain_number(value):
    cell = neutralise(value)
    if cell.startswith(FORMULA_PREFIXES):
        assert cell.lstrip("+-").replace(".", "", 1).isdigit()
