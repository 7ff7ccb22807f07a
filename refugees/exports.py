"""Exports: one person's data (subject access) and the identifiable partner list (CSV).

Every exported cell goes through :func:`safe_cell`, so a value typed as a formula
(``=HYPERLINK(...)``) is never executed when the file is opened in a spreadsheet.
"""

import csv
import io
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.security.cells import neutralise
from refugees.models import Language, Refugee, SpecificNeed

# One rule for every spreadsheet Sanad writes (core.security.cells).
safe_cell = neutralise


def refugee_subject_data(refugee: Refugee) -> dict[str, Any]:
    """Everything the registry holds about a person (for a subject access request)."""
    profile = {
        "unhcr_individual_number": refugee.unhcr_individual_number,
        "unhcr_case_number": refugee.unhcr_case_number,
        "first_name_latin": refugee.first_name_latin,
        "last_name_latin": refugee.last_name_latin,
        "first_name_ar": refugee.first_name_ar,
        "last_name_ar": refugee.last_name_ar,
        "sex": refugee.sex,
        "date_of_birth": refugee.date_of_birth.isoformat() if refugee.date_of_birth else None,
        "birth_year": refugee.birth_year,
        "date_of_birth_estimated": refugee.date_of_birth_estimated,
        "nationality": str(refugee.nationality),
        "legal_status": refugee.legal_status,
        "arrival_date": refugee.arrival_date.isoformat() if refugee.arrival_date else None,
        "region": refugee.region.code if refugee.region_id else None,
        "city": refugee.city.slug if refugee.city_id else None,
        "phone": refugee.phone,
        "languages": refugee.languages,
        "education_level": refugee.education_level,
        "previous_occupation": refugee.previous_occupation,
        "skills": refugee.skills,
        "household_size": refugee.household_size,
        "specific_needs": refugee.specific_needs,
        "referral_source": refugee.referral_source,
        "intake_date": refugee.intake_date.isoformat(),
        "office": refugee.office.code,
        "status": refugee.status,
        "anonymised_at": refugee.anonymised_at.isoformat() if refugee.anonymised_at else None,
        "created_at": refugee.created_at.isoformat(),
    }
    return {
        "profile": profile,
        "consents": [
            {
                "purpose": c.purpose,
                "partner": c.partner.code if c.partner_id else None,
                "given_on": c.given_on.isoformat(),
                "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
                "notes": c.notes,
            }
            for c in refugee.consents.select_related("partner")
        ],
        "notes": [{"written_at": n.created_at.isoformat(), "text": n.text} for n in refugee.notes.all()],
        "documents": [
            {"kind": d.kind, "file_name": d.original_name, "uploaded_at": d.created_at.isoformat(), "size": d.size}
            for d in refugee.documents.all()
        ],
        "profile_views": refugee.views.count(),
    }


PARTNER_EXPORT_COLUMNS = [
    "unhcr_individual_number",
    "first_name_latin",
    "last_name_latin",
    "first_name_ar",
    "last_name_ar",
    "sex",
    "birth_year",
    "nationality",
    "legal_status",
    "city",
    "status",
    "office",
]


def partner_csv(refugees) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PARTNER_EXPORT_COLUMNS)
    for r in refugees.select_related("city", "office").order_by("pk"):
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    r.unhcr_individual_number,
                    r.first_name_latin,
                    r.last_name_latin,
                    r.first_name_ar,
                    r.last_name_ar,
                    r.sex,
                    r.birth_year or (r.date_of_birth.year if r.date_of_birth else ""),
                    str(r.nationality),
                    r.legal_status,
                    r.city.slug if r.city_id else "",
                    r.status,
                    r.office.code,
                )
            ]
        )
    return out.getvalue()


def refugee_subject_readable(refugee: Refugee) -> dict[str, Any]:
    """The same data as :func:`refugee_subject_data`, for the person to read on the printed
    page: each field's label and value in the active language (choices by their label,
    the nationality by its country name, the city and region by name, dates as dates, lists
    joined), no field names or codes."""

    def label(name: str) -> str:
        return str(capfirst(Refugee._meta.get_field(name).verbose_name))

    def choices(values, enum) -> str:
        labels = dict(enum.choices)
        return ", ".join(str(labels.get(v, v)) for v in values or ())

    yes_no = {True: _("Yes"), False: _("No")}
    rows = [
        (label("unhcr_individual_number"), refugee.unhcr_individual_number),
        (label("unhcr_case_number"), refugee.unhcr_case_number),
        (label("first_name_latin"), refugee.first_name_latin),
        (label("last_name_latin"), refugee.last_name_latin),
        (label("first_name_ar"), refugee.first_name_ar),
        (label("last_name_ar"), refugee.last_name_ar),
        (label("sex"), refugee.get_sex_display()),
        (label("date_of_birth"), refugee.date_of_birth),
        (label("birth_year"), refugee.birth_year),
        (label("date_of_birth_estimated"), yes_no[bool(refugee.date_of_birth_estimated)]),
        (label("nationality"), refugee.nationality.name if refugee.nationality else ""),
        (label("legal_status"), refugee.get_legal_status_display()),
        (label("arrival_date"), refugee.arrival_date),
        (label("region"), refugee.region.name if refugee.region_id else ""),
        (label("city"), refugee.city.name if refugee.city_id else ""),
        (label("phone"), refugee.phone),
        (label("languages"), choices(refugee.languages, Language)),
        (label("education_level"), refugee.get_education_level_display()),
        (label("previous_occupation"), refugee.previous_occupation),
        (label("skills"), refugee.skills),
        (label("household_size"), refugee.household_size),
        (label("specific_needs"), choices(refugee.specific_needs, SpecificNeed)),
        (label("referral_source"), refugee.get_referral_source_display()),
        (label("intake_date"), refugee.intake_date),
        (label("office"), refugee.office.name),
        (label("status"), refugee.get_status_display()),
    ]
    return {
        "profile": rows,
        "consents": [
            {
                "purpose": c.get_purpose_display(),
                "partner": c.partner.name if c.partner_id else "",
                "given_on": c.given_on,
                "withdrawn_on": c.withdrawn_on,
            }
            for c in refugee.consents.select_related("partner")
        ],
        "notes": [{"written_at": n.created_at, "text": n.text} for n in refugee.notes.all()],
        "documents": [
            {"kind": d.get_kind_display(), "file_name": d.original_name, "uploaded_at": d.created_at}
            for d in refugee.documents.all()
        ],
    }
