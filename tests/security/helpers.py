"""Second-factor helpers for the security tests: a user's TOTP device and its current code."""

from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def enrol(user, *, recovery: tuple[str, ...] = ("recover01", "recover02")) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    for code in recovery:
        StaticToken.objects.create(device=static, token=code)
    return device


def code(device: TOTPDevice) -> str:
    """The code the app shows now (a fresh one: the device forgets the last one it took)."""
    device.refresh_from_db()
    device.last_t = -1
    device.throttling_failure_count = 0  # django-otp slows down guesses after a failure
    device.throttling_failure_timestamp = None
    device.save(update_fields=["last_t", "throttling_failure_count", "throttling_failure_timestamp"])
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def sign_in_with_factor(client, user, device: TOTPDevice) -> None:
    """Sign in (the password part done by force_login) and give the second factor."""
    client.force_login(user)
    response = client.post("/accounts/two-step/verify/", {"token": code(device)})
    assert response.status_code == 302, response.content[:500]
