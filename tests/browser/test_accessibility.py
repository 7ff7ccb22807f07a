"""axe-core on the pages of each role, in French and in Arabic (right to left): no
serious or critical violation. Add a page to ``ANONYMOUS_PAGES`` or ``ROLE_PAGES``.

Every form of the app is listed here (the URLconf's form views, and the forms embedded in
detail pages: notes, members, budget lines, submission, agenda, scores, decisions,
approvals, sign-off, dashboard filters), each opened by the role that uses it."""

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.roles import Role
from funding.models import Disbursement
from projects import services as project_services
from projects.models import LegalForm, ScoringCriterion
from tests.browser.support import assert_accessible, axe_violations, login, switch_language
from tests.factories.core import make_user
from tests.factories.funding import agreement_with_rates, approved_project, awarded_grant, paid
from tests.factories.projects import (
    BudgetLineFactory,
    BusinessProjectFactory,
    FeasibilityStudyFactory,
    ProjectMemberFactory,
    SessionFactory,
)
from tests.factories.refugees import ConsentFactory, RefugeeFactory

pytestmark = pytest.mark.browser

LANGUAGES = ("fr", "ar")

# A page is a URL name (reversed without arguments) or a callable ``(user) -> path``
# for pages that need an object (create it with the factories inside the callable).
Page = str | Callable[..., str]


def password_reset_link(_user=None) -> str:
    """The link of a password reset email (the form to choose a new password)."""
    user = make_user(Role.CASEWORKER, username="forgetful")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


ANONYMOUS_PAGES: list[Page] = [
    "login",
    "password_reset",
    "password_reset_done",
    password_reset_link,
    "password_reset_complete",
]


# --- the objects behind the form pages ---------------------------------------------------


def _manager():
    return make_user(Role.PROGRAMME_MANAGER)


def _refugee(user):
    return RefugeeFactory(office=user.office)


def _draft_project(user, **kw):
    project = BusinessProjectFactory(office=user.office, created_by=user, **kw)
    ProjectMemberFactory(project=project, refugee=RefugeeFactory(office=user.office), share_percent=Decimal("60"))
    BudgetLineFactory(project=project)
    return project


def _grant(user, *, second_pending=False):
    """A grant of ``user``'s office: two tranches, the first paid and approved (so its
    follow-up visits are planned); optionally a pending payment awaiting approval."""
    manager, approver = _manager(), _manager()
    project = approved_project(office=user.office, approved_amount=Decimal("20000.00"))
    grant = awarded_grant(
        project=project,
        by=manager,
        amount=Decimal("20000.00"),
        shares=[(agreement_with_rates(), Decimal("20000.00"))],
        tranches=[(Decimal("15000.00"), "none"), (Decimal("5000.00"), "satisfactory_visit")],
    )
    paid(grant, amount="10000", by=manager, approver=approver)
    if second_pending:
        import uuid

        from funding.services import disbursement_record

        disbursement_record(
            grant=grant,
            tranche=grant.tranches.get(number=1),
            date=datetime.date(2025, 7, 2),
            amount=Decimal("5000"),
            method="bank_transfer",
            by=manager,
            idempotency_key=uuid.uuid4().hex,
        )
    return grant


def refugee_profile(user) -> str:
    """The profile, with its note form."""
    return reverse("refugees:detail", args=[_refugee(user).pk])


def refugee_edit(user) -> str:
    return reverse("refugees:edit", args=[_refugee(user).pk])


def consent_form(user) -> str:
    return reverse("refugees:consent_add", args=[_refugee(user).pk])


def consent_withdraw_form(user) -> str:
    consent = ConsentFactory(refugee=_refugee(user), recorded_by=user)
    return reverse("refugees:consent_withdraw", args=[consent.refugee_id, consent.pk])


def document_form(user) -> str:
    return reverse("refugees:document_upload", args=[_refugee(user).pk])


def anonymise_form(user) -> str:
    return reverse("refugees:anonymise", args=[RefugeeFactory().pk])


def project_page(user) -> str:
    """A draft: the member, budget line and submission forms."""
    return reverse("projects:detail", args=[_draft_project(user).pk])


def project_edit(user) -> str:
    return reverse("projects:edit", args=[_draft_project(user).pk])


def study_form(user) -> str:
    return reverse("projects:study_edit", args=[_draft_project(user).pk])


def cooperative_form(user) -> str:
    return reverse("projects:cooperative_edit", args=[_draft_project(user, legal_form=LegalForm.COOPERATIVE).pk])


def funded_project_page(user) -> str:
    """A funded project: the manager's form to close it."""
    return reverse("projects:detail", args=[approved_project(status="funded").pk])


def session_page(user) -> str:
    """A session with the attendance search showing a result to mark present."""
    session = SessionFactory(office=user.office, city=user.office.city)
    RefugeeFactory(office=user.office, first_name_latin="Amina", last_name_latin="Saleh")
    return reverse("projects:session_detail", args=[session.pk]) + "?q=Saleh"


def session_edit(user) -> str:
    return reverse("projects:session_edit", args=[SessionFactory(office=user.office, city=user.office.city).pk])


def grant_page(user) -> str:
    return reverse("funding:grant_detail", args=[_grant(user).pk])


def payment_form(user) -> str:
    return reverse("funding:disbursement_create", args=[_grant(user).pk])


def reversal_form(user) -> str:
    entry = Disbursement.objects.filter(grant=_grant(user), status=Disbursement.Status.APPROVED).first()
    return reverse("funding:disbursement_reverse", args=[entry.pk])


def visit_form(user) -> str:
    visit = _grant(user).project.visits.order_by("due_date").first()
    return reverse("funding:visit_edit", args=[visit.pk])


def approval_queue(user) -> str:
    """The queue with a payment awaiting approval (approve and reject forms)."""
    _grant(user, second_pending=True)
    return reverse("funding:approval_queue")


def _agenda_item(chair, manager):
    project = BusinessProjectFactory()
    ProjectMemberFactory(project=project, refugee=RefugeeFactory(office=project.office))
    BudgetLineFactory(project=project)
    FeasibilityStudyFactory(project=project)
    project_services.project_submit(project=project, by=manager)
    other = make_user(Role.COMMITTEE_MEMBER, username=f"a11y.member.{project.pk}")
    sitting = project_services.sitting_create(
        by=manager, date=datetime.date(2026, 3, 10), chair=chair, members=[chair, other], quorum=2
    )
    return project_services.agenda_add(sitting=sitting, project=project, by=manager)


def sitting_page(user) -> str:
    """A sitting with a project on its agenda (and, for a manager, the agenda form)."""
    return reverse("projects:sitting_detail", args=[_agenda_item(user, _manager()).sitting_id])


def scoring_form(user) -> str:
    """The chair's page of an agenda item: the score, conflict and decision forms."""
    item = _agenda_item(user, _manager())
    assert ScoringCriterion.objects.filter(is_active=True).exists()
    return reverse("projects:item_detail", args=[item.sitting_id, item.pk])


def manager_sitting_page(user) -> str:
    chair = make_user(Role.COMMITTEE_MEMBER, username="a11y.chair")
    return reverse("projects:sitting_detail", args=[_agenda_item(chair, user).sitting_id])


def report_run_page(user) -> str:
    """A finished run of the programme report: the download link and the sign-off form."""
    from tests.factories.reports import done_run

    return reverse("reports:run_detail", args=[done_run(code="programme").pk])


# A key is a persona fixture's name, optionally with ":part" when its pages are split
# across tests (so the two test processes share the longest list).
ROLE_PAGES: dict[str, list[Page]] = {
    "caseworker": [
        "home",
        "password_change",
        "password_change_done",
        "refugees:list",
        "refugees:create",
        refugee_profile,
        refugee_edit,
        consent_form,
        consent_withdraw_form,
        document_form,
        "refugees:import",
    ],
    "caseworker:projects": [
        "projects:list",
        "projects:create",
        project_page,
        project_edit,
        study_form,
        cooperative_form,
        "projects:session_list",
        "projects:session_create",
        session_page,
        session_edit,
    ],
    "caseworker:funding": [
        "funding:grant_list",
        grant_page,
        payment_form,
        reversal_form,
        "funding:visits_due",
        visit_form,
    ],
    "manager": [
        "home",
        "password_change",
        anonymise_form,
        "refugees:partner_exports",
        funded_project_page,
        "funding:grant_create",
        approval_queue,
        "funding:agreement_list",
        "projects:sitting_list",
        "projects:sitting_create",
        manager_sitting_page,
        "reports:run_list",
        report_run_page,
        "reports:dashboard",
    ],
    "committee_member": ["home", "password_change", "projects:sitting_list", sitting_page, scoring_form],
    "partner_unhcr": ["home", "password_change", "reports:run_list", "reports:dashboard"],
    "admin_user": ["home", "password_change"],
}

# Forms also checked with their errors shown: the form (a CSS selector on the page) is
# sent empty, as a person who presses the button too early does.
FORMS_SENT_EMPTY: dict[str, list[tuple[Page, str]]] = {
    "caseworker": [("refugees:create", "main form")],
    "caseworker:projects": [("projects:create", "main form"), (project_page, "#line-form"), (study_form, "main form")],
    "caseworker:funding": [(payment_form, "main form"), (visit_form, "main form.visit-form")],
    "manager": [("funding:grant_create", "main form")],
    "committee_member": [(scoring_form, "#score-form")],
    "partner_unhcr": [("reports:run_list", "main form")],
}


def _resolve(pages: list[Page], user=None) -> list[tuple[str, str]]:
    """``(name, path)`` for each listed page: the URL name, or the callable's name."""
    return [(p.__name__, p(user)) if callable(p) else (p, reverse(p)) for p in pages]


def _check_all(page, shot, pages: list[tuple[str, str]], lang: str, forms_sent_empty=()) -> None:
    """axe on every page (and on each form sent empty, with its errors shown); the failure
    lists the violations of all the pages at once."""
    failures = []

    def check(name: str, path: str) -> None:
        violations = axe_violations(page)
        if violations:
            failures.append(f"{name} ({path}) in {lang}:\n  " + "\n  ".join(map(str, violations)))

    for name, path in pages:
        response = page.goto(path)
        assert response is not None and response.ok, f"{name} ({path}) answered {response and response.status}"
        shot(page, f"{lang}-{name}")
        check(name, path)
    for (name, path), selector in forms_sent_empty:
        page.goto(path)
        form = page.locator(selector)
        for field in form.locator("input[type=text], input[type=number], textarea").all():
            if field.is_editable():
                field.fill("")
        form.locator("[type=submit]").first.click()
        page.locator(".invalid-feedback, [role=alert]").first.wait_for()
        shot(page, f"{lang}-{name}-errors")
        check(f"{name} with its errors", path)
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)


def test_it_finds_no_serious_violation_on_public_pages(page, shot, db):
    pages = _resolve(ANONYMOUS_PAGES)
    page.goto(pages[0][1])
    for lang in LANGUAGES:
        switch_language(page, lang)
        _check_all(page, shot, pages, lang)
        # The login form with its error shown (the state a person meets after a typo).
        page.goto(reverse("login"))
        page.locator("#id_username").fill("nobody")
        page.locator("#id_password").fill("wrong")
        page.locator("main form button[type=submit]").click()
        page.locator("main [role=alert]").wait_for()
        shot(page, f"{lang}-login-error")
        assert_accessible(page, f"the login form with an error in {lang}")


@pytest.mark.parametrize("persona", list(ROLE_PAGES))
def test_it_finds_no_serious_violation_on_each_role_pages(request, page, shot, persona):
    user = request.getfixturevalue(persona.split(":")[0])
    pages = _resolve(ROLE_PAGES[persona], user)
    forms = FORMS_SENT_EMPTY.get(persona, [])
    forms_sent_empty = list(zip(_resolve([p for p, _ in forms], user), [s for _, s in forms], strict=True))
    login(page, user, LANGUAGES[0])
    for lang in LANGUAGES:
        page.goto("/")  # (a form sent empty may have left the page on a POST-only URL)
        switch_language(page, lang)
        _check_all(page, shot, pages, lang, forms_sent_empty)


def test_it_finds_no_serious_violation_on_the_second_factor_pages(page, shot, settings, office_rabat):
    """Enrolment with the QR code, the recovery codes, the two-step page with its passkeys,
    naming a passkey and the second-factor step (code, passkey or recovery code), in both
    languages, as a manager who must give a second factor meets them at first login."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    settings.SANAD_MFA_ENFORCED = True
    failures = []

    def check(name: str, lang: str) -> None:
        shot(page, f"{lang}-{name}")
        violations = axe_violations(page)
        if violations:
            failures.append(f"{name} ({page.url}) in {lang}:\n  " + "\n  ".join(map(str, violations)))

    for lang in LANGUAGES:
        page.context.clear_cookies()
        user = make_user(Role.PROGRAMME_MANAGER, username=f"mfa.{lang}", office=office_rabat)
        login(page, user, lang)
        page.wait_for_url(lambda url: reverse("mfa_setup") in url)
        page.locator("#mfa-qr").wait_for()
        check("enrol-with-the-qr-code", lang)
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        page.locator("#id_token").fill(f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}")
        page.locator("main form button[type=submit]").first.click()
        page.locator("#recovery-codes").wait_for()
        check("recovery-codes", lang)
        passkey = WebAuthnCredential.objects.create(
            user=user, name="Ordinateur", credential_id=lang.encode() * 8, public_key=b"\x00", sign_count=0
        )
        page.goto(reverse("mfa_manage"))
        page.locator("#passkey-register-button").wait_for()  # the package's script ran
        check("two-step-page-with-passkeys", lang)
        page.goto(reverse("mfa_passkey_name", args=[passkey.pk]))
        check("name-a-passkey", lang)
        page.goto(reverse("mfa_verify"))
        page.locator("#passkey-verification-button").wait_for()
        check("second-factor-step", lang)
        page.locator("#id_token").fill("000000")
        page.locator("main form button[type=submit]").first.click()
        page.locator(".invalid-feedback").first.wait_for()
        check("second-factor-step-with-an-error", lang)
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)
