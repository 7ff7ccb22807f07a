"""The donor report, one per donor: its spend against its agreements and the projects it funds."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from reports.generators.framework import ReportGenerator
from reports.generators.tables import agreements_table, crosstab, figures_table


class DonorReport(ReportGenerator):
    code = "donor"
    title = _("Donor report")
    audience = ("eu", "monaco", "switzerland", "japan")
    per_partner = True
    indicators = (
        "amount_disbursed_mad",
        "projects_financed",
        "refugees_in_financed_projects",
        "startups_reinforced",
    )

    def filters(self, partner):
        return {"donor": partner}

    def tables(self, start, end, partner, lang, figures, source):
        return [
            figures_table(self.indicators, figures, lang, chart=True),
            agreements_table(source, lang),
            crosstab(
                source,
                "refugees_in_financed_projects",
                "office",
                lang=lang,
                key="people_office",
            ),
        ]
