"""The chair records the decision, with quorum; the project moves with it."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects import services
from projects.models import BusinessProject, CommitteeDecision, ProjectStatus

pytestmark = pytest.mark.django_db
APPROVED = CommitteeDecision.Decision.APPROVED


def test_the_chair_approves_with_an_amount_and_conditions(scored_item, chair):
    decision = services.decision_record(
        item=scored_item, by=chair, decision=APPROVED, approved_amount=Decimal("6500.00"), conditions="Buy locally"
    )
    project = BusinessProject.objects.get(pk=scored_item.project_id)
    assert project.status == ProjectStatus.APPROVED
    assert project.approved_amount == Decimal("6500.00")
    assert decision.weighted_score == Decimal("7.00")
    assert project.transitions.last().comment == "Buy locally"


def test_a_member_who_is_not_the_chair_cannot_decide(scored_item, members):
    with pytest.raises(PermissionDenied):
        services.decision_record(item=scored_item, by=members[1], decision=APPROVED, approved_amount=Decimal(100))
    assert BusinessProject.objects.get(pk=scored_item.project_id).status == ProjectStatus.UNDER_REVIEW


def test_no_decision_without_quorum(item, chair, members, criteria):
    from tests.projects.conftest import full_scores

    services.score_record(item=item, member=members[0], values=full_scores(criteria))
    with pytest.raises(ValidationError) as exc:
        services.decision_record(item=item, by=chair, decision=APPROVED, approved_amount=Decimal(100))
    assert exc.value.code == "no_quorum"
    assert not CommitteeDecision.objects.exists()
    assert BusinessProject.objects.get(pk=item.project_id).status == ProjectStatus.UNDER_REVIEW


def test_the_approved_amount_cannot_exceed_the_request(scored_item, chair):
    with pytest.raises(ValidationError, match="cannot exceed"):
        services.decision_record(item=scored_item, by=chair, decision=APPROVED, approved_amount=Decimal("7000.01"))
    assert BusinessProject.objects.get(pk=scored_item.project_id).approved_amount is None


@pytest.mark.parametrize("decision", [CommitteeDecision.Decision.REJECTED, CommitteeDecision.Decision.RETURNED])
def test_rejection_and_return_need_a_reason(scored_item, chair, decision):
    with pytest.raises(ValidationError):
        services.decision_record(item=scored_item, by=chair, decision=decision, reason="  ")


def test_a_second_decision_is_refused(scored_item, chair):
    services.decision_record(item=scored_item, by=chair, decision=APPROVED, approved_amount=Decimal(5000))
    with pytest.raises(ValidationError, match="already been recorded"):
        services.decision_record(item=scored_item, by=chair, decision=CommitteeDecision.Decision.REJECTED, reason="x")


def test_the_chair_decides_through_the_page(scored_item, chair, client_for):
    url = f"/projects/committee/{scored_item.sitting_id}/items/{scored_item.pk}/decision/"
    bad = client_for(chair).post(url, {"decision": "approved", "approved_amount": "99999"})
    assert bad.status_code == 400
    assert "approved_amount" in bad.context["decision_form"].errors
    ok = client_for(chair).post(url, {"decision": "approved", "approved_amount": "7000.00", "conditions": "c"})
    assert ok.status_code == 302
    assert BusinessProject.objects.get(pk=scored_item.project_id).status == ProjectStatus.APPROVED


def test_another_member_gets_403_on_the_decision_page(scored_item, members, client_for):
    url = f"/projects/committee/{scored_item.sitting_id}/items/{scored_item.pk}/decision/"
    assert client_for(members[1]).post(url, {"decision": "rejected", "reason": "x"}).status_code == 403


def test_the_page_shows_the_quorum_error(item, chair, client_for):
    url = f"/projects/committee/{item.sitting_id}/items/{item.pk}/decision/"
    response = client_for(chair).post(url, {"decision": "rejected", "reason": "weak"})
    assert response.status_code == 400
    assert "quorum" in str(response.context["decision_form"].non_field_errors()).lower()
