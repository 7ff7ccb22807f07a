"""Demo funding for ``seed_demo``: the four donors' agreements with dated exchange rates,
and today's living programme (grants split across donors, payments, a reversal, entries
awaiting approval, visits done, overdue and due this week, a closed business, a
reinforcement grant). Idempotent: every record is found again by a stable key.

Dates are relative to today so the services' "not in the future" rules hold whenever
the demo is seeded; nothing is dated in the historical period 2018-02 .. 2020-01 except
the agreements themselves (their real periods).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from core.models import City, Office, PartnerOrganisation, User
from core.money import Currency
from funding.models import Disbursement, ExchangeRate, FollowUpVisit, FundingAgreement, Grant
from funding.services import (
    ShareSpec,
    TrancheSpec,
    disbursement_approve,
    disbursement_record,
    disbursement_reject,
    disbursement_reverse,
    grant_award,
    visit_record,
    visit_record_extra,
)
from projects.models import BusinessProject, LegalForm, ProjectMember, ProjectStatus, ProjectTransition, Sector

# reference, donor code, title, currency, amount, start, end, [(valid_from, MAD per unit)]
AGREEMENTS = [
    (
        "EU-MA-2018-01",
        "eu",
        "Soutien à l'auto-emploi des réfugiés au Maroc (UE)",
        Currency.EUR,
        Decimal("621000.00"),
        datetime.date(2018, 2, 1),
        datetime.date(2020, 1, 31),
        [("2018-01-01", "10.900000"), ("2025-01-01", "10.950000"), ("2025-10-01", "11.000000")],
    ),
    (
        "MC-2018-01",
        "monaco",
        "Co-financement de la Principauté de Monaco",
        Currency.EUR,
        Decimal("80000.00"),
        datetime.date(2018, 2, 1),
        datetime.date(2020, 12, 31),
        [("2018-01-01", "10.900000"), ("2025-01-01", "10.950000"), ("2025-10-01", "11.000000")],
    ),
    (
        "CH-2018-01",
        "switzerland",
        "Co-financement de la Confédération suisse",
        Currency.CHF,
        Decimal("70000.00"),
        datetime.date(2018, 6, 1),
        datetime.date(2020, 12, 31),
        [("2018-01-01", "9.800000"), ("2025-01-01", "10.000000"), ("2025-10-01", "10.100000")],
    ),
    (
        "JP-2019-01",
        "japan",
        "Co-financement du Japon",
        Currency.JPY,
        Decimal("9000000.00"),
        datetime.date(2019, 1, 1),
        datetime.date(2020, 12, 31),
        [("2018-01-01", "0.090000"), ("2025-01-01", "0.088000"), ("2025-10-01", "0.090000")],
    ),
]


@dataclass(frozen=True)
class DemoProject:
    reference: str
    office: str
    title: str
    activity: str
    sector: str
    amount: Decimal
    split: tuple[tuple[str, Decimal], ...]  # (agreement reference, MAD)
    awarded_months_ago: int


PROJECTS = [
    DemoProject(
        "FD-25-001",
        "rabat",
        "Épicerie de quartier Al Amal",
        "Épicerie",
        Sector.RETAIL,
        Decimal("30000.00"),
        (("EU-MA-2018-01", Decimal("20000.00")), ("MC-2018-01", Decimal("10000.00"))),
        20,
    ),
    DemoProject(
        "FD-25-002",
        "casablanca",
        "Atelier de couture Yasmine",
        "Couture et retouches",
        Sector.TEXTILE,
        Decimal("25000.00"),
        (("EU-MA-2018-01", Decimal("15000.00")), ("CH-2018-01", Decimal("10000.00"))),
        15,
    ),
    DemoProject(
        "FD-25-003",
        "tanger",
        "Snack Damas",
        "Restauration rapide",
        Sector.FOOD,
        Decimal("28000.00"),
        (("EU-MA-2018-01", Decimal("18000.00")), ("JP-2019-01", Decimal("10000.00"))),
        18,
    ),
    DemoProject(
        "FD-26-004",
        "rabat",
        "Salon de coiffure Bangui",
        "Coiffure",
        Sector.BEAUTY,
        Decimal("20000.00"),
        (("EU-MA-2018-01", Decimal("12000.00")), ("MC-2018-01", Decimal("8000.00"))),
        5,
    ),
    DemoProject(
        "FD-26-005",
        "oujda",
        "Réparation de téléphones Sanaa",
        "Réparation de téléphones",
        Sector.ICT,
        Decimal("18000.00"),
        (("EU-MA-2018-01", Decimal("10000.00")), ("CH-2018-01", Decimal("8000.00"))),
        2,
    ),
    DemoProject(
        "FD-26-006",
        "casablanca",
        "Boulangerie Khartoum",
        "Boulangerie",
        Sector.FOOD,
        Decimal("26000.00"),
        (("EU-MA-2018-01", Decimal("16000.00")), ("JP-2019-01", Decimal("10000.00"))),
        1,
    ),
]

CASEWORKERS = {
    "rabat": "caseworker",
    "casablanca": "caseworker.casa",
    "oujda": "caseworker.oujda",
    "tanger": "caseworker.tanger",
}


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def seed_agreements() -> dict[str, FundingAgreement]:
    agreements = {}
    for reference, donor, title, currency, amount, start, end, rates in AGREEMENTS:
        agreement, _created = FundingAgreement.objects.get_or_create(
            reference=reference,
            defaults={
                "donor": PartnerOrganisation.objects.get(code=donor),
                "title": title,
                "currency": currency,
                "amount": amount,
                "start_date": start,
                "end_date": end,
            },
        )
        for valid_from, rate in rates:
            ExchangeRate.objects.get_or_create(
                agreement=agreement,
                valid_from=datetime.date.fromisoformat(valid_from),
                defaults={"mad_per_unit": Decimal(rate)},
            )
        agreements[reference] = agreement
    return agreements


def _project(spec: DemoProject, *, manager: User, awarded_on: datetime.date) -> BusinessProject:
    office = Office.objects.get(code=spec.office)
    city = City.objects.get(slug=spec.office)
    caseworker = User.objects.get(username=CASEWORKERS[spec.office])
    project, created = BusinessProject.objects.get_or_create(
        reference=spec.reference,
        defaults={
            "title": spec.title,
            "activity": spec.activity,
            "sector": spec.sector,
            "legal_form": LegalForm.INDIVIDUAL,
            "city": city,
            "region": city.region,
            "office": office,
            "caseworker": caseworker,
            "created_by": caseworker,
            "own_contribution": Decimal("2000.00"),
            "status": ProjectStatus.APPROVED,
            "approved_amount": spec.amount,
        },
    )
    if created:
        decided = timezone.make_aware(
            datetime.datetime.combine(awarded_on - datetime.timedelta(days=10), datetime.time(10))
        )
        ProjectTransition.objects.bulk_create(
            [
                ProjectTransition(
                    project=project,
                    action="submit",
                    from_status="draft",
                    to_status="submitted",
                    by=caseworker,
                    at=decided - datetime.timedelta(days=30),
                ),
                ProjectTransition(
                    project=project,
                    action="review",
                    from_status="submitted",
                    to_status="under_review",
                    by=manager,
                    at=decided - datetime.timedelta(days=20),
                ),
                ProjectTransition(
                    project=project,
                    action="approve",
                    from_status="under_review",
                    to_status="approved",
                    by=manager,
                    at=decided,
                    comment="Comité de validation (démo)",
                ),
            ]
        )
        _attach_members(project)
    return project


def _attach_members(project: BusinessProject) -> None:
    """Use the demo refugees of the office (if the refugees demo made any) who have no project yet."""
    try:
        from refugees.models import Refugee
    except ImportError:  # pragma: no cover
        return
    refugee = Refugee.objects.filter(office=project.office, project_memberships__isnull=True).order_by("pk").first()
    if refugee is not None:
        ProjectMember.objects.create(project=project, refugee=refugee, is_lead=True)


def _pay(grant, *, key, amount, date, by, approver=None, tranche_no=1, method="bank_transfer", supplier=""):
    entry, _created = disbursement_record(
        grant=grant,
        tranche=grant.tranches.get(number=tranche_no),
        date=date,
        amount=Decimal(amount),
        method=method,
        supplier=supplier,
        reference=key.upper(),
        by=by,
        idempotency_key=f"demo-{key}",
    )
    if approver is not None and entry.status == Disbursement.Status.PENDING:
        disbursement_approve(entry=entry, by=approver)
    return entry


def _visit(
    project,
    months,
    *,
    by,
    done_on,
    status="operating",
    verdict="satisfactory",
    revenue="5000",
    costs="3000",
    jobs=(1, 0, 0, 1),
    notes="",
):
    visit = FollowUpVisit.objects.get(project=project, months_after_funding=months)
    if visit.status != FollowUpVisit.Status.SCHEDULED:
        return visit
    from funding.models import ChecklistItem

    return visit_record(
        visit=visit,
        by=by,
        data={
            "done_on": done_on,
            "mode": "on_site" if months != 3 else "phone",
            "business_status": status,
            "monthly_revenue": Decimal(revenue),
            "monthly_costs": Decimal(costs),
            "jobs_refugee_women": jobs[0],
            "jobs_refugee_men": jobs[1],
            "jobs_moroccan_women": jobs[2],
            "jobs_moroccan_men": jobs[3],
            "observations": notes,
            "recommendations": "",
            "verdict": verdict,
        },
        checklist=ChecklistItem.objects.filter(code__in=["signboard", "stock", "premises"])
        if status == "operating"
        else [],
    )


@transaction.atomic
def seed(*, stdout=None, options: dict | None = None) -> None:
    agreements = seed_agreements()
    today = timezone.localdate()
    manager = User.objects.get(username="manager")
    manager2 = User.objects.get(username="manager2")
    for spec in PROJECTS:
        awarded_on = today - relativedelta(months=spec.awarded_months_ago)
        project = _project(spec, manager=manager, awarded_on=awarded_on)
        grant = project.grants.filter(kind=Grant.Kind.STARTUP).first()
        if grant is not None:
            continue
        first, second = (spec.amount * Decimal("0.6")).quantize(Decimal("1")), None
        second = spec.amount - first
        grant = grant_award(
            project=project,
            kind=Grant.Kind.STARTUP,
            amount=spec.amount,
            awarded_on=awarded_on,
            shares=[ShareSpec(agreement=agreements[ref], amount=amount) for ref, amount in spec.split],
            tranches=[
                TrancheSpec(amount=first, planned_date=awarded_on + datetime.timedelta(days=10)),
                TrancheSpec(
                    amount=second,
                    planned_date=awarded_on + relativedelta(months=2),
                    condition="satisfactory_visit",
                ),
            ],
            by=manager,
        )
        cw = User.objects.get(username=CASEWORKERS[spec.office])
        _story(spec.reference, grant=grant, cw=cw, manager=manager, manager2=manager2, today=today)
    _say(
        stdout,
        f"funding: {len(AGREEMENTS)} agreements, {Grant.objects.count()} grants, "
        f"{Disbursement.objects.filter(status='pending').count()} entries awaiting approval, "
        f"{FollowUpVisit.objects.filter(status='scheduled', due_date__lt=today).count()} overdue visits\n",
    )


def _story(reference, *, grant, cw, manager, manager2, today):
    project = grant.project
    t1 = grant.tranches.get(number=1)
    t2 = grant.tranches.get(number=2)
    paid_on = grant.awarded_on + datetime.timedelta(days=10)
    if reference == "FD-25-001":
        # A success: both tranches paid, visits good, then a reinforcement grant awaiting payment approval.
        _pay(grant, key=f"{reference}-t1", amount=t1.amount, date=paid_on, by=cw, approver=manager2)
        _visit(project, 1, by=cw, done_on=paid_on + relativedelta(months=1, days=2), revenue="4200", costs="2900")
        _pay(
            grant,
            key=f"{reference}-t2",
            amount=t2.amount,
            date=paid_on + relativedelta(months=1, days=5),
            by=cw,
            approver=manager,
            tranche_no=2,
        )
        _visit(project, 3, by=cw, done_on=paid_on + relativedelta(months=3, days=1), revenue="5600", costs="3300")
        _visit(
            project,
            6,
            by=cw,
            done_on=paid_on + relativedelta(months=6, days=4),
            revenue="6100",
            costs="3500",
            jobs=(1, 0, 1, 0),
        )
        _visit(
            project,
            12,
            by=manager,
            done_on=paid_on + relativedelta(months=12, days=3),
            revenue="7400",
            costs="3900",
            jobs=(1, 1, 1, 0),
            notes="Clientèle fidèle, stock renouvelé chaque semaine.",
        )
        project.refresh_from_db()
        top_up = grant_award(
            project=project,
            kind=Grant.Kind.REINFORCEMENT,
            amount=Decimal("8000.00"),
            awarded_on=today - datetime.timedelta(days=20),
            shares=[
                ShareSpec(agreement=FundingAgreement.objects.get(reference="MC-2018-01"), amount=Decimal("8000.00"))
            ],
            tranches=[TrancheSpec(amount=Decimal("8000.00"), planned_date=today)],
            by=manager,
        )
        _pay(
            top_up,
            key=f"{reference}-r1",
            amount="8000.00",
            date=today - datetime.timedelta(days=5),
            by=cw,
            method="equipment",
            supplier="Froid Équipement SARL",
        )
    elif reference == "FD-25-002":
        # Visits done, the 12-month visit is overdue; tranche 2 paid after a satisfactory visit.
        _pay(grant, key=f"{reference}-t1", amount=t1.amount, date=paid_on, by=cw, approver=manager)
        _visit(project, 1, by=cw, done_on=paid_on + relativedelta(months=1, days=3), revenue="3000", costs="2200")
        _pay(
            grant,
            key=f"{reference}-t2",
            amount=t2.amount,
            date=paid_on + relativedelta(months=1, days=6),
            by=cw,
            approver=manager2,
            tranche_no=2,
        )
        _visit(project, 3, by=cw, done_on=paid_on + relativedelta(months=3, days=2), revenue="3500", costs="2300")
        _visit(project, 6, by=cw, done_on=paid_on + relativedelta(months=6, days=8), revenue="3900", costs="2500")
        # An extra (unscheduled) phone call after the market moved.
        visit_record_extra(
            project=project,
            by=cw,
            data={
                "done_on": paid_on + relativedelta(months=8, days=2),
                "mode": "phone",
                "business_status": "operating",
                "monthly_revenue": Decimal("3600"),
                "monthly_costs": Decimal("2450"),
                "jobs_refugee_women": 1,
                "jobs_refugee_men": 0,
                "jobs_moroccan_women": 0,
                "jobs_moroccan_men": 1,
                "observations": "Appel après le déplacement du marché : clientèle en légère baisse.",
                "recommendations": "Afficher la nouvelle adresse sur la page Facebook.",
                "verdict": "satisfactory",
            },
        )
    elif reference == "FD-25-003":
        # A business that closed: the 3-month visit found it closed; the schedule ends.
        _pay(grant, key=f"{reference}-t1", amount=t1.amount, date=paid_on, by=cw, approver=manager)
        _visit(
            project,
            1,
            by=cw,
            done_on=paid_on + relativedelta(months=1, days=1),
            revenue="2500",
            costs="2600",
            verdict="unsatisfactory",
            notes="Fréquentation faible, loyer élevé.",
        )
        _visit(
            project,
            3,
            by=cw,
            done_on=paid_on + relativedelta(months=3),
            status="closed",
            verdict="unsatisfactory",
            revenue="0",
            costs="0",
            jobs=(0, 0, 0, 0),
            notes="Local fermé ; le bénéficiaire a déménagé à Rabat.",
        )
    elif reference == "FD-26-004":
        # A payment recorded with a wrong amount, reversed, then paid again; the 3-month visit is overdue.
        # The first reversal was rejected (no bank statement attached); a second one was approved.
        wrong = _pay(grant, key=f"{reference}-t1-wrong", amount="10000.00", date=paid_on, by=cw, approver=manager)
        first, _ = disbursement_reverse(
            original=wrong,
            date=paid_on + datetime.timedelta(days=1),
            by=cw,
            idempotency_key=f"demo-{reference}-rev0",
            reference="Montant erroné",
        )
        if first.status == Disbursement.Status.PENDING:
            disbursement_reject(entry=first, by=manager, reason="Relevé bancaire manquant")
        reversal, _ = disbursement_reverse(
            original=wrong,
            date=paid_on + datetime.timedelta(days=2),
            by=cw,
            idempotency_key=f"demo-{reference}-rev",
            reference="Montant erroné (virement refait)",
        )
        if reversal.status == Disbursement.Status.PENDING:
            disbursement_approve(entry=reversal, by=manager2)
        _pay(
            grant,
            key=f"{reference}-t1",
            amount=t1.amount,
            date=paid_on + datetime.timedelta(days=2),
            by=cw,
            approver=manager2,
        )
        _visit(project, 1, by=cw, done_on=paid_on + relativedelta(months=1, days=2), revenue="3800", costs="2100")
    elif reference == "FD-26-005":
        # First payment awaiting approval in the queue.
        _pay(grant, key=f"{reference}-t1", amount=t1.amount, date=today - datetime.timedelta(days=3), by=cw)
    elif reference == "FD-26-006":
        # Paid a month ago less three days: the 1-month visit is due this week.
        _pay(
            grant,
            key=f"{reference}-t1",
            amount=t1.amount,
            date=today - relativedelta(months=1) + datetime.timedelta(days=3),
            by=cw,
            approver=manager,
        )


def after_all_seeded(*, stdout=None, options: dict | None = None) -> None:
    """Called by ``seed_demo`` once every app has seeded: the reports demo inserts its
    historical ledger in bulk (around the services), so set the running totals from it."""
    from funding.totals import rebuild_totals

    rebuild_totals()
    _say(stdout, "funding: running totals set from the ledger\n")
