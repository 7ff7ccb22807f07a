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


def test_the_pipeline_counts_rows_so_the_status_indexes_answer_it(submitted, caseworker):
    """``COUNT(*)``: the (office, status) and (status) indexes answer it with an index-only
    scan; a count of the key column made PostgreSQL read every row of the table."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from projects.panels import pipeline_context

    request = RequestFactory().get("/")
    request.user = caseworker
    with CaptureQueriesContext(connection) as queries:
        rows = pipeline_context(request)["rows"]
    assert {v: n for v, _label, n in rows}["submitted"] == 1
    (grouped,) = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert "COUNT(*)" in grouped
