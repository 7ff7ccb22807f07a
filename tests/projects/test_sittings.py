"""Sittings: planned by a manager, agenda filled by a manager, closed by the chair."""

import pytest

from projects.models import BusinessProject, CommitteeSitting, ProjectStatus

pytestmark = pytest.mark.django_db


def test_a_manager_plans_a_sitting(client_for, manager, members):
    data = {"date": "2026-04-14", "location": "Rabat", "quorum": "2", "chair": members[0].pk}
    data["members"] = [m.pk for m in members[1:]]
    response = client_for(manager).post("/projects/committee/new/", data)
    assert response.status_code == 302
    sitting = CommitteeSitting.objects.get()
    assert set(sitting.members.all()) == set(members)  # the chair sits too


def test_the_quorum_cannot_exceed_the_members(client_for, manager, members):
    data = {"date": "2026-04-14", "quorum": "9", "chair": members[0].pk, "members": [members[1].pk]}
    response = client_for(manager).post("/projects/committee/new/", data)
    assert response.status_code == 200 and "quorum" in response.context["form"].errors
    assert not CommitteeSitting.objects.exists()


@pytest.mark.parametrize("who", ["caseworker", "committee_member", "partner_unhcr"])
def test_others_cannot_plan_a_sitting(client_for, request, who):
    assert client_for(request.getfixturevalue(who)).get("/projects/committee/new/").status_code == 403


def test_a_manager_puts_a_submitted_project_on_the_agenda(client_for, manager, sitting, submitted):
    response = client_for(manager).post(f"/projects/committee/{sitting.pk}/", {"project": submitted.pk})
    assert response.status_code == 302
    assert BusinessProject.objects.get(pk=submitted.pk).status == ProjectStatus.UNDER_REVIEW
    assert sitting.agenda.get().project_id == submitted.pk


def test_a_committee_member_cannot_fill_the_agenda(client_for, chair, sitting, submitted):
    assert client_for(chair).post(f"/projects/committee/{sitting.pk}/", {"project": submitted.pk}).status_code == 403
    assert not sitting.agenda.exists()


def test_the_chair_closes_the_sitting_and_others_cannot(client_for, sitting, members):
    assert client_for(members[1]).post(f"/projects/committee/{sitting.pk}/close/").status_code == 403
    assert client_for(members[0]).post(f"/projects/committee/{sitting.pk}/close/").status_code == 302
    assert CommitteeSitting.objects.get(pk=sitting.pk).status == CommitteeSitting.Status.CLOSED


def test_a_member_sees_only_their_sittings(client_for, sitting, manager, members):
    from core.roles import Role
    from tests.factories.core import make_user

    outsider = make_user(Role.COMMITTEE_MEMBER, username="committee.other")
    assert client_for(outsider).get(f"/projects/committee/{sitting.pk}/").status_code == 404
    listed = client_for(outsider).get("/projects/committee/").context["page"]
    assert len(listed) == 0
    assert client_for(members[2]).get(f"/projects/committee/{sitting.pk}/").status_code == 200
