"""A deputy chair named on the sitting records the decision on a project the chair declared
a conflict on; without a deputy (or with a conflicted one) the decision waits; the deputy
never takes the chair's place otherwise. Through the service and the pages."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import services
from projects.models import BusinessProject, CommitteeDecision, CommitteeSitting, ProjectStatus
from tests.projects.conftest import full_scores

pytestmark = pytest.mark.django_db
APPROVED = CommitteeDecision.Decision.APPROVED


@pytest.fixture
def deputy(members):
    return members[1]


@pytest.fixture
def deputy_sitting(manager, chair, members, deputy):
    return services.sitting_create(
        by=manager,
        date=datetime.date(2026, 3, 10),
        chair=chair,
        deputy_chair=deputy,
        members=members,
        quorum=2,
        location="Rabat",
    )


@pytest.fixture
def conflicted_item(deputy_sitting, submitted, manager, chair, members, criteria):
    """The chair declared a conflict; the two other members (the deputy one of them) scored."""
    item = services.agenda_add(sitting=deputy_sitting, project=submitted, by=manager)
    services.conflict_declare(item=item, member=chair, reason="My cousin")
    services.score_record(item=item, member=members[1], values=full_scores(criteria, 8))
    services.score_record(item=item, member=members[2], values=full_scores(criteria, 6))
    return item


def _item_url(item, name="projects:item_detail"):
    return reverse(name, kwargs={"pk": item.sitting_id, "item_pk": item.pk})


def test_it_lets_the_deputy_decide_when_the_chair_is_conflicted(conflicted_item, chair, deputy):
    with pytest.raises(ValidationError) as refused:
        services.decision_record(item=conflicted_item, by=chair, decision=APPROVED, approved_amount=Decimal("5000"))
    assert "deputy chair records it" in refused.value.messages[0]
    services.decision_record(item=conflicted_item, by=deputy, decision=APPROVED, approved_amount=Decimal("5000"))
    decision = CommitteeDecision.objects.get()
    assert decision.decided_by == deputy
    assert BusinessProject.objects.get(pk=conflicted_item.project_id).status == ProjectStatus.APPROVED


def test_the_deputy_decides_through_the_page(client_for, conflicted_item, chair, deputy):
    page = client_for(deputy).get(_item_url(conflicted_item), HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["decision_form"] is not None
    assert 'id="deputy-decides"' in page.content.decode()
    chair_page = client_for(chair).get(_item_url(conflicted_item))
    assert chair_page.context["decision_form"] is None
    response = client_for(deputy).post(
        _item_url(conflicted_item, "projects:item_decision"), {"decision": APPROVED, "approved_amount": "5000.00"}
    )
    assert response.status_code == 302
    assert CommitteeDecision.objects.get().decided_by == deputy


def test_the_deputy_does_not_decide_when_the_chair_may(
    deputy_sitting, submitted, manager, chair, deputy, members, criteria
):
    item = services.agenda_add(sitting=deputy_sitting, project=submitted, by=manager)
    services.score_record(item=item, member=members[1], values=full_scores(criteria, 8))
    services.score_record(item=item, member=members[2], values=full_scores(criteria, 6))
    with pytest.raises(ValidationError) as refused:
        services.decision_record(item=item, by=deputy, decision=APPROVED, approved_amount=Decimal("5000"))
    assert "The chair records this decision" in refused.value.messages[0]
    services.decision_record(item=item, by=chair, decision=APPROVED, approved_amount=Decimal("5000"))
    assert CommitteeDecision.objects.get().decided_by == chair


def test_a_conflicted_deputy_cannot_decide_and_the_page_says_it_waits(
    client_for, deputy_sitting, submitted, manager, chair, deputy, members
):
    item = services.agenda_add(sitting=deputy_sitting, project=submitted, by=manager)
    services.conflict_declare(item=item, member=chair)
    services.conflict_declare(item=item, member=deputy)
    for who in (chair, deputy):
        with pytest.raises(ValidationError) as refused:
            services.decision_record(item=item, by=who, decision=APPROVED, approved_amount=Decimal("5000"))
        assert refused.value.code == "conflicted"
        assert "waits" in refused.value.messages[0]
    page = client_for(members[2]).get(_item_url(item), HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="decision-waits"' in page.content.decode()
    assert not CommitteeDecision.objects.exists()


def test_without_a_deputy_the_page_says_it_waits(client_for, item, chair, members, criteria):
    services.conflict_declare(item=item, member=chair)
    services.score_record(item=item, member=members[1], values=full_scores(criteria, 8))
    services.score_record(item=item, member=members[2], values=full_scores(criteria, 6))
    for user in (chair, members[1]):
        page = client_for(user).get(_item_url(item), HTTP_ACCEPT_LANGUAGE="en")
        assert 'id="decision-waits"' in page.content.decode()
        assert page.context["decision_form"] is None
    refused = client_for(members[1]).post(
        _item_url(item, "projects:item_decision"), {"decision": APPROVED, "approved_amount": "5000.00"}
    )
    assert refused.status_code == 403  # a member who is neither chair nor deputy
    assert not CommitteeDecision.objects.exists()


def test_the_sitting_form_names_a_deputy_among_the_members(client_for, manager, chair, members):
    url = reverse("projects:sitting_create")
    post = {"date": "2026-03-10", "location": "Rabat", "quorum": "2", "chair": chair.pk}
    post["members"] = [m.pk for m in members[1:2]]
    outsider = members[2]
    for deputy, error in ((chair, "another member than the chair"), (outsider, "one of the sitting's members")):
        response = client_for(manager).post(url, {**post, "deputy_chair": deputy.pk}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert error in response.context["form"].errors["deputy_chair"][0]
    assert not CommitteeSitting.objects.exists()
    response = client_for(manager).post(url, {**post, "deputy_chair": members[1].pk})
    assert response.status_code == 302
    sitting = CommitteeSitting.objects.get()
    assert sitting.deputy_chair == members[1]
    detail = client_for(manager).get(reverse("projects:sitting_detail", kwargs={"pk": sitting.pk}))
    assert str(members[1]) in detail.content.decode()


def test_the_service_refuses_a_deputy_outside_the_sitting_or_the_chair(manager, chair, members):
    for deputy in (chair, members[2]):
        with pytest.raises(ValidationError) as refused:
            services.sitting_create(
                by=manager,
                date=datetime.date(2026, 3, 10),
                chair=chair,
                deputy_chair=deputy,
                members=members[1:2] if deputy == members[2] else members,
                quorum=2,
            )
        assert "deputy_chair" in refused.value.message_dict
    assert not CommitteeSitting.objects.exists()
