"""A session or a project created by a caseworker goes to their office; a caseworker
without an office is told so on the form, and nothing is created."""

import pytest
from django.utils import translation
from django.utils.html import escape

from core.roles import Role
from projects.models import BusinessProject, Session
from tests.factories.core import make_user
from tests.projects.test_sessions_attendance import _session_data

pytestmark = pytest.mark.django_db


def _told_no_office(response) -> bool:
    """The form-wide error, in the page's language (French, the default)."""
    with translation.override("fr"):
        message = translation.gettext("You have no office: ask an administrator.")
    return escape(message) in response.content.decode()


@pytest.fixture
def caseworker_without_office(db):
    return make_user(Role.CASEWORKER, username="cw.nowhere", office=None)


def test_a_caseworker_without_an_office_is_told_and_no_session_is_created(client_for, caseworker_without_office):
    response = client_for(caseworker_without_office).post("/projects/sessions/new/", _session_data())
    assert response.status_code == 200
    assert _told_no_office(response)
    assert not Session.objects.exists()


def test_a_caseworker_without_an_office_is_told_and_no_project_is_created(client_for, caseworker_without_office):
    from core.models import City

    rabat = City.objects.get(slug="rabat").pk
    data = {"title": "Atelier", "activity": "Couture", "city": rabat, "own_contribution": "0"}
    response = client_for(caseworker_without_office).post("/projects/new/", data)
    assert response.status_code == 200
    assert _told_no_office(response)
    assert not BusinessProject.objects.exists()


def test_the_session_of_a_caseworker_goes_to_their_office(client_for, caseworker, office_rabat):
    assert client_for(caseworker).post("/projects/sessions/new/", _session_data()).status_code == 302
    assert Session.objects.get().office == office_rabat
