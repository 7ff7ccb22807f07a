"""Visit drafts: the visit form as typed and its photos, kept server-side for the person
filling it in (saved while typing and on a refused submission; resumed on the next visit to
the form; discarded once the visit is saved)."""

from collections.abc import Iterable

from django.db import transaction

from funding import access
from funding.models import FollowUpVisit, PendingVisitPhoto, VisitDraft

# What a draft never keeps from the posted form.
_NOT_KEPT = {"csrfmiddlewaretoken", "save_draft", "discard_draft", "pending_photos"}


def draft_key(*, visit: FollowUpVisit | None = None, project=None) -> str:
    return f"v{visit.pk}" if visit is not None and visit.pk else f"x{project.pk}"


def _require(by, visit: FollowUpVisit | None, project) -> None:
    if visit is not None and visit.pk:
        access.require_record_visit(by, visit)
    else:
        access.require_record_extra_visit(by, project)


@transaction.atomic
def visit_draft_save(
    *, by, project, data: dict, visit: FollowUpVisit | None = None, photos: Iterable = ()
) -> VisitDraft:
    """Keep the form's fields (``data``: name -> list of values) and any new ``photos``
    (uploaded files, already validated as images) in the author's draft of this form."""
    _require(by, visit, project)
    fields = {k: [str(v) for v in vs] for k, vs in data.items() if k not in _NOT_KEPT}
    draft, _created = VisitDraft.objects.update_or_create(
        user=by, key=draft_key(visit=visit, project=project), defaults={"project": project, "data": fields}
    )
    for upload in photos:
        upload.seek(0)
        PendingVisitPhoto.objects.create(draft=draft, file=upload)
    return draft


@transaction.atomic
def visit_draft_discard(*, by, project, visit: FollowUpVisit | None = None) -> None:
    """Forget the author's draft of this form and delete its pending photos' files."""
    _require(by, visit, project)
    draft = VisitDraft.objects.filter(user=by, key=draft_key(visit=visit, project=project)).first()
    if draft is None:
        return
    files = [p.file for p in draft.photos.all()]
    draft.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
