"""A chair who declared a conflict of interest on a project cannot record the committee's
decision on it (through the service or the page); the decision waits, the project stays."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import services
from projects.models import BusinessProject, CommitteeDecision, ProjectStatus

pytestmark = pytest.mark.django_db
APPROVED = CommitteeDecision.Decision.APPROVED


@pytest.fixture
def conflicted_item(item, chair, members, criteria):
    """The chair declared a conflict; the two other members scored (the quorum of 2 is met)."""
    from tests.projects.conftest import full_scores

    services.conflict_declare(item=item, member=chair, reason="My cousin")
    services.score_record(item=item, member=members[1], values=full_scores(criteria, 8))
    services.score_record(item=item, member=members[2], values=full_scores(criteria, 6))
    return item


def test_the_conflicted_chair_cannot_decide(conflicted_item, chair):
    scored_item = conflicted_item
    with pytest.raises(ValidationError) as exc:
        services.decision_record(item=scored_item, by=chair, decision=APPROVED, approved_amount=Decimal("5000"))
    assert exc.value.code == "conflicted"
    assert not CommitteeDecision.objects.exists()
    assert BusinessProject.objects.get(pk=scored_item.project_id).status == ProjectStatus.UNDER_REVIEW


def test_the_page_refuses_it_with_the_reason(client_for, conflicted_item, chair):
    scored_item = conflicted_item
    url = reverse("projects:item_decision", kwargs={"pk": scored_item.sitting_id, "item_pk": scored_item.pk})
    response = client_for(chair).post(
        url, {"decision": APPROVED, "approved_amount": "5000.00"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "conflict of interest" in response.content.decode()
    assert not CommitteeDecision.objects.exists()


def test_without_a_conflict_the_chair_decides(scored_item, chair):
    services.decision_record(item=scored_item, by=chair, decision=APPROVED, approved_amount=Decimal("5000"))
    assert CommitteeDecision.objects.count() == 1
