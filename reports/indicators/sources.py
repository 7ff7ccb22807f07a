"""The facts switch: where the projects' first payment dates (and the survival visits)
are read from. Reports read the records; the dashboard, while the facts are current
(``reports.facts``), reads ``ProjectFacts`` inside ``from_project_facts()``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.transaction import TransactionManagementError

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


# Shared sub-results ------------------------------------------------------------------------

_shared: ContextVar[dict | None] = ContextVar("reports_shared_subresults", default=None)
_names = itertools.count(1)


@contextmanager
def shared_subresults() -> Iterator[None]:
    """Within this block (one report build, one publication), a sub-result many figures
    share is computed from the records once, into a temporary table of the connection, and
    read from there by every figure of the block: the projects financed in a period (one
    grouped pass over the ledger instead of one per figure), and the latest visit of each
    of them (``reports.indicators.visits.latest_visits``). The table holds the rows the same
    statement would have given: the figures do not change, only how often the ledger is read.
    The tables are dropped on the way out. Nested blocks share the outermost one's tables.
    Not used inside ``from_project_facts()`` (the dashboard reads the facts instead)."""
    if _shared.get() is not None:
        yield
        return
    tables: dict = {}
    token = _shared.set(tables)
    try:
        yield
    finally:
        _shared.reset(token)
        _drop(name for name, _col in tables.values())


@contextmanager
def each_figure_on_its_own() -> Iterator[None]:
    """Within this block ``shared_subresults()`` shares nothing: every figure runs its own
    statements over the records (the portable path the shared one is tested against)."""
    token = _shared.set(False)
    try:
        yield
    finally:
        _shared.reset(token)


def sharing() -> bool:
    """True inside ``shared_subresults()`` (and not inside ``from_project_facts()``)."""
    return bool(_shared.get() is not None and _shared.get() is not False) and not using_project_facts()


def _drop(names) -> None:
    for name in names:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
        except (DatabaseError, TransactionManagementError):
            # A failed transaction rolls the table back with it (it was made in it) or the
            # session's end drops it: a temporary table is never seen by another connection.
            pass


def materialised(
    key: tuple, queryset: QuerySet, *, unique: int = 1, statistics: int | None = None
) -> tuple[str, list[str]] | None:
    """Inside ``shared_subresults()``: ``queryset``'s rows, kept once per ``key`` in a
    temporary table, unique on its first ``unique`` columns: (table, quoted column names).
    None outside. The planner's statistics are gathered for every column, or for the first
    ``statistics`` columns only (a table read by its key alone: ``ANALYZE`` of every text
    column of 40,000 rows costs more than the reads it would plan)."""
    if not sharing():
        return None
    tables = _shared.get()
    if key not in tables:
        name = f"reports_shared_{next(_names)}"
        # A table is a set: the model's default order would only sort the rows first.
        sql, params = queryset.order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {sql}", params)
            cursor.execute(f"SELECT * FROM {name} WHERE 1 = 0")  # noqa: S608 (a name made here)
            cols = [connection.ops.quote_name(d[0]) for d in cursor.description]
            cursor.execute(f"CREATE UNIQUE INDEX {name}_key ON {name} ({', '.join(cols[:unique])})")
            if connection.vendor == "postgresql":
                analysed = "" if statistics is None else f" ({', '.join(cols[:statistics])})"
                cursor.execute(f"ANALYZE {name}{analysed}")  # autovacuum never sees a temporary table
        tables[key] = (name, cols)
    return tables[key]


def shared(key: tuple, queryset: QuerySet, column: str) -> RawSQL | None:
    """Inside ``shared_subresults()``: the ``column`` of ``queryset``'s rows (distinct),
    kept once per ``key``, as a subquery for ``__in``; None outside."""
    kept = materialised(key, queryset.values(column))
    if kept is None:
        return None
    name, cols = kept
    return RawSQL(f"SELECT {cols[0]} FROM {name}", [])  # noqa: S608, S611 (names made here, no input)


def _shared_first_standing(kind: str, start, end, as_of) -> RawSQL | None:
    """Inside ``shared_subresults()``: the projects of ``_first_standing(kind, start, end,
    as_of)`` read from one table per ``as_of`` holding every project's first standing
    payment of each kind (one grouped pass over the ledger serves the period, the survival
    cut-offs and the reinforcements alike)."""
    # Per grant, its earliest standing payment, found by an index probe
    # (``disbursement_standing_payment``: a grant's approved payments by date) that reads
    # one entry or two, instead of a grouped pass over every payment of the ledger; then
    # per project and kind the earliest of its grants'. The same dates: a grant's first
    # standing payment is the minimum of its standing payments.
    first = _standing_payments(None, as_of).filter(grant=OuterRef("pk")).order_by("date").values("date")[:1]
    firsts = (
        Grant.objects.annotate(_first=Subquery(first))
        .values("project", "kind")
        .annotate(first=Min("_first"))
        .order_by()
    )
    # Every (project, kind) is kept, the never paid with no date: a ``HAVING MIN(...) IS NOT
    # NULL`` would make PostgreSQL run the correlated subquery twice per grant (once for
    # the filter), about as long again; the readers skip the empty dates instead.
    kept = materialised(("first_standing", as_of), firsts, unique=2)
    if kept is None:
        return None
    name, (project, kind_col, first) = kept
    where, params = [f"{kind_col} = %s", f"{first} IS NOT NULL"], [kind]
    if start is not None:
        where.append(f"{first} >= %s")
        params.append(connection.ops.adapt_datefield_value(start))
    if end is not None:
        where.append(f"{first} <= %s")
        params.append(connection.ops.adapt_datefield_value(end))
    return RawSQL(f"SELECT {project} FROM {name} WHERE {' AND '.join(where)}", params)  # noqa: S608, S611


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


def _standing_payments(kind: str | None, as_of) -> QuerySet:
    """The approved payments of ``kind`` grants (None: of every kind) that still stand at ``as_of``: not fully
    reversed by an approved reversal dated on or before it (None: by any). A payment has
    at most one live reversal (``disbursement_one_live_reversal``), so a semi-join."""
    reversed_by = Disbursement.objects.filter(
        reverses=OuterRef("pk"), kind=Disbursement.Kind.REVERSAL, status=Disbursement.Status.APPROVED
    ).filter(amount__gte=OuterRef("amount"))
    if as_of is not None:
        reversed_by = reversed_by.filter(date__lte=as_of)
    payments = Disbursement.objects.filter(kind=Disbursement.Kind.PAYMENT, status=Disbursement.Status.APPROVED)
    if kind is not None:
        payments = payments.filter(grant__kind=kind)
    return payments.exclude(Exists(reversed_by))


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
    as_of = end if as_of is None else as_of
    kept = _shared_first_standing(kind, start, end, as_of)
    return _first_standing(kind, start, end, as_of) if kept is None else kept


def financed_projects(start, end, kind: str = Grant.Kind.STARTUP, *, as_of=None) -> QuerySet:
    return BusinessProject.objects.filter(pk__in=first_paid_between(kind, start, end, as_of=as_of))
