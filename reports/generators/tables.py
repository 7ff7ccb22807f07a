"""The tables the partner reports are made of: an indicator by a dimension and sex
(``crosstab``), several indicators by one dimension (``by_dimension``), figures, survival
and spend per agreement; and the names of a dimension's values in a language.

Every table reads its numbers from a *source*: the partner's protected publication
(``reports.disclosure``), or the exact figures of the internal programme report. No table
computes a figure itself."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django_countries import countries

from core.agd import AGE_BRACKETS, UNKNOWN_AGE
from core.models import City, Office, PartnerOrganisation, Region
from refugees.models import Sex
from reports.generators import labels
from reports.generators.data import Table
from reports.generators.labels import t
from reports.indicators import SURVIVAL_MONTHS, UNKNOWN, registry

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
                out[key] = t(labels.UNKNOWN, lang)
            elif dim == "sex":
                out[key] = t(labels.SEX_LABELS[key], lang)
            elif dim == "legal_status":
                out[key] = t(labels.LEGAL_STATUS_LABELS[key], lang)
            elif dim == "nationality":
                out[key] = str(countries.name(key)) or key
            elif dim in REFERENCE_DIMENSIONS:
                row = rows.get(key)
                out[key] = getattr(row, label, key) if row else key
            else:
                out[key] = str(key)
        return out


SEXES = [Sex.FEMALE.value, Sex.MALE.value]
AGE_KEYS = [k for k, *_rest in AGE_BRACKETS] + [UNKNOWN_AGE]


def crosstab(source, code, row_dim, *, row_keys=None, lang="en", title=None, key=None) -> Table:
    """Indicator ``code`` by ``row_dim`` (rows) and sex (columns), with totals, as
    ``source`` (a publication, or the exact figures of an internal report) shows them."""
    cells = source.cross(code, row_dim, "sex")
    margin = source.margin(code, row_dim)
    sex_margin = source.margin(code, "sex")
    keys = list(row_keys or [])
    found = sorted({k for k, _s in cells} | set(margin), key=str)
    keys += [k for k in found if k not in keys]
    names = dimension_labels(row_dim, keys, lang)
    sex_labels = dimension_labels("sex", SEXES, lang)
    has_other = any(s == UNKNOWN for _k, s in cells)
    columns = [registry[code].label(lang), *[sex_labels[s] for s in SEXES]]
    sexes = [*SEXES, UNKNOWN] if has_other else list(SEXES)
    if has_other:
        columns.append(t(labels.UNKNOWN, lang))
    columns.append(t(labels.TOTAL, lang))
    rows = [[names[k], *[cells.get((k, s), 0) for s in sexes], margin.get(k, 0)] for k in keys]
    rows.append([t(labels.TOTAL, lang), *[sex_margin.get(s, 0) for s in sexes], source.total(code)])
    return Table(key=key or f"{code}_by_{row_dim}", title=title or columns[0], columns=columns, rows=rows, counts=True)


def by_dimension(source, codes, dim, *, lang="en", key=None, title="") -> Table:
    """Several count indicators (columns) by one dimension (rows), with their totals."""
    results = {code: source.margin(code, dim) for code in codes}
    keys = sorted({k for d in results.values() for k in d}, key=str)
    names = dimension_labels(dim, keys, lang)
    columns = [t(labels.DIMENSION_HEADINGS.get(dim, dim), lang), *[registry[c].label(lang) for c in codes]]
    rows = [[names[k], *[results[c].get(k, 0) for c in codes]] for k in keys]
    rows.append([t(labels.TOTAL, lang), *[source.total(c) for c in codes]])
    return Table(key=key or f"by_{dim}", title=title or columns[0], columns=columns, rows=rows, counts=True)


def figures_table(codes, figures, lang, *, key="headline", title=None, chart=False) -> Table:
    rows = [[registry[c].label(lang), _plain(figures[c], _unit(c))] for c in codes]
    return Table(
        key=key,
        title=title or t(labels.HEADLINE_FIGURES, lang),
        columns=[t(labels.INDICATOR, lang), t(labels.VALUE, lang)],
        rows=rows,
        chart=chart,
    )


def survival_table(source, lang) -> Table:
    rows = []
    for m in SURVIVAL_MONTHS:
        rate = source.rate(m)
        rows.append(
            [
                m,
                source.total(f"visited_{m}m"),
                source.total(f"operating_{m}m"),
                _plain(rate, "percent") if rate is not None else "",
            ]
        )
    headings = (labels.MONTHS_AFTER_FUNDING, labels.VISITED, labels.OPERATING, labels.SURVIVAL_RATE)
    columns = [t(text, lang) for text in headings]
    title = t(labels.BUSINESS_SURVIVAL, lang)
    return Table(key="survival", title=title, columns=columns, rows=rows)


def agreements_table(source, lang) -> Table:
    rows = []
    for r in source.agreements():
        spent = r["amount_currency"]
        used = (Decimal(100) * spent / r["agreement_amount"]).quantize(TENTH) if isinstance(spent, Decimal) else spent
        rows.append(
            [
                r["agreement"],
                r["currency"],
                _plain(r["agreement_amount"]),
                _plain(spent),
                _plain(r["amount_mad"]),
                _plain(used, "percent"),
            ]
        )
    columns = [t(text, lang) for text in labels.AGREEMENT_COLUMNS]
    title = t(labels.SPEND_AGAINST_AGREEMENTS, lang)
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
