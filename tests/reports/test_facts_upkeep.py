"""The dashboard's derived facts are kept equal to the records write by write: after the
services' writes (payments approved and reversed, visits recorded, corrected, added and
deleted, a project moved to another office) they are what a whole rebuild gives, and the
dashboard reads them at the very next load. The nightly rebuild reports any drift."""

import datetime
import logging
from decimal import Decimal

import pytest

from funding.models import FollowUpVisit
from funding.services import (
    disbursement_approve,
    disbursement_record,
    disbursement_reject,
    disbursement_reverse,
    visit_record,
    visit_record_extra,
)
from reports import selectors
from reports.facts import _fingerprint, facts_current, facts_refresh, facts_sync
from reports.models import FactsPending, LedgerQuarter, ProjectFacts
from reports.tasks import build_facts
from tests.factories.core import OfficeFactory
from tests.factories.funding import agreement_with_rates, approved_project, awarded_grant, paid

pytestmark = pytest.mark.django_db
D = datetime.date
MANAGER = {"filters": {}, "suppressed": False, "donor": None}
NO_DRIFT = {"projects": 0, "ledger_keys": 0}


def visit_data(day, status="operating"):
    return {
        "done_on": day,
        "mode": "on_site",
        "business_status": status,
        "monthly_revenue": Decimal("4000.00"),
        "verdict": "satisfactory" if status == "operating" else "unsatisfactory",
        "observations": "",
        "recommendations": "",
    }


@pytest.fixture
def ledger(db, manager, manager2, caseworker):
    """Two projects on two agreements, facts built, then nothing yet paid."""
    eu = agreement_with_rates(code="eu", amount=Decimal("900000.00"))
    japan = agreement_with_rates(code="japan", currency="JPY", amount=Decimal("90000000.00"))
    projects = [approved_project(approved_amount=Decimal("30000.00")) for _ in range(2)]
    grants = [
        awarded_grant(
            project=p,
            by=manager,
            amount=Decimal("30000.00"),
            shares=[(eu, "20000.00"), (japan, "10000.00")],
            awarded_on=D(2025, 1, 10),
        )
        for p in projects
    ]
    facts_refresh()

    def pay(grant, day, amount):
        return paid(grant, amount=amount, by=caseworker, approver=manager2, date=day)

    return {"projects": projects, "grants": grants, "pay": pay}


def assert_as_rebuilt():
    """The facts as kept are those a whole rebuild gives, and the dashboard's figures
    from them are those computed from the records."""
    facts_current()  # the pending projects (a test's writes commit only with the test)
    kept = _fingerprint()
    for start, end in [(D(2025, 1, 1), D(2026, 12, 31)), (D(2025, 2, 15), D(2025, 8, 20))]:
        fast = selectors.dashboard_compute(start=start, end=end, filters={}, scope=MANAGER)
        slow = selectors._dashboard(start=start, end=end, filters={}, scope=MANAGER, facts=None)
        assert fast == slow
    assert facts_refresh() == NO_DRIFT
    assert _fingerprint() == kept


def test_payments_and_a_reversal_keep_the_ledger_and_first_payments(ledger, manager2, caseworker):
    first = ledger["pay"](ledger["grants"][0], D(2025, 2, 3), "10000.00")
    ledger["pay"](ledger["grants"][0], D(2025, 5, 20), "2500.00")
    ledger["pay"](ledger["grants"][1], D(2025, 4, 1), "6000.00")
    reversal, _ = disbursement_reverse(original=first, date=D(2025, 7, 1), by=caseworker, idempotency_key="rev-1")
    disbursement_approve(entry=reversal, by=manager2)
    facts_sync()
    # Financed from the first payment still standing; before the reversal's date, from Feb 3.
    facts = ProjectFacts.objects.get(project=ledger["projects"][0])
    assert (facts.first_startup_payment, facts.startup_exact_from) == (D(2025, 5, 20), D(2025, 7, 1))
    assert LedgerQuarter.objects.filter(quarter=D(2025, 7, 1), reversals_mad__gt=0).exists()
    assert_as_rebuilt()


def test_a_pending_or_rejected_payment_changes_nothing(ledger, manager2, caseworker):
    def record(key):
        return disbursement_record(
            grant=ledger["grants"][0],
            tranche=ledger["grants"][0].tranches.first(),
            date=D(2025, 2, 3),
            amount=Decimal("100.00"),
            method="cash",
            by=caseworker,
            idempotency_key=key,
        )[0]

    record("pending-1")
    disbursement_reject(entry=record("rejected-1"), by=manager2, reason="duplicate")
    assert not FactsPending.objects.exists()
    assert not LedgerQuarter.objects.exists()
    assert_as_rebuilt()


def test_visits_recorded_corrected_added_and_deleted(ledger, caseworker):
    project = ledger["projects"][0]
    ledger["pay"](ledger["grants"][0], D(2025, 2, 3), "10000.00")
    assert facts_sync() == 1
    six = project.visits.get(months_after_funding=6)
    visit_record(visit=six, by=caseworker, data=visit_data(D(2025, 8, 5)))
    facts = ProjectFacts.objects.get(project=project)
    assert facts.visit_6m_done_on is None  # pending: synced after the commit or before a read
    assert FactsPending.objects.filter(project_id=project.pk).exists()
    facts_current()
    facts.refresh_from_db()
    assert (facts.visit_6m_done_on, facts.km_seen_at, facts.km_failed_at) == (D(2025, 8, 5), 6, None)
    assert_as_rebuilt()

    visit_record(visit=six, by=caseworker, data=visit_data(D(2025, 8, 6), status="closed"))  # a correction
    assert_as_rebuilt()
    facts.refresh_from_db()
    assert (facts.visit_6m_operating_on, facts.km_failed_at) == (None, 6)

    visit_record_extra(project=ledger["projects"][0], by=caseworker, data=visit_data(D(2025, 9, 1)))
    FollowUpVisit.objects.get(pk=six.pk).delete()  # an administrator removes a visit
    assert_as_rebuilt()


def test_a_project_moved_to_another_office_takes_its_ledger_amounts_along(ledger):
    project = ledger["projects"][0]
    ledger["pay"](ledger["grants"][0], D(2025, 2, 3), "10000.00")
    ledger["pay"](ledger["grants"][1], D(2025, 2, 4), "3000.00")
    elsewhere = OfficeFactory()
    project.office = elsewhere
    project.region = elsewhere.city.region
    project.save()  # the Django admin
    moved = selectors.ledger_quarters_by_donor(D(2025, 1, 1), D(2025, 12, 31), {"office": elsewhere.code})
    assert sum(sum(s["values"]) for s in moved["series"]) == Decimal("10000.00")
    assert_as_rebuilt()


def test_the_nightly_rebuild_reports_a_write_behind_the_signals(ledger, caseworker, caplog):
    ledger["pay"](ledger["grants"][0], D(2025, 2, 3), "10000.00")
    visit_record(
        visit=ledger["projects"][0].visits.get(months_after_funding=6), by=caseworker, data=visit_data(D(2025, 8, 5))
    )
    facts_sync()
    FollowUpVisit.objects.filter(status="done").update(business_status="closed")  # no post_save
    with caplog.at_level(logging.WARNING, logger="reports.facts"):
        assert facts_refresh() == {"projects": 1, "ledger_keys": 0}
    assert "drifted" in caplog.text
    assert ProjectFacts.objects.get(project=ledger["projects"][0]).km_failed_at == 6


def test_the_build_task_builds_them_once(db):
    from reports.models import FactsState

    FactsState.objects.update(refreshed_at=None)
    assert facts_current() is None
    assert build_facts.delay().get() is True
    assert build_facts.delay().get() is False
    assert facts_current() is not None


def test_projects_still_pending_at_the_rebuild_are_not_drift(ledger):
    ledger["pay"](ledger["grants"][0], D(2025, 2, 3), "10000.00")
    assert FactsPending.objects.exists()
    assert facts_refresh() == NO_DRIFT
