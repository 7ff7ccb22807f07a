"""A person with everything, built through the services (and the Django admin over HTTP),
and the searches that prove an erasure left nothing: every text, varchar and json column
of every table, every file under the private and public media folders."""

import datetime
import hashlib
import os
import uuid
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from core.models import City
from funding.models import ActionPoint, FollowUpVisit
from funding.services import disbursement_approve, disbursement_record, visit_record
from projects import services as projects
from projects.models import ScoringCriterion
from refugees.services import consent_record, document_upload, note_add, refugee_register
from tests.factories.funding import agreement_with_rates, awarded_grant

TEXT_TYPES = {"CharField", "TextField", "JSONField", "SlugField", "EmailField", "GenericIPAddressField"}


def person_data(office, *, first, last, first_ar, last_ar, number, phone, born, intake, sex="F", nationality="SY"):
    city = City.objects.get(slug="rabat")
    return {
        "unhcr_individual_number": number,
        "unhcr_case_number": number[:-1] + "0",
        "first_name_latin": first,
        "last_name_latin": last,
        "first_name_ar": first_ar,
        "last_name_ar": last_ar,
        "sex": sex,
        "date_of_birth": born,
        "nationality": nationality,
        "legal_status": "refugee",
        "arrival_date": datetime.date(2023, 5, 1),
        "city": city,
        "phone": phone,
        "languages": ["ar", "fr"],
        "education_level": "secondary",
        "previous_occupation": f"Tailor at {last} & Sons",
        "skills": f"Sewing; {first} trained her sisters",
        "household_size": 3,
        "specific_needs": ["single_parent"],
        "referral_source": "unhcr",
        "intake_date": intake,
        "office": office,
    }


def upload(name: str, marker: str, kind: str = "pdf") -> SimpleUploadedFile:
    """A file whose bytes carry the person's name (so the file search can find it) and
    random bytes (so its hash is its own)."""
    head = b"%PDF-1.4\n%" if kind == "pdf" else b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
    body = head + marker.encode() + b"\n" + os.urandom(32) + b"\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf" if kind == "pdf" else "image/jpeg")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def register(by, office, **kw):
    return refugee_register(by=by, data=person_data(office, **kw))


def give_everything(refugee, *, caseworker, manager, manager2, committee, hashes, project=None, with_grant=True):
    """Notes, consent, documents, a project (study with document, budget, committee
    review with a conflict declared), a grant with a paid receipt, a visit with photos and
    action points. ``hashes`` collects the SHA-256 of every uploaded file."""
    name = refugee.full_name_latin
    marker = f"{name} {refugee.full_name_ar} {refugee.unhcr_individual_number} {refugee.phone}"

    def keep(f):
        hashes.add(sha256(f.read()))
        f.seek(0)
        return f

    note_add(refugee=refugee, by=caseworker, text=f"{name} called from {refugee.phone}")
    consent_record(
        refugee=refugee, by=caseworker, purpose="participation", given_on=refugee.intake_date, notes=f"Signed by {name}"
    )
    for kind in ("id_card", "refugee_certificate"):
        document_upload(
            refugee=refugee,
            by=caseworker,
            kind=kind,
            upload=keep(upload(f"{name}.pdf", marker)),
            content_type="application/pdf",
        )
    if project is None:
        project = projects.project_create(
            by=caseworker,
            title=f"Atelier {refugee.first_name_latin}",
            activity=f"Couture chez {refugee.last_name_latin}",
            sector="textile",
            legal_form="individual",
            city=City.objects.get(slug="rabat"),
            office=refugee.office,
            own_contribution=Decimal("500.00"),
        )
        lead = True
    else:
        lead = False
    share = Decimal(100) if lead else Decimal(50)
    if not lead:  # a second member: the lead keeps half (the shares never add up to more than 100 %)
        project.members.filter(is_lead=True).update(share_percent=Decimal(50))
    projects.member_add(project=project, refugee=refugee, by=caseworker, is_lead=lead, share_percent=share)
    if not lead:
        return project
    projects.budget_line_add(
        project=project,
        by=caseworker,
        category="equipment",
        description=f"Machine for {refugee.first_name_latin}",
        quantity=Decimal(1),
        unit_cost=Decimal("9000.00"),
    )
    study = {
        "market": f"{name} knows the market of Hay Riad",
        "competition": "Two tailors",
        "expected_monthly_revenue": Decimal("4000.00"),
        "expected_monthly_costs": Decimal("1500.00"),
        "opinion": "favourable",
        "opinion_text": f"{refugee.first_name_ar} is motivated; call {refugee.phone}",
    }
    projects.study_save(project=project, by=caseworker, document=keep(upload("study.pdf", marker)), **study)
    projects.study_save(project=project, by=caseworker, document=keep(upload("study-v2.pdf", marker)), **study)
    return project


def review_and_fund(project, *, name, caseworker, manager, manager2, committee, hashes):
    """Committee (with a conflict naming the person), grant, paid receipt, visit with photos."""
    chair, member_b, member_c = committee
    projects.project_submit(project=project, by=caseworker, comment=f"Submitted for {name}")
    sitting = projects.sitting_create(
        by=manager, date=datetime.date(2025, 6, 10), chair=chair, members=committee, quorum=2, location="Rabat"
    )
    item = projects.agenda_add(sitting=sitting, project=project, by=manager)
    projects.conflict_declare(item=item, member=member_c, reason=f"I know {name} personally")
    criteria = {c.pk: 7 for c in ScoringCriterion.objects.filter(is_active=True)}
    projects.score_record(item=item, member=chair, values=criteria)
    projects.score_record(item=item, member=member_b, values=criteria)
    projects.decision_record(
        item=item, by=chair, decision="approved", approved_amount=Decimal("8500.00"), conditions=f"{name} buys locally"
    )
    agreement = agreement_with_rates(code="eu", reference=f"EU-E-{uuid.uuid4().hex[:6]}")
    grant = awarded_grant(
        project=project, by=manager, amount=Decimal("8500.00"), shares=[(agreement, "8500.00")],
        awarded_on=datetime.date(2025, 7, 1),
    )  # fmt: skip
    grant.notes = f"For {name}"
    grant.save(update_fields=["notes"])
    receipt = upload("receipt.pdf", f"Paid to {name}")
    hashes.add(sha256(receipt.read()))
    receipt.seek(0)
    entry, _created = disbursement_record(
        grant=grant,
        tranche=grant.tranches.first(),
        date=datetime.date(2025, 7, 10),
        amount=Decimal("8500.00"),
        method="bank_transfer",
        by=caseworker,
        idempotency_key=uuid.uuid4().hex,
        reference=f"Transfer {name}",
        receipt=receipt,
    )
    disbursement_approve(entry=entry, by=manager2)
    visit = FollowUpVisit.objects.filter(project=project).order_by("due_date").first()
    photos = [upload(f"shop-{n}.jpg", f"{name} in her shop", kind="jpg") for n in range(2)]
    for p in photos:
        hashes.add(sha256(p.read()))
        p.seek(0)
    visit_record(
        visit=visit,
        by=caseworker,
        data={
            "done_on": datetime.date(2025, 8, 12),
            "mode": "on_site",
            "business_status": "operating",
            "monthly_revenue": Decimal("4200.00"),
            "monthly_costs": Decimal("1800.00"),
            "jobs_refugee_women": 1,
            "observations": f"{name} works with her cousin",
            "recommendations": f"Call {name} monthly",
            "verdict": "satisfactory",
        },
        photos=photos,
        action_points=[
            ActionPoint(description=f"{name} opens an account", owner=name, due_date=datetime.date(2025, 9, 1))
        ],
    )
    return grant


def admin_post_data(response) -> dict:
    """The POST a user would send back from a Django admin change page, built from its
    forms (the main form and every inline formset), unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for field in management.fields:
            data[management.add_prefix(field)] = management[field].value()
        forms += list(inline.formset.forms)
    for form in forms:
        for field in form.fields:
            value = form[field].value()
            key = form.add_prefix(field)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)
    return data


def admin_edit(client, model_name: str, pk: int, **changes):
    url = reverse(f"admin:{model_name}_change", args=[pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {**admin_post_data(page), **changes, "_save": "Save"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def text_columns() -> dict[str, list[str]]:
    """Every text, varchar and json column of every table, read from the database."""
    intro = connection.introspection
    columns = {}
    with connection.cursor() as cursor:
        for table in intro.get_table_list(cursor):
            if table.type != "t":
                continue
            found = []
            for col in intro.get_table_description(cursor, table.name):
                kind = intro.get_field_type(col.type_code, col)
                if kind in TEXT_TYPES:
                    found.append(col.name)
            if found:
                columns[table.name] = found
    return columns


def database_hits(needles) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every needle found, in any case, in any text column."""
    needles = [n for n in needles if n]
    patterns = [f"%{n}%" for n in needles]
    hits = []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, cols in text_columns().items():
            for col in cols:
                sql = f"SELECT {qn(col)}::text FROM {qn(table)} WHERE {qn(col)}::text ILIKE ANY(%s)"  # noqa: S608
                cursor.execute(sql, [patterns])
                for (value,) in cursor.fetchall():
                    hits += [(table, col, n) for n in needles if n.lower() in value.lower()]
    return hits


def file_hits(roots, needles, hashes) -> list[tuple[str, str]]:
    """(path, what) for every file under ``roots`` whose bytes contain a needle or whose
    SHA-256 is one of ``hashes``."""
    hits = []
    encoded = [n.encode() for n in needles if n]
    for root in roots:
        for path in Path(root).rglob("*"):
            if not path.is_file():
                continue
            content = path.read_bytes()
            if sha256(content) in hashes:
                hits.append((str(path), "sha256"))
            hits += [(str(path), n.decode()) for n in encoded if n.lower() in content.lower()]
    return hits
