"""The ledger's facts are filed under the project's place (office, region, city, the lead
member's sex, nationality and legal status) and follow it: a lead member changed, a lead's
sex or nationality corrected, a project moved to another city each move the project's
amounts and units, so the filtered money series from the facts stays the records' one and
the nightly rebuild finds no drift."""

import datetime

import pytest

from core.models import City
from projects.models import ProjectMember
from refugees.services import refugee_update
from reports import selectors
from reports.facts import facts_current, facts_refresh
from tests.factories.refugees import RefugeeFactory
from tests.factories.reports import agreement, financed_project, pay

pytestmark = pytest.mark.django_db
D = datetime.date
NO_DRIFT = {"projects": 0, "ledger_keys": 0}
FILTERS = [{}, {"sex": "F"}, {"sex": "M"}, {"nationality": "CF"}, {"legal_status": "asylum_seeker"}]
FILTERS += [{"city": "kenitra"}, {"age": "18-59"}]
PERIODS = [(D(2019, 1, 1), D(2019, 12, 31)), (D(2019, 2, 15), D(2019, 11, 20))]


@pytest.fixture
def paid(db):
    eu, japan = agreement("eu"), agreement("japan", currency="JPY", rate="0.090000")
    woman, man = RefugeeFactory(sex="F", nationality="SY"), RefugeeFactory(sex="M", nationality="CF")
    project = financed_project(D(2019, 2, 10), members=[woman, man], agreements=[eu, japan], amount="20000")
    grant = project.grants.get()
    pay(grant, D(2019, 5, 3), "3000", agreements=[eu])
    other = financed_project(D(2019, 4, 1), members=[RefugeeFactory(sex="M")], agreements=[eu], amount="9000")
    facts_refresh()
    assert facts_current() is not None
    return {"project": project, "woman": woman, "man": man, "other": other, "eu": eu}


def assert_facts_follow():
    for start, end in PERIODS:
        for filters in FILTERS:
            fast = selectors.ledger_quarters_by_donor(start, end, filters)
            assert fast == selectors.disbursements_by_donor(start, end, filters), filters
    assert facts_refresh() == NO_DRIFT


def women_amount() -> object:
    series = selectors.ledger_quarters_by_donor(D(2019, 1, 1), D(2019, 12, 31), {"sex": "F"})["series"]
    return sum((sum(s["values"]) for s in series), 0)


def test_another_lead_takes_the_amounts_to_their_place(paid):
    """As the Django admin does it: one member saved after the other."""
    assert women_amount() == 23000
    old = ProjectMember.objects.get(project=paid["project"], refugee=paid["woman"])
    old.is_lead = False
    old.save()
    new = ProjectMember.objects.get(project=paid["project"], refugee=paid["man"])
    new.is_lead = True
    new.save()
    assert women_amount() == 0
    assert_facts_follow()


def test_a_lead_removed_and_another_added(paid):
    ProjectMember.objects.get(project=paid["project"], refugee=paid["woman"]).delete()
    assert women_amount() == 0
    ProjectMember.objects.create(project=paid["project"], refugee=RefugeeFactory(sex="F"), is_lead=True)
    assert women_amount() == 23000
    assert_facts_follow()


def test_a_corrected_sex_or_nationality_moves_the_amounts(paid, manager):
    refugee_update(refugee=paid["woman"], by=manager, data={"sex": "M", "nationality": "CF"})
    assert women_amount() == 0
    assert_facts_follow()
    refugee_update(refugee=paid["woman"], by=manager, data={"legal_status": "asylum_seeker"})
    assert_facts_follow()


def test_a_project_moved_to_another_city_takes_its_amounts(paid):
    project = paid["project"]
    project.city = City.objects.get(slug="kenitra")
    project.save()
    series = selectors.ledger_quarters_by_donor(D(2019, 1, 1), D(2019, 12, 31), {"city": "kenitra"})["series"]
    assert sum(sum(s["values"]) for s in series) == 23000
    assert [sum(s["units"]) for s in series] == [2, 1]  # the project in Q1 and Q2 (EU), in Q1 (Japan)
    assert_facts_follow()


def test_a_reversal_approved_counts_the_project_out_of_its_quarter(paid):
    grant = paid["other"].grants.get()
    payment = grant.disbursements.get()
    pay(grant, D(2019, 6, 1), "9000", agreements=[paid["eu"]], kind="reversal", reverses=payment)
    series = selectors.ledger_quarters_by_donor(D(2019, 1, 1), D(2019, 12, 31), {})["series"]
    eu = next(s for s in series if s["donor"] == paid["eu"].donor.acronym)
    assert (eu["values"], eu["units"]) == ([10000, 3000], [1, 1])  # Q2: the project's 3000; the other one's net is zero
    assert_facts_follow()
