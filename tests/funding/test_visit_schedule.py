import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding.models import FollowUpVisit
from funding.selectors import months_between, survival_rows
from funding.services import visit_record
from projects.models import ProjectTransition
from refugees.models import Refugee
from tests.factories.funding import paid

from .test_tranche_gating import _visit_data

pytestmark = pytest.mark.django_db


def test_the_first_payment_funds_the_project_and_plans_the_visits(grant, caseworker, manager2, settings):
    assert not FollowUpVisit.objects.exists()
    paid(grant, amount="5000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 31))
    project = grant.project
    project.refresh_from_db()
    assert project.status == "funded"
    assert ProjectTransition.objects.filter(project=project, to_status="funded", by=manager2).exists()
    visits = list(FollowUpVisit.objects.filter(project=project).order_by("due_date"))
    assert [v.months_after_funding for v in visits] == settings.SANAD_VISIT_SCHEDULE_MONTHS == [1, 3, 6, 12, 24]
    assert [v.due_date for v in visits] == [
        datetime.date(2025, 8, 31),
        datetime.date(2025, 10, 31),
        datetime.date(2026, 1, 31),
        datetime.date(2026, 7, 31),
        datetime.date(2027, 7, 31),
    ]
    # A second payment plans nothing more.
    paid(grant, amount="5000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 8, 5))
    assert FollowUpVisit.objects.filter(project=project).count() == 5


def test_members_become_financed(grant, caseworker, manager2, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        paid(grant, amount="5000.00", by=caseworker, approver=manager2)
    member = grant.project.members.get()
    assert Refugee.objects.get(pk=member.refugee_id).status == "financed"


def test_an_operating_business_makes_the_project_operating(grant, caseworker, manager2):
    paid(grant, amount="5000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    visit = FollowUpVisit.objects.get(project=grant.project, months_after_funding=1)
    visit_record(visit=visit, by=caseworker, data=_visit_data())
    grant.project.refresh_from_db()
    assert grant.project.status == "operating"


def test_a_closed_business_ends_the_schedule_and_closes_the_project(grant, caseworker, manager2):
    paid(grant, amount="5000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    visit = FollowUpVisit.objects.get(project=grant.project, months_after_funding=1)
    visit_record(visit=visit, by=caseworker, data=_visit_data(business_status="closed", verdict="unsatisfactory"))
    grant.project.refresh_from_db()
    assert grant.project.status == "closed"
    assert grant.project.outcome == "closed_business"
    statuses = dict(FollowUpVisit.objects.filter(project=grant.project).values_list("months_after_funding", "status"))
    assert statuses == {1: "done", 3: "cancelled", 6: "cancelled", 12: "cancelled", 24: "cancelled"}
    row = survival_rows().get(pk=grant.project.pk)
    assert row.first_paid_on == datetime.date(2025, 7, 1)
    assert row.closed_on == datetime.date(2025, 8, 3)
    assert months_between(row.first_paid_on, row.closed_on) == 1


def test_a_visit_cannot_be_dated_before_the_first_payment_nor_in_the_future(grant, caseworker, manager2):
    paid(grant, amount="5000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    visit = FollowUpVisit.objects.get(project=grant.project, months_after_funding=1)
    with pytest.raises(ValidationError, match="before the first payment"):
        visit_record(visit=visit, by=caseworker, data=_visit_data(done_on=datetime.date(2025, 6, 30)))
    with pytest.raises(ValidationError, match="in the future"):
        visit_record(visit=visit, by=caseworker, data=_visit_data(done_on=datetime.date(2099, 1, 1)))
    with pytest.raises(ValidationError, match="cannot be negative"):
        visit_record(visit=visit, by=caseworker, data=_visit_data(monthly_revenue=Decimal("-1.00")))
    visit.refresh_from_db()
    assert visit.status == "scheduled"
