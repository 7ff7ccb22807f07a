"""Sessions and attendance: recorded by staff of the office, searchable picker,
status refreshed, refused to other roles."""

import pytest

from projects.models import Attendance, Session
from refugees.models import Refugee, RefugeeStatus
from tests.factories.projects import SessionFactory
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db


def _session_data(**extra):
    from core.models import City, PartnerOrganisation

    data = {
        "kind": "awareness",
        "topic": "Créer son activité",
        "date": "2026-02-12",
        "city": City.objects.get(slug="rabat").pk,
        "partner": PartnerOrganisation.objects.get(code="anapec").pk,
        "facilitator": "ANAPEC Rabat",
        "unregistered_attendees": "4",
    }
    data.update(extra)
    return data


def test_a_caseworker_records_a_session_in_their_office(client_for, caseworker, office_rabat):
    response = client_for(caseworker).post("/projects/sessions/new/", _session_data())
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.office == office_rabat and session.unregistered_attendees == 4


def test_a_training_needs_its_topic(client_for, caseworker):
    response = client_for(caseworker).post("/projects/sessions/new/", _session_data(kind="training"))
    assert response.status_code == 200
    assert "training_topic" in response.context["form"].errors
    assert not Session.objects.exists()


def test_a_negative_unregistered_count_is_refused(client_for, caseworker):
    response = client_for(caseworker).post("/projects/sessions/new/", _session_data(unregistered_attendees="-3"))
    assert response.status_code == 200 and response.context["form"].errors


def test_committee_members_and_partners_cannot_record_sessions(client_for, committee_member, partner_anapec):
    for user in (committee_member, partner_anapec):
        assert client_for(user).get("/projects/sessions/new/").status_code == 403


def test_the_picker_searches_own_office_refugees_only(client_for, caseworker, office_rabat, office_oujda):
    session = SessionFactory(office=office_rabat)
    RefugeeFactory(office=office_rabat, first_name_latin="Amina", last_name_latin="Diallo")
    RefugeeFactory(office=office_oujda, first_name_latin="Amina", last_name_latin="Traore")
    client = client_for(caseworker)
    response = client.get(f"/projects/sessions/{session.pk}/?q=amina", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert [r.last_name_latin for r in response.context["results"]] == ["Diallo"]
    assert "<html" not in response.content.decode()  # an htmx partial


def test_marking_present_refreshes_the_status(client_for, caseworker, office_rabat):
    session = SessionFactory(office=office_rabat)
    refugee = RefugeeFactory(office=office_rabat)
    client = client_for(caseworker)
    with_commit = client.post(f"/projects/sessions/{session.pk}/attendance/add/", {"refugee": refugee.pk})
    assert with_commit.status_code == 302
    assert Attendance.objects.filter(session=session, refugee=refugee).exists()


def test_status_follows_attendance(django_capture_on_commit_callbacks, caseworker, office_rabat):
    from projects import services

    refugee = RefugeeFactory(office=office_rabat)
    awareness = SessionFactory(office=office_rabat)
    training = SessionFactory(office=office_rabat, kind=Session.Kind.TRAINING, training_topic="management")
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_add(session=awareness, refugee=refugee, by=caseworker)
    assert Refugee.objects.get(pk=refugee.pk).status == RefugeeStatus.SENSITISED
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_add(session=training, refugee=refugee, by=caseworker)
    assert Refugee.objects.get(pk=refugee.pk).status == RefugeeStatus.TRAINED
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_remove(session=training, refugee=refugee, by=caseworker)
    assert Refugee.objects.get(pk=refugee.pk).status == RefugeeStatus.SENSITISED


def test_a_caseworker_cannot_mark_another_office_refugee(client_for, caseworker, office_rabat, office_oujda):
    session = SessionFactory(office=office_rabat)
    stranger = RefugeeFactory(office=office_oujda)
    response = client_for(caseworker).post(f"/projects/sessions/{session.pk}/attendance/add/", {"refugee": stranger.pk})
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_another_office_cannot_touch_the_session(client_for, other_caseworker, office_rabat):
    session = SessionFactory(office=office_rabat)
    refugee = RefugeeFactory(office=office_rabat)
    response = client_for(other_caseworker).post(
        f"/projects/sessions/{session.pk}/attendance/add/", {"refugee": refugee.pk}
    )
    assert response.status_code == 404


def test_removing_attendance_through_the_page(client_for, caseworker, office_rabat):
    session = SessionFactory(office=office_rabat)
    refugee = RefugeeFactory(office=office_rabat)
    Attendance.objects.create(session=session, refugee=refugee)
    response = client_for(caseworker).post(
        f"/projects/sessions/{session.pk}/attendance/remove/", {"refugee": refugee.pk}
    )
    assert response.status_code == 302
    assert not Attendance.objects.exists()


def test_the_manager_sees_every_office_session(client_for, manager, office_oujda):
    session = SessionFactory(office=office_oujda)
    assert client_for(manager).get(f"/projects/sessions/{session.pk}/").status_code == 200


def test_a_manager_chooses_the_office_and_edits_a_session(client_for, manager, office_oujda):
    client = client_for(manager)
    response = client.post("/projects/sessions/new/", _session_data(office=office_oujda.pk))
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.office == office_oujda
    edit = client.post(f"/projects/sessions/{session.pk}/edit/", _session_data(office=office_oujda.pk, topic="Nouveau"))
    assert edit.status_code == 302
    assert Session.objects.get().topic == "Nouveau"


def test_another_office_cannot_edit_a_session(client_for, other_caseworker, office_rabat):
    session = SessionFactory(office=office_rabat)
    assert client_for(other_caseworker).get(f"/projects/sessions/{session.pk}/edit/").status_code == 404
