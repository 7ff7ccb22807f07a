"""What anonymising a person removes from funding (a provider of ``core.registry.erasure``,
run by ``refugees.services.refugee_anonymise`` in its transaction).

Kept, for the aggregates and the accounts: grants, tranches, the ledger's amounts, dates,
methods, statuses and approvers, the allocations to agreements, the visits' dates,
findings, revenue, jobs, checklist and verdicts.

Own and shared projects as in ``projects.erasure``:

* every project of the person: their identifiers are taken out of the grants' notes, the
  ledger's supplier and reference, the visits' observations and recommendations, the
  action points, the photos' captions (and the historical versions, the admin log);
* their own projects: receipts and visit photos are deleted (files, and the photo rows),
  the grants' notes, the visits' observations and recommendations and the action points'
  texts emptied;
* every project of the person: the visit forms' drafts (``VisitDraft``, transient) are
  deleted with their pending photos' files;
* a shared project keeps its receipts and photos (the other members' accounts and
  visits); the erasure log counts them (``shared_project_files_kept``).
"""

from __future__ import annotations

from core.erasure import ErasureReport, Identifiers, blank_rows, delete_files, file_names
from core.storage import private_storage
from funding.models import (
    ActionPoint,
    Disbursement,
    FollowUpVisit,
    Grant,
    PendingVisitPhoto,
    VisitDraft,
    VisitPhoto,
)
from projects.erasure import projects_of, scrub_querysets


def erase_from_funding(*, refugee, identifiers: Identifiers, report: ErasureReport) -> None:
    own, shared = projects_of(refugee)
    every = own + shared
    if not every:
        return
    current = [
        Grant.objects.filter(project_id__in=every),
        Disbursement.objects.filter(grant__project_id__in=every),
        FollowUpVisit.objects.filter(project_id__in=every),
        ActionPoint.objects.filter(visit__project_id__in=every),
        VisitPhoto.objects.filter(visit__project_id__in=every),
    ]
    historical = [Grant.history.filter(project_id__in=every), FollowUpVisit.history.filter(project_id__in=every)]
    report.add("funding_texts", rows=scrub_querysets(current, identifiers))
    report.add("funding_history", rows=scrub_querysets(historical, identifiers))

    receipts = Disbursement.objects.filter(grant__project_id__in=own).exclude(receipt="")
    photos = VisitPhoto.objects.filter(visit__project_id__in=own)
    files = file_names((receipts, "receipt"), (photos, "file"))
    report.add("funding_files", files=delete_files(private_storage, files))
    # The ledger is append-only for its accounting fields; the receipt is an attachment.
    report.add("funding_files", rows=Disbursement.objects.filter(pk__in=receipts.values("pk")).update(receipt=""))
    deleted, _by_model = photos.delete()
    report.add("funding_files", rows=deleted)
    report.add("funding_texts", rows=blank_rows(Grant.objects.filter(project_id__in=own), {"notes": ""}))
    report.add("funding_history", rows=blank_rows(Grant.history.filter(project_id__in=own), {"notes": ""}))
    visit_texts = {"observations": "", "recommendations": ""}
    report.add("funding_texts", rows=blank_rows(FollowUpVisit.objects.filter(project_id__in=own), visit_texts))
    report.add("funding_history", rows=blank_rows(FollowUpVisit.history.filter(project_id__in=own), visit_texts))
    report.add(
        "funding_texts",
        rows=blank_rows(ActionPoint.objects.filter(visit__project_id__in=own), {"description": "", "owner": ""}),
    )
    pending = PendingVisitPhoto.objects.filter(draft__project_id__in=every)
    report.add("funding_files", files=delete_files(private_storage, file_names((pending, "file"))))
    deleted, _by_model = VisitDraft.objects.filter(project_id__in=every).delete()
    report.add("funding_texts", rows=deleted)
    kept = file_names(
        (Disbursement.objects.filter(grant__project_id__in=shared), "receipt"),
        (VisitPhoto.objects.filter(visit__project_id__in=shared), "file"),
    )
    report.add("shared_project_files_kept", files=len([n for n in kept if private_storage.exists(n)]))
