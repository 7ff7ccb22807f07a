"""The page's header (the navigation, the user menu, the language switch), drawn once per
its content and reused.

The header is about half of what a signed-in page costs to render (the menus, a dozen
translated labels, the URLs), and it is the same on every page a user sees in one
language but for three things: the CSRF token (in the sign-out and language forms), the
current address (the language form's ``next``) and the active menu item. So
``{% sanad_header %}`` draws ``partials/header.html`` with stand-ins for the first two,
keeps the result in a per-process table keyed by everything else the header shows (the
language, the roles, the user's name, office and organisation, the active item, the
URLconf and script prefix), and puts the request's own token and address (escaped) in
place of the stand-ins. The key is the content, so nothing can be stale: a renamed user
or office is a new key. With ``DEBUG`` (templates reloaded while editing) it is drawn on
every request. ``tests/core/test_header_drawn_once.py`` checks the reused header is the
one a fresh drawing gives, for every role and language.
"""

import secrets

from django.conf import settings
from django.template import Context
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.roles import Role
from core.urlcache import urls_served

TEMPLATE = "partials/header.html"
# Stand-ins that survive escaping (letters and digits), unguessable, one per process.
_TOKEN = "sanadcsrf" + secrets.token_hex(12)
_PATH = "sanadpath" + secrets.token_hex(12)
# The table is cleared when it reaches this many headers (a few per user and language).
MAX_DRAWN = 2048
_drawn: dict[tuple, str] = {}


def active_keys(path: str, items) -> tuple[str, ...]:
    """The menu items the address is under (the first 20 characters match, as before)."""
    return tuple(item.key for item in items if path[:20] == item.url()[:20])


def header_context(request, context) -> dict:
    """What the header shows, from the page's context (``core.context_processors.sanad``)."""
    nav_items = context.get("nav_items", [])
    return {
        "user": context.get("user"),
        "nav_items": nav_items,
        "nav_active": active_keys(request.path, nav_items),
        "user_role": context.get("user_role"),
        "user_role_label": context.get("user_role_label", ""),
        "user_roles": context.get("user_roles", frozenset()),
        "Role": Role,
    }


def draw(values: dict, *, csrf_token, next_path) -> str:
    """The header from the page's own values (the context processors are not run again)."""
    return get_template(TEMPLATE).template.render(
        Context({**values, "csrf_token": csrf_token, "next_path": next_path}, autoescape=True)
    )


def _key(values: dict) -> tuple | None:
    user = values["user"]
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        get_language(),
        values["user_roles"],
        values["user_role"],
        user.get_username(),
        str(user),
        str(user.office or ""),  # read with the user (core.auth): no query
        str(user.partner_organisation or ""),
        values["nav_active"],
        tuple(item.key for item in values["nav_items"]),
        *urls_served(),
    )


def header(context) -> str:
    request = context.get("request")
    values = header_context(request, context)
    csrf_token = context.get("csrf_token", "")
    key = None if settings.DEBUG else _key(values)
    if key is None:
        return draw(values, csrf_token=csrf_token, next_path=request.get_full_path())
    html = _drawn.get(key)
    if html is None:
        if len(_drawn) >= MAX_DRAWN:
            _drawn.clear()
        html = _drawn[key] = draw(values, csrf_token=_TOKEN, next_path=_PATH)
    html = html.replace(_TOKEN, conditional_escape(str(csrf_token)))
    return mark_safe(html.replace(_PATH, conditional_escape(request.get_full_path())))
