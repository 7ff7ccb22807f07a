"""The validation committee end to end, through the pages, in Arabic and in French
(issue 4's "done means"): a member scores every criterion, another declares a conflict
of interest and can no longer score, the chair approves with an amount, the project
page shows it approved with that amount, and the minutes show the decision."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from core.roles import Role
from projects import services
from projects.models import CommitteeDecision, ProjectStatus, ScoringCriterion
from tests.browser.support import assert_accessible, field_label, login, tr
from tests.factories.core import make_user
from tests.factories.projects import (
    BudgetLineFactory,
    BusinessProjectFactory,
    FeasibilityStudyFactory,
    ProjectMemberFactory,
)
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.browser

APPROVED_AMOUNT = "6500.00"
# 6500.00 as the page may print it in either language (separators vary by locale).
APPROVED_AMOUNT_SHOWN = re.compile(r"6[\s.,\u00a0\u202f\u066c]?500[.,\u066b]00")


def label(choice, lang: str) -> str:
    """A choice's label (``TextChoices`` member) as the page shows it in ``lang``."""
    with translation.override(lang):
        return str(choice.label)


@pytest.fixture
def agenda(caseworker, manager, office_rabat):
    """A submitted project (lead, budget 8,000, own contribution 1,000: 7,000 requested,
    feasibility study) on the agenda of a sitting with a chair and two members, quorum 2.
    The chair has already scored it; the journey brings the second score."""
    project = BusinessProjectFactory(office=office_rabat, created_by=caseworker, title="Atelier de couture Amal")
    ProjectMemberFactory(project=project, refugee=RefugeeFactory(office=office_rabat), is_lead=True)
    BudgetLineFactory(project=project, quantity=Decimal("2"), unit_cost=Decimal("4000.00"))
    FeasibilityStudyFactory(project=project)
    services.project_submit(project=project, by=caseworker)
    chair = make_user(Role.COMMITTEE_MEMBER, username="chair.idrissi", first_name="Nadia", last_name="Idrissi")
    scorer = make_user(Role.COMMITTEE_MEMBER, username="member.benali", first_name="Karim", last_name="Benali")
    conflicted = make_user(Role.COMMITTEE_MEMBER, username="member.tazi", first_name="Salma", last_name="Tazi")
    sitting = services.sitting_create(
        by=manager,
        date=datetime.date(2026, 3, 10),
        chair=chair,
        members=[chair, scorer, conflicted],
        quorum=2,
        location="Rabat",
    )
    item = services.agenda_add(sitting=sitting, project=project, by=manager)
    criteria = list(ScoringCriterion.objects.filter(is_active=True))
    assert criteria, "the default scoring grid (migration 0002) is missing"
    services.score_record(item=item, member=chair, values={c.pk: 8 for c in criteria})
    return {
        "project": project,
        "sitting": sitting,
        "chair": chair,
        "scorer": scorer,
        "conflicted": conflicted,
        "criteria": criteria,
    }


def open_agenda_item(page, project, lang: str) -> None:
    """From the home page: Committee in the menu, the sitting, then the project on its agenda."""
    page.locator("#nav-items [data-nav='committee']").click()
    expect(page.locator("main h1")).to_have_text(tr("Validation committee sittings", lang))
    page.locator("#sitting-table").get_by_role("link", name="2026-03-10").click()
    page.locator("#agenda-table").get_by_role("link", name=re.compile(re.escape(project.title))).click()
    expect(page.locator("main h1")).to_contain_text(project.title)


def currency(lang: str) -> str:
    """The dirham as the pages write it next to an amount ("MAD", "درهم")."""
    return tr("%(amount)s MAD", lang).replace("%(amount)s", "").strip()


def switch_user(page, user, lang: str) -> None:
    """Another person at another computer: no cookie of the previous one."""
    page.context.clear_cookies()
    login(page, user, lang)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_it_runs_the_committee_from_scores_to_minutes(page, shot, agenda, caseworker, lang):
    project, chair, scorer, conflicted = agenda["project"], agenda["chair"], agenda["scorer"], agenda["conflicted"]

    # 1. A member scores every criterion of the grid through the page.
    login(page, scorer, lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    open_agenda_item(page, project, lang)
    shot(page, "member-opens-the-agenda-item")
    score_form = page.locator("#score-form")
    for value, criterion in enumerate(agenda["criteria"], start=4):
        with translation.override(lang):
            name = criterion.name
        score_form.get_by_label(name).fill(str(min(value, 10)))
    shot(page, "member-fills-the-grid")
    score_form.get_by_role("button", name=tr("Record my scores", lang)).click()
    expect(page.locator("main")).to_contain_text(tr("Your scores are recorded.", lang))
    expect(page.locator("main")).to_contain_text(tr("You have scored this project.", lang))
    expect(page.locator("#score-form")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(tr("Quorum met", lang))
    shot(page, "member-scored")
    # The member can open the full project file from the agenda item (read only).
    page.get_by_role("link", name=tr("Open the project file", lang)).click()
    expect(page.locator("main h1")).to_contain_text(project.reference)
    expect(page.locator("#budget-table")).to_be_visible()
    expect(page.get_by_role("link", name=tr("Edit the application", lang))).to_have_count(0)
    shot(page, "member-reads-the-project-file")

    # 2. Another member declares a conflict of interest, then has no way to score.
    switch_user(page, conflicted, lang)
    open_agenda_item(page, project, lang)
    conflict_form = page.locator("#conflict-form")
    conflict_form.get_by_label(tr("Reason", lang)).fill("Cousin of the applicant")
    shot(page, "second-member-declares-a-conflict")
    conflict_form.get_by_role("button", name=tr("Declare a conflict (I will not score)", lang)).click()
    expect(page.locator("main")).to_contain_text(
        tr("Your conflict of interest is recorded: you will not score this project.", lang)
    )
    expect(page.locator("main")).to_contain_text(tr("You declared a conflict of interest on this project.", lang))
    expect(page.locator("#score-form")).to_have_count(0)
    expect(page.locator("#conflict-form")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(tr("Conflicts of interest declared", lang))
    shot(page, "second-member-cannot-score")

    # 3. The chair records the approval with an amount.
    switch_user(page, chair, lang)
    open_agenda_item(page, project, lang)
    decision_form = page.locator("#decision-form")
    decision_form.get_by_label(field_label(tr("Decision", lang))).select_option(CommitteeDecision.Decision.APPROVED)
    decision_form.get_by_label(tr("Approved amount (MAD)", lang)).fill(APPROVED_AMOUNT)
    decision_form.get_by_label(field_label(tr("Conditions", lang))).fill("Buy the machines locally")
    shot(page, "chair-fills-the-decision")
    assert_accessible(page, "the agenda item with the chair's decision form")
    decision_form.get_by_role("button", name=tr("Record the decision", lang)).click()
    expect(page.locator("main")).to_contain_text(tr("Decision recorded.", lang))
    decision = page.locator("#decision")
    expect(decision).to_contain_text(label(CommitteeDecision.Decision.APPROVED, lang))
    expect(decision).to_contain_text(APPROVED_AMOUNT_SHOWN)
    expect(decision).to_contain_text(currency(lang))
    shot(page, "chair-recorded-the-approval")

    # 4. The minutes of the sitting show the decision.
    page.locator("main .breadcrumb").get_by_role("link", name="2026-03-10").click()
    page.get_by_role("link", name=tr("Minutes", lang), exact=True).click()
    minutes = page.locator("main")
    expect(minutes).to_contain_text(project.title)
    expect(minutes).to_contain_text(label(CommitteeDecision.Decision.APPROVED, lang))
    expect(minutes).to_contain_text(APPROVED_AMOUNT_SHOWN)
    expect(minutes).to_contain_text(currency(lang))
    expect(minutes).to_contain_text("Salma Tazi")
    shot(page, "minutes-show-the-decision", full_page=True)

    # 5. The caseworker's project page shows the project approved, with the amount.
    switch_user(page, caseworker, lang)
    page.locator("#nav-items [data-nav='projects']").click()
    page.locator("main table").get_by_role("link", name=project.reference, exact=True).click()
    expect(page.locator("main h1")).to_contain_text(project.title)
    expect(page.locator("main")).to_contain_text(label(ProjectStatus.APPROVED, lang))
    expect(page.locator("#approved-amount")).to_have_text(APPROVED_AMOUNT_SHOWN)
    shot(page, "project-page-shows-the-approval")
