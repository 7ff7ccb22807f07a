"""Session and sitting dates lie between 2010 and the end of next year (years 1 and 9999
are typing slips): a clear error on the form, nothing saved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import CommitteeSitting, Session

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2009-12-31"])
def test_a_session_date_out_of_range_is_refused(client_for, caseworker, value):
    response = client_for(caseworker).post(
        reverse("projects:session_create"), {"kind": "awareness", "date": value}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "Enter a date between 2010 and" in str(response.context["form"].errors["date"])
    assert not Session.objects.exists()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_sitting_date_out_of_range_is_refused(client_for, manager, committee_member, value):
    response = client_for(manager).post(
        reverse("projects:sitting_create"),
        {"date": value, "quorum": 1, "chair": committee_member.pk, "members": [committee_member.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "date" in response.context["form"].errors
    assert not CommitteeSitting.objects.exists()


def test_the_bounds_themselves_are_accepted():
    from core.forms import check_programme_date

    next_year = timezone.localdate().year + 1
    assert check_programme_date(datetime.date(2010, 1, 1))
    assert check_programme_date(datetime.date(next_year, 12, 31))
