"""A user's menu is worked out once per set of roles: the kept menu is the one the items'
own rules give, for every role and for several roles at once, and a new item is seen."""

import pytest
from django.contrib.auth.models import Group

from core.registry import NavItem, NavRegistry, nav
from core.roles import Role, has_role
from tests.factories.core import make_user


def _fresh(user) -> list[str]:
    items = [i for i in nav._items.values() if has_role(user, *i.roles) and i.url()]
    return [i.key for i in sorted(items, key=lambda i: (i.order, i.key))]


@pytest.mark.django_db
def test_every_role_gets_the_menu_its_roles_give():
    users = [make_user(role, partner_code="unhcr" if role == Role.PARTNER_OFFICER else None) for role in Role.values]
    both = make_user(Role.CASEWORKER, username="two.roles")
    both.groups.add(Group.objects.get(name=Role.PROGRAMME_MANAGER))
    users.append(both)
    menus = set()
    for user in users:
        first = [i.key for i in nav.for_user(user)]
        assert first == _fresh(user), user
        kept = nav.for_user(user)
        assert [i.key for i in kept] == first
        kept.clear()  # a caller's list is its own
        assert [i.key for i in nav.for_user(user)] == first
        menus.add(tuple(first))
    assert len(menus) >= 4  # the roles' menus differ: nothing is shared across roles


@pytest.mark.django_db
def test_an_item_registered_later_is_seen():
    registry = NavRegistry()
    caseworker = make_user(Role.CASEWORKER)
    registry.register(NavItem("people", "People", "refugees:list", (Role.CASEWORKER,)))
    assert [i.key for i in registry.for_user(caseworker)] == ["people"]
    registry.register(NavItem("home", "Home", "home", (Role.CASEWORKER,), order=1))
    assert [i.key for i in registry.for_user(caseworker)] == ["home", "people"]
    assert registry.for_user(make_user(Role.PARTNER_OFFICER, partner_code="unhcr")) == []
