"""Cursor pages (a stable order by id; a page deep in a long list costs what the first one
costs) and ``?fields=`` (the fields a caller wants, the others left out)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Comma-separated names of the fields to return (all by default).",
    required=False,
)


class FieldsMixin(serializers.Serializer):
    """Leaves out the fields not named in ``?fields=`` (unknown names are ignored)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        raw = request.query_params.get("fields", "") if request is not None else ""
        wanted = {f.strip() for f in raw.split(",") if f.strip()}
        if wanted:
            for name in set(self.fields) - wanted - {"id"}:
                self.fields.pop(name)
