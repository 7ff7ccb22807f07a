"""The partner officer's home panel: the programme's headline figures, suppressed.

The figures come from the same cached, facts-backed path as the dashboard
(``selectors.headline_figures``), not from a fresh pass over the ledger on every load.
"""

import datetime

from django.utils import timezone

from reports.access import dashboard_scope
from reports.selectors import headline_figures

PROGRAMME_START = datetime.date(2018, 2, 1)


def partner_headline(request) -> dict:
    start, end = PROGRAMME_START, timezone.localdate()
    try:
        scope = dashboard_scope(request.user)
    except Exception:
        return {"figures": [], "start": start, "end": end}
    return {"figures": headline_figures(start=start, end=end, scope=scope), "start": start, "end": end}
