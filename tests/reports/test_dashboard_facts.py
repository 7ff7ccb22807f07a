"""The dashboard's fast path (ProjectFacts, LedgerQuarter) gives exactly the figures the
indicator registry and the ledger give from the records."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from funding.models import FollowUpVisit
from reports import selectors
from reports.facts import facts_current, facts_refresh
from reports.indicators import from_project_facts, registry
from reports.models import ProjectFacts
from tests.factories.core import OfficeFactory
from tests.factories.refugees import RefugeeFactory
from tests.factories.reports import agreement, financed_project, pay, visit

pytestmark = pytest.mark.django_db
MANAGER = {"filters": {}, "suppressed": False, "donor": None}
D = datetime.date


@pytest.fixture
def programme(db):
    """Projects in two offices, co-funded ones, a reinforcement, a reversal, visits that
    find businesses closed, and visits dated after some periods' ends."""
    eu, japan = agreement("eu"), agreement("japan", currency="JPY", rate="0.090000")
    other_office = OfficeFactory()
    projects = []
    for n in range(9):
        lead = RefugeeFactory(sex="F" if n % 3 else "M", nationality="SY" if n % 2 else "CF")
        kw = {"office": other_office, "region": other_office.city.region} if n % 4 == 0 else {}
        agreements = [eu, japan] if n % 3 == 0 else [japan] if n == 4 else [eu]
        projects.append(financed_project(D(2019, 1 + n, 10 + n), members=[lead], agreements=agreements, **kw))
    grant = projects[1].grants.get()
    payment = pay(grant, D(2019, 5, 5), "1500.10", agreements=[eu])
    pay(grant, D(2019, 5, 9), "1500.10", agreements=[eu], kind="reversal", reverses=payment)
    pay(grant, D(2019, 6, 1), "999.99", agreements=[eu], status="pending")
    financed_project(D(2019, 11, 2), project=projects[2], kind="reinforcement", agreements=[japan], amount="5000")
    for n, p in enumerate(projects[:7]):
        visit(
            p,
            6,
            D(2019, 7, 3) + datetime.timedelta(days=20 * n),
            status="closed" if n == 1 else "operating",
            jobs_refugee_women=n % 2,
        )
        if n > 1:
            visit(p, 12, D(2020, 1 + n, 20), status="closed" if n == 3 else "operating")
    visit(projects[0], 12, D(2020, 2, 1), status="operating")
    return projects


PERIODS = [
    (D(2018, 2, 1), D(2020, 12, 31)),  # mid-quarter start, every visit done by the end
    (D(2019, 1, 1), D(2019, 12, 31)),  # whole quarters, some visits after the end
    (D(2019, 2, 15), D(2019, 8, 20)),  # partial quarters at both ends
    (D(2019, 5, 2), D(2019, 5, 30)),  # inside one quarter
]


@pytest.mark.parametrize(("start", "end"), PERIODS)
@pytest.mark.parametrize("filters", [{}, {"sex": "F"}, {"nationality": "SY"}, {"region": "OTHER"}, {"office": "OTHER"}])
def test_it_gives_the_records_figures_from_the_facts(programme, start, end, filters):
    if filters.get("region"):
        filters = {"region": programme[0].region.code}
    if filters.get("office"):
        filters = {"office": programme[0].office.code}
    facts_refresh()
    state = facts_current()
    assert state is not None
    fast = selectors.dashboard_compute(start=start, end=end, filters=filters, scope=MANAGER)
    slow = selectors._dashboard(start=start, end=end, filters=filters, scope=MANAGER, facts=None)
    assert fast == slow
    funnel = {s["code"]: s["value"] for s in fast["funnel"]}
    for code, value in funnel.items():
        assert value == registry[code].compute(start, end, filters=filters)
    assert selectors.kaplan_meier(end, filters, facts=state) == selectors.kaplan_meier(end, filters)


def test_it_gives_a_donor_its_own_figures_from_the_facts(programme):
    scope = {"filters": {"donor": "japan"}, "suppressed": True, "donor": "japan"}
    facts_refresh()
    fast = selectors.dashboard_compute(start=D(2019, 1, 1), end=D(2020, 12, 31), filters={}, scope=scope)
    slow = selectors._dashboard(start=D(2019, 1, 1), end=D(2020, 12, 31), filters={}, scope=scope, facts=None)
    assert fast == slow
    assert [s["donor"] for s in fast["disbursements"]["series"]] == ["JP"] or len(fast["disbursements"]["series"]) == 1


def test_it_sums_the_ledger_per_quarter_exactly(programme):
    facts_refresh()
    data = selectors.ledger_quarters_by_donor(D(2018, 2, 1), D(2020, 12, 31), {})
    assert data == selectors.disbursements_by_donor(D(2018, 2, 1), D(2020, 12, 31), {})
    eu = next(
        s
        for s in data["series"]
        if s["values"] and s["donor"] == programme[0].grants.get().funding.first().agreement.donor.acronym
    )
    assert sum(eu["values"]) == sum(
        selectors.disbursements_by_donor(D(2018, 2, 1), D(2020, 12, 31), {"donor": "eu"})["series"][0]["values"]
    )


def test_it_keeps_one_row_per_financed_project_with_its_first_payments(programme):
    facts_refresh()
    assert ProjectFacts.objects.count() == 9
    facts = ProjectFacts.objects.get(project=programme[2])
    assert (facts.first_startup_payment, facts.first_reinforcement_payment) == (D(2019, 3, 12), D(2019, 11, 2))
    assert (facts.km_failed_at, facts.km_seen_at, facts.km_complete_from) == (None, 12, D(2020, 3, 20))
    assert (facts.visit_6m_done_on, facts.visit_6m_operating_on) == (D(2019, 8, 12), D(2019, 8, 12))
    closed = ProjectFacts.objects.get(project=programme[3])
    assert (closed.visit_12m_done_on, closed.visit_12m_operating_on) == (D(2020, 4, 20), None)


def test_reports_never_read_the_facts(programme):
    """Facts damaged behind the ORM's back (no signal) leave the registry, and so every
    report, counting from the records."""
    facts_refresh()
    before = registry["projects_financed"].compute(D(2019, 1, 1), D(2019, 12, 31))
    ProjectFacts.objects.filter(project=programme[0]).delete()
    assert facts_current() is not None
    assert registry["projects_financed"].compute(D(2019, 1, 1), D(2019, 12, 31)) == before == 9


SURVIVAL = [f"{kind}_{m}m" for m in (6, 12, 24) for kind in ("visited", "operating")]


@pytest.mark.parametrize(("start", "end"), [*PERIODS, (D(2019, 1, 1), D(2020, 2, 25))])
def test_the_survival_counts_from_the_facts_are_the_registry_s(programme, start, end):
    facts_refresh()
    for code in SURVIVAL:
        for by, filters in [(None, {}), ("region", {}), ("sex", {}), (None, {"donor": "japan"}), ("age", {})]:
            from_records = registry[code].compute(start, end, by=by, filters=filters)
            with from_project_facts():
                assert registry[code].compute(start, end, by=by, filters=filters) == from_records, (code, by)


KM_FILTERS = [{}, {"region": "OTHER"}, {"office": "OTHER"}, {"donor": "japan"}]


def _in_other_office(filters: dict, project) -> dict:
    """``filters`` with "OTHER" as the region or office of ``project`` (the other office's)."""
    other = {"region": project.region.code, "office": project.office.code}
    return {k: other[k] if v == "OTHER" else v for k, v in filters.items()}


@pytest.mark.parametrize("at_most", [0, 1, selectors.KM_IDS_AT_MOST])
@pytest.mark.parametrize("end", [end for _start, end in PERIODS])
@pytest.mark.parametrize("filters", KM_FILTERS)
def test_the_survival_curve_from_the_facts_is_the_records_one(programme, monkeypatch, at_most, end, filters):
    """Whichever way the visits after the period's end are read: none, by id, or by a pass
    over all the visits when there are more than ``KM_IDS_AT_MOST`` such projects."""
    monkeypatch.setattr(selectors, "KM_IDS_AT_MOST", at_most)
    filters = _in_other_office(filters, programme[0])
    facts_refresh()
    state = facts_current()
    assert selectors.kaplan_meier(end, filters, facts=state) == selectors.kaplan_meier(end, filters)


def test_the_survival_curve_reads_no_visit_when_every_visit_is_before_the_end(programme):
    facts_refresh()
    state = facts_current()
    with CaptureQueriesContext(connection) as ctx:
        curve = selectors.kaplan_meier(D(2020, 12, 31), {}, facts=state)
    assert not [q for q in ctx.captured_queries if FollowUpVisit._meta.db_table in q["sql"]]
    assert curve == selectors.kaplan_meier(D(2020, 12, 31), {})
    assert curve[0]["at_risk"] == 7  # the projects with a done visit


@pytest.mark.parametrize("by", [None, "region", "office", "city", "sex"])
def test_refugees_in_financed_projects_from_the_facts_are_the_records_ones(programme, by):
    facts_refresh()
    for start, end in PERIODS:
        from_records = registry["refugees_in_financed_projects"].compute(start, end, by=by)
        with from_project_facts():
            assert registry["refugees_in_financed_projects"].compute(start, end, by=by) == from_records


def test_the_one_process_plan_does_not_outlast_its_query(programme):
    """The count from the facts is planned without parallel workers; the setting is put
    back afterwards, inside an outer transaction too."""
    facts_refresh()

    def workers():
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            return cursor.fetchone()[0]

    before = workers()
    with transaction.atomic():
        with from_project_facts():
            registry["refugees_in_financed_projects"].compute(D(2019, 1, 1), D(2019, 12, 31), by="region")
        assert workers() == before
    assert workers() == before
