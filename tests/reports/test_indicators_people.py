"""People indicators: refugees received, awareness participants, people trained."""

import datetime

import pytest

from core.models import City
from reports.indicators import registry
from tests.factories.core import OfficeFactory
from tests.factories.projects import AttendanceFactory, SessionFactory
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db
S, E = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)


def received(**kw):
    return registry["refugees_received"].compute(S, E, **kw)


def test_it_counts_refugees_received_in_the_period_only():
    RefugeeFactory(intake_date=datetime.date(2019, 1, 1))
    RefugeeFactory(intake_date=datetime.date(2019, 12, 31))
    RefugeeFactory(intake_date=datetime.date(2018, 12, 31))
    RefugeeFactory(intake_date=datetime.date(2020, 1, 1))
    assert received() == 2


def test_it_disaggregates_refugees_received_by_each_dimension():
    oujda = City.objects.get(slug="oujda")
    office_oujda = OfficeFactory(code="oujda", city=oujda)
    RefugeeFactory(sex="F", nationality="SY", legal_status="refugee", date_of_birth=datetime.date(1990, 1, 1))
    RefugeeFactory(sex="F", nationality="YE", legal_status="asylum_seeker", date_of_birth=datetime.date(2005, 6, 1))
    RefugeeFactory(
        sex="M",
        nationality="SY",
        date_of_birth=None,
        birth_year=1980,
        city=oujda,
        region=oujda.region,
        office=office_oujda,
    )
    RefugeeFactory(sex="M", date_of_birth=datetime.date(1955, 1, 1))
    assert received(by="sex") == {"F": 2, "M": 2}
    assert received(by="nationality") == {"SY": 3, "YE": 1}
    assert received(by="legal_status") == {"refugee": 3, "asylum_seeker": 1}
    # age at the period's end: 29, 14, unknown, 64
    assert received(by="age") == {"18-59": 1, "12-17": 1, "unknown": 1, "60+": 1}
    assert received(by="office") == {"rabat": 3, "oujda": 1}
    assert received(by="region") == {"MA-04": 3, "MA-02": 1}
    assert received(by="city") == {"rabat": 3, "oujda": 1}
    assert received(filters={"sex": "M", "office": "oujda"}) == 1
    assert received(filters={"age": "60+"}) == 1


def test_it_lists_regions_offices_and_cities_by_code_with_unknown_last():
    """They are grouped by id and named afterwards: the keys and their order are the codes'."""
    oujda = City.objects.get(slug="oujda")
    RefugeeFactory(city=oujda, region=oujda.region, office=OfficeFactory(code="oujda", city=oujda))
    RefugeeFactory(city=None, region=None)
    RefugeeFactory()
    RefugeeFactory()
    assert list(received(by="region").items()) == [("MA-02", 1), ("MA-04", 2), ("unknown", 1)]
    assert list(received(by="office").items()) == [("oujda", 1), ("rabat", 3)]
    assert list(received(by="city").items()) == [("oujda", 1), ("rabat", 2), ("unknown", 1)]
    assert received(by="region", filters={"office": "rabat"}) == {"MA-04": 2, "unknown": 1}


def test_it_refuses_a_dimension_that_makes_no_sense():
    with pytest.raises(ValueError):
        received(by="donor")


def test_it_counts_awareness_participants_once_plus_unregistered():
    a = SessionFactory(kind="awareness", date=datetime.date(2019, 3, 1), unregistered_attendees=3)
    b = SessionFactory(kind="awareness", date=datetime.date(2019, 5, 1), unregistered_attendees=2)
    old = SessionFactory(kind="awareness", date=datetime.date(2018, 5, 1), unregistered_attendees=7)
    training = SessionFactory(kind="training", date=datetime.date(2019, 5, 1), unregistered_attendees=1)
    woman, man = RefugeeFactory(sex="F"), RefugeeFactory(sex="M")
    AttendanceFactory(session=a, refugee=woman)
    AttendanceFactory(session=b, refugee=woman)  # twice: counted once
    AttendanceFactory(session=b, refugee=man)
    AttendanceFactory(session=old, refugee=RefugeeFactory())
    AttendanceFactory(session=training, refugee=man)
    indicator = registry["awareness_participants"]
    assert indicator.compute(S, E) == 2 + 5
    assert indicator.compute(S, E, by="sex") == {"F": 1, "M": 1, "unknown": 5}
    assert indicator.compute(S, E, by="office") == {"rabat": 7}
    assert indicator.compute(S, E, filters={"sex": "F"}) == 1
    assert indicator.compute(S, E, filters={"office": "rabat"}) == 7
    assert registry["people_trained"].compute(S, E) == 1 + 1
    assert registry["people_trained"].compute(S, E, by="age") == {"18-59": 1, "unknown": 1}
