import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.money import Currency
from funding.models import Grant
from tests.factories.funding import agreement_with_rates, approved_project, awarded_grant

pytestmark = pytest.mark.django_db


def test_it_awards_a_start_up_grant_split_across_two_agreements(grant):
    assert grant.kind == Grant.Kind.STARTUP
    assert sorted(grant.funding.values_list("amount", flat=True)) == [Decimal("10000.00"), Decimal("20000.00")]
    assert list(grant.tranches.values_list("number", "amount")) == [(1, Decimal("20000.00")), (2, Decimal("10000.00"))]


def test_it_refuses_more_than_the_committee_approved(rabat_project, eu, manager):
    with pytest.raises(ValidationError, match="approved by the committee"):
        awarded_grant(project=rabat_project, by=manager, amount=Decimal("30000.01"), shares=[(eu, "30000.01")])


def test_it_refuses_a_start_up_grant_for_a_project_not_approved(office_rabat, eu, manager):
    project = approved_project(office=office_rabat, status="submitted")
    with pytest.raises(ValidationError, match="approved by the committee"):
        awarded_grant(project=project, by=manager, shares=[(eu, "20000.00")])


def test_it_gives_reinforcement_only_to_an_operating_business(office_rabat, rabat_project, eu, manager):
    with pytest.raises(ValidationError, match="already operating"):
        awarded_grant(project=rabat_project, by=manager, kind="reinforcement", shares=[(eu, "20000.00")])
    operating = approved_project(office=office_rabat, status="operating")
    top_up = awarded_grant(
        project=operating, by=manager, kind="reinforcement", amount=Decimal("5000.00"), shares=[(eu, "5000.00")]
    )
    assert top_up.kind == Grant.Kind.REINFORCEMENT


def test_it_refuses_shares_that_do_not_add_up(rabat_project, eu, monaco, manager):
    with pytest.raises(ValidationError, match=r"shares add up to 29,999\.99 MAD"):
        awarded_grant(
            project=rabat_project,
            by=manager,
            amount=Decimal("30000.00"),
            shares=[(eu, "20000.00"), (monaco, "9999.99")],
        )
    assert not Grant.objects.exists()


def test_it_refuses_tranches_that_do_not_add_up(rabat_project, eu, manager):
    with pytest.raises(ValidationError, match="tranches add up"):
        awarded_grant(
            project=rabat_project,
            by=manager,
            amount=Decimal("30000.00"),
            shares=[(eu, "30000.00")],
            tranches=[("10000.00", "none")],
        )


def test_it_refuses_to_commit_an_agreement_beyond_its_amount(office_rabat, manager):
    small = agreement_with_rates(
        code="japan",
        currency=Currency.JPY,
        amount=Decimal("300000"),
        rates=[(datetime.date(2024, 1, 1), Decimal("0.090000"))],
    )
    first = approved_project(office=office_rabat, approved_amount=Decimal("20000.00"))
    awarded_grant(project=first, by=manager, amount=Decimal("20000.00"), shares=[(small, "20000.00")])  # 222,222 JPY
    second = approved_project(office=office_rabat, approved_amount=Decimal("20000.00"))
    with pytest.raises(ValidationError, match=r"cannot take 222,222\.22 JPY more"):
        awarded_grant(project=second, by=manager, amount=Decimal("20000.00"), shares=[(small, "20000.00")])
    assert second.grants.count() == 0


def test_only_a_manager_awards(rabat_project, eu, caseworker):
    with pytest.raises(PermissionDenied, match="programme manager"):
        awarded_grant(project=rabat_project, by=caseworker, shares=[(eu, "20000.00")])
