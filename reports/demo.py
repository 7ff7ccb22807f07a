"""The historical story of the programme, 2018-02-01 .. 2020-01-31 (``seed_demo``).

The records are plain rows, made with ``bulk_create`` (no service is called: this is an
archive, not a workflow). They are built so that the programme report for that period,
computed by ``reports.indicators`` like any other period, gives the published results
of DOMAIN.md: 412 refugees received, 300 awareness participants, 173 projects financed
for 218 refugees, 57 start-ups reinforced and 2 cooperatives. Nothing stores those
figures: add a financed project and the report moves.

Idempotent: the first UNHCR number of the story marks it as loaded.
"""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from core.models import City, Office, PartnerOrganisation, User
from funding.models import (
    BusinessStatus,
    Disbursement,
    DisbursementAllocation,
    FollowUpVisit,
    FundingAgreement,
    Grant,
    GrantFunding,
    Tranche,
)
from projects.models import (
    AgendaItem,
    Attendance,
    BusinessProject,
    CommitteeDecision,
    CommitteeSitting,
    Cooperative,
    LegalForm,
    ProjectMember,
    ProjectOutcome,
    ProjectStatus,
    ProjectTransition,
    Sector,
    Session,
)
from refugees.models import LegalStatus, ReferralSource, Refugee, RefugeeStatus, Sex

START = datetime.date(2018, 2, 1)
END = datetime.date(2020, 1, 31)
MARKER = "HIS-18C00001"

N_RECEIVED = 412
N_AWARE_REGISTERED = 250
N_AWARE_UNREGISTERED = 50
N_FINANCED = 173
N_REINFORCED = 57
COOP_SIZES = (6, 5)
N_PAIRS = 36  # financed projects with two members: 2 coops (11) + 171 leads + 36 = 218
N_REJECTED = 47
N_PENDING = 12

# reference, donor, title, currency, amount, start, end, MAD per unit
OFFICES = [("rabat", "rabat", 40), ("casablanca", "casablanca", 25), ("oujda", "oujda", 20), ("tanger", "tanger", 15)]
NATIONALITIES = [
    ("SY", 30), ("CF", 12), ("YE", 10), ("CI", 9), ("CM", 7), ("SD", 6), ("CD", 6), ("SS", 5), ("PS", 5),
    ("GN", 4), ("SN", 3), ("ML", 3),
]  # fmt: skip
ARABIC_SPEAKING = {"SY", "YE", "SD", "PS"}
NAMES_AR = [
    ("Ahmad", "أحمد"), ("Fatima", "فاطمة"), ("Omar", "عمر"), ("Maryam", "مريم"), ("Khaled", "خالد"),
    ("Huda", "هدى"), ("Yusuf", "يوسف"), ("Rania", "رانيا"), ("Samir", "سمير"), ("Lina", "لينا"),
]  # fmt: skip
SURNAMES_AR = [
    ("Al-Hamwi", "الحموي"), ("Haddad", "حداد"), ("Al-Halabi", "الحلبي"), ("Mansour", "منصور"),
    ("Al-Sanaani", "الصنعاني"), ("Osman", "عثمان"), ("Khalil", "خليل"), ("Nasser", "ناصر"),
]  # fmt: skip
NAMES_LATIN = ["Aminata", "Jean", "Grace", "Patrick", "Mariam", "Ibrahim", "Awa", "Emmanuel", "Chantal", "Moussa"]
SURNAMES_LATIN = ["Kouassi", "Mbala", "Traoré", "Ngoma", "Diallo", "Yao", "Koné", "Bangura", "Deng", "Kabila"]
SECTORS = [
    (Sector.FOOD, 22), (Sector.RETAIL, 20), (Sector.TEXTILE, 14), (Sector.BEAUTY, 12), (Sector.SERVICES, 10),
    (Sector.CRAFTS, 8), (Sector.ICT, 6), (Sector.TRANSPORT, 4), (Sector.CONSTRUCTION, 4),
]  # fmt: skip
ACTIVITIES = {
    Sector.FOOD: "Syrian pastries", Sector.RETAIL: "Grocery shop", Sector.TEXTILE: "Tailoring workshop",
    Sector.BEAUTY: "Hair salon", Sector.SERVICES: "Laundry", Sector.CRAFTS: "Leather goods",
    Sector.ICT: "Phone repairs", Sector.TRANSPORT: "Delivery tricycle", Sector.CONSTRUCTION: "Painting and repairs",
}  # fmt: skip
VISIT_MONTHS = (1, 3, 6, 12, 24)
# Probability that an operating business is found closed at the next visit.
CLOSURE_RISK = {1: 0.0, 3: 0.03, 6: 0.06, 12: 0.10, 24: 0.14}


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _user(username: str, first: str, last: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user, _ = User.objects.get_or_create(
            username=f"history.{username}", defaults={"first_name": first, "last_name": last, "is_active": False}
        )
    return user


def _offices() -> dict[str, Office]:
    offices = {}
    for code, slug, _w in OFFICES:
        city = City.objects.get(slug=slug)
        offices[code], _ = Office.objects.get_or_create(
            code=code,
            defaults={"city": city, "name_fr": city.name_fr, "name_ar": city.name_ar, "name_en": city.name_en},
        )
    return offices


def _agreements() -> list[tuple[FundingAgreement, Decimal]]:
    """The four donors' agreements (defined once, by the funding demo) and the MAD rate
    in force at the end of the story's period."""
    from funding.demo import seed_agreements

    out = []
    for agreement in seed_agreements().values():
        current = agreement.rates.filter(valid_from__lte=END).order_by("-valid_from").first()
        out.append((agreement, current.mad_per_unit))
    return out


def seed(*, stdout=None, options: dict | None = None) -> None:
    options = options or {}
    if not Refugee.objects.filter(unhcr_individual_number=MARKER).exists():
        with transaction.atomic():
            HistoricalStory(seed=2018).build()
        if stdout is not None:
            stdout.write("reports: historical story 2018-02-01..2020-01-31 loaded")
    _signed_off_report(stdout)
    if (options.get("scale") or 1) > 1:
        _bench_dataset().seed_at_scale(scale=options["scale"], stdout=stdout)
    # The dashboard's derived facts, rebuilt: the loads above write behind the signals.
    from reports.facts import facts_refresh

    facts_refresh()


def _signed_off_report(stdout) -> None:
    """The UNHCR report of 2019 (a year of UNHCR's calendar), signed off by the manager, and a newer version."""
    from reports.models import ReportRun
    from reports.services import report_run_build, report_run_request, report_run_sign_off

    manager = User.objects.filter(username="manager").first()
    unhcr = PartnerOrganisation.objects.filter(code="unhcr").first()
    start, end = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)
    if manager is None or unhcr is None:
        return
    if ReportRun.objects.filter(code="unhcr", partner=unhcr, period_start=start, period_end=end).exists():
        return
    for version in (1, 2):
        with transaction.atomic():
            run = report_run_request(
                code="unhcr", start=start, end=end, fmt="xlsx", language="fr", by=manager, partner=unhcr
            )
        run = report_run_build(run_id=run.pk)  # a no-op if the eager task already built it
        if version == 1:
            report_run_sign_off(run=run, by=manager)
    if stdout is not None:
        stdout.write("reports: UNHCR report 2019 signed off (version 1) with a newer version 2")


def _bench_dataset():
    """The benchmark generator lives in bench/ (set-based SQL, PostgreSQL only)."""
    import importlib.util

    from django.conf import settings

    path = settings.BASE_DIR / "bench" / "reports_dataset.py"
    spec = importlib.util.spec_from_file_location("reports_bench_dataset", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class HistoricalStory:
    def __init__(self, *, seed: int) -> None:
        self.rng = random.Random(seed)
        self.offices = _offices()
        self.caseworker = _user("caseworker", "Salma", "Bennani")
        self.manager = _user("manager", "Fatima", "Alaoui")
        self.chair = _user("committee.chair", "Rachid", "Amrani")
        self.agreements = _agreements()
        self.seq = 0

    def _key(self) -> str:
        self.seq += 1
        return f"his-{self.seq:07d}"

    # -- people ----------------------------------------------------------------------

    def build(self) -> None:
        rng = self.rng
        # Financed projects first: their first payment dates decide their members' intake.
        pay_dates = sorted(
            datetime.date(2018, 6, 1) + datetime.timedelta(days=rng.randrange(0, 548)) for _ in range(N_FINANCED)
        )
        sizes = list(COOP_SIZES) + [2] * N_PAIRS + [1] * (N_FINANCED - len(COOP_SIZES) - N_PAIRS)
        coop_idx = {0, 1}
        order = list(range(N_FINANCED))
        rng.shuffle(order)
        project_sizes = dict(zip(order, sizes, strict=True))
        coop_projects = {order[i] for i in coop_idx}

        refugees = []
        member_of: list[tuple[int, int]] = []  # (refugee index, financed project index)
        intake: list[datetime.date] = []
        for p in range(N_FINANCED):
            for _ in range(project_sizes[p]):
                member_of.append((len(intake), p))
                intake.append(max(START, pay_dates[p] - datetime.timedelta(days=rng.randrange(90, 200))))
        n_members = len(intake)
        rejected_dates = [START + datetime.timedelta(days=rng.randrange(60, 640)) for _ in range(N_REJECTED)]
        pending_dates = [
            datetime.date(2019, 10, 1) + datetime.timedelta(days=rng.randrange(0, 100)) for _ in range(N_PENDING)
        ]
        for d in rejected_dates + pending_dates:
            intake.append(max(START, d - datetime.timedelta(days=rng.randrange(60, 150))))
        while len(intake) < N_RECEIVED:
            intake.append(START + datetime.timedelta(days=rng.randrange(0, (END - START).days + 1)))

        for i, day in enumerate(intake):
            refugees.append(self._refugee(i, day))
        # Statuses reflect what happened (see below); set them before saving.
        applicants = range(n_members, n_members + N_REJECTED + N_PENDING)
        aware = rng.sample(range(N_RECEIVED), N_AWARE_REGISTERED)
        trained = [i for i in range(n_members) if rng.random() < 0.85]
        for i in aware:
            refugees[i].status = RefugeeStatus.SENSITISED
        for i in trained:
            refugees[i].status = RefugeeStatus.TRAINED
        for i in applicants:
            refugees[i].status = RefugeeStatus.APPLICANT
        for i in range(n_members):
            refugees[i].status = RefugeeStatus.FINANCED
        for refugee in refugees:  # bulk_create skips the services: the search keys are set here
            refugee.set_name_keys()
        Refugee.objects.bulk_create(refugees)
        refugees = list(Refugee.objects.filter(unhcr_individual_number__startswith="HIS-18C").order_by("pk"))

        self._sessions(refugees, aware, trained, intake)
        projects = self._projects(refugees, member_of, pay_dates, project_sizes, coop_projects, n_members)
        self._applications_not_financed(refugees, n_members, rejected_dates, pending_dates)
        self._funding(projects, pay_dates)

    def _refugee(self, i: int, intake_date: datetime.date) -> Refugee:
        rng = self.rng
        nationality = _weighted(rng, NATIONALITIES)
        sex = Sex.FEMALE if rng.random() < 0.46 else Sex.MALE
        office_code = _weighted(rng, [(c, w) for c, _s, w in OFFICES])
        office = self.offices[office_code]
        age = rng.choice([19, 22, 25, 28, 31, 34, 37, 40, 43, 47, 52, 57]) + rng.randrange(0, 3)
        if rng.random() < 0.03:
            age = 60 + rng.randrange(0, 6)
        birth = datetime.date(2019 - age, rng.randrange(1, 13), rng.randrange(1, 29))
        year_only = rng.random() < 0.05
        if nationality in ARABIC_SPEAKING:
            first, first_ar = rng.choice(NAMES_AR)
            last, last_ar = rng.choice(SURNAMES_AR)
        else:
            first, first_ar, last, last_ar = rng.choice(NAMES_LATIN), "", rng.choice(SURNAMES_LATIN), ""
        number = f"HIS-18C{i + 1:05d}"
        return Refugee(
            unhcr_individual_number=number,
            unhcr_case_number=f"HIS-18C{i + 1:05d}",
            first_name_latin=first,
            last_name_latin=last,
            first_name_ar=first_ar,
            last_name_ar=last_ar,
            sex=sex,
            date_of_birth=None if year_only else birth,
            birth_year=birth.year,
            date_of_birth_estimated=year_only,
            nationality=nationality,
            legal_status=LegalStatus.REFUGEE if rng.random() < 0.8 else LegalStatus.ASYLUM_SEEKER,
            arrival_date=intake_date - datetime.timedelta(days=rng.randrange(60, 900)),
            region=office.city.region,
            city=office.city,
            household_size=rng.randrange(1, 7),
            referral_source=_weighted(
                rng, [(ReferralSource.UNHCR, 60), (ReferralSource.PARTNER_NGO, 20), (ReferralSource.COMMUNITY, 20)]
            ),
            intake_date=intake_date,
            office=office,
            caseworker=self.caseworker,
        )

    def _sessions(self, refugees, aware, trained, intake) -> None:
        rng = self.rng
        # 20 awareness campaigns; each registered participant attends one (some a second one later).
        unregistered = [2, 3, 1, 4, 2, 3, 5, 2, 1, 3, 2, 4, 3, 2, 1, 3, 2, 4, 1, 2]
        assert sum(unregistered) == N_AWARE_UNREGISTERED
        sessions = []
        for k, extra in enumerate(unregistered):
            office = self.offices[OFFICES[k % 4][0]]
            sessions.append(
                Session(
                    kind=Session.Kind.AWARENESS,
                    topic="Self-employment: is it for me?",
                    date=START + datetime.timedelta(days=30 * k + 20),
                    city=office.city,
                    office=office,
                    partner=PartnerOrganisation.objects.get(code="anapec"),
                    facilitator="ANAPEC",
                    unregistered_attendees=extra,
                )
            )
        for k in range(12):
            office = self.offices[OFFICES[k % 4][0]]
            sessions.append(
                Session(
                    kind=Session.Kind.TRAINING,
                    training_topic=Session.TrainingTopic.ENTREPRENEURSHIP
                    if k % 2
                    else Session.TrainingTopic.MANAGEMENT,
                    topic="Build your business plan" if k % 2 else "Managing a small business",
                    date=datetime.date(2018, 4, 10) + datetime.timedelta(days=55 * k),
                    city=office.city,
                    office=office,
                    facilitator="AMAPPE",
                    unregistered_attendees=rng.randrange(0, 3),
                )
            )
        Session.objects.bulk_create(sessions)
        awareness = sessions[:20]
        training = sessions[20:]
        rows = []
        for i in aware:
            # the first campaign on or after their intake (or the last one)
            later = [s for s in awareness if s.date >= intake[i]] or [awareness[-1]]
            rows.append(Attendance(session=later[0], refugee=refugees[i], recorded_by=self.caseworker))
            if len(later) > 1 and rng.random() < 0.2:
                rows.append(Attendance(session=later[1], refugee=refugees[i], recorded_by=self.caseworker))
        for i in trained:
            later = [s for s in training if s.date >= intake[i]] or [training[-1]]
            rows.append(Attendance(session=later[0], refugee=refugees[i], recorded_by=self.caseworker))
        Attendance.objects.bulk_create(rows)

    # -- projects --------------------------------------------------------------------

    def _project(self, ref: str, lead: Refugee, *, status: str, legal_form: str | None = None) -> BusinessProject:
        sector = _weighted(self.rng, SECTORS)
        if legal_form is None:
            legal_form = _weighted(
                self.rng, [(LegalForm.INDIVIDUAL, 60), (LegalForm.AUTO_ENTREPRENEUR, 32), (LegalForm.COMPANY, 8)]
            )
        return BusinessProject(
            reference=ref,
            title=ACTIVITIES[sector],
            activity=ACTIVITIES[sector],
            sector=sector,
            legal_form=legal_form,
            city=lead.city,
            region=lead.region,
            office=lead.office,
            caseworker=self.caseworker,
            status=status,
            own_contribution=_money(self.rng.randrange(5, 40) * 100),
            created_by=self.caseworker,
        )

    def _projects(self, refugees, member_of, pay_dates, project_sizes, coop_projects, n_members):
        by_project: dict[int, list[Refugee]] = {}
        for ri, p in member_of:
            by_project.setdefault(p, []).append(refugees[ri])
        projects = []
        for p in range(N_FINANCED):
            lead = by_project[p][0]
            form = LegalForm.COOPERATIVE if p in coop_projects else None
            projects.append(self._project(f"HIS-{p + 1:04d}", lead, status=ProjectStatus.OPERATING, legal_form=form))
            if form:
                projects[-1].title = projects[-1].activity = (
                    "Women's couscous cooperative" if p % 2 else "Crafts cooperative"
                )
        BusinessProject.objects.bulk_create(projects)
        ProjectMember.objects.bulk_create(
            [
                ProjectMember(
                    project=projects[p],
                    refugee=r,
                    is_lead=k == 0,
                    share_percent=_money(Decimal(100) / len(members)),
                )
                for p, members in by_project.items()
                for k, r in enumerate(members)
            ]
        )
        coops = []
        for p in sorted(coop_projects):
            pay = pay_dates[p]
            coops.append(
                Cooperative(
                    project=projects[p],
                    proposed_name=projects[p].title,
                    name_approval_date=pay - datetime.timedelta(days=45),
                    name_approval_reference=f"ODCO-NA-{pay:%Y}-{p:03d}",
                    registration_date=pay - datetime.timedelta(days=12),
                    registration_number=f"COOP-{pay:%Y}-{p:04d}",
                )
            )
        Cooperative.objects.bulk_create(coops)
        transitions = []
        decisions = []
        for p, project in enumerate(projects):
            pay = pay_dates[p]
            submitted = pay - datetime.timedelta(days=self.rng.randrange(50, 75))
            decided = pay - datetime.timedelta(days=self.rng.randrange(12, 30))
            transitions += self._path(
                project,
                [
                    ("submit", "draft", "submitted", submitted),
                    ("review", "submitted", "under_review", submitted + datetime.timedelta(days=7)),
                    ("approve", "under_review", "approved", decided),
                    ("fund", "approved", "funded", pay),
                    ("start", "funded", "operating", pay + datetime.timedelta(days=10)),
                ],
            )
            decisions.append((project, decided, CommitteeDecision.Decision.APPROVED))
        ProjectTransition.objects.bulk_create(transitions)
        self._committee(decisions)
        return projects

    def _path(self, project, steps) -> list[ProjectTransition]:
        return [
            ProjectTransition(project=project, action=a, from_status=f, to_status=t, by=self.caseworker, at=_at(d))
            for a, f, t, d in steps
        ]

    def _committee(self, decisions) -> None:
        sittings: dict[tuple[int, int], CommitteeSitting] = {}
        for _project, decided, _d in decisions:
            key = (decided.year, decided.month)
            if key not in sittings:
                sittings[key] = CommitteeSitting(
                    date=decided, location="AMAPPE Rabat", chair=self.chair, status=CommitteeSitting.Status.CLOSED
                )
        CommitteeSitting.objects.bulk_create(list(sittings.values()))
        items = [
            AgendaItem(sitting=sittings[(d.year, d.month)], project=project, order=n)
            for n, (project, d, _dec) in enumerate(decisions)
        ]
        AgendaItem.objects.bulk_create(items)
        rows = []
        for item, (_project, decided, decision) in zip(items, decisions, strict=True):
            approved = decision == CommitteeDecision.Decision.APPROVED
            rows.append(
                CommitteeDecision(
                    item=item,
                    decision=decision,
                    approved_amount=_money(self.rng.randrange(30, 80) * 500) if approved else None,
                    reason="" if approved else "Market study not convincing; weak own contribution.",
                    weighted_score=Decimal(self.rng.randrange(62, 90) if approved else self.rng.randrange(30, 55)),
                    decided_by=self.chair,
                    decided_at=_at(decided, 16),
                )
            )
        CommitteeDecision.objects.bulk_create(rows)

    def _applications_not_financed(self, refugees, first, rejected_dates, pending_dates) -> None:
        projects, transitions, decisions = [], [], []
        dates = [(d, ProjectStatus.REJECTED) for d in rejected_dates] + [
            (d, ProjectStatus.UNDER_REVIEW) for d in pending_dates
        ]
        for n, (_day, status) in enumerate(dates):
            projects.append(self._project(f"HIS-A{n + 1:03d}", refugees[first + n], status=status))
        BusinessProject.objects.bulk_create(projects)
        members = []
        for n, ((day, status), project) in enumerate(zip(dates, projects, strict=True)):
            members.append(ProjectMember(project=project, refugee=refugees[first + n], is_active=status != "rejected"))
            submitted = day - datetime.timedelta(days=40)
            steps = [
                ("submit", "draft", "submitted", submitted),
                ("review", "submitted", "under_review", submitted + datetime.timedelta(days=7)),
            ]
            if status == ProjectStatus.REJECTED:
                steps.append(("reject", "under_review", "rejected", day))
                decisions.append((project, day, CommitteeDecision.Decision.REJECTED))
            transitions += self._path(project, steps)
        ProjectMember.objects.bulk_create(members)
        ProjectTransition.objects.bulk_create(transitions)
        self._committee(decisions)

    # -- money and follow-up ---------------------------------------------------------

    def _shares(self, n: int, amount: Decimal, day: datetime.date) -> list[tuple[FundingAgreement, Decimal]]:
        eu = self.agreements[0][0]
        cofunders = [a for a, _r in self.agreements[1:] if a.start_date <= day <= a.end_date]
        if n % 4 == 0 or not cofunders or day > eu.end_date:
            return [(eu, amount)]
        co = cofunders[n % len(cofunders)]
        eu_share = _money(amount * Decimal("0.75"))
        return [(eu, eu_share), (co, amount - eu_share)]

    def _funding(self, projects, pay_dates) -> None:
        rng = self.rng
        rates = {a.pk: r for a, r in self.agreements}
        reinforced = set(
            rng.sample([p for p in range(N_FINANCED) if pay_dates[p] <= datetime.date(2019, 7, 31)], N_REINFORCED)
        )
        grants, plans = [], []
        for p, project in enumerate(projects):
            pay = pay_dates[p]
            amount = _money(rng.randrange(30, 80) * 500)
            grants.append(
                Grant(
                    project=project,
                    kind=Grant.Kind.STARTUP,
                    amount=amount,
                    awarded_on=pay - datetime.timedelta(days=10),
                    awarded_by=self.manager,
                )
            )
            two = rng.random() < 0.4
            first = _money(amount * Decimal("0.6")) if two else amount
            plan = [(1, first, pay)]
            if two:
                plan.append((2, amount - first, pay + datetime.timedelta(days=rng.randrange(80, 110))))
            plans.append(plan)
            if p in reinforced:
                day = pay + relativedelta(months=rng.randrange(4, 7))
                top_up = _money(rng.randrange(8, 25) * 500)
                grants.append(
                    Grant(
                        project=project,
                        kind=Grant.Kind.REINFORCEMENT,
                        amount=top_up,
                        awarded_on=day - datetime.timedelta(days=7),
                        awarded_by=self.manager,
                    )
                )
                plans.append([(1, top_up, day)])
        Grant.objects.bulk_create(grants)
        fundings, tranches, payments = [], [], []
        for n, (grant, plan) in enumerate(zip(grants, plans, strict=True)):
            shares = self._shares(n, grant.amount, plan[0][2])
            fundings += [GrantFunding(grant=grant, agreement=a, amount=s) for a, s in shares]
            for number, amount, day in plan:
                tranche = Tranche(grant=grant, number=number, amount=amount, planned_date=day)
                tranches.append(tranche)
                payments.append((grant, tranche, amount, day, shares))
        GrantFunding.objects.bulk_create(fundings)
        Tranche.objects.bulk_create(tranches)

        # A few payments were keyed with the wrong amount: reversed and paid again.
        mistakes = set(rng.sample(range(len(payments)), 4))
        disbursements, allocations_for, reversal_of = [], [], {}
        for n, (grant, tranche, amount, day, shares) in enumerate(payments):
            method = _weighted(
                rng,
                [
                    (Disbursement.Method.BANK_TRANSFER, 50),
                    (Disbursement.Method.EQUIPMENT, 40),
                    (Disbursement.Method.CASH, 10),
                ],
            )
            if n in mistakes:
                wrong = self._disbursement(grant, tranche, amount + 1000, day, method)
                disbursements.append(wrong)
                allocations_for.append((wrong, shares, amount + 1000))
                reversal_of[len(disbursements) - 1] = (
                    grant,
                    tranche,
                    amount + 1000,
                    day + datetime.timedelta(days=2),
                    shares,
                )
                day = day + datetime.timedelta(days=2)
            d = self._disbursement(grant, tranche, amount, day, method)
            disbursements.append(d)
            allocations_for.append((d, shares, amount))
        Disbursement.objects.bulk_create(disbursements)
        reversals = []
        for idx, (grant, tranche, amount, day, shares) in reversal_of.items():
            r = self._disbursement(grant, tranche, amount, day, Disbursement.Method.BANK_TRANSFER)
            r.kind = Disbursement.Kind.REVERSAL
            r.reverses = disbursements[idx]
            reversals.append(r)
            allocations_for.append((r, shares, amount))
        Disbursement.objects.bulk_create(reversals)
        allocations = []
        for d, shares, amount in allocations_for:
            total = sum(s for _a, s in shares)
            left = amount
            for k, (agreement, share) in enumerate(shares):
                part = left if k == len(shares) - 1 else _money(amount * share / total)
                left -= part
                rate = rates[agreement.pk]
                allocations.append(
                    DisbursementAllocation(
                        disbursement=d,
                        agreement=agreement,
                        amount_mad=part,
                        amount_currency=_money(part / rate),
                        rate=rate,
                    )
                )
        DisbursementAllocation.objects.bulk_create(allocations)
        self._visits(projects, pay_dates)

    def _disbursement(self, grant, tranche, amount, day, method) -> Disbursement:
        return Disbursement(
            grant=grant,
            tranche=tranche,
            date=day,
            amount=amount,
            method=method,
            reference=f"VIR-{day:%Y%m%d}-{self.seq + 1:05d}",
            status=Disbursement.Status.APPROVED,
            recorded_by=self.caseworker,
            approved_by=self.manager,
            approved_at=_at(day, 15),
            idempotency_key=self._key(),
        )

    def _visits(self, projects, pay_dates) -> None:
        rng = self.rng
        visits, closed_projects = [], []
        for p, project in enumerate(projects):
            pay = pay_dates[p]
            operating = True
            revenue = rng.randrange(15, 60) * 100
            for months in VISIT_MONTHS:
                due = pay + relativedelta(months=months)
                if operating and rng.random() < CLOSURE_RISK[months]:
                    operating = False
                status = BusinessStatus.OPERATING if operating else BusinessStatus.CLOSED
                revenue = int(revenue * rng.uniform(0.9, 1.25))
                visits.append(
                    FollowUpVisit(
                        project=project,
                        months_after_funding=months,
                        due_date=due,
                        status=FollowUpVisit.Status.DONE,
                        done_on=due + datetime.timedelta(days=rng.randrange(0, 12)),
                        mode=FollowUpVisit.Mode.ON_SITE if operating else FollowUpVisit.Mode.PHONE,
                        visitor=self.caseworker,
                        business_status=status,
                        monthly_revenue=_money(revenue) if operating else _money(0),
                        monthly_costs=_money(revenue * 0.6) if operating else _money(0),
                        jobs_refugee_women=rng.choice([0, 0, 1, 1, 2]) if operating else 0,
                        jobs_refugee_men=rng.choice([0, 1, 1, 2]) if operating else 0,
                        jobs_moroccan_women=rng.choice([0, 0, 0, 1]) if operating else 0,
                        jobs_moroccan_men=rng.choice([0, 0, 1]) if operating else 0,
                        verdict=FollowUpVisit.Verdict.SATISFACTORY
                        if operating
                        else FollowUpVisit.Verdict.UNSATISFACTORY,
                        observations="Business open, stock in place." if operating else "Business closed.",
                    )
                )
            if not operating:
                closed_projects.append(project.pk)
        FollowUpVisit.objects.bulk_create(visits)
        BusinessProject.objects.filter(pk__in=closed_projects).update(
            status=ProjectStatus.CLOSED, outcome=ProjectOutcome.CLOSED_BUSINESS
        )
        ProjectMember.objects.filter(project_id__in=closed_projects).update(is_active=False)
