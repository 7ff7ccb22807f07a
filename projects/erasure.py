"""What anonymising a person removes from projects (a provider of ``core.registry.erasure``,
run by ``refugees.services.refugee_anonymise`` in its transaction).

Kept, for the aggregates: memberships, attendance, the projects' sector, legal form,
place, office, amounts, statuses, transitions (who, when, from, to), committee scores and
decisions.

A project is **the person's own** when no other member of it is still identifiable (they
are its only member, or every other member is anonymised already); otherwise it is
**shared**.

* Every project of the person, own or shared: their names (both scripts), UNHCR numbers
  and phone are taken out of every text of the project (title, activity, budget lines,
  feasibility study, cooperative name, transition comments, committee decisions and
  conflict declarations) and of their historical versions and admin log entries.
* Their own projects: the feasibility study's document is deleted (every version's
  file) and its texts emptied; transition comments, decision conditions and reasons, and
  conflict-of-interest reasons are emptied (free text written about this person alone).
* A shared project keeps its files (the study is the other members' dossier too, and a
  scan cannot be redacted) and its texts minus the person's identifiers: the erasure log
  counts the files kept (``shared_project_files_kept``). When the last identifiable
  member is anonymised, the project becomes theirs and the files go.
"""

from __future__ import annotations

from django.db.models import QuerySet

from core.erasure import ErasureReport, Identifiers, blank_rows, delete_files, file_names, scrub_admin_log, scrub_rows
from core.erasure import text_fields as _text_fields
from core.storage import private_storage
from projects.models import (
    BudgetLine,
    BusinessProject,
    CommitteeDecision,
    ConflictOfInterest,
    Cooperative,
    FeasibilityStudy,
    ProjectMember,
    ProjectTransition,
)


def projects_of(refugee) -> tuple[list[int], list[int]]:
    """(own, shared): the ids of the person's projects with no other identifiable member,
    and of those with one."""
    ids = set(ProjectMember.objects.filter(refugee=refugee).values_list("project_id", flat=True))
    shared = set(
        ProjectMember.objects.filter(project_id__in=ids, refugee__anonymised_at__isnull=True)
        .exclude(refugee=refugee)
        .values_list("project_id", flat=True)
    )
    return sorted(ids - shared), sorted(shared)


def scrub_querysets(querysets: list[QuerySet], identifiers: Identifiers, *, admin_log: bool = True) -> int:
    """Take the person's identifiers out of every text column of these rows (and of the
    admin log entries of the rows of non-historical models)."""
    changed = 0
    for qs in querysets:
        changed += scrub_rows(qs, _text_fields(qs.model), identifiers)
        if admin_log and not hasattr(qs.model, "instance_type"):
            changed += scrub_admin_log(qs.model, qs.values_list("pk", flat=True), identifiers)
    return changed


def erase_from_projects(*, refugee, identifiers: Identifiers, report: ErasureReport) -> None:
    own, shared = projects_of(refugee)
    every = own + shared
    if not every:
        return
    current = [
        BusinessProject.objects.filter(pk__in=every),
        BudgetLine.objects.filter(project_id__in=every),
        FeasibilityStudy.objects.filter(project_id__in=every),
        Cooperative.objects.filter(project_id__in=every),
        ProjectTransition.objects.filter(project_id__in=every),
        CommitteeDecision.objects.filter(item__project_id__in=every),
        ConflictOfInterest.objects.filter(item__project_id__in=every),
        ProjectMember.objects.filter(project_id__in=every),
    ]
    historical = [
        BusinessProject.history.filter(id__in=every),
        BudgetLine.history.filter(project_id__in=every),
        FeasibilityStudy.history.filter(project_id__in=every),
        Cooperative.history.filter(project_id__in=every),
        ProjectMember.history.filter(project_id__in=every),
    ]
    report.add("projects_texts", rows=scrub_querysets(current, identifiers))
    report.add("projects_history", rows=scrub_querysets(historical, identifiers))

    studies = FeasibilityStudy.objects.filter(project_id__in=own)
    study_history = FeasibilityStudy.history.filter(project_id__in=own)
    files = file_names((studies, "document"), (study_history, "document"))
    texts = {"market": "", "competition": "", "opinion_text": ""}
    report.add("projects_files", files=delete_files(private_storage, files))
    report.add("projects_texts", rows=blank_rows(studies, {**texts, "document": ""}))
    report.add("projects_history", rows=blank_rows(study_history, {**texts, "document": ""}))
    report.add("projects_texts", rows=blank_rows(ProjectTransition.objects.filter(project_id__in=own), {"comment": ""}))
    report.add(
        "projects_texts",
        rows=blank_rows(CommitteeDecision.objects.filter(item__project_id__in=own), {"conditions": "", "reason": ""}),
    )
    report.add(
        "projects_texts", rows=blank_rows(ConflictOfInterest.objects.filter(item__project_id__in=own), {"reason": ""})
    )
    kept = file_names(
        (FeasibilityStudy.objects.filter(project_id__in=shared), "document"),
        (FeasibilityStudy.history.filter(project_id__in=shared), "document"),
    )
    report.add("shared_project_files_kept", files=len([n for n in kept if private_storage.exists(n)]))
