"""Writes to funding, one module per part (the callers import from here):

* ``grants``: ``grant_award``, split across agreements (``ShareSpec``) with its tranche
  plan (``TrancheSpec``);
* ``ledger``: payments and reversals recorded, approved or rejected (four eyes:
  ``funding.access.can_approve_disbursement``), the tranche gate and the overspend checks;
* ``allocations``: an approved entry split across the grant's agreements, and the
  running totals it moves;
* ``visits``: the visit schedule, recording a visit (scheduled or extra) with its
  checklist, photos and action points, the overdue visits told to the programme's webhooks;
* ``drafts``: the visit form's server-side draft and its pending photos;
* ``common``: the one lock order (the grant, then its agreements by pk) and the amount
  checks.

Every service refuses a wrong role itself (``PermissionDenied``, through the predicates
of ``funding.access``) and a business rule with a ``ValidationError``.
"""

from funding.services.drafts import draft_key, visit_draft_discard, visit_draft_save
from funding.services.grants import ShareSpec, TrancheSpec, grant_award
from funding.services.ledger import (
    disbursement_approve,
    disbursement_record,
    disbursement_reject,
    disbursement_reverse,
    tranche_gate,
)
from funding.services.visits import visit_record, visit_record_extra, visits_emit_overdue

# tests/browser/test_journey_funding.py reads the gate's message under its old name.
_tranche_gate = tranche_gate

__all__ = [
    "ShareSpec",
    "TrancheSpec",
    "disbursement_approve",
    "disbursement_record",
    "disbursement_reject",
    "disbursement_reverse",
    "draft_key",
    "grant_award",
    "tranche_gate",
    "visit_draft_discard",
    "visit_draft_save",
    "visit_record",
    "visit_record_extra",
    "visits_emit_overdue",
]
