"""Who may manage which webhook endpoints and read their delivery logs.

* the programme's endpoints (no partner): the programme managers;
* a partner organisation's endpoints: its own partner officers, and the admin (IT, who
  sets up integrations for partners).

Anyone else gets 403; an endpoint outside the user's reach is a 404 (a partner officer of
one organisation learns nothing of another's). The predicates are shared by the views, the
services and the templates.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from core.access import get_or_404
from core.models import PartnerOrganisation
from core.roles import is_admin, is_manager, is_partner_officer
from core.webhooks.models import WebhookDelivery, WebhookEndpoint


def _own_partner_id(user) -> int | None:
    return user.partner_organisation_id if is_partner_officer(user) else None


def may_use_webhooks(user) -> bool:
    return is_manager(user) or is_admin(user) or _own_partner_id(user) is not None


def _reach(user) -> Q:
    if not may_use_webhooks(user):
        raise PermissionDenied
    q = Q(pk__in=[])
    if is_manager(user):
        q |= Q(partner__isnull=True)
    if is_admin(user):
        q |= Q(partner__isnull=False)
    if (own := _own_partner_id(user)) is not None:
        q |= Q(partner_id=own)
    return q


def can_manage_endpoints_of(user, partner: PartnerOrganisation | None) -> bool:
    """Whether ``user`` may register an endpoint for ``partner`` (``None``: the programme)."""
    if partner is None:
        return is_manager(user)
    return is_admin(user) or _own_partner_id(user) == partner.pk


def can_manage_endpoint(user, endpoint: WebhookEndpoint) -> bool:
    return can_manage_endpoints_of(user, endpoint.partner)


def owners_for(user) -> list[PartnerOrganisation | None]:
    """For whom ``user`` may register endpoints (``None``: the programme)."""
    owners: list[PartnerOrganisation | None] = []
    if is_manager(user):
        owners.append(None)
    if is_admin(user):
        owners.extend(PartnerOrganisation.objects.order_by("acronym"))
    elif (own := _own_partner_id(user)) is not None:
        owners.append(PartnerOrganisation.objects.get(pk=own))
    return owners


def endpoints_visible_to(user) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(_reach(user)).select_related("partner")


def endpoint_for_user(user, pk) -> WebhookEndpoint:
    """An endpoint the user manages (403 for a role without webhooks, 404 out of reach)."""
    return get_or_404(endpoints_visible_to(user), pk)


def delivery_for_user(user, pk) -> WebhookDelivery:
    reach = _reach(user)
    deliveries = WebhookDelivery.objects.filter(endpoint__in=WebhookEndpoint.objects.filter(reach))
    return get_or_404(deliveries.select_related("endpoint__partner", "event"), pk)
