"""Passkeys (WebAuthn) as a second factor beside the app, through HTTP with a software
authenticator: the ceremonies answer only a signed-in user, for their own passkeys, with a
recent factor to add one; a passkey gives the second factor at sign-in and for the step-up;
each passkey added, used and removed is in the security log."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp_webauthn.models import WebAuthnCredential

from core.models import SecurityEvent
from core.security.mfa import STEP_UP_KEY
from funding.models import Disbursement
from tests.factories.core import PASSWORD
from tests.security.helpers import SoftPasskey, add_passkey, enrol, post_json, sign_in_with_factor, verify_with_passkey
from tests.security.test_step_up import pending  # noqa: F401 (a payment waiting for approval)

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


@pytest.fixture(autouse=True)
def enforced(settings, tmp_path):
    settings.SANAD_MFA_ENFORCED = True
    settings.SANAD_STEP_UP_MINUTES = 15
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def _age_factor(client, minutes: int) -> None:
    session = client.session
    session[STEP_UP_KEY] = (timezone.now() - datetime.timedelta(minutes=minutes)).timestamp()
    session.save()


def _with_passkey(client, user) -> SoftPasskey:
    sign_in_with_factor(client, user, enrol(user))
    passkey = SoftPasskey()
    add_passkey(client, passkey)
    return passkey


def test_the_ceremonies_answer_the_right_users_only(client, caseworker, manager):
    names = ["passkey_register_begin", "passkey_register_complete", "passkey_auth_begin", "passkey_auth_complete"]
    for name in names:  # anonymous: the login page; a GET: refused
        assert client.post(reverse(name))["Location"].startswith(reverse("login"))
    client.force_login(caseworker)  # no second factor at all
    for name in names:
        assert client.get(reverse(name)).status_code == 405
    refused = post_json(client, "passkey_register_begin", HTTP_ACCEPT_LANGUAGE="en")
    assert (refused.status_code, refused.json()["code"]) == (403, "app_first")
    refused = post_json(client, "passkey_auth_begin")
    assert (refused.status_code, refused.json()["code"]) == (403, "no_passkey")
    device = enrol(manager)
    client.force_login(manager)  # the password only: no passkey can be added yet
    assert post_json(client, "passkey_register_begin")["Location"].startswith(reverse("mfa_verify"))
    sign_in_with_factor(client, manager, device)
    _age_factor(client, 16)  # a factor, but not a recent one
    refused = post_json(client, "passkey_register_begin")
    assert (refused.status_code, refused.json()["code"]) == (403, "user_not_verified")
    _age_factor(client, 1)
    options = post_json(client, "passkey_register_begin").json()
    assert options["rp"] == {"id": "localhost", "name": "Sanad"}
    assert options["user"]["name"] == manager.username


def test_a_refusal_speaks_the_users_language(client, caseworker):
    client.force_login(caseworker)
    english = client.post(reverse("passkey_auth_begin"), HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english == "You have no passkey: use a code of your authenticator app."
    for lang in ("fr", "ar"):
        translated = client.post(reverse("passkey_auth_begin"), HTTP_ACCEPT_LANGUAGE=lang).json()["detail"]
        assert translated and translated != english, lang


def test_a_passkey_is_added_named_listed_and_removed(client, manager, caseworker):
    sign_in_with_factor(client, manager, enrol(manager))
    pk = add_passkey(client, SoftPasskey())
    passkey = WebAuthnCredential.objects.get(pk=pk, user=manager)
    assert SecurityEvent.objects.filter(kind=Kind.PASSKEY_ADDED, user=manager).count() == 1
    named = client.post(reverse("mfa_passkey_name", args=[pk]), {"name": "  Work   laptop "})
    assert named["Location"] == reverse("mfa_manage")
    passkey.refresh_from_db()
    assert passkey.name == "Work laptop"
    page = client.get(reverse("mfa_manage"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-passkey="{pk}"' in page and "Work laptop" in page
    assert "otp_webauthn_register.js" in page and 'id="otp_webauthn_config"' in page
    other = client.__class__()
    other.force_login(caseworker)  # another user's passkey: 404 on both doors
    assert other.get(reverse("mfa_passkey_name", args=[pk])).status_code == 404
    assert other.post(reverse("mfa_passkey_remove", args=[pk])).status_code == 404
    _age_factor(client, 16)  # removing is a step-up action
    assert client.post(reverse("mfa_passkey_remove", args=[pk]))["Location"].startswith(reverse("mfa_verify"))
    assert WebAuthnCredential.objects.filter(pk=pk).exists()
    _age_factor(client, 1)
    assert client.post(reverse("mfa_passkey_remove", args=[pk]))["Location"] == reverse("mfa_manage")
    assert not WebAuthnCredential.objects.filter(pk=pk).exists()
    assert SecurityEvent.objects.filter(kind=Kind.PASSKEY_REMOVED, user=manager, detail="Work laptop").exists()


def test_a_passkey_gives_the_second_factor_at_sign_in(client, manager):
    passkey = _with_passkey(client, manager)
    client.post(reverse("logout"))
    signed_in = client.post(reverse("login"), {"username": manager.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("mfa_verify"))
    step = client.get(reverse("mfa_verify"), {"next": reverse("todo")}, HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="passkey-verification-placeholder"' in step.content.decode()
    assert "otp_webauthn_auth.js" in step.content.decode()
    done = verify_with_passkey(client, passkey, next=reverse("todo"))
    assert done.status_code == 200, done.content
    assert done.json()["redirect_url"] == reverse("todo")
    assert client.get(reverse("home")).status_code == 200
    assert SecurityEvent.objects.filter(kind=Kind.PASSKEY_USED, user=manager).count() == 1


def test_a_passkey_counts_for_the_step_up(client, manager, pending):  # noqa: F811
    passkey = _with_passkey(client, manager)
    _age_factor(client, 16)
    approve = reverse("funding:disbursement_approve", args=[pending.pk])
    assert client.post(approve)["Location"].startswith(reverse("mfa_verify"))
    pending.refresh_from_db()
    assert pending.status == Disbursement.Status.PENDING
    assert verify_with_passkey(client, passkey).status_code == 200
    assert client.post(approve).status_code == 302
    pending.refresh_from_db()
    assert pending.status == Disbursement.Status.APPROVED


def test_a_passkey_of_another_account_is_refused_and_logged(client, manager, manager2):
    mine = _with_passkey(client, manager)
    other = client.__class__()
    _with_passkey(other, manager2)
    _age_factor(other, 16)
    refused = verify_with_passkey(other, mine)
    assert (refused.status_code, refused.json()["code"]) == (403, "credential_user_mismatch")
    assert SecurityEvent.objects.filter(kind=Kind.MFA_FAILED, user=manager2, detail="passkey").exists()
    assert float(other.session[STEP_UP_KEY]) < (timezone.now() - datetime.timedelta(minutes=15)).timestamp()
