"""Keyboard only: log in with Tab and Enter, skip the navigation with the skip link,
reach and use the password change form, and hear a wrong password (role=alert)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import login, tr

pytestmark = pytest.mark.browser

LANG = "fr"
NEW_PASSWORD = "a-new-Passphrase-2026"


def focused(page: Page, what: str = "id") -> str:
    return page.evaluate(f"document.activeElement && document.activeElement.{what}")


def tab_to(page: Page, selector: str, *, limit: int = 40) -> None:
    """Press Tab until ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_it_logs_in_with_the_keyboard_only_and_announces_a_wrong_password(page, shot, caseworker, password):
    page.goto("/accounts/login/")
    assert focused(page) == "id_username", "the login page puts the focus in the username field"
    page.keyboard.type(caseworker.username)
    page.keyboard.press("Tab")
    assert focused(page) == "id_password"
    page.keyboard.type("wrong-password")
    page.keyboard.press("Enter")

    # The error is announced (role=alert) and sits in the form, just before the fields.
    alert = page.locator("main form [role=alert]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(
        tr("Please enter a correct username and password. Both fields may be case-sensitive.", LANG)
    )
    assert page.evaluate(
        "a => a.compareDocumentPosition(document.getElementById('id_username')) & Node.DOCUMENT_POSITION_FOLLOWING",
        alert.element_handle(),
    ), "the error comes just before the fields, inside the form"
    expect(page.locator("#id_username")).to_have_value(caseworker.username)
    shot(page, "wrong-password")

    assert focused(page) == "id_username", "the form comes back with the focus on its first field"
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    shot(page, "typed")
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    shot(page, "home")
    expect(page.locator("#user-menu")).to_be_visible()


def test_it_skips_the_navigation_and_changes_the_password_with_the_keyboard(page, shot, caseworker, password):
    login(page, caseworker, LANG)
    page.keyboard.press("Tab")
    skip = page.locator("a[href='#main']")
    expect(skip).to_be_focused()
    expect(skip).to_have_text(tr("Skip to main content", LANG))
    box = skip.bounding_box()
    assert box and box["width"] > 1 and box["height"] > 1, "the skip link becomes visible when focused"
    shot(page, "skip-link-focused")
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("!document.querySelector('header').contains(document.activeElement)"), (
        "after the skip link, Tab goes on from the main content, not back into the navigation"
    )

    page.keyboard.press("Shift+Tab")
    tab_to(page, "#user-menu")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    expect(page.locator(".dropdown-menu a[href$='/password/change/']")).to_be_focused()
    shot(page, "user-menu-open")
    page.keyboard.press("Enter")
    page.wait_for_url("**/password/change/")
    expect(page.locator("main h1")).to_have_text(tr("Change password", LANG))

    # A wrong old password: the error sits next to the field and is tied to it.
    assert focused(page) == "id_old_password"
    page.keyboard.type("not-my-password")
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    old = page.locator("#id_old_password")
    expect(old).to_have_attribute("aria-invalid", "true")
    error = page.locator(f"#{old.get_attribute('aria-describedby').split()[-1]}")
    expect(error).to_be_visible()
    expect(error).to_contain_text(tr("Your old password was entered incorrectly. Please enter it again.", LANG))
    shot(page, "old-password-error")

    assert focused(page) == "id_old_password", "the form comes back with the focus on the first field"
    page.keyboard.type(password)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/password/change/done/")
    shot(page, "changed")
    caseworker.refresh_from_db()
    assert caseworker.check_password(NEW_PASSWORD)
