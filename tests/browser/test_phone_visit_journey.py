"""Journey: a caseworker on a phone (390 x 844, touch), in French, records a satisfactory
follow-up visit with a photo on a grant whose second tranche waits for that visit; the
second tranche then becomes payable and the caseworker records its payment (issue 7)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from funding.models import BusinessStatus, ChecklistItem, Disbursement, FollowUpVisit
from tests.browser.support import assert_accessible, login, small_photo, tr
from tests.factories.funding import agreement_with_rates, approved_project, awarded_grant, paid

pytestmark = pytest.mark.browser

LANG = "fr"


def label(choice) -> str:
    with translation.override(LANG):
        return str(choice.label)


def fits_the_screen(page) -> bool:
    """No sideways scrolling on the phone."""
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def gated_grant(caseworker, manager, manager2, office_rabat):
    """A start-up grant of 15,000 MAD in two tranches: the first (10,000) paid and approved
    40 days ago, the second (5,000) released by a satisfactory follow-up visit. Approving
    the first payment planned the visits: the one-month visit is now ten days overdue."""
    today = timezone.localdate()
    project = approved_project(office=office_rabat, approved_amount=Decimal("15000.00"), title="Épicerie Nour")
    agreement = agreement_with_rates(
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=400),
        rates=[(today - datetime.timedelta(days=400), Decimal("10.900000"))],
    )
    grant = awarded_grant(
        project=project,
        by=manager,
        amount=Decimal("15000.00"),
        shares=[(agreement, Decimal("15000.00"))],
        tranches=[(Decimal("10000.00"), "none"), (Decimal("5000.00"), "satisfactory_visit")],
        awarded_on=today - datetime.timedelta(days=60),
    )
    paid(grant, amount="10000", by=caseworker, approver=manager2, date=today - datetime.timedelta(days=40))
    return grant


def test_it_records_a_visit_with_a_photo_on_a_phone_and_releases_the_second_tranche(
    phone_page, shot, caseworker, gated_grant, tmp_path
):
    page = phone_page
    project = gated_grant.project
    second = gated_grant.tranches.get(number=2)
    visit = project.visits.order_by("due_date").first()
    assert visit.months_after_funding == 1 and visit.due_date < timezone.localdate()

    # 1. From the folded menu to the visits due.
    login(page, caseworker, LANG)
    page.get_by_role("button", name=tr("Toggle navigation", LANG)).tap()
    # Bootstrap's collapse slides the menu open; tap once it has settled ("show", not "collapsing").
    page.locator("#main-nav.collapse.show").wait_for()
    page.locator("#nav-items [data-nav='funding_visits']").tap()
    expect(page).to_have_url(re.compile(r"/funding/visits/due/$"))
    row = page.locator("#visits-due-cards li", has_text=project.reference)  # cards on a phone
    expect(row).to_contain_text(tr("overdue", LANG))
    assert fits_the_screen(page), "the visits due page scrolls sideways on a phone"
    shot(page, "visits-due")

    # 2. The visit form, thumb-sized, and no sideways scrolling.
    row.get_by_role("link", name=tr("Record the visit", LANG)).tap()
    expect(page.locator("main h1")).to_contain_text(project.reference)
    assert fits_the_screen(page), "the visit form scrolls sideways on a phone"
    save = page.get_by_role("button", name=tr("Save the visit", LANG))
    box = save.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 300, f"the save button is too small to tap: {box}"
    shot(page, "visit-form")
    assert_accessible(page, "the visit form on a phone")

    page.get_by_label(label(FollowUpVisit.Mode.ON_SITE), exact=True).check()
    page.locator("#id_business_status").select_option(label=label(BusinessStatus.OPERATING))
    page.locator("#id_monthly_revenue").fill("5200")
    page.locator("#id_monthly_costs").fill("3100")
    page.locator("#id_jobs_refugee_women").fill("1")
    checklist = list(ChecklistItem.objects.filter(is_active=True).order_by("order", "pk")[:2])
    for item in checklist:
        page.locator(f"input[name=checklist][value='{item.pk}']").check()
    page.locator("#id_observations").fill("Boutique ouverte, stock renouvelé, cahier de caisse tenu.")
    page.get_by_label(label(FollowUpVisit.Verdict.SATISFACTORY), exact=True).check()
    page.locator("input[name=photos]").set_input_files(small_photo(tmp_path / "boutique.jpg"))
    assert fits_the_screen(page), "the filled visit form scrolls sideways on a phone"
    shot(page, "visit-form-filled", full_page=True)
    save.tap()

    # 3. Back on the grant page: the visit is done and satisfactory, with its photo.
    expect(page.locator(".alert-success")).to_contain_text(tr("Visit saved.", LANG))
    expect(page.locator("main h1")).to_contain_text(project.reference)
    visit.refresh_from_db()
    assert (visit.status, visit.verdict, visit.done_on) == (
        FollowUpVisit.Status.DONE,
        FollowUpVisit.Verdict.SATISFACTORY,
        timezone.localdate(),
    )
    assert visit.photos.count() == 1 and set(visit.checklist.all()) == set(checklist)
    visit_row = page.locator("main table").last.locator("tbody tr").first
    expect(visit_row).to_contain_text(label(FollowUpVisit.Status.DONE))
    expect(visit_row).to_contain_text(label(FollowUpVisit.Verdict.SATISFACTORY))
    photo = page.request.get(f"/funding/photos/{visit.photos.get().pk}/")
    assert photo.ok and photo.headers["content-type"] == "image/jpeg", photo.status
    assert fits_the_screen(page), "the grant page scrolls sideways on a phone"
    shot(page, "visit-saved", full_page=True)

    # 4. The second tranche is now payable: the caseworker records its payment.
    page.get_by_role("link", name=tr("Record a payment", LANG)).tap()
    page.locator("#id_tranche").select_option(value=str(second.pk))
    page.locator("#id_date").fill(timezone.localdate().isoformat())
    page.locator("#id_amount").fill("5000")
    page.locator("#id_method").select_option(label=label(Disbursement.Method.BANK_TRANSFER))
    page.locator("#id_reference").fill("VIR-2026-0077")
    assert fits_the_screen(page), "the payment form scrolls sideways on a phone"
    shot(page, "second-tranche-payment", full_page=True)
    page.locator("main form button[type=submit]").tap()

    expect(page.locator(".alert-success")).to_contain_text(
        tr("Payment recorded. It now awaits approval by another programme manager.", LANG)
    )
    entry = Disbursement.objects.get(tranche=second)
    expect(page.locator(f"#entry-{entry.pk}")).to_contain_text(
        re.compile(re.escape(label(Disbursement.Status.PENDING)))
    )
    expect(page.locator(f"#entry-{entry.pk}")).to_contain_text("VIR-2026-0077")
    assert (entry.amount, entry.status) == (Decimal("5000.00"), Disbursement.Status.PENDING)
    shot(page, "second-tranche-recorded", full_page=True)
