"""The award form chooses its project with a search box, not a list of every project: the
page holds no ``<select>`` of projects whatever their number, the picker (htmx) offers
the fundable projects of the user's scope by reference or title, and the form accepts only
a project of that scope, by reference or by id."""

import pytest
from django.urls import reverse

from core.roles import Role
from funding.forms import GrantForm
from funding.models import Grant
from funding.selectors import projects_to_fund
from tests.factories.core import make_user
from tests.factories.funding import approved_project
from tests.funding.test_grant_form import _post

pytestmark = pytest.mark.django_db


def test_the_award_page_has_a_search_box_and_no_list_of_projects(client_for, manager, rabat_project, oujda_project):
    html = client_for(manager).get(reverse("funding:grant_create")).content.decode()
    assert 'name="project"' in html and f'hx-get="{reverse("funding:project_picker")}"' in html
    assert '<select name="project"' not in html and rabat_project.reference not in html


def test_a_link_from_the_project_fills_the_box_with_its_reference(client_for, manager, rabat_project):
    url = reverse("funding:grant_create") + f"?project={rabat_project.pk}"
    assert f'value="{rabat_project.reference}"' in client_for(manager).get(url).content.decode()


def test_the_picker_finds_fundable_projects_by_reference_or_title(client_for, manager, office_rabat):
    wanted = approved_project(office=office_rabat, title="Boulangerie Nour")
    approved_project(office=office_rabat, title="Boulangerie brouillon", status="draft")
    client = client_for(manager)
    url = reverse("funding:project_picker")
    by_title = client.get(url, {"project": "boulang"}).content.decode()
    assert wanted.reference in by_title and "brouillon" not in by_title
    by_reference = client.get(url, {"project": wanted.reference[:6]}).content.decode()
    assert f'data-pick-value="{wanted.reference}"' in by_reference
    assert "data-pick-value" not in client.get(url, {"project": "b"}).content.decode()  # two characters at least


def test_the_picker_is_refused_to_whoever_cannot_award(client_for, caseworker):
    assert client_for(caseworker).get(reverse("funding:project_picker"), {"project": "PRJ"}).status_code == 403


def test_the_form_takes_the_reference_typed_in_any_case(client_for, manager, rabat_project, eu, monaco):
    data = {**_post(rabat_project, eu, monaco), "project": rabat_project.reference.lower()}
    response = client_for(manager).post(reverse("funding:grant_create"), data)
    assert response.status_code == 302 and Grant.objects.get().project == rabat_project


def test_a_project_the_form_does_not_offer_is_refused_by_id(client_for, manager, office_rabat, eu, monaco):
    draft = approved_project(office=office_rabat, status="draft")
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("funding:grant_create"), _post(draft, eu, monaco))
    assert response.status_code == 200 and "No such record in your scope" in response.content.decode()
    assert not Grant.objects.exists()


def test_an_officer_of_one_office_cannot_choose_another_offices_project(office_oujda, rabat_project, oujda_project):
    """The field validates against the scope it is given: the Oujda office's scope refuses
    a Rabat project posted by id or by reference, and accepts its own."""
    officer = make_user(Role.CASEWORKER, username="cw.oujda", office=office_oujda)
    scope = projects_to_fund(officer)
    for value in (rabat_project.pk, rabat_project.reference):
        form = GrantForm({"project": value}, projects=scope)
        form.is_valid()
        assert "project" in form.errors
    own = GrantForm({"project": oujda_project.pk}, projects=scope)
    own.is_valid()
    assert "project" not in own.errors and own.cleaned_data["project"] == oujda_project
