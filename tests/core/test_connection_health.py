"""A kept PostgreSQL connection is checked before a request's first statement without a
round trip (``core.postgresql``): an open, idle, quiet connection is used as is, and one
that PostgreSQL ended (``pg_terminate_backend``: its error message and the end of the
stream are waiting on the socket) is replaced before the request's statement runs."""

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db

if connection.vendor != "postgresql":
    pytest.skip("the PostgreSQL backend's health check", allow_module_level=True)


@pytest.fixture
def kept():
    """A second connection to the test database, as a web thread keeps between requests."""
    wrapper = connections.create_connection("default")
    wrapper.settings_dict["CONN_HEALTH_CHECKS"] = True
    wrapper.ensure_connection()
    wrapper.health_check_enabled = True
    checks = []
    usable = wrapper.is_usable

    def counted():
        checks.append(1)
        return usable()

    wrapper.is_usable = counted
    wrapper.checks = checks
    yield wrapper
    wrapper.close()


def next_request(wrapper) -> None:
    wrapper.close_if_unusable_or_obsolete()  # what request_started does


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_engine_is_ours():
    assert connection.settings_dict["ENGINE"] == "core.postgresql"
    assert type(connections["default"]).__module__ == "core.postgresql.base"


def test_a_quiet_idle_connection_is_used_without_a_round_trip(kept):
    pid = backend_pid(kept)
    for _ in range(3):
        next_request(kept)
        assert backend_pid(kept) == pid  # the same session, and no SELECT 1 before it
    assert kept.checks == []


def test_a_connection_postgresql_ended_is_replaced_before_the_statement(kept):
    pid = backend_pid(kept)
    with connection.cursor() as cursor:
        # pg_terminate_backend only signals; wait for the session's end, as a request
        # arriving after a restart or a DBA's termination would find it.
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        assert cursor.fetchone()[0] is True
    next_request(kept)
    new_pid = backend_pid(kept)  # no error: the ended connection was replaced first
    assert new_pid != pid
    assert kept.checks == [1]  # what the socket showed was confirmed by Django's check


def test_a_connection_inside_a_transaction_gets_djangos_check(kept):
    backend_pid(kept)
    kept.connection.autocommit = False  # a transaction left open by the last request
    with kept.connection.cursor() as raw:
        raw.execute("SELECT 1")
    assert kept.quiet_and_idle() is False
    kept.connection.rollback()
    kept.connection.autocommit = True
    assert kept.quiet_and_idle() is True
