"""Who calls: a token (``Authorization: Bearer sanad_...``) or the browser's session
(DRF's, which checks CSRF on writes).

A token of a user acts as that user (their role and office scope, through the same access
helpers as the pages). A token of a partner organisation acts as a :class:`PartnerClient`:
a partner officer of that organisation with no account, who can read aggregates only.
An expired or revoked token, or one used from outside its address allow-list, is refused
(401). Every accepted use is recorded (``core.api.tokens.token_used``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from core.api.tokens import token_find, token_used
from core.roles import Role
from core.security import client_ip


class PartnerClient:
    """The caller behind a partner organisation's token: its organisation's partner officer."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False
    pk = id = None
    office_id = None
    office = None

    def __init__(self, organisation):
        self.partner_organisation = organisation
        self.partner_organisation_id = organisation.pk
        self._sanad_roles = frozenset({Role.PARTNER_OFFICER})
        self.username = f"partner:{organisation.code}"

    def __str__(self) -> str:
        return str(self.partner_organisation)

    def get_username(self) -> str:
        return self.username

    def has_perm(self, *args) -> bool:
        return False


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Authorization: Bearer <token>”."))
        try:
            raw = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from exc
        token = token_find(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid."), code="token_invalid")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token was revoked."), code="token_revoked")
        if not token.is_active():
            raise exceptions.AuthenticationFailed(_("This token has expired."), code="token_expired")
        address = client_ip(request._request)
        if not token.allows_address(address):
            raise exceptions.AuthenticationFailed(
                _("This token may not be used from this address."), code="address_not_allowed"
            )
        if token.user is not None:
            if not token.user.is_active:
                raise exceptions.AuthenticationFailed(_("This token's user is inactive."), code="user_inactive")
            principal = token.user
        else:
            principal = PartnerClient(token.partner_organisation)
        token_used(token=token, address=address)
        return principal, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, CSRF checked on writes (the Swagger page, htmx)."""


from core.api import schema  # noqa: E402, F401  (the schema's description of these classes)
