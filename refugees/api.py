"""The refugee endpoints of the API (docs/api.md): the office scope of ``refugees.access``,
the profile form's rules, the services of the pages, the view log.

* ``GET refugees/``: the caller's scope, cursor pages, filters, ``?fields=`` (each person
  listed is written to the view log, as a list of named people);
* ``GET refugees/<id>/``: the profile (logged), with its ``ETag``;
* ``POST refugees/``: register; probable duplicates answer 409 with the candidates, sent
  again with ``confirmed_duplicate_ids`` once compared (as on the page);
* ``PATCH refugees/<id>/``: change, with ``If-Match`` (428 without, 409 when stale).
"""

from __future__ import annotations

import django_filters
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from core.access import require
from core.api.errors import Conflict, error_responses
from core.api.pagination import FIELDS_PARAMETER, FieldsMixin
from core.api.permissions import CaseViewMixin
from core.api.urls import api_path
from core.api.writes import check_if_match, etag_of, form_data, invalid
from refugees import services
from refugees.access import can_register_refugee, refugee_for_user, refugees_visible_to
from refugees.forms import RefugeeForm
from refugees.models import LegalStatus, Refugee, Sex
from refugees.selectors import duplicate_candidates
from refugees.services import PROFILE_FIELDS
from refugees.viewlog import What, log_shown


class RefugeeSerializer(FieldsMixin, serializers.ModelSerializer):
    office = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    nationality = serializers.CharField(source="nationality.code", read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    specific_needs = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Refugee
        fields = ["id", *[f for f in PROFILE_FIELDS if f not in ("office", "region", "city")], "office", "region"]
        fields += ["city", "status", "anonymised_at", "created_at", "updated_at"]
        read_only_fields = fields


class RefugeeWriteSerializer(serializers.Serializer):
    """The body of a registration or a change (the profile form's fields; ids for region,
    city, office and caseworker). Checked by the profile form itself."""

    unhcr_individual_number = serializers.CharField(required=False)
    unhcr_case_number = serializers.CharField(required=False)
    first_name_latin = serializers.CharField(required=False)
    last_name_latin = serializers.CharField(required=False)
    first_name_ar = serializers.CharField(required=False)
    last_name_ar = serializers.CharField(required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    birth_year = serializers.IntegerField(required=False, allow_null=True)
    date_of_birth_estimated = serializers.BooleanField(required=False)
    nationality = serializers.CharField(required=False, help_text="ISO 3166 code, e.g. SY")
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices, required=False)
    arrival_date = serializers.DateField(required=False, allow_null=True)
    region = serializers.IntegerField(required=False, allow_null=True)
    city = serializers.IntegerField(required=False, allow_null=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    languages = serializers.ListField(child=serializers.CharField(), required=False)
    education_level = serializers.CharField(required=False, allow_blank=True)
    previous_occupation = serializers.CharField(required=False, allow_blank=True)
    skills = serializers.CharField(required=False, allow_blank=True)
    household_size = serializers.IntegerField(required=False)
    specific_needs = serializers.ListField(child=serializers.CharField(), required=False)
    referral_source = serializers.CharField(required=False)
    intake_date = serializers.DateField(required=False)
    office = serializers.IntegerField(required=False, help_text="managers only; a caseworker registers in their office")
    caseworker = serializers.IntegerField(required=False, allow_null=True)
    confirmed_duplicate_ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="the probable duplicates compared and found different",
    )


class RefugeeFilter(django_filters.FilterSet):
    office = django_filters.CharFilter(field_name="office__code")
    intake_after = django_filters.DateFilter(field_name="intake_date", lookup_expr="gte")
    intake_before = django_filters.DateFilter(field_name="intake_date", lookup_expr="lte")
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Refugee
        fields = ["status", "sex", "legal_status", "nationality"]


def _scope(request):
    return refugees_visible_to(request.user).select_related("office", "region", "city")


def _candidates_or_none(request, form, refugee, confirmed) -> None:
    """409 with the probable duplicates not yet confirmed different (the visible ones named,
    and logged as shown; the others only counted, as on the page)."""
    candidates = duplicate_candidates(request.user, data=form.cleaned_data, refugee=refugee)
    ids = {c["refugee"].pk for c in candidates}
    if not candidates or ids <= confirmed:
        return ids
    visible = [c["refugee"] for c in candidates if c["visible"]]
    log_shown(request, visible, what=What.LIST)
    raise Conflict(
        code="probable_duplicates",
        detail=duplicates_message(),
        extra={
            "candidates": [
                {
                    "id": c["refugee"].pk,
                    "visible": c["visible"],
                    **(
                        {
                            "unhcr_individual_number": c["refugee"].unhcr_individual_number,
                            "first_name_latin": c["refugee"].first_name_latin,
                            "last_name_latin": c["refugee"].last_name_latin,
                            "date_of_birth": c["refugee"].date_of_birth,
                            "birth_year": c["refugee"].birth_year,
                        }
                        if c["visible"]
                        else {}
                    ),
                }
                for c in candidates
            ]
        },
    )


def duplicates_message() -> str:
    return _(
        "This person may already be registered: compare the candidates, then send again with "
        "confirmed_duplicate_ids if this is a different person."
    )


def _confirmed(payload) -> set[int]:
    raw = payload.get("confirmed_duplicate_ids") if isinstance(payload, dict) else None
    if not isinstance(raw, list):
        return set()
    return {v for v in raw if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**63}


def _form_values(refugee: Refugee) -> dict:
    """The profile's current values as the form reads them (a PATCH overlays its fields)."""
    values = model_to_dict(refugee, fields=list(PROFILE_FIELDS))
    values["nationality"] = refugee.nationality.code
    return form_data(values)


class RefugeeList(CaseViewMixin, generics.ListCreateAPIView):
    serializer_class = RefugeeSerializer
    filterset_class = RefugeeFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Refugee.objects.none()
        return _scope(self.request)

    @extend_schema(
        parameters=[FIELDS_PARAMETER],
        responses={200: RefugeeSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        log_shown(request, [row["id"] for row in response.data["results"]], what=What.LIST)
        return response

    @extend_schema(
        request=RefugeeWriteSerializer,
        responses={201: RefugeeSerializer, **error_responses(400, 401, 403, 409, 429)},
    )
    def post(self, request, *args, **kwargs):
        require(can_register_refugee(request.user))
        form = RefugeeForm(form_data(request.data), user=request.user)
        if not form.is_valid():
            raise invalid(form)
        ids = _candidates_or_none(request, form, None, _confirmed(request.data))
        refugee = services.refugee_register(by=request.user, data=form.profile_data(), confirmed_duplicate_ids=ids)
        refugee = _scope(request).get(pk=refugee.pk)
        log_shown(request, refugee, what=What.FORM)
        body = RefugeeSerializer(refugee, context={"request": request}).data
        return Response(body, status=201, headers={"ETag": etag_of(refugee)})


class RefugeeDetail(CaseViewMixin, generics.GenericAPIView):
    serializer_class = RefugeeSerializer

    @extend_schema(
        parameters=[FIELDS_PARAMETER], responses={200: RefugeeSerializer, **error_responses(401, 403, 404, 429)}
    )
    def get(self, request, pk: int):
        refugee = refugee_for_user(request.user, pk)
        log_shown(request, refugee, what=What.PROFILE)
        return Response(self.get_serializer(refugee).data, headers={"ETag": etag_of(refugee)})

    @extend_schema(
        request=RefugeeWriteSerializer,
        responses={200: RefugeeSerializer, **error_responses(400, 401, 403, 404, 409, 428, 429)},
    )
    def patch(self, request, pk: int):
        refugee = refugee_for_user(request.user, pk, write=True)
        check_if_match(request, refugee)
        data = {**_form_values(refugee), **form_data(request.data)}
        form = RefugeeForm(data, instance=refugee, user=request.user)
        if not form.is_valid():
            raise invalid(form)
        ids = _candidates_or_none(request, form, refugee, _confirmed(request.data))
        services.refugee_update(refugee=refugee, by=request.user, data=form.profile_data(), confirmed_duplicate_ids=ids)
        refugee = refugee_for_user(request.user, pk)
        log_shown(request, refugee, what=What.FORM)
        return Response(self.get_serializer(refugee).data, headers={"ETag": etag_of(refugee)})


urlpatterns = [
    api_path("refugees/", RefugeeList.as_view(), "refugees"),
    api_path("refugees/<int:pk>/", RefugeeDetail.as_view(), "refugee"),
]
