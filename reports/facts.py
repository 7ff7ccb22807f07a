"""Derived facts the dashboard reads instead of the full ledger and the visits: per
project its first start-up and reinforcement payment dates, its Kaplan-Meier time and
event and its first done (operating) visit at 6, 12 and 24 months (``ProjectFacts``);
MAD paid and reversed per quarter, agreement, office and region (``LedgerQuarter``).

They are rebuilt as a whole, set-based, by ``facts_refresh`` (Celery task
``reports.tasks.refresh_facts``: every 10 minutes by beat, a no-op when current; 30 s after
a burst of writes when a worker runs the tasks; on demand when a dashboard load or the
partner home panel finds them out of date; at the end of ``seed_demo``). The refresh
stamps ``FactsState`` with the data version (``reports.caching``) read before it started.
The dashboard uses the facts only while that is still the current version, i.e. no
watched record was written since. Otherwise it computes from the records: a figure is
never stale, only slower until the next refresh.

The indicator registry (and so every report and ``build_report``) never reads them.
"""

from __future__ import annotations

import datetime
import logging

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from core.money import money
from funding.models import BusinessStatus, Disbursement, DisbursementAllocation, FollowUpVisit, Grant
from reports.caching import data_version
from reports.indicators import SURVIVAL_MONTHS
from reports.models import FactsState, LedgerQuarter, ProjectFacts

log = logging.getLogger(__name__)


def facts_state() -> FactsState | None:
    """The facts' state if they are those of the current data version, else None."""
    return FactsState.objects.filter(pk=1, data_version=data_version()).first()


def facts_refresh(*, force: bool = False) -> bool:
    """Rebuild the facts if they are not those of the current data version (idempotent:
    a second call with nothing written in between does nothing). Returns True if rebuilt."""
    version = data_version()
    with transaction.atomic():
        state, _ = FactsState.objects.select_for_update().get_or_create(pk=1)
        if state.data_version == version and not force:
            return False
        _rebuild_project_facts()
        _rebuild_ledger_quarters()
        state.data_version = version
        state.refreshed_at = timezone.now()
        state.save()
        if connection.vendor == "postgresql":
            # Fresh statistics for the rebuilt tables, or the planner guesses 500 rows for 40,000.
            with connection.cursor() as cur:
                cur.execute("ANALYZE reports_projectfacts, reports_ledgerquarter")
    log.info("reports facts rebuilt at data version %s", version)
    return True


def _rebuild_project_facts() -> None:
    payments = Q(kind=Disbursement.Kind.PAYMENT, status=Disbursement.Status.APPROVED)
    firsts = (
        Disbursement.objects.filter(payments)
        .values("grant__project")
        .annotate(
            startup=Min("date", filter=Q(grant__kind=Grant.Kind.STARTUP)),
            reinforcement=Min("date", filter=Q(grant__kind=Grant.Kind.REINFORCEMENT)),
        )
        .order_by()
    )
    sql, params = firsts.query.sql_with_params()
    ProjectFacts.objects.all().delete()
    with connection.cursor() as cur:
        # One INSERT ... SELECT: 40,000 rows at benchmark scale without a Python loop.
        cur.execute(
            # The table name comes from the model and the ORM's SQL binds every value.
            f"INSERT INTO {ProjectFacts._meta.db_table} "
            "(project_id, first_startup_payment, first_reinforcement_payment) " + sql,
            params,
        )
    visits = _km_visits().filter(project=OuterRef("project")).order_by().values("project")
    ProjectFacts.objects.update(
        km_failed_at=Subquery(
            visits.exclude(business_status=BusinessStatus.OPERATING).annotate(m=Min("months_after_funding")).values("m")
        ),
        km_seen_at=Subquery(visits.annotate(m=Max("months_after_funding")).values("m")),
        km_complete_from=Subquery(visits.annotate(m=Max("done_on")).values("m")),
    )
    firsts = {}
    for months in SURVIVAL_MONTHS:
        at = visits.filter(months_after_funding=months)
        firsts[f"visit_{months}m_done_on"] = Subquery(at.annotate(d=Min("done_on")).values("d"))
        firsts[f"visit_{months}m_operating_on"] = Subquery(
            at.filter(business_status=BusinessStatus.OPERATING).annotate(d=Min("done_on")).values("d")
        )
    ProjectFacts.objects.update(**firsts)


def _km_visits():
    return FollowUpVisit.objects.filter(status=FollowUpVisit.Status.DONE, months_after_funding__isnull=False)


def _rebuild_ledger_quarters() -> None:
    project = "disbursement__grant__project__"
    rows = (
        DisbursementAllocation.objects.filter(disbursement__status=Disbursement.Status.APPROVED)
        .annotate(quarter=TruncQuarter("disbursement__date"))
        .values("quarter", "agreement", f"{project}office", f"{project}region")
        .annotate(
            payments=Sum("amount_mad", filter=Q(disbursement__kind=Disbursement.Kind.PAYMENT)),
            reversals=Sum("amount_mad", filter=Q(disbursement__kind=Disbursement.Kind.REVERSAL)),
        )
        .order_by()
    )
    LedgerQuarter.objects.all().delete()
    LedgerQuarter.objects.bulk_create(
        [
            LedgerQuarter(
                quarter=_day(r["quarter"]),
                agreement_id=r["agreement"],
                office_id=r[f"{project}office"],
                region_id=r[f"{project}region"],
                payments_mad=money(r["payments"] or 0),
                reversals_mad=money(r["reversals"] or 0),
            )
            for r in rows
        ],
        batch_size=1000,
    )


def _day(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def facts_refresh_soon() -> None:
    """Ask for a refresh once per data version, after the current transaction commits."""
    version = data_version()
    if not cache.add(f"reports:facts-refresh-asked:{version}", 1, timeout=600):
        return

    transaction.on_commit(_send)


AFTER_WRITES_DELAY = 30  # seconds: one refresh for a burst of writes


def facts_refresh_after_writes() -> None:
    """After a write (with a Celery worker): one refresh, a little later, per burst."""
    if cache.add("reports:facts-refresh-after-writes", 1, timeout=AFTER_WRITES_DELAY):
        transaction.on_commit(lambda: _send(countdown=AFTER_WRITES_DELAY))


def _send(countdown: int = 0) -> None:
    from reports.tasks import refresh_facts

    try:
        refresh_facts.apply_async(retry=False, countdown=countdown)
    except Exception:  # the broker is down: beat or the next dashboard load refreshes them
        log.warning("reports facts refresh not queued (broker unavailable)")
