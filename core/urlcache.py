"""Argument-free URLs reversed once per process, and static files' URLs looked up once.

Every page's navigation reverses the same few argument-free names (the menu, the user
menu, the language form): about twenty ``reverse()`` calls a page, each walking the
resolver. Their result depends only on the URLconf and the script prefix the site is
served under, which are both part of the key, so a memo is exact. ``{% url %}`` with no
argument and no ``as`` goes through it (``core.templatetags.sanad`` is a builtin), as does
the navigation (``core.registry.NavItem.url``). ``{% static 'path' %}`` with a constant path
likewise (the storage's URL of a file is fixed for the process: the manifest is read at
start), when the template does not ``{% load static %}`` Django's own tag over it.
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

_memo: dict[tuple, str] = {}
_static: dict[str, str] = {}


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
    if setting in ("STATIC_URL", "STATIC_ROOT", "STORAGES", "INSTALLED_APPS"):
        _static.clear()
