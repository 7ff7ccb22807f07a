"""The five roles exist as groups with their permissions; reference data is loaded."""

from django.contrib.auth.models import Group, Permission

from core.models import City, PartnerOrganisation, Region
from core.roles import Role, has_role, role_of


def test_it_creates_a_group_per_role(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_it_gives_the_admin_group_every_permission(db):
    assert Group.objects.get(name=Role.ADMIN).permissions.count() == Permission.objects.count()


def test_it_loads_the_twelve_regions_in_three_languages(db):
    assert Region.objects.count() == 12
    casa = Region.objects.get(code="MA-06")
    assert (casa.name_fr, casa.name_ar, casa.name_en) == (
        "Casablanca-Settat",
        "الدار البيضاء سطات",
        "Casablanca-Settat",
    )
    assert City.objects.get(slug="oujda").region.code == "MA-02"


def test_it_loads_the_partner_organisations(db):
    codes = set(PartnerOrganisation.objects.values_list("code", flat=True))
    assert {"unhcr", "ministry", "anapec", "odco", "amappe", "eu", "monaco", "switzerland", "japan"} <= codes
    assert PartnerOrganisation.objects.get(code="eu").kind == PartnerOrganisation.Kind.DONOR


def test_it_derives_the_primary_role(caseworker, manager, admin_user):
    assert role_of(caseworker) == Role.CASEWORKER
    assert role_of(manager) == Role.PROGRAMME_MANAGER
    assert role_of(admin_user) == Role.ADMIN
    assert has_role(caseworker, Role.CASEWORKER, Role.PROGRAMME_MANAGER)
    assert not has_role(caseworker, Role.PARTNER_OFFICER)


def test_it_names_countries_in_each_language():
    from django.utils import translation
    from django_countries import countries

    with translation.override("ar"):
        assert countries.name("SY") == "سوريا"
    with translation.override("fr"):
        assert countries.name("SY") == "Syrie"
