"""The schema-driven fuzz: schemathesis generates requests from the OpenAPI schema (bodies,
query strings, path ids, valid and not) and sends them to a live server as each kind of
token; no answer is a 500. Bounded (``EXAMPLES`` per operation and token) to stay near a
minute on this machine."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings

from tests.factories.api import make_token
from tests.factories.funding import approved_project, awarded_grant
from tests.factories.projects import SessionFactory
from tests.factories.refugees import RefugeeFactory

EXAMPLES = 3


def _schema():
    return schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_request_the_schema_allows_makes_a_500(live_server, caseworker, manager, office_rabat):
    import json

    RefugeeFactory(office=office_rabat)
    SessionFactory(office=office_rabat)
    grant = awarded_grant(project=approved_project(office=office_rabat), by=manager, amount=Decimal("20000.00"))
    assert grant.awarded_on <= datetime.date.today()
    tokens = {
        "caseworker": make_token(user=caseworker)[1],
        "manager": make_token(user=manager, scopes=["cases:read", "cases:write", "reports:read"])[1],
        "partner": make_token(partner="unhcr")[1],
        "read_only": make_token(user=caseworker, scopes=["cases:read"])[1],
    }
    schema = _schema()
    failures = []
    calls = [0]

    def fuzz(operation, kind, header):

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            calls[0] += 1
            response = case.call(base_url=live_server.url, headers={"Authorization": header})
            if response.status_code >= 500:
                failures.append((kind, case.method, case.formatted_path, case.query, case.body))
            elif response.headers.get("Content-Type", "").endswith("json") and response.status_code >= 400:
                body = json.loads(response.content)
                assert {"code", "message", "fields"} <= set(body), body

        run()

    for result in schema.get_all_operations():
        for kind, header in tokens.items():
            fuzz(result.ok(), kind, header)
    print(f"\nAPI fuzz: {calls[0]} requests, {len(failures)} answered 500")
    assert not failures, failures[:10]
