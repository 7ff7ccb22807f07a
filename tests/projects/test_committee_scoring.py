"""The weighted grid: members score 0-10 once per project, or declare a conflict."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects import selectors, services
from projects.models import Score, ScoringCriterion
from tests.projects.conftest import full_scores

pytestmark = pytest.mark.django_db


def test_the_default_grid_is_seeded(criteria):
    assert {c.code for c in criteria} == {"viability", "market", "motivation", "budget", "social_impact"}
    assert all(c.weight > 0 for c in criteria)


def test_it_computes_the_weighted_average(item, members, criteria):
    weights = {c.code: c.weight for c in criteria}
    values = {c.pk: (10 if c.code == "viability" else 4) for c in criteria}
    services.score_record(item=item, member=members[0], values=values)
    expected = (10 * weights["viability"] + 4 * (sum(weights.values()) - weights["viability"])) / sum(weights.values())
    assert selectors.item_weighted_score(item) == Decimal(expected).quantize(Decimal("0.01"))
    services.score_record(item=item, member=members[1], values=full_scores(criteria, 5))
    avg = selectors.item_weighted_score(item)
    assert avg == ((Decimal(expected) + 5) / 2).quantize(Decimal("0.01"))
    row = selectors.agenda_with_scores(item.sitting).get()
    assert row.scorer_count == 2
    assert selectors.weighted_value(row.w_num, row.w_den) == avg


def test_a_member_scores_only_once(item, members, criteria):
    services.score_record(item=item, member=members[0], values=full_scores(criteria))
    with pytest.raises(ValidationError, match="already scored"):
        services.score_record(item=item, member=members[0], values=full_scores(criteria, 9))
    assert Score.objects.filter(item=item, member=members[0], value=9).count() == 0


@pytest.mark.parametrize("bad", [11, -1, 100])
def test_a_score_outside_the_grid_is_refused(item, members, criteria, bad):
    values = full_scores(criteria)
    values[criteria[0].pk] = bad
    with pytest.raises(ValidationError, match="0 to 10"):
        services.score_record(item=item, member=members[0], values=values)
    assert not Score.objects.filter(item=item).exists()


def test_an_incomplete_sheet_is_refused(item, members, criteria):
    values = full_scores(criteria)
    values.pop(criteria[0].pk)
    with pytest.raises(ValidationError, match="every criterion"):
        services.score_record(item=item, member=members[0], values=values)


def test_an_inactive_criterion_leaves_the_grid(item, members, criteria):
    ScoringCriterion.objects.filter(code="social_impact").update(is_active=False)
    values = {c.pk: 6 for c in criteria if c.code != "social_impact"}
    services.score_record(item=item, member=members[0], values=values)
    assert selectors.item_weighted_score(item) == Decimal("6.00")


def test_a_conflicted_member_cannot_score(item, members, criteria):
    services.conflict_declare(item=item, member=members[1], reason="Cousin of the applicant")
    with pytest.raises(ValidationError, match="conflict of interest"):
        services.score_record(item=item, member=members[1], values=full_scores(criteria))
    assert not Score.objects.filter(item=item).exists()


def test_a_member_who_scored_cannot_then_declare_a_conflict(item, members, criteria):
    services.score_record(item=item, member=members[0], values=full_scores(criteria))
    with pytest.raises(ValidationError):
        services.conflict_declare(item=item, member=members[0])


def test_someone_outside_the_sitting_cannot_score(item, criteria, manager):
    from core.roles import Role
    from tests.factories.core import make_user

    outsider = make_user(Role.COMMITTEE_MEMBER, username="committee.outsider")
    for user in (outsider, manager):
        with pytest.raises(PermissionDenied):
            services.score_record(item=item, member=user, values=full_scores(criteria))


def test_it_scores_through_the_page(item, members, criteria, client_for):
    client = client_for(members[1])
    url = f"/projects/committee/{item.sitting_id}/items/{item.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and page.context["score_form"] is not None
    data = {f"c{c.pk}": "7" for c in criteria}
    assert client.post(url + "score/", data).status_code == 302
    data[f"c{criteria[0].pk}"] = "12"
    again = client.post(url + "score/", data)
    assert again.status_code == 400
    assert Score.objects.filter(item=item, member=members[1]).count() == len(criteria)


def test_the_score_form_shows_range_errors(item, members, criteria, client_for):
    client = client_for(members[1])
    url = f"/projects/committee/{item.sitting_id}/items/{item.pk}/score/"
    data = {f"c{c.pk}": "11" for c in criteria}
    response = client.post(url, data)
    assert response.status_code == 400
    assert len(response.context["score_form"].errors) == len(criteria)


def test_it_declares_a_conflict_through_the_page(item, members, client_for):
    client = client_for(members[2])
    url = f"/projects/committee/{item.sitting_id}/items/{item.pk}/"
    assert client.post(url + "conflict/", {"reason": "Neighbour"}).status_code == 302
    page = client.get(url)
    assert page.context["conflicted"] and page.context["score_form"] is None


def test_a_caseworker_cannot_open_the_committee(item, client_for, caseworker):
    assert client_for(caseworker).get(f"/projects/committee/{item.sitting_id}/items/{item.pk}/").status_code == 403
