"""Small-cell suppression for everything a partner sees.

A table of counts with its row totals, column totals and grand total is a grid whose
last row and last column are totals. A count from 1 to ``threshold - 1`` (the
*primary* cells, settings.SANAD_SMALL_CELL_THRESHOLD = 5) is shown as "<5" (or "x" in the
rare case where even "<5" would give it away, see below). Then
*complementary* cells are hidden ("x") until no hidden value can be worked out from
what is shown: every row and column equation keeps at least two hidden cells, and every
hidden cell can move along a cycle of hidden cells (+1 here, -1 there ...) without
leaving its known range (1-4 for "<5", 0 and more for "x"). Totals are cells too.

Zero is shown as 0: it reveals nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

SMALL = "<5"
HIDDEN = "x"


@dataclass
class SuppressedGrid:
    values: list[list[int]]  # the true grid, totals included
    primary: set[tuple[int, int]]
    complementary: set[tuple[int, int]]

    @property
    def suppressed(self) -> set[tuple[int, int]]:
        return self.primary | self.complementary

    def display(self) -> list[list[int | str]]:
        return [
            [
                SMALL if (i, j) in self.primary else HIDDEN if (i, j) in self.complementary else v
                for j, v in enumerate(row)
            ]
            for i, row in enumerate(self.values)
        ]


def threshold() -> int:
    return int(getattr(settings, "SANAD_SMALL_CELL_THRESHOLD", 5))


def with_totals(cells: Sequence[Sequence[int]]) -> list[list[int]]:
    """Add a total column and a total row to an R x C grid of counts."""
    rows = [[*map(int, row), sum(map(int, row))] for row in cells]
    if not rows:
        return [[0]]
    totals = [sum(row[j] for row in rows) for j in range(len(rows[0]))]
    return [*rows, totals]


def suppress(grid: Sequence[Sequence[int]], *, limit: int | None = None) -> SuppressedGrid:
    """Suppress a grid whose last row and column are totals (see ``with_totals``)."""
    limit = threshold() if limit is None else limit
    values = [list(map(int, row)) for row in grid]
    n_rows, n_cols = len(values), len(values[0])
    primary = {(i, j) for i in range(n_rows) for j in range(n_cols) if 0 < values[i][j] < limit}
    hidden = set(primary)
    lines = [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
    lines += [[(i, j) for i in range(n_rows)] for j in range(n_cols)]

    def pick(cells: list[tuple[int, int]]) -> tuple[int, int] | None:
        shown = [c for c in cells if c not in hidden]
        if not shown:
            return None
        # Smallest non-zero interior cell first; a total only when nothing else is left.
        return min(
            shown,
            key=lambda c: (
                values[c[0]][c[1]] == 0,
                c[0] == n_rows - 1 or c[1] == n_cols - 1,
                values[c[0]][c[1]],
                c,
            ),
        )

    for _ in range(n_rows * n_cols + 1):
        changed = False
        for line in lines:
            if sum(1 for c in line if c in hidden) == 1:
                cell = pick(line)
                if cell is not None:
                    hidden.add(cell)
                    changed = True
        if changed:
            continue
        for cell in sorted(hidden):
            if not _movable(values, hidden, primary, cell, limit, n_rows, n_cols):
                extra = pick(lines[cell[0]]) or pick(lines[n_rows + cell[1]])
                if extra is not None:
                    hidden.add(extra)
                elif primary:
                    # Everything around is hidden yet the known ranges pin the value
                    # (e.g. four 1s whose grand total is "<5"): stop telling that a cell
                    # is small; a total first. It shows as "x" instead of "<5".
                    ranged = [c for c in (*lines[cell[0]], *lines[n_rows + cell[1]]) if c in primary] or sorted(primary)
                    primary.discard(max(ranged, key=lambda c: (c[0] == n_rows - 1, c[1] == n_cols - 1, c)))
                else:
                    continue
                changed = True
                break
        if not changed:
            break
    return SuppressedGrid(values=values, primary=primary, complementary=hidden - primary)


def _sign(cell: tuple[int, int], n_rows: int, n_cols: int) -> int:
    """+1 for interior cells and the grand total, -1 for row and column totals: with
    these signs every row and every column of the signed grid sums to zero."""
    i, j = cell
    return -1 if (i == n_rows - 1) != (j == n_cols - 1) else 1


def _movable(values, hidden, primary, start, limit, n_rows, n_cols, budget: int = 20000) -> bool:
    """Is there a cycle of hidden cells through ``start`` along which moving by one
    unit keeps every cell in its known range? If so, the value is not determined."""

    def ok(cell, delta_signed: int) -> bool:
        x = values[cell[0]][cell[1]] + _sign(cell, n_rows, n_cols) * delta_signed
        if cell in primary:
            return 1 <= x <= limit - 1
        return x >= 0

    by_row: dict[int, list[tuple[int, int]]] = {}
    by_col: dict[int, list[tuple[int, int]]] = {}
    for c in hidden:
        by_row.setdefault(c[0], []).append(c)
        by_col.setdefault(c[1], []).append(c)
    steps = [0]

    def search(node: tuple[str, int], delta: int, seen_rows: set, seen_cols: set) -> bool:
        # We stand on a column node and need a cell to leave it by (delta), or on a row.
        steps[0] += 1
        if steps[0] > budget:
            return False
        kind, k = node
        cells = by_col.get(k, []) if kind == "c" else by_row.get(k, [])
        for cell in cells:
            if cell == start or not ok(cell, delta):
                continue
            if kind == "c":
                if cell[0] == start[0]:
                    return True
                if cell[0] in seen_rows:
                    continue
                if search(("r", cell[0]), -delta, seen_rows | {cell[0]}, seen_cols):
                    return True
            else:
                if cell[1] in seen_cols:
                    continue
                if search(("c", cell[1]), -delta, seen_rows, seen_cols | {cell[1]}):
                    return True
        return False

    return any(ok(start, delta) and search(("c", start[1]), -delta, {start[0]}, {start[1]}) for delta in (1, -1))


def suppress_counts(cells: Sequence[Sequence[int]], *, limit: int | None = None) -> list[list[int | str]]:
    """Add totals to an R x C grid of counts and return its suppressed display grid."""
    return suppress(with_totals(cells), limit=limit).display()


def suppress_value(value: int, *, limit: int | None = None) -> int | str:
    limit = threshold() if limit is None else limit
    return SMALL if isinstance(value, int) and 0 < value < limit else value


def is_amount_or_rate(value) -> bool:
    """An amount of money or a rate (Decimal; float only in old stored figures), not a count."""
    return isinstance(value, Decimal | float)
