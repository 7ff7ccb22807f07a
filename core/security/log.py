"""The security log (``core.models.SecurityEvent``): who signed in, out or failed to, who
was locked out, the second-factor events and the password changes, with the address
(``core.security.client_ip``). The receivers are connected in ``CoreConfig.ready``."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.security import client_ip, mfa


def record(kind: str, *, request=None, user=None, username: str = "", by=None, detail: str = "") -> None:
    from core.models import SecurityEvent

    if user is not None and not username:
        username = user.get_username()
    SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(username or "")[:150],
        ip_address=client_ip(request) if request is not None else None,
        by=by,
        detail=detail[:255],
    )


def _username(credentials) -> str:
    return str((credentials or {}).get("username", ""))[:150].replace("\x00", "")


@receiver(user_logged_in, dispatch_uid="sanad.security_log.login")
def on_login(sender, request, user, **kwargs):
    record("login", request=request, user=user)
    if request is not None and hasattr(request, "session"):
        # Whether this sign-in owes a second factor, decided now (not on every page).
        request.session[mfa.NEED_KEY] = mfa.must_verify(user)


@receiver(user_logged_out, dispatch_uid="sanad.security_log.logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record("logout", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="sanad.security_log.failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    record("login_failed", request=request, username=_username(credentials))


@receiver(user_locked_out, dispatch_uid="sanad.security_log.locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    record("locked_out", request=request, username=(username or "")[:150])
