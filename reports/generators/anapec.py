"""The report to ANAPEC: awareness, training and self-employment by office."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from reports.generators.framework import ReportGenerator
from reports.generators.tables import crosstab, figures_table
from reports.indicators import JOBS


class AnapecReport(ReportGenerator):
    code = "anapec"
    title = _("Report to ANAPEC")
    audience = ("anapec",)
    default_language = "fr"
    indicators = (
        "awareness_participants",
        "people_trained",
        "projects_financed",
        "refugees_in_financed_projects",
        *JOBS,
    )

    def tables(self, start, end, partner, lang, figures, source):
        return [
            figures_table(self.indicators, figures, lang, chart=True),
            crosstab(source, "awareness_participants", "office", lang=lang, key="awareness_office"),
            crosstab(source, "people_trained", "office", lang=lang, key="trained_office"),
            crosstab(source, "refugees_in_financed_projects", "office", lang=lang, key="self_employment_office"),
        ]
