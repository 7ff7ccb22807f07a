"""The five roles exist as groups with their permissions; reference data is loaded."""

from django.contrib.auth.models import Group, Permission

from core.models import City, PartnerOrganisation, Region
from core.roles import Role, has_role, role_of


def test_it_creates_a_group_per_role(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_it_gives_the_admin_group_it_permissions_and_no_personal_data(db):
    """The admin is IT: users, roles, offices, reference data; no model of a person's case."""
    perms = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=Role.ADMIN).permissions.select_related("content_type")
    }
    assert {"core.change_user", "auth.change_group", "core.change_office", "core.change_city"} <= perms
    assert {"projects.change_scoringcriterion", "funding.change_checklistitem"} <= perms
    cases = {p for p in perms if p.split(".")[0] in ("refugees", "projects", "funding", "reports")}
    assert cases == {
        "projects.add_scoringcriterion",
        "projects.change_scoringcriterion",
        "projects.delete_scoringcriterion",
        "projects.view_scoringcriterion",
        "funding.add_checklistitem",
        "funding.change_checklistitem",
        "funding.delete_checklistitem",
        "funding.view_checklistitem",
    }
    assert Permission.objects.filter(content_type__app_label="refugees").exists()


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
