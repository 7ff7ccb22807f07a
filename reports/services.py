"""Writes of the reports app: request a run, build it (the task's body), sign it off,
schedule the quarterly runs, put runs that never reached the queue back on it."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.access import require
from core.models import PartnerOrganisation, User
from core.roles import Role, has_role
from core.tasks import enqueue as send_task
from reports.access import can_request_report, can_sign_off
from reports.disclosure import calendar
from reports.disclosure.partners import check_period, publication_for
from reports.generators import reports
from reports.models import ReportRun
from reports.rendering import jsonable, render

log = logging.getLogger(__name__)


def build_report_bytes(
    *,
    code: str,
    start: datetime.date,
    end: datetime.date,
    fmt: str,
    lang: str | None = None,
    partner: str | None = None,
) -> bytes:
    """Build one report and return the file's bytes (the command and the task share it)."""
    data = build_report_data(code=code, start=start, end=end, lang=lang, partner=partner)
    with translation.override(data.lang):
        return render(data, fmt)


def build_report_data(*, code: str, start, end, lang: str | None = None, partner: str | None = None):
    """Build one report's data (its only partner by default, in its default language)."""
    generator = reports[code]
    if partner is None and len(generator.audience) == 1:
        partner = generator.audience[0]
    lang = lang or generator.default_language
    source = None
    if not generator.internal:
        # Every partner figure comes from the partner's whole publication (its dashboard,
        # home panel and every report meant for it), protected as one linked set.
        source = publication_for(PartnerOrganisation.objects.get(code=partner), start, end)
    with translation.override(lang):
        return generator.build(start, end, partner=partner, lang=lang, source=source)


@transaction.atomic
def report_run_request(
    *,
    code: str,
    start: datetime.date,
    end: datetime.date,
    fmt: str,
    language: str,
    by: User | None,
    partner: PartnerOrganisation | None = None,
    scheduled: bool = False,
) -> ReportRun:
    """Record a request and enqueue its build once the transaction commits.

    ``by`` must be allowed to ask for it (``access.can_request_report``, else
    ``PermissionDenied``); ``by=None`` is the quarterly schedule (beat), no one's request.

    If the queue is unreachable the run stays ``queued`` with no ``enqueued_at``;
    ``report_runs_requeue`` (beat, and every new request) sends it later.
    """
    if code not in reports:
        raise ValidationError(_("Unknown report."))
    generator = reports[code]
    if partner is None and len(generator.audience) == 1:
        partner = PartnerOrganisation.objects.get(code=generator.audience[0])
    if generator.audience and (partner is None or partner.code not in generator.audience):
        raise ValidationError(_("This report is not meant for that partner."))
    if not generator.audience and partner is not None:
        raise ValidationError(_("This internal report has no partner."))
    if by is not None:
        require(can_request_report(by, code, partner))
    if end < start:
        raise ValidationError(_("The period ends before it starts."))
    if partner is not None:
        check_period(partner, start, end)
    # Lock the versions of this report and period so two requests get two numbers.
    same = ReportRun.objects.select_for_update().filter(code=code, partner=partner, period_start=start, period_end=end)
    version = (same.aggregate(v=Max("version"))["v"] or 0) + 1
    run = ReportRun.objects.create(
        code=code,
        partner=partner,
        period_start=start,
        period_end=end,
        format=fmt,
        language=language,
        version=version,
        requested_by=by,
        scheduled=scheduled,
    )
    transaction.on_commit(lambda: enqueue(run.pk))
    transaction.on_commit(report_runs_requeue)
    return run


def enqueue(run_id: int) -> bool:
    """Send the build task to the broker; False (and nothing else) if it is down. The run
    is marked ``enqueued_at`` only when the broker took it."""
    if not send_task("reports.tasks.build_report_run", run_id):
        return False
    ReportRun.objects.filter(pk=run_id, enqueued_at__isnull=True).update(enqueued_at=timezone.now())
    return True


def report_runs_requeue(*, older_than: datetime.timedelta = datetime.timedelta(0)) -> int:
    """Enqueue the queued runs that never reached the broker. Returns how many were sent."""
    limit = timezone.now() - older_than
    pending = ReportRun.objects.filter(
        status=ReportRun.Status.QUEUED, enqueued_at__isnull=True, requested_at__lte=limit
    )
    sent = 0
    for run_id in pending.values_list("pk", flat=True)[:100]:
        if not enqueue(run_id):
            break
        sent += 1
    return sent


def _test_pause() -> None:
    """A test hook: tests that kill a worker mid-build set this to make the build slow."""
    delay = os.environ.get("SANAD_REPORTS_TEST_BUILD_DELAY")
    if delay and settings.SANAD_ENV == "test":
        time.sleep(float(delay))


def report_run_build(*, run_id: int) -> ReportRun:
    """Build a run's file (the task's body). A done run is left alone; a second build
    (a redelivered task) replaces the file under the same name, so one file remains."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.status == ReportRun.Status.DONE:
            return run
        run.status = ReportRun.Status.RUNNING
        run.started_at = timezone.now()
        run.attempts += 1
        run.error = ""
        run.save(update_fields=["status", "started_at", "attempts", "error"])
    try:
        data = build_report_data(
            code=run.code,
            start=run.period_start,
            end=run.period_end,
            lang=run.language,
            partner=run.partner.code if run.partner_id else None,
        )
        with translation.override(run.language):
            content = render(data, run.format)
        _test_pause()
    except Exception as exc:
        log.exception("report run %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).exclude(status=ReportRun.Status.DONE).update(
            status=ReportRun.Status.FAILED,
            error=_("The report could not be built: %(error)s") % {"error": str(exc)[:500]},
            finished_at=timezone.now(),
        )
        return ReportRun.objects.get(pk=run_id)
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.status == ReportRun.Status.DONE:
            return run
        name = f"reports/{run.pk}/{run.download_name()}"
        storage = run.file.storage
        if storage.exists(name):
            storage.delete(name)
        run.file.save(name, ContentFile(content), save=False)
        run.checksum = hashlib.sha256(content).hexdigest()
        run.figures = jsonable(data.figures)  # Decimal kept as its exact string
        run.status = ReportRun.Status.DONE
        run.finished_at = timezone.now()
        run.save()
    if run.scheduled:
        # A broker down loses this email only: the run is done and can be downloaded.
        transaction.on_commit(lambda: send_task("reports.tasks.notify_partner_officers", run.pk))
    return run


@transaction.atomic
def report_run_sign_off(*, run: ReportRun, by: User) -> ReportRun:
    """Freeze a done run (``PermissionDenied`` unless ``access.can_sign_off``)."""
    require(can_sign_off(by, run))
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if run.is_signed_off:
        raise ValidationError(_("This report is already signed off."))
    if run.status != ReportRun.Status.DONE:
        raise ValidationError(_("Only a finished report can be signed off."))
    run.signed_off_by = by
    run.signed_off_at = timezone.now()
    run.save(update_fields=["signed_off_by", "signed_off_at"])
    return run


def report_runs_schedule_periods(*, today: datetime.date | None = None) -> list[ReportRun]:
    """Request every partner report for the partner's last complete period (a quarter, a
    year ... ``reports.disclosure.calendar``), once: a second call does nothing."""
    today = today or timezone.localdate()
    created = []
    for generator in reports.all():
        for code in generator.audience:
            partner = PartnerOrganisation.objects.filter(code=code).first()
            if partner is None:
                continue
            period = calendar.latest_complete(calendar.granularity_of(code), today=today)
            start, end = period.start, period.end
            if ReportRun.objects.filter(
                code=generator.code, partner=partner, period_start=start, period_end=end
            ).exists():
                continue
            created.append(
                report_run_request(
                    code=generator.code,
                    start=start,
                    end=end,
                    fmt=ReportRun.Format.XLSX,
                    language=generator.default_language,
                    by=None,
                    partner=partner,
                    scheduled=True,
                )
            )
    return created


def report_run_notify(*, run_id: int) -> int:
    """Email the partner's officers a link to the finished run (no attachment). Once."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.notified_at or run.status != ReportRun.Status.DONE or not run.partner_id:
            return 0
        officers = [
            u
            for u in User.objects.filter(partner_organisation=run.partner, is_active=True).exclude(email="")
            if has_role(u, Role.PARTNER_OFFICER)
        ]
        link = getattr(settings, "SITE_URL", "") + reverse("reports:run_detail", args=[run.pk])
        for user in officers:
            with translation.override(run.language):
                send_mail(
                    subject=_("Sanad: your report for %(start)s – %(end)s is ready")
                    % {"start": run.period_start, "end": run.period_end},
                    message=_("Hello,\n\nA new report is ready. Sign in to Sanad to download it:\n%(link)s\n")
                    % {"link": link},
                    from_email=None,
                    recipient_list=[user.email],
                )
        ReportRun.objects.filter(pk=run.pk).update(notified_at=timezone.now())
        return len(officers)
