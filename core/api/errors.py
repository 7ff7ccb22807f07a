"""One JSON error format for every refusal of the API::

    {"code": "not_found", "message": "...", "fields": {"intake_date": [{"code": "...", "message": "..."}]}}

``message`` is in the request's language (``Accept-Language``, or the language cookie);
``fields`` only for bad input (400). The statuses: 400 bad input, 401 no or bad token,
403 not allowed (the role, the scope), 404 not found or outside the caller's office,
405, 409 a conflict (probable duplicates, a stale ``If-Match``), 412/428 ``If-Match``
missing or wrong, 429 over the rate (with ``Retry-After``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("This conflicts with the current state of the record.")
    default_code = "conflict"

    def __init__(self, detail=None, code=None, extra: dict | None = None):
        super().__init__(detail, code)
        self.extra = extra or {}


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = gettext_lazy("Send the record's ETag in an If-Match header.")
    default_code = "if_match_required"


def _field_errors(detail) -> dict:
    out = {}
    if isinstance(detail, dict):
        for name, errors in detail.items():
            if not isinstance(errors, list):
                errors = [errors]
            flat = []
            for e in errors:
                if isinstance(e, dict | list):
                    flat.append({"code": "invalid", "message": str(e)})
                else:
                    flat.append({"code": getattr(e, "code", "invalid"), "message": str(e)})
            out["__all__" if name in ("non_field_errors", "__all__") else name] = flat
    return out


def django_validation_detail(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            name: [exceptions.ErrorDetail(m, code=e.code or "invalid") for e in errors for m in e.messages]
            for name, errors in exc.error_dict.items()
        }
    return {"__all__": [exceptions.ErrorDetail(m, code=exc.code or "invalid") for m in exc.messages]}


def _code_of(detail, default: str) -> str:
    return getattr(detail, "code", None) or default


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_validation_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    if isinstance(exc, exceptions.ValidationError):
        body = {"code": "invalid", "message": _("The request has errors."), "fields": _field_errors(detail)}
        if isinstance(detail, list):
            body["fields"] = {"__all__": [{"code": _code_of(d, "invalid"), "message": str(d)} for d in detail]}
    else:
        default = getattr(exc, "default_code", "error")
        body = {"code": _code_of(detail, default), "message": str(detail), "fields": {}}
    body.update(getattr(exc, "extra", {}))
    response.data = body
    return response


def not_found(request, *args, **kwargs):
    """Any other address under ``/api/v1/``: the same 404 in JSON."""
    return JsonResponse({"code": "not_found", "message": _("Not found."), "fields": {}}, status=404)


ERROR = inline_serializer(
    "Error",
    {
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.DictField())),
    },
)


def error_responses(*codes: int) -> dict:
    return dict.fromkeys(codes, ERROR)


def conflict_response(data: dict) -> Response:
    return Response(data, status=409)
