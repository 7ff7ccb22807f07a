"""An anonymised person's generalised date of birth gives the same UNHCR age bracket as
the real one at every month's end (partner reporting periods end on a month's last day).

The bracket is computed as the reports compute it: ``core.agd.bracket_q``'s bounds
(``birth_date_range_for_bracket``), in Python for hypothesis, and once in the database
with ``bracket_case`` itself."""

import calendar
import datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.agd import AGE_BRACKETS, UNKNOWN_AGE, birth_date_range_for_bracket, bracket_case, generalised_birth_date


def bracket(born: datetime.date, on: datetime.date) -> str:
    for key, *_rest in AGE_BRACKETS:
        earliest, latest = birth_date_range_for_bracket(key, on)
        if born <= latest and (earliest is None or born >= earliest):
            return key
    return UNKNOWN_AGE


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2030, 12, 31))
month_ends = st.builds(month_end, st.integers(2018, 2100), st.integers(1, 12))
leap_days = st.sampled_from(range(1904, 2032, 4)).map(lambda y: datetime.date(y, 2, 29))


@settings(max_examples=3000, deadline=None)
@given(born=births | leap_days, on=month_ends)
@example(born=datetime.date(2016, 2, 29), on=datetime.date(2021, 2, 28))  # 5 on 1 March 2021
@example(born=datetime.date(2008, 2, 29), on=datetime.date(2026, 2, 28))  # 18 on 1 March 2026
@example(born=datetime.date(1964, 2, 29), on=datetime.date(2024, 2, 29))  # 60 that very day
@example(born=datetime.date(2007, 9, 20), on=datetime.date(2025, 9, 30))
def test_it_gives_the_same_bracket_at_every_month_end(born, on):
    assert bracket(generalised_birth_date(born), on) == bracket(born, on)


def test_every_day_of_birth_against_every_month_end_of_a_leap_cycle():
    """Exhaustive over four years of births and the month ends that cross their brackets."""
    ends = [month_end(y, m) for y in (2021, 2022, 2023, 2024, 2025, 2026, 2027, 2028) for m in range(1, 13)]
    ends += [month_end(y, m) for y in (2064, 2065, 2066, 2067, 2068) for m in range(1, 13)]
    day = datetime.date(2003, 1, 1)
    while day < datetime.date(2009, 1, 1):
        g = generalised_birth_date(day)
        assert g <= day and (g.year, g.month) == (day.year, day.month)
        for on in ends:
            assert bracket(g, on) == bracket(day, on), (day, on)
        day += datetime.timedelta(days=1)


def test_the_first_of_the_month_alone_would_misplace_someone_born_on_29_february():
    born, on = datetime.date(2016, 2, 29), datetime.date(2021, 2, 28)
    assert bracket(born, on) == "0-4"
    assert bracket(datetime.date(2016, 2, 1), on) == "5-11"
    assert generalised_birth_date(born) == born


def test_the_limit_a_mid_month_end_places_a_birthday_later_that_month_a_month_early():
    born, mid_month = datetime.date(2007, 9, 20), datetime.date(2025, 9, 15)
    assert bracket(born, mid_month) == "12-17"
    assert bracket(generalised_birth_date(born), mid_month) == "18-59"
    assert bracket(generalised_birth_date(born), month_end(2025, 9)) == bracket(born, month_end(2025, 9)) == "18-59"
    assert generalised_birth_date(None) is None


@pytest.mark.django_db
def test_the_database_bracket_agrees(office_rabat):
    from refugees.models import Refugee
    from tests.factories.refugees import RefugeeFactory

    people = [
        datetime.date(2016, 2, 29),
        datetime.date(2008, 2, 29),
        datetime.date(2007, 9, 20),
        datetime.date(2020, 12, 31),
        datetime.date(1965, 3, 31),
    ]
    pairs = [
        (RefugeeFactory(office=office_rabat, date_of_birth=b), RefugeeFactory(office=office_rabat, date_of_birth=b))
        for b in people
    ]
    for _real, generalised in pairs:
        Refugee.objects.filter(pk=generalised.pk).update(
            date_of_birth=generalised_birth_date(generalised.date_of_birth)
        )
    for on in [month_end(y, m) for y in (2021, 2024, 2025, 2026) for m in (1, 2, 3, 9, 12)]:
        got = dict(Refugee.objects.annotate(b=bracket_case(on)).values_list("pk", "b"))
        for real, generalised in pairs:
            assert got[real.pk] == got[generalised.pk] == bracket(real.date_of_birth, on), (real.date_of_birth, on)
