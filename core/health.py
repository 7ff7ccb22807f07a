"""The readiness checks of ``/readyz``: can this process serve a request now?

``/healthz`` only says the process answers (liveness: restart it if not). ``/readyz`` says
whether what a request needs answers too (readiness: send it traffic or not): PostgreSQL,
Redis when tasks go through it, and the media folders. Each check has a short timeout, so
a hung dependency makes the probe fail in about a second instead of holding a worker.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

CHECK_TIMEOUT = 1.5  # seconds, per check


def check_database() -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL statement_timeout = %s", [int(CHECK_TIMEOUT * 1000)])
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_broker() -> str:
    """Redis, when tasks go through it (eager mode, ``make run``'s default, needs none)."""
    from celery import current_app

    conf = current_app.conf
    if conf.task_always_eager:
        return "not used"
    url = conf.broker_write_url or conf.broker_url or ""
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(url, socket_timeout=CHECK_TIMEOUT, socket_connect_timeout=CHECK_TIMEOUT)
        try:
            client.ping()
        finally:
            client.close()
        return "ok"
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=CHECK_TIMEOUT)
    return "ok"


def check_storage() -> str:
    """The public and private media folders exist (or can be made) and can be written,
    within the timeout (a hung network share must not hang the probe)."""
    result: list[str] = []

    def probe():
        for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
            path = Path(root)
            path.mkdir(parents=True, exist_ok=True)
            if not os.access(path, os.W_OK | os.X_OK):
                result.append(f"{path} is not writable")
                return
        result.append("ok")

    thread = threading.Thread(target=probe, name="readyz-storage", daemon=True)
    thread.start()
    thread.join(CHECK_TIMEOUT)
    if thread.is_alive():
        return "timed out"
    return result[0] if result else "failed"


CHECKS = {"database": check_database, "broker": check_broker, "storage": check_storage}


def readiness() -> tuple[bool, dict[str, str]]:
    """Every check's outcome (``ok``, ``not used``, or what went wrong) and whether all passed."""
    outcomes: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            outcomes[name] = check()
        except Exception as exc:
            outcomes[name] = f"{type(exc).__name__}: {str(exc)[:200]}"
    return all(v in ("ok", "not used") for v in outcomes.values()), outcomes
