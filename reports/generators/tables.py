"""The tables the partner reports are made of: an indicator by a dimension and sex
(``crosstab``), several indicators by one dimension (``by_dimension``), figures, survival
and spend per agreement; and the names of a dimension's values in a language."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django_countries import countries

from core.agd import AGE_BRACKETS, UNKNOWN_AGE
from core.models import City, Office, PartnerOrganisation, Region
from refugees.models import Sex
from reports import suppression
from reports.generators import labels
from reports.generators.data import Table
from reports.generators.labels import t
from reports.indicators import SURVIVAL_MONTHS, UNKNOWN, amount_by_agreement, registry

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


def crosstab(code, start, end, row_dim, *, filters=None, row_keys=None, lang="en", title=None, key=None) -> Table:
    """Indicator ``code`` by ``row_dim`` (rows) and sex (columns), with totals."""
    filters = dict(filters or {})
    indicator = registry[code]
    per_sex = {s: indicator.compute(start, end, by=row_dim, filters={**filters, "sex": s}) for s in SEXES}
    other = {}
    if code in ("awareness_participants", "people_trained"):
        # unregistered attendees (no sex recorded)
        everyone = indicator.compute(start, end, by=row_dim, filters=filters)
        other = {k: v - sum(per_sex[s].get(k, 0) for s in SEXES) for k, v in everyone.items()}
    keys = list(row_keys or [])
    found = sorted({k for d in [*per_sex.values(), other] for k in d})
    keys += [k for k in found if k not in keys]
    names = dimension_labels(row_dim, keys, lang)
    sex_labels = dimension_labels("sex", SEXES, lang)
    has_other = any(other.values())
    columns = [registry[code].label(lang), *[sex_labels[s] for s in SEXES]]
    if has_other:
        columns.append(t(labels.UNKNOWN, lang))
    columns.append(t(labels.TOTAL, lang))
    grid = []
    for k in keys:
        cells = [int(per_sex[s].get(k, 0)) for s in SEXES]
        if has_other:
            cells.append(int(other.get(k, 0)))
        grid.append(cells)
    full = suppression.with_totals(grid) if grid else [[0] * (len(columns) - 1)]
    rows = [[names[k], *full[n]] for n, k in enumerate(keys)]
    rows.append([t(labels.TOTAL, lang), *full[-1]])
    return Table(key=key or f"{code}_by_{row_dim}", title=title or columns[0], columns=columns, rows=rows, counts=True)


def by_dimension(codes, start, end, dim, *, filters=None, lang="en", key=None, title="") -> Table:
    """Several count indicators (columns) by one dimension (rows), with totals."""
    results = {code: registry[code].compute(start, end, by=dim, filters=filters) for code in codes}
    keys = sorted({k for d in results.values() for k in d})
    names = dimension_labels(dim, keys, lang)
    grid = [[int(results[c].get(k, 0)) for c in codes] for k in keys]
    full = suppression.with_totals(grid) if grid else [[0] * (len(codes) + 1)]
    columns = [
        t(labels.DIMENSION_HEADINGS.get(dim, dim), lang),
        *[registry[c].label(lang) for c in codes],
        t(labels.TOTAL, lang),
    ]
    rows = [[names[k], *full[n]] for n, k in enumerate(keys)]
    rows.append([t(labels.TOTAL, lang), *full[-1]])
    # The "Total" column adds different indicators together: drop it, keep row totals only.
    columns.pop()
    rows = [row[:-1] for row in rows]
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


def survival_table(start, end, lang, filters=None) -> Table:
    rows = []
    for m in SURVIVAL_MONTHS:
        visited = registry[f"visited_{m}m"].compute(start, end, filters=filters)
        operating = registry[f"operating_{m}m"].compute(start, end, filters=filters)
        rate = registry[f"survival_rate_{m}m"].compute(start, end, filters=filters)
        rows.append([m, visited, operating, _plain(rate, "percent") if rate is not None else ""])
    headings = (labels.MONTHS_AFTER_FUNDING, labels.VISITED, labels.OPERATING, labels.SURVIVAL_RATE)
    columns = [t(text, lang) for text in headings]
    title = t(labels.BUSINESS_SURVIVAL, lang)
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
