import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories.funding import approved_project, awarded_grant, paid

pytestmark = pytest.mark.django_db


def test_the_agreement_page_shows_spend_in_currency_and_mad(grant, client_for, caseworker, manager2, manager):
    paid(grant, amount="3000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    response = client_for(manager).get(reverse("funding:agreement_list"))
    rows = {a.reference: a for a in response.context["agreements"]}
    eu, mc = rows["EU-T-01"], rows["MC-T-01"]
    assert eu.spent_mad == Decimal("2000.00")
    assert eu.spent_currency == Decimal("183.49")  # 2000 / 10.9
    assert mc.spent_mad == Decimal("1000.00")
    assert mc.spent_currency == Decimal("91.32")  # 1000 / 10.95
    assert eu.committed_mad == Decimal("20000.00")
    assert eu.left_currency == Decimal("621000.00") - Decimal("183.49")


def test_grant_list_and_agreements_have_constant_query_counts(
    office_rabat, eu, monaco, manager, caseworker, manager2, client_for, django_assert_max_num_queries
):
    client = client_for(manager)
    for _ in range(6):
        project = approved_project(office=office_rabat, approved_amount=Decimal("10000.00"), members=0)
        grant = awarded_grant(
            project=project, by=manager, amount=Decimal("10000.00"), shares=[(eu, "6000.00"), (monaco, "4000.00")]
        )
        paid(grant, amount="1000.00", by=caseworker, approver=manager2)
    with django_assert_max_num_queries(10):
        client.get(reverse("funding:grant_list"))
    with django_assert_max_num_queries(9):  # running totals: agreements + rates
        client.get(reverse("funding:agreement_list"))
    with django_assert_max_num_queries(10):
        client.get(reverse("funding:approval_queue"))


def test_the_grant_page_shows_a_running_balance(
    grant, client_for, caseworker, manager, manager2, django_assert_max_num_queries
):
    paid(grant, amount="3000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    paid(grant, amount="2000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 2))
    client = client_for(caseworker)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("funding:grant_detail", args=[grant.pk]))
    balances = [e.balance for e in response.context["ledger"]]
    assert balances == [Decimal("27000.00"), Decimal("25000.00")]
    assert len(response.context["visits"]) == 5
