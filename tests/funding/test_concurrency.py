"""Concurrent writers on real PostgreSQL: separate connections (threads), one lock order."""

import datetime
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.utils import translation

from core.money import Currency
from funding.models import Disbursement
from funding.selectors import agreement_spent_currency, grant_net_paid
from funding.services import disbursement_approve, disbursement_record
from tests.factories.funding import agreement_with_rates, approved_project, awarded_grant

pytestmark = pytest.mark.usefixtures("django_db_serialized_rollback", "transactional_db")


def _race(callables):
    """Run each callable in its own thread (own DB connection), all released at once."""
    barrier = threading.Barrier(len(callables))
    results: list = [None] * len(callables)

    def run(i, fn):
        translation.activate("en")
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", fn())
        except ValidationError as exc:
            results[i] = ("refused", exc.messages[0])
        except Exception as exc:  # reported by the assertions below
            results[i] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(callables)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    close_old_connections()
    return results


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

    results = _race([attempt] * 50)
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
    results = _race([lambda e=e: disbursement_approve(entry=e, by=manager2) for e in entries])
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
    results = _race(
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
    results = _race([lambda e=e: disbursement_approve(entry=e, by=manager2) for e in entries])
    outcomes = [r[0] for r in results]
    assert outcomes.count("error") == 0, results
    assert outcomes.count("ok") == 9
    assert all("would be overspent" in r[1] for r in results if r[0] == "refused")
    assert agreement_spent_currency(agreement) == Decimal("3600.00")
