"""A caseworker on a phone (390 x 844, touch): the pages fit the screen, the menu
folds behind the toggler and opens with a tap."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import login, tr

pytestmark = pytest.mark.browser


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_it_fits_a_phone_and_opens_the_menu_with_a_tap(phone_page, shot, caseworker):
    page, lang = phone_page, "ar"  # right to left: the harder case on a narrow screen
    page.goto("/accounts/login/")
    shot(page, "login")
    assert fits_the_screen(page), "the login page scrolls sideways on a phone"

    login(page, caseworker, lang)
    shot(page, "home")
    assert fits_the_screen(page), "the home page scrolls sideways on a phone"
    user_menu = page.locator("#user-menu")
    expect(user_menu).to_be_hidden()  # folded behind the toggler

    page.get_by_role("button", name=tr("Toggle navigation", lang)).tap()
    expect(user_menu).to_be_visible()
    user_menu.tap()
    log_out = page.get_by_role("button", name=tr("Log out", lang))
    expect(log_out).to_be_visible()
    box = log_out.bounding_box()
    assert box and box["height"] >= 24, "touch targets are large enough to tap"
    shot(page, "menu-open")
    log_out.tap()
    expect(page.locator("#id_username")).to_be_visible()
