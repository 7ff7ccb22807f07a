from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.models import City, Office, PartnerOrganisation, Region, SecurityEvent, User
from core.roles import is_admin
from core.security import log, mfa

admin.site.site_header = _("Sanad administration")
admin.site.site_title = _("Sanad admin")
admin.site.index_title = _("Users, reference data and records")


def _admin_only(request) -> bool:
    """The Django admin is for the admin role only (IT), never for caseworkers or partners."""
    user = request.user
    return bool(user.is_active and user.is_staff and is_admin(user))


admin.site.has_permission = _admin_only

_build_app_list = admin.site.get_app_list


def _app_list_once_per_request(request, app_label=None):
    """The admin's list of apps and models, built once per request: its index asks for it
    twice (the page's own list and the sidebar's, ``each_context``), each time checking
    four permissions and reversing two URLs for each of ~50 models (2.3 ms)."""
    built = request.__dict__.setdefault("_sanad_admin_app_lists", {})
    if app_label not in built:
        built[app_label] = _build_app_list(request, app_label)
    return built[app_label]


admin.site.get_app_list = _app_list_once_per_request


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "first_name", "last_name", "email", "office", "partner_organisation", "is_active")
    list_filter = ("groups", "office", "partner_organisation", "is_active")
    list_select_related = ("office", "partner_organisation")
    show_full_result_count = False
    # A user's permissions are their roles' (the groups, core.roles): there is no per-user
    # permission to grant, so the form has no list of the ~380 permissions (which also made
    # it the slowest page of the admin).
    fieldsets = (
        *(
            (name, {**options, "fields": tuple(f for f in options["fields"] if f != "user_permissions")})
            for name, options in DjangoUserAdmin.fieldsets
        ),
        (_("Scope"), {"fields": ("office", "partner_organisation")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Scope"), {"fields": ("email", "first_name", "last_name", "office", "partner_organisation", "groups")}),
    )
    actions = ["reset_second_factor"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Adding a user or changing one (their roles are their groups) needs a recent factor.
        return mfa.step_up_response(request) or super().changeform_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Reset two-step verification (the user enrols again)"))
    def reset_second_factor(self, request, queryset):
        from django_otp import devices_for_user

        if response := mfa.step_up_response(request):
            return response
        for user in queryset:
            for device in devices_for_user(user, confirmed=None):
                device.delete()
            log.record(SecurityEvent.Kind.MFA_RESET, request=request, user=user, by=request.user)
        self.message_user(request, _("Two-step verification reset for %(n)s users.") % {"n": queryset.count()})


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "username", "ip_address", "by", "detail")
    list_select_related = ("by",)
    show_full_result_count = False
    list_filter = ("kind",)
    search_fields = ("username",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "name_ar", "name_en")


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ("name_fr", "name_ar", "name_en", "region")
    list_filter = ("region",)
    list_select_related = ("region",)
    search_fields = ("name_fr", "name_ar", "name_en")


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "city", "is_head_office")
    list_select_related = ("city",)


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "acronym", "kind", "name_fr")
    list_filter = ("kind",)


import core.webhooks.admin  # noqa: E402, F401  (registers the webhooks' models)
