"""Core's own tasks, and :func:`enqueue`, the one way any service sends a task.

Services never import a ``tasks`` module (tasks import services: the other way round
would be a circle). They send a task by its name, after the current transaction commits
if they are inside one, and learn whether the broker took it.
"""

from __future__ import annotations

import logging

from celery import current_app, shared_task
from django.core.management import call_command

from core import digest

log = logging.getLogger(__name__)


def _task(name: str):
    try:
        return current_app.tasks[name]
    except KeyError:
        # A task module not imported yet in this process: let Celery import them all.
        current_app.loader.import_default_modules()
        return current_app.tasks[name]


def enqueue(name: str, *args, task_id: str | None = None, **kwargs) -> bool:
    """Send the task ``name`` now; ``False`` (logged, nothing raised) if the broker is down.

    ``task_id`` names the message (a caller that keeps it can later ask the broker whether
    the message is still there: ``core.broker.tasks_held``).

    The task is looked up among the registered ones, so the eager mode of ``make run``
    (no broker: the task runs here and now) and a real broker behave alike. A broker that
    cannot be reached (kombu's ``OperationalError``, redis' ``ConnectionError`` ...) must
    not fail the request that asked: the caller keeps a row that a beat task or a later
    request re-sends. One attempt only, bounded by the broker's connection and socket
    timeouts (``CELERY_BROKER_TIMEOUT``, 0.5 s): a hung Redis costs a request that much.
    """
    try:
        _task(name).apply_async(args=args, kwargs=kwargs, task_id=task_id, retry=False)
    except Exception as exc:  # any broker failure: the caller decides what to keep
        log.warning("task %s%s not enqueued: %s", name, args or "", exc)
        return False
    return True


@shared_task(name="core.tasks.ping")
def ping() -> str:
    """Round-trip check used by the health test and operators."""
    return "pong"


@shared_task(name="core.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task(name="core.tasks.send_daily_digests", acks_late=True)
def send_daily_digests() -> int:
    """The daily e-mail digest of every user's to-do (idempotent: once per user and day)."""
    return digest.send_daily_digests()
