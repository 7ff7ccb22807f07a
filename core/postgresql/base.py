"""Django's PostgreSQL backend, its per-request health check made without a round trip
(``ENGINE = "core.postgresql"``, set in ``config/settings.py`` for a PostgreSQL URL).

With ``CONN_HEALTH_CHECKS``, Django checks a kept connection before a request's first
statement, with a ``SELECT 1`` (``is_usable``): a round trip to PostgreSQL on every
request, as costly as a small query. PostgreSQL closing a session (a restart, a failover,
``pg_terminate_backend``, ``idle_session_timeout``) sends its error message and closes the
socket, so an idle connection it ended has something to read. Here a connection that is
open, idle outside a transaction and has nothing to read is taken as usable with no round
trip; any other (something to read, a transaction left open, a state libpq does not know)
gets Django's ``SELECT 1`` and is replaced when that fails. A connection whose errors
Django has seen is checked by Django itself (``close_if_unusable_or_obsolete``), as before.
``tests/core/test_connection_health.py``; the production recipe's test ends the web
process's connections and finds the next requests served.
"""

import select

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import is_psycopg3


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done or self.pool:
            return super().close_if_health_check_failed()
        if not self.quiet_and_idle() and not self.is_usable():
            self.close()
        self.health_check_done = True

    def quiet_and_idle(self) -> bool:
        """Open, idle outside a transaction, and nothing sent by the server since the last
        statement's answer (no error message, no end of the stream)."""
        if is_psycopg3:  # psycopg 3 has its own connection API: Django's check as is
            return False
        from psycopg2 import extensions

        conn = self.connection
        try:
            if conn.closed or conn.info.transaction_status != extensions.TRANSACTION_STATUS_IDLE:
                return False
            poller = select.poll()
            poller.register(conn.fileno(), select.POLLIN | select.POLLPRI)
            return not poller.poll(0)
        except (OSError, ValueError, base.Database.Error):
            return False
