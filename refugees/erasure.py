"""What anonymising a person removes from the registry, and what it keeps.

Called by ``refugees.services.refugee_anonymise`` (which checks the role and locks the
row) inside its transaction. Kept, for the aggregates: sex, nationality, legal status,
the birth year and a generalised date of birth (``core.agd.generalised_birth_date``: the
same UNHCR age bracket at every month end), the dates (intake, arrival), office, region,
city, household size, languages, education level, specific needs, referral source and
status. Removed: names in both scripts, the UNHCR numbers (the individual number becomes
``ANON-<id>``, unique and meaning nothing outside the row), phone, occupation, skills, the
assigned caseworker, notes, documents and their files, consent notes, duplicate
confirmations; the same values in every historical row; the Django admin log's mentions;
the view log keeps who viewed when. Then every app's provider (``core.registry.erasure``)
removes what it holds, and a last pass scrubs the person's identifiers out of every text
column of every row, current or historical, that points at them.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from core.erasure import (
    ERASED,
    ErasureReport,
    Identifiers,
    blank_rows,
    delete_files,
    file_names,
    scrub_admin_log,
    scrub_rows,
)
from core.erasure import text_fields as _text_fields
from core.registry import erasure
from core.storage import private_storage
from refugees.models import Consent, DuplicateConfirmation, Refugee, RefugeeDocument, RefugeeNote

# The kinds of data an erasure log record counts (documented in docs/refugees.md, Erasure).
KINDS = (
    "profile",
    "profile_history",
    "documents",
    "notes",
    "consent_notes",
    "duplicate_confirmations",
    "admin_log",
    "linked_texts",
    "projects_texts",
    "projects_files",
    "projects_history",
    "funding_texts",
    "funding_files",
    "funding_history",
    "shared_project_files_kept",
)

# The profile's identifying fields, emptied (the names and the number take placeholders).
IDENTIFYING = (
    "unhcr_case_number",
    "first_name_ar",
    "last_name_ar",
    "name_key",
    "search_key",
    "phone",
    "previous_occupation",
    "skills",
)


def identifiers_of(refugee: Refugee) -> Identifiers:
    """The person's names, numbers and phone as recorded now and in every earlier version."""
    fields = (
        "first_name_latin",
        "last_name_latin",
        "first_name_ar",
        "last_name_ar",
        "unhcr_individual_number",
        "unhcr_case_number",
        "phone",
    )
    versions = [{f: getattr(refugee, f) for f in fields}, *Refugee.history.filter(id=refugee.pk).values(*fields)]
    names, numbers, phones = set(), set(), set()
    for v in versions:
        names.update([v["first_name_latin"], v["last_name_latin"], v["first_name_ar"], v["last_name_ar"]])
        names.add(f"{v['first_name_latin']} {v['last_name_latin']}")
        names.add(f"{v['first_name_ar']} {v['last_name_ar']}")
        numbers.update([v["unhcr_individual_number"], v["unhcr_case_number"]])
        if v["phone"]:
            phones.add(v["phone"])
    names.discard(ERASED)
    return Identifiers.of(names=names, numbers=numbers, phones=phones)


def erase_person(*, refugee: Refugee, by) -> ErasureReport:
    """Remove the person from the registry, then from every app; returns what was removed.

    ``refugee`` is locked by the caller and still holds the person's values; the caller
    sets the anonymised values on it (``anonymised_values``) and saves it afterwards."""
    from core.agd import generalised_birth_date

    report = ErasureReport()
    ident = identifiers_of(refugee)
    values = anonymised_values(refugee)
    report.add("profile", rows=1)

    history = Refugee.history.filter(id=refugee.pk)
    history_values = {k: v for k, v in values.items() if k != "caseworker"}
    history_values["date_of_birth"] = generalised_birth_date(refugee.date_of_birth)
    report.add("profile_history", rows=history.update(**history_values))
    report.add("profile_history", rows=scrub_rows(history, ["history_change_reason"], ident))

    documents = RefugeeDocument.objects.filter(refugee=refugee)
    doc_history = RefugeeDocument.history.filter(refugee_id=refugee.pk)
    names = file_names((documents, "file"), (doc_history, "file"))
    deleted = 0
    for doc in documents:
        doc._history_user = by
        doc.delete()
        deleted += 1
    report.add("documents", rows=deleted, files=delete_files(private_storage, names))
    report.add("documents", rows=blank_rows(doc_history, {"original_name": ERASED, "file": ""}))

    notes, _by_model = RefugeeNote.objects.filter(refugee=refugee).delete()
    report.add("notes", rows=notes)
    report.add("notes", rows=blank_rows(RefugeeNote.history.filter(refugee_id=refugee.pk), {"text": ERASED}))

    report.add("consent_notes", rows=blank_rows(Consent.objects.filter(refugee=refugee), {"notes": ""}))
    report.add("consent_notes", rows=blank_rows(Consent.history.filter(refugee_id=refugee.pk), {"notes": ""}))

    confirmations, _by_model = DuplicateConfirmation.objects.filter(Q(refugee=refugee) | Q(other=refugee)).delete()
    report.add("duplicate_confirmations", rows=confirmations)

    erasure.run(refugee=refugee, identifiers=ident, report=report)
    report.add("linked_texts", rows=scrub_linked_rows(refugee, ident))
    report.add("admin_log", rows=scrub_whole_admin_log(refugee, ident, values))
    return report


def anonymised_values(refugee: Refugee) -> dict:
    from core.agd import generalised_birth_date

    return {
        "unhcr_individual_number": f"ANON-{refugee.pk}",
        "first_name_latin": ERASED,
        "last_name_latin": ERASED,
        **dict.fromkeys(IDENTIFYING, ""),
        "date_of_birth": generalised_birth_date(refugee.date_of_birth),
        "caseworker": None,
    }


def scrub_linked_rows(refugee: Refugee, ident: Identifiers) -> int:
    """The safety net: every text column of every row (any app, current or historical)
    with a foreign key to the person, and the admin log entries of those rows, scrubbed of
    their identifiers. The profile's own history is done already."""
    changed = 0
    for model in apps.get_models():
        if model is Refugee or model is Refugee.history.model:
            continue
        for fk in model._meta.concrete_fields:
            if fk.is_relation and fk.related_model is Refugee:
                rows = model._base_manager.filter(**{fk.attname: refugee.pk})
                changed += scrub_rows(rows, _text_fields(model), ident)
                if not hasattr(model, "instance_type"):  # not a historical model: it may be in the admin
                    changed += scrub_admin_log(model, rows.values_list("pk", flat=True), ident)
    return changed


def scrub_whole_admin_log(refugee: Refugee, ident: Identifiers, values: dict) -> int:
    """The Django admin log: the person's own entries take the anonymised name; any other
    entry naming them (full name, number, phone) is scrubbed."""
    anonymised = f"{ERASED} {ERASED} ({values['unhcr_individual_number']})"
    own = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Refugee), object_id=str(refugee.pk))
    changed = own.exclude(object_repr=anonymised).update(object_repr=anonymised)
    changed += scrub_rows(own, ["change_message"], ident)
    return changed + scrub_rows(LogEntry.objects.all(), ["object_repr", "change_message"], ident.strict())
