"""What the broker still holds, for the tasks that reconcile the database with it.

A row that must be acted on (a report run to build) is the truth; a message in Redis is
only a way to wake a worker, and Redis can lose it (restarted empty, flushed, its disk
gone). A reconciling task asks :func:`tasks_held` which of the messages it sent are still
there and sends the others again; the tasks themselves are idempotent, so a message that
was in fact there costs one no-op.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from celery import current_app

log = logging.getLogger(__name__)


def tasks_held(task_ids: Iterable[str]) -> set[str] | None:
    """The ids among ``task_ids`` whose message is still in the broker: waiting in a queue
    or delivered to a worker and not yet acknowledged. ``None`` when that cannot be known
    (not a Redis broker, or Redis unreachable): then nothing should be sent again."""
    wanted = [tid for tid in task_ids if tid]
    if not wanted:
        return set()
    conf = current_app.conf
    if conf.task_always_eager:
        return None
    try:
        with current_app.connection_for_write() as conn:
            if conn.transport.driver_type != "redis":
                return None
            channel = conn.default_channel
            client = channel.client
            queues = {conf.task_default_queue} | {q.name for q in (conf.task_queues or [])}
            blobs: list[bytes] = []
            for queue in queues:
                for priority in channel.priority_steps:
                    blobs.extend(client.lrange(channel._q_for_pri(queue, priority), 0, -1))
            blobs.extend(client.hvals(channel.unacked_key))
    except Exception as exc:  # the broker is down or hung: say we cannot tell
        log.warning("cannot read the broker's queues: %s", exc)
        return None
    held = b"\n".join(blob if isinstance(blob, bytes) else str(blob).encode() for blob in blobs)
    return {tid for tid in wanted if tid.encode() in held}
