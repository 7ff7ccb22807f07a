"""The grant form as a browser posts it: the blank extra rows still send their selects'
values (a tranche's release condition is always "none"), and must count as empty."""

import pytest
from django.urls import reverse

from funding.models import Grant
from tests.funding.test_grant_form import _post

pytestmark = pytest.mark.django_db


def test_it_awards_a_grant_when_the_blank_tranche_rows_post_their_default_condition(
    rabat_project, eu, monaco, client_for, manager
):
    data = _post(rabat_project, eu, monaco)
    data.update({"share-TOTAL_FORMS": "3", "share-2-agreement": "", "share-2-amount": ""})
    data["tranche-TOTAL_FORMS"] = "4"
    for i in (2, 3):
        data.update({f"tranche-{i}-amount": "", f"tranche-{i}-planned_date": "", f"tranche-{i}-condition": "none"})
    response = client_for(manager).post(reverse("funding:grant_create"), data)
    grant = Grant.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("funding:grant_detail", args=[grant.pk])
    assert grant.tranches.count() == 2
