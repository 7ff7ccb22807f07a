"""The reporting calendar partners choose their periods from.

Each partner organisation has one granularity (``settings.SANAD_PARTNER_PERIODS``: a year,
a quarter or a month; a year unless the setting says otherwise), and everything it gets
(dashboard, home panel, report files) covers exactly one *complete* period of it. Two
periods a partner can get therefore never overlap, so no figure is the difference of two
others, and a period that is still running (whose figures move with every new record) is
never shown to a partner.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

YEAR, QUARTER, MONTH = "year", "quarter", "month"
GRANULARITIES = {
    YEAR: gettext_lazy("a calendar year"),
    QUARTER: gettext_lazy("a calendar quarter"),
    MONTH: gettext_lazy("a calendar month"),
}
PROGRAMME_START = datetime.date(2018, 1, 1)


@dataclass(frozen=True)
class Period:
    granularity: str
    start: datetime.date
    end: datetime.date

    @property
    def key(self) -> str:
        if self.granularity == YEAR:
            return f"{self.start:%Y}"
        if self.granularity == QUARTER:
            return f"{self.start:%Y}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    def label(self) -> str:
        if self.granularity == YEAR:
            return f"{self.start:%Y}"
        if self.granularity == QUARTER:
            return _("Q%(quarter)s %(year)s") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        return date_format(self.start, "F Y")


def granularity_of(partner_code: str | None) -> str:
    periods = getattr(settings, "SANAD_PARTNER_PERIODS", {}) or {}
    value = periods.get(partner_code or "", periods.get("*", YEAR))
    return value if value in GRANULARITIES else YEAR


def period_containing(day: datetime.date, granularity: str) -> Period:
    if granularity == YEAR:
        start = datetime.date(day.year, 1, 1)
        end = datetime.date(day.year, 12, 31)
    elif granularity == QUARTER:
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = datetime.date(day.year, first_month, 1)
        end = _month_end(datetime.date(day.year, first_month + 2, 1))
    else:
        start = day.replace(day=1)
        end = _month_end(start)
    return Period(granularity, start, end)


def _month_end(first: datetime.date) -> datetime.date:
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def complete_periods(granularity: str, *, today: datetime.date | None = None) -> list[Period]:
    """The complete periods from the programme's start, newest first."""
    today = today or timezone.localdate()
    out = []
    period = period_containing(today, granularity)
    period = period_containing(period.start - datetime.timedelta(days=1), granularity)
    while period.end >= PROGRAMME_START:
        out.append(period)
        period = period_containing(period.start - datetime.timedelta(days=1), granularity)
    return out


def latest_complete(granularity: str, *, today: datetime.date | None = None) -> Period:
    today = today or timezone.localdate()
    current = period_containing(today, granularity)
    return period_containing(current.start - datetime.timedelta(days=1), granularity)


def from_key(key: str, granularity: str) -> Period | None:
    """The complete period named ``key`` ("2025", "2025-Q3", "2025-07") of this granularity."""
    return next((p for p in complete_periods(granularity) if p.key == key), None)


def is_publishable(start: datetime.date, end: datetime.date, granularity: str, *, today=None) -> bool:
    """Is [start, end] exactly one complete period of ``granularity``?"""
    period = period_containing(start, granularity)
    today = today or timezone.localdate()
    return period.start == start and period.end == end and end < today


def explain(granularity: str) -> str:
    return _("Partner figures cover %(period)s that has ended, from its first day to its last.") % {
        "period": GRANULARITIES[granularity]
    }
