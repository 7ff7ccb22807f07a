"""The report runs' webhook events (``core.webhooks``): ``report_run.done`` when a build
finishes, ``report_run.signed_off`` when a manager signs a run off. Sent to the programme's
endpoints and to those of the run's partner organisation only.

The data is the run's ids, codes, dates, status and links (``core.webhooks.events``'s
allow-list): no figure, no person. Called inside the transaction that changes the run.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from core.webhooks.events import event_emit
from reports.models import ReportRun


def _when(value) -> str | None:
    return value.isoformat() if value else None


def report_run_data(run: ReportRun) -> dict:
    site = settings.SITE_URL.rstrip("/")
    return {
        "id": run.pk,
        "organisation": run.partner.code if run.partner_id else None,
        "report": run.code,
        "period_start": run.period_start.isoformat(),
        "period_end": run.period_end.isoformat(),
        "version": run.version,
        "format": run.format,
        "language": run.language,
        "status": run.status,
        "requested_at": _when(run.requested_at),
        "finished_at": _when(run.finished_at),
        "signed_off_at": _when(run.signed_off_at),
        "url": site + reverse("reports:run_detail", args=[run.pk]),
        "file_url": site + reverse("reports:run_download", args=[run.pk]) if run.status == run.Status.DONE else None,
    }


def report_run_emit(run: ReportRun, kind: str) -> None:
    event_emit(kind=kind, key=f"{kind}:{run.pk}", data=report_run_data(run), partner_id=run.partner_id)
