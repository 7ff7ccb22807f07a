"""The profile page: view log, timeline, notes, history for managers, constant queries."""

import pytest
from django.urls import reverse

from core.registry import TimelineEvent, timeline
from refugees.models import ProfileView, RefugeeNote
from refugees.services import refugee_update

pytestmark = pytest.mark.django_db


def _url(refugee):
    return reverse("refugees:detail", args=[refugee.pk])


def test_it_logs_every_view(client_for, caseworker, manager, rabat_refugee):
    client_for(caseworker).get(_url(rabat_refugee))
    client_for(manager).get(_url(rabat_refugee))
    assert list(ProfileView.objects.values_list("user__username", flat=True).order_by("pk")) == ["cw.rabat", "manager"]


def test_it_refuses_out_of_scope_and_partners_without_logging(
    client_for, other_caseworker, partner_unhcr, rabat_refugee
):
    assert client_for(other_caseworker).get(_url(rabat_refugee)).status_code == 404
    assert client_for(partner_unhcr).get(_url(rabat_refugee)).status_code == 403
    assert not ProfileView.objects.exists()


def test_it_shows_notes_and_events_of_higher_apps(client_for, caseworker, rabat_refugee):
    timeline.register(
        "test-sessions", lambda refugee, user: [TimelineEvent(refugee.intake_date, "session", "Training X")]
    )
    try:
        client = client_for(caseworker)
        assert (
            client.post(
                reverse("refugees:note_add", args=[rabat_refugee.pk]), {"text": "Wants to open a bakery"}
            ).status_code
            == 302
        )
        body = client.get(_url(rabat_refugee)).content.decode()
    finally:
        timeline._providers.pop("test-sessions")
    assert RefugeeNote.objects.get().author == caseworker
    assert "Wants to open a bakery" in body
    assert "Training X" in body


def test_it_refuses_notes_out_of_scope(client_for, other_caseworker, rabat_refugee):
    assert (
        client_for(other_caseworker)
        .post(reverse("refugees:note_add", args=[rabat_refugee.pk]), {"text": "x"})
        .status_code
        == 404
    )
    assert not RefugeeNote.objects.exists()


def test_it_shows_field_history_to_managers_only(client_for, caseworker, manager, rabat_refugee):
    refugee_update(refugee=rabat_refugee, by=caseworker, data={"household_size": 7})
    manager_page = client_for(manager).get(_url(rabat_refugee))
    history = manager_page.context["history"]
    assert history[0]["record"].history_user == caseworker
    assert any(f["old"] == 1 and f["new"] == 7 for f in history[0]["fields"])
    caseworker_page = client_for(caseworker).get(_url(rabat_refugee))
    assert caseworker_page.context["history"] == []
    assert "h-history" not in caseworker_page.content.decode()


def test_its_query_count_does_not_grow_with_history(client_for, manager, rabat_refugee, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(manager)
    client.get(_url(rabat_refugee))
    with CaptureQueriesContext(connection) as short:
        client.get(_url(rabat_refugee))
    for size in range(2, 40):
        refugee_update(refugee=rabat_refugee, by=manager, data={"household_size": size})
    # Session and user (3), the person, the view log, notes, consents (shared by the card and
    # the timeline), the documents' and the profile's history (shared with the manager's
    # history cards), the consents' history, documents, attendance and projects (shared by
    # the projects and funding providers), the user's office in the menu, session save (3).
    with django_assert_max_num_queries(17), CaptureQueriesContext(connection) as long:
        client.get(_url(rabat_refugee))
    assert len(long) == len(short)


def test_its_query_count_is_the_same_for_a_person_with_projects_grants_and_payments(
    client_for, caseworker, manager, rabat_refugee, django_assert_max_num_queries
):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.models import ProjectMember
    from refugees.services import consent_record, note_add
    from tests.factories.funding import approved_project, awarded_grant, paid
    from tests.factories.projects import AttendanceFactory, ProjectMemberFactory

    def a_project_with_a_paid_grant():
        project = approved_project(office=rabat_refugee.office, members=0)
        ProjectMemberFactory(project=project, refugee=rabat_refugee)
        grant = awarded_grant(project=project, by=manager)
        paid(grant, amount="5000.00", by=caseworker, approver=manager, date=datetime.date(2025, 7, 1))
        ProjectMember.objects.filter(refugee=rabat_refugee).update(is_active=False)  # room for the next one
        AttendanceFactory(refugee=rabat_refugee, session__office=rabat_refugee.office)
        note_add(refugee=rabat_refugee, by=caseworker, text="Visited the workshop")
        consent_record(
            refugee=rabat_refugee, by=caseworker, purpose="participation", given_on=rabat_refugee.intake_date
        )

    client = client_for(caseworker)
    a_project_with_a_paid_grant()
    with CaptureQueriesContext(connection) as one:
        body = client.get(_url(rabat_refugee)).content.decode()
    assert "5000" in body.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", "")
    a_project_with_a_paid_grant()
    # 16 as above for a caseworker, plus the projects' moves and committee decisions (2) and
    # the grants, payments and visits of the person's projects (3).
    with django_assert_max_num_queries(21), CaptureQueriesContext(connection) as two:
        client.get(_url(rabat_refugee))
    assert len(two) == len(one)


def test_it_shows_consent_and_document_changes_to_managers(client_for, caseworker, manager, rabat_refugee):
    from refugees.services import consent_record, consent_withdraw

    consent = consent_record(
        refugee=rabat_refugee, by=caseworker, purpose="participation", given_on=rabat_refugee.intake_date
    )
    consent_withdraw(consent=consent, by=manager)
    rows = client_for(manager).get(_url(rabat_refugee)).context["related_history"]
    assert [(str(r["user"]), str(r["action"])) for r in rows][:2] == [
        (str(manager), "modifié"),
        (str(caseworker), "ajouté"),
    ]
    assert client_for(caseworker).get(_url(rabat_refugee)).context["related_history"] == []
