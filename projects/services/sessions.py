"""Sessions and their attendance."""

from django.db import transaction

from core.access import require
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
