"""The funnel: attended awareness -> applied -> approved -> financed, counted in the database."""

import datetime
from decimal import Decimal

import pytest

from projects import selectors, services
from projects.models import CommitteeDecision
from tests.factories.projects import AttendanceFactory, SessionFactory
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db


def test_it_counts_each_step_once_per_person(scored_item, chair, manager, office_rabat, django_assert_num_queries):
    session = SessionFactory(office=office_rabat, date=datetime.date(2026, 1, 15))
    lead = scored_item.project.members.get().refugee
    AttendanceFactory(session=session, refugee=lead)
    AttendanceFactory(session=SessionFactory(office=office_rabat, date=datetime.date(2026, 1, 20)), refugee=lead)
    for _ in range(3):
        AttendanceFactory(session=session, refugee=RefugeeFactory(office=office_rabat))
    AttendanceFactory(session=SessionFactory(office=office_rabat, date=datetime.date(2025, 1, 1)))  # out of range

    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    with django_assert_num_queries(1):
        counts = selectors.funnel_counts(start, end)
    assert counts == {"attended": 4, "applied": 1, "approved": 0, "financed": 0}

    services.decision_record(
        item=scored_item, by=chair, decision=CommitteeDecision.Decision.APPROVED, approved_amount=Decimal(5000)
    )
    services.project_mark_funded(project=scored_item.project, by=manager, when=datetime.date(2026, 4, 1))
    assert selectors.funnel_counts(start, end) == {"attended": 4, "applied": 1, "approved": 1, "financed": 1}


def test_a_person_path_is_visible(scored_item, chair, office_rabat):
    lead = scored_item.project.members.get().refugee
    steps = selectors.refugee_funnel(lead)
    assert [(s.key, s.reached) for s in steps] == [
        ("awareness", False),
        ("applied", True),
        ("decision", False),
        ("funded", False),
    ]
    services.decision_record(
        item=scored_item, by=chair, decision=CommitteeDecision.Decision.REJECTED, reason="Market saturated"
    )
    decision = selectors.refugee_funnel(lead)[2]
    assert decision.reached and decision.detail == "Rejected"
