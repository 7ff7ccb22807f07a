"""The internal programme report: every indicator, exact counts (no suppression)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from reports.generators import labels
from reports.generators.framework import ReportGenerator
from reports.generators.labels import t
from reports.generators.tables import agreements_table, by_dimension, figures_table, survival_table
from reports.indicators import HEADLINE, JOBS, SURVIVAL


class ProgrammeReport(ReportGenerator):
    code = "programme"
    title = _("Programme report")
    audience = ()
    internal = True
    indicators = (
        *HEADLINE,
        "people_trained",
        "applications_submitted",
        "applications_approved",
        "applications_rejected",
        "amount_disbursed_mad",
        *JOBS,
        *SURVIVAL,
        "average_monthly_revenue",
        "visits_done",
        "visits_overdue",
    )

    def tables(self, start, end, partner, lang, figures, source):
        return [
            figures_table(HEADLINE, figures, lang, chart=True),
            figures_table(
                self.indicators,
                figures,
                lang,
                key="all",
                title=t(labels.ALL_INDICATORS, lang),
            ),
            by_dimension(
                source,
                ("refugees_received", "awareness_participants", "projects_financed", "refugees_in_financed_projects"),
                "office",
                lang=lang,
            ),
            agreements_table(source, lang),
            survival_table(source, lang),
        ]
