"""Anonymising a person leaves no trace of them in any table or media file, and changes no
figure of any report, for periods ending on a month's last day (a year, a quarter, two months).

The person is built with everything through the services: documents, notes, consent, a
project with its feasibility study (two versions of its document), a committee review
with a conflict declared, a grant with a paid receipt, a visit with photos and action
points; then edited through the Django admin over HTTP (the profile and the project),
viewed (the view log), and anonymised through the page, as a manager would."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.registry import erasure
from core.roles import Role
from refugees.erasure import KINDS
from refugees.models import ErasureLog, ProfileView, Refugee, RefugeeDocument
from refugees.services import refugee_anonymise
from reports.generators import reports
from reports.indicators import registry
from tests.factories.core import make_user
from tests.factories.refugees import RefugeeFactory
from tests.refugees.erasure_world import (
    admin_edit,
    database_hits,
    file_hits,
    give_everything,
    register,
    review_and_fund,
)

pytestmark = pytest.mark.django_db

PERIODS = [
    (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),  # a year
    (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30)),  # a quarter: she turns 18 on 20 September
    (datetime.date(2025, 7, 1), datetime.date(2025, 7, 31)),  # a month: still 17
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),  # born on 29 February: still 17 on the 28th
]
ZOUBEIDA = {
    "first": "Zoubeida",
    "last": "Ouarzazi",
    "first_ar": "زبيدة",
    "last_ar": "الورزازي",
    "number": "RAB-24C07731",
    "phone": "+212661234987",
    "born": datetime.date(2007, 9, 20),
    "intake": datetime.date(2025, 7, 3),
}
YASMINA = {
    "first": "Yasmina",
    "last": "Bentalebou",
    "first_ar": "ياسمينة",
    "last_ar": "بنطالبو",
    "number": "OUJ-26C00229",
    "phone": "+212661000229",
    "born": datetime.date(2008, 2, 29),
    "intake": datetime.date(2026, 2, 10),
}


def needles(person: dict, *more: str) -> list[str]:
    return [
        person["first"],
        person["last"],
        person["first_ar"],
        person["last_ar"],
        person["number"],
        person["number"][:-1] + "0",  # the case number
        person["phone"],
        *more,
    ]


@pytest.fixture
def media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "public"
    for root in (settings.PRIVATE_MEDIA_ROOT, settings.MEDIA_ROOT):
        root.mkdir()
    return [settings.PRIVATE_MEDIA_ROOT, settings.MEDIA_ROOT]


@pytest.fixture
def committee(committee_member):
    return [
        committee_member,
        make_user(Role.COMMITTEE_MEMBER, username="committee.b"),
        make_user(Role.COMMITTEE_MEMBER, username="committee.c"),
    ]


@pytest.fixture
def staff(caseworker, manager, manager2, committee):
    return {"caseworker": caseworker, "manager": manager, "manager2": manager2, "committee": committee}


def snapshot() -> dict:
    """Every partner report's figures and tables, and every indicator by each of its
    dimensions (exact), for every period."""
    out = {}
    for start, end in PERIODS:
        for generator in reports.all():
            for partner in generator.audience if generator.per_partner else [None]:
                data = generator.build(start, end, partner=partner)
                out[(generator.code, partner, start, end)] = (data.figures, [t.as_dict() for t in data.tables])
        for indicator in registry.all():
            out[(indicator.code, start, end)] = indicator.compute(start, end)
            for dim in indicator.dimensions:
                out[(indicator.code, dim, start, end)] = indicator.compute(start, end, by=dim)
    return out


def test_erasure_leaves_no_trace_and_every_report_unchanged(
    client, django_capture_on_commit_callbacks, media, staff, office_rabat
):
    hashes: set[str] = set()
    zoubeida = register(staff["caseworker"], office_rabat, **ZOUBEIDA)
    project = give_everything(zoubeida, hashes=hashes, **staff)
    review_and_fund(project, name=zoubeida.full_name_latin, hashes=hashes, **staff)
    yasmina = register(staff["caseworker"], office_rabat, **YASMINA)
    give_everything(yasmina, hashes=hashes, project=None, **staff)
    for n in range(6):  # enough people of her age and sex for the partner tables to show counts
        RefugeeFactory(
            office=office_rabat, date_of_birth=datetime.date(2007, 3 + n, 5), intake_date=datetime.date(2025, 7, 8)
        )
    # A superuser who holds a case role (the IT admin alone sees no personal data in the admin).
    superuser = make_user(Role.PROGRAMME_MANAGER, username="it.super", is_superuser=True)
    superuser.is_staff = True
    superuser.save(update_fields=["is_staff"])
    client.force_login(superuser)
    admin_edit(client, "refugees_refugee", zoubeida.pk, phone="+212661234988", skills="Embroidery by Zoubeida")
    admin_edit(client, "projects_businessproject", project.pk, title="Atelier Zoubeida Ouarzazi")
    client.force_login(staff["caseworker"])
    assert client.get(reverse("refugees:detail", args=[zoubeida.pk])).status_code == 200
    client.force_login(staff["manager"])
    assert client.get(reverse("refugees:subject_export", args=[zoubeida.pk])).status_code == 200
    views = ProfileView.objects.filter(refugee=zoubeida).count()
    search = needles(ZOUBEIDA, "+212661234988") + needles(YASMINA)

    before = snapshot()
    assert {t for t, _c, _n in database_hits(search)} >= {
        "refugees_refugee",
        "refugees_historicalrefugee",
        "django_admin_log",
        "projects_feasibilitystudy",
        "funding_followupvisit",
    }
    assert len({p for p, w in file_hits(media, search, hashes) if w == "sha256"}) == len(hashes) == 11

    with django_capture_on_commit_callbacks(execute=True):
        for person in (zoubeida, yasmina):
            response = client.post(reverse("refugees:anonymise", args=[person.pk]), {"confirm": "on"})
            assert response.status_code == 302

    assert database_hits(search) == []
    assert file_hits(media, search, hashes) == []
    assert snapshot() == before
    print(f"erasure: {len(before)} report figures and tables compared, {len(search)} identifiers searched")
    assert ProfileView.objects.filter(refugee=zoubeida).count() == views  # who viewed when, kept
    log = ErasureLog.objects.get(refugee=zoubeida)
    removed = {e["kind"]: e for e in log.removals}
    assert log.by == staff["manager"] and set(removed) <= set(KINDS)
    assert removed["documents"]["files"] == 2 and removed["projects_files"]["files"] == 2
    assert removed["funding_files"]["files"] == 3 and "shared_project_files_kept" not in removed
    assert removed["admin_log"]["rows"] >= 1 and removed["profile_history"]["rows"] >= 2
    assert client.get(reverse("refugees:detail", args=[zoubeida.pk])).status_code == 200
    anonymised = Refugee.objects.get(pk=zoubeida.pk)
    assert anonymised.date_of_birth == datetime.date(2007, 9, 1) and anonymised.birth_year == 2007
    assert Refugee.objects.get(pk=yasmina.pk).date_of_birth == datetime.date(2008, 2, 29)


def test_a_shared_project_keeps_the_other_members_data_until_its_last_member_is_erased(
    django_capture_on_commit_callbacks, media, staff, office_rabat
):
    hashes: set[str] = set()
    zoubeida = register(staff["caseworker"], office_rabat, **ZOUBEIDA)
    project = give_everything(zoubeida, hashes=hashes, **staff)
    yasmina = register(staff["caseworker"], office_rabat, **{**YASMINA, "intake": datetime.date(2025, 7, 4)})
    give_everything(yasmina, hashes=hashes, project=project, **staff)
    study = project.feasibility_study
    study.market = f"{study.market}, with Yasmina Bentalebou"
    study.save()
    review_and_fund(project, name="Zoubeida Ouarzazi and Yasmina Bentalebou", hashes=hashes, **staff)
    assert len(file_hits(media, [], hashes)) == len(hashes) == 9

    with django_capture_on_commit_callbacks(execute=True):
        refugee_anonymise(refugee=zoubeida, by=staff["manager"])
    assert database_hits(needles(ZOUBEIDA)) == []
    assert {t for t, _c, _n in database_hits(["Yasmina", "Bentalebou"])} >= {
        "projects_feasibilitystudy",
        "funding_followupvisit",
        "funding_actionpoint",
    }
    assert len(file_hits(media, [], hashes)) == 7  # her own two documents are gone
    study.refresh_from_db()
    assert "Yasmina Bentalebou" in study.market and "Zoubeida" not in study.market and study.document
    kept = {e["kind"]: e for e in ErasureLog.objects.get(refugee=zoubeida).removals}["shared_project_files_kept"]
    assert kept["files"] == 5  # two versions of the study, a receipt, two photos

    with django_capture_on_commit_callbacks(execute=True):
        refugee_anonymise(refugee=yasmina, by=staff["manager"])
    assert database_hits(needles(ZOUBEIDA) + needles(YASMINA)) == []
    assert file_hits(media, needles(ZOUBEIDA) + needles(YASMINA), hashes) == []


def test_a_failing_step_erases_nothing(django_capture_on_commit_callbacks, media, staff, office_rabat):
    hashes: set[str] = set()
    zoubeida = register(staff["caseworker"], office_rabat, **ZOUBEIDA)
    give_everything(zoubeida, hashes=hashes, **staff)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    erasure.register("zz_broken", broken)
    try:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
            refugee_anonymise(refugee=zoubeida, by=staff["manager"])
    finally:
        erasure._providers.pop("zz_broken")
    zoubeida.refresh_from_db()
    assert zoubeida.anonymised_at is None and zoubeida.first_name_latin == "Zoubeida"
    assert RefugeeDocument.objects.filter(refugee=zoubeida).count() == 2
    assert not ErasureLog.objects.exists()
    assert len(file_hits(media, [], hashes)) == len(hashes) == 4


def test_only_a_manager_anonymises(staff, office_rabat, partner_unhcr, admin_user):
    zoubeida = register(staff["caseworker"], office_rabat, **ZOUBEIDA)
    for user in (staff["caseworker"], partner_unhcr, admin_user, staff["committee"][0]):
        with pytest.raises(PermissionDenied):
            refugee_anonymise(refugee=zoubeida, by=user)
    assert Refugee.objects.get(pk=zoubeida.pk).anonymised_at is None
