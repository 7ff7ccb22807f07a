"""The reports line of the to-do (core.registry.todo): runs built and not yet signed off."""

from django.urls import reverse
from django.utils.translation import ngettext

from core.registry import TodoLine
from reports.access import can_sign_off, report_runs_visible_to
from reports.models import ReportRun


def sign_off_todo(user) -> list[TodoLine]:
    if not can_sign_off(user):
        return []
    n = report_runs_visible_to(user).filter(status=ReportRun.Status.DONE, signed_off_at__isnull=True).count()
    label = ngettext("%(n)s report awaits sign-off", "%(n)s reports await sign-off", n) % {"n": n}
    return [TodoLine("reports_to_sign_off", label, n, reverse("reports:run_list"))]
