"""The view log is complete: every page, file and admin screen that shows a person's
identifying data writes a view-log row (who, when, what, which page) for each person shown.

``SHOWS`` declares, for every URL of the app that shows people, whom it shows in the access
matrix's world (``tests/core/test_access_matrix.py``) and as what; ``SHOWS_NOBODY`` lists
every other URL. A URL in neither fails ``test_every_url_is_declared``, so a new page must
say whether it shows people. The Django admin is walked over HTTP for every registered model
holding personal data: its list, change, history, delete and past-version pages.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from core.models import PartnerOrganisation
from core.roles import Role
from refugees.models import Consent, DuplicateConfirmation, ProfileView, RefugeeNote
from refugees.viewlog import PersonalDataAdmin
from tests.core.test_access_matrix import ACCESS, committee_chair, world  # noqa: F401 - fixtures
from tests.core.urlwalk import all_urls
from tests.factories.core import make_user

pytestmark = pytest.mark.django_db
What = ProfileView.What

PM, CW, MEM = "manager", "caseworker", "committee_member"


def _refugee(w):
    return [w.refugee]


# URL name -> (who opens it, what it shows, world -> the people it must log, GET params)
SHOWS = {
    "refugees:list": (PM, What.LIST, _refugee, {}),
    "refugees:detail": (CW, What.PROFILE, _refugee, {}),
    "refugees:edit": (CW, What.FORM, _refugee, {}),
    "refugees:consent_add": (CW, What.FORM, _refugee, {}),
    "refugees:consent_withdraw": (CW, What.FORM, _refugee, {}),
    "refugees:document_upload": (CW, What.FORM, _refugee, {}),
    "refugees:document_download": (CW, What.DOCUMENT, _refugee, {}),
    "refugees:subject_export": (PM, What.EXPORT, _refugee, {}),
    "refugees:subject_print": (PM, What.EXPORT, _refugee, {}),
    "refugees:anonymise": (PM, What.FORM, _refugee, {}),
    "refugees:partner_export": (PM, What.EXPORT, _refugee, {}),  # w.refugee shares with UNHCR (below)
    "projects:session_detail": (CW, What.LIST, _refugee, {}),  # the attendance
    "projects:detail": (CW, What.LIST, lambda w: _members(w.agenda_project), {}),  # the members
    "projects:study_document": (CW, What.DOCUMENT, lambda w: _members(w.agenda_project), {}),
    "projects:item_detail": (MEM, What.LIST, lambda w: _members(w.agenda_project), {}),
    "funding:disbursement_receipt": (CW, What.DOCUMENT, lambda w: _members(w.financed), {}),
    "funding:visit_photo": (CW, What.DOCUMENT, lambda w: _members(w.financed), {}),
    "api:refugees": (PM, What.LIST, _refugee, {}),  # the API's list of profiles
    "api:refugee": (CW, What.PROFILE, _refugee, {}),
}

# Pages that show no person's identifying data (a list of projects, grants, sessions or
# sittings names no one; forms of a new record; the refusal-only and POST-only URLs, whose
# answer is a redirect to a page above).
SHOWS_NOBODY = {
    "home",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "healthz",
    "readyz",
    "todo",  # counts and links, no names
    "mfa_manage",  # the user's own second factor
    "mfa_setup",
    "mfa_verify",
    "mfa_recovery_codes",
    "mfa_passkey_name",
    "mfa_passkey_remove",
    "passkey_register_begin",
    "passkey_register_complete",
    "passkey_auth_begin",
    "passkey_auth_complete",
    "security_log",  # staff accounts and addresses, no person of concern
    "reminder_settings",
    # webhooks: endpoints and their delivery logs (ids, codes, statuses; no person)
    "webhooks:endpoint_list",
    "webhooks:endpoint_create",
    "webhooks:endpoint_detail",
    "webhooks:endpoint_edit",
    "webhooks:endpoint_secret",
    "webhooks:endpoint_delete",
    "webhooks:delivery_retry",
    "projects:member_picker",  # its results: test_the_member_picker_logs_the_people_it_finds
    "reports:disclosure",
    "refugees:create",  # a new profile; its duplicate warning: tests/refugees/test_view_log_lists.py
    "refugees:import",  # its preview's candidates: the same module
    "refugees:import_confirm",
    "refugees:partner_exports",
    "refugees:note_add",
    "refugees:document_delete",
    "projects:session_list",
    "projects:session_create",
    "projects:session_edit",
    "projects:attendance_add",
    "projects:attendance_register",  # a redirect; refused, the session page (logs its register)
    "projects:attendance_remove",
    "projects:list",
    "projects:create",
    "projects:edit",
    "projects:member_add",
    "projects:member_remove",
    "projects:member_shares",  # a redirect; refused, the project page (logs its members)
    "projects:budget_line_add",
    "projects:budget_line_remove",
    "projects:study_edit",
    "projects:cooperative_edit",
    "projects:submit",
    "projects:close",
    "projects:sitting_list",
    "projects:sitting_create",
    "projects:sitting_detail",
    "projects:sitting_attendance",
    "projects:agenda_picker",  # references, titles and offices of projects
    "projects:sitting_close",
    "projects:sitting_minutes",
    "projects:sitting_minutes_pdf",
    "projects:item_score",
    "projects:item_conflict",
    "projects:item_decision",
    "funding:grant_list",
    "funding:grant_create",
    "funding:project_picker",  # references, titles and offices of projects
    "funding:grant_detail",
    "funding:disbursement_create",
    "funding:disbursement_reverse",
    "funding:disbursement_approve",
    "funding:disbursement_reject",
    "funding:approval_queue",
    "funding:visits_due",
    "funding:visit_edit",
    "funding:visit_add_extra",
    "funding:agreement_list",
    "reports:run_list",
    "reports:run_detail",
    "reports:run_status",
    "reports:run_download",
    "reports:run_sign_off",
    "reports:dashboard",
    # the API: people appear by id only, except in the refugee endpoints above (and the
    # duplicates of a registration: tests/api/test_cases_write.py)
    "api_tokens",
    "api_token_create",
    "api_token_revoke",
    "api:schema",
    "api:docs",
    "api:redoc",
    "api:not_found",
    "api:partner_periods",
    "api:partner_indicators",
    "api:partner_definitions",
    "api:report_runs",
    "api:report_run",
    "api:report_run_file",
    "api:sessions",
    "api:session",
    "api:session_attendance",
    "api:projects",
    "api:project",
    "api:grants",
    "api:grant",
    "api:grant_disbursements",
    "api:disbursements",
    "api:disbursement",
    "api:visits",
    "api:visit",
    "api:visit_record",
}


def _members(project):
    return [m.refugee for m in project.members.select_related("refugee")]


def _logged(user, page: str, what: str) -> set[int]:
    return set(ProfileView.objects.filter(user=user, page=page, what=what).values_list("refugee_id", flat=True))


def _close(response) -> None:
    stream = getattr(response, "file_to_stream", None)
    if stream is not None:
        stream.close()


def test_every_url_is_declared():
    ours = {name for name, _url in all_urls() if not name.startswith("admin:")}
    assert SHOWS.keys().isdisjoint(SHOWS_NOBODY)
    assert not sorted(ours - SHOWS.keys() - SHOWS_NOBODY), "declare whether these pages show people"
    assert not sorted((SHOWS.keys() | SHOWS_NOBODY) - ours), "rows for URLs that no longer exist"


@pytest.mark.parametrize("name", sorted(SHOWS))
def test_it_logs_the_people_a_page_shows(request, client, world, name):  # noqa: F811
    who, what, people, params = SHOWS[name]
    user = request.getfixturevalue(who)
    Consent.objects.create(
        refugee=world.refugee,
        purpose=Consent.Purpose.SHARE_IDENTIFIABLE,
        partner=PartnerOrganisation.objects.get(code="unhcr"),
        given_on=world.consent.given_on,
        recorded_by=world.consent.recorded_by,
    )
    client.force_login(user)
    row = ACCESS[name]
    response = client.get(reverse(name, kwargs=row.kwargs(world) if row.kwargs else None), params)
    _close(response)
    assert response.status_code == 200
    expected = {p.pk for p in people(world)}
    assert expected
    assert expected <= _logged(user, name, what)


def test_the_attendance_search_logs_the_people_it_finds(client, world, caseworker):  # noqa: F811
    client.force_login(caseworker)
    url = reverse("projects:session_detail", kwargs={"pk": world.session.pk})
    response = client.get(url, {"q": world.newcomer.last_name_latin}, headers={"HX-Request": "true"})
    assert world.newcomer.last_name_latin in response.content.decode()
    assert world.newcomer.pk in _logged(caseworker, "projects:session_detail", What.LIST)


def test_the_member_picker_logs_the_people_it_finds(client, world, caseworker):  # noqa: F811
    client.force_login(caseworker)
    url = reverse("projects:member_picker", kwargs={"pk": world.draft.pk})
    response = client.get(url, {"q": world.newcomer.last_name_latin}, headers={"HX-Request": "true"})
    assert world.newcomer.last_name_latin in response.content.decode()
    assert world.newcomer.pk in _logged(caseworker, "projects:member_picker", What.LIST)


# --- the Django admin ---------------------------------------------------------------------
@pytest.fixture
def admin_manager(db, office_rabat):
    """An admin (IT) who is also a programme manager: the admin shows them people."""
    user = make_user(Role.ADMIN, username="it.manager", office=office_rabat)
    user.groups.add(Group.objects.get(name=Role.PROGRAMME_MANAGER))
    return user


def _personal_admins():
    admins = [(m, a) for m, a in admin.site._registry.items() if isinstance(a, PersonalDataAdmin)]
    return sorted(admins, key=lambda pair: pair[0]._meta.label)


def _admin_url(model, page: str, *args) -> tuple[str, str]:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
    return name, reverse(name, args=args)


def test_every_admin_of_a_model_naming_a_person_is_a_personal_data_admin():
    from refugees.models import Refugee

    for model, model_admin in admin.site._registry.items():
        names_a_person = model is Refugee or any(
            f.related_model is Refugee for f in model._meta.get_fields() if f.is_relation and not f.auto_created
        )
        if names_a_person:
            assert isinstance(model_admin, PersonalDataAdmin), model._meta.label


def test_it_logs_every_admin_page_that_shows_people(client, world, admin_manager, caseworker):  # noqa: F811
    note = RefugeeNote.objects.create(refugee=world.refugee, author=caseworker, text="seen")
    DuplicateConfirmation.objects.create(refugee=world.refugee, other=world.newcomer, confirmed_by=caseworker)
    ProfileView.objects.create(refugee=world.refugee, user=caseworker)
    client.force_login(admin_manager)
    missing = []
    for model, model_admin in _personal_admins():
        obj = model_admin.get_queryset(_request(admin_manager)).order_by("pk").first()
        name, url = _admin_url(model, "changelist")
        assert client.get(url).status_code == 200, name
        shown = model_admin.person_path and obj is not None
        if shown and getattr(obj, model_admin.person_path) not in _logged(admin_manager, name, What.LIST):
            missing.append(name)
        if obj is None:
            continue
        people = set(model_admin._people_of(obj))
        history = getattr(obj, "history", None)
        pages = [("change", obj.pk), ("history", obj.pk), ("delete", obj.pk)]
        if isinstance(model_admin, SimpleHistoryAdmin) and history.exists():
            pages.append(("simple_history", obj.pk, history.first().pk))
        for page, *args in pages:
            name, url = _admin_url(model, page, *args)
            response = client.get(url)
            assert response.status_code in (200, 403), name  # 403: no such permission (a delete)
            if response.status_code == 200 and people and not people <= _logged(admin_manager, name, What.ADMIN):
                missing.append(name)
    assert not missing, f"admin pages that showed people without a view-log row: {missing}"
    # the person's own pages, by name
    assert world.refugee.pk in _logged(admin_manager, "admin:refugees_refugee_change", What.ADMIN)
    assert world.refugee.pk in _logged(admin_manager, "admin:projects_session_change", What.ADMIN)
    assert note.refugee_id in _logged(admin_manager, "admin:refugees_refugeenote_history", What.ADMIN)


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
