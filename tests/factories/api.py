"""API tokens for the tests: ``make_token(user=... or partner=..., scopes=...)`` returns
(token, the Authorization header value)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.api.models import ApiToken, Scope
from core.api.tokens import hash_secret
from core.models import PartnerOrganisation

CASES = (Scope.CASES_READ, Scope.CASES_WRITE)
PARTNER = (Scope.AGGREGATES_READ, Scope.REPORTS_READ)
_n = [0]


def make_token(
    *,
    user=None,
    partner: str | PartnerOrganisation | None = None,
    scopes=None,
    created_by=None,
    expires_in_days: int = 30,
    allowed_ips=(),
    revoked: bool = False,
) -> tuple[ApiToken, str]:
    """A token written straight to the table (the service and its rules have their own tests)."""
    _n[0] += 1
    if isinstance(partner, str):
        partner = PartnerOrganisation.objects.get(code=partner)
    prefix = f"t{_n[0]:07d}"[-8:]
    while ApiToken.objects.filter(prefix=prefix).exists():
        _n[0] += 1
        prefix = f"t{_n[0]:07d}"[-8:]
    secret = f"sanad_{prefix}_test-secret-{_n[0]}"
    token = ApiToken.objects.create(
        name=f"token {prefix}",
        prefix=prefix,
        secret_hash=hash_secret(secret),
        user=user,
        partner_organisation=partner,
        scopes=list(scopes if scopes is not None else (PARTNER if partner else CASES)),
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
        allowed_ips=list(allowed_ips),
        created_by=created_by or user or _any_user(),
        revoked_at=timezone.now() if revoked else None,
    )
    return token, f"Bearer {secret}"


def _any_user():
    from tests.factories.core import make_user

    return make_user("admin")
