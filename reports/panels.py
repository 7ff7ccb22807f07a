"""The partner officer's home panel: the programme's headline figures, suppressed."""

import datetime

from django.utils import timezone
from django.utils.translation import get_language

from reports.access import dashboard_scope
from reports.indicators import HEADLINE, registry
from reports.suppression import suppress_value

PROGRAMME_START = datetime.date(2018, 2, 1)


def partner_headline(request) -> dict:
    start, end = PROGRAMME_START, timezone.localdate()
    lang = (get_language() or "en")[:2]
    try:
        scope = dashboard_scope(request.user)
    except Exception:
        return {"figures": [], "start": start, "end": end}
    rows = []
    for code in HEADLINE:
        indicator = registry[code]
        filters = {k: v for k, v in scope["filters"].items() if k in indicator.dimensions}
        if len(filters) != len(scope["filters"]):
            continue
        rows.append(
            {"label": indicator.label(lang), "value": suppress_value(indicator.compute(start, end, filters=filters))}
        )
    return {"figures": rows, "start": start, "end": end}
