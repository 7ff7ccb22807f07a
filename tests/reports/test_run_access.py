"""Who may request, see and download report runs."""

import datetime

import pytest
from django.urls import reverse

from reports.models import ReportRun
from reports.services import report_run_build
from tests.factories.core import make_user
from tests.factories.reports import done_run

pytestmark = pytest.mark.django_db


def request_payload(**kw):
    data = {"code": "unhcr", "start": "2019-01-01", "end": "2019-12-31", "format": "csv", "language": "en"}
    data.update(kw)
    return data


def test_it_lets_a_manager_request_any_report_and_builds_it(client_for, manager, django_capture_on_commit_callbacks):
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:run_list"), request_payload(code="programme"))
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run_detail", args=[run.pk])
    run.refresh_from_db()
    assert run.status == "done"  # eager Celery in tests
    assert run.requested_by == manager
    assert len(run.checksum) == 64
    download = client.get(reverse("reports:run_download", args=[run.pk]))
    assert download.status_code == 200
    assert b"Programme report" in b"".join(download.streaming_content)


def test_it_lets_a_partner_officer_request_their_own_report_only(client_for, partner_anapec):
    client = client_for(partner_anapec)
    assert client.post(reverse("reports:run_list"), request_payload(code="anapec")).status_code == 302
    assert ReportRun.objects.get().partner.code == "anapec"
    response = client.post(reverse("reports:run_list"), request_payload(code="unhcr"))
    assert response.status_code == 200  # the form refuses: not a choice for ANAPEC
    assert ReportRun.objects.count() == 1


def test_it_refuses_caseworkers_and_committee_members(client_for, caseworker, committee_member):
    for user in (caseworker, committee_member):
        client = client_for(user)
        assert client.get(reverse("reports:run_list")).status_code == 403
        assert client.post(reverse("reports:run_list"), request_payload(code="programme")).status_code == 403
        assert client.get(reverse("reports:dashboard")).status_code == 403


def test_it_keeps_partner_officers_to_their_organisation(client_for, partner_anapec, partner_unhcr, manager):
    unhcr_run = report_run_build(run_id=done_run("unhcr", status="queued").pk)
    anapec_run = report_run_build(run_id=done_run("anapec", status="queued").pk)
    client = client_for(partner_anapec)
    assert client.get(reverse("reports:run_download", args=[unhcr_run.pk])).status_code == 404
    assert client.get(reverse("reports:run_detail", args=[unhcr_run.pk])).status_code == 404
    assert client.get(reverse("reports:run_download", args=[anapec_run.pk])).status_code == 200
    listing = client.get(reverse("reports:run_list")).content.decode()
    assert reverse("reports:run_detail", args=[anapec_run.pk]) in listing
    assert reverse("reports:run_detail", args=[unhcr_run.pk]) not in listing
    client = client_for(partner_unhcr)
    assert client.get(reverse("reports:run_download", args=[unhcr_run.pk])).status_code == 200
    client = client_for(manager)
    assert client.get(reverse("reports:run_download", args=[anapec_run.pk])).status_code == 200


def test_it_never_shows_the_internal_report_to_a_partner(client_for, partner_unhcr):
    run = done_run("programme")
    assert client_for(partner_unhcr).get(reverse("reports:run_detail", args=[run.pk])).status_code == 404


def test_it_polls_the_status_until_done(client_for, manager):
    run = done_run("unhcr", status="running")
    client = client_for(manager)
    fragment = client.get(reverse("reports:run_status", args=[run.pk]))
    assert "hx-get" in fragment.content.decode()
    ReportRun.objects.filter(pk=run.pk).update(status="done")
    fragment = client.get(reverse("reports:run_status", args=[run.pk]))
    assert fragment["HX-Refresh"] == "true"


def test_it_pages_the_runs_with_constant_queries(client_for, manager, django_assert_max_num_queries):
    for n in range(30):
        done_run("unhcr", start=datetime.date(2019, 1, 1) + datetime.timedelta(days=n))
    client = client_for(manager)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:run_list")).status_code == 200


def test_it_shows_a_readable_error_when_a_build_fails(manager):
    run = done_run("donor", partner_code="unhcr", status="queued")  # not a donor
    run = report_run_build(run_id=run.pk)
    assert run.status == "failed"
    assert "eu, monaco" in run.error  # the reason, in the run's language


def test_it_refuses_partner_officers_without_an_organisation(client_for):
    from core.roles import Role

    orphan = make_user(Role.PARTNER_OFFICER, username="orphan")
    assert client_for(orphan).get(reverse("reports:run_list")).status_code == 403
