"""The events an endpoint can subscribe to, who may receive each, what its data may hold,
and :func:`event_emit`, the one way an app reports that one happened.

An event never carries a person's data: each kind declares the keys of its ``data`` (an
allow-list checked at every emit), made of ids, codes, dates, statuses and links.
``visit.overdue`` is the programme's only: a partner's endpoint can neither subscribe to it
nor receive it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tasks import enqueue
from core.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

DELIVER_TASK = "core.webhooks.tasks.deliver"


@dataclass(frozen=True)
class EventKind:
    name: str
    label: object  # a lazy translated string
    partners: bool  # whether a partner organisation's endpoint may receive it
    keys: frozenset[str]  # the allow-list of its data's keys


REPORT_RUN_KEYS = frozenset(
    {
        "id",
        "organisation",
        "report",
        "period_start",
        "period_end",
        "version",
        "format",
        "language",
        "status",
        "requested_at",
        "finished_at",
        "signed_off_at",
        "url",
        "file_url",
    }
)

EVENTS: dict[str, EventKind] = {
    e.name: e
    for e in (
        EventKind("report_run.done", _("A report run is finished"), True, REPORT_RUN_KEYS),
        EventKind("report_run.signed_off", _("A report run is signed off"), True, REPORT_RUN_KEYS),
        EventKind(
            "visit.overdue",
            _("A follow-up visit is overdue (the programme only)"),
            False,
            frozenset({"visit_id", "project_id", "grant_ids", "office", "months_after_funding", "due_date", "url"}),
        ),
    )
}


def kinds_for(*, partner: bool) -> list[EventKind]:
    """The events an endpoint may subscribe to: a partner's, or the programme's (every one)."""
    return [e for e in EVENTS.values() if not partner or e.partners]


def event_body(*, kind: str, event_id: str, data: dict, created_at) -> str:
    """The exact bytes sent (and signed): one JSON object, keys sorted, no spaces."""
    envelope = {"id": event_id, "type": kind, "created_at": created_at.isoformat(), "data": data}
    return json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def check_data(kind: str, data: dict) -> None:
    """Refuse (``ValueError``) an unknown event or a key outside its allow-list."""
    if kind not in EVENTS:
        raise ValueError(f"unknown webhook event {kind!r}")
    extra = set(data) - EVENTS[kind].keys
    if extra:
        raise ValueError(f"webhook event {kind} may not carry {sorted(extra)}")


def subscribed(kind: str, partner_id: int | None = None) -> bool:
    """Whether any active endpoint would receive ``kind`` (a scan can stop early if not)."""
    audience = Q(partner__isnull=True)
    if EVENTS[kind].partners and partner_id is not None:
        audience |= Q(partner_id=partner_id)
    return any(
        kind in events
        for events in WebhookEndpoint.objects.filter(audience, is_active=True).values_list("events", flat=True)
    )


def already_emitted(keys: list[str]) -> set[str]:
    return set(WebhookEvent.objects.filter(key__in=keys).values_list("key", flat=True))


def event_emit(*, kind: str, key: str, data: dict, partner_id: int | None = None) -> WebhookEvent | None:
    """Record that ``kind`` happened (once per ``key``) and a delivery for every active
    endpoint subscribed to it, in the caller's transaction; the deliveries are sent after
    it commits (nothing is sent for a change rolled back).

    ``partner_id``: the organisation the event is about (a report run's partner): its
    endpoints receive it beside the programme's, when the kind is open to partners.
    Nobody subscribed: nothing is recorded. A key already recorded: nothing (idempotent).
    """
    check_data(kind, data)
    audience = Q(partner__isnull=True)
    if EVENTS[kind].partners and partner_id is not None:
        audience |= Q(partner_id=partner_id)
    endpoints = [e for e in WebhookEndpoint.objects.filter(audience, is_active=True) if kind in e.events]
    if not endpoints:
        return None
    if WebhookEvent.objects.filter(key=key).exists():
        return None
    event = WebhookEvent(kind=kind, key=key, partner_id=partner_id)
    now = timezone.now()
    event.body = event_body(kind=kind, event_id=str(event.uuid), data=data, created_at=now)
    try:
        with transaction.atomic():  # a savepoint: a concurrent emit of the same key loses here
            event.save()
            deliveries = WebhookDelivery.objects.bulk_create(
                [WebhookDelivery(endpoint=e, event=event, next_attempt_at=now) for e in endpoints]
            )
    except IntegrityError:
        return None
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: [enqueue(DELIVER_TASK, pk, 1) for pk in ids])
    return event
