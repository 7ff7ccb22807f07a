"""Cooperatives: a minimum of members at submission, ODCO steps, a legal form change kept."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects import services
from projects.models import BusinessProject, LegalForm, ProjectStatus
from tests.factories.projects import ProjectMemberFactory

pytestmark = pytest.mark.django_db


def _to_cooperative(project, by):
    return services.project_update(project=project, by=by, legal_form=LegalForm.COOPERATIVE)


def test_changing_to_a_cooperative_keeps_the_history(ready_draft, caseworker):
    project = _to_cooperative(ready_draft, caseworker)
    change = project.transitions.get(action="change_legal_form")
    assert "Individual activity" in change.comment and "Cooperative" in change.comment
    assert project.history.filter(legal_form=LegalForm.INDIVIDUAL).exists()
    assert project.history.filter(legal_form=LegalForm.COOPERATIVE).exists()


def test_a_cooperative_needs_the_minimum_members(ready_draft, caseworker, settings):
    settings.SANAD_COOPERATIVE_MIN_MEMBERS = 5
    project = _to_cooperative(ready_draft, caseworker)
    project.members.update(share_percent=Decimal("20"))
    for _ in range(3):
        ProjectMemberFactory(project=project, is_lead=False, share_percent=Decimal("20"))
    with pytest.raises(ValidationError, match="at least 5 members"):
        services.project_submit(project=project, by=caseworker)
    assert BusinessProject.objects.get(pk=project.pk).status == ProjectStatus.DRAFT
    ProjectMemberFactory(project=project, is_lead=False, share_percent=Decimal("20"))
    assert services.project_submit(project=project, by=caseworker).status == ProjectStatus.SUBMITTED


def test_the_minimum_is_a_setting(ready_draft, caseworker, settings):
    settings.SANAD_COOPERATIVE_MIN_MEMBERS = 1
    project = _to_cooperative(ready_draft, caseworker)
    assert services.project_submit(project=project, by=caseworker).status == ProjectStatus.SUBMITTED


def test_it_records_the_odco_steps_through_the_page(ready_draft, caseworker, client_for):
    _to_cooperative(ready_draft, caseworker)
    client = client_for(caseworker)
    url = f"/projects/{ready_draft.pk}/cooperative/"
    bad = client.post(url, {"proposed_name": "Coopérative Amal", "registration_date": "2026-03-01"})
    assert bad.status_code == 200 and "registration_date" in bad.context["form"].errors
    ok = client.post(
        url,
        {
            "proposed_name": "Coopérative Amal",
            "name_approval_date": "2026-02-01",
            "name_approval_reference": "ODCO-2026-117",
            "registration_date": "2026-03-01",
            "registration_number": "RC-5521",
        },
    )
    assert ok.status_code == 302
    coop = BusinessProject.objects.get(pk=ready_draft.pk).cooperative
    assert coop.registration_number == "RC-5521"


def test_an_individual_project_has_no_odco_steps(ready_draft, caseworker):
    with pytest.raises(ValidationError):
        services.cooperative_save(project=ready_draft, by=caseworker, proposed_name="x")


def test_a_committee_member_cannot_record_odco_steps(ready_draft, client_for, committee_member):
    assert client_for(committee_member).get(f"/projects/{ready_draft.pk}/cooperative/").status_code == 403
