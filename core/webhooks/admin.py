"""The webhooks in the Django admin (IT): endpoints (the secret is never shown here: it is
made by the service and shown once to the owner on the endpoint's page) and the delivery
log, read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_inlines import BoundedTabularInline
from core.webhooks import signing
from core.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SimpleHistoryAdmin):
    list_display = ("url", "partner", "is_active", "created_at")
    list_filter = ("is_active", "partner")
    list_select_related = ("partner",)
    exclude = ("secret",)
    readonly_fields = ("created_by", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.secret = signing.new_secret()
            obj.created_by = request.user
            self.message_user(request, _("The secret is shown to the endpoint's owner: make a new one on its page."))
        super().save_model(request, obj, form, change)


class WebhookAttemptInline(BoundedTabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "at", "response_code", "response_body", "error", "duration_ms", "manual")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "endpoint", "status", "attempts", "response_code", "created_at")
    list_filter = ("status",)
    list_select_related = ("event", "endpoint")
    inlines = [WebhookAttemptInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
