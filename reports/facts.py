"""Derived facts the dashboard reads instead of the full ledger and the visits: per
project its financing dates (first start-up and reinforcement payment still standing,
and from when that is exact), its Kaplan-Meier time and event and its first done
(operating) visit at 6, 12 and 24 months (``ProjectFacts``); MAD paid and reversed, and
the projects making it, per quarter, agreement (donor) and the project's place: office,
region, city, lead member's sex, nationality and legal status (``LedgerQuarter``,
``LedgerUnits``, kept by ``reports.ledger_facts``).

They are kept equal to the committed records write by write, so the dashboard can use
them at every load, including the one right after a write:

* an approved allocation adds its amount (and its project, if it is new to that quarter
  and donor) in the transaction that writes it (a row per allocation's key; rows of a
  key add up, so concurrent writers never touch the same row);
* a payment or a reversal approved, or a visit saved or deleted, writes a
  ``FactsPending`` row for its project in the same transaction; ``facts_sync()``
  recomputes those projects' rows with the same SQL as the whole rebuild, under a
  per-project lock. It runs when the writing transaction commits, and before the
  dashboard reads the facts (so a load that comes between a commit and that sync still
  reads exact facts);
* a project whose place changes (moved, another lead, the lead's sex or nationality
  corrected) moves its ledger amounts and units with it.

``facts_refresh()`` rebuilds both tables whole, set-based: when they were never built
(``FactsState.refreshed_at`` is null: the dashboard computes from the records meanwhile and
asks for a build), after loads that bypass the ORM (``seed_demo``, the benchmark), and
every night (Celery beat ``reports-rebuild-facts``), which logs a warning if the facts it
replaces had drifted from the records, i.e. if a write bypassed the signals.

The indicator registry (and so every report and ``build_report``) never reads them.
"""

from __future__ import annotations

import datetime
import logging

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from core.tasks import enqueue as send_task
from funding.models import BusinessStatus, Disbursement, FollowUpVisit, Grant
from reports import ledger_facts
from reports.indicators import SURVIVAL_MONTHS
from reports.models import FactsPending, FactsState, LedgerQuarter, LedgerUnits, ProjectFacts

log = logging.getLogger(__name__)

TABLES = (ProjectFacts, LedgerQuarter, LedgerUnits, FactsPending)


def facts_current() -> FactsState | None:
    """The facts' state once they have been built, after the pending projects are
    recomputed: the facts then match every committed record. None if never built."""
    state = FactsState.objects.filter(pk=1, refreshed_at__isnull=False).first()
    if state is not None:
        facts_sync()
    return state


# -- the whole rebuild ---------------------------------------------------------------


def facts_refresh() -> dict[str, int]:
    """Rebuild both tables from the records. Returns how many project rows and ledger keys
    differed from what was there (0 and 0 when the incremental upkeep was exact)."""
    with transaction.atomic():
        FactsState.objects.select_for_update().get_or_create(pk=1)
        if connection.vendor == "postgresql":
            # Writers (ledger rows, pending projects) and dashboard loads wait for the
            # rebuild (~5 s at benchmark scale, at night) rather than see tables being
            # replaced; TRUNCATE then gives fresh files, with no dead rows for scans to read.
            names = ", ".join(m._meta.db_table for m in TABLES)  # the models' own table names
            with connection.cursor() as cur:
                cur.execute(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")
        before = _fingerprint() if _built() else None
        pending = set(FactsPending.objects.values_list("project_id", flat=True))  # not drift: not synced yet
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                # Foreign keys are checked at commit: rows written earlier in an enclosing
                # transaction (a test) would leave checks pending, which TRUNCATE refuses.
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute(f"TRUNCATE {names}")
                cur.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys, as they were
        else:
            for model in TABLES:
                model.objects.all().delete()
        _rebuild_project_facts()
        ledger_facts.ledger_add(ledger_facts.approved_allocations())
        ledger_facts.units_rebuild()
        FactsState.objects.filter(pk=1).update(refreshed_at=timezone.now())
        drift = _drift(before, _fingerprint(), pending) if before is not None else {"projects": 0, "ledger_keys": 0}
    if connection.vendor == "postgresql":
        # Fresh statistics (or the planner guesses 500 rows for 40,000) and, with VACUUM, the
        # visibility map that index-only scans need. VACUUM cannot run inside a transaction:
        # within one (a test), ANALYZE only.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cur:
            cur.execute(f"{command} reports_projectfacts, reports_ledgerquarter, reports_ledgerunits")
    if any(drift.values()):
        log.warning("reports facts had drifted from the records (a write bypassed the signals): %s", drift)
    log.info("reports facts rebuilt")
    return drift


def facts_ensure() -> bool:
    """Build the facts if they never were (idempotent). Returns True if it built them."""
    if _built():
        return False
    facts_refresh()
    return True


def facts_refresh_if_older(max_age: datetime.timedelta) -> dict[str, int] | None:
    """Rebuild whole if the last whole rebuild is older than ``max_age`` (the nightly one
    was missed: beat, the broker or the workers down at 03:20), else nothing (None)."""
    state = FactsState.objects.filter(pk=1).first()
    if state is not None and state.refreshed_at is not None and state.refreshed_at > timezone.now() - max_age:
        return None
    return facts_refresh()


def _built() -> bool:
    return FactsState.objects.filter(pk=1, refreshed_at__isnull=False).exists()


def _fingerprint() -> tuple[dict, dict]:
    rows = {r[0]: r for r in ProjectFacts.objects.values_list(*[f.attname for f in ProjectFacts._meta.concrete_fields])}
    place = ledger_facts.PLACE
    keys = ("quarter", "agreement", *place)
    sums = {
        tuple(r[k] for k in keys): (r["p"], r["r"])
        for r in LedgerQuarter.objects.values(*keys).annotate(p=Sum("payments_mad"), r=Sum("reversals_mad"))
        if r["p"] or r["r"]
    }
    unit_keys = ("quarter", "donor", *place)
    for r in LedgerUnits.objects.values(*unit_keys).annotate(n=Sum("units")):
        if r["n"]:
            sums[("units", *(r[k] for k in unit_keys))] = r["n"]
    return rows, sums


def _drift(before, after, pending: set) -> dict[str, int]:
    def differing(a: dict, b: dict, expected=frozenset()) -> int:
        return sum(1 for k in a.keys() | b.keys() if a.get(k) != b.get(k) and k not in expected)

    return {"projects": differing(before[0], after[0], pending), "ledger_keys": differing(before[1], after[1])}


# -- per project ---------------------------------------------------------------------


def _rebuild_project_facts(project_ids: list[int] | None = None) -> None:
    """The ``ProjectFacts`` rows of ``project_ids`` (all projects if None) from the records:
    one row per project with an approved start-up or reinforcement payment.

    One INSERT ... SELECT of two grouped passes, the payments and the done visits, joined
    per project (~3 s for 1,000,000 payments and 300,000 visits): each row is written whole,
    so no row version is left behind by an UPDATE for scans to read."""
    # Each approved payment with the date of the approved reversal that takes all of it
    # back, if any (at most one live reversal per payment): the first payment still
    # standing is the project's financing date for any period ending on or after its
    # latest such reversal (``*_exact_from``); earlier periods read the project's payments.
    reversed_on = Disbursement.objects.filter(
        reverses=OuterRef("pk"),
        kind=Disbursement.Kind.REVERSAL,
        status=Disbursement.Status.APPROVED,
        amount__gte=OuterRef("amount"),
    ).values("date")[:1]
    payments = Disbursement.objects.filter(
        kind=Disbursement.Kind.PAYMENT, status=Disbursement.Status.APPROVED
    ).annotate(_reversed_on=Subquery(reversed_on))
    visits = _km_visits()
    facts = ProjectFacts.objects.all()
    if project_ids is not None:
        payments = payments.filter(grant__project__in=project_ids)
        visits = visits.filter(project__in=project_ids)
        facts = facts.filter(project__in=project_ids)
    standing = Q(_reversed_on__isnull=True)
    startup, reinforcement = Q(grant__kind=Grant.Kind.STARTUP), Q(grant__kind=Grant.Kind.REINFORCEMENT)
    per_payment = {
        "first_startup_payment": Min("date", filter=startup & standing),
        "first_reinforcement_payment": Min("date", filter=reinforcement & standing),
        "startup_exact_from": Max("_reversed_on", filter=startup),
        "reinforcement_exact_from": Max("_reversed_on", filter=reinforcement),
    }
    firsts = payments.values(facts_project=F("grant__project")).annotate(**per_payment).order_by()
    operating = Q(business_status=BusinessStatus.OPERATING)
    per_visit = {
        # Kaplan-Meier over all its done visits: the month of the first one finding the
        # business not operating, of the last one, and the date of the latest.
        "km_failed_at": Min("months_after_funding", filter=~operating),
        "km_seen_at": Max("months_after_funding"),
        "km_complete_from": Max("done_on"),
    }
    for months in SURVIVAL_MONTHS:
        at = Q(months_after_funding=months)
        per_visit[f"visit_{months}m_done_on"] = Min("done_on", filter=at)
        per_visit[f"visit_{months}m_operating_on"] = Min("done_on", filter=at & operating)
    seen = visits.values(facts_project=F("project")).annotate(**per_visit).order_by()
    firsts_sql, firsts_params = firsts.query.sql_with_params()
    seen_sql, seen_params = seen.query.sql_with_params()
    columns = [*per_payment, *per_visit]
    facts.delete()
    with connection.cursor() as cur:
        # The table and column names come from the model; the ORM's SQL binds every value.
        cur.execute(
            f"INSERT INTO {ProjectFacts._meta.db_table} (project_id, {', '.join(columns)}) "  # noqa: S608
            f"SELECT f.facts_project, {', '.join(f'f.{c}' for c in per_payment)}, "
            f"{', '.join(f'v.{c}' for c in per_visit)} "
            f"FROM ({firsts_sql}) f LEFT JOIN ({seen_sql}) v ON v.facts_project = f.facts_project",
            [*firsts_params, *seen_params],
        )


def _km_visits():
    return FollowUpVisit.objects.filter(status=FollowUpVisit.Status.DONE, months_after_funding__isnull=False)


# The first key of the per-project advisory locks; the second is the project id
# (pg_advisory_xact_lock(int, int): ids under 2**31).
LOCK_SPACE = 7021


def facts_sync() -> int:
    """Recompute the rows of the pending projects. Each project is locked (a transaction
    advisory lock on PostgreSQL, in id order) while its pending rows are read, its facts
    recomputed and those pending rows deleted: two syncs of a project never interleave, and
    a change committed meanwhile leaves its own pending row for the next sync. Returns how
    many projects were recomputed."""
    if not FactsPending.objects.exists():
        return 0
    with transaction.atomic():
        project_ids = sorted(set(FactsPending.objects.values_list("project_id", flat=True)))
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                for project_id in project_ids:  # in id order: two syncs never wait on each other in a cycle
                    cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, project_id])
        pending = list(FactsPending.objects.filter(project_id__in=project_ids).values_list("pk", flat=True))
        if not pending:  # another sync did them while this one waited
            return 0
        _rebuild_project_facts(project_ids)
        FactsPending.objects.filter(pk__in=pending).delete()
    return len(project_ids)


def _project_changed(project_id: int | None) -> None:
    """Note the project as pending in the writing transaction, and sync it after the commit.
    Also before the facts are first built: a build that runs concurrently then either sees
    the write or leaves its pending row to be synced after it."""
    if project_id is None:
        return
    FactsPending.objects.create(project_id=project_id)
    pending = getattr(connection, "run_on_commit", None) or []
    if not any(entry[1] is _sync_after_commit for entry in pending):
        transaction.on_commit(_sync_after_commit)


def _sync_after_commit() -> None:
    try:
        facts_sync()
    except Exception:  # the write is committed: the next dashboard load syncs instead
        log.exception("reports facts: sync after a write failed; left pending")


# -- the signals -----------------------------------------------------------------------


def _on_disbursement_saved(sender, instance: Disbursement, **kwargs) -> None:
    if instance.status == Disbursement.Status.APPROVED:  # a payment, or a reversal moving the first one
        _project_changed(Grant.objects.filter(pk=instance.grant_id).values_list("project_id", flat=True).first())


def _on_visit_changed(sender, instance: FollowUpVisit, **kwargs) -> None:
    _project_changed(instance.project_id)


def connect_signals() -> None:
    uid = "reports-facts-"
    post_save.connect(_on_disbursement_saved, sender=Disbursement, dispatch_uid=f"{uid}disbursement")
    post_save.connect(_on_visit_changed, sender=FollowUpVisit, dispatch_uid=f"{uid}visit-save")
    post_delete.connect(_on_visit_changed, sender=FollowUpVisit, dispatch_uid=f"{uid}visit-delete")
    ledger_facts.connect_signals(uid)


# -- building them when they never were --------------------------------------------------


def facts_build_soon() -> None:
    """Ask a worker to build the facts (once per 10 minutes), after the current transaction."""
    if cache.add("reports:facts-build-asked", 1, timeout=600):
        transaction.on_commit(_send)


def _send() -> None:
    if not send_task("reports.tasks.build_facts"):
        # The broker is down (logged by send_task): beat or a later dashboard load asks again.
        cache.delete("reports:facts-build-asked")
