"""Journey: on a 390 x 844 phone, in Arabic, a caseworker's first visit submission is
refused; the photo survives (a thumbnail, saved with the visit at the next submission), the
errors are summarised at the top with links, two action points are added on the page, and
no page of the flow scrolls sideways."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from funding.models import FollowUpVisit
from tests.browser.support import login, small_photo, tr
from tests.browser.test_phone_visit_journey import fits_the_screen, gated_grant  # noqa: F401

pytestmark = pytest.mark.browser

LANG = "ar"


def test_a_refused_visit_keeps_its_photo_on_a_phone(phone_page, shot, caseworker, gated_grant, tmp_path):  # noqa: F811
    page = phone_page
    visit = gated_grant.project.visits.order_by("due_date").first()
    login(page, caseworker, LANG)
    page.goto("/funding/visits/due/")
    page.locator("#visits-due-cards").wait_for()
    assert fits_the_screen(page), "the visits due page scrolls sideways on a phone"
    card = page.locator("#visits-due-cards li", has_text=gated_grant.project.reference)
    card.get_by_role("link", name=tr("Record the visit", LANG)).tap()
    expect(page.locator("main h1")).to_contain_text(gated_grant.project.reference)
    assert fits_the_screen(page), "the visit form scrolls sideways on a phone"

    page.locator("input[name=mode]").first.check()
    page.locator("#id_monthly_revenue").fill("-5")  # refused
    page.locator("input[name=verdict]").first.check()
    page.locator("input[name=photos]").set_input_files(small_photo(tmp_path / "shop.jpg"))
    page.get_by_role("button", name=tr("Add another action point", LANG)).tap()
    tomorrow = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    for n, text in enumerate(["فتح حساب بنكي", "تجديد المخزون"]):
        page.locator(f"#id_ap-{n}-description").fill(text)
        page.locator(f"#id_ap-{n}-owner").fill("Lead")
        page.locator(f"#id_ap-{n}-due_date").fill(tomorrow)
    page.get_by_role("button", name=tr("Save the visit", LANG)).tap()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("a[href='#div_id_monthly_revenue']")).to_be_visible()
    expect(page.locator("img.img-thumbnail")).to_have_count(1)
    assert fits_the_screen(page), "the refused visit form scrolls sideways on a phone"
    shot(page, "refused-with-photo", full_page=True)

    page.locator("#id_monthly_revenue").fill("4000")
    page.get_by_role("button", name=tr("Save the visit", LANG)).tap()
    expect(page.locator(".alert-success")).to_be_visible()
    assert fits_the_screen(page), "the grant page scrolls sideways on a phone"
    visit.refresh_from_db()
    assert visit.status == FollowUpVisit.Status.DONE
    assert visit.photos.count() == 1
    assert visit.action_points.count() == 2
