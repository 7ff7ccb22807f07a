"""What each indicator is called and how it is defined, as data: gettext texts translated
in ``reports/locale/{ar,fr}``, its unit and the dimensions it can be broken down by.

The definitions are shown in the reports (the XLSX "Definitions" sheet, the PDF) and on the
dashboard; ``docs/reports.md`` lists them too. A new indicator gets its texts here and its
computation in the module of its family (``people``, ``projects``, ``money``, ``visits``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from reports.indicators.framework import DIMENSIONS, PERSON_DIMS, SURVIVAL_MONTHS


@dataclass(frozen=True)
class Definition:
    name: str | Promise
    definition: str | Promise
    unit: str = "count"  # count | mad | percent
    dimensions: tuple[str, ...] = DIMENSIONS


def _with_months(text: Promise, months: int) -> Promise:
    """``text`` with its ``%(months)s`` filled in, still translated when it is shown."""
    return lazy(lambda: str(text) % {"months": months}, str)()


def _at_months(m: int) -> dict[str, Definition]:
    return {
        f"visited_{m}m": Definition(
            _with_months(_("Businesses visited at %(months)s months"), m),
            _with_months(
                _(
                    "Projects financed (as of the period's end) at least %(months)s months before the period's "
                    "end and whose %(months)s-month visit was done by then (the survival rate's denominator)."
                ),
                m,
            ),
        ),
        f"operating_{m}m": Definition(
            _with_months(_("Businesses operating at %(months)s months"), m),
            _with_months(
                _("Among the businesses visited at %(months)s months, those found operating at that visit."),
                m,
            ),
        ),
        f"survival_rate_{m}m": Definition(
            _with_months(_("Survival rate at %(months)s months (%%)"), m),
            _with_months(
                _(
                    "Businesses operating at %(months)s months divided by businesses visited at %(months)s "
                    "months, in per cent (empty when none was visited)."
                ),
                m,
            ),
            unit="percent",
        ),
    }


JOBS_DEFINITION = _(
    "For each project financed in the period, the people employed at its latest follow-up visit done on or "
    "before the period's end."
)

# In the order the reports list them.
DEFINITIONS: dict[str, Definition] = {
    "refugees_received": Definition(
        _("Refugees received"),
        _("Registered refugees whose intake date falls in the period."),
        dimensions=PERSON_DIMS,
    ),
    "awareness_participants": Definition(
        _("Awareness participants"),
        _(
            "Distinct registered refugees who attended at least one awareness session dated in the period, "
            "plus the unregistered attendees of those sessions (counted under 'unknown', by the session's "
            "office and region)."
        ),
        dimensions=PERSON_DIMS,
    ),
    "people_trained": Definition(
        _("People trained"),
        _(
            "Distinct registered refugees who attended at least one training dated in the period, plus the "
            "unregistered attendees of those trainings."
        ),
        dimensions=PERSON_DIMS,
    ),
    "applications_submitted": Definition(
        _("Applications submitted"),
        _("Projects submitted to the committee in the period (each project counted once)."),
    ),
    "applications_approved": Definition(
        _("Applications approved"),
        _("Projects with a committee decision 'approved' taken in the period."),
    ),
    "applications_rejected": Definition(
        _("Applications rejected"),
        _("Projects with a committee decision 'rejected' taken in the period."),
    ),
    "projects_financed": Definition(
        _("Projects financed"),
        _(
            "Projects whose first approved payment of a start-up grant still standing at the period's end "
            "(not taken back in full by an approved reversal dated by then) is dated in the period: their net "
            "approved amount at the period's end is above zero. A project whose only payment was reversed "
            "within the period is not financed in it; reversed after the period's end, it was."
        ),
    ),
    "refugees_in_financed_projects": Definition(
        _("Refugees in financed projects"),
        _("Distinct refugees who are members of a project financed in the period."),
    ),
    "startups_reinforced": Definition(
        _("Start-ups reinforced"),
        _(
            "Projects whose first approved payment of a reinforcement grant still standing at the period's end "
            "(not taken back in full by an approved reversal dated by then) is dated in the period."
        ),
    ),
    "cooperatives_created": Definition(
        _("Cooperatives created"),
        _("Cooperatives whose registration date falls in the period."),
    ),
    "amount_disbursed_mad": Definition(
        _("Amount disbursed (MAD)"),
        _(
            "Approved payments minus approved reversals dated in the period, from their allocations to "
            "agreements (by donor: the allocations charged to that donor's agreements)."
        ),
        unit="mad",
    ),
    "jobs_refugee_women": Definition(
        _("Jobs: refugee women"),
        JOBS_DEFINITION,
    ),
    "jobs_refugee_men": Definition(
        _("Jobs: refugee men"),
        JOBS_DEFINITION,
    ),
    "jobs_moroccan_women": Definition(
        _("Jobs: Moroccan women"),
        JOBS_DEFINITION,
    ),
    "jobs_moroccan_men": Definition(
        _("Jobs: Moroccan men"),
        JOBS_DEFINITION,
    ),
    **{code: text for m in SURVIVAL_MONTHS for code, text in _at_months(m).items()},
    "average_monthly_revenue": Definition(
        _("Average monthly revenue at the last visit (MAD)"),
        _(
            "Mean monthly revenue recorded at the latest visit done by the period's end, over the projects "
            "financed in the period that have one."
        ),
        unit="mad",
    ),
    "visits_done": Definition(
        _("Follow-up visits done"),
        _("Follow-up visits done with a visit date in the period."),
    ),
    "visits_overdue": Definition(
        _("Follow-up visits overdue"),
        _("Visits still scheduled whose due date is before the period's end (or today, if earlier)."),
    ),
}
