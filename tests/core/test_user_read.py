"""The per-request user read (``core.auth.read_user``, one hand-written statement compiled
once per process) gives what the ORM gives: every field of the user, its office and its
partner organisation, converted as the ORM converts them, and the roles it holds."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.auth import SanadBackend, read_user
from core.models import User
from core.roles import Role, roles_of
from tests.factories.core import make_user

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.parametrize(
    ("roles", "partner"),
    [
        ((Role.CASEWORKER,), None),
        ((Role.PROGRAMME_MANAGER, Role.COMMITTEE_MEMBER), None),
        ((Role.PARTNER_OFFICER,), "unhcr"),
        ((), None),
    ],
)
def test_the_read_gives_what_the_orm_gives(roles, partner):
    user = make_user(roles[0] if roles else Role.CASEWORKER, partner_code=partner)
    user.groups.set(Group.objects.filter(name__in=roles))
    user.groups.add(Group.objects.get_or_create(name="not a role")[0])  # ignored
    read = read_user(str(user.pk))  # the session keeps the key as text
    orm = User.objects.select_related("office", "partner_organisation").get(pk=user.pk)
    assert fields(read) == fields(orm)
    assert type(read.date_joined) is type(orm.date_joined) and read.date_joined.tzinfo is not None
    assert read._state.adding is False and read._state.db == "default"
    for relation in ("office", "partner_organisation"):
        mine, theirs = getattr(read, relation), getattr(orm, relation)
        assert (mine and fields(mine)) == (theirs and fields(theirs))
    assert read._sanad_group_roles == frozenset(roles)
    assert roles_of(read) == frozenset(roles)


def test_the_read_makes_one_query_and_the_relations_none(django_assert_num_queries):
    user = make_user(Role.CASEWORKER)
    with django_assert_num_queries(1):
        read = read_user(user.pk)
        assert read.office == user.office and read.partner_organisation is None
        assert roles_of(read) == {Role.CASEWORKER}


def test_a_read_user_saves_like_any_other():
    user = make_user(Role.CASEWORKER)
    read = read_user(user.pk)
    read.first_name = "Changed"
    read.save()
    assert User.objects.get(pk=user.pk).first_name == "Changed"


def test_a_missing_or_malformed_key_is_no_user():
    assert read_user(987654321) is None
    assert read_user("not a number") is None


def test_the_backend_refuses_an_inactive_user_and_a_superuser_is_an_admin():
    user = make_user(Role.CASEWORKER)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert SanadBackend().get_user(user.pk) is None
    User.objects.filter(pk=user.pk).update(is_active=True, is_superuser=True)
    assert roles_of(SanadBackend().get_user(user.pk)) == {Role.CASEWORKER, Role.ADMIN}


def test_a_role_taken_away_counts_on_the_next_request(client):
    user = make_user(Role.PROGRAMME_MANAGER)
    client.force_login(user)
    assert client.get(reverse("funding:approval_queue")).status_code == 200
    user.groups.clear()
    assert client.get(reverse("funding:approval_queue")).status_code == 403
