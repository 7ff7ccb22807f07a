"""Each role logs in through the form, lands on its home page with the navigation of
its role, and is refused what it may not use."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from core.registry import nav
from core.roles import Role
from tests.browser.support import login, tr

pytestmark = pytest.mark.browser

LANG = "fr"
# persona fixture -> (role, the home page's heading as an English msgid + its placeholders)
ROLES = {
    "caseworker": Role.CASEWORKER,
    "manager": Role.PROGRAMME_MANAGER,
    "committee_member": Role.COMMITTEE_MEMBER,
    "partner_unhcr": Role.PARTNER_OFFICER,
    "admin_user": Role.ADMIN,
}


def expected_heading(user, role: str) -> str:
    """The heading each role's home page shows (templates/core/home_<role>.html)."""
    name = user.first_name or user.username
    with translation.override(LANG):
        return {
            Role.CASEWORKER: translation.gettext("Welcome, %(name)s") % {"name": name},
            Role.PROGRAMME_MANAGER: translation.gettext("Welcome, %(name)s") % {"name": name},
            Role.COMMITTEE_MEMBER: translation.gettext("Welcome, %(name)s") % {"name": name},
            Role.PARTNER_OFFICER: translation.gettext("%(org)s: programme figures")
            % {"org": user.partner_organisation},
            Role.ADMIN: translation.gettext("Administration"),
        }[role]


def expected_nav(user, role: str) -> list[str]:
    """The navigation a role sees: what the apps registered for it (core.registry.nav),
    plus the administration for admins."""
    keys = [item.key for item in nav.for_user(user)]
    return [*keys, "admin"] if role == Role.ADMIN else keys


@pytest.mark.parametrize("persona", list(ROLES))
def test_it_shows_each_role_its_home_page_navigation_and_refusals(request, page, shot, persona):
    user = request.getfixturevalue(persona)
    role = ROLES[persona]
    login(page, user, LANG)
    shot(page, "home")

    assert page.url.endswith("/")
    expect(page.locator("main h1")).to_have_text(expected_heading(user, role))
    expect(page.locator("#user-menu")).to_contain_text(tr(Role(role).label, LANG))
    nav_keys = page.locator("#nav-items [data-nav]").evaluate_all("links => links.map(a => a.dataset.nav)")
    assert nav_keys == expected_nav(user, role)
    for key in nav_keys:  # every navigation entry opens a page
        href = page.locator(f"#nav-items [data-nav='{key}']").get_attribute("href")
        response = page.request.get(href)
        assert response.status == 200, f"{persona}: nav {key} -> {href} answered {response.status}"

    if role == Role.ADMIN:
        page.locator("#nav-items [data-nav='admin']").click()
        page.wait_for_url("**/admin/")
        shot(page, "admin")
        expect(page.locator("#site-name")).to_contain_text(tr("Sanad administration", LANG))
        page.go_back()
    else:  # the Django admin is refused: sent to the admin's login, which names the account
        page.goto("/admin/")
        shot(page, "admin-refused")
        assert "/admin/login/" in page.url
        expect(page.locator("#content")).to_contain_text(user.username)
        page.goto("/")

    page.locator("#user-menu").click()
    expect(page.get_by_role("link", name=tr("Change password", LANG))).to_be_visible()
    shot(page, "user-menu")
    page.get_by_role("button", name=tr("Log out", LANG)).click()
    expect(page.locator("main h1")).to_be_visible()
    shot(page, "logged-out")
    page.goto("/")
    assert "/accounts/login/" in page.url, "after logging out the home page asks to log in again"
