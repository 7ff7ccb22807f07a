"""A refugee is in one active project at a time: a database rule with a friendly error."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects import services
from projects.models import ProjectMember
from projects.services import applications
from tests.factories.projects import BusinessProjectFactory, ProjectMemberFactory
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_refugee(office_rabat, caseworker):
    refugee = RefugeeFactory(office=office_rabat, unhcr_individual_number="RAB-26C00077")
    other = BusinessProjectFactory(office=office_rabat, created_by=caseworker, title="Boulangerie du quartier")
    ProjectMemberFactory(project=other, refugee=refugee)
    return refugee, other


def test_the_database_refuses_a_second_active_membership(busy_refugee, draft):
    refugee, _other = busy_refugee
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectMember.objects.create(project=draft, refugee=refugee, is_lead=True)


def test_the_service_names_the_other_project(busy_refugee, draft, caseworker):
    refugee, other = busy_refugee
    with pytest.raises(ValidationError) as exc:
        services.member_add(project=draft, refugee=refugee, by=caseworker, is_lead=True)
    message = " ".join(exc.value.messages)
    assert other.reference in message and "Boulangerie du quartier" in message
    assert not draft.members.exists()


def test_a_closed_or_rejected_project_frees_the_person(busy_refugee, draft, caseworker):
    refugee, other = busy_refugee
    ProjectMember.objects.filter(project=other).update(is_active=False)
    member = services.member_add(project=draft, refugee=refugee, by=caseworker, is_lead=True)
    assert member.is_active


def test_the_form_shows_the_error_next_to_the_field(busy_refugee, draft, client_for, caseworker):
    _refugee, other = busy_refugee
    response = client_for(caseworker).post(
        f"/projects/{draft.pk}/members/", {"unhcr_number": "rab 26c00077", "share_percent": "100", "is_lead": "on"}
    )
    assert response.status_code == 400
    errors = response.context["member_form"].errors["unhcr_number"]
    assert other.reference in errors[0]
    assert not draft.members.exists()


def test_the_form_adds_a_free_refugee_of_the_office(draft, client_for, caseworker, office_rabat):
    RefugeeFactory(office=office_rabat, unhcr_individual_number="RAB-26C00088")
    response = client_for(caseworker).post(
        f"/projects/{draft.pk}/members/", {"unhcr_number": "RAB-26C00088", "share_percent": "100", "is_lead": "on"}
    )
    assert response.status_code == 302
    assert draft.members.get().is_lead


def test_the_form_refuses_a_refugee_of_another_office(draft, client_for, caseworker, office_oujda):
    RefugeeFactory(office=office_oujda, unhcr_individual_number="OUJ-26C00001")
    response = client_for(caseworker).post(
        f"/projects/{draft.pk}/members/", {"unhcr_number": "OUJ-26C00001", "share_percent": "100"}
    )
    assert response.status_code == 400
    assert not draft.members.exists()


def test_a_committee_member_cannot_add_members(draft, client_for, committee_member):
    response = client_for(committee_member).post(
        f"/projects/{draft.pk}/members/", {"unhcr_number": "RAB-26C00088", "share_percent": "100"}
    )
    assert response.status_code == 403


def test_a_race_past_the_pre_check_still_gets_the_friendly_error(busy_refugee, draft, caseworker, monkeypatch):
    """Two caseworkers add the same person at once: the pre-check passes for both, the
    partial unique index refuses the second insert, and the service translates it."""
    refugee, other = busy_refugee
    real = services.active_project_of
    calls = {"n": 0}

    def stale_first_check(person, **kwargs):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(person, **kwargs)

    monkeypatch.setattr(applications, "active_project_of", stale_first_check)  # where member_add looks it up
    with pytest.raises(ValidationError) as exc:
        services.member_add(project=draft, refugee=refugee, by=caseworker, is_lead=True)
    assert exc.value.code == "one_active" and other.reference in " ".join(exc.value.messages)
    assert not draft.members.exists()
