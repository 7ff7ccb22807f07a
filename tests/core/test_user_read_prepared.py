"""On PostgreSQL the per-request user read is a prepared statement: prepared once per
database connection, outside Django's query log, and kept through rolled-back
transactions; a new connection prepares it again (``core.auth.UserRead``)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.auth import device_wanted, read_user
from core.roles import Role
from tests.factories.core import make_user

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements"),
]


def prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def test_the_read_is_prepared_once_per_connection_and_logged_as_one_query():
    user = make_user(Role.CASEWORKER)
    connection.close()  # a connection that has never read a user
    for _attempt in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert read_user(user.pk).pk == user.pk
        assert [q["sql"].split("(")[0] for q in queries.captured_queries] == ["EXECUTE sanad_user_read"]
    assert "sanad_user_read" in prepared()


def test_the_prepared_read_outlives_a_rolled_back_transaction_and_sees_its_writes():
    user = make_user(Role.CASEWORKER)
    connection.close()
    with pytest.raises(RuntimeError), transaction.atomic():
        assert read_user(user.pk).first_name == user.first_name  # prepared inside the transaction
        type(user).objects.filter(pk=user.pk).update(first_name="Inside")
        assert read_user(user.pk).first_name == "Inside"
        raise RuntimeError
    assert "sanad_user_read" in prepared()
    assert read_user(user.pk).first_name == user.first_name


def test_a_new_connection_prepares_it_again():
    user = make_user(Role.PROGRAMME_MANAGER)
    assert read_user(user.pk).pk == user.pk
    connection.close()
    assert "sanad_user_read" not in prepared()  # a new session: nothing prepared yet
    assert read_user(user.pk).pk == user.pk
    assert "sanad_user_read" in prepared()


def test_the_read_with_a_device_is_its_own_statement():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(Role.PROGRAMME_MANAGER)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with device_wanted(device.persistent_id):
        read = read_user(user.pk)
    assert read._sanad_otp_device == device
    assert {"sanad_user_read_device"} <= prepared()
