"""Walk the whole URLconf (``config.urls`` and every app's ``urls.py``): the names and a
sample URL of every pattern, for the tests that must cover every URL."""

import re

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

SAMPLE = {"int": "1", "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000000", "path": "x"}


def _route_sample(pattern: RoutePattern) -> str:
    route = str(pattern)
    out = ""
    pos = 0
    for m in re.finditer(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>", route):
        out += route[pos : m.start()] + SAMPLE.get(m.group("conv") or "str", "x")
        pos = m.end()
    return out + route[pos:]


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if isinstance(entry.pattern, RoutePattern):
                yield from _walk(entry, prefix + _route_sample(entry.pattern), ns)
            else:  # regex include (not used by our apps): walk with its literal prefix
                yield from _walk(entry, prefix + str(entry.pattern).lstrip("^").rstrip("$"), ns)
        elif isinstance(entry, URLPattern):
            if isinstance(entry.pattern, RoutePattern):
                yield f"{namespace}{entry.name or ''}", "/" + prefix + _route_sample(entry.pattern)
            else:
                raw = str(entry.pattern).lstrip("^").rstrip("$")
                if "(" in raw or "\\" in raw:
                    continue  # admin's regex routes (app_label lists, catch-all)
                yield f"{namespace}{entry.name or ''}", "/" + prefix + raw


def all_urls() -> list[tuple[str, str]]:
    """``(name, sample URL)`` of every pattern, sorted (a name is ``namespace:name``)."""
    return sorted(set(_walk(get_resolver())))
