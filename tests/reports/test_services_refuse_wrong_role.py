"""The reports' writing services refuse a wrong role themselves (``PermissionDenied``),
whoever calls them (a view, a shell, a task, the API), and change nothing.

Requesting a run: a programme manager any report, a partner officer the reports of their
own organisation. Signing a run off: programme managers only. (Building, requeueing and
notifying are the workers' own steps and take no user; the quarterly schedule requests
with ``by=None``.)
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from reports.models import ReportRun
from reports.services import report_run_request, report_run_sign_off
from tests.factories.core import partner
from tests.factories.reports import done_run

pytestmark = pytest.mark.django_db

START, END = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)
NOT_FOR_REPORTS = ["caseworker", "committee_member", "admin_user"]


def request(code, by, partner_code=None):
    return report_run_request(
        code=code,
        start=START,
        end=END,
        fmt="csv",
        language="en",
        by=by,
        partner=partner(partner_code) if partner_code else None,
    )


@pytest.mark.parametrize("who", NOT_FOR_REPORTS)
@pytest.mark.parametrize("code, partner_code", [("programme", None), ("unhcr", "unhcr")])
def test_it_refuses_a_request_from_a_role_without_reports(request_fixture, who, code, partner_code):
    user = request_fixture(who)
    with pytest.raises(PermissionDenied):
        request(code, user, partner_code)
    assert not ReportRun.objects.exists()


def test_it_refuses_a_partner_officer_the_report_of_another_organisation(partner_anapec):
    with pytest.raises(PermissionDenied):
        request("unhcr", partner_anapec, "unhcr")
    assert not ReportRun.objects.exists()


def test_it_refuses_a_partner_officer_the_internal_programme_report(partner_unhcr):
    with pytest.raises(PermissionDenied):
        request("programme", partner_unhcr)
    assert not ReportRun.objects.exists()


def test_it_lets_the_allowed_roles_request(manager, partner_unhcr, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert request("programme", manager).requested_by == manager
        assert request("unhcr", partner_unhcr, "unhcr").requested_by == partner_unhcr
    assert ReportRun.objects.count() == 2


@pytest.mark.parametrize("who", [*NOT_FOR_REPORTS, "partner_unhcr", "partner_anapec"])
def test_it_refuses_a_sign_off_by_anyone_but_a_manager(request_fixture, who):
    run = done_run("unhcr", checksum="0" * 64)
    with pytest.raises(PermissionDenied):
        report_run_sign_off(run=run, by=request_fixture(who))
    run.refresh_from_db()
    assert (run.signed_off_by, run.signed_off_at) == (None, None)


def test_it_lets_a_manager_sign_off(manager):
    run = report_run_sign_off(run=done_run("unhcr", checksum="0" * 64), by=manager)
    assert run.signed_off_by == manager


@pytest.fixture
def request_fixture(request):
    """``request_fixture(name)``: the conftest user fixture of that name."""
    return request.getfixturevalue
