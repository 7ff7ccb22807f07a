"""The refugee's derived status and timeline, fed by this app through core.registry."""

from decimal import Decimal

import pytest

from core.registry import timeline
from projects import services
from projects.models import CommitteeDecision, ProjectOutcome
from projects.selectors import refugee_funnel
from refugees.models import Refugee, RefugeeStatus
from refugees.services import refugee_refresh_status
from tests.factories.projects import AttendanceFactory

pytestmark = pytest.mark.django_db


def _status(refugee) -> str:
    refugee_refresh_status(refugee_ids=[refugee.pk])
    return Refugee.objects.get(pk=refugee.pk).status


def test_a_registered_person_without_facts_stays_registered(ready_draft):
    lead = ready_draft.members.get().refugee
    assert _status(lead) == RefugeeStatus.REGISTERED  # a draft is not an application yet


def test_submission_makes_an_applicant_and_a_return_keeps_it(scored_item, chair):
    lead = scored_item.project.members.get().refugee
    assert _status(lead) == RefugeeStatus.APPLICANT
    services.decision_record(
        item=scored_item, by=chair, decision=CommitteeDecision.Decision.RETURNED, reason="Add quotes"
    )
    assert _status(lead) == RefugeeStatus.APPLICANT


@pytest.mark.parametrize(
    ("outcome", "status"),
    [(ProjectOutcome.WITHDRAWN, RefugeeStatus.EXITED), (ProjectOutcome.SUSTAINED, RefugeeStatus.APPLICANT)],
)
def test_closing_with_an_exit_outcome_makes_exited(scored_item, chair, manager, outcome, status):
    project = scored_item.project
    services.decision_record(
        item=scored_item, by=chair, decision=CommitteeDecision.Decision.APPROVED, approved_amount=Decimal(5000)
    )
    services.project_mark_funded(project=project, by=manager)
    services.project_close(project=project, by=manager, outcome=outcome)
    # "financed" (rank 40) belongs to the funding app; without it a sustained project stays applicant here.
    assert _status(project.members.get().refugee) == status


def test_the_timeline_shows_sessions_membership_moves_and_decisions(scored_item, chair, manager):
    lead = scored_item.project.members.get().refugee
    AttendanceFactory(refugee=lead, session__office=scored_item.project.office)
    services.decision_record(
        item=scored_item, by=chair, decision=CommitteeDecision.Decision.APPROVED, approved_amount=Decimal(5000)
    )
    services.project_mark_funded(project=scored_item.project, by=manager)
    events = timeline.events_for(lead, manager)
    kinds = [e.kind for e in events]
    assert {"session", "project", "committee", "funnel"} <= set(kinds)
    funnel = next(e for e in events if e.kind == "funnel")
    assert [s.reached for s in funnel.extra["steps"]] == [True, True, True, True]
    assert funnel.extra["steps"] == refugee_funnel(lead)  # read from the timeline's rows, same answer
    assert all(e.url == "" for e in timeline.events_for(lead, chair) if e.kind == "session")
