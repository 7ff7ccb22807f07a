"""Sessions and their attendance."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.access import require
from core.signals import records_bulk_written
from projects import access
from projects.models import Attendance, Session
from projects.services.common import refresh_on_commit
from refugees.models import Refugee


@transaction.atomic
def session_create(*, by, **fields) -> Session:
    require(access.can_manage_sessions(by))
    session = Session(**fields)
    require(access.can_edit_session(by, session))
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_update(*, session: Session, by, **fields) -> Session:
    require(access.can_edit_session(by, session))
    for name, value in fields.items():
        setattr(session, name, value)
    require(access.can_edit_session(by, session))  # nor moved to an office out of scope
    session.full_clean()
    session.save()
    refresh_on_commit(session.attendance.values_list("refugee_id", flat=True))
    return session


@transaction.atomic
def attendance_add(*, session: Session, refugee: Refugee, by) -> Attendance:
    require(access.can_edit_session(by, session))
    attendance, _created = Attendance.objects.get_or_create(
        session=session, refugee=refugee, defaults={"recorded_by": by}
    )
    refresh_on_commit([refugee.pk])
    return attendance


@transaction.atomic
def attendance_remove(*, session: Session, refugee: Refugee, by) -> None:
    require(access.can_edit_session(by, session))
    Attendance.objects.filter(session=session, refugee=refugee).delete()
    refresh_on_commit([refugee.pk])


@transaction.atomic
def attendance_set(*, session: Session, by, present: Iterable[int], absent: Iterable[int]) -> tuple[int, int]:
    """The register ticked in one go: mark the people ``present`` present and the people
    ``absent`` absent (ids; a person in both is present). Returns (marked present, marked
    absent) of what changed: posting the same register again changes nothing. The
    session's row is locked, so two registers of one session are written one after the
    other. Each change leaves a history row (who, when), as the one-by-one services do,
    written in bulk; a person marked present must be one the user may pick."""
    require(access.can_edit_session(by, session))
    session = Session.objects.select_for_update().get(pk=session.pk)
    present, absent = set(present), set(absent) - set(present)
    existing = set(
        Attendance.objects.filter(session=session, refugee_id__in=present | absent).values_list("refugee_id", flat=True)
    )
    to_add = present - existing
    if to_add:
        pickable = set(access.refugees_pickable_by(by).filter(pk__in=to_add).values_list("pk", flat=True))
        require(to_add <= pickable)
        rows = [Attendance(session=session, refugee_id=pk, recorded_by=by) for pk in sorted(to_add)]
        bulk_create_with_history(rows, Attendance, default_user=by)
    gone = list(Attendance.objects.filter(session=session, refugee_id__in=absent))
    if gone:
        history = Attendance.history.model
        now = timezone.now()
        history.objects.bulk_create(
            [
                history(
                    history_type="-",
                    history_user=by,
                    history_date=now,
                    **{f.attname: getattr(row, f.attname) for f in history.tracked_fields},
                )
                for row in gone
            ]
        )
        # One statement, no per-row signals: the history rows are written above, and the
        # reports hear of it from records_bulk_written below.
        Attendance.objects.filter(pk__in=[row.pk for row in gone])._raw_delete(Attendance.objects.db)
    if to_add or gone:
        records_bulk_written.send(sender=Attendance)
        refresh_on_commit(sorted(to_add | {row.refugee_id for row in gone}))
    return len(to_add), len(gone)
