"""The amount requested is never negative: an own contribution larger than the budget
requests 0 on the project list as on the project's page (it said "-2200,00")."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import BusinessProject
from tests.factories.projects import BudgetLineFactory, BusinessProjectFactory

pytestmark = pytest.mark.django_db


def test_the_list_and_the_page_agree_on_zero(client_for, caseworker, office_rabat):
    project = BusinessProjectFactory(office=office_rabat)
    BudgetLineFactory(project=project, quantity=Decimal("1"), unit_cost=Decimal("800.00"))
    BusinessProject.objects.filter(pk=project.pk).update(own_contribution=Decimal("3000.00"))
    response = client_for(caseworker).get(reverse("projects:list"))
    row = next(p for p in response.context["page"] if p.pk == project.pk)
    assert row.requested == Decimal("0.00")
    assert "-2200" not in response.content.decode() and "-2 200" not in response.content.decode()
    page = client_for(caseworker).get(reverse("projects:detail", args=[project.pk]))
    assert page.context["requested"] == Decimal("0.00")
