import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import NoReverseMatch, reverse

from core.roles import Role
from funding.models import Disbursement
from tests.factories.funding import paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(grant, caseworker, manager2):
    return paid(grant, amount="1000.00", by=caseworker, approver=manager2)


def test_the_model_refuses_to_change_an_approved_entry(entry):
    entry.amount = Decimal("1.00")
    with pytest.raises(ValidationError, match="cannot be changed"):
        entry.save()
    entry.refresh_from_db()
    entry.date = datetime.date(2025, 7, 5)
    with pytest.raises(ValidationError, match="cannot be changed"):
        entry.save()


def test_the_model_refuses_to_delete_an_entry(entry):
    with pytest.raises(ValidationError, match="never deleted"):
        entry.delete()


def test_the_database_refuses_bulk_changes_and_deletes(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        Disbursement.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        Disbursement.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.amount == Decimal("1000.00")


def test_the_admin_is_read_only(entry, client_for, admin_user):
    assert client_for(admin_user).get(reverse("admin:funding_disbursement_changelist")).status_code == 403  # IT
    admin_user.groups.add(Group.objects.get(name=Role.PROGRAMME_MANAGER))  # an admin who is also a manager
    client = client_for(admin_user)
    change = reverse("admin:funding_disbursement_change", args=[entry.pk])
    assert client.get(change).status_code == 200  # it can be looked at
    response = client.post(change, {"amount": "1.00"})
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:funding_disbursement_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    )
    assert client.get(reverse("admin:funding_disbursement_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.amount == Decimal("1000.00")


def test_there_is_no_screen_to_edit_or_delete_an_entry():
    for name in ("funding:disbursement_edit", "funding:disbursement_delete", "funding:disbursement_update"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[1])
