"""Age, gender and diversity (AGD) helpers: UNHCR age brackets."""

from datetime import date, timedelta

from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import gettext_lazy as _

# (key, label, min_age, max_age inclusive or None)
AGE_BRACKETS = [
    ("0-4", _("0-4"), 0, 4),
    ("5-11", _("5-11"), 5, 11),
    ("12-17", _("12-17"), 12, 17),
    ("18-59", _("18-59"), 18, 59),
    ("60+", _("60+"), 60, None),
]
UNKNOWN_AGE = "unknown"
AGE_BRACKET_CHOICES = [(key, label) for key, label, _lo, _hi in AGE_BRACKETS] + [(UNKNOWN_AGE, _("unknown"))]


def birth_date_range_for_bracket(key: str, on: date) -> tuple[date | None, date | None]:
    """(earliest, latest) birth dates of people whose age on ``on`` is in the bracket."""
    for k, _label, lo, hi in AGE_BRACKETS:
        if k == key:
            latest = _years_before(on, lo)
            earliest = None if hi is None else _next_day(_years_before(on, hi + 1))
            return earliest, latest
    raise ValueError(key)


def bracket_q(key: str, on: date, field: str = "date_of_birth") -> Q:
    """A filter for people whose age on ``on`` falls in bracket ``key`` (database-side)."""
    if key == UNKNOWN_AGE:
        return Q(**{f"{field}__isnull": True})
    earliest, latest = birth_date_range_for_bracket(key, on)
    q = Q(**{f"{field}__lte": latest})
    if earliest is not None:
        q &= Q(**{f"{field}__gte": earliest})
    return q


def bracket_case(on: date, field: str = "date_of_birth") -> Case:
    """An annotation giving each row's age bracket on ``on``, computed in the database."""
    whens = [When(bracket_q(key, on, field), then=Value(key)) for key, _l, _lo, _hi in AGE_BRACKETS]
    return Case(*whens, default=Value(UNKNOWN_AGE), output_field=CharField())


def generalised_birth_date(born: date | None) -> date | None:
    """A coarser date of birth that falls in the same bracket as ``born`` on every month's
    last day (the end of every partner reporting period), for an anonymised profile.

    ``bracket_q`` compares the date of birth with ``on`` moved back N years, which for a
    month end is the last day of that month N years earlier, except in February: a period
    ending on 28 February of a common year compares with 28 February of a leap year, one
    ending on 29 February with 29 February. So "born on or before that day" is decided by
    the birth month alone, and the first of the month decides it the same way, for every
    day of birth but the 29th of February (before 29 Feb, not before 28 Feb): no other date
    is on the same side of both, so that date stays as it is.

    A period ending mid-month can place someone whose birthday is later in that month in
    the next bracket a month early (``tests/core/test_agd_generalised_birth_date.py``).
    """
    if born is None or (born.month, born.day) == (2, 29):
        return born
    return born.replace(day=1)


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def _next_day(d: date) -> date:
    return d + timedelta(days=1)
