"""The rate per token (``SANAD_API_RATE``, 600 a minute by default), kept in the ``api``
cache (Redis when there is one: every web process shares the count). A session is counted
per user, an anonymous caller per address. Over the rate: 429 with ``Retry-After``."""

from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from core.api.permissions import token_of
from core.security import client_ip


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    @property
    def cache(self):
        return caches["api"]

    def get_cache_key(self, request, view) -> str:
        token = token_of(request)
        if token is not None:
            ident = f"token:{token.pk}"
        elif getattr(request.user, "is_authenticated", False) and request.user.pk:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"addr:{client_ip(request._request)}"
        return f"throttle:{self.scope}:{ident}"
