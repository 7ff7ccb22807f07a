"""A session's attendance ticked from its register in one submission: the people of the
session's office the session is for (and those already present), present or absent in
one go, through a service that is idempotent, atomic and leaves history; the page logs
the people it lists and costs the same queries for 3 or 30 of them; the one-by-one
picker stays for the others."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from projects import services
from projects.models import Attendance, Session
from refugees.models import ProfileView, Refugee, RefugeeStatus
from tests.factories.projects import AttendanceFactory, SessionFactory
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(office_rabat):
    return SessionFactory(office=office_rabat, kind=Session.Kind.AWARENESS)


@pytest.fixture
def newcomers(office_rabat):
    return [RefugeeFactory(office=office_rabat, last_name_latin=f"Zeroual{n}") for n in range(3)]


def _page(client, session):
    return client.get(reverse("projects:session_detail", args=[session.pk]))


def _post(client, session, *, shown, present):
    return client.post(
        reverse("projects:attendance_register", args=[session.pk]),
        {"shown": [p.pk for p in shown], "present": [p.pk for p in present]},
    )


def test_the_register_lists_whom_the_session_is_for(
    client_for, caseworker, session, newcomers, office_rabat, office_oujda
):
    sensitised = RefugeeFactory(office=office_rabat)
    Refugee.objects.filter(pk=sensitised.pk).update(status=RefugeeStatus.SENSITISED)
    elsewhere = RefugeeFactory(office=office_oujda)
    page = _page(client_for(caseworker), session)
    listed = {p.pk for p in page.context["register"]}
    assert {p.pk for p in newcomers} <= listed
    assert sensitised.pk not in listed  # an awareness session is for the not yet sensitised
    assert elsewhere.pk not in listed
    body = page.content.decode()
    assert body.count('name="present"') == len(listed)
    training = SessionFactory(office=office_rabat, kind=Session.Kind.TRAINING, training_topic="management")
    assert sensitised.pk in {p.pk for p in _page(client_for(caseworker), training).context["register"]}


def test_the_people_already_present_are_listed_ticked(client_for, caseworker, session, office_rabat):
    came = RefugeeFactory(office=office_rabat)
    Refugee.objects.filter(pk=came.pk).update(status=RefugeeStatus.TRAINED)
    AttendanceFactory(session=session, refugee=came)
    body = _page(client_for(caseworker), session).content.decode()
    assert f'name="present" value="{came.pk}" id="present-{came.pk}" checked' in body


def test_one_submission_marks_present_and_absent(
    client_for, caseworker, session, newcomers, django_capture_on_commit_callbacks
):
    a, b, c = newcomers
    AttendanceFactory(session=session, refugee=c)
    client = client_for(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, session, shown=newcomers, present=[a, b])
    assert response.status_code == 302
    assert set(Attendance.objects.filter(session=session).values_list("refugee_id", flat=True)) == {a.pk, b.pk}
    assert Attendance.objects.get(session=session, refugee=a).recorded_by == caseworker
    history = Attendance.history.filter(session_id=session.pk)
    assert {(h.refugee_id, h.history_type, h.history_user_id) for h in history if h.history_user_id} == {
        (a.pk, "+", caseworker.pk),
        (b.pk, "+", caseworker.pk),
        (c.pk, "-", caseworker.pk),
    }
    for person in (a, b):
        person.refresh_from_db()
        assert person.status == RefugeeStatus.SENSITISED  # the status follows, after the commit


def test_posting_the_same_register_twice_changes_nothing(client_for, caseworker, session, newcomers):
    client = client_for(caseworker)
    _post(client, session, shown=newcomers, present=newcomers[:2])
    rows = Attendance.history.count()
    response = _post(client, session, shown=newcomers, present=newcomers[:2])
    assert response.status_code == 302
    assert Attendance.objects.filter(session=session).count() == 2
    assert Attendance.history.count() == rows
    assert services.attendance_set(
        session=session, by=caseworker, present=[p.pk for p in newcomers[:2]], absent=[newcomers[2].pk]
    ) == (0, 0)


def test_people_not_shown_are_left_as_they_are(client_for, caseworker, session, newcomers, office_rabat):
    other = RefugeeFactory(office=office_rabat)
    AttendanceFactory(session=session, refugee=other)
    _post(client_for(caseworker), session, shown=newcomers[:1], present=[])
    assert Attendance.objects.filter(session=session, refugee=other).exists()


def test_a_person_outside_the_users_scope_is_refused_and_nothing_is_written(
    caseworker, session, newcomers, office_oujda
):
    outsider = RefugeeFactory(office=office_oujda)
    with pytest.raises(PermissionDenied):
        services.attendance_set(session=session, by=caseworker, present=[newcomers[0].pk, outsider.pk], absent=[])
    assert not Attendance.objects.exists()


def test_a_ticked_person_the_list_did_not_show_is_refused_with_a_message(client_for, caseworker, session, newcomers):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    response = _post(client, session, shown=newcomers[:1], present=newcomers[:2])
    assert response.status_code == 400
    assert "The register changed while you were ticking it" in response.content.decode()
    assert f'value="{newcomers[1].pk}" id="present-{newcomers[1].pk}" checked' in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("junk", ["abc", "-1", "9" * 30, ""])
def test_junk_ids_never_500(client_for, caseworker, session, junk):
    response = client_for(caseworker).post(
        reverse("projects:attendance_register", args=[session.pk]), {"shown": [junk], "present": [junk]}
    )
    assert response.status_code in (302, 400)
    assert not Attendance.objects.exists()


def test_other_roles_are_refused(client_for, committee_member, other_caseworker, session, newcomers):
    for user, status in ((committee_member, 403), (other_caseworker, 404)):
        response = _post(client_for(user), session, shown=newcomers, present=newcomers)
        assert response.status_code == status
    assert not Attendance.objects.exists()


def test_the_page_logs_the_people_it_lists(client_for, caseworker, session, newcomers):
    _page(client_for(caseworker), session)
    logged = set(
        ProfileView.objects.filter(user=caseworker, what=ProfileView.What.LIST).values_list("refugee", flat=True)
    )
    assert {p.pk for p in newcomers} <= logged


def test_the_page_costs_the_same_for_3_or_30_people(
    client_for, caseworker, session, newcomers, office_rabat, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    AttendanceFactory(session=session, refugee=newcomers[0])
    client = client_for(caseworker)
    _page(client, session)  # warm: the session, the user
    with CaptureQueriesContext(connection) as few:
        _page(client, session)
    for n in range(27):
        person = RefugeeFactory(office=office_rabat)
        if n % 3 == 0:
            AttendanceFactory(session=session, refugee=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = _page(client, session)
    assert len(page.context["register"]) == 30


def test_the_register_is_capped_and_says_so(client_for, caseworker, session, office_rabat, monkeypatch):
    from projects import selectors

    monkeypatch.setattr(selectors, "REGISTER_LIMIT", 2)
    for _n in range(3):
        RefugeeFactory(office=office_rabat)
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    page = _page(client, session)
    assert len(page.context["register"]) == 2
    assert "Only the first 2 people are listed" in page.content.decode()
    assert 'id="q"' in page.content.decode()  # the picker, for the others


def test_the_single_person_picker_stays(client_for, caseworker, session, office_rabat):
    person = RefugeeFactory(office=office_rabat, last_name_latin="Benkirane")
    Refugee.objects.filter(pk=person.pk).update(status=RefugeeStatus.FINANCED)  # not on the register
    client = client_for(caseworker)
    assert person.pk not in {p.pk for p in _page(client, session).context["register"]}
    response = client.post(reverse("projects:attendance_add", args=[session.pk]), {"refugee": person.pk})
    assert response.status_code == 302
    assert Attendance.objects.filter(session=session, refugee=person).exists()
