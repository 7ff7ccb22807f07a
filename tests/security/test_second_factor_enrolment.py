"""Multi-factor login (django-otp): the roles of SANAD_MFA_REQUIRED_ROLES enrol a TOTP app
on their first login (a QR code drawn by Sanad), get recovery codes, and give a code on
every later login; others may opt in; an admin's reset is itself logged."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import SecurityEvent
from core.roles import Role
from tests.factories.core import make_user
from tests.security.helpers import code, enrol, sign_in_with_factor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.SANAD_MFA_ENFORCED = True


def _login(client, user, password):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def test_it_sends_a_manager_to_enrol_on_first_login(client, manager, password):
    response = _login(client, manager, password)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("mfa_setup"))
    page = client.get(home["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in body  # the QR code, drawn by Sanad
    assert re.search(r'id="mfa-secret"[^>]*>[A-Z2-7 ]{20,}<', body)


def test_it_enrols_with_a_code_of_the_app_and_shows_recovery_codes(client, manager, password):
    _login(client, manager, password)
    client.get(reverse("mfa_setup"))
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    token = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("mfa_setup"), {"token": token, "next": "/"})
    assert response.status_code == 200
    assert response.content.decode().count("<li>") >= 10
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=manager).count() == 10
    assert client.get("/").status_code == 200  # verified for this session
    assert SecurityEvent.objects.filter(user=manager, kind="mfa_enrolled").exists()


def test_a_wrong_code_does_not_enrol(client, manager, password):
    _login(client, manager, password)
    client.get(reverse("mfa_setup"))
    response = client.post(reverse("mfa_setup"), {"token": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not TOTPDevice.objects.filter(user=manager, confirmed=True).exists()
    assert client.get("/").status_code == 302


def test_an_enrolled_manager_gives_a_code_at_each_login(client, manager, password):
    device = enrol(manager)
    _login(client, manager, password)
    response = client.get(reverse("refugees:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_verify"))
    bad = client.post(reverse("mfa_verify"), {"token": "123456"})
    assert bad.status_code == 200 and bad.context["form"].errors
    good = client.post(reverse("mfa_verify"), {"token": code(device), "next": reverse("refugees:list")})
    assert good["Location"] == reverse("refugees:list")
    assert client.get(reverse("refugees:list")).status_code == 200
    kinds = set(SecurityEvent.objects.filter(user=manager).values_list("kind", flat=True))
    assert {"login", "mfa_failed", "mfa_verified"} <= kinds


def test_a_recovery_code_works_once(client, manager, password):
    enrol(manager, recovery=("recover01",))
    _login(client, manager, password)
    assert client.post(reverse("mfa_verify"), {"token": "recover01"}).status_code == 302
    assert SecurityEvent.objects.filter(user=manager, kind="mfa_recovery_used").exists()
    client.post(reverse("logout"))
    _login(client, manager, password)
    again = client.post(reverse("mfa_verify"), {"token": "recover01"})
    assert again.status_code == 200 and again.context["form"].errors


def test_a_caseworker_is_not_obliged_but_may_opt_in(client, caseworker, password):
    _login(client, caseworker, password)
    assert client.get(reverse("refugees:list")).status_code == 200
    assert client.get(reverse("mfa_manage")).status_code == 200
    client.get(reverse("mfa_setup"))
    device = TOTPDevice.objects.get(user=caseworker)
    client.post(reverse("mfa_setup"), {"token": f"{totp(device.bin_key):06d}"})
    client.post(reverse("logout"))
    _login(client, caseworker, password)
    assert client.get(reverse("refugees:list")).status_code == 302  # opted in: asked from now on


def test_a_committee_chair_is_obliged(client, committee_member, password, manager):
    import datetime

    from projects import services

    services.sitting_create(by=manager, date=datetime.date(2026, 3, 10), chair=committee_member, members=[], quorum=1)
    _login(client, committee_member, password)
    assert client.get("/")["Location"].startswith(reverse("mfa_setup"))


def test_a_plain_committee_member_is_not(client, committee_member, password):
    _login(client, committee_member, password)
    assert client.get("/").status_code == 200


def test_the_setting_chooses_the_roles(client, manager, password, settings):
    settings.SANAD_MFA_REQUIRED_ROLES = ["admin"]
    _login(client, manager, password)
    assert client.get("/").status_code == 200


def test_not_enforced_means_the_demo_signs_in_with_a_password(client, manager, password, settings):
    settings.SANAD_MFA_ENFORCED = False
    _login(client, manager, password)
    assert client.get("/").status_code == 200


def test_the_admin_reset_is_logged_and_the_user_enrols_again(client, manager, password):
    admin = make_user(Role.ADMIN, username="it.reset")
    admin_device = enrol(admin)
    enrol(manager)
    sign_in_with_factor(client, admin, admin_device)
    response = client.post(
        reverse("admin:core_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [manager.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    event = SecurityEvent.objects.get(kind="mfa_reset")
    assert event.user == manager and event.by == admin
    client.post(reverse("logout"))
    _login(client, manager, password)
    assert client.get("/")["Location"].startswith(reverse("mfa_setup"))


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_pages_speak_arabic_and_french(client, manager, password, lang):
    client.cookies["django_language"] = lang
    _login(client, manager, password)
    body = client.get(reverse("mfa_setup")).content.decode()
    assert f'lang="{lang}"' in body
    assert ('dir="rtl"' in body) == (lang == "ar")
    assert "Set up two-step verification" not in body  # translated
