"""The dashboard's cache and the data version that invalidates it.

The dashboard and the partner officer's home panel are cached per (what they show, scope,
filters, period, language) for ``TTL`` seconds, under a key that includes the **data
version**: a number in the database that every saved or deleted record the figures are
made of moves (signals of the watched models, connected from ``ReportsConfig.ready``). A
new visit, disbursement or refugee therefore shows on the next load, in every web process;
the TTL only bounds how long a change made behind the ORM's back (raw SQL,
``QuerySet.update``) can stay unseen; services that write in bulk (the refugee import)
send ``core.signals.records_bulk_written``. The derived facts (``reports.facts``) do not
depend on the version: they are kept equal to the records by their own signals.

On PostgreSQL the version is a sequence: ``nextval`` is not transactional and takes no
row lock, so concurrent writers never wait on each other for it. It is moved at once (the
writer's own next page sees its change) and again when the transaction commits (a page
computed by another request between the write and the commit, still without it, is not
served afterwards). Elsewhere (SQLite, ``make run``) it is a one-row table.

The key is built here and nowhere else: :func:`cache_key`.

Reports (``build_report``, the Celery runs) never read this cache nor the facts: they
compute from the records every time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from core.signals import records_bulk_written

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
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT last_value FROM reports_data_version")
        else:
            cur.execute("SELECT value FROM reports_dataversion WHERE id = 1")
        row = cur.fetchone()
    return row[0] if row else 0


def bump_data_version() -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT nextval('reports_data_version')")
        else:
            cur.execute("UPDATE reports_dataversion SET value = value + 1 WHERE id = 1")


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
    # Services that write in bulk (no post_save) say so through this signal.
    records_bulk_written.connect(record_changed, dispatch_uid="reports-data-version-bulk")


def cache_key(kind: str, *, scope: dict, start, end, filters: dict | None = None, lang: str | None = None) -> str:
    """THE key of a cached dashboard figure set (``kind``: ``"dashboard"`` or
    ``"headline"``, the partner's home panel): the data version, then a digest of the
    user's scope, the filters, the period and the language (the request's by default)."""
    parts: dict[str, Any] = {"scope": scope, "start": start, "end": end, "lang": lang or current_language()}
    if filters is not None:
        parts["filters"] = filters
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"reports:{kind}:{data_version()}:{digest}"


def cached(key: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per ``key`` (:func:`cache_key`) for ``TTL`` seconds."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TTL)
    return value


def current_language() -> str:
    return (get_language() or "en")[:2]
