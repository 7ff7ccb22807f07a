"""What one partner can get, as a ``Space``: the dashboard's figures under each filter it
offers, the home panel, and every table of every report meant for the partner (read off
the generators themselves by running their ``tables`` against a recorder, so a new table
in a report is protected with the rest without being listed twice).
"""

from __future__ import annotations

from reports.disclosure.publication import Space
from reports.indicators import HEADLINE, SURVIVAL_MONTHS, registry

# The dashboard: a partner applies at most one of these filters at a time (the protection
# is computed for each of them, not for their combinations).
PARTNER_FILTERS = ("office", "region", "sex", "nationality")
FUNNEL = (
    "awareness_participants",
    "applications_submitted",
    "applications_approved",
    "projects_financed",
    "operating_12m",
)
DONOR_FUNNEL = ("projects_financed", "operating_12m")
REGION_COLUMNS = ("refugees_received", "projects_financed", "refugees_in_financed_projects")


def dashboard_space(*, donor: bool) -> Space:
    space = Space()
    fixed = {"donor"} if donor else set()
    for code in (*(DONOR_FUNNEL if donor else FUNNEL), *HEADLINE):
        dims = registry[code].dimensions
        if not fixed <= set(dims):
            continue
        space.totals.add(code)
        space.margins |= {(code, d) for d in PARTNER_FILTERS if d in dims}
    if not donor:
        space.margins |= {(code, "region") for code in REGION_COLUMNS}
    for m in SURVIVAL_MONTHS:
        space.rates.add((m, None))
        space.rates |= {(m, d) for d in PARTNER_FILTERS}
        space.totals |= {f"visited_{m}m", f"operating_{m}m"}
    space.money |= {None, *PARTNER_FILTERS}
    return space


class Recorder:
    """A stand-in for a publication that records what a generator asks for."""

    protected = True

    def __init__(self, filters: dict):
        self.filters = filters
        self.space = Space()

    def supports(self, code, *dims):
        return all(d in registry[code].dimensions for d in (*dims, *self.filters))

    def total(self, code):
        unit = registry[code].unit
        if unit == "percent":
            self.space.rates.add((int(code.removeprefix("survival_rate_").removesuffix("m")), None))
        else:
            self.space.totals.add(code)
        return 0

    def margin(self, code, dim):
        self.space.margins.add((code, dim))
        return {}

    def cross(self, code, row, col="sex"):
        self.space.crosses.add((code, row, col))
        return {}

    def rate(self, months, dim=None, key=None):
        self.space.rates.add((months, dim))
        return None

    def money(self, dim=None):
        self.space.money.add(dim)
        return {}

    def agreements(self):
        self.space.agreements = True
        return []


def report_space(generator, partner: str | None, start, end) -> Space:
    recorder = Recorder(generator.filters(partner))
    figures = {code: recorder.total(code) for code in generator.indicators}
    generator.tables(start, end, partner, "en", figures, recorder)
    return recorder.space
