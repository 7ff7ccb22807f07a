"""Scopes: a token does what its scopes allow, and no more than its holder's role and
office allow (the endpoints call the same access helpers as the pages). The session of a
signed-in user has no scopes to check: their role decides, as on the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
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
        if not hasattr(view, request.method.lower()):
            return True  # a method the endpoint does not have: 405 for whoever asks
        scope = getattr(view, "read_scope" if request.method in SAFE else "write_scope", None)
        if scope is None:
            return False
        self.message = _("This token does not have the scope “%(scope)s”.") % {"scope": scope}
        return has_scope(request, scope)


class CasesPermission(ScopePermission):
    """Case records: ``cases:read`` / ``cases:write`` (the office scope comes after, from the access helpers)."""


class PartnerPermission(ScopePermission):
    """The aggregates of the caller's own organisation (the view asks for the organisation:
    :func:`partner_of`)."""


def partner_of(request):
    """The caller's partner organisation: a partner officer (or a partner organisation's
    token) only; managers read the exact figures on their own pages (403 otherwise)."""
    user = request.user
    if not (is_partner_officer(user) and getattr(user, "partner_organisation_id", None) is not None):
        raise PermissionDenied(_("Only a partner organisation reads its protected figures here."))
    return user.partner_organisation


class CaseViewMixin:
    permission_classes = [CasesPermission]
    read_scope = Scope.CASES_READ
    write_scope = Scope.CASES_WRITE
