"""The session's second-factor device is read with its user (``SessionDeviceMiddleware``,
``core.auth.device_wanted``): a request verified with a TOTP device runs no query of its
own for the device, and django-otp's checks hold on what that statement read: the device
must be the user's and confirmed, else the session is not verified and forgets it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.auth import NO_DEVICE_READ, device_wanted, read_user, totp_device_pk, user_device
from core.roles import Role
from tests.factories.core import make_user
from tests.security.helpers import enrol, sign_in_with_factor

pytestmark = pytest.mark.django_db

LIGHT = "/accounts/password/change/done/"  # a signed-in page that runs no query of its own


def fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def claim_device(client, persistent_id) -> None:
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = persistent_id
    session.save()


def device_queries(queries) -> list[str]:
    """The statements that read a TOTP device: the ORM's, or the user read with its device
    (on PostgreSQL a prepared statement, ``EXECUTE sanad_user_read_device``)."""
    table = TOTPDevice._meta.db_table
    return [
        q["sql"]
        for q in queries
        if (table in q["sql"] and not q["sql"].lstrip().startswith("UPDATE"))
        or q["sql"].startswith("EXECUTE sanad_user_read_device(")
    ]


def the_user_read(sql: str) -> bool:
    return '"core_user"' in sql or sql.startswith("EXECUTE sanad_user_read")


def test_a_verified_session_reads_its_device_with_its_user(client):
    user = make_user(Role.PROGRAMME_MANAGER)
    device = enrol(user)
    sign_in_with_factor(client, user, device)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIGHT)
    captured = list(queries.captured_queries)
    assert response.status_code == 200
    request_user = response.wsgi_request.user
    assert request_user.is_verified() and request_user.otp_device == device
    # One statement read the user and the device (the user's own read).
    reads = device_queries(captured)
    assert len(reads) == 1 and the_user_read(reads[0])
    assert fields(request_user.otp_device) == fields(TOTPDevice.objects.get(pk=device.pk))
    with CaptureQueriesContext(connection) as more:
        assert request_user.otp_device.user.pk == request_user.pk
    assert list(more.captured_queries) == []


def test_the_same_number_of_queries_as_a_user_with_no_second_factor(client):
    plain = make_user(Role.CASEWORKER)
    client.force_login(plain)
    client.get(LIGHT)
    with CaptureQueriesContext(connection) as without:
        client.get(LIGHT)
    plain_queries = list(without.captured_queries)  # read now: the next request resets the log
    client.logout()
    user = make_user(Role.PROGRAMME_MANAGER)
    sign_in_with_factor(client, user, enrol(user))
    client.get(LIGHT)
    with CaptureQueriesContext(connection) as verified:
        assert client.get(LIGHT).wsgi_request.user.is_verified()
    verified_queries = list(verified.captured_queries)
    assert plain_queries and len(verified_queries) == len(plain_queries), verified_queries


@pytest.mark.parametrize("case", ["unconfirmed", "someone_elses", "deleted", "malformed"])
def test_a_device_that_does_not_verify_the_session_is_forgotten(client, case):
    user = make_user(Role.PROGRAMME_MANAGER)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    persistent_id = device.persistent_id
    if case == "unconfirmed":
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    elif case == "someone_elses":
        persistent_id = TOTPDevice.objects.create(user=make_user(Role.CASEWORKER), name="x").persistent_id
    elif case == "deleted":
        device.delete()
    else:
        persistent_id = "otp_totp.totpdevice/not-a-number"
    client.force_login(user)
    claim_device(client, persistent_id)
    response = client.get(reverse("home"))
    # The manager owes a second factor only in production; the session is not verified.
    assert not response.wsgi_request.user.is_verified()
    assert response.wsgi_request.user.otp_device is None
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_device_of_another_kind_is_read_as_django_otp_reads_it(client):
    user = make_user(Role.PROGRAMME_MANAGER)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    client.force_login(user)
    claim_device(client, static.persistent_id)
    response = client.get(LIGHT)
    assert response.wsgi_request.user.is_verified() and response.wsgi_request.user.otp_device == static


def test_the_wanted_device_only_within_its_block():
    user = make_user(Role.PROGRAMME_MANAGER)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert totp_device_pk(device.persistent_id) == device.pk
    assert totp_device_pk(StaticDevice(pk=3).persistent_id) is None
    assert totp_device_pk(None) is None and totp_device_pk("otp_totp.totpdevice/" + "9" * 30) is None
    with device_wanted(device.persistent_id):
        read = read_user(user.pk)
    assert user_device(read) == device
    assert user_device(read_user(user.pk)) is NO_DEVICE_READ
    other = make_user(Role.CASEWORKER)
    with device_wanted(device.persistent_id):
        assert user_device(read_user(other.pk)) is None  # not this user's device
