"""Committee scoring is blind: a member sees the others' scores on an item (on its page
and on the sitting's agenda) only once they have recorded their own; the manager sees
them. A sitting's member count is right for every viewer (a member's scope joins the
members table: it said "1")."""

import pytest
from django.urls import reverse

from projects import services
from tests.projects.conftest import full_scores

pytestmark = pytest.mark.django_db


def _item_url(item):
    return reverse("projects:item_detail", args=[item.sitting_id, item.pk])


def test_a_member_who_has_not_scored_sees_no_other_score(client_for, scored_item, members, criteria):
    third = members[2]
    response = client_for(third).get(_item_url(scored_item))
    html = response.content.decode()
    assert response.context["member_scores"] == [] and response.context["weighted"] is None
    assert 'id="scores-blind"' in html and "7.00" not in html
    agenda = client_for(third).get(reverse("projects:sitting_detail", args=[scored_item.sitting_id])).context["agenda"]
    assert [row.weighted for row in agenda] == [None] and agenda[0].blind

    services.score_record(item=scored_item, member=third, values=full_scores(criteria, 7))
    response = client_for(third).get(_item_url(scored_item))
    assert len(response.context["member_scores"]) == 3
    assert response.context["weighted"] is not None


def test_a_member_who_scored_and_the_manager_see_the_scores(client_for, scored_item, members, manager):
    for who in (members[0], manager):
        response = client_for(who).get(_item_url(scored_item))
        assert len(response.context["member_scores"]) == 2
        assert not response.context["blind"]


@pytest.mark.parametrize("who", ["manager", "chair"])
def test_the_sitting_list_counts_every_member(request, client_for, sitting, who):
    response = client_for(request.getfixturevalue(who)).get(reverse("projects:sitting_list"))
    assert response.status_code == 200
    row = next(s for s in response.context["page"] if s.pk == sitting.pk)
    assert (row.member_count, row.agenda_count) == (3, 0)
