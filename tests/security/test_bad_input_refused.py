"""The 500s that were measured, each now a clear refusal: an id that is no number is a
404, a NUL byte anywhere in a query string or a form is a translated 400 (the Django admin's
search too), an over-long query value is a 400, an over-long username a form error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(caseworker):
    from tests.factories.projects import SessionFactory

    return SessionFactory(office=caseworker.office)


@pytest.mark.parametrize("value", ["abc", "nan", "4200,50", "", "-3", "99999999999999999999"])
@pytest.mark.parametrize("name", ["projects:attendance_add", "projects:attendance_remove"])
def test_an_id_that_is_no_number_is_a_404(client_for, caseworker, session, name, value):
    response = client_for(caseworker).post(reverse(name, args=[session.pk]), {"refugee": value})
    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["projects:list", "funding:grant_list", "projects:session_list", "refugees:list"])
def test_a_nul_byte_in_a_search_is_a_400_with_a_message(client_for, manager, url_name):
    response = client_for(manager).get(reverse(url_name), {"q": "ab\x00c"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "not allowed (NUL)" in response.content.decode()


def test_a_nul_byte_on_a_session_page(client_for, caseworker, session):
    response = client_for(caseworker).get(reverse("projects:session_detail", args=[session.pk]), {"q": "\x00"})
    assert response.status_code == 400


def test_a_nul_byte_in_the_admin_search(client_for, admin_user):
    response = client_for(admin_user).get(reverse("admin:refugees_refugee_changelist"), {"q": "x\x00"})
    assert response.status_code == 400


def test_a_nul_byte_in_a_form_is_refused_and_nothing_saved(client_for, caseworker):
    from projects.models import Session

    response = client_for(caseworker).post(reverse("projects:session_create"), {"title": "Atelier\x00"})
    assert response.status_code == 400
    assert not Session.objects.exists()


def test_an_over_long_query_value_is_a_400(client_for, manager, settings):
    response = client_for(manager).get(reverse("refugees:list"), {"q": "x" * (settings.SANAD_MAX_QUERY_VALUE + 1)})
    assert response.status_code == 400


def test_a_nul_byte_at_login_is_a_400_not_a_database_error(client):
    response = client.post(reverse("login"), {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400
