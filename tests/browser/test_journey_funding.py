"""Journey: a start-up grant split across two donors, its first payment and the four-eyes
approval, in French, through the real funding pages (issue 7, grants and tranches)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from core.money import Currency
from funding.models import Disbursement, Grant, Tranche
from tests.browser.support import assert_accessible, login, tr
from tests.factories.funding import agreement_with_rates, approved_project

pytestmark = pytest.mark.browser

LANG = "fr"


def shown(value, lang: str = LANG) -> str:
    """An amount as the page shows it in ``lang`` (the ``money`` filter: grouped thousands)."""
    from core.money import localize_money

    with translation.override(lang):
        return localize_money(value)


def in_lang(obj, lang: str = LANG) -> str:
    with translation.override(lang):
        return str(obj)


def gate_message(tranche) -> str:
    """What the tranche gate says about ``tranche``, as the page shows it."""
    from django.core.exceptions import ValidationError

    from funding.services import _tranche_gate

    with translation.override(LANG):
        try:
            _tranche_gate(tranche=tranche)
        except ValidationError as exc:
            return exc.messages[0]
    raise AssertionError(f"tranche {tranche.number} is not gated")


def log_out(page) -> None:
    page.context.clear_cookies()


def test_it_awards_a_split_grant_and_approves_its_first_payment_with_four_eyes(
    page, shot, manager, manager2, caseworker, office_rabat
):
    today = timezone.localdate()
    awarded_on = today - datetime.timedelta(days=7)
    project = approved_project(office=office_rabat, approved_amount=Decimal("30000.00"), title="Atelier de couture")
    period = {"start_date": today - datetime.timedelta(days=365), "end_date": today + datetime.timedelta(days=365)}
    eu = agreement_with_rates(
        code="eu",
        reference="EU-MA-J2-01",
        rates=[(today - datetime.timedelta(days=365), Decimal("10.900000"))],
        **period,
    )
    monaco = agreement_with_rates(
        code="monaco",
        reference="MC-J2-01",
        currency=Currency.EUR,
        amount=Decimal("80000.00"),
        rates=[(today - datetime.timedelta(days=365), Decimal("10.800000"))],
        **period,
    )

    # 1. The programme manager awards the grant through the grant form.
    login(page, manager, LANG)
    page.locator("#nav-items [data-nav='funding_grants']").click()
    expect(page.locator("main h1")).to_have_text(tr("Grants", LANG))
    shot(page, "grant-list")
    page.get_by_role("link", name=tr("Award a grant", LANG)).click()
    expect(page.locator("main h1")).to_have_text(tr("Award a grant", LANG))
    # The project is searched, not listed: type part of its title, choose it from the results.
    page.locator("#id_project").fill(project.title[:6])
    page.locator(f"#id_project-results [data-pick-value='{project.reference}']").click()
    expect(page.locator("#id_project")).to_have_value(project.reference)
    page.locator("#id_kind").select_option(label=in_lang(Grant.Kind.STARTUP.label))
    page.locator("#id_amount").fill("30000")
    page.locator("#id_awarded_on").fill(awarded_on.isoformat())
    page.locator("#id_share-0-agreement").select_option(label=in_lang(eu))
    page.locator("#id_share-0-amount").fill("18000")
    page.locator("#id_share-1-agreement").select_option(label=in_lang(monaco))
    page.locator("#id_share-1-amount").fill("12000")
    page.locator("#id_tranche-0-amount").fill("20000")
    page.locator("#id_tranche-0-planned_date").fill(awarded_on.isoformat())
    page.locator("#id_tranche-0-condition").select_option(label=in_lang(Tranche.Condition.NONE.label))
    page.locator("#id_tranche-1-amount").fill("10000")
    page.locator("#id_tranche-1-planned_date").fill((awarded_on + datetime.timedelta(days=180)).isoformat())
    page.locator("#id_tranche-1-condition").select_option(label=in_lang(Tranche.Condition.SATISFACTORY_VISIT.label))
    shot(page, "grant-form-filled", full_page=True)
    page.get_by_role("button", name=tr("Award", LANG), exact=True).click()

    expect(page.locator(".alert-success")).to_contain_text(tr("Grant awarded.", LANG))
    expect(page.locator("main h1")).to_contain_text(project.reference)
    grant = Grant.objects.get(project=project)
    split = page.locator("table").nth(0)
    expect(split.locator("tbody tr")).to_have_count(2)
    expect(split.locator("tbody tr", has_text=eu.reference)).to_contain_text(shown(Decimal("18000.00")))
    expect(split.locator("tbody tr", has_text=monaco.reference)).to_contain_text(shown(Decimal("12000.00")))
    tranches = page.locator("table").nth(1)
    expect(tranches.locator("tbody tr")).to_have_count(2)
    expect(tranches.locator("tbody tr").nth(1)).to_contain_text(in_lang(Tranche.Condition.SATISFACTORY_VISIT.label))
    expect(page.locator("#net-paid")).to_contain_text(shown(Decimal("0.00")))
    shot(page, "grant-awarded", full_page=True)
    log_out(page)

    # 2. The caseworker records the first disbursement through the payment form.
    login(page, caseworker, LANG)
    page.locator("#nav-items [data-nav='funding_grants']").click()
    page.get_by_role("link", name=re.compile(re.escape(project.reference))).first.click()
    expect(page.locator("main h1")).to_contain_text(project.reference)
    page.get_by_role("link", name=tr("Record a payment", LANG)).click()
    first = grant.tranches.get(number=1)
    page.locator("#id_tranche").select_option(value=str(first.pk))
    page.locator("#id_date").fill(today.isoformat())
    page.locator("#id_amount").fill("20000")
    page.locator("#id_method").select_option(label=in_lang(Disbursement.Method.BANK_TRANSFER.label))
    page.locator("#id_reference").fill("VIR-2026-0042")
    shot(page, "payment-form-filled", full_page=True)
    page.locator("main form button[type=submit]").click()

    expect(page.locator(".alert-success")).to_contain_text(
        tr("Payment recorded. It now awaits approval by another programme manager.", LANG)
    )
    entry = Disbursement.objects.get(grant=grant)
    row = page.locator(f"#entry-{entry.pk}")
    expect(row).to_contain_text(in_lang(Disbursement.Status.PENDING.label))
    expect(row).to_contain_text("VIR-2026-0042")
    # No approve control for the caseworker, and no approvals queue in the menu.
    expect(page.get_by_role("button", name=tr("Approve", LANG))).to_have_count(0)
    expect(page.locator("#nav-items [data-nav='funding_approvals']")).to_have_count(0)
    shot(page, "payment-recorded-pending", full_page=True)

    # A direct POST to the approve URL is refused, and the entry stays pending.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"/funding/ledger/{entry.pk}/approve/",
        form={"csrfmiddlewaretoken": csrf},
        headers={"X-CSRFToken": csrf},
        max_redirects=0,
    )
    assert response.status == 403, response.status
    entry.refresh_from_db()
    assert entry.status == Disbursement.Status.PENDING
    log_out(page)

    # 3. Another programme manager approves it in the approval queue.
    login(page, manager2, LANG)
    page.locator("#nav-items [data-nav='funding_approvals']").click()
    expect(page.locator("main h1")).to_have_text(tr("Ledger entries awaiting approval", LANG))
    queued = page.locator("main tbody tr", has_text=project.reference)
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text(shown(Decimal("20000.00")))
    shot(page, "approval-queue")
    queued.get_by_role("button", name=tr("Approve", LANG)).click()
    expect(page.locator(".alert-success")).to_contain_text(tr("Entry approved.", LANG))
    expect(page.locator("main tbody")).to_contain_text(tr("Nothing awaits approval.", LANG))
    shot(page, "approval-queue-empty")

    # 4. The grant page shows the payment approved and the running balance.
    page.locator("#nav-items [data-nav='funding_grants']").click()
    page.get_by_role("link", name=re.compile(re.escape(project.reference))).first.click()
    row = page.locator(f"#entry-{entry.pk}")
    expect(row).to_contain_text(in_lang(Disbursement.Status.APPROVED.label))
    expect(row.locator("td").nth(3)).to_contain_text(manager2.get_full_name() or manager2.username)
    expect(row.locator("td").nth(4)).to_have_text(shown(Decimal("20000.00")))
    expect(row.locator("td").nth(5)).to_have_text(shown(Decimal("10000.00")))
    expect(page.locator("#net-paid")).to_contain_text(shown(Decimal("20000.00")))
    tranche_rows = page.locator("table").nth(1).locator("tbody tr")
    expect(tranche_rows.nth(0).locator("td").last).to_have_text(shown(Decimal("20000.00")))
    shot(page, "grant-payment-approved", full_page=True)

    # 5. The second tranche waits for a satisfactory visit: the payment form says so.
    page.get_by_role("link", name=tr("Record a payment", LANG)).click()
    page.locator("#id_tranche").select_option(value=str(grant.tranches.get(number=2).pk))
    page.locator("#id_date").fill(today.isoformat())
    page.locator("#id_amount").fill("10000")
    page.locator("#id_method").select_option(label=in_lang(Disbursement.Method.BANK_TRANSFER.label))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main form")).to_contain_text(gate_message(grant.tranches.get(number=2)))
    assert Disbursement.objects.filter(grant=grant).count() == 1
    shot(page, "second-tranche-refused", full_page=True)
    assert_accessible(page, "the grant page with an approved payment")
    entry.refresh_from_db()
    assert entry.status == Disbursement.Status.APPROVED
    assert entry.approved_by == manager2
