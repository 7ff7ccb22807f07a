"""Scopes: a token does what its scopes allow, and no more than its holder's role and
office allow (the endpoints call the same access helpers as the pages). The session of a
signed-in user has no scopes to check: their role decides, as on the pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from core.api.models import ApiToken, Scope
from core.roles import is_partner_officer

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def token_of(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


def has_scope(request, scope: str) -> bool:
    token = token_of(request)
    return token is None or scope in token.scopes


class ScopePermission(permissions.IsAuthenticated):
    """The view's ``read_scope`` on safe methods, ``write_scope`` otherwise."""

    message = _("This token does not have the scope this call needs.")

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        scope = getattr(view, "read_scope" if request.method in SAFE else "write_scope", None)
        if scope is None:
            return False
        self.message = _("This token does not have the scope “%(scope)s”.") % {"scope": scope}
        return has_scope(request, scope)


class CasesPermission(ScopePermission):
    """Case records: ``cases:read`` / ``cases:write`` (the office scope comes after, from the access helpers)."""


class PartnerPermission(ScopePermission):
    """The aggregates of the caller's own organisation: a partner officer (or a partner
    organisation's token) only; managers read the exact figures on their own pages."""

    message = _("Only a partner organisation reads its protected figures here.")

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        user = request.user
        return is_partner_officer(user) and getattr(user, "partner_organisation_id", None) is not None


class CaseViewMixin:
    permission_classes = [CasesPermission]
    read_scope = Scope.CASES_READ
    write_scope = Scope.CASES_WRITE
