"""The session and project endpoints of the API (docs/api.md), through ``projects.access``
and ``projects.services`` like the pages.

* ``sessions/``, ``sessions/<id>/`` (with the ids of the people who attended);
* ``POST sessions/<id>/attendance/`` ``{"refugee": id}``: mark a person present (a person
  the caller may pick, as on the page);
* ``projects/``, ``projects/<id>/``: with members (ids, lead, share), budget lines, status.

People appear by id only here (no names): the refugee endpoints show the profile, logged.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from core.access import get_or_404
from core.api.errors import error_responses
from core.api.pagination import FIELDS_PARAMETER, FieldsMixin
from core.api.permissions import CaseViewMixin
from core.api.urls import api_path
from projects import access, services
from projects.models import Attendance, BudgetLine, BusinessProject, ProjectMember, Session


class SessionSerializer(FieldsMixin, serializers.ModelSerializer):
    office = serializers.SlugRelatedField(slug_field="code", read_only=True)
    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    partner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    attendees = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = ["id", "kind", "training_topic", "topic", "date", "city", "office", "partner", "facilitator"]
        fields += ["unregistered_attendees", "attendees", "created_at", "updated_at"]
        read_only_fields = fields

    def get_attendees(self, session) -> list[int]:
        return [a.refugee_id for a in session.attendance.all()]


class AttendanceSerializer(serializers.Serializer):
    refugee = serializers.IntegerField()


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectMember
        fields = ["refugee", "is_lead", "share_percent", "is_active", "joined_on"]
        read_only_fields = fields


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["id", "category", "description", "quantity", "unit_cost", "total"]
        read_only_fields = fields


class ProjectSerializer(FieldsMixin, serializers.ModelSerializer):
    office = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    members = MemberSerializer(many=True, read_only=True, source="active_members")
    budget_lines = BudgetLineSerializer(many=True, read_only=True)

    class Meta:
        model = BusinessProject
        fields = ["id", "reference", "title", "activity", "sector", "legal_form", "city", "region", "office"]
        fields += ["caseworker", "status", "own_contribution", "approved_amount", "outcome", "submitted_at"]
        fields += ["members", "budget_lines", "created_at", "updated_at"]
        read_only_fields = fields


class SessionFilter(django_filters.FilterSet):
    office = django_filters.CharFilter(field_name="office__code")
    after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Session
        fields = ["kind"]


class ProjectFilter(django_filters.FilterSet):
    office = django_filters.CharFilter(field_name="office__code")
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = BusinessProject
        fields = ["status", "sector", "legal_form"]


def _sessions(user):
    return (
        access.sessions_visible_to(user)
        .select_related("office", "city", "partner")
        .prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.only("session_id", "refugee_id").order_by("refugee_id"))
        )
    )


def _projects(user):
    return (
        access.projects_visible_to(user)
        .select_related("office", "region", "city")
        .prefetch_related(
            Prefetch("members", queryset=ProjectMember.objects.filter(is_active=True), to_attr="active_members"),
            "budget_lines",
        )
    )


class SessionList(CaseViewMixin, generics.ListAPIView):
    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Session.objects.none()
        return _sessions(self.request.user)

    @extend_schema(
        parameters=[FIELDS_PARAMETER],
        responses={200: SessionSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SessionDetail(CaseViewMixin, generics.GenericAPIView):
    serializer_class = SessionSerializer

    @extend_schema(
        parameters=[FIELDS_PARAMETER], responses={200: SessionSerializer, **error_responses(401, 403, 404, 429)}
    )
    def get(self, request, pk: int):
        access.session_for_user(request.user, pk)  # 403 / 404 as the page decides
        return Response(self.get_serializer(get_or_404(_sessions(request.user), pk)).data)


class AttendanceCreate(CaseViewMixin, generics.GenericAPIView):
    serializer_class = AttendanceSerializer

    @extend_schema(
        operation_id="sessions_attendance_create",
        request=AttendanceSerializer,
        responses={201: SessionSerializer, **error_responses(400, 401, 403, 404, 429)},
    )
    def post(self, request, pk: int):
        session = access.session_for_user(request.user, pk)
        body = AttendanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        refugee = get_or_404(access.refugees_pickable_by(request.user), body.validated_data["refugee"])
        services.attendance_add(session=session, refugee=refugee, by=request.user)
        return Response(
            SessionSerializer(get_or_404(_sessions(request.user), pk), context={"request": request}).data, status=201
        )


class ProjectList(CaseViewMixin, generics.ListAPIView):
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BusinessProject.objects.none()
        return _projects(self.request.user)

    @extend_schema(
        parameters=[FIELDS_PARAMETER],
        responses={200: ProjectSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProjectDetail(CaseViewMixin, generics.GenericAPIView):
    serializer_class = ProjectSerializer

    @extend_schema(
        parameters=[FIELDS_PARAMETER], responses={200: ProjectSerializer, **error_responses(401, 403, 404, 429)}
    )
    def get(self, request, pk: int):
        access.project_for_user(request.user, pk)
        return Response(self.get_serializer(get_or_404(_projects(request.user), pk)).data)


urlpatterns = [
    api_path("sessions/", SessionList.as_view(), "sessions"),
    api_path("sessions/<int:pk>/", SessionDetail.as_view(), "session"),
    api_path("sessions/<int:pk>/attendance/", AttendanceCreate.as_view(), "session_attendance"),
    api_path("projects/", ProjectList.as_view(), "projects"),
    api_path("projects/<int:pk>/", ProjectDetail.as_view(), "project"),
]
