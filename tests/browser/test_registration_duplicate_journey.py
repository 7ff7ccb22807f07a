"""A caseworker registers a person in French through the form, is warned that a person
with another spelling of the same name and born the same year is probably already
registered, confirms that this is a different person, and lands on the new profile."""

import datetime

import pytest
from playwright.sync_api import expect

from refugees.models import DuplicateConfirmation, Refugee
from tests.browser.support import assert_accessible, field_label, login, tr, tr_label
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.browser

LANG = "fr"


def fill(form, field: str, value: str) -> None:
    form.get_by_label(field_label(tr_label(Refugee, field, LANG))).fill(value)


def choose(form, field: str, **option) -> None:
    form.get_by_label(field_label(tr_label(Refugee, field, LANG))).select_option(**option)


def test_it_warns_of_a_probable_duplicate_and_registers_a_different_person(page, shot, caseworker, office_rabat):
    existing = RefugeeFactory(
        office=office_rabat,
        first_name_latin="Mohammed",
        last_name_latin="Al-Hassan",
        date_of_birth=datetime.date(1990, 6, 12),
        unhcr_individual_number="RAB-19C00077",
    )

    login(page, caseworker, LANG)
    page.locator("#nav-items [data-nav='refugees']").click()
    page.get_by_role("link", name=tr("Register a person", LANG)).click()
    expect(page.locator("main h1")).to_have_text(tr("Register a person", LANG))
    shot(page, "empty-form")

    form = page.locator("main form")
    fill(form, "unhcr_individual_number", "rab 25c00042")
    fill(form, "first_name_latin", "Mohamed")
    fill(form, "last_name_latin", "Alhassan")
    choose(form, "sex", value="M")
    fill(form, "date_of_birth", "1990-02-03")
    choose(form, "nationality", value="SY")
    choose(form, "legal_status", value="refugee")
    choose(form, "city", label="Rabat")
    choose(form, "referral_source", value="unhcr")
    fill(form, "household_size", "3")  # its label is capitalised like the others ("Taille du ménage")
    shot(page, "filled-form", full_page=True)
    form.get_by_role("button", name=tr("Save", LANG)).click()

    # The warning puts the two people side by side; nothing is saved yet.
    warning = page.get_by_role("alert").filter(has_text=tr("This person may already be registered", LANG))
    expect(warning).to_be_visible()
    expect(warning.locator(f"[data-candidate='{existing.pk}']")).to_contain_text("Mohammed Al-Hassan")
    expect(warning).to_contain_text("Mohamed Alhassan")
    assert Refugee.objects.count() == 1
    shot(page, "probable-duplicate-warning", full_page=True)
    assert_accessible(page, "the registration form with the duplicate warning")

    # "This is a different person", then save again.
    warning.get_by_label(tr("I have compared the profiles above: this is a different person.", LANG)).check()
    shot(page, "different-person-confirmed")
    page.locator("main form").get_by_role("button", name=tr("Save", LANG)).click()

    expect(page.locator("main h1")).to_contain_text("Mohamed Alhassan")
    expect(page.locator("main")).to_contain_text(tr("The profile was created.", LANG))
    new = Refugee.objects.exclude(pk=existing.pk).get()
    assert page.url.endswith(f"/refugees/{new.pk}/")
    assert (new.unhcr_individual_number, new.household_size) == ("RAB-25C00042", 3)
    confirmation = DuplicateConfirmation.objects.get()
    assert (confirmation.refugee, confirmation.other, confirmation.confirmed_by) == (new, existing, caseworker)
    shot(page, "profile")
