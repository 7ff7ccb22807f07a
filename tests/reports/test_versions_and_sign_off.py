"""Versions of a report for the same partner and period, and the sign-off rules."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports.models import ReportRun
from reports.services import report_run_request, report_run_sign_off
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db
S, E = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)


def request(by, code="programme", **kw):
    return report_run_request(code=code, start=S, end=E, fmt="json", language="en", by=by, **kw)


def test_it_numbers_versions_and_lists_what_changed(client_for, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = request(manager)
    for _ in range(6):
        RefugeeFactory(intake_date=datetime.date(2019, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        second = request(manager)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.figures["refugees_received"] == 0
    assert second.figures["refugees_received"] == 6
    page = client_for(manager).get(reverse("reports:run_detail", args=[second.pk])).content.decode()
    assert 'id="changes"' in page
    assert "Refugees received" in page


def test_it_freezes_a_signed_off_run(client_for, manager, manager2, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = request(manager)
    response = client_for(manager2).post(reverse("reports:run_sign_off", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.signed_off_by == manager2
    run.checksum = "0" * 64
    with pytest.raises(ValidationError):
        run.save()
    with pytest.raises(ValidationError):
        run.delete()
    with pytest.raises(ValidationError):
        report_run_sign_off(run=run, by=manager)
    # asking again makes version 2; version 1 is untouched
    with django_capture_on_commit_callbacks(execute=True):
        again = request(manager)
    assert again.version == 2
    assert ReportRun.objects.get(pk=run.pk).checksum != "0" * 64


def test_it_lets_only_managers_sign_off(client_for, manager, partner_unhcr, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = request(manager, code="unhcr")
    assert client_for(partner_unhcr).post(reverse("reports:run_sign_off", args=[run.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        report_run_sign_off(run=run, by=partner_unhcr)


def test_it_signs_off_only_a_finished_run(manager):
    run = ReportRun.objects.create(code="programme", period_start=S, period_end=E, status="running")
    with pytest.raises(ValidationError):
        report_run_sign_off(run=run, by=manager)
