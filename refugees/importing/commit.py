"""The commit of a valid import: every row created, or nothing."""

import logging

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.access import require
from core.models import User
from core.signals import records_bulk_written
from refugees.access import can_import, can_register_refugee
from refugees.importing.preview import ImportResult
from refugees.models import DuplicateConfirmation, Refugee

logger = logging.getLogger(__name__)


def _history_columns() -> list[str]:
    """The columns a historical row copies from ``refugees_refugee`` (simple-history mirrors them)."""
    own = {f.column for f in Refugee._meta.concrete_fields}
    return [
        f.column
        for f in Refugee.history.model._meta.concrete_fields
        if f.column in own and not f.column.startswith("history_")
    ]


def _create_people(objs: list[Refugee], *, user: User) -> list[Refugee]:
    """Insert the people and their "created" history rows (who, when), in the caller's transaction.

    On PostgreSQL the history rows are copied from the inserted rows by one INSERT ... SELECT,
    instead of preparing every field of 2 x N model instances in Python
    (``bulk_create_with_history``): what is recorded is the same, at half the cost.
    """
    if connection.vendor != "postgresql":
        return bulk_create_with_history(objs, Refugee, batch_size=1000, default_user=user)
    created = Refugee.objects.bulk_create(objs, batch_size=1000)
    columns = ", ".join(connection.ops.quote_name(c) for c in _history_columns())
    history = connection.ops.quote_name(Refugee.history.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {history} ({columns}, history_date, history_change_reason, history_type, history_user_id)
                SELECT {columns}, %s, NULL, '+', %s FROM refugees_refugee WHERE id = ANY(%s)""",  # noqa: S608 - column names from the model
            [timezone.now(), user.pk, [r.pk for r in created]],
        )
    return created


@transaction.atomic
def import_commit(*, user: User, result: ImportResult, confirm_different: bool) -> list[Refugee]:
    """Create every row of a valid import, or nothing.

    ``PermissionDenied`` if ``user`` may not import, or not into a row's office (a result
    checked for another user). Flagged rows (probable duplicates of registered people or of
    another row of the file) need ``confirm_different``; the confirmations are recorded
    (``DuplicateConfirmation``), for a pair of rows of the file once, on the later row.
    """
    require(can_import(user))
    require(all(can_register_refugee(user, office=row.data["office"]) for row in result.rows if row.data))
    if not result.valid:
        raise ValidationError(_("The file has errors: nothing was imported."), code="invalid")
    if result.flagged_rows and not confirm_different:
        raise ValidationError(_("Confirm that the flagged rows are different people."), code="unconfirmed")
    objs = []
    for row in result.rows:
        data = row.data
        refugee = Refugee(**{k: v for k, v in data.items() if k not in ("region",) or v is not None})
        refugee.set_name_keys()
        if refugee.date_of_birth:
            refugee.birth_year = refugee.date_of_birth.year
        objs.append(refugee)
    created = _create_people(objs, user=user)
    records_bulk_written.send(sender=Refugee)
    if result.flagged_rows:
        by_line = {row.line: person.pk for row, person in zip(result.rows, created, strict=True)}
        confirmations = []
        for row in result.flagged_rows:
            pk = by_line[row.line]
            others = [*row.duplicate_ids, *(by_line[line] for line in row.file_duplicate_lines if line < row.line)]
            confirmations += [DuplicateConfirmation(refugee_id=pk, other_id=o, confirmed_by=user) for o in others]
        DuplicateConfirmation.objects.bulk_create(confirmations, ignore_conflicts=True)
    logger.info(
        "refugee import committed: user %s, %s people, %s flagged rows confirmed",
        user.pk,
        len(created),
        len(result.flagged_rows),
    )
    return created
