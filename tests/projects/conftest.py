"""Fixtures for the projects tests: a ready draft, a committee sitting."""

import datetime
from decimal import Decimal

import pytest

from core.roles import Role
from projects import services
from projects.models import ScoringCriterion
from tests.factories.core import make_user
from tests.factories.projects import (
    BudgetLineFactory,
    BusinessProjectFactory,
    FeasibilityStudyFactory,
    ProjectMemberFactory,
)
from tests.factories.refugees import RefugeeFactory


@pytest.fixture(autouse=True)
def english_messages():
    """Services and forms called directly speak English here (pages follow the request)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def draft(caseworker, office_rabat):
    """A draft in Rabat with nothing in it yet."""
    return BusinessProjectFactory(office=office_rabat, created_by=caseworker, title="Atelier de couture Amal")


@pytest.fixture
def ready_draft(draft, office_rabat):
    """A draft that meets every submission guard: lead, budget 8,000, study."""
    ProjectMemberFactory(project=draft, refugee=RefugeeFactory(office=office_rabat), is_lead=True)
    BudgetLineFactory(project=draft, quantity=Decimal("2"), unit_cost=Decimal("4000.00"))
    FeasibilityStudyFactory(project=draft)
    return draft


@pytest.fixture
def submitted(ready_draft, caseworker):
    return services.project_submit(project=ready_draft, by=caseworker)


@pytest.fixture
def chair(committee_member):
    return committee_member


@pytest.fixture
def members(chair):
    return [
        chair,
        make_user(Role.COMMITTEE_MEMBER, username="committee.b"),
        make_user(Role.COMMITTEE_MEMBER, username="committee.c"),
    ]


@pytest.fixture
def sitting(manager, chair, members):
    return services.sitting_create(
        by=manager, date=datetime.date(2026, 3, 10), chair=chair, members=members, quorum=2, location="Rabat"
    )


@pytest.fixture
def item(sitting, submitted, manager):
    return services.agenda_add(sitting=sitting, project=submitted, by=manager)


@pytest.fixture
def criteria(db):
    return list(ScoringCriterion.objects.filter(is_active=True))


def full_scores(criteria, value: int = 7) -> dict[int, int]:
    return {c.pk: value for c in criteria}


@pytest.fixture
def scored_item(item, members, criteria):
    """Two members (the chair and one more) scored: the quorum of 2 is met."""
    services.score_record(item=item, member=members[0], values=full_scores(criteria, 8))
    services.score_record(item=item, member=members[1], values=full_scores(criteria, 6))
    return item
