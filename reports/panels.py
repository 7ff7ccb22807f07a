"""The partner officer's home panel: the headline figures of the partner's last complete
period, read from its protected publication (``reports.disclosure.dashboard``), cached per
data version like the dashboard."""

from reports.access import dashboard_scope
from reports.disclosure.dashboard import partner_headline as headline


def partner_headline(request) -> dict:
    try:
        scope = dashboard_scope(request.user)
    except Exception:
        return {"figures": [], "period": None}
    if scope.get("partner") is None:
        return {"figures": [], "period": None}
    return headline(scope["partner"])
