"""Sanad's security layer: the client address behind a proxy, the login lockout, the
second factor and the step-up, the security log, bad input refused, safe spreadsheet cells.

What Sanad promises and how each promise is tested: ``docs/security.md``.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``).

    Without a proxy (``SANAD_PROXY_COUNT``, env ``AXES_PROXY_COUNT``, 0) it is ``REMOTE_ADDR``: a forwarded header is
    the client's word and ignored. Behind N proxies that each append the address they saw
    to ``X-Forwarded-For`` (nginx's ``$proxy_add_x_forwarded_for``), the last N entries
    were written by our proxies: the client is the N-th from the end. Entries a client sent
    itself stand before those and are never read. A header with fewer entries than proxies,
    or an entry that is no address, falls back to ``REMOTE_ADDR``.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.SANAD_PROXY_COUNT
    if count <= 0:
        return remote
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
