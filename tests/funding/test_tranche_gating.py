import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding.models import FollowUpVisit
from funding.services import visit_record
from tests.factories.funding import paid

pytestmark = pytest.mark.django_db


def _visit_data(**kw):
    data = {
        "done_on": datetime.date(2025, 8, 3),
        "mode": "on_site",
        "business_status": "operating",
        "monthly_revenue": Decimal("4000.00"),
        "monthly_costs": Decimal("2500.00"),
        "jobs_refugee_women": 1,
        "jobs_refugee_men": 0,
        "jobs_moroccan_women": 0,
        "jobs_moroccan_men": 1,
        "observations": "",
        "recommendations": "",
        "verdict": "satisfactory",
    }
    data.update(kw)
    return data


def test_a_gated_tranche_waits_for_a_satisfactory_visit_then_is_paid(grant, caseworker, manager2):
    second = grant.tranches.get(number=2)
    with pytest.raises(ValidationError, match="cannot be paid before tranche 1"):
        paid(grant, amount="10000.00", by=caseworker, approver=manager2, tranche=second)

    paid(grant, amount="20000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    with pytest.raises(ValidationError, match="the 1-month visit due on 01/08/2025") as refused:
        paid(grant, amount="10000.00", by=caseworker, approver=manager2, tranche=second, date=datetime.date(2025, 9, 1))
    assert refused.value.code == "visit_missing"

    first_visit = FollowUpVisit.objects.get(project=grant.project, months_after_funding=1)
    visit_record(visit=first_visit, by=caseworker, data=_visit_data(verdict="unsatisfactory"))
    with pytest.raises(ValidationError, match="3-month visit"):
        paid(grant, amount="10000.00", by=caseworker, approver=manager2, tranche=second, date=datetime.date(2025, 9, 1))

    visit_record(visit=first_visit, by=caseworker, data=_visit_data(verdict="satisfactory"))
    entry = paid(
        grant, amount="10000.00", by=caseworker, approver=manager2, tranche=second, date=datetime.date(2025, 9, 1)
    )
    assert entry.status == "approved"


def test_a_visit_before_the_previous_payment_does_not_open_the_tranche(grant, caseworker, manager2):
    paid(grant, amount="10000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    visit = FollowUpVisit.objects.get(project=grant.project, months_after_funding=1)
    visit_record(visit=visit, by=caseworker, data=_visit_data(done_on=datetime.date(2025, 7, 10)))
    # The rest of tranche 1 is paid after the visit: the visit no longer counts for tranche 2.
    paid(grant, amount="10000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 20))
    with pytest.raises(ValidationError, match="satisfactory follow-up visit after"):
        paid(
            grant,
            amount="10000.00",
            by=caseworker,
            approver=manager2,
            tranche=grant.tranches.get(number=2),
            date=datetime.date(2025, 9, 1),
        )
