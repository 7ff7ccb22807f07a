"""The facts switch: where the projects' first payment dates (and the survival visits)
are read from. Reports read the records; the dashboard, while the facts are current
(``reports.facts``), reads ``ProjectFacts`` inside ``from_project_facts()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Exists, Min, OuterRef, Q, QuerySet

from funding.models import Disbursement, Grant
from projects.models import BusinessProject
from reports.models import ProjectFacts

_use_project_facts: ContextVar[bool] = ContextVar("reports_use_project_facts", default=False)


@contextmanager
def from_project_facts() -> Iterator[None]:
    """Within this block, the projects' first payment dates come from ``ProjectFacts``
    (the dashboard, only while the facts are current: see ``reports.facts``) instead of
    a grouped pass over the whole ledger. Everything else is computed the same way."""
    token = _use_project_facts.set(True)
    try:
        yield
    finally:
        _use_project_facts.reset(token)


def using_project_facts() -> bool:
    """True inside ``from_project_facts()``."""
    return _use_project_facts.get()


@contextmanager
def without_parallel_workers() -> Iterator[None]:
    """Within this block PostgreSQL plans every query for one process (no Gather)."""
    if connection.vendor != "postgresql":
        yield
        return
    setting = "max_parallel_workers_per_gather"
    # A local setting, bounded by a transaction even in autocommit. Inside an outer
    # transaction it would outlive this block, so the value is put back on the way out (an
    # error rolls the block's savepoint back, and the setting with it).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s), set_config(%s, '0', true)", [setting, setting])
        before = cursor.fetchone()[0]
        yield
        cursor.execute("SELECT set_config(%s, %s, true)", [setting, before])


def _standing_payments(kind: str, as_of) -> QuerySet:
    """The approved payments of ``kind`` grants that still stand at ``as_of``: not fully
    reversed by an approved reversal dated on or before it (None: by any). A payment has
    at most one live reversal (``disbursement_one_live_reversal``), so a semi-join."""
    reversed_by = Disbursement.objects.filter(
        reverses=OuterRef("pk"), kind=Disbursement.Kind.REVERSAL, status=Disbursement.Status.APPROVED
    ).filter(amount__gte=OuterRef("amount"))
    if as_of is not None:
        reversed_by = reversed_by.filter(date__lte=as_of)
    return Disbursement.objects.filter(
        grant__kind=kind, kind=Disbursement.Kind.PAYMENT, status=Disbursement.Status.APPROVED
    ).exclude(Exists(reversed_by))


def _facts_columns(kind: str) -> tuple[str, str]:
    if kind == Grant.Kind.STARTUP:
        return "first_startup_payment", "startup_exact_from"
    return "first_reinforcement_payment", "reinforcement_exact_from"


def financed_facts_q(kind: str, start=None, end=None, *, as_of=None, prefix: str = "") -> Q:
    """On ``ProjectFacts`` (at ``prefix``): the projects financed in [start, end] as of
    ``as_of`` (default ``end``). A row's first standing payment is exact for every date on
    or after its latest full reversal (``*_exact_from``, null: none); for an earlier date
    the project's few payments are read from the ledger."""
    as_of = end if as_of is None else as_of
    column, exact = (f"{prefix}{c}" for c in _facts_columns(kind))
    known = Q(**{f"{column}__isnull": False})
    if start is not None:
        known &= Q(**{f"{column}__gte": start})
    if end is not None:
        known &= Q(**{f"{column}__lte": end})
    if as_of is None:
        return known
    settled = Q(**{f"{exact}__isnull": True}) | Q(**{f"{exact}__lte": as_of})
    unsettled = ProjectFacts.objects.filter(**{f"{_facts_columns(kind)[1]}__gt": as_of}).values("project")
    from_ledger = _first_standing(kind, start, end, as_of, projects=unsettled)
    return (settled & known) | Q(**{f"{exact}__gt": as_of, f"{prefix}project__in": from_ledger})


def _first_standing(kind: str, start, end, as_of, projects=None) -> QuerySet:
    payments = _standing_payments(kind, as_of)
    if projects is not None:
        payments = payments.filter(grant__project__in=projects)
    firsts = payments.values("grant__project").annotate(first=Min("date"))
    if start is not None:
        firsts = firsts.filter(first__gte=start)
    if end is not None:
        firsts = firsts.filter(first__lte=end)
    return firsts.values("grant__project")


def first_paid_between(kind: str, start=None, end=None, *, as_of=None) -> QuerySet:
    """Ids of the projects **financed** in [start, end] by a ``kind`` grant: their first
    approved payment that still stands at ``as_of`` (default: the period's end) is dated in
    the period. A payment stands unless an approved reversal dated on or before ``as_of``
    takes back all of it, so a project financed in the period has a net approved amount
    above zero at its end; one whose only payment was reversed within the period is not
    financed in it (reversed after the end, it is). One grouped pass over the ledger."""
    if using_project_facts():
        return ProjectFacts.objects.filter(financed_facts_q(kind, start, end, as_of=as_of)).values("project")
    return _first_standing(kind, start, end, end if as_of is None else as_of)


def financed_projects(start, end, kind: str = Grant.Kind.STARTUP, *, as_of=None) -> QuerySet:
    return BusinessProject.objects.filter(pk__in=first_paid_between(kind, start, end, as_of=as_of))
