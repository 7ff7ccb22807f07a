"""Walk the whole URLconf: an anonymous visitor is sent to a login page from every URL
except the few public ones (login, password reset, language switch, health and readiness)."""

from urllib.parse import urlparse

import pytest

from tests.core.urlwalk import all_urls

PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "healthz",
    "readyz",
    "admin:login",
}


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
