"""Writing cases through the API: the same forms, services and refusals as the pages. A
registration with probable duplicates is a 409 with the candidates; a change needs the
record's ETag (428 without, 409 when stale); attendance, a visit and a payment (with its
idempotency key) go through their services; every change is in the history with the
token's user; what a service refuses, the API refuses."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest

from core.models import City
from funding.models import Disbursement, FollowUpVisit
from projects.models import Attendance
from refugees.models import ProfileView, Refugee
from tests.factories.api import make_token
from tests.factories.funding import approved_project, awarded_grant, paid
from tests.factories.projects import SessionFactory
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db


def _person(**over) -> dict:
    body = {
        "unhcr_individual_number": "RAB-25C00042",
        "unhcr_case_number": "",
        "first_name_latin": "Mohamed",
        "last_name_latin": "Al Halabi",
        "sex": "M",
        "date_of_birth": "1988-04-02",
        "nationality": "SY",
        "legal_status": "refugee",
        "city": City.objects.get(slug="rabat").pk,
        "languages": ["ar", "fr"],
        "household_size": 4,
        "referral_source": "unhcr",
        "intake_date": "2025-10-01",
    }
    return {**body, **over}


def test_a_field_tool_registers_a_person_in_its_office(api, caseworker, office_rabat):
    _t, header = make_token(user=caseworker)
    response = api(header).post("/api/v1/refugees/", _person(), format="json")
    assert response.status_code == 201, response.json()
    person = Refugee.objects.get(pk=response.json()["id"])
    assert person.office == office_rabat and person.region_id == person.city.region_id
    assert person.history.get().history_user == caseworker
    assert response["ETag"]


def test_bad_input_gets_the_forms_translated_errors(api, caseworker):
    _t, header = make_token(user=caseworker)
    response = api(header).post(
        "/api/v1/refugees/", _person(date_of_birth="2999-01-01", sex="?"), format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and {"date_of_birth", "sex"} <= set(body["fields"])
    assert all(e["message"] and e["code"] for errors in body["fields"].values() for e in errors)
    assert api(header).post("/api/v1/refugees/", [1, 2], format="json").status_code == 400


def test_probable_duplicates_are_a_409_with_the_candidates_then_confirmed(api, caseworker, office_rabat):
    twin = RefugeeFactory(
        office=office_rabat,
        first_name_latin="Mohamed",
        last_name_latin="Al Halabi",
        date_of_birth=datetime.date(1988, 4, 2),
    )
    _t, header = make_token(user=caseworker)
    response = api(header).post("/api/v1/refugees/", _person(), format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "probable_duplicates"
    assert [c["id"] for c in body["candidates"]] == [twin.pk] and body["candidates"][0]["visible"]
    assert ProfileView.objects.filter(user=caseworker, refugee=twin, what="list").exists()
    assert not Refugee.objects.filter(unhcr_individual_number="RAB-25C00042").exists()
    again = api(header).post("/api/v1/refugees/", _person(confirmed_duplicate_ids=[twin.pk]), format="json")
    assert again.status_code == 201


def test_a_change_needs_the_current_etag(api, caseworker, office_rabat):
    person = RefugeeFactory(office=office_rabat)
    _t, header = make_token(user=caseworker)
    client = api(header)
    url = f"/api/v1/refugees/{person.pk}/"
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"skills": "Pastry"}, format="json").status_code == 428
    response = client.patch(url, {"skills": "Pastry"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    person.refresh_from_db()
    assert person.skills == "Pastry"
    assert person.history.latest().history_user == caseworker
    stale = client.patch(url, {"skills": "Bread"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert client.patch(url, {"skills": "Bread"}, format="json", HTTP_IF_MATCH=response["ETag"]).status_code == 200


def test_a_caseworker_cannot_register_or_change_in_another_office(
    api, caseworker, other_caseworker, office_rabat, office_oujda
):
    person = RefugeeFactory(office=office_rabat)
    _t, header = make_token(user=other_caseworker)
    client = api(header)
    assert (
        client.patch(f"/api/v1/refugees/{person.pk}/", {"skills": "x"}, format="json", HTTP_IF_MATCH="*").status_code
        == 404
    )
    response = client.post("/api/v1/refugees/", _person(office=office_rabat.pk), format="json")
    assert response.status_code == 201  # the office field is the manager's: a caseworker registers in their own
    assert Refugee.objects.get(pk=response.json()["id"]).office == office_oujda


def test_attendance_is_recorded_for_a_person_the_caller_may_pick(api, caseworker, office_rabat, office_oujda):
    session = SessionFactory(office=office_rabat)
    person = RefugeeFactory(office=office_rabat)
    stranger = RefugeeFactory(office=office_oujda)
    _t, header = make_token(user=caseworker)
    client = api(header)
    url = f"/api/v1/sessions/{session.pk}/attendance/"
    response = client.post(url, {"refugee": person.pk}, format="json")
    assert response.status_code == 201 and person.pk in response.json()["attendees"]
    assert Attendance.objects.get(session=session, refugee=person).recorded_by == caseworker
    assert client.post(url, {"refugee": stranger.pk}, format="json").status_code == 404
    assert client.post(url, {"refugee": "abc"}, format="json").status_code == 400


def _grant(office, manager):
    project = approved_project(office=office, approved_amount=Decimal("30000.00"))
    return awarded_grant(project=project, by=manager, amount=Decimal("30000.00"), tranches=[("30000.00", "none")])


def test_a_payment_is_recorded_once_per_idempotency_key(api, caseworker, manager, office_rabat):
    grant = _grant(office_rabat, manager)
    _t, header = make_token(user=caseworker)
    client = api(header)
    body = {
        "tranche": grant.tranches.get().pk,
        "date": "2025-07-01",
        "amount": "5000.00",
        "method": "bank_transfer",
        "idempotency_key": uuid.uuid4().hex,
    }
    first = client.post(f"/api/v1/grants/{grant.pk}/disbursements/", body, format="json")
    assert first.status_code == 201, first.json()
    again = client.post(f"/api/v1/grants/{grant.pk}/disbursements/", body, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    entry = Disbursement.objects.get()
    assert entry.recorded_by == caseworker and entry.status == Disbursement.Status.PENDING


def test_a_payment_the_ledger_refuses_is_refused(api, caseworker, manager, office_rabat):
    grant = _grant(office_rabat, manager)
    _t, header = make_token(user=caseworker)
    client = api(header)
    url = f"/api/v1/grants/{grant.pk}/disbursements/"
    base = {"tranche": grant.tranches.get().pk, "method": "bank_transfer", "date": "2025-07-01"}
    early = client.post(url, {**base, "amount": "10.00", "date": "2020-01-01", "idempotency_key": "a1"}, format="json")
    assert early.status_code == 400 and "date" in early.json()["fields"]
    over = client.post(url, {**base, "amount": "99999.00", "idempotency_key": "a2"}, format="json")
    assert over.status_code == 400
    assert not Disbursement.objects.exists()


def test_a_visit_is_recorded_through_its_service(api, caseworker, manager, manager2, office_rabat):
    grant = _grant(office_rabat, manager)
    paid(grant, amount="5000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    visit = FollowUpVisit.objects.filter(project=grant.project, status="scheduled").order_by("due_date").first()
    _t, header = make_token(user=caseworker)
    client = api(header)
    url = f"/api/v1/visits/{visit.pk}/record/"
    body = {
        "done_on": "2025-08-01",
        "mode": "on_site",
        "business_status": "operating",
        "verdict": "satisfactory",
        "monthly_revenue": "4200.50",
        "jobs_refugee_women": 1,
    }
    before = client.post(url, {**body, "done_on": "2025-06-01"}, format="json")
    assert before.status_code == 400 and "done_on" in before.json()["fields"]
    response = client.post(url, body, format="json")
    assert response.status_code == 200, response.json()
    visit.refresh_from_db()
    assert visit.status == "done" and visit.monthly_revenue == Decimal("4200.50") and visit.visitor == caseworker


def test_a_read_only_or_partner_token_writes_nothing(api, caseworker, office_rabat):
    session = SessionFactory(office=office_rabat)
    person = RefugeeFactory(office=office_rabat)
    for header in (make_token(user=caseworker, scopes=["cases:read"])[1], make_token(partner="unhcr")[1]):
        client = api(header)
        assert client.post("/api/v1/refugees/", _person(), format="json").status_code == 403
        assert (
            client.post(f"/api/v1/sessions/{session.pk}/attendance/", {"refugee": person.pk}, format="json").status_code
            == 403
        )
    assert not Attendance.objects.exists()
