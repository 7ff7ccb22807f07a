"""A passkey in a real browser: Chromium's virtual authenticator (the DevTools protocol's
WebAuthn domain: CTAP2, internal, resident key, user verified) stands for the laptop's
fingerprint reader. A manager who uses the app adds a passkey from the two-step page,
names it, signs out, and signs in again with the passkey as the second factor; the
package's script runs under Sanad's CSP ('self' only) without a violation."""

import pytest
from django.urls import reverse

from core.models import SecurityEvent
from tests.browser.support import login
from tests.security.helpers import code, enrol

pytestmark = pytest.mark.browser


@pytest.fixture
def passkey_site(settings, browser_server):
    settings.SANAD_MFA_ENFORCED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [browser_server.url.replace("127.0.0.1", "localhost")]
    return browser_server


def test_a_manager_adds_a_passkey_and_signs_in_with_it(page, shot, manager, passkey_site):
    assert passkey_site.url.startswith("http://localhost:"), passkey_site.url  # no passkey on an IP address
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    authenticator = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]
    device = enrol(manager)
    login(page, manager, "fr")
    page.wait_for_url(lambda url: reverse("mfa_verify") in url)
    page.locator("#id_token").fill(code(device))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert reverse("mfa_verify") not in page.url, page.locator("main").inner_text()

    page.goto(reverse("mfa_manage"))
    button = page.locator("#passkey-register-button")
    button.wait_for()
    assert button.inner_text() == "Ajouter une clé d'accès"
    shot(page, "two-step-page")
    button.click()
    page.wait_for_url(lambda url: "/two-step/passkeys/" in url)
    shot(page, "name-the-passkey")
    page.locator("#id_name").fill("Ordinateur du bureau")
    page.locator("#passkey-name-form button[type=submit]").click()
    page.wait_for_url(lambda url: url.endswith(reverse("mfa_manage")))
    assert "Ordinateur du bureau" in page.locator("#passkey-table").inner_text()
    credentials = session.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(credentials) == 1
    shot(page, "passkey-listed")

    page.context.clear_cookies()  # signed out: the next visit signs in again
    login(page, manager, "fr")
    page.wait_for_url(lambda url: reverse("mfa_verify") in url)
    verify = page.locator("#passkey-verification-button")
    verify.wait_for()
    shot(page, "second-factor-step")
    verify.click()
    page.wait_for_url(lambda url: reverse("mfa_verify") not in url)
    assert page.url.rstrip("/").endswith(passkey_site.url.replace("127.0.0.1", "localhost").rstrip("/"))
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSKEY_USED, user=manager).count() == 1
    shot(page, "signed-in-with-the-passkey")
    assert not csp_errors, csp_errors
