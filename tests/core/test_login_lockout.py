"""django-axes locks a username+IP after repeated failures, and unlocks after the cool-off."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="en")


def test_it_logs_in_with_the_right_password(client, caseworker, password):
    response = _login(client, caseworker.username, password)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_explains_a_wrong_password(client, caseworker):
    response = _login(client, caseworker.username, "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_it_locks_out_after_repeated_failures_even_with_the_right_password(client, caseworker, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, caseworker.username, "wrong")
    response = _login(client, caseworker.username, password)
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()


def test_it_unlocks_after_the_cool_off(client, caseworker, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, caseworker.username, "wrong")
    assert _login(client, caseworker.username, password).status_code == 429
    # Let the cool-off pass: the failures now date from just over AXES_COOLOFF_TIME ago.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    response = _login(client, caseworker.username, password)
    assert response.status_code == 302


def test_it_is_still_locked_just_before_the_cool_off_ends(client, caseworker, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, caseworker.username, "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    assert _login(client, caseworker.username, password).status_code == 429


def test_it_expires_idle_sessions(settings):
    # The idle expiry itself is tested through HTTP in tests/core/test_idle_session_expiry.py.
    assert "core.middleware.IdleSessionMiddleware" in settings.MIDDLEWARE
    assert 0 < settings.SANAD_SESSION_REFRESH_SECONDS < settings.SESSION_COOKIE_AGE <= 12 * 3600
