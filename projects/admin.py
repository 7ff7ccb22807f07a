from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_inlines import BoundedTabularInline
from projects.models import (
    AgendaItem,
    Attendance,
    BudgetLine,
    BusinessProject,
    CommitteeDecision,
    CommitteeSitting,
    ConflictOfInterest,
    Cooperative,
    FeasibilityStudy,
    ProjectMember,
    ProjectTransition,
    Score,
    ScoringCriterion,
    Session,
)
from refugees.viewlog import PersonalDataAdmin


class AttendanceInline(BoundedTabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["refugee", "recorded_by"]


@admin.register(Session)
class SessionAdmin(PersonalDataAdmin, SimpleHistoryAdmin):
    person_path = None
    office_path = "office"
    list_display = ["date", "kind", "topic", "city", "office", "partner", "unregistered_attendees"]
    list_filter = ["kind", "office", "partner"]
    list_select_related = ["city", "office", "partner"]
    search_fields = ["topic", "facilitator"]
    date_hierarchy = "date"
    inlines = [AttendanceInline]

    def people_on_page(self, obj):
        return obj.attendance.values_list("refugee_id", flat=True)


@admin.register(Attendance)
class AttendanceAdmin(PersonalDataAdmin, admin.ModelAdmin):
    person_path = "refugee_id"
    office_path = "session__office"
    list_display = ["session", "refugee", "recorded_by", "recorded_at"]
    list_select_related = ["session", "refugee", "recorded_by"]
    raw_id_fields = ["session", "refugee", "recorded_by"]


class MemberInline(BoundedTabularInline):
    model = ProjectMember
    extra = 0
    raw_id_fields = ["refugee"]


class BudgetLineInline(BoundedTabularInline):
    model = BudgetLine
    extra = 0
    readonly_fields = ["total"]


class TransitionInline(BoundedTabularInline):
    model = ProjectTransition
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "by", "at", "comment"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BusinessProject)
class BusinessProjectAdmin(PersonalDataAdmin, SimpleHistoryAdmin):
    person_path = None
    office_path = "office"
    list_display = ["reference", "title", "sector", "legal_form", "status", "office", "created_at"]
    list_filter = ["status", "sector", "legal_form", "office"]
    list_select_related = ["office"]
    search_fields = ["reference", "title", "activity"]
    readonly_fields = ["reference", "status", "approved_amount", "submitted_at"]
    raw_id_fields = ["caseworker", "created_by"]
    inlines = [MemberInline, BudgetLineInline, TransitionInline]

    def people_on_page(self, obj):
        return obj.members.values_list("refugee_id", flat=True)


@admin.register(ProjectMember)
class ProjectMemberAdmin(PersonalDataAdmin, SimpleHistoryAdmin):
    person_path = "refugee_id"
    office_path = "project__office"
    list_display = ["project", "refugee", "is_lead", "share_percent", "is_active"]
    list_select_related = ["project", "refugee"]
    raw_id_fields = ["project", "refugee"]


@admin.register(BudgetLine)
class BudgetLineAdmin(PersonalDataAdmin, SimpleHistoryAdmin):
    person_path = None
    office_path = "project__office"
    list_display = ["project", "category", "description", "quantity", "unit_cost", "total"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]


@admin.register(FeasibilityStudy)
class FeasibilityStudyAdmin(PersonalDataAdmin, SimpleHistoryAdmin):
    person_path = None
    office_path = "project__office"
    list_display = ["project", "opinion", "expected_monthly_revenue", "expected_monthly_costs"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
    exclude = ["document"]  # a private file has no URL: served by projects:study_document


@admin.register(ProjectTransition)
class ProjectTransitionAdmin(PersonalDataAdmin, admin.ModelAdmin):
    person_path = None
    office_path = "project__office"
    list_display = ["project", "action", "from_status", "to_status", "by", "at"]
    list_select_related = ["project", "by"]
    list_filter = ["action", "to_status"]
    raw_id_fields = ["project", "by"]


@admin.register(ScoringCriterion)
class ScoringCriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "name_en", "weight", "is_active", "order"]
    list_editable = ["weight", "is_active", "order"]


class AgendaInline(BoundedTabularInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ["project"]


@admin.register(CommitteeSitting)
class CommitteeSittingAdmin(PersonalDataAdmin, admin.ModelAdmin):
    person_path = None
    office_path = None
    list_display = ["date", "location", "chair", "quorum", "status"]
    list_select_related = ["chair"]
    list_filter = ["status"]
    filter_horizontal = ["members"]
    inlines = [AgendaInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(PersonalDataAdmin, admin.ModelAdmin):
    person_path = None
    office_path = "project__office"
    list_display = ["sitting", "project", "order"]
    list_select_related = ["sitting", "project"]
    raw_id_fields = ["sitting", "project"]


@admin.register(Score)
class ScoreAdmin(PersonalDataAdmin, admin.ModelAdmin):
    person_path = None
    office_path = "item__project__office"
    list_display = ["item", "member", "criterion", "value", "scored_at"]
    list_select_related = ["item", "member", "criterion"]
    raw_id_fields = ["item", "member"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(PersonalDataAdmin, admin.ModelAdmin):
    person_path = None
    office_path = "item__project__office"
    list_display = ["item", "member", "declared_at"]
    list_select_related = ["item", "member"]
    raw_id_fields = ["item", "member"]


@admin.register(CommitteeDecision)
class CommitteeDecisionAdmin(PersonalDataAdmin, admin.ModelAdmin):
    person_path = None
    office_path = "item__project__office"
    list_display = ["item", "decision", "approved_amount", "weighted_score", "decided_by", "decided_at"]
    list_select_related = ["item", "decided_by"]
    raw_id_fields = ["item", "decided_by"]


@admin.register(Cooperative)
class CooperativeAdmin(PersonalDataAdmin, SimpleHistoryAdmin):
    person_path = None
    office_path = "project__office"
    list_display = ["proposed_name", "project", "name_approval_date", "registration_date", "registration_number"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]

    def people_on_page(self, obj):
        return obj.project.members.values_list("refugee_id", flat=True)
