"""The UNHCR report: livelihoods and AGD (age and sex, nationality, legal status)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from reports.generators import labels
from reports.generators.framework import ReportGenerator
from reports.generators.labels import t
from reports.generators.tables import AGE_KEYS, crosstab, figures_table, survival_table
from reports.indicators import HEADLINE, JOBS, SURVIVAL, registry


class UNHCRReport(ReportGenerator):
    code = "unhcr"
    title = _("UNHCR report: livelihoods and AGD")
    audience = ("unhcr",)
    indicators = (
        *HEADLINE,
        *JOBS,
        "average_monthly_revenue",
        *SURVIVAL,
    )

    def tables(self, start, end, partner, lang, figures, source):
        agd = labels.BY_AGE_AND_SEX
        return [
            figures_table(HEADLINE, figures, lang, chart=True),
            crosstab(
                source,
                "refugees_received",
                "age",
                row_keys=AGE_KEYS,
                lang=lang,
                key="received_agd",
                title=f"{registry['refugees_received'].label(lang)} {t(agd, lang)}",
            ),
            crosstab(
                source,
                "refugees_in_financed_projects",
                "age",
                row_keys=AGE_KEYS,
                lang=lang,
                key="financed_agd",
                title=f"{registry['refugees_in_financed_projects'].label(lang)} {t(agd, lang)}",
            ),
            crosstab(source, "refugees_in_financed_projects", "nationality", lang=lang, key="financed_nationality"),
            crosstab(source, "refugees_in_financed_projects", "legal_status", lang=lang, key="financed_legal_status"),
            figures_table(
                (
                    "projects_financed",
                    "refugees_in_financed_projects",
                    *JOBS,
                    "average_monthly_revenue",
                ),
                figures,
                lang,
                key="livelihoods",
                title=t(labels.SELF_RELIANCE, lang),
            ),
            survival_table(source, lang),
        ]
