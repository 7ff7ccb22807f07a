"""Writes to the refugee registry. Keyword-only, typed, atomic; they take the acting user."""

from collections.abc import Iterable

from django.db import transaction

from core.registry import status_rules
from refugees.models import Refugee, RefugeeStatus


@transaction.atomic
def refugee_refresh_status(*, refugee_ids: Iterable[int]) -> None:
    """Recompute the derived status of these people from what happened to them.

    Higher apps declare the facts (``core.registry.status_rules``) and call this after a
    write that can change a status (attendance, application, financing, exit).
    """
    remaining = set(refugee_ids)
    if not remaining:
        return
    for rule in status_rules.rules():
        if not remaining:
            break
        matched = set(rule.having(Refugee.objects.filter(pk__in=remaining)).values_list("pk", flat=True))
        if matched:
            Refugee.objects.filter(pk__in=matched).exclude(status=rule.status).update(status=rule.status)
            remaining -= matched
    if remaining:
        Refugee.objects.filter(pk__in=remaining).exclude(status=RefugeeStatus.REGISTERED).update(
            status=RefugeeStatus.REGISTERED
        )
