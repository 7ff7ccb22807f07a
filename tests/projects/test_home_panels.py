"""Home panels: the pipeline for staff, the sittings to score for committee members."""

import pytest

from projects import services
from tests.projects.conftest import full_scores

pytestmark = pytest.mark.django_db


def test_the_caseworker_sees_the_pipeline_of_their_office(submitted, client_for, caseworker, other_caseworker):
    def pipeline(user) -> dict:
        panels = {p.key: ctx for p, ctx in client_for(user).get("/").context["panels"]}
        return {v: n for v, _label, n in panels["projects.pipeline"]["rows"]}

    assert pipeline(caseworker)["submitted"] == 1
    assert pipeline(other_caseworker)["submitted"] == 0


def test_a_committee_member_sees_what_is_left_to_score(item, members, criteria, client_for):
    panels = {p.key: ctx for p, ctx in client_for(members[1]).get("/").context["panels"]}
    assert panels["projects.committee"]["sittings"][0].to_score == 1
    services.score_record(item=item, member=members[1], values=full_scores(criteria))
    panels = {p.key: ctx for p, ctx in client_for(members[1]).get("/").context["panels"]}
    assert panels["projects.committee"]["sittings"][0].to_score == 0


def test_partners_get_no_projects_panel(client_for, partner_unhcr):
    keys = [p.key for p, _ctx in client_for(partner_unhcr).get("/").context["panels"]]
    assert not [k for k in keys if k.startswith("projects.")]
