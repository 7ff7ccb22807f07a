"""The indicator registry: an ``Indicator`` (code, name, definition, unit, dimensions and
the function that computes it) and the ``registry`` every report and dashboard reads.

An indicator's ``compute(start, end, by=None, filters=None)`` returns one number for the
period ``[start, end]`` (both days included), or with ``by`` a dict ``{group key:
number}``. ``filters`` takes the same dimension names with one value each.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.utils import translation
from django.utils.functional import Promise

from core.models import PartnerOrganisation

DIMENSIONS = ("sex", "age", "nationality", "legal_status", "region", "city", "office", "donor")
PERSON_DIMS = ("sex", "age", "nationality", "legal_status", "region", "city", "office")
UNKNOWN = "unknown"
SURVIVAL_MONTHS = (6, 12, 24)
ZERO = Decimal("0.00")
T = TypeVar("T")

JOBS = ("jobs_refugee_women", "jobs_refugee_men", "jobs_moroccan_women", "jobs_moroccan_men")
SURVIVAL = tuple(f"{kind}_{m}m" for m in SURVIVAL_MONTHS for kind in ("visited", "operating", "survival_rate"))

HEADLINE = (
    "refugees_received",
    "awareness_participants",
    "projects_financed",
    "refugees_in_financed_projects",
    "startups_reinforced",
    "cooperatives_created",
)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str | Promise  # a gettext_lazy text (``reports.indicators.definitions``)
    definition: str | Promise
    func: Callable[..., Any] = field(repr=False)
    unit: str = "count"  # count | mad | percent
    dimensions: tuple[str, ...] = DIMENSIONS
    # ``compute(by=(dim, dim, ...))`` gives the figure per combination of the dimensions'
    # values in one statement, and the figure adds up over them (see ``compute``).
    several: bool = False

    def compute(
        self,
        start: datetime.date,
        end: datetime.date,
        by: str | tuple[str, ...] | None = None,
        filters: dict | None = None,
    ):
        """The figure for [start, end]: one number; with ``by`` a dimension, ``{value:
        number}``; with ``by`` a tuple of dimensions (an indicator marked ``several``, not
        by donor), ``{(value, value, ...): number}`` from one grouped statement, whose
        numbers summed over all but one dimension give that dimension's dict, and summed
        over all, the number."""
        filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
        if isinstance(by, tuple):
            if not self.several or "donor" in by or len(set(by)) != len(by):
                raise ValueError(f"{self.code} cannot be disaggregated by {', '.join(by)} at once")
            dims = [*by, *filters]
        else:
            dims = [by, *filters]
        for dim in dims:
            if dim is not None and dim not in self.dimensions:
                raise ValueError(f"{self.code} cannot be disaggregated by {dim}")
        if by == "donor":
            # A co-funded record belongs to each of its donors: one query per donor (a
            # handful), so a sum never counts a record twice within a donor.
            codes = PartnerOrganisation.objects.filter(kind=PartnerOrganisation.Kind.DONOR).values_list(
                "code", flat=True
            )
            out = {code: self.func(start, end, None, {**filters, "donor": code}) for code in codes}
            return {k: v for k, v in out.items() if v}
        return self.func(start, end, by, filters)

    def label(self, lang: str = "en") -> str:
        with translation.override(lang):
            return str(self.name)

    def explain(self, lang: str = "en") -> str:
        with translation.override(lang):
            return str(self.definition)


class Registry(Generic[T]):
    """Items by their ``code``, in the order they were registered (the report generators'
    registry is one too)."""

    def __init__(self) -> None:
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        self._items[item.code] = item
        return item

    def __getitem__(self, code: str) -> T:
        return self._items[code]

    def __contains__(self, code: str) -> bool:
        return code in self._items

    def all(self) -> list[T]:
        return list(self._items.values())


registry: Registry[Indicator] = Registry()
