"""Budget lines, own contribution and the amount requested: Decimal, checked, never a 500."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects import selectors, services
from projects.forms import BudgetLineForm
from projects.models import BudgetLine, BusinessProject
from tests.factories.projects import BudgetLineFactory

pytestmark = pytest.mark.django_db


def test_it_computes_totals_and_the_amount_requested_in_decimal(draft, caseworker):
    services.budget_line_add(
        project=draft,
        by=caseworker,
        category="equipment",
        description="Machine",
        quantity=Decimal("3"),
        unit_cost=Decimal("1999.99"),
    )
    services.budget_line_add(
        project=draft,
        by=caseworker,
        category="stock",
        description="Fabric",
        quantity=Decimal("2.5"),
        unit_cost=Decimal("100.10"),
    )
    assert selectors.budget_total(draft) == Decimal("6250.22")
    assert selectors.amount_requested(draft) == Decimal("5250.22")  # own contribution 1,000
    row = selectors.with_amounts(BusinessProject.objects.filter(pk=draft.pk)).get()
    assert row.budget_total == Decimal("6250.22")
    assert row.requested == Decimal("5250.22")
    assert isinstance(row.requested, Decimal)


def test_the_database_refuses_zero_or_negative_lines(draft):
    for qty, cost in [(Decimal("0"), Decimal("10")), (Decimal("1"), Decimal("-5"))]:
        with pytest.raises(IntegrityError), transaction.atomic():
            BudgetLine.objects.create(project=draft, category="other", description="x", quantity=qty, unit_cost=cost)


def test_the_database_refuses_a_negative_own_contribution(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessProject.objects.filter(pk=draft.pk).update(own_contribution=Decimal("-1"))


@pytest.mark.parametrize(
    ("quantity", "unit_cost"),
    [("0", "100"), ("-1", "100"), ("1", "0"), ("1", "-50"), ("1", "99999999999999"), ("5000", "900"), ("abc", "1")],
)
def test_the_form_refuses_zero_negative_or_absurd_amounts(quantity, unit_cost):
    form = BudgetLineForm({"category": "equipment", "description": "x", "quantity": quantity, "unit_cost": unit_cost})
    assert not form.is_valid()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    quantity=st.one_of(st.decimals(allow_nan=True, allow_infinity=True), st.text(max_size=12)),
    unit_cost=st.one_of(st.decimals(allow_nan=True, allow_infinity=True), st.text(max_size=12)),
)
def test_the_form_never_crashes_on_any_input(quantity, unit_cost):
    form = BudgetLineForm(
        {"category": "stock", "description": "x", "quantity": str(quantity), "unit_cost": str(unit_cost)}
    )
    if form.is_valid():
        assert Decimal(0) < form.cleaned_data["quantity"] * form.cleaned_data["unit_cost"] <= Decimal(1000000)


def test_it_adds_a_line_through_the_page_and_shows_errors_otherwise(draft, client_for, caseworker):
    client = client_for(caseworker)
    ok = client.post(
        f"/projects/{draft.pk}/budget/",
        {"category": "equipment", "description": "Oven", "quantity": "1", "unit_cost": "7500.50"},
    )
    assert ok.status_code == 302
    bad = client.post(
        f"/projects/{draft.pk}/budget/",
        {"category": "equipment", "description": "Oven", "quantity": "-2", "unit_cost": "7500"},
    )
    assert bad.status_code == 400
    assert bad.context["line_form"].errors
    assert draft.budget_lines.count() == 1
    page = client.get(f"/projects/{draft.pk}/")
    assert page.context["requested"] == Decimal("6500.50")


def test_own_contribution_cannot_exceed_the_budget(draft, client_for, caseworker):
    BudgetLineFactory(project=draft, quantity=Decimal("1"), unit_cost=Decimal("2000"))
    response = client_for(caseworker).post(
        f"/projects/{draft.pk}/edit/",
        {
            "title": draft.title,
            "activity": draft.activity,
            "sector": draft.sector,
            "legal_form": draft.legal_form,
            "city": draft.city_id,
            "own_contribution": "2500",
        },
    )
    assert response.status_code == 200
    assert "own_contribution" in response.context["form"].errors


def test_a_submitted_project_budget_is_frozen(submitted, caseworker):
    with pytest.raises(Exception, match="Only a draft"):
        services.budget_line_add(
            project=submitted, by=caseworker, category="stock", description="x", quantity=1, unit_cost=1
        )
