import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.money import Currency
from funding.models import Disbursement
from funding.selectors import agreement_spent_currency, grant_net_paid
from funding.services import disbursement_approve
from tests.factories.funding import agreement_with_rates, approved_project, awarded_grant, paid

pytestmark = pytest.mark.django_db


def _pending(grant, *, amount, by, date=datetime.date(2025, 7, 1), tranche=None):
    """A pending entry written straight to the table, as two racing recorders could leave it."""
    import uuid

    return Disbursement.objects.create(
        grant=grant,
        tranche=tranche,
        date=date,
        amount=Decimal(amount),
        method="cash",
        recorded_by=by,
        idempotency_key=uuid.uuid4().hex,
    )


def test_it_refuses_to_record_more_than_is_left_on_the_grant(simple_grant, caseworker, manager2):
    paid(simple_grant, amount="25000.00", by=caseworker, approver=manager2)
    with pytest.raises(ValidationError, match="overspend the grant"):
        paid(simple_grant, amount="5000.01", by=caseworker, approver=manager2)
    paid(simple_grant, amount="5000.00", by=caseworker, approver=manager2)
    assert grant_net_paid(simple_grant) == Decimal("30000.00")


def test_it_refuses_more_than_the_tranche(grant, caseworker, manager2):
    paid(grant, amount="15000.00", by=caseworker, approver=manager2)
    with pytest.raises(ValidationError, match=r"Tranche 1 has 5,000\.00 MAD left"):
        paid(grant, amount="5000.01", by=caseworker, approver=manager2)


def test_it_refuses_to_approve_past_the_grant(simple_grant, caseworker, manager2):
    tranche = simple_grant.tranches.get(number=1)
    first = _pending(simple_grant, amount="20000.00", by=caseworker, tranche=tranche)
    second = _pending(simple_grant, amount="15000.00", by=caseworker, tranche=tranche)
    disbursement_approve(entry=first, by=manager2)
    with pytest.raises(ValidationError, match="overspend the grant"):
        disbursement_approve(entry=second, by=manager2)
    assert grant_net_paid(simple_grant) == Decimal("20000.00")


def test_it_refuses_to_approve_past_the_agreement_in_its_currency(office_rabat, manager, caseworker, manager2):
    # Committed at 11.0 MAD/EUR, paid when the euro is worth 10.0: the agreement runs out first.
    agreement = agreement_with_rates(
        code="eu",
        currency=Currency.EUR,
        amount=Decimal("1000.00"),
        rates=[(datetime.date(2025, 1, 1), Decimal("11.000000")), (datetime.date(2025, 7, 1), Decimal("10.000000"))],
    )
    grants = []
    for _ in range(2):
        project = approved_project(office=office_rabat, approved_amount=Decimal("5500.00"))
        grants.append(
            awarded_grant(
                project=project,
                by=manager,
                amount=Decimal("5500.00"),
                shares=[(agreement, "5500.00")],
                awarded_on=datetime.date(2025, 6, 1),
            )
        )
    paid(grants[0], amount="5500.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 2))  # 550 EUR
    with pytest.raises(ValidationError, match=r"Agreement EU-.* would be overspent"):
        paid(grants[1], amount="5000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 2))
    assert agreement_spent_currency(agreement) == Decimal("550.00")
    assert Disbursement.objects.filter(status="approved").count() == 1
    assert timezone.localdate() >= datetime.date(2025, 7, 2)
