"""The access matrix: every URL of the URLconf, for every identity, GET and POST.

``ACCESS`` below is the one declared table of who may do what. For each URL name it says
which identities are let in on GET and on POST, and which ones get 404 instead of 403
because the object is not theirs (a Rabat record seen from the Oujda office, a sitting
the member does not sit on, another partner's report). Everyone else is refused:

* anonymous: 302 to the login page (except on the public pages);
* a signed-in identity that is not let in: 403 (the Django admin answers with a 302 to
  its own login page instead: ``refused=LOGIN``);
* ``NOT_ALLOWED``: the method is refused for everyone who reaches the view (405).

"Let in" (``OK``) is 200, 204, 302 (not to a login page) or 400 (a form sent back with
its errors): the POSTs carry an empty or a minimal body, what is asserted is the door,
not the form. Each request runs in a savepoint rolled back after it, so an allowed POST
(a document deleted, a sitting closed) does not change the world for the next URL, and
after every refused POST the row counts of every table of our apps (history tables
included, so an update would show too) must be what they were.

The objects are built once per identity: a refugee, a session, two projects (a draft and
one on a committee sitting's agenda), a grant with its ledger and visits, and a report run
for UNHCR, all in the Rabat office, with twins in Oujda; the URL of a record is always the
Rabat one.

A URL pattern without a row here fails ``test_the_table_covers_every_url_pattern``. The
Django admin is covered by a few representative rows (``admin:...`` below): its other
URLs are django.contrib.admin's own, behind the same ``is_staff`` gate.

The admin (IT) has no case scope: 403 on every case page of refugees, projects and
funding, and no reports; the Django admin is theirs for users, roles, offices and reference
data, and refuses them (403) every model holding a person's data (the ``admin:`` rows of
refugees and projects below; ``tests/core/test_it_admin_sees_no_personal_data.py`` walks
every page of the admin).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.urls import reverse

from core.roles import Role
from tests.core.urlwalk import all_urls
from tests.factories.core import make_user

# --- The identities -----------------------------------------------------------------------
ANON = "anonymous"
CW = "caseworker.rabat"  # the Rabat records are theirs
CW2 = "caseworker.oujda"  # another office
PM = "manager"
MEM = "committee.on"  # sits on the sitting (not the chair)
OFF = "committee.off"  # a committee member who does not sit on it
CHAIR = "committee.chair"
UNHCR = "partner.unhcr"
ANAPEC = "partner.anapec"
EU = "donor.eu"  # a partner officer of a donor organisation
ADMIN = "admin"

IDENTITIES = [ANON, CW, CW2, PM, MEM, OFF, CHAIR, UNHCR, ANAPEC, EU, ADMIN]
SIGNED_IN = frozenset(IDENTITIES) - {ANON}
EVERYONE = frozenset(IDENTITIES)
NOBODY = frozenset()
STAFF = frozenset({CW, CW2, PM})  # the people who handle cases
COMMITTEE = frozenset({MEM, OFF, CHAIR})
REPORTS = frozenset({PM, UNHCR, ANAPEC, EU})  # the manager and the partner officers
SITTING = frozenset({PM, MEM, CHAIR})  # who reaches the sitting (the manager: every sitting)

# --- What a response is -------------------------------------------------------------------
OK = "ok"  # 200, 204, 302 elsewhere than a login page, 400 (a form sent back)
LOGIN = "login"  # 302 to a login page
NOT_ALLOWED = "405"


def outcome(response) -> str:
    code = response.status_code
    if code == 302:
        return LOGIN if urlparse(response["Location"]).path in ("/accounts/login/", "/admin/login/") else OK
    if code in (200, 201, 204, 400):
        return OK
    return str(code)


# --- The table ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """Who is let in on GET and on POST (a set of identities, or ``NOT_ALLOWED``)."""

    get: frozenset | str
    post: frozenset | str
    not_found: frozenset = NOBODY  # 404 instead of 403: the object is not theirs
    let_in: str = OK  # what "let in" looks like (signing out sends to the login page)
    kwargs: Callable | None = None  # world -> the URL's kwargs
    data: Callable | None = None  # world -> a minimal POST body
    public: bool = False  # the anonymous visitor is not sent to the login page
    refused: str = "403"
    forbidden: frozenset = NOBODY  # 403 whatever ``refused`` says (the IT admin, in the Django admin)
    anon: str = LOGIN  # what the anonymous visitor gets (the API answers 401 itself)
    json: bool = False  # the POST body is JSON (the API)

    def expected(self, method: str, who: str) -> str:
        allowed = self.get if method == "GET" else self.post
        if who == ANON and not self.public:
            return self.anon
        if allowed == NOT_ALLOWED:
            return NOT_ALLOWED
        if who in self.not_found:
            return "404"
        if who in self.forbidden:
            return "403"
        return self.let_in if who in allowed else self.refused


def pk(attr: str, key: str = "pk") -> Callable:
    return lambda w: {key: getattr(w, attr).pk}


def refugee_and(attr: str, key: str) -> Callable:
    return lambda w: {"pk": w.refugee.pk, key: getattr(w, attr).pk}


def project_and(attr: str, key: str) -> Callable:
    return lambda w: {"pk": w.draft.pk, key: getattr(w, attr).pk}


def item_kwargs(w) -> dict:
    return {"pk": w.sitting.pk, "item_pk": w.item.pk}


def scores(w) -> dict:
    return {f"c{c.pk}": 7 for c in w.criteria}


# Rows of a case record: staff let in, the other office's caseworker gets 404.
def case(kwargs: Callable, *, get=STAFF, post=STAFF, data=None) -> Row:
    return Row(get=get, post=post, not_found=frozenset({CW2}), kwargs=kwargs, data=data)


def post_only(allowed: frozenset, *, not_found=frozenset({CW2}), kwargs=None, data=None) -> Row:
    return Row(get=NOT_ALLOWED, post=allowed, not_found=not_found, kwargs=kwargs, data=data)


# A project on the sitting's agenda: staff of its office, and the members of the sitting.
AGENDA_PROJECT = Row(
    get=STAFF | {MEM, CHAIR}, post=STAFF | {MEM, CHAIR}, not_found=frozenset({CW2, OFF}), kwargs=pk("agenda_project")
)
ON_SITTING = frozenset({OFF})  # a member not on the sitting: 404 (it is not theirs)
HOOKS = frozenset({PM, UNHCR, ANAPEC, EU, ADMIN})  # who manages webhook endpoints (each their own)
NOT_UNHCR_HOOK = frozenset({PM, ANAPEC, EU})  # UNHCR's endpoint is not theirs: 404

ACCESS: dict[str, Row] = {
    # core: the home page of every role, the account pages, the public pages
    "home": Row(get=SIGNED_IN, post=SIGNED_IN),
    "todo": Row(get=SIGNED_IN, post=NOT_ALLOWED),
    "reminder_settings": Row(get=SIGNED_IN, post=SIGNED_IN),
    "login": Row(get=EVERYONE, post=EVERYONE, public=True),
    "logout": Row(get=NOT_ALLOWED, post=SIGNED_IN, let_in=LOGIN),
    "password_change": Row(get=SIGNED_IN, post=SIGNED_IN),
    "password_change_done": Row(get=SIGNED_IN, post=NOT_ALLOWED),
    "password_reset": Row(get=EVERYONE, post=EVERYONE, public=True),
    "password_reset_done": Row(get=EVERYONE, post=NOT_ALLOWED, public=True),
    "password_reset_confirm": Row(
        get=EVERYONE, post=EVERYONE, public=True, kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"}
    ),
    "password_reset_complete": Row(get=EVERYONE, post=NOT_ALLOWED, public=True),
    "mfa_manage": Row(get=SIGNED_IN, post=NOT_ALLOWED),
    "mfa_setup": Row(get=SIGNED_IN, post=SIGNED_IN),
    "mfa_verify": Row(get=SIGNED_IN, post=SIGNED_IN),
    "mfa_recovery_codes": Row(get=NOT_ALLOWED, post=SIGNED_IN),
    "security_log": Row(get={PM}, post=NOT_ALLOWED),
    # passkeys: another user's passkey is a 404; the ceremonies refuse a user without the app
    # or a passkey (nobody here has one: tests/security/test_passkeys.py lets them in)
    "mfa_passkey_name": Row(get=NOBODY, post=NOBODY, not_found=SIGNED_IN, kwargs=lambda w: {"pk": w.passkey.pk}),
    "mfa_passkey_remove": post_only(NOBODY, not_found=SIGNED_IN, kwargs=lambda w: {"pk": w.passkey.pk}),
    "passkey_register_begin": post_only(NOBODY, not_found=NOBODY),
    "passkey_register_complete": post_only(NOBODY, not_found=NOBODY),
    "passkey_auth_begin": post_only(NOBODY, not_found=NOBODY),
    "passkey_auth_complete": post_only(NOBODY, not_found=NOBODY),
    "set_language": Row(get=EVERYONE, post=EVERYONE, public=True),
    "healthz": Row(get=EVERYONE, post=NOT_ALLOWED, public=True),
    "readyz": Row(get=EVERYONE, post=NOT_ALLOWED, public=True),
    # The Django admin (IT): representative rows; the rest of /admin/ is behind the same gate.
    "admin:index": Row(get={ADMIN}, post={ADMIN}, refused=LOGIN),
    "admin:login": Row(get=EVERYONE, post=EVERYONE, public=True),
    "admin:core_user_changelist": Row(get={ADMIN}, post={ADMIN}, refused=LOGIN),
    "admin:core_office_change": Row(
        get={ADMIN}, post={ADMIN}, refused=LOGIN, kwargs=lambda w: {"object_id": w.rabat.pk}
    ),
    # ... but no model holding a person's data: 403 for the IT admin (no case role)
    "admin:refugees_refugee_changelist": Row(get=NOBODY, post=NOBODY, refused=LOGIN, forbidden={ADMIN}),
    "admin:refugees_refugee_change": Row(
        get=NOBODY, post=NOBODY, refused=LOGIN, forbidden={ADMIN}, kwargs=lambda w: {"object_id": w.refugee.pk}
    ),
    "admin:refugees_consent_changelist": Row(get=NOBODY, post=NOBODY, refused=LOGIN, forbidden={ADMIN}),
    "admin:projects_attendance_changelist": Row(get=NOBODY, post=NOBODY, refused=LOGIN, forbidden={ADMIN}),
    "admin:projects_businessproject_changelist": Row(get=NOBODY, post=NOBODY, refused=LOGIN, forbidden={ADMIN}),
    "admin:funding_grant_changelist": Row(get=NOBODY, post=NOBODY, refused=LOGIN, forbidden={ADMIN}),
    "admin:projects_scoringcriterion_changelist": Row(get={ADMIN}, post={ADMIN}, refused=LOGIN),
    # refugees: the registry (staff; the subject's rights and partner exports: the manager)
    "refugees:list": Row(get=STAFF, post=STAFF),
    "refugees:create": Row(get=STAFF, post=STAFF),
    "refugees:import": Row(get=STAFF, post=STAFF),
    "refugees:import_confirm": post_only(STAFF, not_found=NOBODY, data=lambda w: {"token": "0" * 32}),
    "refugees:partner_exports": Row(get={PM}, post={PM}),
    "refugees:partner_export": Row(get={PM}, post={PM}, kwargs=lambda w: {"code": "unhcr"}),
    "refugees:detail": case(pk("refugee")),
    "refugees:edit": case(pk("refugee")),
    "refugees:note_add": post_only(STAFF, kwargs=pk("refugee")),
    "refugees:consent_add": case(pk("refugee")),
    "refugees:consent_withdraw": case(refugee_and("consent", "consent_pk")),
    "refugees:document_upload": case(pk("refugee")),
    "refugees:document_download": case(refugee_and("document", "doc_pk")),
    "refugees:document_delete": post_only(STAFF, kwargs=refugee_and("document", "doc_pk")),
    "refugees:subject_export": case(pk("refugee"), get={PM}, post={PM}),
    "refugees:subject_print": case(pk("refugee"), get={PM}, post={PM}),
    "refugees:anonymise": case(pk("refugee"), get={PM}, post={PM}),
    # projects: sessions (staff), projects (staff; committee members read those on their
    # sittings), the committee (the manager runs it, members score, the chair decides)
    "projects:session_list": Row(get=STAFF, post=STAFF),
    "projects:session_create": Row(get=STAFF, post=STAFF),
    "projects:session_detail": case(pk("session")),
    "projects:session_edit": case(pk("session")),
    "projects:attendance_register": post_only(
        STAFF, kwargs=pk("session"), data=lambda w: {"shown": [w.newcomer.pk], "present": [w.newcomer.pk]}
    ),
    "projects:attendance_add": post_only(STAFF, kwargs=pk("session"), data=lambda w: {"refugee": w.newcomer.pk}),
    "projects:attendance_remove": post_only(STAFF, kwargs=pk("session"), data=lambda w: {"refugee": w.refugee.pk}),
    "projects:list": Row(get=STAFF | COMMITTEE, post=STAFF | COMMITTEE),
    "projects:create": Row(get=STAFF, post=STAFF),
    "projects:detail": AGENDA_PROJECT,
    "projects:edit": case(pk("draft")),
    "projects:member_add": post_only(STAFF, kwargs=pk("draft")),
    "projects:member_shares": post_only(STAFF, kwargs=pk("draft"), data=lambda w: {f"share_{w.member.pk}": "90"}),
    "projects:member_picker": Row(get=STAFF, post=NOT_ALLOWED, not_found=frozenset({CW2}), kwargs=pk("draft")),
    "projects:member_remove": post_only(STAFF, kwargs=project_and("member", "member_pk")),
    "projects:budget_line_add": post_only(STAFF, kwargs=pk("draft")),
    "projects:budget_line_remove": post_only(STAFF, kwargs=project_and("line", "line_pk")),
    "projects:study_edit": case(pk("draft")),
    "projects:study_document": AGENDA_PROJECT,
    "projects:cooperative_edit": case(pk("draft")),
    "projects:submit": post_only(STAFF, kwargs=pk("draft")),
    "projects:close": post_only({PM}, kwargs=pk("draft")),
    "projects:sitting_list": Row(get={PM} | COMMITTEE, post={PM} | COMMITTEE),
    "projects:sitting_create": Row(get={PM}, post={PM}),
    "projects:sitting_detail": Row(get=SITTING, post={PM}, not_found=ON_SITTING, kwargs=pk("sitting")),
    "projects:sitting_attendance": post_only({PM, CHAIR}, not_found=ON_SITTING, kwargs=pk("sitting")),
    "projects:agenda_picker": Row(get={PM}, post=NOT_ALLOWED, not_found=ON_SITTING, kwargs=pk("sitting")),
    "projects:sitting_close": post_only({PM, CHAIR}, not_found=ON_SITTING, kwargs=pk("sitting")),
    "projects:sitting_minutes": Row(get=SITTING, post=SITTING, not_found=ON_SITTING, kwargs=pk("sitting")),
    "projects:sitting_minutes_pdf": Row(get=SITTING, post=SITTING, not_found=ON_SITTING, kwargs=pk("sitting")),
    "projects:item_detail": Row(get=SITTING, post=SITTING, not_found=ON_SITTING, kwargs=item_kwargs),
    "projects:item_score": post_only({MEM, CHAIR}, not_found=ON_SITTING, kwargs=item_kwargs, data=scores),
    "projects:item_conflict": post_only({MEM, CHAIR}, not_found=ON_SITTING, kwargs=item_kwargs),
    "projects:item_decision": post_only({CHAIR}, not_found=ON_SITTING, kwargs=item_kwargs),
    # funding: grants, the ledger (staff record, a manager approves), visits, agreements
    "funding:grant_list": Row(get=STAFF, post=STAFF),
    "funding:grant_create": Row(get={PM}, post={PM}),
    "funding:project_picker": Row(get={PM}, post=NOT_ALLOWED),
    "funding:grant_detail": case(pk("grant")),
    "funding:disbursement_create": case(pk("grant")),
    "funding:disbursement_reverse": case(pk("payment")),
    "funding:disbursement_approve": post_only({PM}, not_found=NOBODY, kwargs=pk("pending")),
    "funding:disbursement_reject": post_only({PM}, not_found=NOBODY, kwargs=pk("pending")),
    "funding:disbursement_receipt": case(pk("pending")),
    "funding:approval_queue": Row(get={PM}, post={PM}),
    "funding:visits_due": Row(get=STAFF, post=STAFF),
    "funding:visit_edit": case(pk("visit")),
    "funding:visit_add_extra": case(pk("financed")),
    "funding:visit_photo": case(pk("photo")),
    "funding:agreement_list": Row(get={PM}, post={PM}),
    # reports: the manager and the partner officers (a partner's own runs; sign-off: the manager)
    "reports:run_list": Row(get=REPORTS, post=REPORTS),
    "reports:run_detail": Row(get={PM, UNHCR}, post={PM, UNHCR}, not_found=frozenset({ANAPEC, EU}), kwargs=pk("run")),
    "reports:run_status": Row(get={PM, UNHCR}, post={PM, UNHCR}, not_found=frozenset({ANAPEC, EU}), kwargs=pk("run")),
    "reports:run_download": Row(get={PM, UNHCR}, post={PM, UNHCR}, not_found=frozenset({ANAPEC, EU}), kwargs=pk("run")),
    "reports:run_sign_off": post_only({PM}, not_found=NOBODY, kwargs=pk("run")),
    "reports:dashboard": Row(get=REPORTS, post=REPORTS),
    "reports:disclosure": Row(get=REPORTS, post=REPORTS),
    # webhooks: the programme's endpoints are the manager's, a partner's are its officers' and
    # the admin's; the rows' endpoint is UNHCR's (another partner, and the manager: 404)
    "webhooks:endpoint_list": Row(get=HOOKS, post=NOT_ALLOWED),
    "webhooks:endpoint_create": Row(get=HOOKS, post=HOOKS),
    "webhooks:endpoint_detail": Row(get={UNHCR, ADMIN}, post=NOT_ALLOWED, not_found=NOT_UNHCR_HOOK, kwargs=pk("hook")),
    "webhooks:endpoint_edit": Row(get={UNHCR, ADMIN}, post={UNHCR, ADMIN}, not_found=NOT_UNHCR_HOOK, kwargs=pk("hook")),
    "webhooks:endpoint_secret": post_only({UNHCR, ADMIN}, not_found=NOT_UNHCR_HOOK, kwargs=pk("hook")),
    "webhooks:endpoint_delete": Row(
        get={UNHCR, ADMIN}, post={UNHCR, ADMIN}, not_found=NOT_UNHCR_HOOK, kwargs=pk("hook")
    ),
    "webhooks:delivery_retry": post_only({UNHCR, ADMIN}, not_found=NOT_UNHCR_HOOK, kwargs=pk("hook_delivery")),
    # the API's token pages: the manager (the staff's tokens), the admin (the partners')
    "api_tokens": Row(get={PM, ADMIN}, post=NOT_ALLOWED),
    "api_token_create": Row(get={PM, ADMIN}, post={PM, ADMIN}),
    "api_token_revoke": post_only({PM}, not_found=frozenset({ADMIN}), kwargs=pk("token")),
}


# --- The API (/api/v1/): the same doors, answered in JSON (401 for an anonymous caller) -----
def api(get, post, *, not_found=NOBODY, kwargs=None, data=None, let_in=OK, public=False) -> Row:
    return Row(
        get=get,
        post=post,
        not_found=not_found,
        kwargs=kwargs,
        data=data,
        anon="401",
        json=True,
        let_in=let_in,
        public=public,
    )


PARTNERS = frozenset({UNHCR, ANAPEC, EU})
ON_THE_AGENDA_OR_OTHER_OFFICE = frozenset({CW2, MEM, OFF, CHAIR})
API = {
    "api:schema": api(SIGNED_IN, NOT_ALLOWED),
    "api:docs": Row(get=SIGNED_IN, post=NOT_ALLOWED),  # a page: the login redirect
    "api:redoc": Row(get=SIGNED_IN, post=NOT_ALLOWED),
    "api:not_found": api(EVERYONE, EVERYONE, let_in="404", public=True),
    "api:partner_periods": api(PARTNERS, NOT_ALLOWED),
    "api:partner_indicators": api(PARTNERS, NOT_ALLOWED),
    "api:partner_definitions": api(PARTNERS, NOT_ALLOWED),
    "api:report_runs": api(REPORTS, NOT_ALLOWED),
    "api:report_run": api({PM, UNHCR}, NOT_ALLOWED, not_found=frozenset({ANAPEC, EU}), kwargs=pk("run")),
    "api:report_run_file": api({PM, UNHCR}, NOT_ALLOWED, not_found=frozenset({ANAPEC, EU}), kwargs=pk("run")),
    "api:refugees": api(STAFF, STAFF),
    "api:refugee": api(STAFF, NOT_ALLOWED, not_found=frozenset({CW2}), kwargs=pk("refugee")),
    "api:sessions": api(STAFF, NOT_ALLOWED),
    "api:session": api(STAFF, NOT_ALLOWED, not_found=frozenset({CW2}), kwargs=pk("session")),
    "api:session_attendance": api(NOT_ALLOWED, STAFF, not_found=frozenset({CW2}), kwargs=pk("session")),
    "api:projects": api(STAFF | COMMITTEE, NOT_ALLOWED),
    "api:project": api(STAFF, NOT_ALLOWED, not_found=ON_THE_AGENDA_OR_OTHER_OFFICE, kwargs=pk("draft")),
    "api:grants": api(STAFF, NOT_ALLOWED),
    "api:grant": api(STAFF, NOT_ALLOWED, not_found=frozenset({CW2}), kwargs=pk("grant")),
    "api:grant_disbursements": api(NOT_ALLOWED, STAFF, not_found=frozenset({CW2}), kwargs=pk("grant")),
    "api:disbursements": api(STAFF, NOT_ALLOWED),
    "api:disbursement": api(STAFF, NOT_ALLOWED, not_found=frozenset({CW2}), kwargs=pk("payment")),
    "api:visits": api(STAFF, NOT_ALLOWED),
    "api:visit": api(STAFF, NOT_ALLOWED, not_found=frozenset({CW2}), kwargs=pk("visit")),
    "api:visit_record": api(NOT_ALLOWED, STAFF, not_found=frozenset({CW2}), kwargs=pk("visit")),
}
ACCESS.update(API)

# --- The world ------------------------------------------------------------------------------
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(
    settings, tmp_path, office_rabat, office_oujda, caseworker, manager, manager2, committee_member, committee_chair
):
    """The records of the two offices, the sitting and a UNHCR report run."""
    from core.models import City
    from funding.models import FollowUpVisit, VisitPhoto
    from projects import services as project_services
    from projects.models import ScoringCriterion
    from refugees.models import RefugeeDocument
    from tests.factories.funding import agreement_with_rates, approved_project, awarded_grant, paid
    from tests.factories.projects import (
        AttendanceFactory,
        BudgetLineFactory,
        BusinessProjectFactory,
        FeasibilityStudyFactory,
        ProjectMemberFactory,
        SessionFactory,
    )
    from tests.factories.refugees import ConsentFactory, RefugeeFactory
    from tests.factories.reports import done_run

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    w = SimpleNamespace(rabat=office_rabat)
    from django_otp_webauthn.models import WebAuthnCredential

    w.passkey = WebAuthnCredential.objects.create(
        user=make_user(Role.CASEWORKER, username="passkey.owner", office=office_rabat),
        name="laptop",
        credential_id=b"matrix-passkey",
        public_key=b"\x00",
        sign_count=0,
    )
    oujda_city = City.objects.get(slug="oujda")
    # refugees
    w.refugee = RefugeeFactory(office=office_rabat, caseworker=caseworker)
    w.newcomer = RefugeeFactory(office=office_rabat)
    RefugeeFactory(office=office_oujda, city=oujda_city)
    w.consent = ConsentFactory(refugee=w.refugee, recorded_by=caseworker)
    w.document = RefugeeDocument.objects.create(
        refugee=w.refugee,
        kind=RefugeeDocument.Kind.ID_CARD,
        file=ContentFile(PDF, name="id.pdf"),
        original_name="id.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=caseworker,
    )
    # sessions
    w.session = SessionFactory(office=office_rabat)
    AttendanceFactory(session=w.session, refugee=w.refugee)
    SessionFactory(office=office_oujda, city=oujda_city)
    # projects: a draft, and a submitted one on the sitting's agenda
    w.draft = BusinessProjectFactory(office=office_rabat, created_by=caseworker)
    w.member = ProjectMemberFactory(project=w.draft, refugee=RefugeeFactory(office=office_rabat))
    w.line = BudgetLineFactory(project=w.draft)
    BusinessProjectFactory(office=office_oujda, city=oujda_city, created_by=caseworker)
    w.agenda_project = BusinessProjectFactory(office=office_rabat, created_by=caseworker)
    ProjectMemberFactory(project=w.agenda_project, refugee=RefugeeFactory(office=office_rabat))
    BudgetLineFactory(project=w.agenda_project, quantity=Decimal("2"), unit_cost=Decimal("4000.00"))
    FeasibilityStudyFactory(project=w.agenda_project, document=ContentFile(PDF, name="study.pdf"))
    project_services.project_submit(project=w.agenda_project, by=caseworker)
    # the committee: a chair, a member on the sitting, one off it
    w.sitting = project_services.sitting_create(
        by=manager, date=datetime.date(2026, 3, 10), chair=committee_chair, members=[committee_member], quorum=2
    )
    w.item = project_services.agenda_add(sitting=w.sitting, project=w.agenda_project, by=manager)
    w.criteria = list(ScoringCriterion.objects.filter(is_active=True))
    # funding: a Rabat grant with an approved payment, a pending one with its receipt, visits
    eu = agreement_with_rates(code="eu", reference="EU-M-01", rates=[(datetime.date(2024, 1, 1), Decimal("10.9"))])
    w.financed = approved_project(office=office_rabat, approved_amount=Decimal("30000.00"))
    w.grant = awarded_grant(
        project=w.financed,
        by=manager,
        amount=Decimal("30000.00"),
        shares=[(eu, "30000.00")],
        tranches=[("20000.00", "none"), ("10000.00", "none")],
    )
    w.payment = paid(w.grant, amount="5000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    from funding.services import disbursement_record

    w.pending, _created = disbursement_record(
        grant=w.grant,
        tranche=w.grant.tranches.order_by("number").first(),
        date=datetime.date(2025, 7, 2),
        amount=Decimal("1000.00"),
        method="bank_transfer",
        by=caseworker,
        idempotency_key=uuid.uuid4().hex,
        receipt=ContentFile(PDF, name="receipt.pdf"),
    )
    w.visit = FollowUpVisit.objects.filter(project=w.financed, status=FollowUpVisit.Status.SCHEDULED).first()
    w.photo = VisitPhoto.objects.create(visit=w.visit, file=ContentFile(PNG, name="p.png"), uploaded_by=caseworker)
    oujda_financed = approved_project(office=office_oujda, city=oujda_city, approved_amount=Decimal("30000.00"))
    awarded_grant(project=oujda_financed, by=manager, amount=Decimal("30000.00"), shares=[(eu, "30000.00")])
    # reports: a finished UNHCR run with its file
    w.run = done_run("unhcr", by=manager)
    w.run.file.save("unhcr.xlsx", ContentFile(b"PK\x03\x04 xlsx"), save=True)
    # webhooks: UNHCR's endpoint with a failed delivery, and the programme's
    from core.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

    w.hook = WebhookEndpoint.objects.create(
        partner=w.run.partner, url="https://hooks.example.org/unhcr", events=["report_run.done"], secret="whsec_x"
    )
    WebhookEndpoint.objects.create(url="https://hooks.example.org/programme", events=["visit.overdue"], secret="s")
    event = WebhookEvent.objects.create(kind="report_run.done", key=f"report_run.done:{w.run.pk}", body="{}")
    w.hook_delivery = WebhookDelivery.objects.create(endpoint=w.hook, event=event, status="failed", attempts=6)
    # the API: a caseworker's token (a manager revokes it)
    from tests.factories.api import make_token

    w.token, _header = make_token(user=caseworker, created_by=manager)
    return w


@pytest.fixture
def committee_chair(db):
    return make_user(Role.COMMITTEE_MEMBER, username="committee.chair")


def _identity(request, who: str):
    fixtures = {
        CW: "caseworker",
        CW2: "other_caseworker",
        PM: "manager",
        MEM: "committee_member",
        CHAIR: "committee_chair",
        UNHCR: "partner_unhcr",
        ANAPEC: "partner_anapec",
        EU: "partner_eu",
        ADMIN: "admin_user",
    }
    if who == ANON:
        return None
    if who == OFF:
        return make_user(Role.COMMITTEE_MEMBER, username="committee.off")
    return request.getfixturevalue(fixtures[who])


def _close_file(response) -> None:
    """Close a streamed file (``response.close()`` would also close the test's connection)."""
    stream = getattr(response, "file_to_stream", None)
    if stream is not None:
        stream.close()


def _tables() -> list[str]:
    """Every table of our apps, history and many-to-many tables included."""
    labels = ("core", "refugees", "projects", "funding", "reports")
    return sorted(
        {m._meta.db_table for label in labels for m in apps.get_app_config(label).get_models(include_auto_created=True)}
    )


def _row_counts(tables: list[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = ", ".join(f"(SELECT count(*) FROM {connection.ops.quote_name(t)})" for t in tables)  # noqa: S608
        cursor.execute(f"SELECT {counts}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


@pytest.mark.django_db
@pytest.mark.parametrize("who", IDENTITIES)
def test_every_url_answers_every_identity_as_the_table_says(request, client, world, who):
    user = _identity(request, who)
    if user is not None:
        client.force_login(user)
    tables = _tables()
    before = _row_counts(tables)
    mismatches = []
    for name, row in sorted(ACCESS.items()):
        url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
        for method in ("GET", "POST"):
            expected = row.expected(method, who)
            body = row.data(world) if (method == "POST" and row.data) else {}
            changed = {}
            try:
                with transaction.atomic():
                    if method == "GET":
                        response = client.get(url)
                    elif row.json:
                        response = client.post(url, body, content_type="application/json")
                    else:
                        response = client.post(url, body)
                    got = outcome(response)
                    _close_file(response)
                    if method == "POST" and expected != row.let_in:  # a refusal: counted before the rollback
                        after = _row_counts(tables)
                        changed = {t: (before[t], after[t]) for t in tables if before[t] != after[t]}
                    transaction.set_rollback(True)
            except Exception as exc:  # a 500: report it with the others
                got = f"raised {type(exc).__name__}: {exc}"
            if got != expected:
                mismatches.append(f"{method} {name} ({url}) as {who}: expected {expected}, got {got}")
            if changed:
                mismatches.append(f"POST {name} as {who} was refused but changed rows (before, after): {changed}")
            if user is not None and name == "logout":
                client.force_login(user)  # the POST signed them out (rolled back or not)
                before = _row_counts(tables)  # signing in again saved the user's last login (not rolled back)
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)


def test_the_table_covers_every_url_pattern():
    """A URL without a row fails; so does a row whose URL is gone. The Django admin is
    covered by its representative rows (every ``admin:`` row must still exist)."""
    names = {name for name, _url in all_urls()}
    ours = {n for n in names if not n.startswith("admin:")}
    unnamed = sorted(n for n in ours if n.endswith(":") or not n)
    missing = sorted(ours - ACCESS.keys())
    stale = sorted(ACCESS.keys() - names)
    assert not unnamed, f"URL patterns without a name: {unnamed}"
    assert not missing, f"URL patterns without a row in ACCESS: {missing}"
    assert not stale, f"rows of ACCESS for URLs that no longer exist: {stale}"


def test_the_table_is_well_formed():
    for name, row in ACCESS.items():
        for allowed in (row.get, row.post):
            assert allowed == NOT_ALLOWED or allowed <= EVERYONE, name
        assert row.not_found <= SIGNED_IN, name
        assert row.refused in ("403", LOGIN), name
        assert row.forbidden <= SIGNED_IN, name


# --- The API as each kind of token ------------------------------------------------------------
# A token acts as its holder (the rows above decide, as for the holder's session), within
# its scopes (403 for a call its scopes do not cover; 405 for a method the endpoint does
# not have). An expired,
# revoked or out-of-address token is refused (401) everywhere. The pages (the
# documentation) ignore tokens: their row is the session's.
API_SCOPES = {
    "api:partner_periods": ("aggregates:read", None),
    "api:partner_indicators": ("aggregates:read", None),
    "api:partner_definitions": ("aggregates:read", None),
    "api:report_runs": ("reports:read", None),
    "api:report_run": ("reports:read", None),
    "api:report_run_file": ("reports:read", None),
}
CASE_SCOPES = ("cases:read", "cases:write")
# kind -> (identity it acts as, scopes, how it is broken)
TOKENS = {
    "token.caseworker": (CW, CASE_SCOPES, None),
    "token.caseworker.read_only": (CW, ("cases:read",), None),
    "token.caseworker.oujda": (CW2, CASE_SCOPES, None),
    "token.manager": (PM, (*CASE_SCOPES, "reports:read"), None),
    "token.org.unhcr": (UNHCR, ("aggregates:read", "reports:read"), None),
    "token.org.unhcr.aggregates_only": (UNHCR, ("aggregates:read",), None),
    "token.org.eu": (EU, ("aggregates:read", "reports:read"), None),
    "token.expired": (CW, CASE_SCOPES, "expired"),
    "token.revoked": (CW, CASE_SCOPES, "revoked"),
    "token.outside_ip": (CW, CASE_SCOPES, "address"),
}


def _api_expected(name: str, row: Row, method: str, kind: str) -> str:
    who, scopes, broken = TOKENS[kind]
    if row.public:
        return row.expected(method, who)
    if broken:
        return "401"
    if (row.get if method == "GET" else row.post) == NOT_ALLOWED:
        return NOT_ALLOWED  # the method is refused before the scope is read
    if name in API_SCOPES:
        needed = API_SCOPES[name][0 if method == "GET" else 1]
    elif name != "api:schema":
        needed = CASE_SCOPES[0 if method == "GET" else 1]
    else:
        needed = None
    if name != "api:schema" and needed not in scopes:
        return "403"
    return row.expected(method, who)


def _make_api_token(request, world, kind):
    from tests.factories.api import make_token

    who, scopes, broken = TOKENS[kind]
    manager = request.getfixturevalue("manager")
    if kind.startswith("token.org."):
        code = "eu" if kind == "token.org.eu" else "unhcr"
        return make_token(partner=code, scopes=scopes, created_by=manager)[1]
    user = _identity(request, who)
    return make_token(
        user=user,
        scopes=scopes,
        created_by=manager,
        expires_in_days=-1 if broken == "expired" else 30,
        revoked=broken == "revoked",
        allowed_ips=["10.9.8.0/24"] if broken == "address" else (),
    )[1]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(TOKENS))
def test_every_api_url_answers_every_token_as_the_table_says(request, world, kind):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=_make_api_token(request, world, kind))
    tables = _tables()
    before = _row_counts(tables)
    mismatches = []
    for name, row in sorted(API.items()):
        if not row.json:
            continue  # a page, not the API
        url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
        for method in ("GET", "POST"):
            expected = _api_expected(name, row, method, kind)
            try:
                with transaction.atomic():
                    response = client.get(url) if method == "GET" else client.post(url, {}, format="json")
                    got = outcome(response)
                    _close_file(response)
                    changed = {}
                    if method == "POST" and expected != row.let_in:
                        after = _row_counts(tables)
                        changed = {t: (before[t], after[t]) for t in tables if before[t] != after[t]}
                    transaction.set_rollback(True)
            except Exception as exc:  # a 500: report it with the others
                got, changed = f"raised {type(exc).__name__}: {exc}", {}
            if got != expected:
                mismatches.append(f"{method} {name} ({url}) as {kind}: expected {expected}, got {got}")
            if changed:
                mismatches.append(f"POST {name} as {kind} was refused but changed rows: {changed}")
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)
