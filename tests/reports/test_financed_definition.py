""" "Financed" means money the project kept: a project is financed in a period when its
first approved payment still standing at the period's end (not taken back whole by an
approved reversal dated by then) is dated in the period, so its net approved amount at
the period's end is above zero. Every indicator of financed projects follows it, from
the records (reports) and from the derived facts (dashboard) alike."""

import datetime

import pytest

from funding.models import Grant
from reports import selectors
from reports.facts import facts_current, facts_refresh
from reports.indicators import from_project_facts, registry
from reports.models import ProjectFacts
from tests.factories.refugees import RefugeeFactory
from tests.factories.reports import agreement, financed_project, pay, visit

pytestmark = pytest.mark.django_db
D = datetime.date
START, END = D(2019, 1, 1), D(2019, 6, 30)
FINANCED = ("projects_financed", "refugees_in_financed_projects")


def figures(code: str, start=START, end=END, **kw):
    """The figure from the records, after checking the facts give the same."""
    from_records = registry[code].compute(start, end, **kw)
    facts_refresh()
    with from_project_facts():
        assert registry[code].compute(start, end, **kw) == from_records, code
    return from_records


@pytest.fixture
def eu(db):
    return agreement("eu")


def project_paid(eu, amount="20000", kind=Grant.Kind.STARTUP):
    members = [RefugeeFactory(), RefugeeFactory()]
    project = financed_project(D(2019, 2, 1), members=members, agreements=[eu], amount=amount, kind=kind)
    grant = project.grants.get(kind=kind)
    return project, grant, grant.disbursements.get()


def reverse(grant, payment, day, eu, amount=None):
    return pay(grant, day, amount or str(payment.amount), agreements=[eu], kind="reversal", reverses=payment)


def test_a_payment_reversed_in_full_within_the_period_finances_nothing(eu):
    _project, grant, payment = project_paid(eu)
    reverse(grant, payment, D(2019, 3, 1), eu)
    assert [figures(code) for code in FINANCED] == [0, 0]
    assert figures("amount_disbursed_mad") == 0


def test_a_payment_reversed_after_the_period_s_end_financed_the_project_in_it(eu):
    _project, grant, payment = project_paid(eu)
    reverse(grant, payment, D(2019, 8, 1), eu)
    assert [figures(code) for code in FINANCED] == [1, 2]
    # Over a period that includes the reversal the project was not financed.
    assert figures("projects_financed", end=D(2019, 12, 31)) == 0
    assert figures("projects_financed", start=D(2019, 7, 1), end=D(2019, 12, 31)) == 0


def test_a_partly_reversed_payment_finances_the_project(eu):
    _project, grant, payment = project_paid(eu)
    reverse(grant, payment, D(2019, 3, 1), eu, amount="5000")
    assert [figures(code) for code in FINANCED] == [1, 2]


def test_two_payments_one_reversed_finance_the_project(eu):
    project, grant, first = project_paid(eu)
    pay(grant, D(2019, 4, 1), "5000", agreements=[eu])
    reverse(grant, first, D(2019, 3, 1), eu)
    assert [figures(code) for code in FINANCED] == [1, 2]
    # Financed from the payment that still stands: not in a period ending before it...
    assert figures("projects_financed", end=D(2019, 3, 31)) == 0
    # ... and in one that starts after the reversed payment.
    assert figures("projects_financed", start=D(2019, 3, 15)) == 1
    facts = ProjectFacts.objects.get(project=project)
    assert (facts.first_startup_payment, facts.startup_exact_from) == (D(2019, 4, 1), D(2019, 3, 1))


def test_a_reinforcement_reversed_in_full_is_no_reinforcement(eu):
    project, _grant, _payment = project_paid(eu)
    financed_project(D(2019, 4, 1), project=project, kind=Grant.Kind.REINFORCEMENT, agreements=[eu], amount="5000")
    grant = project.grants.get(kind=Grant.Kind.REINFORCEMENT)
    assert figures("startups_reinforced") == 1
    reverse(grant, grant.disbursements.get(), D(2019, 5, 1), eu)
    assert figures("startups_reinforced") == 0
    assert figures("startups_reinforced", end=D(2019, 4, 30)) == 1


def test_the_follow_up_indicators_count_only_financed_projects(eu):
    kept, _g, _p = project_paid(eu)
    taken_back, grant, payment = project_paid(eu)
    reverse(grant, payment, D(2019, 3, 1), eu)
    for project in (kept, taken_back):
        visit(project, 1, D(2019, 3, 5), jobs_refugee_women=2)
    assert figures("jobs_refugee_women") == 2
    visit(kept, 6, D(2019, 8, 2))
    visit(taken_back, 6, D(2019, 8, 2))
    assert figures("visited_6m", end=D(2019, 12, 31)) == 1
    assert figures("operating_6m", end=D(2019, 12, 31)) == 1
    assert selectors.kaplan_meier(D(2019, 12, 31), {})[0]["at_risk"] == 1
    assert selectors.kaplan_meier(D(2019, 12, 31), {}, facts=facts_current())[0]["at_risk"] == 1
