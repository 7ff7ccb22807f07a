from django.contrib import admin

from reports.models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "partner",
        "period_start",
        "period_end",
        "version",
        "status",
        "requested_at",
        "signed_off_at",
    )
    list_filter = ("code", "status", "partner")
    list_select_related = ("partner",)
    show_full_result_count = False
    readonly_fields = [f.name for f in ReportRun._meta.fields if f.name != "file"]
    exclude = ["file"]  # a private file has no URL: served by reports:run_download

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
