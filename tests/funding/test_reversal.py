import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funding.models import Disbursement
from funding.selectors import agreement_spent_currency, grant_net_paid
from funding.services import disbursement_approve, disbursement_reverse
from tests.factories.funding import paid

pytestmark = pytest.mark.django_db


def test_a_reversal_restores_the_grant_and_agreement_balances(grant, eu, caseworker, manager, manager2):
    payment = paid(grant, amount="6000.00", by=caseworker, approver=manager2)
    assert grant_net_paid(grant) == Decimal("6000.00")
    spent_eu = agreement_spent_currency(eu)
    assert spent_eu > 0

    reversal, created = disbursement_reverse(
        original=payment,
        date=datetime.date(2025, 7, 3),
        by=manager,
        idempotency_key=uuid.uuid4().hex,
        reference="wrong account",
    )
    assert created and reversal.kind == Disbursement.Kind.REVERSAL and reversal.reverses == payment
    assert grant_net_paid(grant) == Decimal("6000.00")  # pending reversals do not count yet
    with pytest.raises(PermissionDenied, match="another programme manager"):
        disbursement_approve(entry=reversal, by=manager)
    disbursement_approve(entry=reversal, by=manager2)

    assert grant_net_paid(grant) == Decimal("0.00")
    assert agreement_spent_currency(eu) == Decimal("0.00")
    assert Disbursement.objects.filter(pk=payment.pk, status="approved").exists()  # the original stays


def test_a_payment_is_reversed_only_once(grant, caseworker, manager2):
    payment = paid(grant, amount="6000.00", by=caseworker, approver=manager2)
    disbursement_reverse(original=payment, date=datetime.date(2025, 7, 3), by=caseworker, idempotency_key="k1")
    with pytest.raises(ValidationError, match="already been reversed"):
        disbursement_reverse(original=payment, date=datetime.date(2025, 7, 3), by=caseworker, idempotency_key="k2")


def test_a_pending_payment_cannot_be_reversed(grant, caseworker):
    from funding.services import disbursement_record

    entry, _ = disbursement_record(
        grant=grant,
        tranche=grant.tranches.first(),
        date=datetime.date(2025, 7, 1),
        amount=Decimal("10.00"),
        method="cash",
        by=caseworker,
        idempotency_key="p1",
    )
    with pytest.raises(ValidationError, match="Only an approved payment"):
        disbursement_reverse(original=entry, date=datetime.date(2025, 7, 3), by=caseworker, idempotency_key="k1")


def test_after_a_reversal_the_money_can_be_paid_again(grant, caseworker, manager, manager2):
    payment = paid(grant, amount="20000.00", by=caseworker, approver=manager2)
    reversal, _ = disbursement_reverse(
        original=payment, date=datetime.date(2025, 7, 2), by=caseworker, idempotency_key="r"
    )
    disbursement_approve(entry=reversal, by=manager)
    again = paid(grant, amount="20000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 3))
    assert again.status == Disbursement.Status.APPROVED
    assert grant_net_paid(grant) == Decimal("20000.00")
