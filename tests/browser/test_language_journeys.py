"""Anyone, in each language: open the login page, switch language with the switcher,
see the page in that language and direction, log in, and see the home page translated."""

import pytest
from playwright.sync_api import expect

from core.models import User
from tests.browser.support import html_lang_dir, switch_language, tr, tr_label

pytestmark = pytest.mark.browser

# The language a visitor starts from, then the one they pick with the switcher.
JOURNEYS = [("fr", "ar"), ("ar", "fr"), ("fr", "en")]
DIRECTION = {"ar": "rtl", "fr": "ltr", "en": "ltr"}


@pytest.mark.parametrize(("start", "lang"), JOURNEYS, ids=[lang for _s, lang in JOURNEYS])
def test_it_switches_language_and_logs_in_translated(page, shot, caseworker, start, lang):
    page.goto("/accounts/login/")
    if html_lang_dir(page)[0] != start:
        switch_language(page, start)
    shot(page, f"login-{start}")

    switch_language(page, lang)
    shot(page, f"login-{lang}")
    assert html_lang_dir(page) == (lang, DIRECTION[lang])
    stylesheet = "bootstrap.rtl.min.css" if lang == "ar" else "bootstrap.min.css"
    expect(page.locator(f"link[href$='{stylesheet}']")).to_have_count(1)
    expect(page.locator("main h1")).to_have_text(tr("Log in to Sanad", lang))
    expect(page.get_by_role("button", name=tr("Log in", lang), exact=True)).to_be_visible()
    expect(page.locator("#language-switcher [aria-current=true]")).to_have_attribute("value", lang)

    page.get_by_label(tr_label(User, "username", lang)).fill(caseworker.username)
    page.get_by_label(tr("Password", lang)).fill("correct-horse-battery-staple")
    page.get_by_role("button", name=tr("Log in", lang), exact=True).click()
    page.wait_for_url("**/")
    shot(page, f"home-{lang}")

    assert html_lang_dir(page) == (lang, DIRECTION[lang])
    expect(page.locator("main h1")).to_have_text(
        tr("Welcome, %(name)s", lang) % {"name": caseworker.first_name or caseworker.username}
    )
    expect(page.locator("#user-menu")).to_contain_text(tr("Caseworker", lang))
    page.locator("#user-menu").click()
    expect(page.get_by_role("button", name=tr("Log out", lang))).to_be_visible()
    shot(page, f"user-menu-{lang}")

    if lang != "en":  # the catalogue really translates the shell (not English shown as-is)
        for english in ("Log in to Sanad", "Log out", "Caseworker", "Skip to main content"):
            assert tr(english, lang) != english, f"{english!r} has no {lang} translation in locale/{lang}"
