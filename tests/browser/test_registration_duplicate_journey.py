"""The caseworker's journey in French (issue 7): registers a person through the form, is
warned that a person with another spelling of the same name and born the same year is
probably already registered, confirms that this is a different person, and lands on the
new profile; then marks both people present at an awareness session, builds their
business project (two members, two budget lines, a feasibility study with a real PDF
attached) and submits it to the committee."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from projects.models import BudgetLine, BusinessProject, FeasibilityStudy, LegalForm, ProjectStatus, Sector
from refugees.models import Consent, DuplicateConfirmation, Refugee
from tests.browser.support import assert_accessible, field_label, login, small_pdf, tr, tr_label
from tests.factories.projects import SessionFactory
from tests.factories.refugees import ConsentFactory, RefugeeFactory

pytestmark = pytest.mark.browser

LANG = "fr"


def fill(form, field: str, value: str) -> None:
    form.get_by_label(field_label(tr_label(Refugee, field, LANG))).fill(value)


def choose(form, field: str, **option) -> None:
    form.get_by_label(field_label(tr_label(Refugee, field, LANG))).select_option(**option)


def label(choice) -> str:
    with translation.override(LANG):
        return str(choice.label)


def shown(value) -> str:
    """An amount as the page shows it (the ``money`` filter: grouped thousands)."""
    from core.money import localize_money

    with translation.override(LANG):
        return localize_money(value)


def test_it_registers_a_person_and_submits_their_business_project(page, shot, caseworker, office_rabat, tmp_path):
    session = SessionFactory(
        office=office_rabat,
        city=office_rabat.city,
        topic="Sensibilisation : créer son activité",
        date=datetime.date(2026, 1, 20),
    )
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

    # 2. Both people attended the awareness session: the caseworker marks them present.
    page.locator("#nav-items [data-nav='sessions']").click()
    page.get_by_role("link", name=session.topic).click()
    expect(page.locator("main h1")).to_have_text(session.topic)
    search = page.get_by_label(tr("Search by name or UNHCR number", LANG))
    for person in (new, existing):
        search.fill("hassan")  # htmx searches as the caseworker types
        result = page.locator("#attendance-results li", has_text=person.full_name_latin)
        expect(result).to_be_visible()
        shot(page, f"attendance-search-{person.pk}")
        result.get_by_role("button", name=re.compile(re.escape(tr("Mark present", LANG)))).click()
        expect(page.locator(".alert-success")).to_contain_text(person.full_name_latin)
        search = page.get_by_label(tr("Search by name or UNHCR number", LANG))
    expect(page.locator("#attendees li")).to_have_count(2)
    assert set(session.attendance.values_list("refugee_id", flat=True)) == {new.pk, existing.pk}
    shot(page, "both-marked-present")

    # 3. Their business project: a new application.
    page.locator("#nav-items [data-nav='projects']").click()
    page.get_by_role("link", name=tr("New application", LANG)).click()
    form = page.locator("main form")
    form.get_by_label(field_label(tr_label(BusinessProject, "title", LANG))).fill("Atelier de couture Al-Hassan")
    form.get_by_label(field_label(tr_label(BusinessProject, "activity", LANG))).fill("Couture et retouches")
    form.get_by_label(field_label(tr_label(BusinessProject, "sector", LANG))).select_option(label=label(Sector.TEXTILE))
    form.get_by_label(field_label(tr_label(BusinessProject, "legal_form", LANG))).select_option(
        label=label(LegalForm.AUTO_ENTREPRENEUR)
    )
    form.get_by_label(field_label(tr_label(BusinessProject, "city", LANG))).select_option(label="Rabat")
    form.get_by_label(field_label(tr_label(BusinessProject, "own_contribution", LANG))).fill("1000")
    shot(page, "project-form-filled", full_page=True)
    form.get_by_role("button", name=tr("Save", LANG)).click()
    project = BusinessProject.objects.get(title="Atelier de couture Al-Hassan")
    expect(page.locator(".alert-success")).to_contain_text(project.reference)
    expect(page.locator("main h1")).to_contain_text(project.title)
    shot(page, "project-created")

    # Two members: the lead (60 %) and the other person (40 %).
    for person, lead, share in ((new, True, "60"), (existing, False, "40")):
        members = page.locator("#member-form")
        members.get_by_label(field_label(tr("UNHCR individual number", LANG))).fill(person.unhcr_individual_number)
        if lead:
            members.get_by_label(tr("Lead member", LANG)).check()
        members.get_by_label(field_label(tr("Share (%)", LANG))).fill(share)
        members.get_by_role("button", name=tr("Add", LANG), exact=True).click()
        expect(page.locator(".alert-success")).to_contain_text(tr("Member added.", LANG))
    member_rows = page.locator("section[aria-labelledby='members-h'] tbody tr")
    expect(member_rows).to_have_count(2)
    expect(member_rows.nth(0)).to_contain_text(new.full_name_latin)
    expect(member_rows.nth(0)).to_contain_text(tr("Lead", LANG))
    expect(member_rows.nth(1)).to_contain_text(existing.full_name_latin)
    shot(page, "two-members", full_page=True)

    # Two budget lines: 2 sewing machines at 3,500 and 2,000 of fabric.
    for category, description, quantity, unit_cost in (
        (BudgetLine.Category.EQUIPMENT, "Machines à coudre", "2", "3500"),
        (BudgetLine.Category.STOCK, "Tissus et fournitures", "1", "2000"),
    ):
        lines = page.locator("#line-form")
        lines.get_by_label(field_label(tr_label(BudgetLine, "category", LANG))).select_option(label=label(category))
        lines.get_by_label(field_label(tr_label(BudgetLine, "description", LANG))).fill(description)
        lines.get_by_label(field_label(tr_label(BudgetLine, "quantity", LANG))).fill(quantity)
        lines.get_by_label(field_label(tr_label(BudgetLine, "unit_cost", LANG))).fill(unit_cost)
        lines.get_by_role("button", name=tr("Add", LANG), exact=True).click()
        expect(page.locator(".alert-success")).to_contain_text(tr("Budget line added.", LANG))
    expect(page.locator("#budget-table tbody tr")).to_have_count(2)
    expect(page.locator("#budget-total")).to_have_text(shown(Decimal("9000.00")))
    expect(page.locator("#amount-requested")).to_have_text(shown(Decimal("8000.00")))
    # Still missing: the study, so the submission is not offered yet.
    expect(page.locator("#submit-problems")).to_contain_text(tr("The project needs a feasibility study.", LANG))
    shot(page, "budget-lines", full_page=True)

    # 4. The feasibility study, with the scanned study attached (a real PDF).
    page.get_by_role("link", name=tr("Write the study", LANG)).click()
    form = page.locator("main form")
    form.get_by_label(field_label(tr_label(FeasibilityStudy, "market", LANG))).fill(
        "Quartier populaire de Yacoub El Mansour, forte demande de retouches."
    )
    form.get_by_label(field_label(tr_label(FeasibilityStudy, "competition", LANG))).fill("Deux ateliers à 500 m.")
    form.get_by_label(field_label(tr_label(FeasibilityStudy, "expected_monthly_revenue", LANG))).fill("4500")
    form.get_by_label(field_label(tr_label(FeasibilityStudy, "expected_monthly_costs", LANG))).fill("2500")
    form.get_by_label(field_label(tr_label(FeasibilityStudy, "opinion", LANG))).select_option(
        label=label(FeasibilityStudy.Opinion.FAVOURABLE)
    )
    form.get_by_label(field_label(tr_label(FeasibilityStudy, "document", LANG))).set_input_files(
        small_pdf(tmp_path / "etude-faisabilite.pdf")
    )
    shot(page, "study-form-filled", full_page=True)
    form.get_by_role("button", name=tr("Save", LANG)).click()
    expect(page.locator(".alert-success")).to_contain_text(tr("Feasibility study saved.", LANG))
    study_section = page.locator("section[aria-labelledby='study-h']")
    expect(study_section).to_contain_text(tr("Attached document", LANG))
    response = page.request.get(f"/projects/{project.pk}/study/document/")
    assert response.ok and response.body().startswith(b"%PDF"), response.status
    assert response.headers["content-type"] == "application/pdf"
    shot(page, "study-attached", full_page=True)

    # 5. Submission needs each member's participation consent: the page says who lacks it;
    #    once it is recorded (on paper, entered on the profile), nothing is missing any more
    #    and the caseworker submits it to the committee.
    expect(page.locator("#submit-problems")).to_have_count(1)
    for member in project.members.select_related("refugee"):
        if not member.refugee.consents.filter(purpose=Consent.Purpose.PARTICIPATION).exists():
            ConsentFactory(refugee=member.refugee, purpose=Consent.Purpose.PARTICIPATION, recorded_by=caseworker)
    page.reload()
    expect(page.locator("#submit-problems")).to_have_count(0)
    submit = page.locator("section[aria-labelledby='submit-h']")
    submit.get_by_label(tr("Comment", LANG)).fill("Dossier complet, les deux associés ont suivi la sensibilisation.")
    submit.get_by_role("button", name=tr("Submit", LANG), exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text(tr("Project submitted to the committee.", LANG))
    with translation.override(LANG):
        submitted = str(ProjectStatus.SUBMITTED.label)
    expect(page.locator("main")).to_contain_text(submitted)
    expect(page.locator("#history tbody tr").first).to_contain_text(submitted)
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert sorted(project.members.values_list("refugee_id", "is_lead", "share_percent")) == sorted(
        [(new.pk, True, Decimal("60")), (existing.pk, False, Decimal("40"))]
    )
    shot(page, "project-submitted", full_page=True)
    assert_accessible(page, "the submitted project page")
