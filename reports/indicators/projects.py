"""Indicators of projects: applications submitted, approved, rejected; projects financed,
start-ups reinforced, cooperatives created (each project once, its lead member's
dimensions)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from funding.models import Grant
from projects.models import BusinessProject, CommitteeDecision, Cooperative, ProjectTransition
from reports.indicators.queries import project_count
from reports.indicators.sources import financed_projects, first_paid_between, using_project_facts


def _applications_submitted(start, end, by, filters):
    submitted = ProjectTransition.objects.filter(
        project=OuterRef("pk"), to_status="submitted", at__date__gte=start, at__date__lte=end
    )
    return project_count(BusinessProject.objects.filter(Exists(submitted)), start, end, by, filters)


def _decisions(decision: str):
    def compute(start, end, by, filters):
        decided = CommitteeDecision.objects.filter(
            item__project=OuterRef("pk"), decision=decision, decided_at__date__gte=start, decided_at__date__lte=end
        )
        return project_count(BusinessProject.objects.filter(Exists(decided)), start, end, by, filters)

    return compute


def _first_paid_count(kind: str):
    def compute(start, end, by, filters):
        if by is None and not filters and using_project_facts():
            # ProjectFacts has one row per project (its primary key): counting its rows in
            # the period is counting the projects, without joining them (12 ms became 3).
            return first_paid_between(kind, start, end).count()
        return project_count(financed_projects(start, end, kind), start, end, by, filters)

    return compute


_projects_financed = _first_paid_count(Grant.Kind.STARTUP)


_startups_reinforced = _first_paid_count(Grant.Kind.REINFORCEMENT)


def _cooperatives_created(start, end, by, filters):
    coops = Cooperative.objects.filter(registration_date__range=(start, end)).values("project")
    return project_count(BusinessProject.objects.filter(pk__in=coops), start, end, by, filters)


COMPUTE = {
    "applications_submitted": _applications_submitted,
    "applications_approved": _decisions(CommitteeDecision.Decision.APPROVED),
    "applications_rejected": _decisions(CommitteeDecision.Decision.REJECTED),
    "projects_financed": _projects_financed,
    "startups_reinforced": _startups_reinforced,
    "cooperatives_created": _cooperatives_created,
}
SEVERAL = set(COMPUTE)  # one row per project (``Indicator.several``)
