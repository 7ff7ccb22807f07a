"""The report generators' framework: ``ReportGenerator`` (code, title, audience, default
language, indicators, tables; ``build`` returns a ``ReportData`` with small cells
suppressed unless the report is internal) and the registry ``reports``."""

from __future__ import annotations

import datetime

from django.utils.functional import Promise

from core.models import PartnerOrganisation
from reports import suppression
from reports.generators import labels
from reports.generators.data import ReportData, Table
from reports.generators.labels import LANGS, t
from reports.generators.tables import _plain, _unit, figures_table
from reports.indicators import HEADLINE, SURVIVAL_MONTHS, registry
from reports.indicators.framework import Registry


class ReportGenerator:
    code: str = ""
    title: str | Promise = ""  # a gettext_lazy text
    audience: tuple[str, ...] = ()
    default_language: str = "en"
    languages: tuple[str, ...] = LANGS
    indicators: tuple[str, ...] = HEADLINE
    internal: bool = False
    per_partner: bool = False  # one report per partner of the audience (donors)

    def filters(self, partner: str | None) -> dict:
        return {}

    def tables(self, start, end, partner, lang, figures) -> list[Table]:
        return [figures_table(self.indicators, figures, lang, chart=True)]

    def build(self, start: datetime.date, end: datetime.date, *, partner: str | None = None, lang: str | None = None):
        lang = lang or self.default_language
        if self.per_partner and partner not in self.audience:
            raise ValueError(f"report {self.code} needs one of the partners {', '.join(self.audience)}")
        filters = self.filters(partner)
        figures = {code: registry[code].compute(start, end, filters=filters) for code in self.indicators}
        tables = self.tables(start, end, partner, lang, figures)
        suppressed = not self.internal
        if suppressed:
            for m in SURVIVAL_MONTHS:
                if f"survival_rate_{m}m" in figures and any(
                    0 < (figures.get(f"{kind}_{m}m") or 0) < suppression.threshold()
                    for kind in ("visited", "operating")
                ):
                    figures[f"survival_rate_{m}m"] = suppression.HIDDEN
            figures = {k: suppression.suppress_value(v) for k, v in figures.items()}
            for table in tables:
                self._suppress(table)
        title = t(self.title, lang)
        if partner and self.per_partner:
            title = f"{title}: {PartnerOrganisation.objects.get(code=partner).acronym}"
        codes = dict.fromkeys(self.indicators)
        definitions = [(c, registry[c].label(lang), registry[c].explain(lang)) for c in codes]
        return ReportData(
            code=self.code,
            title=title,
            partner=partner,
            start=start,
            end=end,
            lang=lang,
            suppressed=suppressed,
            figures={k: _plain(v, _unit(k)) for k, v in figures.items()},
            tables=tables,
            definitions=definitions,
        )

    @staticmethod
    def _suppress(table: Table) -> None:
        limit = suppression.threshold()
        if table.counts:
            grid = [row[1:] for row in table.rows]
            if grid and len(grid[0]) == len(table.columns) - 1 and _has_total_column(table):
                shown = suppression.suppress(grid).display()
            else:
                # several indicators side by side: each column with its total row
                cols = list(zip(*grid, strict=True)) if grid else []
                shown_cols = []
                for col in cols:
                    body = [[v] for v in col[:-1]]
                    shown_cols.append([r[0] for r in suppression.suppress(suppression.with_totals(body)).display()])
                shown = [list(r) for r in zip(*shown_cols, strict=True)] if shown_cols else []
            table.rows = [[row[0], *shown[n]] for n, row in enumerate(table.rows)]
        else:
            rows = []
            for row in table.rows:
                cells = [suppression.SMALL if isinstance(v, int) and 0 < v < limit else v for v in row[1:]]
                if suppression.SMALL in cells:
                    # a rate or an amount next to a small count could reveal it
                    cells = [suppression.HIDDEN if suppression.is_amount_or_rate(v) else v for v in cells]
                rows.append([row[0], *cells])
            table.rows = rows


def _has_total_column(table: Table) -> bool:
    return table.columns[-1] in {t(labels.TOTAL, lang) for lang in LANGS}


class GeneratorRegistry(Registry[ReportGenerator]):
    def for_partner(self, partner_code: str) -> list[ReportGenerator]:
        return [g for g in self._items.values() if partner_code in g.audience]


reports = GeneratorRegistry()
