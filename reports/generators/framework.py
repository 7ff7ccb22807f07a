"""The report generators' framework: ``ReportGenerator`` (code, title, audience, default
language, indicators, tables; ``build`` returns a ``ReportData`` read from a protected
publication unless the report is internal) and the registry ``reports``."""

from __future__ import annotations

import datetime

from django.utils.functional import Promise

from core.models import PartnerOrganisation
from reports.disclosure.figures import ExactFigures
from reports.disclosure.publication import Publication
from reports.disclosure.space import report_space
from reports.generators.data import ReportData, Table
from reports.generators.labels import LANGS, t
from reports.generators.tables import _plain, _unit, figures_table
from reports.indicators import HEADLINE, registry
from reports.indicators.framework import Registry
from reports.indicators.sources import shared_subresults


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

    def tables(self, start, end, partner, lang, figures, source) -> list[Table]:
        return [figures_table(self.indicators, figures, lang, chart=True)]

    def build(
        self,
        start: datetime.date,
        end: datetime.date,
        *,
        partner: str | None = None,
        lang: str | None = None,
        source=None,
    ):
        """The report's data. Its numbers come from ``source``: the partner's protected
        publication (``reports.disclosure.partners.publication_for``, which covers
        everything the partner can get), or for the internal report the exact figures.
        Without a ``source``, a partner report is protected over its own tables only."""
        lang = lang or self.default_language
        if self.per_partner and partner not in self.audience:
            raise ValueError(f"report {self.code} needs one of the partners {', '.join(self.audience)}")
        filters = self.filters(partner)
        if source is None:
            if self.internal:
                source = ExactFigures(start, end, filters)
                space = report_space(self, partner, start, end)
                crossed = {(c, d) for c, row, col in space.crosses for d in (row, col)}
                source.plan(space.margins | crossed, money=space.money)
            else:
                source = Publication(report_space(self, partner, start, end), start, end, filters)
        with shared_subresults():  # the financed projects and latest visits once per build
            figures = {code: source.total(code) for code in self.indicators}
            tables = self.tables(start, end, partner, lang, figures, source)
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
            suppressed=source.protected,
            figures={k: _plain(v, _unit(k)) for k, v in figures.items()},
            tables=tables,
            definitions=definitions,
        )


class GeneratorRegistry(Registry[ReportGenerator]):
    def for_partner(self, partner_code: str) -> list[ReportGenerator]:
        return [g for g in self._items.values() if partner_code in g.audience]


reports = GeneratorRegistry()
