"""Concurrent writers on one project (separate connections on real PostgreSQL, each
committing and syncing the facts after its commit) leave the facts as a rebuild makes them."""

import datetime
from decimal import Decimal

import pytest

from funding.models import Disbursement
from funding.services import disbursement_approve, disbursement_record, visit_record
from reports.facts import facts_current, facts_refresh
from reports.models import FactsPending
from tests.factories.funding import agreement_with_rates, approved_project, awarded_grant, paid
from tests.races import race

pytestmark = pytest.mark.usefixtures("django_db_serialized_rollback", "transactional_db")
D = datetime.date


def test_visits_and_payments_of_one_project_written_at_once(manager, manager2, caseworker):
    eu = agreement_with_rates(code="eu", amount=Decimal("900000.00"))
    project = approved_project(approved_amount=Decimal("30000.00"))
    grant = awarded_grant(
        project=project, by=manager, amount=Decimal("30000.00"), shares=[(eu, "30000.00")], awarded_on=D(2025, 1, 10)
    )
    tranche = grant.tranches.first()

    def record(day, amount):
        entry, _ = disbursement_record(
            grant=grant,
            tranche=tranche,
            date=day,
            amount=Decimal(amount),
            method="cash",
            by=caseworker,
            idempotency_key=f"{day}-{amount}",
        )
        return entry

    paid(grant, amount="5000.00", by=caseworker, approver=manager2, date=D(2025, 2, 1))  # schedules the visits
    facts_refresh()
    pending = [record(D(2025, 3, n), "100.00") for n in range(1, 4)]
    visits = list(project.visits.order_by("due_date"))

    def visit(v, n):
        data = {
            "done_on": D(2025, 4, 1) + datetime.timedelta(days=30 * n),
            "mode": "phone",
            "business_status": "closed" if n == 2 else "operating",
            "verdict": "satisfactory",
            "observations": "",
            "recommendations": "",
        }
        return lambda: visit_record(visit=v, by=caseworker, data=data)

    writers = [visit(v, n) for n, v in enumerate(visits[:4])]
    writers += [lambda e=e: disbursement_approve(entry=e, by=manager2) for e in pending]
    results = race(writers)
    assert [r for r in results if r[0] == "error"] == []
    assert all(r[1] == "This visit was cancelled." for r in results if r[0] == "refused"), results
    assert Disbursement.objects.filter(status="approved").count() == 4
    assert not FactsPending.objects.exists()  # each writer synced after its commit
    facts_current()
    assert facts_refresh() == {"projects": 0, "ledger_keys": 0}
