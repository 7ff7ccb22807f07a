"""Where a webhook may be sent: an ``https://`` URL whose host resolves to public
addresses only (no loopback, private, link-local, multicast or reserved address: a webhook
must not become a way to reach the servers behind Sanad). ``SANAD_WEBHOOKS_ALLOW_LOOPBACK``
(tests, a developer's machine; always off in production) lets ``http`` or ``https`` to
``127.0.0.1``, ``::1`` or ``localhost`` through, and nothing else private.

The host is resolved again before every call and the connection is made to the address
checked (``delivery._Connection``), so a name that resolves to a public address when the
endpoint is saved and to a private one later is refused then.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, what the request line carries


def parse(url: str) -> Target:
    """The URL's parts, or a ``ValidationError`` (https only; http to loopback in dev)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ValidationError(_("Enter a valid URL."), code="invalid") from exc
    host = (parts.hostname or "").lower()
    if not host:
        raise ValidationError(_("Enter a valid URL."), code="invalid")
    if parts.username or parts.password:
        raise ValidationError(_("The URL must not contain a user name or password."), code="credentials")
    loopback_allowed = settings.SANAD_WEBHOOKS_ALLOW_LOOPBACK and host in LOOPBACK_NAMES
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback_allowed):
        raise ValidationError(_("The URL must start with https://."), code="scheme")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)


def _refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return not settings.SANAD_WEBHOOKS_ALLOW_LOOPBACK
    return not ip.is_global or ip.is_multicast


def resolve(target: Target) -> str:
    """The address to connect to, after checking every address the host resolves to
    (``ValidationError`` if it resolves to none, or to any refused one)."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationError(
            _("The host %(host)s cannot be found.") % {"host": target.host}, code="unresolved"
        ) from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses or any(_refused(ip) for ip in addresses):
        raise ValidationError(
            _("The host %(host)s is a private or internal address: webhooks go to public addresses only.")
            % {"host": target.host},
            code="private",
        )
    return str(addresses[0])


def check(url: str) -> str:
    """Validate ``url`` for an endpoint (the form calls it): its normalised text."""
    resolve(parse(url))
    return url.strip()
