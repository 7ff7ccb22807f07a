"""Every formset of the funding forms has a ceiling on the rows it builds, whatever count
the posted management form claims: a claim of 10^20 rows (or of "١٢٣٤", which Python reads
as 1234) is refused with a clear error, nothing is saved, and no more forms than the
ceiling are built (Django's default built 2,000 per formset: 20-26 s per request)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import ngettext

from funding.forms import MAX_ACTION_POINTS, MAX_SHARES, MAX_TRANCHES
from funding.models import FollowUpVisit, Grant
from tests.factories.funding import paid
from tests.funding.test_extra_visit import _data
from tests.funding.test_grant_form import _post

pytestmark = pytest.mark.django_db

HUGE = ["99999999999999999999", "١٢٣٤"]


def _shows_the_ceiling(response, formset, ceiling):
    """The formset's error names the ceiling, in the page's language, on the page."""
    errors = list(formset.non_form_errors())
    assert errors and str(ceiling) in errors[0]
    assert escape(errors[0]) in response.content.decode()


@pytest.mark.parametrize("claimed", HUGE)
def test_the_grant_form_builds_no_more_than_its_ceiling(rabat_project, eu, monaco, client_for, manager, claimed):
    data = _post(rabat_project, eu, monaco)
    data.update({"share-TOTAL_FORMS": claimed, "tranche-TOTAL_FORMS": claimed})
    response = client_for(manager).post(reverse("funding:grant_create"), data)
    assert response.status_code == 200
    assert not Grant.objects.exists()
    shares, tranches = response.context["shares"], response.context["tranches"]
    assert len(shares.forms) == MAX_SHARES and len(tranches.forms) == MAX_TRANCHES
    _shows_the_ceiling(response, shares, MAX_SHARES)
    _shows_the_ceiling(response, tranches, MAX_TRANCHES)


def test_the_grant_form_still_takes_rows_up_to_its_ceiling(rabat_project, eu, monaco, client_for, manager):
    data = _post(rabat_project, eu, monaco)
    data["tranche-TOTAL_FORMS"] = str(MAX_TRANCHES)
    for i in range(2, MAX_TRANCHES):
        data.update({f"tranche-{i}-amount": "", f"tranche-{i}-planned_date": "", f"tranche-{i}-condition": "none"})
    response = client_for(manager).post(reverse("funding:grant_create"), data)
    assert response.status_code == 302
    assert Grant.objects.get().tranches.count() == 2


@pytest.mark.parametrize("claimed", HUGE)
def test_the_visit_form_builds_no_more_than_its_ceiling(grant, caseworker, manager2, client_for, claimed):
    paid(grant, amount="20000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    url = reverse("funding:visit_add_extra", args=[grant.project_id])
    response = client_for(caseworker).post(url, _data(**{"ap-TOTAL_FORMS": claimed}))
    assert response.status_code == 200
    assert not FollowUpVisit.objects.filter(project=grant.project, months_after_funding=None).exists()
    action_points = response.context["action_points"]
    assert len(action_points.forms) == MAX_ACTION_POINTS
    _shows_the_ceiling(response, action_points, MAX_ACTION_POINTS)


def test_the_ceiling_is_said_in_arabic_and_french():
    """The error is Django's own message, which its catalogues translate."""
    for lang in ("ar", "fr"):
        with translation.override(lang):
            text = ngettext("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", 10)
        assert text != "Please submit at most %(num)d forms.", lang
