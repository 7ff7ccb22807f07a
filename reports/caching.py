"""The dashboard's cache and the data version that invalidates it.

The dashboard and the partner officer's home panel are cached per (what they show, scope,
filters, period, language) for ``TTL`` seconds, under a key that includes the **data
version**: a counter in the cache that every saved or deleted record the figures are made
of moves (signals of the watched models, connected from ``ReportsConfig.ready``). A new
visit, disbursement or refugee therefore shows on the next load; the TTL only bounds how
long a change made behind the ORM's back (raw SQL, ``QuerySet.update``) can stay unseen.

The counter is bumped at once (so the writer's own next page sees its change) and again
when the transaction commits (so a page computed by another request between the write and
the commit, still without it, is not served afterwards).

Reports (``build_report``, the Celery runs) never read this cache: they compute from the
records every time. With several web processes, the cache must be shared (``CACHE_URL``
pointing to Redis, see config/settings.py), or each process's own cache is only kept
fresh by its own writes and the TTL.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "reports:data-version"
TTL = 300  # seconds

# The records every dashboard figure is computed from.
WATCHED = (
    "refugees.Refugee",
    "projects.Session",
    "projects.Attendance",
    "projects.BusinessProject",
    "projects.ProjectMember",
    "projects.ProjectTransition",
    "projects.CommitteeDecision",
    "projects.Cooperative",
    "funding.FundingAgreement",
    "funding.Grant",
    "funding.GrantFunding",
    "funding.Disbursement",
    "funding.DisbursementAllocation",
    "funding.FollowUpVisit",
)


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh (or evicted) counter starts from the clock, never from an old value.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_data_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)


def _bump_on_commit() -> None:
    """Once per transaction, however many records it writes."""
    pending = getattr(connection, "run_on_commit", None) or []
    if any(entry[1] is bump_data_version for entry in pending):
        return
    transaction.on_commit(bump_data_version)


def record_changed(sender, **kwargs) -> None:
    bump_data_version()
    if connection.in_atomic_block:
        _bump_on_commit()


def connect_signals() -> None:
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(record_changed, sender=model, dispatch_uid=f"reports-data-version-save-{label}")
        post_delete.connect(record_changed, sender=model, dispatch_uid=f"reports-data-version-delete-{label}")


def cached(kind: str, parts: dict[str, Any], compute: Callable[[], Any]) -> Any:
    """``compute()`` once per data version and ``parts`` (scope, filters, period, language)."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]
    key = f"reports:{kind}:{data_version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TTL)
    return value
