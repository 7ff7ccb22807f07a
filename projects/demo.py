"""Demo sessions, applications in every status, a committee with scores and two
cooperatives, for ``manage.py seed_demo`` (idempotent: projects are keyed DEMO-xx).

Dates are in the living programme (2025-2026), never in the 2018-2020 reporting period.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.models import City, Office, PartnerOrganisation, User
from projects import services
from projects.models import (
    BusinessProject,
    CommitteeDecision,
    CommitteeSitting,
    LegalForm,
    ProjectOutcome,
    ScoringCriterion,
    Sector,
    Session,
)
from refugees.models import Consent, LegalStatus, ReferralSource, Refugee, Sex

# number, first, last, first (ar), last (ar), sex, nationality, office
DEMO_REFUGEES = [
    ("RAB-26C00001", "Amal", "Haddad", "أمل", "حداد", Sex.FEMALE, "SY", "rabat"),
    ("RAB-26C00002", "Jean", "Mbala", "", "", Sex.MALE, "CF", "rabat"),
    ("RAB-26C00003", "Fatou", "Diallo", "", "", Sex.FEMALE, "GN", "rabat"),
    ("RAB-26C00004", "Yousef", "Al-Khatib", "يوسف", "الخطيب", Sex.MALE, "YE", "rabat"),
    ("RAB-26C00005", "Grace", "Nyandeng", "", "", Sex.FEMALE, "SS", "rabat"),
    ("RAB-26C00006", "Moussa", "Traoré", "", "", Sex.MALE, "ML", "rabat"),
    ("RAB-26C00007", "Rania", "Saleh", "رانيا", "صالح", Sex.FEMALE, "SY", "rabat"),
    ("RAB-26C00008", "Ibrahim", "Koné", "", "", Sex.MALE, "CI", "rabat"),
    ("RAB-26C00009", "Mariam", "Osman", "مريم", "عثمان", Sex.FEMALE, "SD", "rabat"),
    ("RAB-26C00010", "Ahmad", "Nasser", "أحمد", "ناصر", Sex.MALE, "PS", "rabat"),
    ("RAB-26C00011", "Aïcha", "Ndiaye", "", "", Sex.FEMALE, "SN", "rabat"),
    ("RAB-26C00012", "Patrick", "Ilunga", "", "", Sex.MALE, "CD", "rabat"),
    ("RAB-26C00013", "Hala", "Darwish", "هالة", "درويش", Sex.FEMALE, "SY", "rabat"),
    ("RAB-26C00014", "Samuel", "Eto", "", "", Sex.MALE, "CM", "rabat"),
    ("RAB-26C00015", "Nour", "Hamdan", "نور", "حمدان", Sex.FEMALE, "YE", "rabat"),
    ("RAB-26C00016", "Abdou", "Sow", "", "", Sex.MALE, "SN", "rabat"),
    ("RAB-26C00017", "Khadija", "Ali", "خديجة", "علي", Sex.FEMALE, "SD", "rabat"),
    ("RAB-26C00018", "Omar", "Barakat", "عمر", "بركات", Sex.MALE, "SY", "rabat"),
    ("RAB-26C00019", "Esther", "Ngoy", "", "", Sex.FEMALE, "CD", "rabat"),
    ("RAB-26C00020", "Karim", "Yassin", "كريم", "ياسين", Sex.MALE, "PS", "rabat"),
    ("RAB-26C00021", "Salma", "Idris", "سلمى", "إدريس", Sex.FEMALE, "SD", "rabat"),
    ("RAB-26C00022", "Adama", "Keita", "", "", Sex.MALE, "ML", "rabat"),
    ("RAB-26C00023", "Lina", "Mansour", "لينا", "منصور", Sex.FEMALE, "SY", "rabat"),
    ("RAB-26C00024", "Didier", "Yao", "", "", Sex.MALE, "CI", "rabat"),
    ("RAB-26C00025", "Hawa", "Camara", "", "", Sex.FEMALE, "GN", "rabat"),
    ("RAB-26C00026", "Tarek", "Zein", "طارق", "زين", Sex.MALE, "YE", "rabat"),
    ("CAS-26C00001", "Ruth", "Akol", "", "", Sex.FEMALE, "SS", "casablanca"),
    ("CAS-26C00002", "Bilal", "Haidar", "بلال", "حيدر", Sex.MALE, "SY", "casablanca"),
    ("CAS-26C00003", "Awa", "Coulibaly", "", "", Sex.FEMALE, "ML", "casablanca"),
]

# (kind, topic, date, city, office, partner, facilitator, unregistered, attendees slice)
DEMO_SESSIONS = [
    (
        "awareness",
        "S'installer à son compte : premiers pas",
        datetime.date(2025, 10, 14),
        "rabat",
        "rabat",
        "anapec",
        "ANAPEC – agence Rabat",
        6,
        slice(0, 14),
    ),
    (
        "awareness",
        "Auto-entrepreneur : le statut et ses avantages",
        datetime.date(2025, 11, 18),
        "rabat",
        "rabat",
        "anapec",
        "ANAPEC – agence Rabat",
        3,
        slice(10, 24),
    ),
    (
        "training",
        "Gérer sa petite entreprise",
        datetime.date(2025, 12, 9),
        "rabat",
        "rabat",
        "amappe",
        "AMAPPE",
        0,
        slice(0, 18),
    ),
    (
        "training",
        "Créer une coopérative avec l'ODCO",
        datetime.date(2026, 1, 13),
        "rabat",
        "rabat",
        "odco",
        "ODCO – délégation Rabat",
        2,
        slice(14, 26),
    ),
    (
        "awareness",
        "Entrepreneuriat : idées de projets",
        datetime.date(2026, 2, 5),
        "casablanca",
        "casablanca",
        "anapec",
        "ANAPEC – agence Casablanca",
        8,
        slice(26, 29),
    ),
]

BUDGET = [
    ("equipment", "Équipement principal", Decimal("1"), Decimal("9000.00")),
    ("stock", "Stock de départ", Decimal("10"), Decimal("350.00")),
    ("premises", "Loyer (3 mois)", Decimal("3"), Decimal("1200.00")),
]

# key, title, activity, sector, legal form, member indexes (first = lead), final status
DEMO_PROJECTS = [
    ("DEMO-01", "Couture Amal", "Atelier de couture", Sector.TEXTILE, LegalForm.INDIVIDUAL, [0], "draft"),
    ("DEMO-02", "Épicerie Mbala", "Épicerie de quartier", Sector.RETAIL, LegalForm.INDIVIDUAL, [1], "submitted"),
    ("DEMO-03", "Salon Fatou", "Coiffure et tresses", Sector.BEAUTY, LegalForm.AUTO_ENTREPRENEUR, [2], "under_review"),
    (
        "DEMO-04",
        "Réparation de téléphones",
        "Réparation et accessoires",
        Sector.ICT,
        LegalForm.AUTO_ENTREPRENEUR,
        [3],
        "approved",
    ),
    ("DEMO-05", "Livraison à vélo", "Livraison de repas", Sector.TRANSPORT, LegalForm.INDIVIDUAL, [4], "rejected"),
    ("DEMO-06", "Pâtisserie syrienne", "Pâtisserie orientale", Sector.FOOD, LegalForm.INDIVIDUAL, [6], "returned"),
    ("DEMO-07", "Menuiserie Koné", "Menuiserie", Sector.CONSTRUCTION, LegalForm.INDIVIDUAL, [7], "funded"),
    ("DEMO-08", "Traiteur Osman", "Traiteur soudanais", Sector.FOOD, LegalForm.INDIVIDUAL, [8], "operating"),
    ("DEMO-09", "Cyber Nasser", "Services informatiques", Sector.SERVICES, LegalForm.INDIVIDUAL, [9], "closed"),
    (
        "DEMO-10",
        "Coopérative Al Amal",
        "Couscous et produits du terroir",
        Sector.FOOD,
        LegalForm.COOPERATIVE,
        [10, 11, 12, 13, 14],
        "cooperative_pending",
    ),
    (
        "DEMO-11",
        "Coopérative Nour",
        "Tissage et artisanat",
        Sector.CRAFTS,
        LegalForm.COOPERATIVE,
        [15, 16, 17, 18, 19],
        "cooperative_funded",
    ),
]


def _refugees(office_codes: dict[str, Office], caseworker: User) -> list[Refugee]:
    rabat = City.objects.get(slug="rabat")
    casa = City.objects.get(slug="casablanca")
    people = []
    for number, first, last, first_ar, last_ar, sex, nat, office in DEMO_REFUGEES:
        city = rabat if office == "rabat" else casa
        refugee, _ = Refugee.objects.get_or_create(
            unhcr_individual_number=number,
            defaults={
                "unhcr_case_number": number,
                "first_name_latin": first,
                "last_name_latin": last,
                "first_name_ar": first_ar,
                "last_name_ar": last_ar,
                "sex": sex,
                "birth_year": 1985 + len(people) % 15,
                "nationality": nat,
                "legal_status": LegalStatus.REFUGEE if len(people) % 4 else LegalStatus.ASYLUM_SEEKER,
                "referral_source": ReferralSource.UNHCR,
                "intake_date": datetime.date(2025, 9, 1) + datetime.timedelta(days=len(people) * 3),
                "office": office_codes[office],
                "city": city,
                "region": city.region,
                "caseworker": caseworker if office == "rabat" else None,
            },
        )
        if not refugee.search_key:  # written around the services: the search keys are set here
            refugee.set_name_keys()
            refugee.save(update_fields=["name_key", "search_key"])
        # Every demo member has consented to take part (submission needs it).
        Consent.objects.get_or_create(
            refugee=refugee,
            purpose=Consent.Purpose.PARTICIPATION,
            defaults={"given_on": refugee.intake_date, "recorded_by": caseworker},
        )
        people.append(refugee)
    return people


def _sessions(people: list[Refugee], offices: dict[str, Office], caseworkers: dict[str, User]) -> None:
    for kind, topic, date, city, office, partner, facilitator, unregistered, who in DEMO_SESSIONS:
        session, created = Session.objects.get_or_create(
            topic=topic,
            date=date,
            defaults={
                "kind": kind,
                "training_topic": ("management" if "Gérer" in topic else "entrepreneurship")
                if kind == "training"
                else "",
                "city": City.objects.get(slug=city),
                "office": offices[office],
                "partner": PartnerOrganisation.objects.get(code=partner),
                "facilitator": facilitator,
                "unregistered_attendees": unregistered,
            },
        )
        if created:
            for refugee in people[who]:
                services.attendance_add(session=session, refugee=refugee, by=caseworkers[office])


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _build(spec, people, caseworker, manager) -> BusinessProject:
    key, title, activity, sector, legal_form, member_idx, _final = spec
    project = services.project_create(
        by=caseworker,
        title=title,
        activity=activity,
        sector=sector,
        legal_form=legal_form,
        city=City.objects.get(slug="rabat"),
        office=caseworker.office,
        own_contribution=Decimal("1500.00"),
    )
    BusinessProject.objects.filter(pk=project.pk).update(reference=key)
    project.refresh_from_db()
    share = (Decimal(100) / len(member_idx)).quantize(Decimal("0.01"))
    for n, idx in enumerate(member_idx):
        last = n == len(member_idx) - 1
        services.member_add(
            project=project,
            refugee=people[idx],
            by=caseworker,
            is_lead=n == 0,
            share_percent=Decimal(100) - share * (len(member_idx) - 1) if last else share,
        )
    for category, description, qty, cost in BUDGET:
        services.budget_line_add(
            project=project, by=caseworker, category=category, description=description, quantity=qty, unit_cost=cost
        )
    if key != "DEMO-01":
        services.study_save(
            project=project,
            by=caseworker,
            market="Quartier populaire, forte demande, clientèle de voisinage.",
            competition="Deux commerces similaires à plus de 500 m.",
            expected_monthly_revenue=Decimal("7000.00"),
            expected_monthly_costs=Decimal("3800.00"),
            opinion="favourable",
            opinion_text="Porteur motivé, expérience dans le métier.",
        )
    return project


@transaction.atomic
def seed(*, stdout, options) -> None:
    if BusinessProject.objects.filter(reference__startswith="DEMO-").exists():
        stdout.write("projects: demo already present")
        return
    offices = {o.code: o for o in Office.objects.filter(code__in=["rabat", "casablanca"])}
    caseworker = User.objects.get(username="caseworker")
    manager = User.objects.get(username="manager")
    chair = User.objects.get(username="committee.chair")
    committee = [chair, User.objects.get(username="committee"), User.objects.get(username="committee2")]

    people = _refugees(offices, caseworker)
    _sessions(people, offices, {"rabat": caseworker, "casablanca": User.objects.get(username="caseworker.casa")})

    sitting = services.sitting_create(
        by=manager, date=datetime.date(2026, 2, 24), chair=chair, members=committee, quorum=2, location="AMAPPE Rabat"
    )
    later = services.sitting_create(
        by=manager, date=datetime.date(2026, 12, 15), chair=chair, members=committee, quorum=2, location="AMAPPE Rabat"
    )
    criteria = list(ScoringCriterion.objects.filter(is_active=True))
    kinds = CommitteeDecision.Decision

    for n, spec in enumerate(DEMO_PROJECTS):
        final = spec[-1]
        project = _build(spec, people, caseworker, manager)
        if final == "draft":
            continue
        if final == "cooperative_pending":
            services.cooperative_save(
                project=project,
                by=caseworker,
                proposed_name="Coopérative Al Amal",
                name_approval_date=datetime.date(2026, 3, 2),
                name_approval_reference="ODCO/RAB/2026/0142",
            )
        if final == "cooperative_funded":
            services.cooperative_save(
                project=project,
                by=caseworker,
                proposed_name="Coopérative Nour",
                name_approval_date=datetime.date(2025, 11, 20),
                name_approval_reference="ODCO/RAB/2025/0977",
                registration_date=datetime.date(2026, 1, 8),
                registration_number="COOP-RAB-2026-031",
            )
        services.project_submit(project=project, by=caseworker, comment="Dossier complet.")
        if final in ("submitted", "cooperative_pending"):
            continue
        target = later if final == "under_review" else sitting
        item = services.agenda_add(sitting=target, project=project, by=manager)
        for k, member in enumerate(committee[:2] if final == "under_review" else committee):
            if final == "rejected" and k == 2:
                services.conflict_declare(item=item, member=member, reason="Connaît le porteur.")
                continue
            base = 4 if final == "rejected" else 7 + (n + k) % 3
            services.score_record(
                item=item, member=member, values={c.pk: min(10, base + c.order % 2) for c in criteria}
            )
        if final == "under_review":
            continue
        if final == "rejected":
            services.decision_record(
                item=item, by=chair, decision=kinds.REJECTED, reason="Marché saturé, budget irréaliste."
            )
            continue
        if final == "returned":
            services.decision_record(
                item=item, by=chair, decision=kinds.RETURNED, reason="Joindre deux devis pour le four."
            )
            continue
        services.decision_record(
            item=item,
            by=chair,
            decision=kinds.APPROVED,
            approved_amount=Decimal("14000.00"),
            conditions="Achat de l'équipement sur facture.",
        )
        if final in ("funded", "operating", "closed", "cooperative_funded"):
            services.project_mark_funded(project=project, by=manager, when=datetime.date(2026, 3, 16))
        if final in ("operating", "closed"):
            services.project_mark_operating(project=project, by=manager, comment="Visite à 1 mois : activité ouverte.")
        if final == "closed":
            services.project_close(
                project=project, by=manager, outcome=ProjectOutcome.SUSTAINED, comment="Accompagnement terminé."
            )

    # The February sitting sat with all three members, 09:30 to 12:15 (Morocco time).
    services.sitting_attendance(sitting=sitting, by=manager, present=committee)
    services.sitting_close(sitting=sitting, by=manager)
    CommitteeSitting.objects.filter(pk=sitting.pk).update(
        opened_at=timezone.make_aware(datetime.datetime(2026, 2, 24, 9, 30)),
        closed_at=timezone.make_aware(datetime.datetime(2026, 2, 24, 12, 15)),
    )
    _spread_history()
    stdout.write(
        f"projects: {len(DEMO_SESSIONS)} sessions, {len(DEMO_PROJECTS)} projects "
        f"({', '.join(sorted(set(BusinessProject.objects.values_list('status', flat=True))))}), 2 sittings"
    )


def _spread_history() -> None:
    """Give the demo history believable dates (2025-10 .. 2026-06) instead of 'now'."""
    from projects.models import ProjectTransition

    day = {
        "submit": datetime.date(2026, 1, 26),
        "change_legal_form": datetime.date(2026, 1, 20),
        "start_review": datetime.date(2026, 2, 10),
        "approve": datetime.date(2026, 2, 24),
        "reject": datetime.date(2026, 2, 24),
        "return": datetime.date(2026, 2, 24),
        "fund": datetime.date(2026, 3, 16),
        "start_operating": datetime.date(2026, 4, 20),
        "close": datetime.date(2026, 6, 30),
    }
    for action, when in day.items():
        ProjectTransition.objects.filter(project__reference__startswith="DEMO-", action=action).update(at=_at(when))
    CommitteeDecision.objects.filter(item__project__reference__startswith="DEMO-").update(
        decided_at=_at(datetime.date(2026, 2, 24))
    )
