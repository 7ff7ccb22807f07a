"""The grant page, the due list and the agreements page read running totals and a page of
rows: their query count does not grow with the ledger, the visits or the agreements."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding.models import FollowUpVisit
from funding.services import disbursement_record, disbursement_reject, disbursement_reverse
from tests.factories.funding import agreement_with_rates, approved_project, paid

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_grant_page_query_count_does_not_grow_with_the_ledger(grant, client_for, caseworker, manager, manager2):
    url = reverse("funding:grant_detail", args=[grant.pk])
    client = client_for(caseworker)
    paid(grant, amount="1000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    one = _count(client, url)
    for n in range(8):
        payment = paid(grant, amount="100.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 2 + n))
        if n % 3 == 0:
            reversal, _ = disbursement_reverse(
                original=payment, date=datetime.date(2025, 7, 20), by=caseworker, idempotency_key=uuid.uuid4().hex
            )
            disbursement_reject(entry=reversal, by=manager, reason="duplicate")
    disbursement_record(
        grant=grant,
        tranche=grant.tranches.get(number=1),
        date=datetime.date(2025, 7, 21),
        amount=Decimal("10.00"),
        method="cash",
        by=caseworker,
        idempotency_key=uuid.uuid4().hex,
    )
    FollowUpVisit.objects.create(project=grant.project, due_date=datetime.date(2025, 7, 22))
    assert _count(client, url) == one <= 12


@pytest.mark.parametrize("who", ["caseworker", "manager"])
def test_the_due_list_query_count_does_not_grow_with_the_visits(office_rabat, client_for, request, who):
    client = client_for(request.getfixturevalue(who))
    url = reverse("funding:visits_due")
    today = timezone.localdate()
    project = approved_project(office=office_rabat, status="funded", members=0)
    FollowUpVisit.objects.create(project=project, months_after_funding=1, due_date=today)
    one = _count(client, url)
    for i in range(40):
        other = approved_project(office=office_rabat, status="funded", members=0) if i % 5 == 0 else project
        FollowUpVisit.objects.create(project=other, due_date=today - datetime.timedelta(days=i))
    assert _count(client, url) == one <= 9


def test_the_agreements_page_query_count_does_not_grow_with_agreements(client_for, manager, eu):
    client = client_for(manager)
    url = reverse("funding:agreement_list")
    one = _count(client, url)
    for code in ("monaco", "switzerland", "japan"):
        agreement_with_rates(
            code=code, rates=[(datetime.date(2018, 1, 1), Decimal("10.9")), (datetime.date(2019, 1, 1), Decimal("11"))]
        )
    assert _count(client, url) == one <= 9
