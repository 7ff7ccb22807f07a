"""The second factor's pages (enrol, verify, recovery codes), the security log and the
password views that leave a line in it."""

import base64

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import require
from core.models import SecurityEvent
from core.pagination import paginate, querystring_without_page
from core.roles import is_manager
from core.security import log, mfa, passkeys
from core.security.forms import PasskeyNameForm, SecurityLogFilter, TokenForm

SETUP_KEY = "sanad_mfa_setup_device"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def _qr_data_uri(text: str) -> str:
    """The QR code as an SVG data URI, drawn here (no service on the internet sees the key)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _n in range(mfa.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@require_GET
def mfa_manage(request: HttpRequest) -> HttpResponse:
    """The user's second factor: enrolled or not, required or not, recovery codes left."""
    devices = list(devices_for_user(request.user, confirmed=True))
    recovery = next((d for d in devices if isinstance(d, StaticDevice)), None)
    context = {
        "apps": [d for d in devices if isinstance(d, TOTPDevice)],
        "codes_left": recovery.token_set.count() if recovery else 0,
        "required": mfa.mfa_required(request.user),
        "passkeys": list(passkeys.passkeys_of(request.user)),
        "may_add_passkey": mfa.recently_verified(request),
        **passkeys.script_context(request),
    }
    return render(request, "registration/mfa_manage.html", context)


def mfa_passkey_name(request: HttpRequest, pk: int) -> HttpResponse:
    """Name one of one's passkeys (the page a new passkey opens on)."""
    passkey = passkeys.passkey_for_user(request.user, pk)
    form = PasskeyNameForm(request.POST or None, initial={"name": passkey.name})
    if request.method == "POST" and form.is_valid():
        passkey.name = form.cleaned_data["name"]
        passkey.save(update_fields=["name"])
        messages.success(request, _("The passkey is named “%(name)s”.") % {"name": passkey.name})
        return redirect("mfa_manage")
    return render(request, "registration/mfa_passkey_name.html", {"form": form, "passkey": passkey})


@require_POST
@mfa.step_up
def mfa_passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one of one's passkeys (it stops working at once); a step-up action."""
    passkey = passkeys.passkey_for_user(request.user, pk)
    with transaction.atomic():
        name = passkey.name
        passkey.delete()
        log.record(SecurityEvent.Kind.PASSKEY_REMOVED, request=request, user=request.user, detail=name)
    messages.success(request, _("The passkey “%(name)s” is removed.") % {"name": name})
    return redirect("mfa_manage")


def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code."""
    user = request.user
    if mfa.has_device(user) and not mfa.session_verified(request):
        return redirect(f"{reverse('mfa_verify')}?next={reverse('mfa_setup')}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=request.session.get(SETUP_KEY) or 0).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
        request.session[SETUP_KEY] = device.pk
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                codes = _new_recovery_codes(user)
                log.record(SecurityEvent.Kind.MFA_ENROLLED, request=request, user=user)
            request.session.pop(SETUP_KEY, None)
            mfa.mark_verified(request, device)
            return render(request, "registration/mfa_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("token", _("This code is not the one the app shows now. Check the phone's clock and try again."))
        log.record(SecurityEvent.Kind.MFA_FAILED, request=request, user=user, detail="setup")
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next(request),
        "required": mfa.mfa_required(user),
    }
    return render(request, "registration/mfa_setup.html", context)


def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Give the second factor: a code of the app, or a recovery code (used once)."""
    user = request.user
    if not mfa.has_device(user):
        return redirect(f"{reverse('mfa_setup')}?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            mfa.mark_verified(request, device)
            kind = (
                SecurityEvent.Kind.MFA_RECOVERY_USED
                if isinstance(device, StaticDevice)
                else SecurityEvent.Kind.MFA_VERIFIED
            )
            log.record(kind, request=request, user=user)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request, _("You used a recovery code; %(n)s are left. Make new ones if few remain.") % {"n": left}
                )
            return redirect(_next(request))
        form.add_error("token", _("This code is not valid. Try the code the app shows now, or a recovery code."))
        log.record(SecurityEvent.Kind.MFA_FAILED, request=request, user=user)
    context = {"form": form, "next": _next(request), "has_passkey": passkeys.has_passkey(user)}
    if context["has_passkey"]:
        context.update(passkeys.script_context(request))
    return render(request, "registration/mfa_verify.html", context)


@require_POST
@mfa.step_up
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), shown once."""
    if not mfa.has_device(request.user):
        return redirect("mfa_setup")
    with transaction.atomic():
        codes = _new_recovery_codes(request.user)
        log.record(SecurityEvent.Kind.MFA_RECOVERY_NEW, request=request, user=request.user)
    return render(request, "registration/mfa_codes.html", {"codes": codes, "next": reverse("mfa_manage")})


@require_GET
def security_log(request: HttpRequest) -> HttpResponse:
    """The security log, newest first, for a programme manager."""
    require(is_manager(request.user))
    events = SecurityEvent.objects.select_related("user", "by")
    form = SecurityLogFilter(request.GET or None)
    if form.is_valid():
        if form.cleaned_data["kind"]:
            events = events.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["username"]:
            events = events.filter(username__iexact=form.cleaned_data["username"].strip())
    page = paginate(request, events)
    return render(
        request, "core/security_log.html", {"page": page, "form": form, "qs": querystring_without_page(request)}
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        log.record(SecurityEvent.Kind.PASSWORD_CHANGED, request=self.request, user=self.request.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        log.record(SecurityEvent.Kind.PASSWORD_RESET, request=self.request, user=form.user)
        return response
