"""Exports: one person's data (subject access) and the identifiable partner list (CSV).

Every exported cell goes through :func:`safe_cell`, so a value typed as a formula
(``=HYPERLINK(...)``) is never executed when the file is opened in a spreadsheet.
"""

import csv
import io
from typing import Any

from core.security.cells import neutralise
from refugees.models import Refugee

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
