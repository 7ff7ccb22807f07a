"""The signs and the threshold of small-cell suppression. The protection itself (which
cells to hide, across everything a partner can get) is ``reports.disclosure``.

A count from 1 to ``threshold() - 1`` is shown as "<5"; "x" hides a figure that would
reveal one, or an amount or an average computed over fewer than ``threshold()`` units.
Zero is shown as 0: it reveals nobody.
"""

from __future__ import annotations

from django.conf import settings

SMALL = "<5"
HIDDEN = "x"


def threshold() -> int:
    return int(getattr(settings, "SANAD_SMALL_CELL_THRESHOLD", 5))
