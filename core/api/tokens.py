"""Creating, finding and revoking API tokens (the services of ``ApiToken``).

A token is ``sanad_<prefix>_<secret>``: the prefix (8 characters) finds the row, the whole
token's SHA-256 is compared in constant time. Only the hash is stored; the token is shown
once, to the one who created it.

Who may: a programme manager creates and revokes the tokens of the programme's staff
(caseworkers and managers: case scopes, their own office scope applying); an admin those
of the partner organisations (aggregates and reports only). Nobody else.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require
from core.api.models import PARTNER_SCOPES, ApiToken, Scope
from core.models import PartnerOrganisation, User
from core.roles import STAFF_ROLES, Role, has_role, is_manager

PREFIX = "sanad_"


def hash_secret(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def can_manage_user_tokens(user) -> bool:
    return is_manager(user)


def can_manage_partner_tokens(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_manage_tokens(user) -> bool:
    return can_manage_user_tokens(user) or can_manage_partner_tokens(user)


def tokens_visible_to(user) -> QuerySet[ApiToken]:
    """The tokens a manager (the staff's) or an admin (the partner organisations') lists."""
    qs = ApiToken.objects.select_related("user", "partner_organisation", "created_by")
    if can_manage_user_tokens(user) and can_manage_partner_tokens(user):
        return qs
    if can_manage_user_tokens(user):
        return qs.filter(user__isnull=False)
    if can_manage_partner_tokens(user):
        return qs.filter(partner_organisation__isnull=False)
    raise PermissionDenied


def token_holders(user) -> QuerySet[User]:
    """The users a manager may give a token to: active staff (caseworkers, managers)."""
    if not can_manage_user_tokens(user):
        return User.objects.none()
    return User.objects.filter(is_active=True, groups__name__in=STAFF_ROLES).distinct().order_by("username")


def clean_addresses(entries: Iterable[str]) -> list[str]:
    out = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        try:
            out.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError as exc:
            raise ValidationError(
                {"allowed_ips": _("“%(entry)s” is not an address or a network.") % {"entry": entry}}, code="address"
            ) from exc
    return out


@transaction.atomic
def token_create(
    *,
    by: User,
    name: str,
    scopes: Iterable[str],
    expires_on: datetime.date,
    user: User | None = None,
    partner_organisation: PartnerOrganisation | None = None,
    allowed_ips: Iterable[str] = (),
) -> tuple[ApiToken, str]:
    """A new token and its secret (to show once)."""
    scopes = sorted(set(scopes))
    if (user is None) == (partner_organisation is None):
        raise ValidationError(_("A token belongs to a user or to a partner organisation."), code="owner")
    if user is not None:
        require(can_manage_user_tokens(by))
        if not token_holders(by).filter(pk=user.pk).exists():
            raise ValidationError({"user": _("Tokens are given to active staff members only.")}, code="holder")
    else:
        require(can_manage_partner_tokens(by))
        if not set(scopes) <= set(PARTNER_SCOPES):
            raise ValidationError(
                {"scopes": _("A partner organisation's token reads aggregates and reports only.")}, code="scopes"
            )
    if not scopes or not set(scopes) <= set(Scope.values):
        raise ValidationError({"scopes": _("Choose at least one scope.")}, code="scopes")
    today = timezone.localdate()
    if not today < expires_on <= today + datetime.timedelta(days=settings.SANAD_API_TOKEN_MAX_DAYS):
        raise ValidationError(
            {
                "expires_on": _("Choose an expiry after today and within %(days)s days.")
                % {"days": settings.SANAD_API_TOKEN_MAX_DAYS}
            },
            code="expiry",
        )
    prefix = secrets.token_hex(4)
    secret = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    expires_at = timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.max))
    token = ApiToken.objects.create(
        name=name.strip()[:100] or prefix,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        user=user,
        partner_organisation=partner_organisation,
        scopes=scopes,
        expires_at=expires_at,
        allowed_ips=clean_addresses(allowed_ips),
        created_by=by,
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    require(tokens_visible_to(by).filter(pk=token.pk).exists())
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def token_find(raw: str) -> ApiToken | None:
    """The token whose secret is ``raw`` (whatever its state), or None."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    prefix = raw[len(PREFIX) :].split("_", 1)[0]
    token = ApiToken.objects.select_related("user", "partner_organisation").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(raw)):
        return None
    return token


def token_used(*, token: ApiToken, address: str | None) -> None:
    """Record a use: one UPDATE (last used, from where, the count)."""
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now(), last_used_ip=address, use_count=F("use_count") + 1
    )
