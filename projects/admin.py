from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["refugee", "recorded_by"]


@admin.register(Session)
class SessionAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "topic", "city", "office", "partner", "unregistered_attendees"]
    list_filter = ["kind", "office", "partner"]
    search_fields = ["topic", "facilitator"]
    date_hierarchy = "date"
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "refugee", "recorded_by", "recorded_at"]
    raw_id_fields = ["session", "refugee", "recorded_by"]


class MemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    raw_id_fields = ["refugee"]


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    readonly_fields = ["total"]


class TransitionInline(admin.TabularInline):
    model = ProjectTransition
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "by", "at", "comment"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BusinessProject)
class BusinessProjectAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "sector", "legal_form", "status", "office", "created_at"]
    list_filter = ["status", "sector", "legal_form", "office"]
    search_fields = ["reference", "title", "activity"]
    readonly_fields = ["reference", "status", "approved_amount", "submitted_at"]
    raw_id_fields = ["caseworker", "created_by"]
    inlines = [MemberInline, BudgetLineInline, TransitionInline]


@admin.register(ProjectMember)
class ProjectMemberAdmin(SimpleHistoryAdmin):
    list_display = ["project", "refugee", "is_lead", "share_percent", "is_active"]
    raw_id_fields = ["project", "refugee"]


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ["project", "category", "description", "quantity", "unit_cost", "total"]
    raw_id_fields = ["project"]


@admin.register(FeasibilityStudy)
class FeasibilityStudyAdmin(SimpleHistoryAdmin):
    list_display = ["project", "opinion", "expected_monthly_revenue", "expected_monthly_costs"]
    raw_id_fields = ["project"]


@admin.register(ProjectTransition)
class ProjectTransitionAdmin(admin.ModelAdmin):
    list_display = ["project", "action", "from_status", "to_status", "by", "at"]
    list_filter = ["action", "to_status"]
    raw_id_fields = ["project", "by"]


@admin.register(ScoringCriterion)
class ScoringCriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "name_en", "weight", "is_active", "order"]
    list_editable = ["weight", "is_active", "order"]


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ["project"]


@admin.register(CommitteeSitting)
class CommitteeSittingAdmin(admin.ModelAdmin):
    list_display = ["date", "location", "chair", "quorum", "status"]
    list_filter = ["status"]
    filter_horizontal = ["members"]
    inlines = [AgendaInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["sitting", "project", "order"]
    raw_id_fields = ["sitting", "project"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["item", "member", "criterion", "value", "scored_at"]
    raw_id_fields = ["item", "member"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    list_display = ["item", "member", "declared_at"]
    raw_id_fields = ["item", "member"]


@admin.register(CommitteeDecision)
class CommitteeDecisionAdmin(admin.ModelAdmin):
    list_display = ["item", "decision", "approved_amount", "weighted_score", "decided_by", "decided_at"]
    raw_id_fields = ["item", "decided_by"]


@admin.register(Cooperative)
class CooperativeAdmin(SimpleHistoryAdmin):
    list_display = ["proposed_name", "project", "name_approval_date", "registration_date", "registration_number"]
    raw_id_fields = ["project"]
