"""A session ends after SESSION_IDLE_MINUTES without a request, and stays while its user is
active, without a session write on every request: it is read from the shared cache and
saved again (a new expiry) only once per SESSION_REFRESH_MINUTES
(core.middleware.IdleSessionMiddleware)."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.middleware import REFRESHED_KEY

pytestmark = pytest.mark.django_db

LIGHT_PAGE = "password_change_done"  # a signed-in page that runs no query of its own


def _session_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"]]


@pytest.fixture
def short_sessions(settings):
    """A 3-second idle timeout refreshed after 1 second (real time: the cache's expiry is
    Redis's own clock)."""
    settings.SESSION_COOKIE_AGE = 3
    settings.SANAD_SESSION_REFRESH_SECONDS = 1


def test_it_signs_out_a_session_idle_for_longer_than_the_timeout(client_for, caseworker, short_sessions):
    client = client_for(caseworker)
    assert client.get(reverse(LIGHT_PAGE)).status_code == 200
    time.sleep(3.5)
    response = client.get(reverse(LIGHT_PAGE))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_keeps_a_session_whose_user_is_active(client_for, caseworker, short_sessions):
    client = client_for(caseworker)
    began = time.monotonic()
    while time.monotonic() - began < 5:  # well past the 3-second timeout in all
        assert client.get(reverse(LIGHT_PAGE)).status_code == 200
        time.sleep(1.2)
    assert client.get(reverse(LIGHT_PAGE)).status_code == 200


def test_a_request_within_the_refresh_window_reads_and_writes_no_session_row(
    client_for, caseworker, django_assert_num_queries
):
    client = client_for(caseworker)
    client.get(reverse(LIGHT_PAGE))
    with django_assert_num_queries(1) as captured:  # the user, with office, organisation and roles
        response = client.get(reverse(LIGHT_PAGE))
    assert response.status_code == 200
    assert _session_queries(captured.captured_queries) == []
    assert "sessionid" not in response.cookies  # not saved, so no new cookie either


def test_a_request_after_the_refresh_window_saves_the_session_once_with_a_later_expiry(client_for, caseworker):
    client = client_for(caseworker)
    client.get(reverse(LIGHT_PAGE))
    session = client.session
    session[REFRESHED_KEY] = time.time() - 10 * 60  # last saved ten minutes ago
    session.save()
    before = Session.objects.get(session_key=session.session_key).expire_date
    time.sleep(0.01)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(LIGHT_PAGE)).status_code == 200
    writes = [sql for sql in _session_queries(captured.captured_queries) if not sql.startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith("UPDATE")
    assert Session.objects.get(session_key=session.session_key).expire_date > before


def test_signing_out_ends_the_session_in_the_cache_too(client_for, caseworker):
    client = client_for(caseworker)
    client.get(reverse(LIGHT_PAGE))
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = key  # the old cookie, replayed
    assert client.get(reverse(LIGHT_PAGE)).status_code == 302
