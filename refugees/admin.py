from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from refugees.models import (
    Consent,
    DuplicateConfirmation,
    ErasureLog,
    ProfileView,
    Refugee,
    RefugeeDocument,
    RefugeeNote,
)
from refugees.viewlog import PersonalDataAdmin


@admin.register(Refugee)
class RefugeeAdmin(PersonalDataAdmin, SimpleHistoryAdmin):
    person_path = "pk"
    office_path = "office"

    list_display = (
        "unhcr_individual_number",
        "first_name_latin",
        "last_name_latin",
        "sex",
        "nationality_name",
        "legal_status",
        "office",
        "status",
        "intake_date",
    )
    list_filter = ("office", "sex", "legal_status", "status", "region", "referral_source")
    search_fields = (
        "unhcr_individual_number",
        "unhcr_case_number",
        "first_name_latin",
        "last_name_latin",
        "first_name_ar",
        "last_name_ar",
        "phone",
        "name_key",
    )
    list_select_related = ("office",)
    autocomplete_fields = ("caseworker", "city")
    readonly_fields = ("name_key", "status", "anonymised_at", "created_at", "updated_at")
    date_hierarchy = "intake_date"
    show_full_result_count = False

    @admin.display(description=_("nationality"), ordering="nationality")
    def nationality_name(self, obj) -> str:
        """The country's name from django-countries' own lookup: the admin's default display
        walks the field's 250 choices for every row (0.8 s for a page of 100)."""
        return obj.nationality.name

    def save_model(self, request, obj, form, change):
        obj.set_name_keys()
        if obj.date_of_birth:
            obj.birth_year = obj.date_of_birth.year
        super().save_model(request, obj, form, change)


@admin.register(Consent)
class ConsentAdmin(PersonalDataAdmin, SimpleHistoryAdmin):
    list_display = ("refugee", "purpose", "partner", "given_on", "withdrawn_on")
    list_filter = ("purpose", "partner", "withdrawn_on")
    search_fields = ("refugee__unhcr_individual_number", "refugee__last_name_latin")
    list_select_related = ("refugee", "partner")
    raw_id_fields = ("refugee", "recorded_by", "withdrawn_recorded_by")
    show_full_result_count = False


@admin.register(RefugeeDocument)
class RefugeeDocumentAdmin(PersonalDataAdmin, SimpleHistoryAdmin):
    list_display = ("refugee", "kind", "original_name", "content_type", "size", "uploaded_by", "created_at")
    list_filter = ("kind", "content_type")
    search_fields = ("refugee__unhcr_individual_number", "original_name")
    list_select_related = ("refugee", "uploaded_by")
    raw_id_fields = ("refugee", "uploaded_by")
    readonly_fields = ("content_type", "size")
    exclude = ("file",)  # a private file has no URL: served by refugees:document_download
    show_full_result_count = False


@admin.register(RefugeeNote)
class RefugeeNoteAdmin(PersonalDataAdmin, SimpleHistoryAdmin):
    list_display = ("refugee", "author", "created_at")
    search_fields = ("refugee__unhcr_individual_number", "text")
    list_select_related = ("refugee", "author")
    raw_id_fields = ("refugee", "author")
    show_full_result_count = False


@admin.register(ProfileView)
class ProfileViewAdmin(PersonalDataAdmin, admin.ModelAdmin):
    list_display = ("refugee", "user", "viewed_at", "what", "page")
    list_filter = ("viewed_at", "what")
    search_fields = ("refugee__unhcr_individual_number", "user__username")
    list_select_related = ("refugee", "user")
    raw_id_fields = ("refugee", "user")
    date_hierarchy = "viewed_at"
    show_full_result_count = False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DuplicateConfirmation)
class DuplicateConfirmationAdmin(PersonalDataAdmin, admin.ModelAdmin):
    list_display = ("refugee", "other", "confirmed_by", "confirmed_at")
    search_fields = ("refugee__unhcr_individual_number", "other__unhcr_individual_number")
    list_select_related = ("refugee", "other", "confirmed_by")
    raw_id_fields = ("refugee", "other", "confirmed_by")
    show_full_result_count = False

    def people_on_page(self, obj):
        return [obj.other_id]


@admin.register(ErasureLog)
class ErasureLogAdmin(PersonalDataAdmin, admin.ModelAdmin):
    """Read-only: what each anonymisation removed (kinds and counts, never values)."""

    list_display = ("refugee", "by", "at")
    list_select_related = ("refugee", "by")
    readonly_fields = ("refugee", "by", "at", "removals")
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
