"""Every writing service of projects refuses a wrong user itself (``PermissionDenied``) and
changes nothing, called directly as a shell, a task or the API would call it: the
committee member, the partner officer, the admin, a caseworker of another office (every
record here is Rabat's), and the roles that may not do that particular thing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.models import City
from core.roles import Role
from projects import services
from projects.models import (
    AgendaItem,
    Attendance,
    BudgetLine,
    BusinessProject,
    CommitteeDecision,
    CommitteeSitting,
    ConflictOfInterest,
    Cooperative,
    FeasibilityStudy,
    LegalForm,
    ProjectMember,
    ProjectOutcome,
    ProjectStatus,
    ProjectTransition,
    Score,
    Sector,
    Session,
)
from tests.factories.core import make_user
from tests.factories.projects import BudgetLineFactory, BusinessProjectFactory, ProjectMemberFactory, SessionFactory
from tests.factories.refugees import RefugeeFactory
from tests.projects.conftest import full_scores

pytestmark = pytest.mark.django_db

OUTSIDERS = ["committee_off", "partner_unhcr", "admin_user"]  # write nothing here
STAFF_WRONG = [*OUTSIDERS, "committee_member", "other_caseworker"]  # a write on a Rabat record
MANAGER_ONLY = [*OUTSIDERS, "committee_member", "caseworker", "other_caseworker"]
MEMBER_ONLY = [*OUTSIDERS, "caseworker", "manager"]  # a member's own act on their sitting
CHAIR_ONLY = [*MEMBER_ONLY, "member_b"]  # the decision: not even another member
CLOSER_WRONG = [*OUTSIDERS, "caseworker", "member_b"]  # closing a sitting: the chair or a manager


@pytest.fixture
def committee_off(db):
    """A committee member who sits on no sitting here."""
    return make_user(Role.COMMITTEE_MEMBER, username="committee.off")


@pytest.fixture
def member_b(members):
    """A member of the sitting who is not its chair."""
    return members[1]


def _rabat_city():
    return City.objects.get(slug="rabat")


def _in_status(get, status, **fields):
    project = BusinessProjectFactory(office=get("office_rabat"), created_by=get("caseworker"), status=status, **fields)
    ProjectMemberFactory(project=project, refugee=RefugeeFactory(office=get("office_rabat")), is_lead=True)
    return project


def _session(get):
    return {"session": SessionFactory(office=get("office_rabat"))}


def _session_and_refugee(get, *, present=False):
    session = SessionFactory(office=get("office_rabat"))
    refugee = RefugeeFactory(office=get("office_rabat"))
    if present:
        Attendance.objects.create(session=session, refugee=refugee)
    return {"session": session, "refugee": refugee}


# Each case: the service, who is wrong, what it needs (built before the snapshot), the call.
CASES = {
    "session_create": (
        STAFF_WRONG,
        lambda get: {"office": get("office_rabat")},
        lambda by, office: services.session_create(
            by=by,
            kind=Session.Kind.AWARENESS,
            topic="First steps",
            date=datetime.date(2026, 3, 1),
            city=_rabat_city(),
            office=office,
        ),
    ),
    "session_update": (
        STAFF_WRONG,
        _session,
        lambda by, session: services.session_update(session=session, by=by, topic="Changed"),
    ),
    "attendance_add": (
        STAFF_WRONG,
        _session_and_refugee,
        lambda by, session, refugee: services.attendance_add(session=session, refugee=refugee, by=by),
    ),
    "attendance_remove": (
        STAFF_WRONG,
        lambda get: _session_and_refugee(get, present=True),
        lambda by, session, refugee: services.attendance_remove(session=session, refugee=refugee, by=by),
    ),
    "attendance_set": (
        STAFF_WRONG,
        lambda get: _session_and_refugee(get, present=True),
        lambda by, session, refugee: services.attendance_set(
            session=session, by=by, present=[RefugeeFactory(office=session.office).pk], absent=[refugee.pk]
        ),
    ),
    "project_create": (
        STAFF_WRONG,
        lambda get: {"office": get("office_rabat")},
        lambda by, office: services.project_create(
            by=by,
            title="Bakery",
            activity="Bread",
            sector=Sector.RETAIL,
            legal_form=LegalForm.INDIVIDUAL,
            city=_rabat_city(),
            office=office,
            own_contribution=Decimal("100.00"),
        ),
    ),
    "project_update": (
        STAFF_WRONG,
        lambda get: {"project": get("draft")},
        lambda by, project: services.project_update(project=project, by=by, title="Changed"),
    ),
    "member_add": (
        STAFF_WRONG,
        lambda get: {"project": get("draft"), "refugee": RefugeeFactory(office=get("office_rabat"))},
        lambda by, project, refugee: services.member_add(project=project, refugee=refugee, by=by, is_lead=True),
    ),
    "member_shares_set": (
        STAFF_WRONG,
        lambda get: {"member": get("ready_draft").members.get()},
        lambda by, member: services.member_shares_set(project=member.project, by=by, shares={member.pk: Decimal(50)}),
    ),
    "member_remove": (
        STAFF_WRONG,
        lambda get: {"member": get("ready_draft").members.get()},
        lambda by, member: services.member_remove(member=member, by=by),
    ),
    "budget_line_add": (
        STAFF_WRONG,
        lambda get: {"project": get("draft")},
        lambda by, project: services.budget_line_add(
            project=project,
            by=by,
            category=BudgetLine.Category.EQUIPMENT,
            description="Oven",
            quantity=1,
            unit_cost=100,
        ),
    ),
    "budget_line_remove": (
        STAFF_WRONG,
        lambda get: {"line": BudgetLineFactory(project=get("draft"))},
        lambda by, line: services.budget_line_remove(line=line, by=by),
    ),
    "study_save": (
        STAFF_WRONG,
        lambda get: {"project": get("draft")},
        lambda by, project: services.study_save(project=project, by=by, market="A busy street"),
    ),
    "cooperative_save": (
        STAFF_WRONG,
        lambda get: {"project": _in_status(get, ProjectStatus.DRAFT, legal_form=LegalForm.COOPERATIVE)},
        lambda by, project: services.cooperative_save(project=project, by=by, proposed_name="Coopérative Amal"),
    ),
    "project_submit": (
        STAFF_WRONG,
        lambda get: {"project": get("ready_draft")},
        lambda by, project: services.project_submit(project=project, by=by),
    ),
    "project_mark_funded": (
        STAFF_WRONG,
        lambda get: {"project": _in_status(get, ProjectStatus.APPROVED)},
        lambda by, project: services.project_mark_funded(project=project, by=by),
    ),
    "project_mark_operating": (
        STAFF_WRONG,
        lambda get: {"project": _in_status(get, ProjectStatus.FUNDED)},
        lambda by, project: services.project_mark_operating(project=project, by=by),
    ),
    "project_close": (
        STAFF_WRONG,
        lambda get: {"project": _in_status(get, ProjectStatus.OPERATING)},
        lambda by, project: services.project_close(project=project, by=by, outcome=ProjectOutcome.CLOSED_BUSINESS),
    ),
    "project_close_by_hand": (
        MANAGER_ONLY,
        lambda get: {"project": _in_status(get, ProjectStatus.OPERATING)},
        lambda by, project: services.project_close_by_hand(
            project=project, by=by, outcome=ProjectOutcome.SUSTAINED, comment="Support completed"
        ),
    ),
    "sitting_create": (
        MANAGER_ONLY,
        lambda get: {"chair": get("chair"), "members": get("members")},
        lambda by, chair, members: services.sitting_create(
            by=by, date=datetime.date(2026, 4, 1), chair=chair, members=members, quorum=2
        ),
    ),
    "agenda_add": (
        MANAGER_ONLY,
        lambda get: {"sitting": get("sitting"), "project": get("submitted")},
        lambda by, sitting, project: services.agenda_add(sitting=sitting, project=project, by=by),
    ),
    "score_record": (
        MEMBER_ONLY,
        lambda get: {"item": get("item"), "criteria": get("criteria")},
        lambda by, item, criteria: services.score_record(item=item, member=by, values=full_scores(criteria)),
    ),
    "conflict_declare": (
        MEMBER_ONLY,
        lambda get: {"item": get("item")},
        lambda by, item: services.conflict_declare(item=item, member=by, reason="I know the applicant"),
    ),
    "decision_record": (
        CHAIR_ONLY,
        lambda get: {"item": get("scored_item")},
        lambda by, item: services.decision_record(
            item=item, by=by, decision=CommitteeDecision.Decision.APPROVED, approved_amount=Decimal("1000")
        ),
    ),
    "project_approve": (
        CHAIR_ONLY,
        lambda get: {"project": get("item").project},
        lambda by, project: services.project_approve(project=project, by=by),
    ),
    "project_reject": (
        CHAIR_ONLY,
        lambda get: {"project": get("item").project},
        lambda by, project: services.project_reject(project=project, by=by),
    ),
    "project_return": (
        CHAIR_ONLY,
        lambda get: {"project": get("item").project},
        lambda by, project: services.project_return(project=project, by=by),
    ),
    "sitting_attendance": (
        CLOSER_WRONG,
        lambda get: {"sitting": get("sitting")},
        lambda by, sitting: services.sitting_attendance(sitting=sitting, by=by, present=[]),
    ),
    "sitting_close": (
        CLOSER_WRONG,
        lambda get: {"sitting": get("sitting")},
        lambda by, sitting: services.sitting_close(sitting=sitting, by=by),
    ),
}


def _snapshot():
    """Everything the projects services write."""
    models = (
        Session,
        Attendance,
        BusinessProject,
        ProjectMember,
        BudgetLine,
        FeasibilityStudy,
        Cooperative,
        ProjectTransition,
        CommitteeSitting,
        AgendaItem,
        Score,
        ConflictOfInterest,
        CommitteeDecision,
    )
    return (
        {model.__name__: model.objects.count() for model in models},
        list(Attendance.objects.order_by("pk").values_list("session_id", "refugee_id")),
        list(BusinessProject.objects.order_by("pk").values_list("pk", "status", "title", "outcome", "office_id")),
        list(ProjectMember.objects.order_by("pk").values_list("pk", "is_lead", "is_active", "share_percent")),
        list(Session.objects.order_by("pk").values_list("pk", "topic", "office_id")),
        list(CommitteeSitting.objects.order_by("pk").values_list("pk", "status")),
        list(FeasibilityStudy.objects.order_by("pk").values_list("pk", "market")),
    )


@pytest.mark.parametrize(
    ("service", "wrong"),
    [(service, wrong) for service, (wrongs, _setup, _call) in CASES.items() for wrong in wrongs],
)
def test_it_refuses_a_wrong_user_and_changes_nothing(service, wrong, request):
    _wrongs, setup, call = CASES[service]
    context = setup(request.getfixturevalue)
    by = request.getfixturevalue(wrong)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        call(by, **context)
    assert _snapshot() == before


def test_every_writing_service_has_a_case():
    """A new service exported by ``projects.services`` needs its row above."""
    readers = {"active_project_of", "quorum_met", "submission_problems"}
    assert set(services.__all__) - readers == set(CASES)
