"""Partner reports: small generator classes in a registry.

A generator knows its code, title, audience (partner codes), default language, the
indicators it reports and how to lay out its tables. ``build`` returns a
``ReportData`` (figures and tables, labels in the requested language); the renderers
(``reports.rendering``) turn it into JSON, CSV, XLSX or PDF. Partner-facing reports go
through small-cell suppression; the internal programme report shows exact counts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import translation
from django_countries import countries

from core.agd import AGE_BRACKETS, UNKNOWN_AGE
from core.models import City, Office, PartnerOrganisation, Region
from refugees.models import LegalStatus, Sex
from reports import suppression
from reports.indicators import HEADLINE, SURVIVAL_MONTHS, UNKNOWN, amount_by_agreement, registry

LANGS = ("en", "fr", "ar")


def tr(en: str, fr: str, ar: str) -> dict[str, str]:
    return {"en": en, "fr": fr, "ar": ar}


L = {
    "indicator": tr("Indicator", "Indicateur", "المؤشر"),
    "value": tr("Value", "Valeur", "القيمة"),
    "total": tr("Total", "Total", "المجموع"),
    "unknown": tr("Unknown", "Inconnu", "غير معروف"),
    "definition": tr("Definition", "Définition", "التعريف"),
    "code": tr("Code", "Code", "الرمز"),
    "months": tr("Months after funding", "Mois après financement", "الأشهر بعد التمويل"),
    "agreement": tr("Agreement", "Convention", "الاتفاقية"),
    "currency": tr("Currency", "Devise", "العملة"),
    "agreement_amount": tr("Agreement amount", "Montant de la convention", "مبلغ الاتفاقية"),
    "spent_currency": tr("Spent (agreement currency)", "Dépensé (devise)", "المصروف (عملة الاتفاقية)"),
    "spent_mad": tr("Spent (MAD)", "Dépensé (MAD)", "المصروف (درهم)"),
    "used_pct": tr("Used (%)", "Consommé (%)", "نسبة الاستهلاك (%)"),
    "suppressed_note": tr(
        "<5: a count from 1 to 4; x: hidden so that a small count cannot be worked out from the totals.",
        "<5 : effectif de 1 à 4 ; x : masqué pour qu'un petit effectif ne puisse être déduit des totaux.",
        "<5: عدد من 1 إلى 4؛ x: قيمة محجوبة حتى لا يمكن استنتاج عدد صغير من المجاميع.",
    ),
    "period": tr("Period", "Période", "الفترة"),
    "definitions": tr("Definitions", "Définitions", "التعاريف"),
}


def t(label: dict[str, str] | str, lang: str) -> str:
    if isinstance(label, dict):
        return label.get(lang) or label["en"]
    return str(label)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    counts: bool = False  # a grid of counts with a total row and column: suppression applies
    chart: bool = False

    def as_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "columns": self.columns, "rows": self.rows}


@dataclass
class ReportData:
    code: str
    title: str
    partner: str | None
    start: datetime.date
    end: datetime.date
    lang: str
    suppressed: bool
    figures: dict[str, Any]
    tables: list[Table] = field(default_factory=list)
    definitions: list[tuple[str, str, str]] = field(default_factory=list)

    def chart_table(self) -> Table | None:
        return next((tb for tb in self.tables if tb.chart), None)


# -- labels for dimension values ---------------------------------------------------


# Dimensions whose keys name a row of a reference table: (model, unique key field, label).
REFERENCE_DIMENSIONS = {
    "region": (Region, "code", "name_{lang}"),
    "city": (City, "slug", "name_{lang}"),
    "office": (Office, "code", "name_{lang}"),
    "donor": (PartnerOrganisation, "code", "acronym"),
}


def dimension_labels(dim: str, keys, lang: str) -> dict[str, str]:
    keys = list(keys)
    rows, label = {}, ""
    if dim in REFERENCE_DIMENSIONS:  # one query for all the keys
        model, field, label = REFERENCE_DIMENSIONS[dim]
        label = label.format(lang=lang)
        rows = model.objects.in_bulk([k for k in keys if k not in (UNKNOWN, UNKNOWN_AGE, None)], field_name=field)
    with translation.override(lang):
        out = {}
        for key in keys:
            if key in (UNKNOWN, UNKNOWN_AGE, None):
                out[key] = t(L["unknown"], lang)
            elif dim == "sex":
                out[key] = t(SEX_LABELS[key], lang)
            elif dim == "legal_status":
                out[key] = t(LEGAL_STATUS_LABELS[key], lang)
            elif dim == "nationality":
                out[key] = str(countries.name(key)) or key
            elif dim in REFERENCE_DIMENSIONS:
                row = rows.get(key)
                out[key] = getattr(row, label, key) if row else key
            else:
                out[key] = str(key)
        return out


SEXES = [Sex.FEMALE.value, Sex.MALE.value]
SEX_LABELS = {Sex.FEMALE.value: tr("Women", "Femmes", "نساء"), Sex.MALE.value: tr("Men", "Hommes", "رجال")}
LEGAL_STATUS_LABELS = {
    LegalStatus.REFUGEE.value: tr("Refugees", "Réfugiés", "لاجئون"),
    LegalStatus.ASYLUM_SEEKER.value: tr("Asylum seekers", "Demandeurs d'asile", "طالبو اللجوء"),
}
AGE_KEYS = [k for k, *_rest in AGE_BRACKETS] + [UNKNOWN_AGE]


def crosstab(code, start, end, row_dim, *, filters=None, row_keys=None, lang="en", title=None, key=None) -> Table:
    """Indicator ``code`` by ``row_dim`` (rows) and sex (columns), with totals."""
    filters = dict(filters or {})
    indicator = registry[code]
    per_sex = {s: indicator.compute(start, end, by=row_dim, filters={**filters, "sex": s}) for s in SEXES}
    other = {}
    if row_dim in ("office", "region", "city") and code in ("awareness_participants", "people_trained"):
        # unregistered attendees (no sex recorded)
        everyone = indicator.compute(start, end, by=row_dim, filters=filters)
        other = {k: v - sum(per_sex[s].get(k, 0) for s in SEXES) for k, v in everyone.items()}
    elif code in ("awareness_participants", "people_trained"):
        everyone = indicator.compute(start, end, by=row_dim, filters=filters)
        other = {k: v - sum(per_sex[s].get(k, 0) for s in SEXES) for k, v in everyone.items()}
    keys = list(row_keys or [])
    found = sorted({k for d in [*per_sex.values(), other] for k in d})
    keys += [k for k in found if k not in keys]
    labels = dimension_labels(row_dim, keys, lang)
    sex_labels = dimension_labels("sex", SEXES, lang)
    has_other = any(other.values())
    columns = [t(registry[code].name, lang), *[sex_labels[s] for s in SEXES]]
    if has_other:
        columns.append(t(L["unknown"], lang))
    columns.append(t(L["total"], lang))
    grid = []
    for k in keys:
        cells = [int(per_sex[s].get(k, 0)) for s in SEXES]
        if has_other:
            cells.append(int(other.get(k, 0)))
        grid.append(cells)
    full = suppression.with_totals(grid) if grid else [[0] * (len(columns) - 1)]
    rows = [[labels[k], *full[n]] for n, k in enumerate(keys)]
    rows.append([t(L["total"], lang), *full[-1]])
    return Table(key=key or f"{code}_by_{row_dim}", title=title or columns[0], columns=columns, rows=rows, counts=True)


def by_dimension(codes, start, end, dim, *, filters=None, lang="en", key=None, title="") -> Table:
    """Several count indicators (columns) by one dimension (rows), with totals."""
    results = {code: registry[code].compute(start, end, by=dim, filters=filters) for code in codes}
    keys = sorted({k for d in results.values() for k in d})
    labels = dimension_labels(dim, keys, lang)
    grid = [[int(results[c].get(k, 0)) for c in codes] for k in keys]
    full = suppression.with_totals(grid) if grid else [[0] * (len(codes) + 1)]
    head = {"region": tr("Region", "Région", "الجهة"), "city": tr("City", "Ville", "المدينة")}
    head |= {"office": tr("Office", "Bureau", "المكتب"), "nationality": tr("Nationality", "Nationalité", "الجنسية")}
    head |= {"legal_status": tr("Legal status", "Statut juridique", "الوضع القانوني")}
    columns = [t(head.get(dim, dim), lang), *[t(registry[c].name, lang) for c in codes], t(L["total"], lang)]
    rows = [[labels[k], *full[n]] for n, k in enumerate(keys)]
    rows.append([t(L["total"], lang), *full[-1]])
    # The "Total" column adds different indicators together: drop it, keep row totals only.
    columns.pop()
    rows = [row[:-1] for row in rows]
    return Table(key=key or f"by_{dim}", title=title or columns[0], columns=columns, rows=rows, counts=True)


def figures_table(codes, figures, lang, *, key="headline", title=None, chart=False) -> Table:
    rows = [[t(registry[c].name, lang), _plain(figures[c], _unit(c))] for c in codes]
    return Table(
        key=key,
        title=title or t(tr("Headline figures", "Chiffres clés", "الأرقام الرئيسية"), lang),
        columns=[t(L["indicator"], lang), t(L["value"], lang)],
        rows=rows,
        chart=chart,
    )


def survival_table(start, end, lang, filters=None) -> Table:
    rows = []
    for m in SURVIVAL_MONTHS:
        visited = registry[f"visited_{m}m"].compute(start, end, filters=filters)
        operating = registry[f"operating_{m}m"].compute(start, end, filters=filters)
        rate = registry[f"survival_rate_{m}m"].compute(start, end, filters=filters)
        rows.append([m, visited, operating, _plain(rate, "percent") if rate is not None else ""])
    columns = [
        t(L["months"], lang),
        t(tr("Visited", "Visitées", "تمت زيارتها"), lang),
        t(tr("Operating", "En activité", "نشيطة"), lang),
        t(tr("Survival rate (%)", "Taux de survie (%)", "معدل الاستمرارية (%)"), lang),
    ]
    title = t(tr("Business survival", "Survie des entreprises", "استمرارية المقاولات"), lang)
    return Table(key="survival", title=title, columns=columns, rows=rows)


def agreements_table(start, end, lang, donor=None) -> Table:
    rows = []
    for r in amount_by_agreement(start, end, {"donor": donor} if donor else None):
        used = (Decimal(100) * r["amount_currency"] / r["agreement_amount"]).quantize(TENTH)
        rows.append(
            [
                r["agreement"],
                r["currency"],
                _plain(r["agreement_amount"]),
                _plain(r["amount_currency"]),
                _plain(r["amount_mad"]),
                _plain(used, "percent"),
            ]
        )
    columns = [
        t(L[k], lang) for k in ("agreement", "currency", "agreement_amount", "spent_currency", "spent_mad", "used_pct")
    ]
    title = t(tr("Spend against agreements", "Dépenses par convention", "المصاريف حسب الاتفاقية"), lang)
    return Table(key="agreements", title=title, columns=columns, rows=rows)


CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def _plain(value, unit: str = "mad"):
    """Money stays Decimal (to the cent), a rate stays Decimal (to a tenth): never float."""
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        return value.quantize(TENTH if unit == "percent" else CENT)
    return value


def _unit(code: str) -> str:
    return registry[code].unit if code in registry else "count"


# -- generators --------------------------------------------------------------------


class ReportGenerator:
    code: str = ""
    title: dict[str, str] = {}
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
        definitions = [(c, t(registry[c].name, lang), registry[c].explain(lang)) for c in self._all_indicators(tables)]
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

    def _all_indicators(self, tables) -> list[str]:
        return list(dict.fromkeys([*self.indicators, *getattr(self, "extra_definitions", ())]))

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
    return table.columns[-1] in {L["total"][lang] for lang in LANGS}


class ProgrammeReport(ReportGenerator):
    code = "programme"
    title = tr("Programme report", "Rapport du programme", "تقرير البرنامج")
    audience = ()
    internal = True
    indicators = (
        *HEADLINE,
        "people_trained",
        "applications_submitted",
        "applications_approved",
        "applications_rejected",
        "amount_disbursed_mad",
        "jobs_refugee_women",
        "jobs_refugee_men",
        "jobs_moroccan_women",
        "jobs_moroccan_men",
        *[f"{kind}_{m}m" for m in SURVIVAL_MONTHS for kind in ("visited", "operating", "survival_rate")],
        "average_monthly_revenue",
        "visits_done",
        "visits_overdue",
    )

    def tables(self, start, end, partner, lang, figures):
        return [
            figures_table(HEADLINE, figures, lang, chart=True),
            figures_table(
                self.indicators,
                figures,
                lang,
                key="all",
                title=t(tr("All indicators", "Tous les indicateurs", "كل المؤشرات"), lang),
            ),
            by_dimension(
                ("refugees_received", "awareness_participants", "projects_financed", "refugees_in_financed_projects"),
                start,
                end,
                "office",
                lang=lang,
            ),
            agreements_table(start, end, lang),
            survival_table(start, end, lang),
        ]


class UNHCRReport(ReportGenerator):
    code = "unhcr"
    title = tr(
        "UNHCR report: livelihoods and AGD",
        "Rapport HCR : moyens de subsistance et AGD",
        "تقرير المفوضية: سبل العيش والعمر والنوع والتنوع",
    )
    audience = ("unhcr",)
    indicators = (
        *HEADLINE,
        "jobs_refugee_women",
        "jobs_refugee_men",
        "jobs_moroccan_women",
        "jobs_moroccan_men",
        "average_monthly_revenue",
        *[f"{kind}_{m}m" for m in SURVIVAL_MONTHS for kind in ("visited", "operating", "survival_rate")],
    )

    def tables(self, start, end, partner, lang, figures):
        agd = tr("by age and sex", "par âge et sexe", "حسب العمر والجنس")
        return [
            figures_table(HEADLINE, figures, lang, chart=True),
            crosstab(
                "refugees_received",
                start,
                end,
                "age",
                row_keys=AGE_KEYS,
                lang=lang,
                key="received_agd",
                title=f"{t(registry['refugees_received'].name, lang)} {t(agd, lang)}",
            ),
            crosstab(
                "refugees_in_financed_projects",
                start,
                end,
                "age",
                row_keys=AGE_KEYS,
                lang=lang,
                key="financed_agd",
                title=f"{t(registry['refugees_in_financed_projects'].name, lang)} {t(agd, lang)}",
            ),
            crosstab("refugees_in_financed_projects", start, end, "nationality", lang=lang, key="financed_nationality"),
            crosstab(
                "refugees_in_financed_projects", start, end, "legal_status", lang=lang, key="financed_legal_status"
            ),
            figures_table(
                (
                    "projects_financed",
                    "refugees_in_financed_projects",
                    "jobs_refugee_women",
                    "jobs_refugee_men",
                    "jobs_moroccan_women",
                    "jobs_moroccan_men",
                    "average_monthly_revenue",
                ),
                figures,
                lang,
                key="livelihoods",
                title=t(
                    tr(
                        "Self-reliance and livelihoods",
                        "Autonomie et moyens de subsistance",
                        "الاعتماد على الذات وسبل العيش",
                    ),
                    lang,
                ),
            ),
            survival_table(start, end, lang),
        ]


class MinistryReport(ReportGenerator):
    code = "ministry"
    title = tr("Report to the Ministry", "Rapport au Ministère", "تقرير إلى الوزارة")
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


class AnapecReport(ReportGenerator):
    code = "anapec"
    title = tr("Report to ANAPEC", "Rapport à l'ANAPEC", "تقرير إلى الوكالة الوطنية لإنعاش التشغيل والكفاءات")
    audience = ("anapec",)
    default_language = "fr"
    indicators = (
        "awareness_participants",
        "people_trained",
        "projects_financed",
        "refugees_in_financed_projects",
        "jobs_refugee_women",
        "jobs_refugee_men",
        "jobs_moroccan_women",
        "jobs_moroccan_men",
    )

    def tables(self, start, end, partner, lang, figures):
        return [
            figures_table(self.indicators, figures, lang, chart=True),
            crosstab("awareness_participants", start, end, "office", lang=lang, key="awareness_office"),
            crosstab("people_trained", start, end, "office", lang=lang, key="trained_office"),
            crosstab("refugees_in_financed_projects", start, end, "office", lang=lang, key="self_employment_office"),
        ]


class DonorReport(ReportGenerator):
    code = "donor"
    title = tr("Donor report", "Rapport au bailleur", "تقرير إلى المانح")
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

    def tables(self, start, end, partner, lang, figures):
        return [
            figures_table(self.indicators, figures, lang, chart=True),
            agreements_table(start, end, lang, donor=partner),
            crosstab(
                "refugees_in_financed_projects",
                start,
                end,
                "office",
                filters={"donor": partner},
                lang=lang,
                key="people_office",
            ),
        ]


class GeneratorRegistry:
    def __init__(self) -> None:
        self._items: dict[str, ReportGenerator] = {}

    def register(self, generator: ReportGenerator) -> None:
        self._items[generator.code] = generator

    def __getitem__(self, code: str) -> ReportGenerator:
        return self._items[code]

    def __contains__(self, code: str) -> bool:
        return code in self._items

    def all(self) -> list[ReportGenerator]:
        return list(self._items.values())

    def for_partner(self, partner_code: str) -> list[ReportGenerator]:
        return [g for g in self._items.values() if partner_code in g.audience]


reports = GeneratorRegistry()
for _generator in (ProgrammeReport(), UNHCRReport(), MinistryReport(), AnapecReport(), DonorReport()):
    reports.register(_generator)
