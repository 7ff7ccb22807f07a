"""What the API's writes share: a JSON body handed to the app's own form (the same rules
and the same translated messages as the page), the form's errors as a 400, and the ETag of
a record for ``If-Match``."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.utils.translation import gettext as _
from rest_framework import exceptions

from core.api.errors import Conflict, PreconditionRequired


def form_data(payload, *, allowed: tuple[str, ...] | None = None) -> dict:
    """The body as a form's data: an object only; numbers as text (a form reads text, a
    money field in the user's habits), null as empty; unknown names left out."""
    if not isinstance(payload, dict):
        raise exceptions.ValidationError(
            {"__all__": [exceptions.ErrorDetail(_("Send a JSON object."), code="invalid")]}
        )
    out = {}
    for name, value in payload.items():
        if allowed is not None and name not in allowed:
            continue
        if value is None:
            out[name] = ""
        elif isinstance(value, bool):
            out[name] = "on" if value else ""
        elif isinstance(value, int | float | Decimal):
            out[name] = str(value)
        elif isinstance(value, list):
            out[name] = [str(v) if isinstance(v, int | float) else v for v in value if not isinstance(v, dict | list)]
        elif isinstance(value, dict):
            out[name] = str(value)
        else:
            out[name] = value
    return out


def invalid(form) -> exceptions.ValidationError:
    """The form's errors, each with its code and its translated message."""
    detail = {}
    for name, errors in form.errors.as_data().items():
        detail[name] = [exceptions.ErrorDetail(m, code=e.code or "invalid") for e in errors for m in e.messages]
    return exceptions.ValidationError(detail)


def etag_of(obj) -> str:
    stamp = f"{type(obj).__name__}:{obj.pk}:{obj.updated_at.isoformat()}"
    return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:32] + '"'


def check_if_match(request, obj) -> None:
    """A change must name the version it was made on: 428 without ``If-Match``, 409 when the
    record changed since (someone saved it in between)."""
    sent = request.headers.get("If-Match", "").strip()
    if not sent:
        raise PreconditionRequired()
    if sent != "*" and etag_of(obj) not in [s.strip() for s in sent.split(",")]:
        raise Conflict(
            _("The record was changed since you read it: read it again, then send your change."), code="stale"
        )
