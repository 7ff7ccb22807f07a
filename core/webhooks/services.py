"""Writes of the webhooks: register, change, delete an endpoint, give it a new secret, and
retry a delivery by hand. Keyword-only, atomic, take the acting user and refuse a wrong
one (``PermissionDenied``); business rules are ``ValidationError``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require
from core.models import PartnerOrganisation, User
from core.tasks import enqueue
from core.webhooks import addresses, signing
from core.webhooks.access import can_manage_endpoint, can_manage_endpoints_of
from core.webhooks.events import DELIVER_TASK, kinds_for
from core.webhooks.models import WebhookDelivery, WebhookEndpoint


def _clean(*, partner: PartnerOrganisation | None, url: str, events: list[str]) -> tuple[str, list[str]]:
    errors = {}
    try:
        url = addresses.check(url)
    except ValidationError as exc:
        errors["url"] = exc.messages
    allowed = {k.name for k in kinds_for(partner=partner is not None)}
    events = sorted(set(events))
    if not events:
        errors["events"] = [_("Choose at least one event.")]
    elif not set(events) <= allowed:
        errors["events"] = [_("A partner organisation's endpoint cannot receive these events.")]
    if errors:
        raise ValidationError(errors)
    return url, events


@transaction.atomic
def endpoint_create(
    *, by: User, partner: PartnerOrganisation | None, url: str, events: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (shown to its owner this once)."""
    require(can_manage_endpoints_of(by, partner))
    url, events = _clean(partner=partner, url=url, events=events)
    secret = signing.new_secret()
    endpoint = WebhookEndpoint.objects.create(
        partner=partner, url=url, events=events, description=description, secret=secret, created_by=by
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *, endpoint: WebhookEndpoint, by: User, url: str, events: list[str], description: str, is_active: bool
) -> WebhookEndpoint:
    require(can_manage_endpoint(by, endpoint))
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.url, endpoint.events = _clean(partner=endpoint.partner, url=url, events=events)
    endpoint.description = description
    endpoint.is_active = is_active
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, by: User) -> str:
    """A new secret (the old one stops signing at once); returned to be shown once."""
    require(can_manage_endpoint(by, endpoint))
    secret = signing.new_secret()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=secret, updated_at=timezone.now())
    return secret


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, by: User) -> None:
    """Delete the endpoint and its delivery log (the history keeps who deleted it)."""
    require(can_manage_endpoint(by, endpoint))
    endpoint.delete()


@transaction.atomic
def delivery_retry(*, delivery: WebhookDelivery, by: User) -> WebhookDelivery:
    """Send a failed delivery (or one waiting for its retry) again now."""
    require(can_manage_endpoint(by, delivery.endpoint))
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if not delivery.can_retry:
        raise ValidationError(_("Only a failed delivery, or one waiting for its retry, can be sent again."))
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "next_attempt_at"])
    pk, attempt = delivery.pk, delivery.attempts + 1
    transaction.on_commit(lambda: enqueue(DELIVER_TASK, pk, attempt, manual=True))
    return delivery
