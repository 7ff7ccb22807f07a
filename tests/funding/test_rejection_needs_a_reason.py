"""Rejecting a payment requires a reason: refused without one (form, service, database),
and the reason is shown in the ledger and on the person's timeline."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from funding.models import Disbursement
from funding.services import disbursement_record, disbursement_reject

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(simple_grant, caseworker):
    entry, _created = disbursement_record(
        grant=simple_grant,
        tranche=simple_grant.tranches.get(number=1),
        date=datetime.date(2025, 7, 2),
        amount=Decimal("1000.00"),
        method="cash",
        by=caseworker,
        idempotency_key=uuid.uuid4().hex,
    )
    return entry


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_empty_reason_is_refused_on_the_page_and_nothing_changes(client_for, manager, pending, reason):
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("funding:disbursement_reject", args=[pending.pk]), {"reason": reason}, follow=True)
    assert "Give the reason for the rejection." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Disbursement.Status.PENDING


def test_the_service_refuses_an_empty_reason(manager, pending):
    with pytest.raises(ValidationError) as exc:
        disbursement_reject(entry=pending, by=manager, reason=" ")
    assert exc.value.code == "reason_required"


def test_the_database_refuses_a_rejection_without_reason(manager, pending):
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.filter(pk=pending.pk).update(
            status="rejected", approved_by=manager, approved_at=pending.recorded_at
        )


def test_the_reason_is_shown_in_the_ledger_and_the_timeline(client_for, manager, pending, simple_grant):
    response = client_for(manager).post(
        reverse("funding:disbursement_reject", args=[pending.pk]), {"reason": "Receipt missing"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.rejection_reason) == ("rejected", "Receipt missing")
    ledger = client_for(manager).get(reverse("funding:grant_detail", args=[simple_grant.pk])).content.decode()
    assert "Receipt missing" in ledger
    lead = simple_grant.project.members.first().refugee
    profile = client_for(manager).get(reverse("refugees:detail", args=[lead.pk])).content.decode()
    assert "Receipt missing" in profile
