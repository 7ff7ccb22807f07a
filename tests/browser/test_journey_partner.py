"""Journey: a UNHCR partner officer, in Arabic, reads the dashboard (no names, small counts
suppressed), requests the UNHCR report in Arabic as XLSX and as PDF, watches the run page
follow a real Celery worker's progress by itself, and downloads both files; an ANAPEC
officer is refused them (issue 7, partner reports)."""

from __future__ import annotations

import datetime
import re
from contextlib import ExitStack

import pytest
from django.utils import translation
from playwright.sync_api import expect

from reports.forms import REPORT_TITLES
from reports.models import ReportRun
from tests.browser.support import login, tr
from tests.factories.projects import AttendanceFactory, SessionFactory
from tests.factories.refugees import RefugeeFactory

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker]

LANG = "ar"
ARABIC = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
BUILD_TIMEOUT_MS = 90_000


def in_lang(obj, lang: str = LANG) -> str:
    with translation.override(lang):
        return str(obj)


@pytest.fixture
def report_worker(browser_server, settings):
    """A real Celery worker (solo pool, in a thread of this process) consuming the real
    Redis broker of this test process, started when the journey calls ``start()``: the
    first request waits in the queue, so the page shows it queued before it is built."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("This journey needs Redis: run it with `make test` (CELERY_BROKER_URL=redis://...).")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()
    with ExitStack() as stack:

        def start():
            stack.enter_context(
                start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING")
            )

        try:
            yield start
        finally:
            app.conf.task_always_eager = eager


def request_report(page, fmt: str) -> ReportRun:
    """Fill the request form (UNHCR report, the year 2019 of UNHCR's calendar, Arabic) and send it."""
    page.locator("#id_code").select_option(label=in_lang(REPORT_TITLES["unhcr"]))
    page.locator("#id_start").fill("2019-01-01")
    page.locator("#id_end").fill("2019-12-31")
    page.locator("#id_format").select_option(value=fmt)
    page.locator("#id_language").select_option(value="ar")
    page.get_by_role("button", name=tr("Request", LANG), exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text(tr("Your report is being prepared.", LANG))
    run = ReportRun.objects.get(format=fmt)
    assert re.sub(r"^https?://[^/]+", "", page.url) == f"/reports/runs/{run.pk}/"
    return run


def download(page, tmp_path, suffix: str):
    with page.expect_download() as info:
        page.get_by_role("link", name=tr("Download", LANG), exact=True).click()
    dl = info.value
    assert dl.suggested_filename.endswith(suffix), dl.suggested_filename
    path = tmp_path / dl.suggested_filename
    dl.save_as(path)
    return path


def test_it_shows_a_unhcr_officer_a_suppressed_dashboard_and_reports_anapec_cannot_download(
    page, shot, partner_unhcr, partner_anapec, report_worker, tmp_path
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
    # The partner's calendar: complete years only; the sessions were in 2019.
    page.locator("#id_period").select_option("2019")
    page.get_by_role("button", name=tr("Apply", LANG), exact=True).click()
    expect(page.locator("#funnel-table")).to_contain_text("<5")
    html = page.content()
    for refugee in refugees:
        for name in (refugee.first_name_latin, refugee.last_name_latin, refugee.first_name_ar, refugee.last_name_ar):
            assert name not in html, f"{name!r} shown on the partner dashboard"
    shot(page, "dashboard-ar", full_page=True)

    # 2. The UNHCR report as XLSX. No worker is running yet: the run waits in the queue,
    #    and its page says so and keeps asking for news by itself.
    page.get_by_role("link", name=tr("Reports", LANG), exact=True).first.click()
    shot(page, "report-request-form")
    polls = []
    page.on("request", lambda r: polls.append(r.url) if re.search(r"/reports/runs/\d+/status/$", r.url) else None)
    xlsx_run = request_report(page, "xlsx")
    expect(page.locator("#run-report")).to_have_text(in_lang(REPORT_TITLES["unhcr"]))
    status = page.locator("#run-status")
    expect(status).to_contain_text(in_lang(ReportRun.Status.QUEUED.label))
    expect(status).to_contain_text(tr("Being prepared: this page updates by itself.", LANG))
    shot(page, "xlsx-queued")

    # 3. The worker starts and builds it; the page follows without anyone reloading it.
    report_worker()
    download_link = page.get_by_role("link", name=tr("Download", LANG), exact=True)
    expect(download_link).to_be_visible(timeout=BUILD_TIMEOUT_MS)
    expect(page.locator("#run-status")).to_contain_text(in_lang(ReportRun.Status.DONE.label))
    assert polls, "the run page did not ask for its status by itself"
    shot(page, "xlsx-done")
    xlsx = download(page, tmp_path, ".xlsx")
    from openpyxl import load_workbook

    workbook = load_workbook(xlsx, read_only=True)
    cells = [str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
    assert cells and any(ARABIC.search(c) for c in cells), "the Arabic XLSX has no Arabic text"
    xlsx_run.refresh_from_db()
    assert xlsx_run.status == ReportRun.Status.DONE

    # 4. The same report as PDF, built by the running worker, then downloaded.
    page.locator("main .breadcrumb").get_by_role("link", name=tr("Reports", LANG)).click()
    pdf_run = request_report(page, "pdf")
    expect(page.get_by_role("link", name=tr("Download", LANG), exact=True)).to_be_visible(timeout=BUILD_TIMEOUT_MS)
    shot(page, "pdf-done")
    pdf = download(page, tmp_path, ".pdf")
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() or "" for p in PdfReader(pdf).pages)
    assert len(ARABIC.findall(text)) > 20, f"the Arabic PDF has no Arabic text: {text[:200]!r}"
    page.locator("main .breadcrumb").get_by_role("link", name=tr("Reports", LANG)).click()
    expect(page.locator("#runs tbody tr")).to_have_count(2)
    shot(page, "both-runs-listed")

    # 5. An ANAPEC officer opening those runs' download URLs is refused.
    page.context.clear_cookies()
    login(page, partner_anapec, LANG)
    for run in (xlsx_run, pdf_run):
        response = page.request.get(f"/reports/runs/{run.pk}/download/", max_redirects=0)
        assert response.status == 404, response.status  # out of the officer's scope: not even its existence
        assert response.headers.get("content-disposition") is None
    page.goto(f"/reports/runs/{pdf_run.pk}/download/")
    shot(page, "anapec-refused")
