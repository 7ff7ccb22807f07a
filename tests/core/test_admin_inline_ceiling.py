"""Every inline of the Django admin builds, on a POST, at most its saved rows plus 50 new
forms, whatever count the posted management form claims (Django's default built up to
2,000 per inline: a project's change form posted with a count of 10^20 took 20 s). Over
the ceiling the page says so and saves nothing; a GET is unchanged."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.forms.formsets import DEFAULT_MAX_NUM
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.admin_inlines import BoundedTabularInline
from core.roles import Role
from projects.models import BusinessProject
from tests.factories.core import make_user
from tests.factories.projects import BudgetLineFactory, BusinessProjectFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
INPUT_RE = re.compile(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"')


@pytest.fixture
def admin_manager(office_rabat):
    user = make_user(Role.ADMIN, username="it.manager", office=office_rabat)
    user.groups.add(Group.objects.get(name=Role.PROGRAMME_MANAGER))
    return user


OURS = ("core.", "refugees.", "projects.", "funding.", "reports.")


def test_every_inline_of_ours_is_bounded():
    inlines = {i for a in admin.site._registry.values() for i in a.inlines if i.__module__.startswith(OURS)}
    assert inlines, "the admin has inlines"
    assert all(issubclass(i, BoundedTabularInline) for i in inlines), sorted(
        i.__name__ for i in inlines if not issubclass(i, BoundedTabularInline)
    )


def test_a_posted_count_over_the_ceiling_builds_no_more_forms_and_saves_nothing(
    client_for, admin_manager, office_rabat
):
    project = BusinessProjectFactory(office=office_rabat, title="Neighbourhood grocery")
    BudgetLineFactory.create_batch(3, project=project)
    client = client_for(admin_manager)
    url = reverse("admin:projects_businessproject_change", args=[project.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = dict(INPUT_RE.findall(page.content.decode()))
    prefixes = [name.removesuffix("-TOTAL_FORMS") for name in data if name.endswith("-TOTAL_FORMS")]
    assert "budget_lines" in prefixes
    data.update({f"{p}-TOTAL_FORMS": HUGE for p in prefixes})
    data["title"] = "Changed title"
    response = client.post(url, data)
    assert response.status_code == 200
    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    budget = formsets["budget_lines"]
    assert len(budget.forms) == 3 + BoundedTabularInline.new_rows_max
    assert budget.non_form_errors()
    assert all(len(f.forms) <= f.initial_form_count() + BoundedTabularInline.new_rows_max for f in formsets.values())
    project.refresh_from_db()
    assert project.title == "Neighbourhood grocery"
    assert project.budget_lines.count() == 3


def _formsets(model_admin, project, user, method):
    request = getattr(RequestFactory(), method)("/")
    request.user = user
    inlines = model_admin.get_inline_instances(request, project)
    with CaptureQueriesContext(connection) as queries:
        formsets = [i.get_formset(request, project) for i in inlines]
    return formsets, [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]


def test_only_a_post_counts_the_saved_rows(admin_manager, office_rabat):
    project = BusinessProjectFactory(office=office_rabat)
    BudgetLineFactory.create_batch(2, project=project)
    model_admin = admin.site._registry[BusinessProject]
    on_get, get_counts = _formsets(model_admin, project, admin_manager, "get")
    on_post, post_counts = _formsets(model_admin, project, admin_manager, "post")
    assert (len(get_counts), len(post_counts)) == (0, len(on_post))  # one count per inline, on a POST only
    budget_get, budget_post = (
        next(f for f in fs if f.model._meta.model_name == "budgetline") for fs in (on_get, on_post)
    )
    assert budget_get.absolute_max == budget_get.max_num + DEFAULT_MAX_NUM  # Django's own
    assert budget_post.absolute_max == budget_post.max_num == 2 + BoundedTabularInline.new_rows_max
