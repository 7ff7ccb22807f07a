"""Hooks that let a lower app show what a higher app knows, without importing it.

The layering is ``core <- refugees <- projects <- funding <- reports``. The navigation,
the home page panels and a person's timeline are filled by each app from its
``AppConfig.ready()``:

    from core.registry import nav, timeline
    nav.register(NavItem(...))
    timeline.register(my_provider)
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import NoReverseMatch
from django.utils.translation import get_language

from core.roles import has_role, roles_of
from core.urlcache import fixed_url, urls_served


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any  # a lazy translated string
    url_name: str
    roles: tuple[str, ...]
    order: int = 100
    icon: str = ""

    def url(self) -> str:
        try:
            return fixed_url(self.url_name)
        except NoReverseMatch:
            return ""


class NavRegistry:
    """The menu's items; a user's are those of their roles, worked out once per set of
    roles (and URLconf and script prefix, which the items' URLs depend on) per process."""

    def __init__(self) -> None:
        self._items: dict[str, NavItem] = {}
        self._for_roles: dict[tuple, list[NavItem]] = {}

    def register(self, item: NavItem) -> None:
        self._items[item.key] = item
        self._for_roles.clear()

    def for_user(self, user) -> list[NavItem]:
        key = (roles_of(user), *urls_served())
        items = self._for_roles.get(key)
        if items is None:
            items = [i for i in self._items.values() if has_role(user, *i.roles) and i.url()]
            items = self._for_roles[key] = sorted(items, key=lambda i: (i.order, i.key))
        return list(items)


@dataclass(frozen=True)
class TimelineEvent:
    """One thing that happened to a person, for the profile page's timeline."""

    when: date | datetime
    kind: str  # a short machine key: "session", "project", "grant", "visit", "note" ...
    title: str
    detail: str = ""
    url: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.when, datetime):
            return self.when.replace(tzinfo=None)
        return datetime(self.when.year, self.when.month, self.when.day)


TimelineProvider = Callable[[Any, Any], Iterable[TimelineEvent]]  # (refugee, user) -> events


class TimelineRegistry:
    def __init__(self) -> None:
        self._providers: dict[str, TimelineProvider] = {}

    def register(self, key: str, provider: TimelineProvider) -> None:
        self._providers[key] = provider

    def events_for(self, refugee, user) -> list[TimelineEvent]:
        events: list[TimelineEvent] = []
        for provider in self._providers.values():
            events.extend(provider(refugee, user))
        return sorted(events, key=lambda e: e.sort_key, reverse=True)


@dataclass(frozen=True)
class HomePanel:
    """A panel on a role's home page: a template rendered with ``context(request)``."""

    key: str
    template: str
    roles: tuple[str, ...]
    context: Callable[[Any], dict]
    order: int = 100


class HomePanelRegistry:
    def __init__(self) -> None:
        self._panels: dict[str, HomePanel] = {}

    def register(self, panel: HomePanel) -> None:
        self._panels[panel.key] = panel

    def for_request(self, request) -> list[tuple[HomePanel, dict]]:
        panels = [p for p in self._panels.values() if has_role(request.user, *p.roles)]
        return [(p, p.context(request)) for p in sorted(panels, key=lambda p: (p.order, p.key))]


@dataclass(frozen=True)
class TodoLine:
    """One line of a user's to-do: how many things await them, and where to act."""

    key: str
    label: str  # translated, with the count in it
    count: int
    url: str


TodoProvider = Callable[[Any], Iterable[TodoLine]]  # (user) -> lines


class TodoRegistry:
    """The to-do of every role (home page, navigation badge, daily digest): each app
    registers a provider for the roles it has work for; a provider makes a fixed number of
    queries (one count per line), so the to-do's cost does not grow with the data."""

    def __init__(self) -> None:
        self._providers: dict[str, tuple[tuple[str, ...], TodoProvider, int]] = {}

    def register(self, key: str, provider: TodoProvider, *, roles: tuple[str, ...], order: int = 100) -> None:
        self._providers[key] = (roles, provider, order)

    def for_user(self, user) -> list[TodoLine]:
        """The lines with something to do (count above 0), in the providers' order."""
        lines: list[TodoLine] = []
        for roles, provider, _order in sorted(self._providers.values(), key=lambda p: p[2]):
            if has_role(user, *roles):
                lines.extend(line for line in provider(user) if line.count > 0)
        return lines

    @staticmethod
    def _cache_key(user) -> str:
        return f"todo:{user.pk}:{get_language() or ''}"

    def cached_for_user(self, user) -> list[TodoLine]:
        """``for_user``, kept in the shared cache for ``SANAD_TODO_CACHE_SECONDS`` per user and
        language: what the navigation's badge and the home page show (no query on a page
        seen again within that time). ``/todo/`` itself counts afresh and refreshes it."""
        lines = cache.get(self._cache_key(user))
        if lines is None:
            lines = self.for_user(user)
            cache.set(self._cache_key(user), lines, settings.SANAD_TODO_CACHE_SECONDS)
        return lines

    def fresh_for_user(self, user) -> list[TodoLine]:
        lines = self.for_user(user)
        cache.set(self._cache_key(user), lines, settings.SANAD_TODO_CACHE_SECONDS)
        return lines

    def forget(self, user) -> None:
        """Drop the user's cached lines (in every language): after they changed something."""
        cache.delete_many([f"todo:{user.pk}:{code}" for code, _name in [*settings.LANGUAGES, ("", "")]])


nav = NavRegistry()
timeline = TimelineRegistry()
home_panels = HomePanelRegistry()
todo = TodoRegistry()


@dataclass(frozen=True)
class StatusRule:
    """A fact that gives a person a status, declared by the app that knows it.

    ``having`` takes a queryset of refugees and returns the subset with that fact, in
    the database (e.g. projects: "attended an awareness session"). The person's status
    is the highest-ranked status whose rule matches (see refugees.services).
    """

    status: str
    rank: int
    having: Callable[[Any], Any]


class StatusRuleRegistry:
    def __init__(self) -> None:
        self._rules: dict[str, StatusRule] = {}

    def register(self, key: str, rule: StatusRule) -> None:
        self._rules[key] = rule

    def rules(self) -> list[StatusRule]:
        return sorted(self._rules.values(), key=lambda r: r.rank, reverse=True)


status_rules = StatusRuleRegistry()


# (refugee, identifiers: core.erasure.Identifiers, report: core.erasure.ErasureReport) -> None
ErasureProvider = Callable[..., None]


class ErasureRegistry:
    """What each higher app removes when a person is anonymised (``refugees.services
    .refugee_anonymise`` runs every provider in its transaction, after its own steps)."""

    def __init__(self) -> None:
        self._providers: dict[str, ErasureProvider] = {}

    def register(self, key: str, provider: ErasureProvider) -> None:
        self._providers[key] = provider

    def run(self, *, refugee, identifiers, report) -> None:
        for key in sorted(self._providers):
            self._providers[key](refugee=refugee, identifiers=identifiers, report=report)


erasure = ErasureRegistry()
