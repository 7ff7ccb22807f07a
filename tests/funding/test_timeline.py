import datetime

import pytest

from core.registry import timeline
from tests.factories.funding import paid

pytestmark = pytest.mark.django_db


def test_the_persons_timeline_shows_grant_payments_and_visits(grant, caseworker, manager2, committee_member):
    paid(grant, amount="5000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    refugee = grant.project.members.get().refugee
    kinds = [e.kind for e in timeline.events_for(refugee, caseworker)]
    assert kinds.count("grant") == 1
    assert kinds.count("disbursement") == 1
    assert not [e for e in timeline.events_for(refugee, committee_member) if e.kind in {"grant", "disbursement"}]
