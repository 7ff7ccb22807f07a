"""axe-core on the pages of each role, in French and in Arabic (right to left): no
serious or critical violation. Add a page to ``ANONYMOUS_PAGES`` or ``ROLE_PAGES``."""

from collections.abc import Callable

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.roles import Role
from tests.browser.support import assert_accessible, login, switch_language
from tests.factories.core import make_user

pytestmark = pytest.mark.browser

LANGUAGES = ("fr", "ar")

# A page is a URL name (reversed without arguments) or a callable ``(user) -> path``
# for pages that need an object (create it with the factories inside the callable).
Page = str | Callable[..., str]


def password_reset_link(_user=None) -> str:
    """The link of a password reset email (the form to choose a new password)."""
    user = make_user(Role.CASEWORKER, username="forgetful")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


ANONYMOUS_PAGES: list[Page] = [
    "login",
    "password_reset",
    "password_reset_done",
    password_reset_link,
    "password_reset_complete",
]

ROLE_PAGES: dict[str, list[Page]] = {
    "caseworker": ["home", "password_change", "password_change_done"],
    "manager": ["home", "password_change"],
    "committee_member": ["home", "password_change"],
    "partner_unhcr": ["home", "password_change"],
    "admin_user": ["home", "password_change"],
}


def _resolve(pages: list[Page], user=None) -> list[tuple[str, str]]:
    """``(name, path)`` for each listed page: the URL name, or the callable's name."""
    return [(p.__name__, p(user)) if callable(p) else (p, reverse(p)) for p in pages]


def _check_all(page, shot, pages: list[tuple[str, str]], lang: str) -> None:
    for name, path in pages:
        page.goto(path)
        shot(page, f"{lang}-{name}")
        assert_accessible(page, f"{name} ({path}) in {lang}")


def test_it_finds_no_serious_violation_on_public_pages(page, shot, db):
    pages = _resolve(ANONYMOUS_PAGES)
    page.goto(pages[0][1])
    for lang in LANGUAGES:
        switch_language(page, lang)
        _check_all(page, shot, pages, lang)
        # The login form with its error shown (the state a person meets after a typo).
        page.goto(reverse("login"))
        page.locator("#id_username").fill("nobody")
        page.locator("#id_password").fill("wrong")
        page.locator("main form button[type=submit]").click()
        page.locator("main [role=alert]").wait_for()
        shot(page, f"{lang}-login-error")
        assert_accessible(page, f"the login form with an error in {lang}")


@pytest.mark.parametrize("persona", list(ROLE_PAGES))
def test_it_finds_no_serious_violation_on_each_role_pages(request, page, shot, persona):
    user = request.getfixturevalue(persona)
    pages = _resolve(ROLE_PAGES[persona], user)
    login(page, user, LANGUAGES[0])
    for lang in LANGUAGES:
        switch_language(page, lang)
        _check_all(page, shot, pages, lang)
