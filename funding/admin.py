from django.contrib import admin

from core.admin_inlines import BoundedTabularInline
from funding.models import (
    ActionPoint,
    ChecklistItem,
    Disbursement,
    DisbursementAllocation,
    ExchangeRate,
    FollowUpVisit,
    FundingAgreement,
    Grant,
    GrantFunding,
    Tranche,
    VisitPhoto,
)
from refugees.viewlog import PersonalDataAdmin


class ExchangeRateInline(BoundedTabularInline):
    model = ExchangeRate
    extra = 1


@admin.register(FundingAgreement)
class FundingAgreementAdmin(admin.ModelAdmin):
    list_display = ["reference", "donor", "currency", "amount", "start_date", "end_date"]
    list_filter = ["donor", "currency"]
    list_select_related = ["donor"]
    search_fields = ["reference", "title"]
    inlines = [ExchangeRateInline]


class AgreementFilter(admin.RelatedFieldListFilter):
    """The agreements with their donor in one query (the default fetches each one's donor)."""

    def field_choices(self, field, request, model_admin):
        return [(a.pk, str(a)) for a in FundingAgreement.objects.select_related("donor")]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["agreement", "valid_from", "mad_per_unit"]
    list_select_related = ["agreement__donor"]
    list_filter = [("agreement", AgreementFilter)]


class ReadOnlyInline(BoundedTabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GrantFundingInline(ReadOnlyInline):
    model = GrantFunding


class TrancheInline(ReadOnlyInline):
    model = Tranche


@admin.register(Grant)
class GrantAdmin(PersonalDataAdmin, admin.ModelAdmin):
    """Grants are awarded through the app (checks and locks); the admin shows them."""

    person_path = None
    office_path = "project__office"
    list_display = ["project", "kind", "amount", "awarded_on"]
    list_filter = ["kind"]
    search_fields = ["project__reference", "project__title"]
    list_select_related = ["project"]
    inlines = [GrantFundingInline, TrancheInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AllocationInline(ReadOnlyInline):
    model = DisbursementAllocation


@admin.register(Disbursement)
class DisbursementAdmin(PersonalDataAdmin, admin.ModelAdmin):
    """The ledger: read-only. Entries are recorded and approved in the app, never deleted."""

    person_path = None
    office_path = "grant__project__office"
    list_display = ["pk", "grant", "kind", "date", "amount", "status", "recorded_by", "approved_by"]
    list_filter = ["status", "kind", "method"]
    search_fields = ["grant__project__reference", "reference", "idempotency_key"]
    list_select_related = ["grant__project", "recorded_by", "approved_by"]
    inlines = [AllocationInline]
    exclude = ["receipt"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["code", "label_fr", "label_ar", "label_en", "is_active", "order"]
    list_editable = ["is_active", "order"]


class ActionPointInline(BoundedTabularInline):
    model = ActionPoint
    extra = 0


class VisitPhotoInline(ReadOnlyInline):
    model = VisitPhoto
    exclude = ["file"]


@admin.register(FollowUpVisit)
class FollowUpVisitAdmin(PersonalDataAdmin, admin.ModelAdmin):
    person_path = None
    office_path = "project__office"
    list_display = ["project", "months_after_funding", "due_date", "status", "business_status", "verdict"]
    list_filter = ["status", "business_status", "verdict"]
    search_fields = ["project__reference"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "visitor"]
    inlines = [ActionPointInline, VisitPhotoInline]
