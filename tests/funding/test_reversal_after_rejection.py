"""A rejected reversal does not count: the payment can be reversed again, and the new
reversal restores the balances. At most one reversal that is not rejected, even in SQL."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from funding.models import Disbursement
from funding.selectors import grant_ledger, grant_net_paid
from funding.services import disbursement_approve, disbursement_reject, disbursement_reverse
from tests.factories.funding import paid

pytestmark = pytest.mark.django_db


def _reverse(payment, by, key=None):
    return disbursement_reverse(
        original=payment, date=datetime.date(2025, 7, 3), by=by, idempotency_key=key or uuid.uuid4().hex
    )[0]


def test_after_a_rejected_reversal_a_new_reversal_can_be_recorded_and_approved(grant, caseworker, manager, manager2):
    payment = paid(grant, amount="6000.00", by=caseworker, approver=manager2)
    first = _reverse(payment, caseworker)
    disbursement_reject(entry=first, by=manager, reason="not a mistake")
    assert grant_net_paid(grant) == Decimal("6000.00")
    assert [e.is_reversible for e in grant_ledger(grant) if e.pk == payment.pk] == [True]

    second = _reverse(payment, caseworker)
    assert second.pk != first.pk and second.reverses_id == payment.pk
    with pytest.raises(ValidationError, match="already been reversed"):
        _reverse(payment, caseworker)  # the pending second reversal counts
    disbursement_approve(entry=second, by=manager2)

    grant.refresh_from_db()
    assert grant.paid_mad == grant_net_paid(grant) == Decimal("0.00")
    assert [e.is_reversible for e in grant_ledger(grant) if e.pk == payment.pk] == [False]
    with pytest.raises(ValidationError, match="already been reversed"):
        _reverse(payment, caseworker)


def test_the_database_allows_one_live_reversal_per_payment(grant, caseworker, manager, manager2):
    payment = paid(grant, amount="6000.00", by=caseworker, approver=manager2)
    _reverse(payment, caseworker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.create(
            grant=grant,
            tranche=payment.tranche,
            kind="reversal",
            reverses=payment,
            date=datetime.date(2025, 7, 4),
            amount=payment.amount,
            method=payment.method,
            recorded_by=caseworker,
            idempotency_key=uuid.uuid4().hex,
        )
    rejected = Disbursement.objects.create(
        grant=grant,
        tranche=payment.tranche,
        kind="reversal",
        reverses=payment,
        date=datetime.date(2025, 7, 4),
        amount=payment.amount,
        method=payment.method,
        recorded_by=caseworker,
        status="rejected",
        rejection_reason="duplicate",
        approved_by=manager,
        approved_at=timezone.now(),
        idempotency_key=uuid.uuid4().hex,
    )
    assert rejected.pk  # rejected reversals do not take the place


def test_the_reverse_screen_records_a_new_reversal_after_a_rejection(client, grant, caseworker, manager, manager2):
    payment = paid(grant, amount="6000.00", by=caseworker, approver=manager2)
    disbursement_reject(entry=_reverse(payment, caseworker), by=manager, reason="duplicate")
    client.force_login(caseworker)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("funding:grant_detail", args=[grant.pk]))
    assert reverse("funding:disbursement_reverse", args=[payment.pk]) in page.content.decode()
    response = client.post(
        reverse("funding:disbursement_reverse", args=[payment.pk]),
        {"date": "2025-07-05", "reference": "wrong account", "idempotency_key": uuid.uuid4().hex},
    )
    assert response.status_code == 302
    assert payment.reversals.filter(status="pending").count() == 1
