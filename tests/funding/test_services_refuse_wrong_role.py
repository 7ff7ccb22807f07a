"""Every writing service of funding, called directly (as a shell, a task or the API
would), refuses a wrong role with ``PermissionDenied`` and writes nothing: committee
members, partner officers and the admin always; a caseworker of another office for an
object of the Rabat office; a caseworker for what only managers do; the recorder of an
entry for its decision (the four-eyes rule)."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from funding.models import ActionPoint, Disbursement, FollowUpVisit, Grant, GrantFunding, Tranche
from funding.services import (
    ShareSpec,
    TrancheSpec,
    disbursement_approve,
    disbursement_record,
    disbursement_reject,
    disbursement_reverse,
    grant_award,
    visit_record,
    visit_record_extra,
)
from tests.factories.funding import paid

pytestmark = pytest.mark.django_db

OUTSIDERS = ["committee_member", "partner_unhcr", "admin_user"]


def _snapshot():
    """Everything the services write, to compare before and after a refusal."""
    return {
        "grants": list(Grant.objects.values_list("pk", "paid_mad").order_by("pk")),
        "shares": list(GrantFunding.objects.values_list("pk", "paid_mad").order_by("pk")),
        "tranches": list(Tranche.objects.values_list("pk", "paid_mad").order_by("pk")),
        "entries": list(Disbursement.objects.values_list("pk", "status", "approved_by_id").order_by("pk")),
        "visits": list(FollowUpVisit.objects.values_list("pk", "status", "visitor_id").order_by("pk")),
        "action_points": ActionPoint.objects.count(),
    }


def _refused(call):
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        call()
    assert _snapshot() == before


@pytest.fixture
def payment(grant, caseworker, manager2):
    """An approved payment of the Rabat grant (the visits are planned)."""
    return paid(grant, amount="5000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))


@pytest.fixture
def pending(grant, caseworker):
    entry, _created = disbursement_record(
        grant=grant,
        tranche=grant.tranches.get(number=1),
        date=datetime.date(2025, 7, 2),
        amount=Decimal("1000.00"),
        method="cash",
        by=caseworker,
        idempotency_key=uuid.uuid4().hex,
    )
    return entry


def _visit_data():
    return {
        "done_on": datetime.date(2025, 8, 2),
        "mode": "on_site",
        "business_status": "operating",
        "verdict": "satisfactory",
    }


def _action_point():
    return ActionPoint(description="Open a bank account", owner="Lead member", due_date=datetime.date(2025, 9, 1))


@pytest.mark.parametrize("who", [*OUTSIDERS, "caseworker"])
def test_it_refuses_to_award_a_grant(rabat_project, eu, request, who):
    user = request.getfixturevalue(who)
    _refused(
        lambda: grant_award(
            project=rabat_project,
            kind=Grant.Kind.STARTUP,
            amount=Decimal("20000.00"),
            awarded_on=datetime.date(2025, 6, 1),
            shares=[ShareSpec(agreement=eu, amount=Decimal("20000.00"))],
            tranches=[TrancheSpec(amount=Decimal("20000.00"), planned_date=datetime.date(2025, 7, 1))],
            by=user,
        )
    )
    assert not Grant.objects.filter(project=rabat_project).exists()


@pytest.mark.parametrize("who", [*OUTSIDERS, "other_caseworker"])
def test_it_refuses_to_record_a_payment(grant, request, who):
    user = request.getfixturevalue(who)
    _refused(
        lambda: disbursement_record(
            grant=grant,
            tranche=grant.tranches.get(number=1),
            date=datetime.date(2025, 7, 1),
            amount=Decimal("1000.00"),
            method="cash",
            by=user,
            idempotency_key=uuid.uuid4().hex,
        )
    )


@pytest.mark.parametrize("who", [*OUTSIDERS, "other_caseworker"])
def test_it_refuses_to_reverse_a_payment(payment, request, who):
    user = request.getfixturevalue(who)
    _refused(
        lambda: disbursement_reverse(
            original=payment, date=datetime.date(2025, 7, 3), by=user, idempotency_key=uuid.uuid4().hex
        )
    )


@pytest.mark.parametrize("service", [disbursement_approve, disbursement_reject])
@pytest.mark.parametrize("who", [*OUTSIDERS, "caseworker", "other_caseworker"])
def test_only_a_manager_decides_an_entry(pending, request, service, who):
    user = request.getfixturevalue(who)
    _refused(lambda: service(entry=pending, by=user))
    pending.refresh_from_db()
    assert pending.status == Disbursement.Status.PENDING


@pytest.mark.parametrize("service", [disbursement_approve, disbursement_reject])
def test_the_recorder_does_not_decide_their_own_entry(grant, manager, service):
    entry, _created = disbursement_record(
        grant=grant,
        tranche=grant.tranches.get(number=1),
        date=datetime.date(2025, 7, 2),
        amount=Decimal("1000.00"),
        method="cash",
        by=manager,
        idempotency_key=uuid.uuid4().hex,
    )
    with pytest.raises(PermissionDenied, match="another programme manager"):
        service(entry=entry, by=manager)
    entry.refresh_from_db()
    assert entry.status == Disbursement.Status.PENDING and entry.approved_by is None


@pytest.mark.parametrize("who", [*OUTSIDERS, "other_caseworker"])
def test_it_refuses_to_record_a_visit(payment, request, who):
    user = request.getfixturevalue(who)
    visit = FollowUpVisit.objects.get(project=payment.grant.project, months_after_funding=1)
    _refused(lambda: visit_record(visit=visit, by=user, data=_visit_data(), action_points=[_action_point()]))


@pytest.mark.parametrize("who", [*OUTSIDERS, "other_caseworker"])
def test_it_refuses_to_record_an_extra_visit(payment, request, who):
    user = request.getfixturevalue(who)
    project = payment.grant.project
    _refused(lambda: visit_record_extra(project=project, by=user, data=_visit_data(), action_points=[_action_point()]))


def test_the_staff_of_the_office_record_a_visit_with_its_action_points(payment, caseworker):
    """The allowed side of the same call: the visit and its action point in one go."""
    visit = FollowUpVisit.objects.get(project=payment.grant.project, months_after_funding=1)
    visit_record(visit=visit, by=caseworker, data=_visit_data(), action_points=[_action_point()])
    visit.refresh_from_db()
    assert visit.status == FollowUpVisit.Status.DONE
    assert visit.action_points.get().description == "Open a bank account"
