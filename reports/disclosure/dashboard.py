"""The partner officer's dashboard and home panel, read from the partner's publication.

A partner chooses one complete period of its calendar and at most one filter (an office, a
region, a sex or a nationality): the figures of every such view were protected together
(``reports.disclosure.space``), so no two views can be subtracted to uncover a hidden cell.
The publication itself is cached per data version (``cached_publication``) and warmed by
beat (``warm_publications``).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils.translation import gettext as _

from core.models import PartnerOrganisation
from reports import caching
from reports.disclosure import calendar
from reports.disclosure.partners import check_period, publication_for
from reports.disclosure.publication import Publication
from reports.disclosure.space import DONOR_FUNNEL, FUNNEL, PARTNER_FILTERS, REGION_COLUMNS
from reports.generators import dimension_labels
from reports.indicators import HEADLINE, SURVIVAL_MONTHS, UNKNOWN, registry
from reports.models import DisclosureMemory


def _publication_key(partner: PartnerOrganisation, start, end, remembered) -> str:
    digest = hashlib.sha256("\n".join(sorted(remembered)).encode()).hexdigest()[:16]
    scope = {"partner": partner.code, "remembered": digest}
    return caching.cache_key("partner-publication", scope=scope, start=start, end=end, lang="-")


def cached_publication(partner: PartnerOrganisation, start, end, *, warm: bool = False) -> Publication:
    """The partner's publication for one period (``publication_for``), kept in the shared
    cache under the data version and the cells the partner's earlier builds hid: a
    publication is a function of the records and of that memory, so a hit is the publication
    a build would give now. It serves every language, the dashboard and the home panel alike
    (each first load computed it again before). ``warm``: compute it if missing, return it.
    Reports never read it (they compute from the records: ``services.build_report_data``)."""
    check_period(partner, start, end)
    remembered = _remembered(partner, start, end)
    key = _publication_key(partner, start, end, remembered)
    publication = cache.get(key)
    if publication is None:
        publication = publication_for(partner, start, end)
        cache.set(key, publication, caching.TTL)
        # The build may have added its hidden cells to the memory: the same publication is
        # what a build with the new memory gives (every cell it hides is then forced).
        after = _remembered(partner, start, end)
        if after != remembered:
            cache.set(_publication_key(partner, start, end, after), publication, caching.TTL)
    return publication


def _remembered(partner, start, end) -> set[str]:
    memory = DisclosureMemory.objects.filter(partner=partner, period_start=start, period_end=end).first()
    return set(memory.hidden) if memory else set()


def warm_publications() -> int:
    """Compute, if missing from the cache, the publication of every partner organisation
    for its latest complete period (the period its dashboard and home panel open on), so a
    partner's first load after a change of the records or the close of a period reads it
    from the cache (beat, ``reports.tasks.warm_partner_publications``). How many it computed."""
    computed = 0
    for partner in PartnerOrganisation.objects.order_by("code"):
        period = calendar.latest_complete(calendar.granularity_of(partner.code))
        key = _publication_key(partner, period.start, period.end, _remembered(partner, period.start, period.end))
        if cache.get(key) is None:
            cached_publication(partner, period.start, period.end)
            computed += 1
    return computed


def partner_dashboard(*, partner: PartnerOrganisation, period: calendar.Period) -> dict:
    """Every view of the dashboard of ``partner`` for ``period``: ``{"choices": the filters it
    may apply, "views": {"" or "dimension:value": the figures}}``, computed from one
    publication and cached per data version like the managers' dashboard."""
    key = caching.cache_key("partner-dashboard", scope={"partner": partner.code}, start=period.start, end=period.end)
    return caching.cached(key, lambda: _all_views(partner, period))


def _all_views(partner, period) -> dict:
    pub = cached_publication(partner, period.start, period.end)
    donor = partner.kind == PartnerOrganisation.Kind.DONOR
    choices = _choices(pub, DONOR_FUNNEL if donor else FUNNEL)
    memo: dict = {}
    views = {"": _view(pub, donor, None, memo)}
    for _heading, options in choices:
        for value, _label in options:
            dim, key = value.split(":", 1)
            views[value] = _view(pub, donor, (dim, key), memo)
    return {"choices": choices, "views": views}


def _lang() -> str:
    return caching.current_language()


def _value(pub, code: str, choice):
    if choice is None:
        return pub.total(code)
    dim, value = choice
    return pub.margin(code, dim).get(value, 0)


def _labels(memo: dict, dim: str, keys) -> dict:
    """A dimension's labels, read once per set of keys for all the views of one dashboard
    (every view shows the same few donors) instead of once per view."""
    key = (dim, tuple(keys))
    if key not in memo:
        memo[key] = dimension_labels(dim, keys, _lang())
    return memo[key]


def _view(pub, donor: bool, choice, memo: dict | None = None) -> dict:
    memo = {} if memo is None else memo
    dim = choice[0] if choice else None
    funnel = [
        {"code": code, "label": registry[code].label(_lang()), "value": _value(pub, code, choice)}
        for code in (DONOR_FUNNEL if donor else FUNNEL)
        if dim is None or pub.supports(code, dim)
    ]
    survival = []
    for m in SURVIVAL_MONTHS:
        visited = _value(pub, f"visited_{m}m", choice)
        operating = _value(pub, f"operating_{m}m", choice)
        rate = pub.rate(m) if choice is None else pub.rate(m, dim, choice[1])
        survival.append({"month": m, "visited": visited, "operating": operating, "survival": rate})
    money = pub.money(dim)
    wanted = None if choice is None else str(choice[1])
    quarters = sorted({q for (_d, q, k) in money if k == wanted})
    donors = sorted({d for (d, _q, k) in money if k == wanted})
    acronyms = _labels(memo, "donor", donors)
    series = [{"donor": acronyms[d], "values": [money.get((d, q, wanted), 0) for q in quarters]} for d in donors]
    regions = None
    if choice is None and not donor:
        columns = list(REGION_COLUMNS)
        cells = {c: pub.margin(c, "region") for c in columns}
        keys = sorted({k for v in cells.values() for k in v}, key=str)
        labels = dimension_labels("region", keys, _lang())
        regions = {
            "columns": [registry[c].label(_lang()) for c in columns],
            "rows": [{"label": labels[k], "values": [cells[c].get(k, 0) for c in columns]} for k in keys],
            "totals": [pub.total(c) for c in columns],
        }
    return {
        "funnel": funnel,
        "survival": survival,
        "disbursements": {"quarters": quarters, "series": series},
        "regions": regions,
    }


def _choices(pub, codes) -> list[tuple[str, list[tuple[str, str]]]]:
    """The filters a partner may apply, grouped by dimension: every value the publication
    has a cell for (an office, a region, a sex, a nationality)."""
    headings = {"office": _("Office"), "region": _("Region"), "sex": _("Sex"), "nationality": _("Nationality")}
    out = []
    for dim in PARTNER_FILTERS:
        keys = set()
        for code in codes:
            if pub.supports(code, dim):
                keys |= {k for k in pub.margin(code, dim) if k != UNKNOWN}
        labels = dimension_labels(dim, sorted(keys), _lang())
        out.append((headings[dim], [(f"{dim}:{k}", labels[k]) for k in sorted(keys, key=lambda k: labels[k])]))
    return out


def partner_headline(partner: PartnerOrganisation) -> dict:
    """The home panel: the headline figures of the partner's last complete period."""
    period = calendar.latest_complete(calendar.granularity_of(partner.code))
    key = caching.cache_key("partner-headline", scope={"partner": partner.code}, start=period.start, end=period.end)

    def compute():
        pub = cached_publication(partner, period.start, period.end)
        donor = partner.kind == PartnerOrganisation.Kind.DONOR
        return [
            {"label": registry[c].label(_lang()), "value": pub.total(c)}
            for c in HEADLINE
            if not donor or "donor" in registry[c].dimensions
        ]

    return {"figures": caching.cached(key, compute), "period": period}
