"""The commit of a valid import: every row created, or nothing.

The rows are those the preview checked (``ImportResult.spool``): they are not validated
again. What may have changed since, and matters, is re-checked, each cheaply:

* the user may still import, into every office of the file (the offices are listed);
* no number of the file was registered meanwhile (one join on the unique index; the unique
  constraint guards a registration that commits during the import);
* nobody registered or changed meanwhile resembles a row without having been shown as its
  candidate (the people changed since the preview, usually none, against the file's groups).

On PostgreSQL the rows are copied (``COPY``) into a temporary table, then inserted with one
``INSERT ... SELECT`` whose ``RETURNING`` rows become their "created" history rows (who,
when) in the same statement; the confirmations of the flagged rows take another. On SQLite they are
read back and inserted in batches (``bulk_create_with_history``).
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.access import require
from core.models import Office, User
from core.signals import records_bulk_written
from refugees.access import can_import, can_register_refugee
from refugees.importing.checked import COLUMNS, NOT_NULL_TEXT, REFUGEE_COLUMNS, read_spool
from refugees.importing.preview import ImportResult
from refugees.models import DuplicateConfirmation, Refugee, RefugeeStatus
from refugees.selectors import probable_duplicates_changed_since

logger = logging.getLogger(__name__)
# People changed this long before the preview's time are re-checked too (a registration
# saved just before the preview and committed just after it).
RECHECK_MARGIN = datetime.timedelta(minutes=5)
BATCH = 2000


def _history_columns() -> list[str]:
    """The columns a historical row copies from ``refugees_refugee`` (simple-history mirrors them)."""
    own = {f.column for f in Refugee._meta.concrete_fields}
    return [
        f.column
        for f in Refugee.history.model._meta.concrete_fields
        if f.column in own and not f.column.startswith("history_")
    ]


def _changed() -> ValidationError:
    return ValidationError(
        _("The registry changed since the file was checked: check the file again."), code="registry_changed"
    )


def _registered_meanwhile(lines: list[int]) -> ValidationError:
    return ValidationError(
        _("A UNHCR number of the file was registered since it was checked (line %(line)s): nothing was imported.")
        % {"line": lines[0]},
        code="unhcr_exists",
    )


def _recheck(*, user: User, result: ImportResult) -> None:
    require(can_import(user))
    offices = list(Office.objects.filter(pk__in=result.offices))
    if len(offices) != len(result.offices):
        raise _changed()
    require(all(can_register_refugee(user, office=office) for office in offices))
    since = result.checked_at - RECHECK_MARGIN
    for g, ids in probable_duplicates_changed_since(result.groups, since).items():
        if set(ids) - set(result.group_duplicates.get(g, ())):
            raise _changed()


@transaction.atomic
def import_commit(*, user: User, result: ImportResult, confirm_different: bool) -> int:
    """Create every row of a valid import, or nothing; returns how many people were created.

    ``PermissionDenied`` if ``user`` may not import, or not into a row's office (a result
    checked for another user). Flagged rows (probable duplicates of registered people or of
    another row of the file) need ``confirm_different``; the confirmations are recorded
    (``DuplicateConfirmation``), for a pair of rows of the file once, on the later row.
    ``ValidationError`` when the registry changed since the preview in a way that matters
    (see the module).
    """
    require(can_import(user))
    if not result.valid or result.spool is None:
        raise ValidationError(_("The file has errors: nothing was imported."), code="invalid")
    _recheck(user=user, result=result)
    if result.flagged_rows and not confirm_different:
        raise ValidationError(_("Confirm that the flagged rows are different people."), code="unconfirmed")
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                created = _commit_postgresql(user=user, result=result)
            else:
                created = _commit_batches(user=user, result=result)
    except IntegrityError as exc:  # a number registered, an office or city deleted, meanwhile
        raise _changed() from exc
    records_bulk_written.send(sender=Refugee)
    logger.info(
        "refugee import committed: user %s, %s people, %s flagged rows confirmed",
        user.pk,
        created,
        len(result.flagged_rows),
    )
    return created


def _quoted(columns) -> str:
    return ", ".join(connection.ops.quote_name(c) for c in columns)


def _commit_postgresql(*, user: User, result: ImportResult) -> int:
    now = timezone.now()
    cols = _quoted(REFUGEE_COLUMNS)
    history = connection.ops.quote_name(Refugee.history.model._meta.db_table)
    hcols = _quoted(_history_columns())
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_rows")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE import_rows ON COMMIT DROP AS
                SELECT 0::int AS line, 0::int AS grp, {cols} FROM refugees_refugee WITH NO DATA"""  # noqa: S608 - column names from the model
        )
        result.spool.seek(0)
        options = f"FORMAT csv, FORCE_NOT_NULL ({_quoted(NOT_NULL_TEXT)})"
        cursor.copy_expert(f"COPY import_rows ({_quoted(COLUMNS)}) FROM STDIN WITH ({options})", result.spool)
        cursor.execute(
            """SELECT t.line FROM import_rows t
                JOIN refugees_refugee r ON r.unhcr_individual_number = t.unhcr_individual_number
                ORDER BY t.line LIMIT 1"""
        )
        taken = [line for (line,) in cursor.fetchall()]
        if taken:
            raise _registered_meanwhile(taken)
        # The people and their "created" history rows (who, when, "+") in one statement: the
        # history is copied from the inserted rows as they are returned, not read back.
        cursor.execute(
            f"""WITH created AS (
                    INSERT INTO refugees_refugee ({cols}, created_at, updated_at, status)
                    SELECT {cols}, %s, %s, %s FROM import_rows ORDER BY line
                    RETURNING {hcols}
                )
                INSERT INTO {history} ({hcols}, history_date, history_change_reason, history_type, history_user_id)
                SELECT {hcols}, %s, NULL, '+', %s FROM created""",  # noqa: S608 - column names from the model
            [now, now, RefugeeStatus.REGISTERED, now, user.pk],
        )
        created = cursor.rowcount
        if result.flagged_rows:
            _confirm_postgresql(cursor, user=user, result=result, now=now)
        cursor.execute("DROP TABLE import_rows")
    return created


def _confirm_postgresql(cursor, *, user: User, result: ImportResult, now) -> None:
    """The flagged rows' confirmations, set-based: the registered people of each group, and
    each pair of rows of linked groups once, on the later row."""
    dup_g, dup_other = [], []
    for g, ids in result.group_duplicates.items():
        dup_g += [g] * len(ids)
        dup_other += ids
    link_g, link_h = [], []
    for g, hs in result.group_links.items():
        link_g += [g] * len(hs)
        link_h += hs
    # Only the rows of the groups with something to confirm (a few in a hundred, usually).
    groups = sorted({*dup_g, *link_g, *link_h})
    cursor.execute(
        """CREATE TEMPORARY TABLE import_new ON COMMIT DROP AS
            SELECT t.line, t.grp, r.id FROM import_rows t
            JOIN refugees_refugee r ON r.unhcr_individual_number = t.unhcr_individual_number
            WHERE t.grp = ANY(%s)""",
        [groups],
    )
    cursor.execute("ANALYZE import_new")
    cursor.execute(
        """INSERT INTO refugees_duplicateconfirmation (refugee_id, other_id, confirmed_by_id, confirmed_at)
            SELECT n.id, o.id, %s, %s FROM import_new n
              JOIN unnest(%s::int[], %s::bigint[]) AS d(grp, other) ON d.grp = n.grp
              JOIN refugees_refugee o ON o.id = d.other
            UNION ALL
            SELECT a.id, b.id, %s, %s FROM import_new a
              JOIN unnest(%s::int[], %s::int[]) AS l(g, h) ON l.g = a.grp
              JOIN import_new b ON b.grp = l.h AND b.line < a.line
            ON CONFLICT DO NOTHING""",
        [user.pk, now, dup_g, dup_other, user.pk, now, link_g, link_h],
    )
    cursor.execute("DROP TABLE import_new")


def _commit_batches(*, user: User, result: ImportResult) -> int:
    """SQLite (the embedded default): the checked rows read back, inserted in batches."""
    created = 0
    flagged = bool(result.flagged_rows)
    ids_by_group: dict[int, list[tuple[int, int]]] = {}  # group: [(line, new id)]
    batch: list[tuple[int, int, Refugee]] = []

    def flush() -> None:
        nonlocal created
        numbers = [p.unhcr_individual_number for _line, _g, p in batch]
        taken = set(
            Refugee.objects.filter(unhcr_individual_number__in=numbers).values_list(
                "unhcr_individual_number", flat=True
            )
        )
        if taken:
            raise _registered_meanwhile([line for line, _g, p in batch if p.unhcr_individual_number in taken])
        people = bulk_create_with_history([p for _l, _g, p in batch], Refugee, batch_size=BATCH, default_user=user)
        created += len(people)
        if flagged:
            for (line, g, _p), person in zip(batch, people, strict=True):
                ids_by_group.setdefault(g, []).append((line, person.pk))
        batch.clear()

    for row in read_spool(result.spool):
        line, g = row.pop("line"), row.pop("grp")
        batch.append((line, g, Refugee(**row)))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    if flagged:
        existing = set(
            Refugee.objects.filter(pk__in={pk for ids in result.group_duplicates.values() for pk in ids}).values_list(
                "pk", flat=True
            )
        )
        confirmations = []
        for g, people in ids_by_group.items():
            others = [o for o in result.group_duplicates.get(g, ()) if o in existing]
            for line, pk in people:
                confirmations += [DuplicateConfirmation(refugee_id=pk, other_id=o, confirmed_by=user) for o in others]
                for h in result.group_links.get(g, ()):
                    confirmations += [
                        DuplicateConfirmation(refugee_id=pk, other_id=other, confirmed_by=user)
                        for earlier, other in ids_by_group.get(h, ())
                        if earlier < line
                    ]
        DuplicateConfirmation.objects.bulk_create(confirmations, batch_size=BATCH, ignore_conflicts=True)
    return created
