"""Journey: a UNHCR partner officer, in Arabic, reads the dashboard (no names, small counts
suppressed), requests the UNHCR report as XLSX, waits for it and downloads it; an ANAPEC
officer is refused that file (issue 7, partner reports)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from reports.forms import REPORT_TITLES
from reports.models import ReportRun
from tests.browser.support import login, tr
from tests.factories.projects import AttendanceFactory, SessionFactory
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.browser

LANG = "ar"


def in_lang(obj, lang: str = LANG) -> str:
    with translation.override(lang):
        return str(obj)


def test_it_shows_a_unhcr_officer_a_suppressed_dashboard_and_a_report_anapec_cannot_download(
    page, shot, partner_unhcr, partner_anapec
):
    session = SessionFactory(date=datetime.date(2019, 4, 10))
    refugees = [
        RefugeeFactory(
            first_name_latin=first, last_name_latin=last, first_name_ar="سلمى", last_name_ar="الحلبي" + str(i)
        )
        for i, (first, last) in enumerate([("Zeinab", "Qattawi"), ("Yasmeen", "Haddadin"), ("Rawan", "Shaqoura")])
    ]
    for refugee in refugees:
        AttendanceFactory(session=session, refugee=refugee)

    # 1. The dashboard, in Arabic: no refugee's name anywhere, small counts shown as "<5".
    login(page, partner_unhcr, LANG)
    page.goto("/")
    page.get_by_role("link", name=tr("Dashboard", LANG), exact=True).first.click()
    expect(page.locator("main h1")).to_have_text(tr("Programme dashboard", LANG))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#funnel-table")).to_contain_text("<5")
    html = page.content()
    for refugee in refugees:
        for name in (refugee.first_name_latin, refugee.last_name_latin, refugee.first_name_ar, refugee.last_name_ar):
            assert name not in html, f"{name!r} shown on the partner dashboard"
    shot(page, "dashboard-ar", full_page=True)

    # 2. The UNHCR report, XLSX, requested through the form.
    page.get_by_role("link", name=tr("Reports", LANG), exact=True).first.click()
    page.locator("#id_code").select_option(label=in_lang(REPORT_TITLES["unhcr"]))
    page.locator("#id_start").fill("2018-02-01")
    page.locator("#id_end").fill("2020-01-31")
    page.locator("#id_format").select_option(value="xlsx")
    shot(page, "report-request")
    page.get_by_role("button", name=tr("Request", LANG), exact=True).click()

    # 3. It is prepared (eager Celery in tests) and the run page offers the download.
    expect(page.locator(".alert-success")).to_contain_text(tr("Your report is being prepared.", LANG))
    status = page.locator("#run-status")
    expect(status).to_contain_text(in_lang(ReportRun.Status.DONE.label), timeout=20_000)
    shot(page, "report-done")
    with page.expect_download() as info:
        page.get_by_role("link", name=tr("Download", LANG), exact=True).click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    path = download.path()
    with open(path, "rb") as fh:
        assert fh.read(2) == b"PK"  # an XLSX is a zip
    run = ReportRun.objects.get()
    assert run.code == "unhcr" and run.status == ReportRun.Status.DONE
    assert re.sub(r"^https?://[^/]+", "", page.url) == f"/reports/runs/{run.pk}/"

    # 4. An ANAPEC officer opening that run's download URL is refused.
    page.context.clear_cookies()
    login(page, partner_anapec, LANG)
    response = page.request.get(f"/reports/runs/{run.pk}/download/", max_redirects=0)
    assert response.status == 404, response.status  # out of the officer's scope: not even its existence
    assert response.headers.get("content-disposition") is None
    page.goto(f"/reports/runs/{run.pk}/download/")
    shot(page, "anapec-refused")
