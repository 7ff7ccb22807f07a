"""Every transition: the allowed role, a refused role, its guard, and illegal moves
that leave the project unchanged."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects import services
from projects.models import BusinessProject, CommitteeDecision, ProjectOutcome, ProjectStatus, ProjectTransition
from projects.workflow import TRANSITIONS
from tests.factories.projects import ProjectMemberFactory
from tests.projects.conftest import full_scores

pytestmark = pytest.mark.django_db


def _snapshot(project):
    fresh = BusinessProject.objects.get(pk=project.pk)
    return fresh.status, fresh.transitions.count(), fresh.approved_amount


def test_it_submits_a_complete_draft_and_records_the_move(ready_draft, caseworker):
    project = services.project_submit(project=ready_draft, by=caseworker, comment="ready")
    assert project.status == ProjectStatus.SUBMITTED
    assert project.submitted_at is not None
    t = ProjectTransition.objects.get(project=project)
    assert (t.action, t.from_status, t.to_status, t.by, t.comment) == (
        "submit",
        ProjectStatus.DRAFT,
        ProjectStatus.SUBMITTED,
        caseworker,
        "ready",
    )


def test_it_lets_a_manager_submit(ready_draft, manager):
    assert services.project_submit(project=ready_draft, by=manager).status == ProjectStatus.SUBMITTED


def test_it_refuses_submission_by_a_committee_member(ready_draft, committee_member):
    before = _snapshot(ready_draft)
    with pytest.raises(PermissionDenied):
        services.project_submit(project=ready_draft, by=committee_member)
    assert _snapshot(ready_draft) == before


@pytest.mark.parametrize("missing", ["lead", "budget", "study"])
def test_it_refuses_to_submit_without_lead_budget_or_study(ready_draft, caseworker, missing):
    if missing == "lead":
        ready_draft.members.update(is_lead=False)
    elif missing == "budget":
        ready_draft.budget_lines.all().delete()
    else:
        ready_draft.feasibility_study.delete()
    before = _snapshot(ready_draft)
    with pytest.raises(ValidationError) as exc:
        services.project_submit(project=ready_draft, by=caseworker)
    expected = {"lead": "lead member", "budget": "needs a budget", "study": "feasibility study"}[missing]
    assert any(expected in m for m in exc.value.messages)
    assert _snapshot(ready_draft) == before


def test_it_refuses_shares_that_do_not_add_up(ready_draft, caseworker, office_rabat):
    ProjectMemberFactory(project=ready_draft, is_lead=False, share_percent=Decimal("50"))
    with pytest.raises(ValidationError, match="100%"):
        services.project_submit(project=ready_draft, by=caseworker)


def test_it_refuses_an_illegal_transition_and_leaves_the_project_unchanged(submitted, caseworker):
    before = _snapshot(submitted)
    with pytest.raises(ValidationError) as exc:
        services.project_submit(project=submitted, by=caseworker)
    assert exc.value.code == "illegal_transition"
    assert "cannot be moved" in str(exc.value)
    assert _snapshot(submitted) == before


@pytest.mark.parametrize("service", [services.project_mark_funded, services.project_mark_operating])
def test_it_refuses_funding_moves_from_draft(ready_draft, manager, service):
    before = _snapshot(ready_draft)
    with pytest.raises(ValidationError):
        service(project=ready_draft, by=manager)
    assert _snapshot(ready_draft) == before


def test_it_refuses_to_close_a_draft(ready_draft, manager):
    with pytest.raises(ValidationError):
        services.project_close(project=ready_draft, by=manager, outcome=ProjectOutcome.WITHDRAWN)
    assert BusinessProject.objects.get(pk=ready_draft.pk).status == ProjectStatus.DRAFT


def test_it_puts_a_project_under_review_by_the_manager_only(sitting, submitted, manager, caseworker):
    before = _snapshot(submitted)
    with pytest.raises(PermissionDenied):
        services.agenda_add(sitting=sitting, project=submitted, by=caseworker)
    assert _snapshot(submitted) == before
    services.agenda_add(sitting=sitting, project=submitted, by=manager)
    assert BusinessProject.objects.get(pk=submitted.pk).status == ProjectStatus.UNDER_REVIEW


def test_it_refuses_to_put_a_draft_on_the_agenda(sitting, ready_draft, manager):
    with pytest.raises(ValidationError):
        services.agenda_add(sitting=sitting, project=ready_draft, by=manager)
    assert not sitting.agenda.exists()


def test_it_refuses_approval_without_a_committee_decision(item, chair):
    before = _snapshot(item.project)
    with pytest.raises(ValidationError) as exc:
        services.project_approve(project=item.project, by=chair)
    assert exc.value.code == "no_decision"
    assert _snapshot(item.project) == before


@pytest.mark.parametrize("service", [services.project_approve, services.project_reject, services.project_return])
def test_it_refuses_committee_moves_by_a_caseworker(item, caseworker, service):
    with pytest.raises(PermissionDenied):
        service(project=item.project, by=caseworker)


def test_it_walks_the_whole_happy_path(scored_item, chair, manager, criteria):
    project = scored_item.project
    services.decision_record(
        item=scored_item, by=chair, decision=CommitteeDecision.Decision.APPROVED, approved_amount=Decimal("6000")
    )
    services.project_mark_funded(project=project, by=manager)
    services.project_mark_operating(project=project, by=manager)
    services.project_close(project=project, by=manager, outcome=ProjectOutcome.SUSTAINED, comment="done")
    project.refresh_from_db()
    assert project.status == ProjectStatus.CLOSED
    assert project.outcome == ProjectOutcome.SUSTAINED
    assert list(project.transitions.values_list("action", flat=True)) == [
        "submit",
        "start_review",
        "approve",
        "fund",
        "start_operating",
        "close",
    ]
    assert not project.members.filter(is_active=True).exists()


def test_it_returns_a_project_to_draft_and_it_can_be_resubmitted(scored_item, chair, caseworker):
    services.decision_record(
        item=scored_item, by=chair, decision=CommitteeDecision.Decision.RETURNED, reason="Add a quote."
    )
    project = BusinessProject.objects.get(pk=scored_item.project_id)
    assert project.status == ProjectStatus.DRAFT
    assert project.members.filter(is_active=True).exists()
    services.project_submit(project=project, by=caseworker)
    assert BusinessProject.objects.get(pk=project.pk).status == ProjectStatus.SUBMITTED


def test_it_rejects_and_frees_the_members(scored_item, chair):
    services.decision_record(item=scored_item, by=chair, decision=CommitteeDecision.Decision.REJECTED, reason="No")
    project = BusinessProject.objects.get(pk=scored_item.project_id)
    assert project.status == ProjectStatus.REJECTED
    assert not project.members.filter(is_active=True).exists()


def test_the_table_covers_every_status():
    targets = {t.target for t in TRANSITIONS.values()}
    sources = {s for t in TRANSITIONS.values() for s in t.sources}
    assert targets | sources == set(ProjectStatus.values)


def test_it_shows_the_history_on_the_project_page(submitted, client_for, caseworker):
    response = client_for(caseworker).get(f"/projects/{submitted.pk}/")
    assert response.status_code == 200
    assert 'id="history"' in response.content.decode()
    assert response.context["transitions"][0].to_status == ProjectStatus.SUBMITTED


def test_it_submits_through_the_page_and_refuses_a_stale_page(ready_draft, client_for, caseworker):
    client = client_for(caseworker)
    response = client.post(f"/projects/{ready_draft.pk}/submit/", {"expected": "draft"}, follow=True)
    assert BusinessProject.objects.get(pk=ready_draft.pk).status == ProjectStatus.SUBMITTED
    response = client.post(f"/projects/{ready_draft.pk}/submit/", {"expected": "draft"}, follow=True)
    assert response.status_code == 200
    assert ProjectTransition.objects.filter(project=ready_draft).count() == 1


def test_it_refuses_submission_through_the_page_to_a_committee_member(ready_draft, client_for, committee_member):
    response = client_for(committee_member).post(f"/projects/{ready_draft.pk}/submit/", {"expected": "draft"})
    assert response.status_code == 403


def test_it_uses_no_unused_criteria_helper(criteria):
    assert full_scores(criteria)


def test_a_member_without_consent_keeps_the_project_from_submission(client_for, caseworker, ready_draft):
    from projects.services.workflow import submission_problems
    from refugees.models import Consent

    lead = ready_draft.members.get().refugee
    Consent.objects.filter(refugee=lead).delete()
    problems = submission_problems(ready_draft)
    assert any("No consent to take part in the programme" in p and lead.full_name_latin in p for p in problems)
    page = client_for(caseworker).get(reverse("projects:detail", args=[ready_draft.pk])).content.decode()
    assert lead.full_name_latin in page
    response = client_for(caseworker).post(reverse("projects:submit", args=[ready_draft.pk]), {"expected": "draft"})
    ready_draft.refresh_from_db()
    assert ready_draft.status == "draft"
    assert response.status_code in (302, 400)
