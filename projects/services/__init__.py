"""Writes to sessions, projects and the committee: keyword-only, typed, atomic; they take
the acting user and refuse a wrong one (``PermissionDenied``) with the predicates of
``projects.access``.

* ``sessions``: sessions and attendance;
* ``applications``: the project record, members, budget, feasibility study, ODCO steps;
* ``workflow``: the status moves (one service per transition of ``projects.workflow``);
* ``committee``: sittings, agenda, scores, conflicts, the quorum and the decision.

The names callers use are re-exported here (``from projects.services import project_close``).
"""

from projects.services.applications import (
    active_project_of,
    budget_line_add,
    budget_line_remove,
    cooperative_save,
    member_add,
    member_remove,
    member_shares_set,
    project_create,
    project_update,
    study_save,
)
from projects.services.committee import (
    agenda_add,
    conflict_declare,
    decision_record,
    quorum_met,
    score_record,
    sitting_attendance,
    sitting_close,
    sitting_create,
)
from projects.services.sessions import (
    attendance_add,
    attendance_remove,
    attendance_set,
    session_create,
    session_update,
)
from projects.services.workflow import (
    project_approve,
    project_close,
    project_close_by_hand,
    project_mark_funded,
    project_mark_operating,
    project_reject,
    project_return,
    project_submit,
    submission_problems,
)

__all__ = [
    "active_project_of",
    "agenda_add",
    "attendance_add",
    "attendance_remove",
    "attendance_set",
    "budget_line_add",
    "budget_line_remove",
    "conflict_declare",
    "cooperative_save",
    "decision_record",
    "member_add",
    "member_remove",
    "member_shares_set",
    "project_approve",
    "project_close",
    "project_close_by_hand",
    "project_create",
    "project_mark_funded",
    "project_mark_operating",
    "project_reject",
    "project_return",
    "project_submit",
    "project_update",
    "quorum_met",
    "score_record",
    "session_create",
    "session_update",
    "sitting_attendance",
    "sitting_close",
    "sitting_create",
    "study_save",
    "submission_problems",
]
