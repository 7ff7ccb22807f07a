"""Middleware of the security layer (their place in ``config/settings.py`` matters):

* ``RefuseBadInputMiddleware``: a NUL byte in any query-string or form value (or name),
  or a query-string value past ``SANAD_MAX_QUERY_VALUE`` characters, is refused with a
  translated 400 before any view, filter or the Django admin's search sees it (PostgreSQL
  cannot store or compare a NUL; an over-long search only costs the database).
* ``SessionDeviceMiddleware``: django-otp's ``OTPMiddleware`` (``request.user.otp_device``,
  ``is_verified()``), the session's TOTP device read in the same statement as its user
  (``core.auth.device_wanted``) instead of a query of its own on every request.
* ``SecondFactorMiddleware``: a signed-in user who must give a second factor and has not
  in this session is sent to enrol (no device yet) or to verify.
* ``CSPMiddleware``: django-csp's, the settings' policy built once per process (django-csp
  builds the header again on every response); a response or request that changes it (a
  ``@csp_update`` view, a nonce, an exemption) goes through django-csp's own path.
* ``NoStoreMiddleware``: every response to a signed-in user is ``Cache-Control: no-store``
  (any such page may show personal data; a shared computer's back button shows nothing).
"""

from urllib.parse import urlencode

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.functional import empty
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from core.auth import NO_DEVICE_READ, device_wanted, user_device
from core.security import mfa

NUL = "\x00"


def bad_input(request) -> str | None:
    """Why the request's parameters are refused, or None."""
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in v for v in values):
            return _("The address contains a character that is not allowed (NUL).")
        if len(key) > settings.SANAD_MAX_QUERY_VALUE or any(len(v) > settings.SANAD_MAX_QUERY_VALUE for v in values):
            return _("A search or filter value is too long (at most %(n)s characters).") % {
                "n": settings.SANAD_MAX_QUERY_VALUE
            }
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for key, values in request.POST.lists():
            if NUL in key or any(NUL in v for v in values):
                return _("The form contains a character that is not allowed (NUL). Remove it and send again.")
    return None


class RefuseBadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = bad_input(request)
        if problem:
            return render(request, "400.html", {"message": problem}, status=400)
        return self.get_response(request)


class SessionDeviceMiddleware(OTPMiddleware):
    """django-otp's middleware, its device read with the user. The checks are its own
    (``_finalize_device``: the device is this user's and confirmed, else the session
    forgets it); a device of another kind (a passkey) is read as django-otp reads it."""

    def _verify_user_sync(self, request, user):
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if hasattr(request, "session") else None
        with device_wanted(persistent_id):
            authenticated = user.is_authenticated  # the lazy user is read here, with its device
        self._init_user_fields(user)
        if authenticated:
            device = None
            if persistent_id:
                device = user_device(user)
                if device is NO_DEVICE_READ:
                    device = self._device_from_persistent_id(persistent_id)
            user.otp_device = self._finalize_device(request, user, device)
        return user


# Pages a user who owes a second factor may still reach: the factor's own pages, signing
# out, the language switch, the public pages.
EXEMPT_URL_NAMES = (
    "mfa_setup",
    "mfa_verify",
    "passkey_auth_begin",
    "passkey_auth_complete",
    "logout",
    "set_language",
    "login",
    "healthz",
)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def exempt_paths(self) -> tuple[str, ...]:
        if self._exempt is None:
            static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
            self._exempt = (*(reverse(name) for name in EXEMPT_URL_NAMES), static, "/accounts/password/reset/")
        return self._exempt

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            # The user is read now: the rest of the request (the other middleware, the
            # views, the context processors and templates: a few hundred reads a page)
            # uses the object itself rather than through its lazy wrapper.
            # (django-otp's lazy user wraps the authentication's: both are unwrapped)
            while (inner := getattr(user, "_wrapped", None)) is not None and inner is not empty:
                user = inner
            request.user = user
        if (
            user.is_authenticated
            and not request.path.startswith(self.exempt_paths())
            and not mfa.session_verified(request)
            and mfa.must_verify(user, request.session)
        ):
            if request.headers.get("HX-Request"):  # a fragment (the to-do badge): nothing to swap in
                return HttpResponse(status=204)
            target = "mfa_verify" if mfa.has_device(user) else "mfa_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


# What a view or a decorator sets on a response to change or drop its policy (django-csp).
_CSP_PER_RESPONSE = tuple(
    f"_csp_{what}{ro}" for what in ("config", "update", "replace", "exempt") for ro in ("", "_ro")
)
_csp_headers: list[tuple[str, str, tuple[str, ...]]] = []


def _fixed_csp_headers() -> list[tuple[str, str, tuple[str, ...]]]:
    """(header, value, excluded path prefixes) of the settings' policies, built once."""
    if not _csp_headers:
        built = []
        for header, setting, report_only in (
            (HEADER, "CONTENT_SECURITY_POLICY", False),
            (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
        ):
            prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
            built.append((header, build_policy(report_only=report_only), prefixes))
        _csp_headers[:] = built  # whole: two threads building at once write the same pair
    return _csp_headers


@receiver(setting_changed)
def _forget_csp(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _csp_headers.clear()


class CSPMiddleware(_DjangoCSPMiddleware):
    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _CSP_PER_RESPONSE)
        ):
            return super().process_response(request, response)
        for header, value, prefixes in _fixed_csp_headers():
            if value and header not in response and not request.path_info.startswith(prefixes):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            if response.has_header("Cache-Control"):  # a file already "private, no-store"
                patch_cache_control(response, private=True, no_store=True)
            else:
                add_never_cache_headers(response)
                patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
        return response
