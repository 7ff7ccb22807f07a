"""A form-wide error is shown once, above the form's fields, and announced (role="alert")."""

import pytest

from tests.factories.projects import BusinessProjectFactory

pytestmark = pytest.mark.django_db


def test_a_budget_line_error_is_shown_once_and_announced(client_for, caseworker, office_rabat):
    project = BusinessProjectFactory(office=office_rabat, created_by=caseworker)
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/projects/{project.pk}/budget/",
        {"category": "equipment", "description": "Oven", "quantity": "1000", "unit_cost": "999999"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    message = "This line&#x27;s total is not plausible (over 1,000,000 MAD)."
    assert html.count(message) == 1
    alert = html[html.index('id="line-form"') :]
    assert alert.index('role="alert"') < alert.index(message)
