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

    def tables(self, start, end, partner, lang, figures):
        cols = ("refugees_received", "projects_financed", "refugees_in_financed_projects")
        return [
            figures_table(HEADLINE, figures, lang, chart=True),
            by_dimension(cols, start, end, "region", lang=lang),
            by_dimension(cols, start, end, "city", lang=lang),
            crosstab("refugees_received", start, end, "nationality", lang=lang, key="received_nationality"),
            crosstab("refugees_received", start, end, "legal_status", lang=lang, key="received_legal_status"),
            by_dimension(("cooperatives_created",), start, end, "region", lang=lang, key="cooperatives"),
        ]
