"""Argument-free URLs reversed once per process, and static files' URLs looked up once.

Every page's navigation reverses the same few argument-free names (the menu, the user
menu, the language form): about twenty ``reverse()`` calls a page, each walking the
resolver. Their result depends only on the URLconf and the script prefix the site is
served under, which are both part of the key, so a memo is exact. ``{% url %}`` with no
argument and no ``as`` goes through it (``core.templatetags.sanad`` is a builtin), as does
the navigation (``core.registry.NavItem.url``). ``{% static 'path' %}`` with a constant path
likewise (the storage's URL of a file is fixed for the process: the manifest is read at
start), when the template does not ``{% load static %}`` Django's own tag over it.

A name given one whole number (``{% url 'refugees:detail' r.pk %}``, a list's rows: 25 to
100 a page) is reversed once per process into its shape, the text before and after the
number (``int_url``), when the shape is the same for any number: two numbers of 18 digits
and the number 1 are reversed and must differ only by the number. A name whose argument
is not a plain number (a slug, a converter that limits its digits) has no shape and is
reversed each time, as by Django.
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_memo: dict[tuple, str] = {}
_static: dict[str, str] = {}
_shapes: dict[tuple, tuple[str, str] | None] = {}
_PROBES = (987654321987654321, 123456789123456789)


def urls_served() -> tuple[str, str]:
    """What every reversed URL depends on: (the URLconf, the script prefix). Part of the key
    of anything kept per process that holds URLs (here, the menu, the header)."""
    return get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()


def fixed_url(name: str, current_app: str | None = None) -> str:
    key = (name, current_app, *urls_served())
    url = _memo.get(key)
    if url is None:
        url = _memo[key] = reverse(name, current_app=current_app)
    return url


def int_url(name: str, number: int, current_app: str | None = None) -> str:
    """``reverse(name, args=[number])`` for a whole number >= 0 (``NoReverseMatch`` as Django)."""
    key = (name, current_app, *urls_served())
    if key not in _shapes:
        _shapes[key] = _shape(name, current_app)
    shape = _shapes[key]
    if shape is None or number < 0:
        return reverse(name, args=[number], current_app=current_app)
    return f"{shape[0]}{number}{shape[1]}"


def _shape(name: str, current_app: str | None) -> tuple[str, str] | None:
    """(before, after) the number in ``name``'s URL, if that is all any number changes."""
    try:
        first, second, one = (reverse(name, args=[n], current_app=current_app) for n in (*_PROBES, 1))
    except NoReverseMatch:
        return None
    probe = str(_PROBES[0])
    if first.count(probe) != 1:
        return None
    before, after = first.split(probe)
    if second != f"{before}{_PROBES[1]}{after}" or one != f"{before}1{after}":
        return None
    return before, after


def fixed_static(path: str) -> str:
    url = _static.get(path)
    if url is None:
        from django.templatetags.static import StaticNode

        url = _static[path] = StaticNode.handle_simple(path)
    return url


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _memo.clear()
        _shapes.clear()
    if setting in ("STATIC_URL", "STATIC_ROOT", "STORAGES", "INSTALLED_APPS"):
        _static.clear()
