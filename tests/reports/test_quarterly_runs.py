"""The schedule requests every partner report for its last complete period once and emails a link."""

import datetime

import pytest
from django.core import mail

from config.celery import app
from reports.models import ReportRun
from reports.services import report_runs_schedule_periods

pytestmark = pytest.mark.django_db


def test_it_asks_for_each_partner_s_last_complete_period(partner_unhcr, settings):
    settings.SANAD_PARTNER_PERIODS = {"unhcr": "quarter"}
    runs = report_runs_schedule_periods(today=datetime.date(2026, 4, 5))
    periods = {(r.code, r.partner.code): (r.period_start, r.period_end) for r in runs}
    assert periods[("unhcr", "unhcr")] == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert periods[("ministry", "ministry")] == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def test_it_is_in_the_beat_schedule():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"reports.tasks.schedule_quarterly_runs", "reports.tasks.reconcile_runs"} <= tasks


def test_it_requests_each_partner_report_once_and_emails_a_link(partner_unhcr, django_capture_on_commit_callbacks):
    partner_unhcr.email = "amina@unhcr.example"
    partner_unhcr.save()
    with django_capture_on_commit_callbacks(execute=True):
        runs = report_runs_schedule_periods(today=datetime.date(2026, 4, 5))
    codes = sorted((r.code, r.partner.code) for r in runs)
    assert ("unhcr", "unhcr") in codes and ("donor", "japan") in codes and ("ministry", "ministry") in codes
    assert all(r.scheduled for r in runs)
    assert report_runs_schedule_periods(today=datetime.date(2026, 4, 5)) == []
    unhcr = ReportRun.objects.get(code="unhcr")
    assert unhcr.status == "done"
    messages = [m for m in mail.outbox if "amina@unhcr.example" in m.to]
    assert len(messages) == 1
    assert f"/reports/runs/{unhcr.pk}/" in messages[0].body
    assert not messages[0].attachments
