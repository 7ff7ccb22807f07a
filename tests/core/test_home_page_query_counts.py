"""What a signed-in page costs before its own work: the layout (base.html, the navigation,
the context processors) makes no query; the user comes with office, organisation and roles
in one query; the navigation's to-do badge is counted once per SANAD_TODO_CACHE_SECONDS;
each role's home page makes a fixed number of queries."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from core.registry import todo

pytestmark = pytest.mark.django_db

PERSONAS = ["caseworker", "manager", "committee_member", "partner_unhcr", "admin_user"]

# The home page, seen again within the to-do's window: the user, plus the panels' own
# queries (the pipeline's grouped count; the committee's sittings; the partner's dashboard
# data version).
HOME_AGAIN = {"caseworker": 2, "manager": 2, "committee_member": 2, "partner_unhcr": 2, "admin_user": 1}
# The first time after signing in: the same, plus the to-do's counts (one per line of the role).
HOME_FIRST = {"caseworker": 3, "manager": 4, "committee_member": 3, "admin_user": 1}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_layout_costs_no_query_beyond_the_user(request, client_for, persona, django_assert_num_queries):
    client = client_for(request.getfixturevalue(persona))
    client.get(reverse("password_change_done"))
    with django_assert_num_queries(1):
        response = client.get(reverse("password_change_done"))
    assert response.status_code == 200
    assert reverse("logout") in response.content.decode()  # the whole layout was drawn


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_home_page_makes_a_fixed_number_of_queries(request, client_for, persona, django_assert_num_queries):
    client = client_for(request.getfixturevalue(persona))
    if persona in HOME_FIRST:  # the partner's first visit builds the dashboard (docs/reports.md)
        with django_assert_num_queries(HOME_FIRST[persona]):
            assert client.get(reverse("home")).status_code == 200
    else:
        client.get(reverse("home"))
    with django_assert_num_queries(HOME_AGAIN[persona]):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("persona", ["caseworker", "manager", "committee_member"])
def test_the_to_do_badge_costs_nothing_again_within_its_window(request, client_for, persona, django_assert_num_queries):
    client = client_for(request.getfixturevalue(persona))
    client.get(reverse("home"))  # counts the to-do
    with django_assert_num_queries(1):  # the user
        response = client.get(reverse("todo"), {"badge": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200


def test_a_users_own_write_drops_their_cached_to_do(client_for, manager):
    client = client_for(manager)
    client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr")
    with translation.override("fr"):
        key = todo._cache_key(manager)
    assert cache.get(key) is not None
    client.post(reverse("reminder_settings"), {"daily_digest": "on", "language": "fr"})
    assert cache.get(key) is None
