"""Demo refugees for ``seed_demo``: today's living programme (intakes in 2025-2026).

``seed()`` registers about 40 people through the services (history, consents, notes, a
few Mohamed/Mohammed pairs confirmed as different people); it is idempotent.
``make_refugees()`` bulk-creates synthetic people fast (benchmarks: 100,000 rows).
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from core.models import City, Office, PartnerOrganisation, User
from refugees.models import Consent, DuplicateConfirmation, Refugee, RefugeeStatus
from refugees.services import consent_record, consent_withdraw, note_add, refugee_register

# Nationality weights (DOMAIN.md: the main nationalities of 2023).
NATIONALITIES = [
    ("SY", 30),
    ("CF", 10),
    ("YE", 10),
    ("SS", 6),
    ("CI", 8),
    ("SD", 8),
    ("PS", 4),
    ("CM", 7),
    ("CD", 6),
    ("GN", 5),
    ("SN", 3),
    ("ML", 3),
]
ARABIC_SPEAKING = {"SY", "YE", "SD", "PS"}
ARABIC_FIRST = {
    "M": [
        ("Mohamed", "محمد"),
        ("Ahmed", "أحمد"),
        ("Omar", "عمر"),
        ("Khaled", "خالد"),
        ("Youssef", "يوسف"),
        ("Ibrahim", "إبراهيم"),
        ("Hassan", "حسن"),
        ("Abdel Rahman", "عبد الرحمن"),
        ("Mahmoud", "محمود"),
        ("Ali", "علي"),
    ],
    "F": [
        ("Fatima", "فاطمة"),
        ("Aicha", "عائشة"),
        ("Maryam", "مريم"),
        ("Khadija", "خديجة"),
        ("Zainab", "زينب"),
        ("Amina", "أمينة"),
        ("Nour", "نور"),
        ("Leila", "ليلى"),
        ("Salma", "سلمى"),
        ("Houda", "هدى"),
    ],
}
ARABIC_LAST = [
    ("Al Halabi", "الحلبي"),
    ("Haddad", "حداد"),
    ("Al Hamwi", "الحموي"),
    ("Al Sanaani", "الصنعاني"),
    ("Othman", "عثمان"),
    ("Al Khatib", "الخطيب"),
    ("Darwish", "درويش"),
    ("Al Nour", "النور"),
    ("Ibrahim", "إبراهيم"),
    ("Al Masri", "المصري"),
    ("Saleh", "صالح"),
    ("Hamdan", "حمدان"),
]
AFRICAN_FIRST = {
    "M": ["Jean", "Moussa", "Mamadou", "Ibrahima", "Serge", "Patrick", "Ousmane", "Abdoulaye", "Emmanuel", "Didier"],
    "F": ["Aminata", "Fatoumata", "Grace", "Mariam", "Aissata", "Chantal", "Esther", "Awa", "Nadège", "Prisca"],
}
AFRICAN_LAST = [
    "Ngoma",
    "Diallo",
    "Koné",
    "Traoré",
    "Mbaye",
    "Kamara",
    "Ndiaye",
    "Yao",
    "Mbeki",
    "Tshibanda",
    "Nzapayeke",
    "Bamba",
    "Camara",
    "Ouattara",
]
OFFICE_CITIES = {
    "rabat": ["rabat", "sale", "temara", "kenitra"],
    "casablanca": ["casablanca", "mohammedia"],
    "oujda": ["oujda", "nador", "berkane"],
    "tanger": ["tanger", "tetouan"],
}
OFFICE_PREFIX = {"rabat": "RAB", "casablanca": "CAS", "oujda": "OUJ", "tanger": "TAN"}
OCCUPATIONS = [
    "Tailor",
    "Baker",
    "Hairdresser",
    "Mechanic",
    "Cook",
    "Electrician",
    "Trader",
    "Carpenter",
    "Teacher",
    "Farmer",
    "Phone repair",
    "Welder",
]


def _weighted(rng: random.Random, pairs):
    return rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs])[0]


def _person(rng: random.Random, i: int, office_code: str, intake: datetime.date, letter: str) -> dict:
    nationality = _weighted(rng, NATIONALITIES)
    sex = "F" if rng.random() < 0.45 else "M"
    if nationality in ARABIC_SPEAKING:
        first, first_ar = rng.choice(ARABIC_FIRST[sex])
        last, last_ar = rng.choice(ARABIC_LAST)
    else:
        first, first_ar = rng.choice(AFRICAN_FIRST[sex]), ""
        last, last_ar = rng.choice(AFRICAN_LAST), ""
    # Age profile: mostly working-age adults, a few older people.
    age = min(70, max(18, int(rng.gauss(34, 9))))
    dob = intake - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
    estimated = rng.random() < 0.1
    return {
        "unhcr_individual_number": f"{OFFICE_PREFIX.get(office_code, 'SAN')}-{intake.year % 100:02d}{letter}{i:05d}",
        "unhcr_case_number": f"{OFFICE_PREFIX.get(office_code, 'SAN')}-{intake.year % 100:02d}C{i:05d}",
        "first_name_latin": first,
        "last_name_latin": last,
        "first_name_ar": first_ar,
        "last_name_ar": last_ar,
        "sex": sex,
        "date_of_birth": None if estimated else dob,
        "birth_year": dob.year,
        "date_of_birth_estimated": estimated,
        "nationality": nationality,
        "legal_status": "refugee" if rng.random() < 0.8 else "asylum_seeker",
        "arrival_date": dob + datetime.timedelta(days=365 * (age - rng.randint(1, min(age - 1, 8)))),
        "phone": f"+2126{rng.randint(10_000_000, 99_999_999)}",
        "languages": ["ar"] if nationality in ARABIC_SPEAKING else ["fr"],
        "education_level": rng.choice(["none", "primary", "secondary", "vocational", "university"]),
        "previous_occupation": rng.choice(OCCUPATIONS),
        "household_size": rng.randint(1, 7),
        "specific_needs": ["single_parent"] if rng.random() < 0.1 else [],
        "referral_source": rng.choice(["unhcr", "unhcr", "partner_ngo", "anapec", "community", "self"]),
        "intake_date": intake,
    }


def make_refugees(
    count: int,
    *,
    office_codes: list[str],
    intake_start: datetime.date,
    intake_end: datetime.date,
    seed: int = 0,
    batch_size: int = 5000,
) -> int:
    """Bulk-create ``count`` synthetic people (no history rows: for benchmarks and big demos).

    UNHCR numbers use a letter derived from ``seed``: use a different seed for another batch.
    """
    rng = random.Random(seed)
    letter = chr(ord("A") + seed % 26)
    offices = {o.code: o for o in Office.objects.filter(code__in=office_codes)}
    cities = {c.slug: c for c in City.objects.all()}
    span = max(0, (intake_end - intake_start).days)
    made = 0
    batch: list[Refugee] = []
    for i in range(count):
        code = office_codes[i % len(office_codes)]
        intake = intake_start + datetime.timedelta(days=rng.randint(0, span))
        data = _person(rng, i, code, intake, letter)
        city = cities.get(rng.choice(OFFICE_CITIES.get(code, [offices[code].city.slug])))
        refugee = Refugee(**data, office=offices[code], city=city, region_id=city.region_id if city else None)
        refugee.set_name_keys()
        refugee.status = rng.choice([RefugeeStatus.REGISTERED] * 4 + [RefugeeStatus.SENSITISED, RefugeeStatus.TRAINED])
        batch.append(refugee)
        if len(batch) >= batch_size:
            Refugee.objects.bulk_create(batch)
            made += len(batch)
            batch = []
    if batch:
        Refugee.objects.bulk_create(batch)
        made += len(batch)
    return made


DEMO_SIZE = 40


@transaction.atomic
def seed(*, stdout=None, options: dict | None = None) -> None:
    options = options or {}
    if Refugee.objects.filter(unhcr_individual_number__regex=r"^[A-Z]{3}-2[56]D").exists():
        if stdout:
            stdout.write("refugees: demo people already there")
        _seed_scale(options, stdout)
        return
    rng = random.Random(2026)
    today = timezone.localdate()
    start = datetime.date(2025, 1, 6)
    users = {u.office.code: u for u in User.objects.filter(username__startswith="caseworker").select_related("office")}
    manager = User.objects.filter(username="manager").first()
    unhcr = PartnerOrganisation.objects.get(code="unhcr")
    anapec = PartnerOrganisation.objects.get(code="anapec")
    cities = {c.slug: c for c in City.objects.all()}
    codes = ["rabat", "casablanca", "oujda", "tanger"]
    created: list[Refugee] = []
    for i in range(DEMO_SIZE):
        code = codes[i % len(codes)]
        by = users.get(code) or manager
        intake = start + datetime.timedelta(days=rng.randint(0, (today - start).days))
        data = _person(rng, 100 + i, code, intake, "D")
        city = cities[rng.choice(OFFICE_CITIES[code])]
        data.update(
            office=by.office if by.office else Office.objects.get(code=code),
            city=city,
            region=city.region,
            caseworker=by,
        )
        refugee = refugee_register(by=by, data=data)
        consent_record(refugee=refugee, by=by, purpose=Consent.Purpose.PARTICIPATION, given_on=intake)
        if i % 3 == 0:
            consent_record(
                refugee=refugee, by=by, purpose=Consent.Purpose.SHARE_IDENTIFIABLE, partner=unhcr, given_on=intake
            )
        if i % 7 == 0:
            note_add(
                refugee=refugee,
                by=by,
                text="Interested in a small food business; to invite to the next awareness session.",
            )
        created.append(refugee)
    # One person withdrew their consent to share with ANAPEC.
    first = created[1]
    consent = consent_record(
        refugee=first,
        by=users.get("casablanca") or manager,
        purpose=Consent.Purpose.SHARE_IDENTIFIABLE,
        partner=anapec,
        given_on=first.intake_date,
    )
    consent_withdraw(
        consent=consent,
        by=users.get("casablanca") or manager,
        on=min(today, first.intake_date + datetime.timedelta(days=30)),
    )
    # Mohamed / Mohammed pairs: similar names, close births, confirmed as different people.
    pairs = [
        (("Mohamed", "محمد"), ("Mohammed", "مُحمّد"), ("Al Hamwi", "الحموي"), "rabat"),
        (("Muhammad", "محمد"), ("Mohamad", "محمد"), ("Darwish", "درويش"), "casablanca"),
        (("Abdel Rahman", "عبد الرحمن"), ("Abdul Rahman", "عبدالرحمن"), ("Saleh", "صالح"), "oujda"),
    ]
    for n, ((f1, a1), (f2, a2), (last, last_ar), code) in enumerate(pairs):
        by = users.get(code) or manager
        city = cities[OFFICE_CITIES[code][0]]
        people = []
        for k, (first, first_ar) in enumerate([(f1, a1), (f2, a2)]):
            intake = datetime.date(2025, 3 + n, 10 + k)
            data = _person(rng, 200 + 2 * n + k, code, intake, "D")
            data.update(
                first_name_latin=first,
                first_name_ar=first_ar,
                last_name_latin=last,
                last_name_ar=last_ar,
                sex="M",
                nationality="SY",
                date_of_birth=datetime.date(1985 + n, 2 + k, 14),
                birth_year=None,
                office=Office.objects.get(code=code),
                city=city,
                region=city.region,
                caseworker=by,
            )
            others = [p.pk for p in people]
            people.append(refugee_register(by=by, data=data, confirmed_duplicate_ids=others))
        assert DuplicateConfirmation.objects.filter(refugee=people[1], other=people[0]).exists()
    if stdout:
        stdout.write(f"refugees: {Refugee.objects.count()} people")
    _seed_scale(options, stdout)


def _seed_scale(options: dict, stdout) -> None:
    """``seed_demo --scale N`` (N > 1) adds N x 1,000 synthetic people once."""
    scale = int(options.get("scale") or 1)
    if scale <= 1 or Refugee.objects.filter(unhcr_individual_number__regex=r"^[A-Z]{3}-2[56]S").exists():
        return
    made = make_refugees(
        scale * 1000,
        office_codes=["rabat", "casablanca", "oujda", "tanger"],
        intake_start=datetime.date(2025, 1, 1),
        intake_end=timezone.localdate(),
        seed=18,
    )
    if stdout:
        stdout.write(f"refugees: {made} synthetic people added")
