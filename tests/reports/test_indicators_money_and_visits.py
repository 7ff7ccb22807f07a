"""Money and follow-up indicators: disbursed, jobs, survival, revenue, visits."""

import datetime
from decimal import Decimal

import pytest

from funding.models import FollowUpVisit
from reports.indicators import amount_by_agreement, registry
from tests.factories.reports import agreement, financed_project, pay, visit

pytestmark = pytest.mark.django_db
S, E = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)


def value(code, start=S, end=E, **kw):
    return registry[code].compute(start, end, **kw)


def test_it_sums_payments_minus_reversals_per_agreement_and_in_mad():
    eu, ch = agreement("eu", rate="10.000000"), agreement("switzerland", currency="CHF", rate="8.000000")
    project = financed_project(datetime.date(2019, 2, 1), agreements=[eu, ch], amount="16000")
    wrong = pay(project.grants.get(), datetime.date(2019, 3, 1), "4000", agreements=[eu])
    pay(project.grants.get(), datetime.date(2019, 3, 2), "4000", agreements=[eu], kind="reversal", reverses=wrong)
    pay(project.grants.get(), datetime.date(2019, 3, 3), "999", agreements=[eu], status="pending")
    assert value("amount_disbursed_mad") == Decimal("16000.00")
    assert value("amount_disbursed_mad", by="donor") == {"eu": Decimal("8000.00"), "switzerland": Decimal("8000.00")}
    assert value("amount_disbursed_mad", by="office") == {"rabat": Decimal("16000.00")}
    rows = {r["agreement"]: r for r in amount_by_agreement(S, E)}
    assert rows[ch.reference]["amount_currency"] == Decimal("1000.00")
    assert rows[eu.reference]["amount_mad"] == Decimal("8000.00")


def test_it_takes_jobs_and_revenue_from_each_financed_projects_latest_visit():
    project = financed_project(datetime.date(2019, 1, 15))
    visit(project, 1, datetime.date(2019, 2, 15), revenue="1000", jobs_refugee_women=5)
    visit(project, 3, datetime.date(2019, 4, 15), revenue="3000", jobs_refugee_women=1, jobs_moroccan_men=2)
    visit(project, 12, datetime.date(2020, 1, 15), revenue="9000", jobs_refugee_women=9)  # after the period
    other = financed_project(datetime.date(2019, 6, 1))
    visit(other, 1, datetime.date(2019, 7, 1), revenue="5000", jobs_refugee_men=1)
    assert value("jobs_refugee_women") == 1
    assert value("jobs_refugee_men") == 1
    assert value("jobs_moroccan_men") == 2
    assert value("jobs_moroccan_women") == 0
    assert value("average_monthly_revenue") == Decimal("4000.00")
    assert value("jobs_refugee_women", by="office") == {"rabat": 1}


def test_it_computes_survival_among_businesses_visited_at_n_months():
    start, end = datetime.date(2018, 1, 1), datetime.date(2019, 12, 31)
    alive = financed_project(datetime.date(2018, 1, 10))
    closed = financed_project(datetime.date(2018, 2, 10))
    not_visited = financed_project(datetime.date(2018, 3, 10))
    too_recent = financed_project(datetime.date(2019, 9, 1))
    visit(alive, 6, datetime.date(2018, 7, 10))
    visit(closed, 6, datetime.date(2018, 8, 10), status="closed")
    visit(alive, 12, datetime.date(2019, 1, 10))
    visit(too_recent, 6, datetime.date(2019, 12, 1))  # not yet 6 months at the period's end
    assert not_visited.visits.count() == 0
    assert value("visited_6m", start, end) == 2
    assert value("operating_6m", start, end) == 1
    assert value("survival_rate_6m", start, end) == Decimal("50.0")
    assert value("survival_rate_12m", start, end) == Decimal("100.0")
    assert value("survival_rate_24m", start, end) is None
    assert value("survival_rate_6m", start, end, by="sex") == {"F": Decimal("50.0")}


def test_it_counts_visits_done_and_overdue():
    project = financed_project(datetime.date(2019, 1, 15))
    visit(project, 1, datetime.date(2019, 2, 15))
    FollowUpVisit.objects.create(project=project, months_after_funding=3, due_date=datetime.date(2019, 4, 15))
    FollowUpVisit.objects.create(project=project, months_after_funding=24, due_date=datetime.date(2021, 1, 15))
    assert value("visits_done") == 1
    assert value("visits_overdue") == 1
    assert value("visits_overdue", by="office") == {"rabat": 1}
