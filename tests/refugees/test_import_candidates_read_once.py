"""The preview page shows each flagged row's registered look-alikes (name, year, office)
without a query per look-alike: they are read in one query, with what the page shows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.refugees import RefugeeFactory
from tests.refugees.importing import URL, csv_upload

pytestmark = pytest.mark.django_db

HEADER = (
    "unhcr_individual_number,first_name_latin,last_name_latin,sex,date_of_birth,"
    "nationality,legal_status,city,referral_source,intake_date"
)


def test_it_renders_many_look_alikes_in_a_few_queries(client_for, caseworker, office_rabat):
    for n in range(12):
        RefugeeFactory(
            office=office_rabat,
            first_name_latin="Mohamed",
            last_name_latin="Haddad",
            date_of_birth=datetime.date(1988, 1, 1 + n),
        )
    rows = [f"RAB-25C3{n:04d},Mohammed,Haddad,M,1988-0{1 + n}-02,SY,refugee,rabat,unhcr,2025-11-02" for n in range(3)]
    client = client_for(caseworker)
    response = client.post(URL, {"file": csv_upload(HEADER, *rows)})
    result = response.context["result"]
    assert result.valid, [(r.line, r.errors) for r in result.error_rows]
    assert [len(r.candidates) for r in result.flagged_rows] == [12, 12, 12]
    with CaptureQueriesContext(connection) as queries:
        shown = [
            (c.full_name_latin, c.date_of_birth.year, c.office.name) for r in result.flagged_rows for c in r.candidates
        ]
    assert len(queries) == 0
    assert shown[0] == ("Mohamed Haddad", 1988, office_rabat.name)
    assert b"Mohamed Haddad" in response.content
