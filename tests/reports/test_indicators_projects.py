"""Project indicators: applications, financing, reinforcement, cooperatives, donors."""

import datetime

import pytest
from django.utils import timezone

from funding.models import Grant
from projects.models import AgendaItem, CommitteeDecision, CommitteeSitting, Cooperative, ProjectTransition
from reports.indicators import registry
from tests.factories.core import UserFactory
from tests.factories.projects import BusinessProjectFactory
from tests.factories.refugees import RefugeeFactory
from tests.factories.reports import agreement, financed_project, pay

pytestmark = pytest.mark.django_db
S, E = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)


def at(y, m, d):
    return timezone.make_aware(datetime.datetime(y, m, d, 12))


def value(code, **kw):
    return registry[code].compute(S, E, **kw)


def test_it_counts_each_submitted_project_once():
    user = UserFactory()
    p1, p2, p3 = BusinessProjectFactory(), BusinessProjectFactory(), BusinessProjectFactory()
    for project, when in [(p1, at(2019, 2, 1)), (p1, at(2019, 6, 1)), (p2, at(2019, 3, 1)), (p3, at(2018, 3, 1))]:
        ProjectTransition.objects.create(
            project=project, action="submit", from_status="draft", to_status="submitted", by=user, at=when
        )
    assert value("applications_submitted") == 2
    assert value("applications_submitted", by="office") == {"rabat": 2}


def test_it_counts_committee_decisions_in_the_period():
    user = UserFactory()
    sitting = CommitteeSitting.objects.create(date=S, chair=user)
    for decision, when in [("approved", at(2019, 2, 1)), ("rejected", at(2019, 4, 1)), ("approved", at(2020, 2, 1))]:
        project = BusinessProjectFactory()
        RefugeeFactory()
        item = AgendaItem.objects.create(sitting=sitting, project=project)
        CommitteeDecision.objects.create(
            item=item,
            decision=decision,
            approved_amount=10000 if decision == "approved" else None,
            decided_by=user,
            decided_at=when,
        )
    assert value("applications_approved") == 1
    assert value("applications_rejected") == 1


def test_it_counts_projects_by_their_first_approved_startup_payment():
    eu = agreement("eu")
    early = financed_project(datetime.date(2018, 12, 20), agreements=[eu])
    # a second tranche in the period does not make the project "financed in the period"
    pay(early.grants.get(), datetime.date(2019, 2, 1), "5000", agreements=[eu])
    financed_project(datetime.date(2019, 3, 1), agreements=[eu])
    pending = BusinessProjectFactory()
    grant = Grant.objects.create(project=pending, kind="startup", amount=1000, awarded_on=S, awarded_by=UserFactory())
    pay(grant, datetime.date(2019, 3, 1), "1000", agreements=[eu], status="pending")
    assert value("projects_financed") == 1


def test_it_counts_refugees_in_financed_projects_and_their_profile():
    woman, man = RefugeeFactory(sex="F", nationality="CM"), RefugeeFactory(sex="M", nationality="SY")
    financed_project(datetime.date(2019, 5, 1), members=[woman, man])
    financed_project(datetime.date(2019, 6, 1), members=[RefugeeFactory(sex="F")])
    assert value("projects_financed") == 2
    assert value("refugees_in_financed_projects") == 3
    assert value("refugees_in_financed_projects", by="sex") == {"F": 2, "M": 1}
    # a project's person dimensions are its lead's
    assert value("projects_financed", by="sex") == {"F": 2}
    assert value("projects_financed", by="nationality") == {"CM": 1, "SY": 1}
    assert value("projects_financed", by="age") == {"18-59": 2}
    assert value("projects_financed", by="legal_status") == {"refugee": 2}
    # filtered by the lead's profile, not by any member's
    assert value("projects_financed", filters={"sex": "M"}) == 0
    assert value("projects_financed", filters={"sex": "F", "nationality": "CM"}) == 1
    assert value("projects_financed", by="nationality", filters={"sex": "F"}) == {"CM": 1, "SY": 1}
    assert value("projects_financed", by="region") == {"MA-04": 2}


def test_it_counts_reinforced_startups_apart():
    project = financed_project(datetime.date(2018, 6, 1))
    financed_project(datetime.date(2019, 2, 1), project=project, kind=Grant.Kind.REINFORCEMENT, amount="5000")
    assert value("projects_financed") == 0
    assert value("startups_reinforced") == 1


def test_it_counts_cooperatives_registered_in_the_period():
    for day in (datetime.date(2019, 4, 1), datetime.date(2018, 4, 1), None):
        Cooperative.objects.create(
            project=BusinessProjectFactory(),
            proposed_name="Coop",
            name_approval_date=datetime.date(2018, 1, 1),
            registration_date=day,
        )
    assert value("cooperatives_created") == 1


def test_it_disaggregates_by_donor_counting_a_cofunded_project_for_each():
    eu, ch = agreement("eu"), agreement("switzerland", currency="CHF")
    financed_project(datetime.date(2019, 2, 1), agreements=[eu])
    financed_project(datetime.date(2019, 3, 1), agreements=[eu, ch])
    assert value("projects_financed", by="donor") == {"eu": 2, "switzerland": 1}
    assert value("projects_financed", filters={"donor": "switzerland"}) == 1
    assert value("refugees_in_financed_projects", filters={"donor": "switzerland"}) == 1


PROJECT_INDICATORS = ("projects_financed", "startups_reinforced", "visits_done", "operating_6m", "amount_disbursed_mad")


@pytest.mark.parametrize("dim", ["sex", "nationality", "legal_status"])
def test_a_filter_on_the_lead_s_person_dimension_gives_that_group(dim):
    """A project's person dimensions are its lead member's: filtering on one (EXISTS over
    the leads) gives what grouping by it (the lead's value per project) gives."""
    from tests.factories.reports import visit

    eu = agreement("eu")
    kinds = [("F", "SY", "refugee"), ("M", "SY", "asylum_seeker"), ("F", "CF", "refugee"), ("M", "CF", "refugee")]
    for n, (sex, nat, status) in enumerate(kinds * 2):
        lead = RefugeeFactory(sex=sex, nationality=nat, legal_status=status)
        # a member unlike the lead, whose dimensions must not count
        other = RefugeeFactory(sex="M" if sex == "F" else "F", nationality="IQ", legal_status="asylum_seeker")
        project = financed_project(datetime.date(2019, 1 + n, 5), members=[lead, other], agreements=[eu])
        visit(project, 6, datetime.date(2019, 7 + n // 2, 6))
        if n % 2:
            financed_project(datetime.date(2019, 3 + n, 1), project=project, kind="reinforcement", agreements=[eu])
    for code in PROJECT_INDICATORS:
        groups = value(code, by=dim)
        assert groups, code
        for key, expected in groups.items():
            assert value(code, filters={dim: key}) == expected, (code, key)
