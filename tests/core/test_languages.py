"""Arabic pages are right-to-left and translated; French pages are translated."""

import re

from django.urls import reverse


def _get(client, url, lang):
    client.cookies["django_language"] = lang
    return client.get(url).content.decode()


def test_it_renders_arabic_right_to_left_and_translated(client, db):
    html = _get(client, reverse("login"), "ar")
    assert re.search(r'<html lang="ar" dir="rtl">', html)
    assert "bootstrap.rtl.min.css" in html
    assert "تسجيل الدخول" in html
    assert "Log in to Sanad" not in html


def test_it_renders_french_left_to_right_and_translated(client, db):
    html = _get(client, reverse("login"), "fr")
    assert '<html lang="fr" dir="ltr">' in html
    assert "Se connecter" in html
    assert "Log in to Sanad" not in html


def test_it_translates_the_shell_for_a_logged_in_user(client_for, caseworker):
    client = client_for(caseworker)
    html = _get(client, "/", "ar")
    assert 'dir="rtl"' in html
    assert "تسجيل الخروج" in html  # "Log out"
    html = _get(client, "/", "fr")
    assert "Se déconnecter" in html


def test_it_switches_language_with_the_switcher(client, db):
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert 'dir="rtl"' in client.get("/accounts/login/").content.decode()
