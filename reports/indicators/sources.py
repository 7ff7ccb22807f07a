"""The facts switch: where the projects' first payment dates (and the survival visits)
are read from. Reports read the records; the dashboard, while the facts are current
(``reports.facts``), reads ``ProjectFacts`` inside ``from_project_facts()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Min, QuerySet

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


def first_paid_between(kind: str, start=None, end=None) -> QuerySet:
    """Ids of the projects whose first approved payment of a ``kind`` grant is dated in
    [start, end] (one grouped pass over the ledger, not a lookup per project)."""
    if using_project_facts():
        column = "first_startup_payment" if kind == Grant.Kind.STARTUP else "first_reinforcement_payment"
        facts = ProjectFacts.objects.filter(**{f"{column}__isnull": False})
        if start is not None:
            facts = facts.filter(**{f"{column}__gte": start})
        if end is not None:
            facts = facts.filter(**{f"{column}__lte": end})
        return facts.values("project")
    firsts = (
        Disbursement.objects.filter(
            grant__kind=kind, kind=Disbursement.Kind.PAYMENT, status=Disbursement.Status.APPROVED
        )
        .values("grant__project")
        .annotate(first=Min("date"))
    )
    if start is not None:
        firsts = firsts.filter(first__gte=start)
    if end is not None:
        firsts = firsts.filter(first__lte=end)
    return firsts.values("grant__project")


def financed_projects(start, end, kind: str = Grant.Kind.STARTUP) -> QuerySet:
    return BusinessProject.objects.filter(pk__in=first_paid_between(kind, start, end))
