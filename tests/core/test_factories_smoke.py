"""The shared factories build valid rows (other apps' tests stand on them)."""

import pytest

from tests.factories.funding import ExchangeRateFactory, GrantFundingFactory, TrancheFactory
from tests.factories.projects import AttendanceFactory, BudgetLineFactory, FeasibilityStudyFactory, ProjectMemberFactory

pytestmark = pytest.mark.django_db


def test_it_builds_a_project_with_member_budget_and_study():
    member = ProjectMemberFactory()
    BudgetLineFactory(project=member.project)
    FeasibilityStudyFactory(project=member.project)
    AttendanceFactory(refugee=member.refugee)
    line = member.project.budget_lines.get()
    line.refresh_from_db()
    assert line.total == line.quantity * line.unit_cost


def test_it_builds_a_funded_grant_plan():
    share = GrantFundingFactory()
    ExchangeRateFactory(agreement=share.agreement)
    TrancheFactory(grant=share.grant)
    assert share.grant.funding.get().amount == share.grant.amount
