"""Sending a delivery: one attempt per call (the task's body), recorded, and the
reconciliation of the deliveries with the queue (beat).

An attempt is claimed first (``attempts`` must be the one before it and the delivery not
delivered), so a duplicate message, or the task run twice, sends nothing twice. The call:
a POST of the event's body, signed, to the address checked just before (no redirect
followed, ``SANAD_WEBHOOKS_TIMEOUT`` seconds per connect and read, the response's first
kilobyte kept). 2xx is delivered; anything else is retried after 1, 2, 4, 8 ...
``SANAD_WEBHOOKS_RETRY_SECONDS`` until ``SANAD_WEBHOOKS_MAX_ATTEMPTS``, then failed (a
manager or the endpoint's owner can retry it by hand). An address refused is not retried.
"""

from __future__ import annotations

import datetime
import http.client
import logging
import socket
import ssl
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.tasks import enqueue
from core.webhooks import addresses, signing
from core.webhooks.events import DELIVER_TASK
from core.webhooks.models import WebhookAttempt, WebhookDelivery

log = logging.getLogger(__name__)

BODY_KEPT = 1000
USER_AGENT = "Sanad-Webhooks/1"
CLAIM_SECONDS = 60


@dataclass(frozen=True)
class Result:
    sent: bool  # an attempt was made (False: a duplicate, nothing to do)
    delivered: bool = False
    retry_in: int | None = None  # seconds until the next attempt, if one is due
    attempt: int = 0


class _Connection(http.client.HTTPConnection):
    """Connects to the address checked, whatever the name resolves to now."""

    def __init__(self, *args, address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._address = address
        self._create_connection = lambda addr, timeout, source: socket.create_connection(
            (self._address, addr[1]), timeout, source
        )


class _SecureConnection(http.client.HTTPSConnection):
    """TLS to the address checked, with the certificate checked against the URL's host."""

    def __init__(self, *args, address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._address = address
        self._create_connection = lambda addr, timeout, source: socket.create_connection(
            (self._address, addr[1]), timeout, source
        )


def backoff(attempt: int) -> int:
    """Seconds to wait after failed attempt ``attempt`` (1, 2, 3 ...): 1, 2, 4 ... units."""
    return settings.SANAD_WEBHOOKS_RETRY_SECONDS * 2 ** (attempt - 1)


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST ``body``; the status code and the start of the response (``ValidationError``
    for an address refused, ``OSError``/``HTTPException`` for a network failure)."""
    target = addresses.parse(url)
    address = addresses.resolve(target)
    timeout = settings.SANAD_WEBHOOKS_TIMEOUT
    if target.scheme == "https":
        conn = _SecureConnection(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context(), address=address
        )
    else:
        conn = _Connection(target.host, target.port, timeout=timeout, address=address)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read(BODY_KEPT).decode("utf-8", errors="replace")
        return response.status, text
    finally:
        conn.close()


def _claim(delivery_id: int, attempt: int) -> WebhookDelivery | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint", "event")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.attempts != attempt - 1:
            return None
        if delivery.status not in (WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING):
            return None
        delivery.status = WebhookDelivery.Status.SENDING
        delivery.attempts = attempt
        delivery.claimed_until = now + datetime.timedelta(seconds=CLAIM_SECONDS)
        delivery.save(update_fields=["status", "attempts", "claimed_until"])
        return delivery


def delivery_attempt(*, delivery_id: int, attempt: int, manual: bool = False) -> Result:
    """Make attempt ``attempt`` of a delivery and record it (the task's body)."""
    delivery = _claim(delivery_id, attempt)
    if delivery is None:
        return Result(sent=False)
    endpoint, event = delivery.endpoint, delivery.event
    body = event.body.encode()
    code, text, error, retryable = None, "", "", True
    started = time.monotonic()
    if not endpoint.is_active:
        error, retryable = "The endpoint is disabled.", False
    else:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Sanad-Event": event.kind,
            "Sanad-Delivery": str(delivery.uuid),
            "Sanad-Signature": signing.header(endpoint.secret, body),
        }
        try:
            code, text = post(endpoint.url, body, headers)
            if not 200 <= code < 300:
                error = f"HTTP {code}"
        except ValidationError as exc:
            error, retryable = " ".join(exc.messages), False
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    duration = int((time.monotonic() - started) * 1000)
    delivered = not error
    now = timezone.now()
    retry_in = None
    if not delivered and retryable and attempt < settings.SANAD_WEBHOOKS_MAX_ATTEMPTS:
        retry_in = backoff(attempt)
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=attempt,
            response_code=code,
            response_body=text[:BODY_KEPT],
            error=error[:500],
            duration_ms=duration,
            manual=manual,
        )
        if delivered:
            status = WebhookDelivery.Status.DELIVERED
        elif retry_in is not None:
            status = WebhookDelivery.Status.RETRYING
        else:
            status = WebhookDelivery.Status.FAILED
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=status,
            response_code=code,
            last_error=error[:500],
            delivered_at=now if delivered else None,
            next_attempt_at=now + datetime.timedelta(seconds=retry_in) if retry_in is not None else None,
            claimed_until=None,
        )
    if not delivered:
        log.info("webhook delivery %s attempt %s: %s", delivery.pk, attempt, error)
    return Result(sent=True, delivered=delivered, retry_in=retry_in, attempt=attempt)


def deliveries_reconcile(*, late: datetime.timedelta = datetime.timedelta(minutes=2)) -> dict[str, int]:
    """Beat, every few minutes: the database is the truth, not a message in Redis.

    An attempt whose worker died (claimed, the claim run out) is recorded as interrupted and
    the delivery retried; a delivery due for more than ``late`` (its message lost, or never
    sent: the broker was down) is sent again. A duplicate finds its attempt taken: no-op.
    """
    now = timezone.now()
    counts = {"interrupted": 0, "sent": 0}
    with transaction.atomic():
        stuck = WebhookDelivery.objects.select_for_update(skip_locked=True).filter(
            status=WebhookDelivery.Status.SENDING, claimed_until__lt=now
        )
        for delivery in stuck:
            WebhookAttempt.objects.get_or_create(
                delivery=delivery, number=delivery.attempts, defaults={"error": "Interrupted (the worker stopped)."}
            )
            exhausted = delivery.attempts >= settings.SANAD_WEBHOOKS_MAX_ATTEMPTS
            delivery.status = WebhookDelivery.Status.FAILED if exhausted else WebhookDelivery.Status.RETRYING
            delivery.last_error = "Interrupted (the worker stopped)."
            delivery.next_attempt_at = None if exhausted else now
            delivery.claimed_until = None
            delivery.save(update_fields=["status", "last_error", "next_attempt_at", "claimed_until"])
            counts["interrupted"] += 1
    due = WebhookDelivery.objects.filter(
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING], next_attempt_at__lte=now - late
    ).values_list("pk", "attempts")[:500]
    for pk, attempts in due:
        if not enqueue(DELIVER_TASK, pk, attempts + 1):
            break
        counts["sent"] += 1
    return counts
