"""Passkeys (WebAuthn, django-otp-webauthn) as a second factor beside the authenticator app.

* **Adding one** (the two-step page): a user who enrolled the app (so has recovery codes)
  and gave a factor within ``SANAD_STEP_UP_MINUTES``; the browser creates the key, the
  page then asks for its name. Listed, renamed and removed (removal is a step-up action)
  on the same page.
* **Giving it**: the second-factor step (``mfa_verify``) offers the app's code, a passkey
  or a recovery code; a passkey marks the session verified and restarts the step-up window
  (``mfa.mark_verified``), like a code. Passkeys are a second factor only: no passwordless
  sign-in (``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False``).
* **The endpoints** are the package's views, narrowed: only a signed-in user, only for
  their own passkeys, POST only, with translated errors and a security-log line for each
  passkey added, removed or used (and each refused use).
* **The script** is the package's own (``static/django_otp_webauthn/``, served from
  ``'self'`` under the CSP), fed by ``json_script``; ``static/js/passkeys.js`` gives it
  Sanad's translations and opens the naming page once a passkey is added.

The relying party (``OTP_WEBAUTHN_RP_ID``, ``OTP_WEBAUTHN_ALLOWED_ORIGINS``) comes from the
settings: README, "Configuration".
"""

from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.middleware import csrf
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from core.models import SecurityEvent
from core.security import log, mfa

# The package's client-side messages (its script calls gettext() with these English texts)
# and Sanad's words for them; passkeys.js serves them to the script.
SCRIPT_TEXTS = {
    "Register a Passkey": gettext_lazy("Add a passkey"),
    "Registering...": gettext_lazy("Adding the passkey..."),
    "Registration failed. Unable to fetch registration options from server.": gettext_lazy(
        "The passkey could not be added: the server did not answer. Try again."
    ),
    "Registration aborted.": gettext_lazy("Adding the passkey was cancelled."),
    "Registration failed. You most likely already have a Passkey registered for this site.": gettext_lazy(
        "This device already holds a passkey for Sanad."
    ),
    "Registration aborted or not allowed.": gettext_lazy("Adding the passkey was cancelled or not allowed."),
    "Registration failed. A technical problem occurred that prevents you from registering a Passkey for this site.": (
        gettext_lazy("The passkey could not be added: this address is not the one Sanad is configured for.")
    ),
    "Registration failed. An unknown error occurred.": gettext_lazy("The passkey could not be added. Try again."),
    "Finishing registration...": gettext_lazy("Saving the passkey..."),
    "Registration failed. The server was unable to verify this passkey.": gettext_lazy(
        "The passkey could not be added: Sanad could not check it."
    ),
    "Registration failed. A server error occurred.": gettext_lazy("The passkey could not be added. Try again."),
    "Registration successful!": gettext_lazy("The passkey is added."),
    "An error occurred during registration.": gettext_lazy("The passkey could not be added. Try again."),
    "Verify with Passkey": gettext_lazy("Use a passkey"),
    "Verifying...": gettext_lazy("Waiting for the passkey..."),
    "Verification failed. Could not retrieve parameters from the server.": gettext_lazy(
        "The passkey could not be used: the server did not answer. Try again."
    ),
    "Verification aborted.": gettext_lazy("Using the passkey was cancelled."),
    "Verification canceled or not allowed.": gettext_lazy("Using the passkey was cancelled or not allowed."),
    "Verification failed. An unknown error occurred.": gettext_lazy("The passkey could not be used. Try again."),
    "Finishing verification...": gettext_lazy("Checking the passkey..."),
    "Verification failed. An unknown server error occurred.": gettext_lazy("The passkey could not be used. Try again."),
    "Verification failed. A server error occurred.": gettext_lazy("The passkey could not be used. Try again."),
    "Verification successful!": gettext_lazy("Passkey accepted."),
    "An error occurred during verification.": gettext_lazy("The passkey could not be used. Try again."),
}

# The package's server errors (their ``code``), in Sanad's words.
ERROR_TEXTS = {
    "not_authenticated": gettext_lazy("Sign in first."),
    "user_not_verified": gettext_lazy(
        "Give your second factor again (within the last minutes) before adding a passkey."
    ),
    "app_first": gettext_lazy("Set up the authenticator app first: a passkey is added beside it."),
    "no_passkey": gettext_lazy("You have no passkey: use a code of your authenticator app."),
    "credential_not_found": gettext_lazy("This passkey is not known to Sanad: it may have been removed."),
    "credential_user_mismatch": gettext_lazy("This passkey belongs to another account."),
    "credential_disabled": gettext_lazy("This passkey is disabled."),
    "user_disabled": gettext_lazy("This account is disabled."),
    "invalid_state": gettext_lazy("The request expired. Try again."),
    "malformed_request": gettext_lazy("The browser sent a request Sanad cannot read. Try again."),
}
FALLBACK_ERROR = gettext_lazy("The passkey could not be checked. Try again.")
NAME_MAX = 64  # django-otp's Device.name


class SanadError(exceptions.OTPWebAuthnApiError):
    status_code = 403


def passkeys_of(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def has_passkey(user) -> bool:
    return getattr(user, "is_authenticated", False) and passkeys_of(user).exists()


def passkey_for_user(user, pk) -> WebAuthnCredential:
    """One of the user's own passkeys, or 404 (another's tells nothing)."""
    passkey = passkeys_of(user).filter(pk=pk).first()
    if passkey is None:
        raise Http404
    return passkey


def script_context(request) -> dict:
    """What the pages give the package's script (``json_script``: no inline script)."""
    return {
        "passkey_config": {
            "autocompleteLoginFieldSelector": None,
            "nextFieldSelector": "#passkey-next",  # not the to-do badge's (htmx may swap a page with its own)
            "csrfToken": csrf.get_token(request),
            "beginAuthenticationUrl": reverse("passkey_auth_begin"),
            "completeAuthenticationUrl": reverse("passkey_auth_complete"),
            "beginRegistrationUrl": reverse("passkey_register_begin"),
            "completeRegistrationUrl": reverse("passkey_register_complete"),
        },
        "passkey_texts": {english: str(ours) for english, ours in SCRIPT_TEXTS.items()},
    }


class SanadWebAuthnHelper(WebAuthnHelper):
    """``OTP_WEBAUTHN_HELPER_CLASS``: names a new passkey and logs it."""

    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        added = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
        device.name = (_("Passkey added on %(date)s") % {"date": added})[:NAME_MAX]
        return device

    def register_complete(self, user, state, data):
        with transaction.atomic():
            device = super().register_complete(user, state, data)
            log.record(SecurityEvent.Kind.PASSKEY_ADDED, request=self.request, user=user, detail=device.name)
        return device


class _SanadEndpoint:
    """POST only, signed-in only, errors in the user's language."""

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return super().dispatch(request, *args, **kwargs)

    def get_user(self):
        return self.request.user if self.request.user.is_authenticated else None

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            detail = ERROR_TEXTS.get(exc.code, FALLBACK_ERROR)
            return JsonResponse({"detail": str(detail), "code": exc.code}, status=exc.status_code)
        return super().handle_exception(exc)


class _RegistrationEndpoint(_SanadEndpoint):
    def check_can_register(self):
        """The app first (the recovery codes come with it), and a factor given recently:
        a stolen session alone cannot add the thief's passkey."""
        if not mfa.has_device(self.request.user):
            raise SanadError(code="app_first")
        if not mfa.recently_verified(self.request):
            raise exceptions.NotVerified()


class RegisterBegin(_RegistrationEndpoint, webauthn_views.BeginCredentialRegistrationView):
    pass


class RegisterComplete(_RegistrationEndpoint, webauthn_views.CompleteCredentialRegistrationView):
    pass


class _AuthenticationEndpoint(_SanadEndpoint):
    def check_can_authenticate(self):
        user = self.get_user()
        if user is None:
            raise exceptions.NotAuthenticated()
        if not has_passkey(user):
            raise SanadError(code="no_passkey")
        super().check_can_authenticate()


class AuthBegin(_AuthenticationEndpoint, webauthn_views.BeginCredentialAuthenticationView):
    pass


class AuthComplete(_AuthenticationEndpoint, webauthn_views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        """The passkey is the second factor: the session is verified (and the step-up
        window starts again)."""
        mfa.mark_verified(self.request, device)
        log.record(SecurityEvent.Kind.PASSKEY_USED, request=self.request, user=device.user, detail=device.name)

    def post(self, *args, **kwargs):
        self.ceremony_started = True  # past the checks of who may: a failure now is a wrong passkey
        return super().post(*args, **kwargs)

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and getattr(self, "ceremony_started", False):
            log.record(SecurityEvent.Kind.MFA_FAILED, request=self.request, user=self.request.user, detail="passkey")
        return super().handle_exception(exc)


register_begin = RegisterBegin.as_view()
register_complete = RegisterComplete.as_view()
auth_begin = AuthBegin.as_view()
auth_complete = AuthComplete.as_view()
