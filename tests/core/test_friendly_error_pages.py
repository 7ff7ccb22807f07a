"""`make run` (SANAD_ENV=development) shows the friendly 404 page, never Django's technical
page listing the URL patterns: DEBUG is off unless set explicitly; the static files are
still served (WhiteNoise from the apps' folders)."""

import pytest
from django.urls import reverse

from tests.core.test_settings_modes import _manage

SHOW = "from django.conf import settings; print(settings.DEBUG, settings.WHITENOISE_USE_FINDERS)"


def test_debug_is_off_in_development_unless_asked():
    base = {"SANAD_ENV": "development", "DATABASE_URL": "sqlite:////tmp/sanad-friendly-pages.sqlite3"}
    off = _manage("shell", "-c", SHOW, env_extra=base, drop=("DEBUG",))
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip().splitlines()[-1] == "False True"
    on = _manage("shell", "-c", SHOW, env_extra={**base, "DEBUG": "1"})
    assert on.stdout.strip().splitlines()[-1] == "True True"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_missing_page_is_the_friendly_one_in_every_language(client_for, caseworker, lang, settings):
    settings.DEBUG = False
    client = client_for(caseworker)
    client.cookies["django_language"] = lang
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "URLconf" not in html and "Using the URLconf" not in html
    assert reverse("home") in html
    assert f'lang="{lang}"' in html
