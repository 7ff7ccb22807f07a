"""The ledger's derived facts (``LedgerQuarter``, ``LedgerUnits``): MAD paid and reversed,
and the number of projects making it, per quarter and the project's *place*: its office,
region and city and its lead member's sex, nationality and legal status, the dimensions
the dashboard filters the money series by without reading every allocation.

* an approved allocation adds its amount to ``LedgerQuarter`` (under its agreement) and,
  if it makes its project's net amount of that quarter and donor become (or stop being)
  non-zero, one project (or minus one) to ``LedgerUnits``, in the transaction that writes
  it; rows of a key add up, so concurrent writers never update the same row;
* a project whose place changes (moved to another office, region or city; another lead
  member; its lead's sex, nationality or legal status corrected) takes its amounts and
  its units along: minus under the old place, plus under the new one.

Approvals and place changes of one project are serialised by a lock on its row, so an
amount is filed under the place the project has when it commits and two approvals of
one project never both count it as a new unit. ``ledger_refresh()`` rebuilds both
tables (``reports.facts.facts_refresh``).
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Case, DecimalField, F, FilteredRelation, Q, Sum, When
from django.db.models.functions import TruncQuarter
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from core.money import money
from funding.models import Disbursement, DisbursementAllocation
from projects.models import BusinessProject, ProjectMember
from refugees.models import Refugee
from reports.models import LedgerQuarter, LedgerUnits

# A place: the project's own (office, region, city) and its lead member's attributes.
PLACE = ("office_id", "region_id", "city_id", "lead_sex", "lead_nationality", "lead_legal_status")
LEAD = {"lead_sex": "sex", "lead_nationality": "nationality", "lead_legal_status": "legal_status"}
ALLOCATION_PROJECT = "disbursement__grant__project"


def _with_place(qs, project: str):
    """``qs`` annotated with the place of the project at ``project`` (a path, "" for the
    project itself): its lead through one LEFT JOIN (one lead per project, a constraint)."""
    path = f"{project}__" if project else ""
    qs = qs.annotate(_lead=FilteredRelation(f"{path}members", condition=Q(**{f"{path}members__is_lead": True})))
    return qs.annotate(
        _office=F(f"{path}office"),
        _region=F(f"{path}region"),
        _city=F(f"{path}city"),
        **{f"_{key}": F(f"_lead__refugee__{attr}") for key, attr in LEAD.items()},
    )


PLACE_NAMES = ("_office", "_region", "_city", *(f"_{k}" for k in LEAD))


def _place_of(row: dict) -> tuple:
    return tuple(row[name] for name in PLACE_NAMES)


def project_places(project_ids) -> dict[int, tuple]:
    rows = _with_place(BusinessProject.objects.filter(pk__in=list(project_ids)), "").values("pk", *PLACE_NAMES)
    return {r["pk"]: _place_of(r) for r in rows}


def approved_allocations():
    return DisbursementAllocation.objects.filter(disbursement__status=Disbursement.Status.APPROVED)


def signed_mad():
    """Payments minus reversals, in MAD."""
    return Sum(
        Case(
            When(disbursement__kind=Disbursement.Kind.REVERSAL, then=-F("amount_mad")),
            default=F("amount_mad"),
            output_field=DecimalField(max_digits=18, decimal_places=2),
        )
    )


def _day(value) -> datetime.date:
    if isinstance(value, str):  # SQLite, through raw SQL
        return datetime.date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime.datetime) else value


# -- amounts -------------------------------------------------------------------------------


def ledger_add(allocations, *, sign: int = 1, place: tuple | None = None) -> None:
    """Add (``sign`` -1: take away) these allocations' MAD to ``LedgerQuarter``, one row per
    (quarter, agreement, place); with ``place``, under it instead of their project's."""
    rows = (
        _with_place(allocations.annotate(quarter=TruncQuarter("disbursement__date")), ALLOCATION_PROJECT)
        .values("quarter", "agreement", *PLACE_NAMES)
        .annotate(
            payments=Sum("amount_mad", filter=Q(disbursement__kind=Disbursement.Kind.PAYMENT)),
            reversals=Sum("amount_mad", filter=Q(disbursement__kind=Disbursement.Kind.REVERSAL)),
        )
        .order_by()
    )
    LedgerQuarter.objects.bulk_create(
        [
            LedgerQuarter(
                quarter=_day(r["quarter"]),
                agreement_id=r["agreement"],
                **dict(zip(PLACE, place or _place_of(r), strict=True)),
                payments_mad=sign * money(r["payments"] or 0),
                reversals_mad=sign * money(r["reversals"] or 0),
            )
            for r in rows
        ],
        batch_size=1000,
    )


# -- units: projects whose allocations of a (quarter, donor) do not net to zero ---------------


def _cells_sql(allocations) -> tuple[str, list]:
    """SQL of one row per (quarter, donor, project, place) whose net MAD is not zero."""
    per_project = (
        _with_place(allocations.annotate(quarter=TruncQuarter("disbursement__date")), ALLOCATION_PROJECT)
        .values("quarter", "agreement__donor", ALLOCATION_PROJECT, *PLACE_NAMES)
        .annotate(net=signed_mad())
        .filter(~Q(net=0))
        .order_by()
    )
    return per_project.query.sql_with_params()


def units_rebuild() -> None:
    """``LedgerUnits`` from the allocations: per (quarter, donor, place) the projects whose
    approved allocations there do not net to zero."""
    sql, params = _cells_sql(approved_allocations())
    places = ", ".join(f"c.{name}" for name in PLACE_NAMES)
    with connection.cursor() as cur:
        # The ORM's own SQL (every value bound as a parameter), counted per cell and place.
        cur.execute(
            f"SELECT c.quarter, c.agreement__donor, {places}, COUNT(*) FROM ({sql}) c "  # noqa: S608
            f"GROUP BY c.quarter, c.agreement__donor, {places}",
            params,
        )
        rows = cur.fetchall()
    LedgerUnits.objects.bulk_create(
        [
            LedgerUnits(quarter=_day(r[0]), donor_id=r[1], **dict(zip(PLACE, r[2:-1], strict=True)), units=r[-1])
            for r in rows
        ],
        batch_size=1000,
    )


def _units_add(cells, *, sign: int, place: tuple) -> None:
    LedgerUnits.objects.bulk_create(
        [
            LedgerUnits(quarter=quarter, donor_id=donor, **dict(zip(PLACE, place, strict=True)), units=sign)
            for quarter, donor in cells
        ]
    )


def _project_cells(project_id: int) -> list[tuple]:
    """The (quarter, donor) cells where the project's approved allocations do not net to 0."""
    rows = (
        approved_allocations()
        .filter(**{ALLOCATION_PROJECT: project_id})
        .annotate(quarter=TruncQuarter("disbursement__date"))
        .values("quarter", "agreement__donor")
        .annotate(net=signed_mad())
        .filter(~Q(net=0))
        .order_by()
    )
    return [(_day(r["quarter"]), r["agreement__donor"]) for r in rows]


def _lock_project_row(project_id: int) -> None:
    """Serialise the ledger writes of one project (approvals, place changes) until commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            table = BusinessProject._meta.db_table  # the model's own table name
            cur.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR NO KEY UPDATE", [project_id])  # noqa: S608


# -- the signals ---------------------------------------------------------------------------


def on_allocation_saved(sender, instance: DisbursementAllocation, created: bool, **kwargs) -> None:
    if not created:
        return
    allocation = approved_allocations().filter(pk=instance.pk)
    row = allocation.values(
        "disbursement__date", "disbursement__kind", "agreement__donor", project=F(ALLOCATION_PROJECT)
    ).first()
    if row is None:  # not approved: never in the ledger's figures
        return
    _lock_project_row(row["project"])
    ledger_add(allocation)
    day = row["disbursement__date"]
    quarter = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    next_quarter = datetime.date(quarter.year + quarter.month // 10, (quarter.month + 2) % 12 + 1, 1)
    after = (
        approved_allocations()
        .filter(
            **{ALLOCATION_PROJECT: row["project"]},
            agreement__donor=row["agreement__donor"],
            disbursement__date__gte=quarter,
            disbursement__date__lt=next_quarter,
        )
        .aggregate(net=signed_mad())["net"]
        or 0
    )
    this = -instance.amount_mad if row["disbursement__kind"] == Disbursement.Kind.REVERSAL else instance.amount_mad
    before = after - this
    if (after != 0) != (before != 0):
        place = project_places([row["project"]])[row["project"]]
        _units_add([(quarter, row["agreement__donor"])], sign=1 if after != 0 else -1, place=place)


def move_projects(before: dict[int, tuple]) -> None:
    """The projects whose place is no longer ``before[project]`` take their amounts and units
    to the new one."""
    after = project_places(before)
    for project_id, old in before.items():
        new = after.get(project_id)
        if new is None or new == old:
            continue
        moved = approved_allocations().filter(**{ALLOCATION_PROJECT: project_id})
        ledger_add(moved, sign=-1, place=old)
        ledger_add(moved, place=new)
        cells = _project_cells(project_id)
        _units_add(cells, sign=-1, place=old)
        _units_add(cells, sign=1, place=new)


def _paid(project_ids) -> list[int]:
    """Those of the projects with an approved allocation (the others have no ledger rows)."""
    return sorted(
        set(
            approved_allocations()
            .filter(**{f"{ALLOCATION_PROJECT}__in": project_ids})
            .values_list(ALLOCATION_PROJECT, flat=True)
        )
    )


def _before(instance, project_ids) -> None:
    ids = _paid(project_ids)
    for project_id in ids:  # in id order
        _lock_project_row(project_id)
    instance._ledger_places = project_places(ids) if ids else {}


def _after(instance) -> None:
    before = getattr(instance, "_ledger_places", None) or {}
    instance._ledger_places = None
    if before:
        move_projects(before)


def on_project_saving(sender, instance: BusinessProject, update_fields=None, raw=False, **kwargs) -> None:
    instance._ledger_places = None
    if update_fields is not None and not {"office", "region", "city"} & set(update_fields):
        return  # a status change and the like: the place is not being written
    if instance.pk is not None and not raw:
        # Read before the UPDATE, which then locks the row: approvals of its payments
        # wait and this sees those that committed first.
        instance._ledger_places = project_places([instance.pk]) if _paid([instance.pk]) else {}


def on_member_changing(sender, instance: ProjectMember, update_fields=None, raw=False, **kwargs) -> None:
    instance._ledger_places = None
    if raw or (update_fields is not None and not {"is_lead", "refugee", "project"} & set(update_fields)):
        return
    projects = {instance.project_id}
    if instance.pk is not None:
        projects |= set(ProjectMember.objects.filter(pk=instance.pk).values_list("project_id", flat=True))
    _before(instance, projects)


def on_refugee_saving(sender, instance: Refugee, update_fields=None, raw=False, **kwargs) -> None:
    instance._ledger_places = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(LEAD.values()) & set(update_fields):
        return
    led = ProjectMember.objects.filter(refugee_id=instance.pk, is_lead=True).values_list("project_id", flat=True)
    _before(instance, list(led))


def on_changed(sender, instance, **kwargs) -> None:
    _after(instance)


def connect_signals(uid: str) -> None:
    post_save.connect(on_allocation_saved, sender=DisbursementAllocation, dispatch_uid=f"{uid}allocation")
    pre_save.connect(on_project_saving, sender=BusinessProject, dispatch_uid=f"{uid}project-pre")
    post_save.connect(on_changed, sender=BusinessProject, dispatch_uid=f"{uid}project-post")
    pre_save.connect(on_member_changing, sender=ProjectMember, dispatch_uid=f"{uid}member-pre")
    post_save.connect(on_changed, sender=ProjectMember, dispatch_uid=f"{uid}member-post")
    pre_delete.connect(on_member_changing, sender=ProjectMember, dispatch_uid=f"{uid}member-pre-delete")
    post_delete.connect(on_changed, sender=ProjectMember, dispatch_uid=f"{uid}member-post-delete")
    pre_save.connect(on_refugee_saving, sender=Refugee, dispatch_uid=f"{uid}refugee-pre")
    post_save.connect(on_changed, sender=Refugee, dispatch_uid=f"{uid}refugee-post")
