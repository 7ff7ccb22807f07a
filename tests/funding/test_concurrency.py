"""Concurrent writers on real PostgreSQL: separate connections (threads), one lock order."""

import datetime
import uuid
from decimal import Decimal

import pytest

from core.money import Currency
from funding.models import Disbursement
from funding.selectors import agreement_spent_currency, grant_net_paid
from funding.services import disbursement_approve, disbursement_record, visit_record
from tests.factories.funding import agreement_with_rates, approved_project, awarded_grant, paid
from tests.races import race

pytestmark = pytest.mark.usefixtures("django_db_serialized_rollback", "transactional_db")


def test_fifty_concurrent_recordings_never_overspend_a_grant(simple_grant, caseworker):
    tranche = simple_grant.tranches.get()

    def attempt():
        return disbursement_record(
            grant=simple_grant,
            tranche=tranche,
            date=datetime.date(2025, 7, 1),
            amount=Decimal("1000.00"),
            method="cash",
            by=caseworker,
            idempotency_key=uuid.uuid4().hex,
        )

    results = race([attempt] * 50)
    outcomes = [r[0] for r in results]
    assert outcomes.count("error") == 0, results
    assert outcomes.count("ok") == 30
    assert all("overspend the grant" in r[1] for r in results if r[0] == "refused")
    assert Disbursement.objects.filter(grant=simple_grant).count() == 30


def test_fifty_concurrent_approvals_never_overspend_a_grant(simple_grant, caseworker, manager2):
    tranche = simple_grant.tranches.get()
    # 50 pending entries of 1,000 MAD each: together 50,000 on a 30,000 grant.
    entries = [
        Disbursement.objects.create(
            grant=simple_grant,
            tranche=tranche,
            date=datetime.date(2025, 7, 1),
            amount=Decimal("1000.00"),
            method="cash",
            recorded_by=caseworker,
            idempotency_key=uuid.uuid4().hex,
        )
        for _ in range(50)
    ]
    results = race([lambda e=e: disbursement_approve(entry=e, by=manager2) for e in entries])
    outcomes = [r[0] for r in results]
    assert outcomes.count("error") == 0, results
    assert outcomes.count("ok") == 30
    assert grant_net_paid(simple_grant) == Decimal("30000.00")
    assert Disbursement.objects.filter(status="approved").count() == 30


def test_two_concurrent_approvals_that_together_overspend_one_succeeds(simple_grant, caseworker, manager, manager2):
    tranche = simple_grant.tranches.get()
    a, b = (
        Disbursement.objects.create(
            grant=simple_grant,
            tranche=tranche,
            date=datetime.date(2025, 7, 1),
            amount=Decimal("20000.00"),
            method="cash",
            recorded_by=caseworker,
            idempotency_key=uuid.uuid4().hex,
        )
        for _ in range(2)
    )
    results = race(
        [lambda: disbursement_approve(entry=a, by=manager), lambda: disbursement_approve(entry=b, by=manager2)]
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert grant_net_paid(simple_grant) == Decimal("20000.00")


def test_concurrent_approvals_on_grants_sharing_an_agreement_never_overspend_it(
    office_rabat, manager, caseworker, manager2
):
    # Ten grants of 4,000 MAD committed at 11 MAD/EUR (363.64 EUR each, 3,636.36 in all) on a
    # 3,700 EUR agreement; paid when the euro is at 10 MAD, each costs 400 EUR: nine fit.
    agreement = agreement_with_rates(
        code="eu",
        currency=Currency.EUR,
        amount=Decimal("3700.00"),
        rates=[(datetime.date(2025, 1, 1), Decimal("11.000000")), (datetime.date(2025, 7, 1), Decimal("10.000000"))],
    )
    entries = []
    for _ in range(10):
        project = approved_project(office=office_rabat, approved_amount=Decimal("4000.00"), members=0)
        grant = awarded_grant(project=project, by=manager, amount=Decimal("4000.00"), shares=[(agreement, "4000.00")])
        entries.append(
            Disbursement.objects.create(
                grant=grant,
                tranche=grant.tranches.get(),
                date=datetime.date(2025, 7, 2),
                amount=Decimal("4000.00"),
                method="cash",
                recorded_by=caseworker,
                idempotency_key=uuid.uuid4().hex,
            )
        )
    results = race([lambda e=e: disbursement_approve(entry=e, by=manager2) for e in entries])
    outcomes = [r[0] for r in results]
    assert outcomes.count("error") == 0, results
    assert outcomes.count("ok") == 9
    assert all("would be overspent" in r[1] for r in results if r[0] == "refused")
    assert agreement_spent_currency(agreement) == Decimal("3600.00")


def test_visits_of_one_project_recorded_at_once_never_deadlock(simple_grant, caseworker, manager2):
    """A visit finding the business closed cancels the project's other scheduled visits
    while other visits of it are being recorded: they wait, then are refused as cancelled."""
    paid(simple_grant, amount="1000.00", by=caseworker, approver=manager2)  # schedules the visits
    visits = list(simple_grant.project.visits.order_by("due_date"))

    def record(visit, n):
        data = {
            "done_on": datetime.date(2025, 7, 10 + n),
            "mode": "phone",
            "business_status": "closed" if n == 0 else "operating",
            "verdict": "unsatisfactory" if n == 0 else "satisfactory",
            "observations": "",
            "recommendations": "",
        }
        return lambda: visit_record(visit=visit, by=caseworker, data=data)

    results = race([record(v, n) for n, v in enumerate(visits[:4])])
    assert [r for r in results if r[0] == "error"] == []
    assert all(r[1] == "This visit was cancelled." for r in results if r[0] == "refused"), results
    assert results[0][0] == "ok"  # the closing visit
    simple_grant.project.refresh_from_db()
    assert simple_grant.project.status == "closed"
