"""Reading cases through the API: the caller's office scope (another office's record is a
404), the view log for every person a response names, ``?fields=``, cursor pages, and a
list's query count that does not grow with its rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from refugees.models import ProfileView
from tests.factories.api import make_token
from tests.factories.funding import approved_project, awarded_grant, paid
from tests.factories.projects import AttendanceFactory, BudgetLineFactory, SessionFactory
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db


def test_a_caseworker_reads_their_own_office_only(api, caseworker, office_rabat, office_oujda):
    mine = RefugeeFactory(office=office_rabat)
    theirs = RefugeeFactory(office=office_oujda)
    _t, header = make_token(user=caseworker)
    client = api(header)
    ids = [r["id"] for r in client.get("/api/v1/refugees/").json()["results"]]
    assert ids == [mine.pk]
    assert client.get(f"/api/v1/refugees/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/v1/refugees/{theirs.pk}/").json()["code"] == "not_found"
    assert client.get(f"/api/v1/refugees/{mine.pk}/").status_code == 200


def test_every_person_shown_is_in_the_view_log_with_the_tokens_user(api, caseworker, office_rabat):
    people = [RefugeeFactory(office=office_rabat) for _ in range(3)]
    _t, header = make_token(user=caseworker)
    api(header).get("/api/v1/refugees/")
    logged = set(
        ProfileView.objects.filter(user=caseworker, what="list", page="api:refugees").values_list(
            "refugee_id", flat=True
        )
    )
    assert logged == {p.pk for p in people}
    api(header).get(f"/api/v1/refugees/{people[0].pk}/")
    assert ProfileView.objects.filter(user=caseworker, what="profile", page="api:refugee", refugee=people[0]).exists()


def test_fields_and_cursor_pages(api, caseworker, office_rabat):
    people = [RefugeeFactory(office=office_rabat) for _ in range(5)]
    _t, header = make_token(user=caseworker)
    client = api(header)
    first = client.get("/api/v1/refugees/", {"fields": "id,last_name_latin", "page_size": 2}).json()
    assert [set(r) for r in first["results"]] == [{"id", "last_name_latin"}] * 2
    seen = [r["id"] for r in first["results"]]
    url = first["next"]
    while url:
        page = client.get(url).json()
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(p.pk for p in people)
    assert client.get("/api/v1/refugees/", {"cursor": "garbage"}).status_code == 404


def test_filters(api, manager, office_rabat, office_oujda):
    RefugeeFactory(office=office_rabat, sex="F")
    RefugeeFactory(office=office_oujda, sex="M")
    _t, header = make_token(user=manager)
    client = api(header)
    assert len(client.get("/api/v1/refugees/", {"office": office_oujda.code}).json()["results"]) == 1
    assert len(client.get("/api/v1/refugees/", {"sex": "F"}).json()["results"]) == 1
    response = client.get("/api/v1/refugees/", {"intake_after": "not a date"})
    assert response.status_code == 400 and "intake_after" in response.json()["fields"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"page_size": 100}).status_code == 200
    return len(ctx.captured_queries)


def _grow(office, by, approver, n):
    for _ in range(n):
        RefugeeFactory(office=office)
        session = SessionFactory(office=office)
        AttendanceFactory(session=session, refugee=RefugeeFactory(office=office))
        project = approved_project(office=office, approved_amount=Decimal("10000.00"))
        BudgetLineFactory(project=project)
        grant = awarded_grant(project=project, by=by, amount=Decimal("10000.00"))
        paid(grant, amount="1000.00", by=approver, approver=by, date=datetime.date(2025, 7, 1))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/refugees/",
        "/api/v1/sessions/",
        "/api/v1/projects/",
        "/api/v1/grants/",
        "/api/v1/disbursements/",
        "/api/v1/visits/",
    ],
)
def test_a_lists_query_count_does_not_grow_with_its_rows(api, manager, manager2, caseworker, office_rabat, url):
    _grow(office_rabat, manager, caseworker, 2)
    _t, header = make_token(user=caseworker)
    client = api(header)
    few = _queries(client, url)
    _grow(office_rabat, manager, caseworker, 4)
    assert _queries(client, url) == few
    assert few <= 8, few
