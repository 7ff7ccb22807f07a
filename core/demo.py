"""Demo people and places for ``seed_demo`` (idempotent)."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from core.models import City, Office, PartnerOrganisation, User
from core.roles import Role

DEMO_PASSWORD = "sanad-demo-2026"  # noqa: S105 - a published demo password, refused in production

# code, city slug, French, Arabic, English, head office
OFFICES = [
    ("rabat", "rabat", "Rabat (siège)", "الرباط (المقر)", "Rabat (head office)", True),
    ("casablanca", "casablanca", "Casablanca", "الدار البيضاء", "Casablanca", False),
    ("oujda", "oujda", "Oujda", "وجدة", "Oujda", False),
    ("tanger", "tanger", "Tanger", "طنجة", "Tangier", False),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    office: str | None = None
    partner: str | None = None


DEMO_USERS = [
    DemoUser("caseworker", Role.CASEWORKER, "Salma", "Bennani", office="rabat"),
    DemoUser("caseworker.casa", Role.CASEWORKER, "Youssef", "El Idrissi", office="casablanca"),
    DemoUser("caseworker.oujda", Role.CASEWORKER, "Nadia", "Berrada", office="oujda"),
    DemoUser("caseworker.tanger", Role.CASEWORKER, "Karim", "Tazi", office="tanger"),
    DemoUser("manager", Role.PROGRAMME_MANAGER, "Fatima", "Alaoui", office="rabat"),
    DemoUser("manager2", Role.PROGRAMME_MANAGER, "Omar", "Chraibi", office="rabat"),
    DemoUser("committee.chair", Role.COMMITTEE_MEMBER, "Rachid", "Amrani"),
    DemoUser("committee", Role.COMMITTEE_MEMBER, "Leila", "Fassi"),
    DemoUser("committee2", Role.COMMITTEE_MEMBER, "Hicham", "Ouazzani"),
    DemoUser("partner.unhcr", Role.PARTNER_OFFICER, "Amina", "Kabbaj", partner="unhcr"),
    DemoUser("partner.ministry", Role.PARTNER_OFFICER, "Said", "Benjelloun", partner="ministry"),
    DemoUser("partner.anapec", Role.PARTNER_OFFICER, "Hind", "Lahlou", partner="anapec"),
    DemoUser("partner.odco", Role.PARTNER_OFFICER, "Mehdi", "Sqalli", partner="odco"),
    DemoUser("partner.eu", Role.PARTNER_OFFICER, "Claire", "Martin", partner="eu"),
    DemoUser("admin", Role.ADMIN, "Admin", "IT"),
]


@transaction.atomic
def seed(*, stdout=None, options: dict | None = None) -> list[DemoUser]:
    for code, city, fr, ar, en, head in OFFICES:
        Office.objects.update_or_create(
            code=code,
            defaults={
                "city": City.objects.get(slug=city),
                "name_fr": fr,
                "name_ar": ar,
                "name_en": en,
                "is_head_office": head,
            },
        )
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@demo.sanad.local",
            },
        )
        user.office = Office.objects.get(code=spec.office) if spec.office else None
        user.partner_organisation = PartnerOrganisation.objects.get(code=spec.partner) if spec.partner else None
        user.is_staff = spec.role == Role.ADMIN
        user.is_superuser = False  # the admin is IT: its group's permissions, no person's data
        if created:
            user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=spec.role)])
    return DEMO_USERS
