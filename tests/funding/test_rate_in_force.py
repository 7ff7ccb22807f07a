import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.money import Currency
from funding.models import DisbursementAllocation
from funding.selectors import rate_in_force
from tests.factories.funding import agreement_with_rates, paid

pytestmark = pytest.mark.django_db


def test_it_uses_the_latest_rate_valid_on_the_date(eu):
    assert rate_in_force(eu, datetime.date(2025, 8, 31)).mad_per_unit == Decimal("10.900000")
    assert rate_in_force(eu, datetime.date(2025, 9, 1)).mad_per_unit == Decimal("11.000000")
    assert rate_in_force(eu, datetime.date(2026, 1, 1)).mad_per_unit == Decimal("11.000000")


def test_it_refuses_clearly_when_no_rate_is_in_force(eu):
    with pytest.raises(ValidationError, match="No exchange rate of agreement EU-T-01"):
        rate_in_force(eu, datetime.date(2023, 12, 31))


def test_it_converts_each_payment_at_the_rate_of_its_date_exactly(grant, caseworker, manager2):
    before = paid(grant, amount="10000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 8, 15))
    after = paid(grant, amount="10000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 9, 15))
    eu_before = DisbursementAllocation.objects.get(disbursement=before, agreement__reference="EU-T-01")
    eu_after = DisbursementAllocation.objects.get(disbursement=after, agreement__reference="EU-T-01")
    # 2/3 of 10,000 = 6,666.67 (the rounding remainder goes on the largest share)
    assert eu_before.amount_mad == Decimal("6666.67")
    assert eu_before.rate == Decimal("10.900000")
    assert eu_before.amount_currency == Decimal("611.62")  # 6666.67 / 10.9 = 611.621...
    assert eu_after.rate == Decimal("11.000000")
    assert eu_after.amount_currency == Decimal("606.06")  # 6666.67 / 11 = 606.06...
    monaco = DisbursementAllocation.objects.get(disbursement=before, agreement__reference="MC-T-01")
    assert monaco.amount_mad == Decimal("3333.33")
    assert eu_before.amount_mad + monaco.amount_mad == Decimal("10000.00")
    assert isinstance(monaco.amount_currency, Decimal)


def test_it_refuses_to_approve_a_payment_with_no_rate_in_force(rabat_project, manager, caseworker, manager2):
    from tests.factories.funding import awarded_grant

    late = agreement_with_rates(
        code="japan",
        currency=Currency.JPY,
        amount=Decimal("9000000"),
        rates=[(datetime.date(2025, 1, 1), Decimal("0.09"))],
    )
    grant = awarded_grant(project=rabat_project, by=manager, amount=Decimal("9000.00"), shares=[(late, "9000.00")])
    late.rates.update(valid_from=datetime.date(2025, 7, 2))
    with pytest.raises(ValidationError, match="No exchange rate"):
        paid(grant, amount="1000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
