"""The funding endpoints of the API (docs/api.md), through ``funding.access`` and
``funding.services`` like the pages.

* ``grants/``, ``grants/<id>/`` (with their tranches), ``disbursements/``,
  ``disbursements/<id>/``, ``visits/``, ``visits/<id>/``;
* ``POST grants/<id>/disbursements/``: record a payment (awaiting a second person's
  approval), with its ``idempotency_key``: the same key sent again returns the payment
  recorded the first time (200 instead of 201);
* ``POST visits/<id>/record/``: record a follow-up visit (the visit form's rules).
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from core.access import get_or_404
from core.api.errors import error_responses
from core.api.pagination import FIELDS_PARAMETER, FieldsMixin
from core.api.permissions import CaseViewMixin
from core.api.urls import api_path
from core.api.writes import form_data, invalid
from funding import access, selectors, services
from funding.forms import DisbursementForm, VisitForm
from funding.models import Disbursement, FollowUpVisit, Grant, Tranche


class TrancheSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tranche
        fields = ["id", "number", "amount", "planned_date", "condition", "paid_mad"]
        read_only_fields = fields


class GrantSerializer(FieldsMixin, serializers.ModelSerializer):
    tranches = TrancheSerializer(many=True, read_only=True)

    class Meta:
        model = Grant
        fields = ["id", "project", "kind", "amount", "awarded_on", "paid_mad", "notes", "tranches"]
        fields += ["created_at", "updated_at"]
        read_only_fields = fields


class DisbursementSerializer(FieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Disbursement
        fields = ["id", "grant", "tranche", "kind", "reverses", "date", "amount", "method", "supplier", "reference"]
        fields += ["status", "recorded_by", "recorded_at", "approved_by", "approved_at", "idempotency_key"]
        read_only_fields = fields


class PaymentSerializer(serializers.Serializer):
    """A payment to record (the payment form's fields; the amount as a decimal text)."""

    tranche = serializers.IntegerField(required=False, allow_null=True)
    date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    method = serializers.ChoiceField(choices=Disbursement.Method.choices)
    supplier = serializers.CharField(required=False, allow_blank=True)
    reference = serializers.CharField(required=False, allow_blank=True)
    idempotency_key = serializers.CharField(max_length=64, help_text="made by the client, one per payment")


class VisitSerializer(FieldsMixin, serializers.ModelSerializer):
    checklist = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = FollowUpVisit
        fields = ["id", "project", "months_after_funding", "due_date", "status", "done_on", "mode", "visitor"]
        fields += ["business_status", "monthly_revenue", "monthly_costs", "jobs_refugee_women", "jobs_refugee_men"]
        fields += ["jobs_moroccan_women", "jobs_moroccan_men", "observations", "recommendations", "verdict"]
        fields += ["checklist", "created_at", "updated_at"]
        read_only_fields = fields


class VisitRecordSerializer(serializers.Serializer):
    """A visit to record (the visit form's fields)."""

    done_on = serializers.DateField()
    mode = serializers.ChoiceField(choices=FollowUpVisit.Mode.choices)
    business_status = serializers.CharField()
    monthly_revenue = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    monthly_costs = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    jobs_refugee_women = serializers.IntegerField(required=False, default=0)
    jobs_refugee_men = serializers.IntegerField(required=False, default=0)
    jobs_moroccan_women = serializers.IntegerField(required=False, default=0)
    jobs_moroccan_men = serializers.IntegerField(required=False, default=0)
    checklist = serializers.ListField(child=serializers.IntegerField(), required=False)
    observations = serializers.CharField(required=False, allow_blank=True)
    recommendations = serializers.CharField(required=False, allow_blank=True)
    verdict = serializers.ChoiceField(choices=FollowUpVisit.Verdict.choices)


class GrantFilter(django_filters.FilterSet):
    class Meta:
        model = Grant
        fields = ["project", "kind"]


class DisbursementFilter(django_filters.FilterSet):
    class Meta:
        model = Disbursement
        fields = ["grant", "status", "kind"]


class VisitFilter(django_filters.FilterSet):
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = FollowUpVisit
        fields = ["project", "status"]


def _grants(user):
    return access.grants_visible_to(user).prefetch_related("tranches")


def _visits(user):
    return access.visits_visible_to(user).prefetch_related("checklist")


class _List(CaseViewMixin, generics.ListAPIView):
    model = None
    scope = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return type(self).scope(self.request.user)


def _list(name, model_, serializer, filterset, scope_):
    view = type(
        name,
        (_List,),
        {"model": model_, "serializer_class": serializer, "filterset_class": filterset, "scope": staticmethod(scope_)},
    )
    return extend_schema(
        parameters=[FIELDS_PARAMETER], responses={200: serializer(many=True), **error_responses(400, 401, 403, 429)}
    )(view)


def _detail(name, serializer, scope_):
    def get(self, request, pk: int):
        return Response(self.get_serializer(get_or_404(scope_(request.user), pk)).data)

    get = extend_schema(
        parameters=[FIELDS_PARAMETER], responses={200: serializer, **error_responses(401, 403, 404, 429)}
    )(get)
    return type(name, (CaseViewMixin, generics.GenericAPIView), {"serializer_class": serializer, "get": get})


GrantList = _list("GrantList", Grant, GrantSerializer, GrantFilter, _grants)
GrantDetail = _detail("GrantDetail", GrantSerializer, _grants)
DisbursementList = _list(
    "DisbursementList", Disbursement, DisbursementSerializer, DisbursementFilter, access.disbursements_visible_to
)
DisbursementDetail = _detail("DisbursementDetail", DisbursementSerializer, access.disbursements_visible_to)
VisitList = _list("VisitList", FollowUpVisit, VisitSerializer, VisitFilter, _visits)
VisitDetail = _detail("VisitDetail", VisitSerializer, _visits)


class PaymentCreate(CaseViewMixin, generics.GenericAPIView):
    serializer_class = PaymentSerializer

    @extend_schema(
        operation_id="grants_disbursements_create",
        request=PaymentSerializer,
        responses={
            201: DisbursementSerializer,
            200: DisbursementSerializer,
            **error_responses(400, 401, 403, 404, 429),
        },
    )
    def post(self, request, pk: int):
        grant = access.grant_for_user(request.user, pk)
        data = form_data(request.data, allowed=tuple(PaymentSerializer().fields))
        existing = selectors.entry_sent_before(key=str(data.get("idempotency_key", "")), grant=grant)
        if existing is not None:
            return Response(DisbursementSerializer(existing, context={"request": request}).data, status=200)
        form = DisbursementForm(data, grant=grant)
        if not form.is_valid():
            raise invalid(form)
        entry, created = services.disbursement_record(grant=grant, by=request.user, **form.payment())
        body = DisbursementSerializer(entry, context={"request": request}).data
        return Response(body, status=201 if created else 200)


class VisitRecord(CaseViewMixin, generics.GenericAPIView):
    serializer_class = VisitRecordSerializer

    @extend_schema(
        operation_id="visits_record",
        request=VisitRecordSerializer,
        responses={200: VisitSerializer, **error_responses(400, 401, 403, 404, 429)},
    )
    def post(self, request, pk: int):
        visit = access.visit_for_user(request.user, pk)
        data = form_data(request.data, allowed=tuple(VisitRecordSerializer().fields))
        for name in ("jobs_refugee_women", "jobs_refugee_men", "jobs_moroccan_women", "jobs_moroccan_men"):
            data.setdefault(name, "0")  # none employed unless said (the form's initial value)
        form = VisitForm(data, instance=visit, initial={"done_on": visit.done_on})
        if not form.is_valid():
            raise invalid(form)
        services.visit_record(
            visit=visit, by=request.user, data=form.visit_data(), checklist=form.cleaned_data["checklist"]
        )
        visit = get_or_404(_visits(request.user), pk)
        return Response(VisitSerializer(visit, context={"request": request}).data)


urlpatterns = [
    api_path("grants/", GrantList.as_view(), "grants"),
    api_path("grants/<int:pk>/", GrantDetail.as_view(), "grant"),
    api_path("grants/<int:pk>/disbursements/", PaymentCreate.as_view(), "grant_disbursements"),
    api_path("disbursements/", DisbursementList.as_view(), "disbursements"),
    api_path("disbursements/<int:pk>/", DisbursementDetail.as_view(), "disbursement"),
    api_path("visits/", VisitList.as_view(), "visits"),
    api_path("visits/<int:pk>/", VisitDetail.as_view(), "visit"),
    api_path("visits/<int:pk>/record/", VisitRecord.as_view(), "visit_record"),
]
