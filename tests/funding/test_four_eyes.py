import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from funding.models import Disbursement
from funding.services import disbursement_approve, disbursement_record

pytestmark = pytest.mark.django_db


def _record(grant, by):
    entry, _ = disbursement_record(
        grant=grant,
        tranche=grant.tranches.get(number=1),
        date=datetime.date(2025, 7, 1),
        amount=Decimal("5000.00"),
        method="cash",
        by=by,
        idempotency_key=uuid.uuid4().hex,
    )
    return entry


def test_the_recorder_cannot_approve_their_own_entry(grant, manager):
    entry = _record(grant, manager)
    with pytest.raises(PermissionDenied, match="another programme manager"):
        disbursement_approve(entry=entry, by=manager)
    entry.refresh_from_db()
    assert entry.status == Disbursement.Status.PENDING


def test_the_database_refuses_an_entry_approved_by_its_recorder(grant, manager):
    entry = _record(grant, manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.filter(pk=entry.pk).update(approved_by=manager, approved_at=timezone.now())


def test_a_caseworker_cannot_approve(grant, caseworker, other_caseworker):
    entry = _record(grant, caseworker)
    with pytest.raises(PermissionDenied, match="Only a programme manager"):
        disbursement_approve(entry=entry, by=other_caseworker)


def test_another_manager_approves_and_the_entry_is_allocated(grant, caseworker, manager2):
    entry = _record(grant, caseworker)
    disbursement_approve(entry=entry, by=manager2)
    entry.refresh_from_db()
    assert entry.status == Disbursement.Status.APPROVED
    assert entry.approved_by == manager2
    assert sum(a.amount_mad for a in entry.allocations.all()) == Decimal("5000.00")
    with pytest.raises(ValidationError, match="already been decided"):
        disbursement_approve(entry=entry, by=manager2)
