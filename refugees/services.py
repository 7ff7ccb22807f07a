"""Writes to the refugee registry. Keyword-only, typed, atomic; they take the acting user.

Each refuses (``PermissionDenied``) what its view refuses, through the predicates of
``refugees.access``: a wrong role, a profile outside the user's office, a change to an
anonymised profile. ``refugee_refresh_status`` is internal (called by the other services
and by projects and funding after their writes, with no acting user): it checks no role.
The import's commit is ``refugees.importing.import_commit``."""

import datetime
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.access import require
from core.erasure import ERASED
from core.models import User
from core.registry import status_rules
from refugees.access import can_edit_refugee, can_manage_subject_rights, can_register_refugee, can_view_refugee
from refugees.erasure import anonymised_values, erase_person
from refugees.models import (
    Consent,
    DuplicateConfirmation,
    ErasureLog,
    ProfileView,
    Refugee,
    RefugeeDocument,
    RefugeeNote,
    RefugeeStatus,
)
from refugees.viewlog import record_shown

ANONYMISED = ERASED  # the anonymised profile's names
logger = logging.getLogger("sanad.erasure")

# The fields a form or an import may set on a profile.
PROFILE_FIELDS = (
    "unhcr_individual_number",
    "unhcr_case_number",
    "first_name_latin",
    "last_name_latin",
    "first_name_ar",
    "last_name_ar",
    "sex",
    "date_of_birth",
    "birth_year",
    "date_of_birth_estimated",
    "nationality",
    "legal_status",
    "arrival_date",
    "region",
    "city",
    "phone",
    "languages",
    "education_level",
    "previous_occupation",
    "skills",
    "household_size",
    "specific_needs",
    "referral_source",
    "intake_date",
    "office",
    "caseworker",
)


def _derive(refugee: Refugee) -> None:
    refugee.set_name_keys()
    if refugee.date_of_birth:
        refugee.birth_year = refugee.date_of_birth.year
    if refugee.city_id and not refugee.region_id:
        refugee.region_id = refugee.city.region_id


def _confirm_duplicates(*, refugee: Refugee, others: Iterable[int], by: User) -> None:
    for other_id in set(others) - {refugee.pk}:
        DuplicateConfirmation.objects.get_or_create(refugee=refugee, other_id=other_id, defaults={"confirmed_by": by})


@transaction.atomic
def refugee_register(*, by: User, data: dict[str, Any], confirmed_duplicate_ids: Iterable[int] = ()) -> Refugee:
    """Create a profile; ``confirmed_duplicate_ids`` are the probable duplicates the user
    confirmed to be different people (recorded as DuplicateConfirmation)."""
    require(can_register_refugee(by, office=data.get("office")))
    refugee = Refugee(**{k: v for k, v in data.items() if k in PROFILE_FIELDS})
    _derive(refugee)
    refugee._history_user = by
    refugee.save()
    _confirm_duplicates(refugee=refugee, others=confirmed_duplicate_ids, by=by)
    refugee_refresh_status(refugee_ids=[refugee.pk])
    refugee.refresh_from_db(fields=["status"])
    return refugee


@transaction.atomic
def refugee_update(
    *, refugee: Refugee, by: User, data: dict[str, Any], confirmed_duplicate_ids: Iterable[int] = ()
) -> Refugee:
    require(can_edit_refugee(by, refugee))
    if "office" in data:  # moved: into an office of the user's scope
        require(can_register_refugee(by, office=data["office"]))
    for field, value in data.items():
        if field in PROFILE_FIELDS:
            setattr(refugee, field, value)
    _derive(refugee)
    refugee._history_user = by
    refugee.save()
    _confirm_duplicates(refugee=refugee, others=confirmed_duplicate_ids, by=by)
    return refugee


def profile_view_record(*, refugee: Refugee, by: User, page: str = "") -> ProfileView:
    """A profile shown outside a request (a shell, a task); the pages log through
    ``refugees.viewlog.log_shown``, the same rows."""
    require(can_view_refugee(by, refugee))
    return record_shown(by=by, people=refugee, what=ProfileView.What.PROFILE, page=page)[0]


@transaction.atomic
def note_add(*, refugee: Refugee, by: User, text: str) -> RefugeeNote:
    require(can_edit_refugee(by, refugee))
    note = RefugeeNote(refugee=refugee, author=by, text=text)
    note._history_user = by
    note.save()
    return note


@transaction.atomic
def consent_record(
    *,
    refugee: Refugee,
    by: User,
    purpose: str,
    given_on: datetime.date,
    partner=None,
    notes: str = "",
) -> Consent:
    require(can_edit_refugee(by, refugee))
    consent = Consent(
        refugee=refugee,
        purpose=purpose,
        partner=partner if purpose == Consent.Purpose.SHARE_IDENTIFIABLE else None,
        given_on=given_on,
        recorded_by=by,
        notes=notes,
    )
    consent._history_user = by
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by: User, on: datetime.date | None = None) -> Consent:
    require(can_edit_refugee(by, consent.refugee))
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        return consent
    consent.withdrawn_on = max(on or timezone.localdate(), consent.given_on)
    consent.withdrawn_recorded_by = by
    consent._history_user = by
    consent.save(update_fields=["withdrawn_on", "withdrawn_recorded_by", "updated_at"])
    return consent


@transaction.atomic
def document_upload(*, refugee: Refugee, by: User, kind: str, upload, content_type: str) -> RefugeeDocument:
    require(can_edit_refugee(by, refugee))
    doc = RefugeeDocument(
        refugee=refugee,
        kind=kind,
        # Django's UploadedFile keeps a name within 255 characters (the column's length).
        original_name=upload.name or "document",
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    doc.file.save(uuid.uuid4().hex, upload, save=False)
    doc._history_user = by
    doc.save()
    return doc


@transaction.atomic
def document_delete(*, document: RefugeeDocument, by: User) -> None:
    """Delete a document and its file; the history keeps who deleted what, when."""
    require(can_edit_refugee(by, document.refugee))
    storage, name = document.file.storage, document.file.name
    document._history_user = by
    document.delete()
    transaction.on_commit(lambda: storage.delete(name) if name and storage.exists(name) else None)


@transaction.atomic
def refugee_anonymise(*, refugee: Refugee, by: User) -> Refugee:
    """Erase a person's identity on request, keeping the row (and its counts) for aggregates.

    What is kept and what is removed, here and in the other apps: ``refugees.erasure``.
    Files are deleted once the transaction commits. The removals are logged in an
    ``ErasureLog`` row (who, when, kinds and counts, no values); the anonymisation itself
    stays in the history (who, when, reason "anonymised"). Programme managers only.
    """
    require(can_manage_subject_rights(by, refugee))
    refugee = Refugee.objects.select_for_update().get(pk=refugee.pk)
    if refugee.anonymised_at is not None:
        return refugee
    values = anonymised_values(refugee)
    report = erase_person(refugee=refugee, by=by)
    for field, value in values.items():
        setattr(refugee, field, value)
    refugee.anonymised_at = timezone.now()
    refugee._history_user = by
    refugee._change_reason = "anonymised"
    refugee.save()
    ErasureLog.objects.create(refugee=refugee, by=by, at=refugee.anonymised_at, removals=report.as_list())
    for entry in report.as_list():
        logger.info(
            "erasure of refugee %s by user %s: %s, %s rows, %s files",
            refugee.pk,
            by.pk,
            entry["kind"],
            entry["rows"],
            entry["files"],
        )
    return refugee


@transaction.atomic
def refugee_refresh_status(*, refugee_ids: Iterable[int]) -> None:
    """Recompute the derived status of these people from what happened to them.

    Higher apps declare the facts (``core.registry.status_rules``) and call this after a
    write that can change a status (attendance, application, financing, exit).
    """
    remaining = set(refugee_ids)
    if not remaining:
        return
    for rule in status_rules.rules():
        if not remaining:
            break
        matched = set(rule.having(Refugee.objects.filter(pk__in=remaining)).values_list("pk", flat=True))
        if matched:
            Refugee.objects.filter(pk__in=matched).exclude(status=rule.status).update(status=rule.status)
            remaining -= matched
    if remaining:
        Refugee.objects.filter(pk__in=remaining).exclude(status=RefugeeStatus.REGISTERED).update(
            status=RefugeeStatus.REGISTERED
        )
