"""The partner endpoints: the same protected figures as the partner's dashboard for the
same scope and period (one publication), a period outside the calendar refused, the
definitions in the request's language, the runs of the partner's own organisation only,
and no case record ever."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from core.models import PartnerOrganisation
from reports.disclosure import calendar
from reports.disclosure.dashboard import partner_dashboard
from tests.factories.api import make_token
from tests.factories.reports import done_run
from tests.reports.test_disclosure_attacks import YEAR, _register

pytestmark = pytest.mark.django_db

PEOPLE = (
    [("F", 1990, "SY", "refugee", "rabat", "rabat", 3)] * 7
    + [("M", 2012, "CD", "asylum_seeker", "casablanca", "casa", 5)] * 3
    + [("F", 1950, "YE", "refugee", "sale", "rabat", 8)] * 6
    + [("M", 1990, "SY", "refugee", "mohammedia", "casa", 2)] * 2
)


def _indexed(payload):
    totals, margins = {}, {}
    for item in payload["indicators"]:
        totals[item["code"]] = item["total"]
        for m in item["margins"]:
            for cell in m["cells"]:
                margins[(item["code"], m["dimension"], cell["key"])] = cell["value"]
    rates = {(r["months"], r["dimension"], r["key"]): r["rate"] for r in payload["survival"]}
    money = {(d["dimension"], d["key"], d["donor"], d["quarter"]): d["mad"] for d in payload["disbursements"]}
    return totals, margins, rates, money


@pytest.mark.parametrize("code", ["unhcr", "ministry", "anapec", "eu"])
def test_it_returns_the_dashboards_protected_figures_for_the_same_partner_and_period(api, code):
    _register(PEOPLE)
    partner = PartnerOrganisation.objects.get(code=code)
    cache.clear()
    views = partner_dashboard(partner=partner, period=YEAR)["views"]
    _t, header = make_token(partner=partner)
    response = api(header).get("/api/v1/partner/indicators/", {"period": "2019"})
    assert response.status_code == 200
    totals, margins, rates, money = _indexed(response.json())
    acronyms = dict(PartnerOrganisation.objects.values_list("acronym", "code"))
    compared = 0
    for name, view in views.items():
        dim, key = name.split(":", 1) if name else (None, None)

        def api_value(c, dim=dim, key=key):
            return totals[c] if dim is None else margins.get((c, dim, key), 0)

        for step in view["funnel"]:
            assert step["value"] == api_value(step["code"]), (name, step)
            compared += 1
        for point in view["survival"]:
            m = point["month"]
            assert point["visited"] == api_value(f"visited_{m}m"), (name, point)
            assert point["operating"] == api_value(f"operating_{m}m"), (name, point)
            rate = rates.get((m, dim, key))
            assert (None if point["survival"] is None else str(point["survival"])) == (
                None if rate is None else str(rate)
            ), (name, point)
        quarters = view["disbursements"]["quarters"]
        for serie in view["disbursements"]["series"]:
            donor = acronyms[serie["donor"]]
            for quarter, value in zip(quarters, serie["values"], strict=True):
                assert str(value) == str(money.get((dim, key, donor, str(quarter)), 0)), (name, donor, quarter)
                compared += 1
    assert compared > 0


def test_the_regions_table_and_the_money_are_the_same_too(api):
    from reports.disclosure.space import REGION_COLUMNS

    _register(PEOPLE)
    partner = PartnerOrganisation.objects.get(code="ministry")
    cache.clear()
    view = partner_dashboard(partner=partner, period=YEAR)["views"][""]
    _t, header = make_token(partner=partner)
    payload = api(header).get("/api/v1/partner/indicators/", {"period": "2019"}).json()
    totals, margins, _rates, _money = _indexed(payload)
    assert view["regions"]["totals"] == [totals[c] for c in REGION_COLUMNS]
    api_rows = sorted(
        tuple(margins.get((c, "region", k), 0) for c in REGION_COLUMNS)
        for k in {key for (_c, d, key) in margins if d == "region"}
    )
    assert sorted(tuple(r["values"]) for r in view["regions"]["rows"]) == api_rows


def test_no_count_from_1_to_4_leaves_the_api(api):
    _register(PEOPLE)
    for code in ("unhcr", "ministry", "anapec", "eu"):
        _t, header = make_token(partner=code)
        payload = api(header).get("/api/v1/partner/indicators/", {"period": "2019"}).json()
        values = [i["total"] for i in payload["indicators"] if i["unit"] == "count"]
        values += [
            c["value"] for i in payload["indicators"] if i["unit"] == "count" for m in i["margins"] for c in m["cells"]
        ]
        values += [c["value"] for i in payload["indicators"] for t in i["tables"] for c in t["cells"]]
        assert not [v for v in values if isinstance(v, int) and 0 < v < 5], code


def test_a_period_outside_the_calendar_is_refused(api):
    _t, header = make_token(partner="unhcr")
    for key in ("2019-Q1", "2019-03", "1999", "abc", str(datetime.date.today().year)):
        response = api(header).get("/api/v1/partner/indicators/", {"period": key})
        assert response.status_code == 400, key
        assert response.json()["code"] == "invalid"
        assert "period" in response.json()["fields"]


def test_the_calendar_lists_complete_periods_only(api):
    _t, header = make_token(partner="unhcr")
    body = api(header).get("/api/v1/partner/periods/").json()
    assert body["granularity"] == calendar.YEAR
    assert all(datetime.date.fromisoformat(p["end"]) < datetime.date.today() for p in body["periods"])


def test_the_definitions_come_in_the_requests_language(api):
    _t, header = make_token(partner="unhcr")
    labels = {}
    for lang in ("ar", "fr", "en"):
        body = api(header).get("/api/v1/partner/definitions/", HTTP_ACCEPT_LANGUAGE=lang).json()
        labels[lang] = {d["code"]: d["label"] for d in body}
        assert all(d["definition"] for d in body)
    assert labels["ar"]["refugees_received"] != labels["en"]["refugees_received"] != labels["fr"]["refugees_received"]


def test_a_partner_gets_its_own_organisations_runs_and_their_files_only(api, manager):
    own = done_run("unhcr", by=manager)
    own.file.save("unhcr.json", ContentFile(b'{"a": 1}'), save=True)
    other = done_run("anapec", by=manager)
    _t, header = make_token(partner="unhcr")
    client = api(header)
    listed = [r["id"] for r in client.get("/api/v1/report-runs/").json()["results"]]
    assert listed == [own.pk]
    assert client.get(f"/api/v1/report-runs/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/report-runs/{other.pk}/file/").status_code == 404
    response = client.get(f"/api/v1/report-runs/{own.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b'{"a": 1}'


def test_a_partner_token_reads_no_case_and_a_manager_no_partner_figures(api, manager):
    _t, partner_header = make_token(partner="unhcr")
    for url in ("/api/v1/refugees/", "/api/v1/projects/", "/api/v1/grants/", "/api/v1/visits/", "/api/v1/sessions/"):
        assert api(partner_header).get(url).status_code == 403, url
    _t, manager_header = make_token(user=manager)
    assert api(manager_header).get("/api/v1/partner/indicators/").status_code == 403
