"""Walk the whole URLconf: an anonymous visitor is sent to a login page from every URL
except the few public ones (login, password reset, language switch, health and readiness);
the API answers an anonymous caller with a JSON 401 instead."""

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
    if name.startswith("api:") and name not in ("api:docs", "api:redoc"):
        # The API answers for itself: 401 in JSON (a JSON 404 for an address it does not have).
        expected = 404 if name == "api:not_found" else 401
        assert response.status_code == expected, f"{name} {url} answered {response.status_code}"
        assert response["Content-Type"].split(";")[0].endswith("json")
        assert response.json()["code"] in ("not_authenticated", "not_found")
        return
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
