"""Argument-free ``{% url %}`` and constant ``{% static %}`` are looked up once per process
(``core.urlcache``) and give what Django's own tags give, following the URLconf, the
script prefix and the static settings."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from core.urlcache import fixed_static, fixed_url


def test_the_argument_free_urls_follow_the_urlconf_and_the_script_prefix():
    assert fixed_url("home") == reverse("home")
    with override_settings(FORCE_SCRIPT_NAME="/sanad/"):
        set_script_prefix("/sanad/")
        try:
            assert fixed_url("home") == "/sanad/"
            assert Template("{% url 'home' %}").render(Context()) == "/sanad/"
        finally:
            set_script_prefix("/")
    assert fixed_url("home") == "/"


@pytest.mark.parametrize(
    "source",
    [
        "{% url 'home' %}",
        "{% url 'refugees:detail' 5 %}",
        "{% url 'home' as here %}[{{ here }}]",
        "{% url name %}",
        "{% static 'css/sanad.css' %}",
        "{% static path %}",
        "{% static 'css/sanad.css' as css %}[{{ css }}]",
    ],
)
def test_the_tags_give_what_djangos_give(source):
    context = {"name": "home", "path": "css/sanad.css"}
    ours = Template(source).render(Context(context))
    theirs = Template("{% load static %}" + source).render(Context(context))
    assert ours == theirs and ours.strip("[]")


def test_the_static_urls_follow_the_settings():
    assert fixed_static("css/sanad.css") == staticfiles_storage.url("css/sanad.css")
    with override_settings(STATIC_URL="/elsewhere/"):
        assert fixed_static("css/sanad.css").startswith("/elsewhere/")
    assert not fixed_static("css/sanad.css").startswith("/elsewhere/")
