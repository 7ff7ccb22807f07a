"""The registry's own events on a person's timeline: notes, consents, documents, changes."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from core.registry import TimelineEvent
from refugees.models import Consent, Refugee, RefugeeDocument, RefugeeNote

HISTORY_LIMIT = 20
DOCUMENT_HISTORY_LIMIT = 50


def share_queries(refugee: Refugee) -> None:
    """Let the parts of one profile page share what they fetch about ``refugee``.

    The page's cards and every app's timeline provider ask for some of the same rows (the
    consents, the history, the projects of the person). After this call, ``shared(refugee,
    key, fetch)`` runs ``fetch`` once for this instance and returns the same list to every
    caller. Only the profile view turns it on: its instance lives for one request, so nothing
    goes stale; anywhere else ``shared`` simply fetches.
    """
    refugee._shared_queries = {}


def shared(refugee, key: str, fetch):
    cache = getattr(refugee, "_shared_queries", None)
    if cache is None:
        return fetch()
    if key not in cache:
        cache[key] = fetch()
    return cache[key]


def profile_consents(refugee: Refugee) -> list[Consent]:
    return shared(
        refugee,
        "consents",
        lambda: list(
            Consent.objects.filter(refugee=refugee).select_related("partner", "recorded_by", "withdrawn_recorded_by")
        ),
    )


def _document_history(refugee: Refugee) -> list:
    return shared(
        refugee,
        "document_history",
        lambda: list(
            RefugeeDocument.history.filter(refugee_id=refugee.pk).select_related("history_user")[
                :DOCUMENT_HISTORY_LIMIT
            ]
        ),
    )


def field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def refugee_changes(refugee: Refugee, limit: int = HISTORY_LIMIT) -> list[dict]:
    """The latest versions of the profile with what changed (one query, diffs in Python)."""
    if limit <= HISTORY_LIMIT:
        return shared(refugee, "changes", lambda: _changes(refugee, HISTORY_LIMIT))[:limit]
    return _changes(refugee, limit)


def _changes(refugee: Refugee, limit: int) -> list[dict]:
    records = list(
        Refugee.history.filter(id=refugee.pk).select_related("history_user").order_by("-history_id")[: limit + 1]
    )
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if len(changes) == limit:
            break
        fields = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, excluded_fields=["updated_at", "name_key", "search_key"])
            fields = [{"field": field_label(Refugee, c.field), "old": c.old, "new": c.new} for c in delta.changes]
        changes.append({"record": newer, "fields": fields})
    return changes


def refugee_events(refugee: Refugee, user) -> Iterable[TimelineEvent]:
    detail_url = reverse("refugees:detail", args=[refugee.pk])
    yield TimelineEvent(refugee.intake_date, "intake", _("Intake"), refugee.office.name, detail_url)
    for note in RefugeeNote.objects.filter(refugee=refugee).select_related("author")[:50]:
        yield TimelineEvent(note.created_at, "note", _("Note by %(author)s") % {"author": note.author}, note.text)
    for consent in profile_consents(refugee):
        what = consent.get_purpose_display()
        if consent.partner_id:
            what = f"{what} ({consent.partner})"
        yield TimelineEvent(consent.given_on, "consent", _("Consent given"), what)
        if consent.withdrawn_on:
            yield TimelineEvent(consent.withdrawn_on, "consent", _("Consent withdrawn"), what)
    for doc in _document_history(refugee):
        if doc.history_type == "+":
            yield TimelineEvent(doc.history_date, "document", _("Document added"), doc.get_kind_display())
        elif doc.history_type == "-":
            yield TimelineEvent(
                doc.history_date,
                "document",
                _("Document deleted by %(user)s") % {"user": doc.history_user or "?"},
                doc.get_kind_display(),
            )
    for change in refugee_changes(refugee, limit=10):
        record = change["record"]
        if record.history_type == "+":
            continue
        names = ", ".join(f["field"] for f in change["fields"])
        yield TimelineEvent(
            record.history_date,
            "change",
            _("Profile changed by %(user)s") % {"user": record.history_user or "?"},
            names or (record.history_change_reason or ""),
        )


def related_changes(refugee: Refugee, limit: int = HISTORY_LIMIT) -> list[dict]:
    """The latest recorded changes to the person's consents and documents (two queries, one
    on the profile page where the timeline has fetched the documents' history)."""
    actions = {"+": _("added"), "~": _("changed"), "-": _("deleted")}
    rows = []
    for record in Consent.history.filter(refugee_id=refugee.pk).select_related("history_user", "partner")[:limit]:
        what = record.get_purpose_display()
        if record.partner_id:
            what = f"{what} ({record.partner})"
        if record.withdrawn_on:
            what = _("%(what)s, withdrawn on %(date)s") % {"what": what, "date": record.withdrawn_on.isoformat()}
        rows.append(
            {
                "when": record.history_date,
                "user": record.history_user,
                "object": _("Consent"),
                "action": actions.get(record.history_type, ""),
                "what": what,
            }
        )
    for record in _document_history(refugee)[:limit]:
        rows.append(
            {
                "when": record.history_date,
                "user": record.history_user,
                "object": _("Document"),
                "action": actions.get(record.history_type, ""),
                "what": f"{record.get_kind_display()} · {record.original_name}",
            }
        )
    return sorted(rows, key=lambda r: r["when"], reverse=True)[:limit]
