"""The indicator registry: every figure a report or a dashboard shows, computed in the
database for a period [start, end] and optionally disaggregated.

An indicator's ``compute(start, end, by=None, filters=None)`` returns one number, or
with ``by`` a dict ``{group key: number}``. Dimensions (``DIMENSIONS``): sex, UNHCR age
bracket at the period's end, nationality, legal status, region, city, office, donor. For
a project the person dimensions are those of its lead member; "donor" means a donor with
an agreement funding one of the project's grants (a co-funded project counts for each
of its donors). ``filters`` takes the same dimension names with one value each.

Nothing is stored: every call queries the records (the dashboard, inside
``from_project_facts()``, reads the derived facts for the first payments and visits).

| module | what |
|---|---|
| ``framework`` | ``Indicator``, the ``registry``, the dimensions, ``HEADLINE`` |
| ``definitions`` | each indicator's name, definition (gettext), unit and dimensions |
| ``queries`` | dimension expressions, filters, the grouped measure |
| ``sources`` | the facts switch (``from_project_facts``) and the first payments |
| ``people``, ``projects``, ``money``, ``visits`` | the computations, one family each |
"""

from reports.indicators import money, people, projects, visits
from reports.indicators.definitions import DEFINITIONS
from reports.indicators.framework import (
    DIMENSIONS,
    HEADLINE,
    JOBS,
    SURVIVAL,
    SURVIVAL_MONTHS,
    UNKNOWN,
    Indicator,
    registry,
)
from reports.indicators.money import amount_by_agreement
from reports.indicators.sources import financed_facts_q, financed_projects, from_project_facts

_COMPUTE = {**people.COMPUTE, **projects.COMPUTE, **money.COMPUTE, **visits.COMPUTE}
_SEVERAL = people.SEVERAL | projects.SEVERAL | visits.SEVERAL
assert set(_COMPUTE) == set(DEFINITIONS), set(_COMPUTE) ^ set(DEFINITIONS)

for _code, _text in DEFINITIONS.items():
    registry.register(
        Indicator(
            code=_code,
            name=_text.name,
            definition=_text.definition,
            func=_COMPUTE[_code],
            unit=_text.unit,
            dimensions=_text.dimensions,
            several=_code in _SEVERAL,
        )
    )

__all__ = [
    "DIMENSIONS",
    "HEADLINE",
    "JOBS",
    "SURVIVAL",
    "SURVIVAL_MONTHS",
    "UNKNOWN",
    "Indicator",
    "amount_by_agreement",
    "financed_facts_q",
    "financed_projects",
    "from_project_facts",
    "registry",
]
