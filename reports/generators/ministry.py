"""The report to the Ministry (French or Arabic): by region and city, nationality, legal status."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from reports.generators.framework import ReportGenerator
from reports.generators.tables import by_dimension, crosstab, figures_table
from reports.indicators import HEADLINE


class MinistryReport(ReportGenerator):
    code = "ministry"
    title = _("Report to the Ministry")
    audience = ("ministry",)
    default_language = "fr"
    languages = ("fr", "ar")
    indicators = HEADLINE

    def tables(self, start, end, partner, lang, figures, source):
        cols = ("refugees_received", "projects_financed", "refugees_in_financed_projects")
        return [
            figures_table(HEADLINE, figures, lang, chart=True),
            by_dimension(source, cols, "region", lang=lang),
            by_dimension(source, cols, "city", lang=lang),
            crosstab(source, "refugees_received", "nationality", lang=lang, key="received_nationality"),
            crosstab(source, "refugees_received", "legal_status", lang=lang, key="received_legal_status"),
            by_dimension(source, ("cooperatives_created",), "region", lang=lang, key="cooperatives"),
        ]
