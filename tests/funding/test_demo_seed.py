import pytest

from funding.models import Disbursement, FollowUpVisit, FundingAgreement, Grant

pytestmark = pytest.mark.django_db


def test_the_demo_is_idempotent_and_tells_a_living_story():
    from core import demo as core_demo
    from funding import demo

    core_demo.seed()
    demo.seed()
    counts = (Grant.objects.count(), Disbursement.objects.count(), FollowUpVisit.objects.count())
    demo.seed()
    assert (Grant.objects.count(), Disbursement.objects.count(), FollowUpVisit.objects.count()) == counts
    assert set(FundingAgreement.objects.values_list("reference", flat=True)) >= {
        "EU-MA-2018-01",
        "MC-2018-01",
        "CH-2018-01",
        "JP-2019-01",
    }
    assert Grant.objects.filter(kind="reinforcement").exists()
    assert Disbursement.objects.filter(kind="reversal", status="approved").exists()
    # A rejected reversal, then an approved one of the same payment; an extra visit.
    assert Disbursement.objects.filter(
        kind="reversal", status="rejected", reverses__reversals__status="approved"
    ).exists()
    assert FollowUpVisit.objects.filter(months_after_funding=None, status="done").exists()
    # The running totals equal the ledger.
    from funding.selectors import grant_net_paid

    assert all(g.paid_mad == grant_net_paid(g) for g in Grant.objects.all())
    assert Disbursement.objects.filter(status="pending").exists()
    assert FollowUpVisit.objects.filter(status="cancelled").exists()
    assert not Disbursement.objects.filter(date__year__lte=2020).exists()
