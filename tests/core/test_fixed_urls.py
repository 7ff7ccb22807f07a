"""Argument-free ``{% url %}`` and constant ``{% static %}`` are looked up once per process
(``core.urlcache``) and give what Django's own tags give, following the URLconf, the
script prefix and the static settings."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template import Context, Engine, Template
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from core.urlcache import fixed_static, fixed_url

# Django's own tags: an engine without our builtins (``core.templatetags.sanad``).
DJANGOS = Engine(libraries={"static": "django.templatetags.static"})


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
    theirs = DJANGOS.from_string("{% load static %}" + source).render(Context(context))
    assert ours == theirs and ours.strip("[]")


def test_the_static_urls_follow_the_settings():
    assert fixed_static("css/sanad.css") == staticfiles_storage.url("css/sanad.css")
    with override_settings(STATIC_URL="/elsewhere/"):
        assert fixed_static("css/sanad.css").startswith("/elsewhere/")
    assert not fixed_static("css/sanad.css").startswith("/elsewhere/")


def _one_number_names():
    """Every name of the URLconf whose pattern takes exactly one argument, an ``int``."""
    from django.urls import get_resolver
    from django.urls.converters import IntConverter
    from django.urls.resolvers import URLPattern, URLResolver

    names = []

    def walk(patterns, namespace, converters):
        for p in patterns:
            found = {**converters, **p.pattern.converters}
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace, found)
            elif (
                isinstance(p, URLPattern)
                and p.name
                and len(found) == 1
                and isinstance(next(iter(found.values())), IntConverter)
            ):
                names.append(namespace + p.name)

    walk(get_resolver().url_patterns, "", {})
    return names


def test_the_one_number_urls_give_what_reverse_gives():
    from core.urlcache import int_url

    names = _one_number_names()
    assert len(names) > 30
    for name in names:
        for number in (0, 1, 42, 10**9):
            assert int_url(name, number) == reverse(name, args=[number]), name


def test_the_one_number_urls_follow_the_script_prefix():
    from core.urlcache import int_url

    with override_settings(FORCE_SCRIPT_NAME="/sanad/"):
        set_script_prefix("/sanad/")
        try:
            assert int_url("refugees:detail", 7) == reverse("refugees:detail", args=[7]) == "/sanad/refugees/7/"
        finally:
            set_script_prefix("/")
    assert int_url("refugees:detail", 7) == "/refugees/7/"


def test_what_has_no_shape_is_reversed_as_by_django():
    from django.urls import NoReverseMatch

    from core.urlcache import _shape, int_url

    assert _shape("home", None) is None  # takes no argument
    with pytest.raises(NoReverseMatch):
        int_url("refugees:detail", -1)  # the int converter takes no sign: Django refuses it
    with pytest.raises(NoReverseMatch):
        int_url("home", 3)


@pytest.mark.parametrize(
    "source",
    [
        "{% url 'refugees:detail' 5 %}",
        "{% url 'refugees:detail' number %}",
        "{% url 'refugees:detail' text %}",
        "{% url 'refugees:detail' person.pk %}",
        "{% url 'refugees:detail' 5 as here %}[{{ here }}]",
    ],
)
def test_the_one_number_tag_gives_what_djangos_gives(source):
    context = {"number": 12, "text": "34", "person": {"pk": 56}}
    ours = Template(source).render(Context(context))
    theirs = DJANGOS.from_string("{% load static %}" + source).render(Context(context))
    assert ours == theirs and ours.strip("[]")
