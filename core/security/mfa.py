"""The second factor (django-otp: a TOTP app, and single-use recovery codes) and the step-up.

* **Who must**: the roles of ``SANAD_MFA_REQUIRED_ROLES`` (a role name, or a pseudo-role
  registered by a higher app, such as ``committee_chair`` by projects) when
  ``SANAD_MFA_ENFORCED`` is on; anyone who enrolled a device, always.
* **The session**: django-otp's ``OTPMiddleware`` marks a session verified; the time of the
  last verification is kept too (``STEP_UP_KEY``).
* **Step-up**: :func:`step_up` (a view decorator) and :class:`StepUpMixin` ask for the
  factor again when the last one is older than ``SANAD_STEP_UP_MINUTES``.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp import login as otp_login

from core.roles import has_role

STEP_UP_KEY = "sanad_second_factor_at"
# Whether this session's user owes a second factor, decided at each sign-in (no query on
# every page; core.security.log.on_login) and set when a device is enrolled.
NEED_KEY = "sanad_second_factor_needed"
RECOVERY_CODE_COUNT = 10

# Pseudo-roles a higher app defines (core cannot import it): name -> predicate(user).
_role_tests: dict[str, Callable] = {}


def register_role_test(name: str, test: Callable) -> None:
    """A higher app names who holds a pseudo-role (``committee_chair``: chairs a sitting)."""
    _role_tests[name] = test


def mfa_required(user) -> bool:
    """Whether the user's role obliges a second factor (``SANAD_MFA_REQUIRED_ROLES``)."""
    if not getattr(user, "is_authenticated", False):
        return False
    names = settings.SANAD_MFA_REQUIRED_ROLES
    if has_role(user, *names):
        return True
    return any(test(user) for name, test in _role_tests.items() if name in names)


def has_device(user) -> bool:
    return any(True for _d in devices_for_user(user, confirmed=True))


def must_verify(user, session=None) -> bool:
    """A device enrolled, or a role that must have one while MFA is enforced (kept in the
    session, when given, until the next sign-in)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if session is not None and NEED_KEY in session:
        return session[NEED_KEY]
    needed = has_device(user) or (settings.SANAD_MFA_ENFORCED and mfa_required(user))
    if session is not None:
        session[NEED_KEY] = needed
    return needed


def session_verified(request) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def mark_verified(request, device) -> None:
    """The factor was given: the session is verified now (for the step-up window too)."""
    otp_login(request, device)
    request.session[STEP_UP_KEY] = timezone.now().timestamp()
    request.session[NEED_KEY] = True


def recently_verified(request) -> bool:
    at = request.session.get(STEP_UP_KEY)
    if not at or not session_verified(request):
        return False
    return timezone.now().timestamp() - float(at) <= settings.SANAD_STEP_UP_MINUTES * 60


def _back_to(request) -> str:
    """Where to return after the factor: the page itself (GET), or the page the form was
    on (a POST to an action URL cannot be replayed by a redirect)."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return reverse("home")


def step_up_response(request):
    """The redirect to the factor's page, or None when the last factor is recent enough
    (or the user needs none: MFA not enforced for them and no device)."""
    if not must_verify(request.user, request.session) or recently_verified(request):
        return None
    messages.info(request, _("This action needs your second factor again. Enter a code, then do it again."))
    target = "mfa_verify" if has_device(request.user) else "mfa_setup"
    return redirect(f"{reverse(target)}?{urlencode({'next': _back_to(request)})}")


def step_up(view):
    """Decorate a view whose action needs a recent second factor (approving or reversing
    money, anonymising, an identifiable export, signing off, changing roles)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return step_up_response(request) or view(request, *args, **kwargs)

    wrapped.sanad_step_up = True
    return wrapped


class StepUpMixin:
    """The class-based form of :func:`step_up` (the Django admin's user pages)."""

    def dispatch(self, request, *args, **kwargs):
        return step_up_response(request) or super().dispatch(request, *args, **kwargs)
