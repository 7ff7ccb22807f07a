"""Who sees which project, session and sitting; list query counts are pinned."""

import pytest
from django.core.exceptions import PermissionDenied

from projects import access
from tests.factories.projects import (
    BudgetLineFactory,
    BusinessProjectFactory,
    ProjectMemberFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def test_a_caseworker_sees_own_office_projects_only(draft, caseworker, other_caseworker, office_oujda):
    oujda = BusinessProjectFactory(office=office_oujda, created_by=other_caseworker)
    assert list(access.projects_visible_to(caseworker)) == [draft]
    assert list(access.projects_visible_to(other_caseworker)) == [oujda]


def test_other_caseworker_gets_404_for_a_rabat_project(draft, client_for, other_caseworker, caseworker, manager):
    assert client_for(other_caseworker).get(f"/projects/{draft.pk}/").status_code == 404
    assert client_for(other_caseworker).get(f"/projects/{draft.pk}/edit/").status_code == 404
    assert client_for(caseworker).get(f"/projects/{draft.pk}/").status_code == 200
    assert client_for(manager).get(f"/projects/{draft.pk}/").status_code == 200


def test_partner_officers_get_403_everywhere(draft, client_for, partner_unhcr):
    client = client_for(partner_unhcr)
    for url in (
        "/projects/",
        f"/projects/{draft.pk}/",
        "/projects/new/",
        "/projects/sessions/",
        "/projects/committee/",
    ):
        assert client.get(url).status_code == 403, url
    with pytest.raises(PermissionDenied):
        access.projects_visible_to(partner_unhcr)


def test_a_committee_member_sees_only_projects_on_their_agenda(item, draft, chair, client_for):
    other = BusinessProjectFactory(office=draft.office, created_by=draft.created_by, title="Not on the agenda")
    assert list(access.projects_visible_to(chair)) == [item.project]
    client = client_for(chair)
    assert client.get(f"/projects/{item.project_id}/").status_code == 200
    assert client.get(f"/projects/{other.pk}/").status_code == 404
    assert client.get(f"/projects/{item.project_id}/edit/").status_code == 403


def test_a_committee_member_cannot_create_projects(client_for, committee_member):
    assert client_for(committee_member).get("/projects/new/").status_code == 403


def test_the_project_list_has_a_constant_query_count(
    client_for, caseworker, office_rabat, django_assert_max_num_queries
):
    for i in range(12):
        project = BusinessProjectFactory(office=office_rabat, created_by=caseworker, title=f"P{i}")
        ProjectMemberFactory(project=project)
        BudgetLineFactory(project=project)
    client = client_for(caseworker)
    client.get("/projects/")
    with django_assert_max_num_queries(10):
        response = client.get("/projects/")
    assert response.status_code == 200
    assert len(response.context["page"]) == 12


def test_the_session_list_has_a_constant_query_count(
    client_for, caseworker, office_rabat, django_assert_max_num_queries
):
    for _ in range(10):
        SessionFactory(office=office_rabat)
    client = client_for(caseworker)
    with django_assert_max_num_queries(10):
        assert client.get("/projects/sessions/").status_code == 200


def test_the_committee_page_has_a_constant_query_count(
    item, chair, client_for, django_assert_max_num_queries, sitting, manager, office_rabat
):
    from projects import services
    from tests.factories.projects import FeasibilityStudyFactory

    for i in range(5):
        p = BusinessProjectFactory(office=office_rabat, created_by=manager, title=f"Agenda {i}")
        ProjectMemberFactory(project=p)
        BudgetLineFactory(project=p)
        FeasibilityStudyFactory(project=p)
        services.project_submit(project=p, by=manager)
        services.agenda_add(sitting=sitting, project=p, by=manager)
    client = client_for(chair)
    with django_assert_max_num_queries(12):
        response = client.get(f"/projects/committee/{sitting.pk}/")
    assert len(response.context["agenda"]) == 6


def test_sessions_are_scoped_by_office(client_for, caseworker, other_caseworker, office_rabat):
    session = SessionFactory(office=office_rabat)
    assert client_for(caseworker).get(f"/projects/sessions/{session.pk}/").status_code == 200
    assert client_for(other_caseworker).get(f"/projects/sessions/{session.pk}/").status_code == 404


def test_the_admin_has_no_case_scope_here(draft, item, sitting, client_for, admin_user):
    """The admin is IT (users and reference data in the Django admin), not cases: 403."""
    session = SessionFactory(office=draft.office)
    client = client_for(admin_user)
    for url in (
        "/projects/",
        f"/projects/{draft.pk}/",
        f"/projects/{draft.pk}/edit/",
        "/projects/new/",
        "/projects/sessions/",
        f"/projects/sessions/{session.pk}/",
        "/projects/sessions/new/",
        "/projects/committee/",
        f"/projects/committee/{sitting.pk}/",
        "/projects/committee/new/",
        f"/projects/committee/{sitting.pk}/items/{item.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/projects/{draft.pk}/close/", {}).status_code == 403
    for scope in (access.projects_visible_to, access.sessions_visible_to, access.sittings_visible_to):
        with pytest.raises(PermissionDenied):
            scope(admin_user)
    with pytest.raises(PermissionDenied):
        access.refugees_pickable_by(admin_user)


def test_a_committee_member_who_is_also_a_caseworker_sees_both_but_edits_only_the_office(
    item, client_for, other_caseworker, office_oujda
):
    """The agenda grant is OR-ed with the office scope, and gives no write."""
    from django.contrib.auth.models import Group

    from core.roles import Role

    other_caseworker.groups.add(Group.objects.get(name=Role.COMMITTEE_MEMBER))
    item.sitting.members.add(other_caseworker)
    other_caseworker._sanad_roles = None  # roles_of caches the roles on the user
    own = BusinessProjectFactory(office=office_oujda, created_by=other_caseworker, title="Oujda project")
    assert set(access.projects_visible_to(other_caseworker)) == {item.project, own}
    client = client_for(other_caseworker)
    assert client.get(f"/projects/{item.project_id}/").status_code == 200
    assert client.get(f"/projects/{item.project_id}/edit/").status_code == 404
    assert client.get(f"/projects/{own.pk}/edit/").status_code == 200
