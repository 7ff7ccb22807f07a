"""Indicators of people: refugees received, awareness and training participants, refugees
in financed projects (distinct persons, their own dimensions)."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Sum
from django.db.models.functions import Coalesce

from funding.models import Grant, GrantFunding
from projects.models import Attendance, ProjectMember
from projects.models import Session as ProgrammeSession
from refugees.models import Refugee
from reports.indicators.framework import UNKNOWN
from reports.indicators.queries import grouped, merge, people_count
from reports.indicators.sources import first_paid_between, using_project_facts, without_parallel_workers


def _refugees_received(start, end, by, filters):
    return people_count(Refugee.objects.filter(intake_date__range=(start, end)), start, end, by, filters)


def _participants(kind: str):
    def compute(start, end, by, filters):
        sessions = ProgrammeSession.objects.filter(kind=kind, date__range=(start, end))
        attended = Attendance.objects.filter(refugee=OuterRef("pk"), session__in=sessions)
        registered = people_count(Refugee.objects.filter(Exists(attended)), start, end, by, filters)
        # Unregistered attendees have no profile: they count under "unknown", except by
        # office, region and city, which come from the session.
        person_filters = set(filters) - {"office", "region", "city"}
        if person_filters:
            return registered
        if "office" in filters:
            sessions = sessions.filter(office__code=filters["office"])
        if "region" in filters:
            sessions = sessions.filter(city__region__code=filters["region"])
        if "city" in filters:
            sessions = sessions.filter(city__slug=filters["city"])
        dims = {"office": F("office__code"), "region": F("city__region__code"), "city": F("city__slug")}
        measure = Coalesce(Sum("unregistered_attendees"), 0)
        if by in dims:
            unregistered = grouped(sessions, dims, by, measure)
        elif by is None:
            unregistered = sessions.aggregate(v=measure)["v"]
        else:
            total = sessions.aggregate(v=measure)["v"]
            unregistered = {UNKNOWN: total} if total else {}
        return merge(registered, unregistered)

    return compute


def _refugees_in_financed_projects(start, end, by, filters):
    members = ProjectMember.objects.filter(
        refugee=OuterRef("pk"), project__in=first_paid_between(Grant.Kind.STARTUP, start, end)
    )
    if "donor" in filters:
        members = members.filter(
            Exists(
                GrantFunding.objects.filter(grant__project=OuterRef("project"), agreement__donor__code=filters["donor"])
            )
        )
        filters = {k: v for k, v in filters.items() if k != "donor"}
    if not using_project_facts():
        return people_count(Refugee.objects.filter(Exists(members)), start, end, by, filters)
    # From the facts, the members of the financed projects are a 40,000-row hash that a
    # parallel plan builds once in each process, the same hash three times over on two
    # cores: one process is twice as fast (benchmark, by region: 58 ms parallel, 28 ms not).
    # From the ledger, the grouped pass over a million payments does gain from the workers.
    with without_parallel_workers():
        return people_count(Refugee.objects.filter(Exists(members)), start, end, by, filters)


COMPUTE = {
    "refugees_received": _refugees_received,
    "awareness_participants": _participants(ProgrammeSession.Kind.AWARENESS),
    "people_trained": _participants(ProgrammeSession.Kind.TRAINING),
    "refugees_in_financed_projects": _refugees_in_financed_projects,
}
# Computed by several dimensions at once (``Indicator.several``): one row per person. Not
# the participants: their unregistered attendees are one number per session.
SEVERAL = {"refugees_received", "refugees_in_financed_projects"}
