"""Login protection where Sanad is deployed: the client address read behind the declared
number of proxies, a lockout per username+address and per username across addresses, a
message that tells nothing about the account, and the security log a manager reads."""

import re

import pytest
from django.urls import reverse

from core.models import SecurityEvent
from core.security import client_ip

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"  # nginx, in front of gunicorn


def _login(client, username, password, *, forwarded=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote, "HTTP_ACCEPT_LANGUAGE": "en"}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_behind_one_proxy_the_address_is_the_one_the_proxy_saw(rf, settings):
    settings.SANAD_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"  # the client's own "6.6.6.6" is not believed


def test_without_a_proxy_a_forwarded_header_is_ignored(rf, settings):
    settings.SANAD_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "198.51.100.7"


def test_a_header_shorter_than_the_proxies_or_not_an_address_falls_back(rf, settings):
    settings.SANAD_PROXY_COUNT = 2
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")) == PROXY
    settings.SANAD_PROXY_COUNT = 1
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="junk")) == PROXY


def test_behind_the_proxy_one_attacker_does_not_lock_the_user_out(client, caseworker, password, settings):
    settings.SANAD_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, caseworker.username, "wrong", forwarded="203.0.113.66")
    assert _login(client, caseworker.username, password, forwarded="203.0.113.66").status_code == 429
    # the real user, from their own address through the same proxy
    assert _login(client, caseworker.username, password, forwarded="198.51.100.10").status_code == 302


def test_a_forged_header_does_not_dodge_the_lockout_behind_the_proxy(client, caseworker, password, settings):
    settings.SANAD_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, caseworker.username, "wrong", forwarded=f"6.6.6.{n}, 203.0.113.66")
    assert _login(client, caseworker.username, password, forwarded="7.7.7.7, 203.0.113.66").status_code == 429


def test_guessing_from_many_addresses_locks_the_username(client, caseworker, password, settings):
    settings.SANAD_PROXY_COUNT = 1
    for n in range(settings.AXES_USERNAME_FAILURE_LIMIT):
        _login(client, caseworker.username, "wrong", forwarded=f"203.0.113.{n + 1}")
    response = _login(client, caseworker.username, password, forwarded="198.51.100.99")
    assert response.status_code == 429
    assert SecurityEvent.objects.filter(kind="locked_out", username=caseworker.username).exists()


def test_below_the_username_limit_other_addresses_still_sign_in(client, caseworker, password, settings):
    settings.SANAD_PROXY_COUNT = 1
    for n in range(settings.AXES_USERNAME_FAILURE_LIMIT - 1):
        _login(client, caseworker.username, "wrong", forwarded=f"203.0.113.{n % 4 + 1}")
    assert _login(client, caseworker.username, password, forwarded="198.51.100.99").status_code == 302


def test_the_messages_do_not_tell_whether_the_account_exists(client, caseworker, settings):
    real = _login(client, caseworker.username, "wrong", remote="198.51.100.1")
    ghost = _login(client, "nobody.here", "wrong", remote="198.51.100.2")
    assert real.context["form"].errors == ghost.context["form"].errors
    for _ in range(settings.AXES_FAILURE_LIMIT):
        last_real = _login(client, caseworker.username, "wrong", remote="198.51.100.1")
        last_ghost = _login(client, "nobody.here", "wrong", remote="198.51.100.2")
    assert last_real.status_code == last_ghost.status_code == 429
    assert _page(last_real) == _page(last_ghost)


def _page(response) -> str:
    """The page without what differs per request (the CSRF token)."""
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", response.content.decode())


def test_a_username_over_255_characters_is_a_form_error(client):
    response = _login(client, "u" * 300, "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_the_security_log_records_and_a_manager_reads_it(client, caseworker, password, manager):
    _login(client, caseworker.username, "wrong", remote="198.51.100.5")
    _login(client, caseworker.username, password, remote="198.51.100.5")
    client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "A-new pass 2026!", "new_password2": "A-new pass 2026!"},
    )
    client.post(reverse("logout"))
    kinds = list(SecurityEvent.objects.filter(username=caseworker.username).values_list("kind", flat=True))
    assert {"login_failed", "login", "password_changed", "logout"} <= set(kinds)
    assert SecurityEvent.objects.filter(kind="login_failed", ip_address="198.51.100.5").exists()
    client.force_login(manager)
    page = client.get(reverse("security_log"), {"username": caseworker.username})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-kind="login_failed"' in body and 'data-kind="password_changed"' in body
    filtered = client.get(reverse("security_log"), {"kind": "logout"}).content.decode()
    assert 'data-kind="logout"' in filtered and 'data-kind="login_failed"' not in filtered


def test_a_caseworker_cannot_read_the_security_log(client_for, caseworker):
    assert client_for(caseworker).get(reverse("security_log")).status_code == 403
