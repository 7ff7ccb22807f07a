"""The partner endpoints of the API: aggregates only, every number read from the partner's
protected publication (``reports.disclosure.dashboard.cached_publication``), the same object
its dashboard, home panel and report files are read from (docs/disclosure.md).

* ``partner/periods/``: the partner's reporting calendar (complete periods only);
* ``partner/indicators/?period=``: every figure of the publication for one period: each
  indicator's total, its margins (the disaggregations the partner may see), its two-way
  tables, the survival rates and the money per donor and quarter, as shown (a number,
  ``"<5"`` or ``"x"``);
* ``partner/definitions/``: what each indicator counts, in the request's language;
* ``report-runs/`` and ``report-runs/<id>/file/``: the runs of the caller's organisation
  (a manager: every run) and their files.

A period outside the partner's calendar is a 400; nothing else of the address is read.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import error_responses
from core.api.models import Scope
from core.api.permissions import PartnerPermission, ScopePermission, partner_of
from core.api.urls import api_path
from core.storage import serve_private_file
from reports import access, caching
from reports.disclosure import calendar
from reports.disclosure.dashboard import cached_publication
from reports.disclosure.publication import NotPublishedError
from reports.generators import dimension_labels
from reports.indicators import registry
from reports.models import ReportRun


def _shown(value):
    """A protected value for JSON: an int, "<5", "x", a decimal as text, or None."""
    if value is None or isinstance(value, int | str):
        return value
    return str(value)


def _period_of(partner, key: str | None) -> calendar.Period:
    granularity = calendar.granularity_of(partner.code)
    periods = calendar.complete_periods(granularity)
    if not periods:
        raise ValidationError({"period": [_("This partner has no complete period yet.")]})
    if not key:
        return periods[0]
    period = calendar.from_key(str(key), granularity)
    if period is None:
        raise ValidationError({"period": [calendar.explain(granularity)]})
    return period


def _period_json(period: calendar.Period) -> dict:
    return {
        "key": period.key,
        "label": period.label(),
        "granularity": period.granularity,
        "start": period.start,
        "end": period.end,
    }


def publication_figures(partner, period: calendar.Period) -> dict:
    """Everything the partner's publication shows for ``period``, as JSON-ready data (cached
    per data version and language, like the dashboard)."""
    key = caching.cache_key("partner-api", scope={"partner": partner.code}, start=period.start, end=period.end)
    return caching.cached(key, lambda: _figures(partner, period))


def _figures(partner, period) -> dict:
    # The dashboard's own cached publication (reports.disclosure.dashboard): the API and the
    # dashboard read one build, so they can never show a cell differently (x against <5).
    pub = cached_publication(partner, period.start, period.end)
    lang = caching.current_language()
    space = pub.space
    margins: dict[str, set[str]] = {}
    for code, dim in pub._margins():
        margins.setdefault(code, set()).add(dim)
    crosses: dict[str, list] = {}
    for code, row, col in space.crosses:
        crosses.setdefault(code, []).append((row, col))
    codes = sorted(pub._count_codes() | set(space.totals) | set(margins) | set(crosses))
    indicators = []
    for code in codes:
        item = {"code": code, "label": registry[code].label(lang), "unit": registry[code].unit}
        try:
            item["total"] = _shown(pub.total(code))
        except NotPublishedError:
            item["total"] = None
        item["margins"] = []
        for dim in sorted(margins.get(code, ())):
            cells = pub.margin(code, dim)
            labels = dimension_labels(dim, list(cells), lang)
            item["margins"].append(
                {
                    "dimension": dim,
                    "cells": [
                        {"key": str(k), "label": labels[k], "value": _shown(v)}
                        for k, v in sorted(cells.items(), key=lambda kv: str(kv[0]))
                    ],
                }
            )
        item["tables"] = []
        for row, col in sorted(crosses.get(code, ())):
            cells = pub.cross(code, row, col)
            item["tables"].append(
                {
                    "rows": row,
                    "columns": col,
                    "cells": [
                        {"row": str(r), "column": str(c), "value": _shown(v)}
                        for (r, c), v in sorted(cells.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1])))
                    ],
                }
            )
        indicators.append(item)
    survival = []
    for months, dim in sorted(space.rates, key=lambda r: (r[0], r[1] or "")):
        if dim is None:
            survival.append({"months": months, "dimension": None, "key": None, "rate": _shown(pub.rate(months))})
            continue
        for k in sorted(pub.margin(f"visited_{months}m", dim), key=str):
            survival.append(
                {"months": months, "dimension": dim, "key": str(k), "rate": _shown(pub.rate(months, dim, k))}
            )
    money = []
    for dim in sorted(space.money, key=lambda d: d or ""):
        for (donor, quarter, k), v in sorted(pub.money(dim).items(), key=lambda kv: tuple(str(x) for x in kv[0])):
            money.append(
                {
                    "dimension": dim,
                    "key": None if k is None else str(k),
                    "donor": donor,
                    "quarter": str(quarter),
                    "mad": _shown(v),
                }
            )
    agreements = []
    if space.agreements:
        agreements = [{k: _shown(v) for k, v in row.items()} for row in pub.agreements()]
    return {
        "partner": partner.code,
        "period": _period_json(period),
        "indicators": indicators,
        "survival": survival,
        "disbursements": money,
        "agreements": agreements,
    }


def _partner(request):
    return partner_of(request)


PERIOD_PARAMETER = OpenApiParameter(
    "period",
    OpenApiTypes.STR,
    description="A complete period of the partner's calendar: 2025, 2025-Q3 or 2025-07 (default: the latest).",
    required=False,
)


class ValueField(serializers.JSONField):
    """A number, "<5" (1 to 4) or "x" (hidden), or null."""


class CellSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = ValueField()


class MarginSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    cells = CellSerializer(many=True)


class TableCellSerializer(serializers.Serializer):
    row = serializers.CharField()
    column = serializers.CharField()
    value = ValueField()


class TwoWayTableSerializer(serializers.Serializer):
    rows = serializers.CharField()
    columns = serializers.CharField()
    cells = TableCellSerializer(many=True)


class PublishedIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    total = ValueField()
    margins = MarginSerializer(many=True)
    tables = TwoWayTableSerializer(many=True)


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    granularity = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


class SurvivalRateSerializer(serializers.Serializer):
    months = serializers.IntegerField()
    dimension = serializers.CharField(allow_null=True)
    key = serializers.CharField(allow_null=True)
    rate = ValueField()


class DisbursedSerializer(serializers.Serializer):
    dimension = serializers.CharField(allow_null=True)
    key = serializers.CharField(allow_null=True)
    donor = serializers.CharField()
    quarter = serializers.CharField()
    mad = ValueField()


class PartnerIndicatorsSerializer(serializers.Serializer):
    partner = serializers.CharField()
    period = PeriodSerializer()
    indicators = PublishedIndicatorSerializer(many=True)
    survival = SurvivalRateSerializer(many=True)
    disbursements = DisbursedSerializer(many=True)
    agreements = serializers.ListField(child=serializers.DictField())


class CalendarSerializer(serializers.Serializer):
    granularity = serializers.CharField()
    periods = PeriodSerializer(many=True)


class DefinitionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.CharField()
    dimensions = serializers.ListField(child=serializers.CharField())


class PartnerView(APIView):
    permission_classes = [PartnerPermission]
    read_scope = Scope.AGGREGATES_READ


class PeriodsView(PartnerView):
    @extend_schema(
        operation_id="partner_periods",
        summary="The partner's reporting calendar",
        responses={
            200: CalendarSerializer,
            **error_responses(401, 403, 429),
        },
    )
    def get(self, request):
        granularity = calendar.granularity_of(_partner(request).code)
        periods = calendar.complete_periods(granularity)
        return Response({"granularity": granularity, "periods": [_period_json(p) for p in periods]})


class IndicatorsView(PartnerView):
    @extend_schema(
        operation_id="partner_indicators",
        summary="The protected indicators of one period",
        parameters=[PERIOD_PARAMETER],
        responses={200: PartnerIndicatorsSerializer, **error_responses(400, 401, 403, 429)},
    )
    def get(self, request):
        partner = _partner(request)
        period = _period_of(partner, request.query_params.get("period"))
        return Response(publication_figures(partner, period))


class DefinitionsView(PartnerView):
    @extend_schema(
        operation_id="partner_definitions",
        summary="What each indicator counts, in the request's language",
        responses={
            200: DefinitionSerializer(many=True),
            **error_responses(401, 403, 429),
        },
    )
    def get(self, request):
        _partner(request)
        lang = caching.current_language()
        return Response(
            [
                {
                    "code": i.code,
                    "label": i.label(lang),
                    "definition": i.explain(lang),
                    "unit": i.unit,
                    "dimensions": list(i.dimensions),
                }
                for i in registry.all()
            ]
        )


class ReportRunSerializer(serializers.ModelSerializer):
    partner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    file = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = ["id", "code", "partner", "period_start", "period_end", "format", "language", "version", "status"]
        fields += ["requested_at", "signed_off_at", "file"]
        read_only_fields = fields

    def get_file(self, run) -> str | None:
        if run.status != ReportRun.Status.DONE or not run.file:
            return None
        from django.urls import reverse

        return self.context["request"].build_absolute_uri(reverse("api:report_run_file", args=[run.pk]))


class RunsMixin:
    permission_classes = [ScopePermission]
    read_scope = Scope.REPORTS_READ
    serializer_class = ReportRunSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportRun.objects.none()
        if not access.may_use_reports(self.request.user):
            raise PermissionDenied
        return access.report_runs_visible_to(self.request.user).select_related("partner")


@extend_schema(responses={200: ReportRunSerializer(many=True), **error_responses(401, 403, 429)})
class RunList(RunsMixin, generics.ListAPIView):
    filterset_fields = ["code", "status"]


@extend_schema(responses={200: ReportRunSerializer, **error_responses(401, 403, 404, 429)})
class RunDetail(RunsMixin, generics.RetrieveAPIView):
    def get_object(self):
        self.get_queryset()
        return access.report_run_for_user(self.request.user, self.kwargs["pk"])


class RunFile(RunsMixin, APIView):
    @extend_schema(
        operation_id="report_run_file",
        summary="The run's file",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request, pk: int):
        self.get_queryset()
        run = access.report_run_for_user(request.user, pk)
        if run.status != ReportRun.Status.DONE or not run.file:
            raise PermissionDenied(_("This report is not ready."))
        return serve_private_file(run.file, download_name=run.download_name())


urlpatterns = [
    api_path("partner/periods/", PeriodsView.as_view(), "partner_periods"),
    api_path("partner/indicators/", IndicatorsView.as_view(), "partner_indicators"),
    api_path("partner/definitions/", DefinitionsView.as_view(), "partner_definitions"),
    api_path("report-runs/", RunList.as_view(), "report_runs"),
    api_path("report-runs/<int:pk>/", RunDetail.as_view(), "report_run"),
    api_path("report-runs/<int:pk>/file/", RunFile.as_view(), "report_run_file"),
]
