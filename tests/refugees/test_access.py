"""refugees_visible_to / refugee_for_user: office scope, manager scope, refused roles."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from refugees.access import refugee_for_user, refugees_visible_to

pytestmark = pytest.mark.django_db


def test_it_scopes_a_caseworker_to_their_office(caseworker, rabat_refugee, oujda_refugee):
    assert list(refugees_visible_to(caseworker)) == [rabat_refugee]
    assert refugee_for_user(caseworker, rabat_refugee.pk) == rabat_refugee


def test_it_gives_a_manager_every_office(manager, rabat_refugee, oujda_refugee):
    assert set(refugees_visible_to(manager)) == {rabat_refugee, oujda_refugee}
    assert refugee_for_user(manager, oujda_refugee.pk, write=True) == oujda_refugee


def test_it_hides_another_office_with_a_404(other_caseworker, rabat_refugee):
    with pytest.raises(Http404):
        refugee_for_user(other_caseworker, rabat_refugee.pk)
    with pytest.raises(Http404):
        refugee_for_user(other_caseworker, "not-a-number")


@pytest.mark.parametrize("persona", ["partner_unhcr", "partner_anapec", "committee_member", "admin_user"])
def test_it_refuses_other_roles_with_a_403(request, persona, rabat_refugee):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        refugees_visible_to(user)
    with pytest.raises(PermissionDenied):
        refugee_for_user(user, rabat_refugee.pk)


def test_it_refuses_writes_to_an_anonymised_profile(manager, rabat_refugee):
    from refugees.services import refugee_anonymise

    refugee_anonymise(refugee=rabat_refugee, by=manager)
    assert refugee_for_user(manager, rabat_refugee.pk).anonymised_at
    with pytest.raises(PermissionDenied):
        refugee_for_user(manager, rabat_refugee.pk, write=True)
