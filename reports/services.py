"""Writes of the reports app: request a run, build it (the task's body, under a lease),
sign it off, schedule the quarterly runs, and reconcile the runs with the queue (send
again what Redis lost, take back what a dead worker held)."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import socket
import threading
import time
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import connections, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.access import require
from core.broker import tasks_held
from core.models import PartnerOrganisation, User
from core.roles import Role, has_role
from core.tasks import enqueue as send_task
from reports.access import can_request_report, can_sign_off
from reports.disclosure import calendar
from reports.disclosure.dashboard import warm_publications
from reports.disclosure.partners import check_period, publication_for
from reports.generators import reports
from reports.indicators.sources import shared_subresults
from reports.models import ReportRun
from reports.rendering import jsonable, render
from reports.webhooks import report_run_emit

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


def partner_publications_warm() -> int:
    """Each partner's publication of its latest complete period, computed into the cache if
    missing (``reports.disclosure.dashboard.warm_publications``); how many were computed."""
    return warm_publications()


def build_report_data(*, code: str, start, end, lang: str | None = None, partner: str | None = None):
    """Build one report's data (its only partner by default, in its default language)."""
    generator = reports[code]
    if partner is None and len(generator.audience) == 1:
        partner = generator.audience[0]
    lang = lang or generator.default_language
    source = None
    with shared_subresults():  # what many figures share is computed once for the whole build
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
    ``report_runs_reconcile`` (beat, every minute) sends it later, as does the next request
    whose own run reached the queue (one attempt per request: a broker down costs one).
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
    transaction.on_commit(lambda: enqueue(run.pk) and report_runs_requeue())
    return run


def enqueue(run_id: int) -> bool:
    """Send the build task to the broker; False (and nothing else) if it is down. The run
    is marked ``enqueued_at`` (with the message's id) only when the broker took it."""
    task_id = str(uuid.uuid4())
    if not send_task("reports.tasks.build_report_run", run_id, task_id=task_id):
        return False
    ReportRun.objects.filter(pk=run_id, enqueued_at__isnull=True).update(enqueued_at=timezone.now(), task_id=task_id)
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


def report_runs_reconcile(*, resend_after: datetime.timedelta = datetime.timedelta(minutes=1)) -> dict[str, int]:
    """Make the queue agree with the runs (beat, every minute); the database is the truth.

    1. A running run whose lease ran out (its worker died: no renewal) goes back to
       ``queued`` to be built again, or ``failed`` after ``REPORTS_RUN_MAX_ATTEMPTS``. A
       running run with no lease (built before leases) is judged by ``started_at`` and the
       task's time limit.
    2. A queued run sent more than ``resend_after`` ago whose message is no longer in Redis
       (restarted empty, flushed) is sent again. If Redis cannot be read, nothing is.
    3. A run never sent (the broker was down) is sent (``report_runs_requeue``).
    4. A scheduled run done without its partner officers' notice gets the notice sent.

    Idempotent, and safe beside running workers: a duplicate message finds the run done or
    held by a live lease and does nothing.
    """
    now = timezone.now()
    counts = {"reclaimed": 0, "failed": 0, "resent": 0, "sent": 0, "notified": 0}
    no_lease_limit = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    with transaction.atomic():
        expired = ReportRun.objects.select_for_update(skip_locked=True).filter(
            Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True, started_at__lt=no_lease_limit),
            status=ReportRun.Status.RUNNING,
        )
        for run in expired:
            log.warning("report run %s: the lease of %s ran out (attempt %s)", run.pk, run.lease_owner, run.attempts)
            if run.attempts >= settings.REPORTS_RUN_MAX_ATTEMPTS:
                run.status = ReportRun.Status.FAILED
                run.error = _("The report could not be built: it was interrupted %(count)s times.") % {
                    "count": run.attempts
                }
                run.finished_at = now
                counts["failed"] += 1
            else:
                run.status = ReportRun.Status.QUEUED
                run.enqueued_at = None
                run.task_id = ""
                counts["reclaimed"] += 1
            run.lease_expires_at = None
            run.save(update_fields=["status", "error", "finished_at", "enqueued_at", "task_id", "lease_expires_at"])
    waiting = dict(
        ReportRun.objects.filter(
            status=ReportRun.Status.QUEUED, enqueued_at__isnull=False, enqueued_at__lte=now - resend_after
        ).values_list("pk", "task_id")[:500]
    )
    held = tasks_held(waiting.values()) if waiting else set()
    if held is not None:
        for run_id, task_id in waiting.items():
            if task_id not in held:
                log.warning("report run %s: its message %s is gone from the queue", run_id, task_id or "-")
                counts["resent"] += ReportRun.objects.filter(
                    pk=run_id, status=ReportRun.Status.QUEUED, task_id=task_id
                ).update(enqueued_at=None, task_id="")
    counts["sent"] = report_runs_requeue()
    unnotified = ReportRun.objects.filter(
        scheduled=True,
        status=ReportRun.Status.DONE,
        partner__isnull=False,
        notified_at__isnull=True,
        finished_at__lte=now - datetime.timedelta(minutes=5),
        finished_at__gte=now - datetime.timedelta(days=7),
    ).values_list("pk", flat=True)[:100]
    for run_id in unnotified:
        if not send_task("reports.tasks.notify_partner_officers", run_id):
            break
        counts["notified"] += 1
    return counts


def _test_pause() -> None:
    """A test hook: tests that kill a worker mid-build set this to make the build slow."""
    delay = os.environ.get("SANAD_REPORTS_TEST_BUILD_DELAY")
    if delay and settings.SANAD_ENV == "test":
        time.sleep(float(delay))


def lease_owner() -> str:
    """Who builds: this host and process (a Celery pool process has its own pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _lease_until() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=settings.REPORTS_RUN_LEASE_SECONDS)


@contextmanager
def _lease_kept(run_id: int, owner: str):
    """Renew the run's lease every quarter of it while the build runs (its own thread and
    database connection). A worker killed stops renewing: the lease runs out and
    ``report_runs_reconcile`` takes the run back."""
    stop = threading.Event()
    every = max(settings.REPORTS_RUN_LEASE_SECONDS / 4, 0.2)

    def renew():
        try:
            while not stop.wait(every):
                ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.RUNNING, lease_owner=owner).update(
                    lease_expires_at=_lease_until()
                )
        except Exception:
            log.exception("report run %s: the lease could not be renewed", run_id)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=renew, name=f"report-run-{run_id}-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def report_run_build(*, run_id: int, owner: str | None = None) -> ReportRun:
    """Build a run's file (the task's body), under a lease.

    A done run is left alone, and so is a run another worker holds a live lease on (a
    duplicate message); otherwise this worker takes the lease, renews it while it builds,
    and the first build to finish stores the file (one name per run: one file remains).
    """
    owner = owner or lease_owner()
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.status == ReportRun.Status.DONE:
            return run
        held = run.lease_expires_at is not None and run.lease_expires_at > timezone.now()
        if run.status == ReportRun.Status.RUNNING and held and run.lease_owner != owner:
            log.info("report run %s is being built by %s: this message is a duplicate", run_id, run.lease_owner)
            return run
        run.status = ReportRun.Status.RUNNING
        run.started_at = timezone.now()
        run.attempts += 1
        run.error = ""
        run.lease_owner = owner
        run.lease_expires_at = _lease_until()
        run.save(update_fields=["status", "started_at", "attempts", "error", "lease_owner", "lease_expires_at"])
    try:
        with _lease_kept(run_id, owner):
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
        ReportRun.objects.filter(pk=run_id, lease_owner=owner).exclude(status=ReportRun.Status.DONE).update(
            status=ReportRun.Status.FAILED,
            error=_("The report could not be built: %(error)s") % {"error": str(exc)[:500]},
            finished_at=timezone.now(),
            lease_expires_at=None,
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
        run.lease_owner = owner
        run.lease_expires_at = None
        run.save()
        report_run_emit(run, "report_run.done")  # sent once this commits
    if run.scheduled:
        # A broker down delays this email only: the run is done and can be downloaded, and
        # report_runs_reconcile sends the notice later.
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
    report_run_emit(run, "report_run.signed_off")  # sent once this commits
    return run


RUNS_DUE_AFTER_DAYS = 5  # a period's partner reports are due from the 5th day after it ends


def report_runs_schedule_periods(*, today: datetime.date | None = None) -> list[ReportRun]:
    """Request every partner report for the partner's last complete period (a quarter, a
    year ... ``reports.disclosure.calendar``) that is missing, once due (from the 5th day
    after the period's end): beat calls it every hour, so a beat, broker or worker down
    that day delays the reports, never loses them; a second call does nothing."""
    today = today or timezone.localdate()
    created = []
    for generator in reports.all():
        for code in generator.audience:
            partner = PartnerOrganisation.objects.filter(code=code).first()
            if partner is None:
                continue
            period = calendar.latest_complete(calendar.granularity_of(code), today=today)
            start, end = period.start, period.end
            if (today - end).days < RUNS_DUE_AFTER_DAYS:
                continue
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
