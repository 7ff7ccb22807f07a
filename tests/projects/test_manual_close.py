"""A programme manager closes a funded or operating project by hand, with its outcome."""

import pytest
from django.urls import reverse

from projects.models import ProjectMember, ProjectOutcome, ProjectStatus, ProjectTransition
from tests.factories.projects import BusinessProjectFactory, ProjectMemberFactory
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operating(office_rabat, caseworker):
    project = BusinessProjectFactory(office=office_rabat, created_by=caseworker, status=ProjectStatus.OPERATING)
    ProjectMemberFactory(project=project, refugee=RefugeeFactory(office=office_rabat), is_lead=True)
    return project


def _close(client, project, **data):
    payload = {"expected": project.status, "outcome": ProjectOutcome.SUSTAINED, "comment": "Support completed"}
    payload.update(data)
    return client.post(reverse("projects:close", args=[project.pk]), payload)


def test_it_shows_managers_the_close_form_on_an_operating_project(client_for, manager, operating):
    html = client_for(manager).get(reverse("projects:detail", args=[operating.pk])).content.decode()
    assert 'id="close-project"' in html


def test_it_hides_the_close_form_from_caseworkers(client_for, caseworker, operating):
    html = client_for(caseworker).get(reverse("projects:detail", args=[operating.pk])).content.decode()
    assert 'id="close-project"' not in html


def test_it_closes_with_the_outcome_and_records_the_transition(client_for, manager, operating):
    response = _close(client_for(manager), operating)
    assert response.status_code == 302
    operating.refresh_from_db()
    assert (operating.status, operating.outcome) == (ProjectStatus.CLOSED, ProjectOutcome.SUSTAINED)
    move = ProjectTransition.objects.get(project=operating, action="close")
    assert (move.from_status, move.to_status, move.by, move.comment) == (
        ProjectStatus.OPERATING,
        ProjectStatus.CLOSED,
        manager,
        "Support completed",
    )
    assert not ProjectMember.objects.filter(project=operating, is_active=True).exists()


def test_it_refuses_a_caseworker(client_for, caseworker, operating):
    assert _close(client_for(caseworker), operating).status_code == 403
    operating.refresh_from_db()
    assert operating.status == ProjectStatus.OPERATING


def test_it_refuses_to_close_a_draft_and_leaves_it_unchanged(client_for, manager, office_rabat, caseworker):
    draft = BusinessProjectFactory(office=office_rabat, created_by=caseworker)
    response = _close(client_for(manager), draft, expected=ProjectStatus.DRAFT)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT
    assert not ProjectTransition.objects.filter(project=draft).exists()


def test_it_explains_a_missing_reason_and_saves_nothing(client_for, manager, operating):
    client = client_for(manager)
    client.cookies["django_language"] = "fr"
    response = _close(client, operating, comment="")
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    operating.refresh_from_db()
    assert operating.status == ProjectStatus.OPERATING
