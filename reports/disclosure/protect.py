"""Choosing which cells to hide: primary suppression, then secondary suppression audited by
linear programming over every equation the publication's cells obey.

A *problem* is a set of cells (any hashable key) with their true values, and *lines*: a
parent cell equal to the sum of its children (a total and its rows, a region and its
cities, a donor's period and its quarters). The lines are what an adversary knows
(totals, margins, the public hierarchy of places); a line that is only an inequality in
truth (a person in two regions counts once in the total) is still treated as an equality,
which only gives the adversary more than they have.

1. **Primary**: the cells given as primary (counts from 1 to threshold - 1; amounts and
   averages computed over fewer than the threshold's units) and the cells forced hidden
   (what an earlier publication of the same period hid: a cell once hidden stays hidden).
2. **No lonely cell**: a line with exactly one hidden cell gives it away; another cell of
   the line is hidden (the smallest non-zero one, a child before a total).
3. **Audit**: for every hidden cell, the smallest and largest values it can take given
   everything shown (the lines, the ranges an adversary knows: 1 to threshold - 1 for a
   cell shown as "<5", 0 or more for one shown as "x") are found by linear programming
   (HiGHS through scipy). A count must keep at least two whole values possible; an amount
   a range of at least ``AMOUNT_MARGIN`` of its value either way. A cell that fails gets
   one more cell of its lines hidden, and the audit runs again until every hidden cell
   passes. If nothing is left to hide around a "<5" cell, it is shown as "x" instead, so
   its known range opens to 0 and more.

The result is deterministic: the same values give the same cells hidden.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from scipy.optimize import linprog

from reports.suppression import HIDDEN, SMALL

Key = Hashable
AMOUNT_MARGIN = Decimal("0.10")  # a hidden amount keeps +/-10% of its value possible
_EPS = 1e-6


@dataclass
class Problem:
    values: dict[Key, int | Decimal]
    lines: list[tuple[Key, tuple[Key, ...]]] = field(default_factory=list)
    primary: set[Key] = field(default_factory=set)
    forced: set[Key] = field(default_factory=set)
    amounts: bool = False  # the cells are amounts (continuous), not counts
    threshold: int = 5


@dataclass
class Protection:
    hidden: set[Key]
    small: set[Key]  # hidden cells shown as "<5" (an adversary knows 1..threshold-1)

    def display(self, key: Key, value):
        if key in self.small:
            return SMALL
        if key in self.hidden:
            return HIDDEN
        return value


def protect(problem: Problem) -> Protection:
    values = problem.values
    lines = [(p, tuple(c for c in children if c in values)) for p, children in problem.lines if p in values]
    lines = [line for line in lines if line[1]]
    hidden = {k for k in (*problem.primary, *problem.forced) if k in values}
    small = set() if problem.amounts else {k for k in problem.primary if k in values and _is_small(values[k], problem)}
    parents = {p for p, _c in lines}
    by_cell: dict[Key, list[int]] = {}
    for n, (p, children) in enumerate(lines):
        for cell in (p, *children):
            by_cell.setdefault(cell, []).append(n)

    def choose(cells: Iterable[Key]) -> Key | None:
        shown = [c for c in cells if c not in hidden]
        if not shown:
            return None
        return min(shown, key=lambda c: (values[c] == 0, c in parents, abs(values[c]), repr(c)))

    solved: dict = {}  # the groups' bounds, kept across the rounds (see ``bounds``)
    for _round in range(len(values) + 2):
        _close_lonely(lines, hidden, choose)
        failing = _audit(values, lines, by_cell, hidden, small, problem, solved)
        if not failing:
            break
        for cell in failing:
            neighbours = [c for n in by_cell.get(cell, []) for c in (lines[n][0], *lines[n][1])]
            extra = choose(neighbours)
            if extra is not None:
                hidden.add(extra)
            elif cell in small:
                small.discard(cell)
    return Protection(hidden=hidden, small=small)


def _is_small(value, problem: Problem) -> bool:
    return isinstance(value, int) and 0 < value < problem.threshold


def _close_lonely(lines, hidden: set, choose) -> None:
    changed = True
    while changed:
        changed = False
        for p, children in lines:
            cells = (p, *children)
            if sum(1 for c in cells if c in hidden) == 1:
                extra = choose(cells)
                if extra is not None:
                    hidden.add(extra)
                    changed = True


def bounds(
    values, lines, hidden: set, small: set, threshold: int, cells: Iterable[Key] | None = None, *, memo=None
) -> dict:
    """{cell: (lowest, highest)} an adversary can prove for each hidden cell (``cells``, or
    all), from the lines and the shown values; ``math.inf`` when unbounded. The hidden cells
    fall into groups linked by the lines; each group is one small linear program.

    ``memo`` (a dict kept across the rounds of one ``protect``, whose values and lines do
    not change): a group's bounds depend only on its hidden cells and which of them are
    "<5" (its lines are the lines through them), so a group a round left as it was is not
    solved again. The same programs give the same answers: the hidden cells do not change."""
    wanted = set(cells) if cells is not None else set(hidden)
    parent: dict = {c: c for c in hidden}

    def root(c):
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for p, children in lines:
        linked = [c for c in (p, *children) if c in hidden]
        for c in linked[1:]:
            parent[root(c)] = root(linked[0])
    groups: dict = {}
    for c in hidden:
        groups.setdefault(root(c), []).append(c)
    by_group_lines: dict = {}
    for line in lines:
        linked = [c for c in (line[0], *line[1]) if c in hidden]
        if linked:
            by_group_lines.setdefault(root(linked[0]), []).append(line)
    out = {}
    for key, members in groups.items():
        targets = [c for c in members if c in wanted]
        if not targets:
            continue
        if memo is None or cells is not None:
            out.update(_group_bounds(values, by_group_lines.get(key, []), members, small, threshold, targets))
            continue
        group = (frozenset(members), frozenset(c for c in members if c in small))
        if group not in memo:
            memo[group] = _group_bounds(values, by_group_lines.get(key, []), members, small, threshold, targets)
        out.update(memo[group])
    return out


def _group_bounds(values, lines, members, small: set, threshold: int, targets) -> dict:
    hidden_list = sorted(members, key=repr)
    index = {c: n for n, c in enumerate(hidden_list)}
    rows, rhs = [], []
    for p, children in lines:
        coeffs: dict[int, float] = {}
        constant = 0.0
        for cell, sign in ((p, -1.0), *((c, 1.0) for c in children)):
            if cell in index:
                coeffs[index[cell]] = coeffs.get(index[cell], 0.0) + sign
            else:
                constant += sign * float(values[cell])
        if any(coeffs.values()):
            row = [0.0] * len(hidden_list)
            for i, v in coeffs.items():
                row[i] = v
            rows.append(row)
            rhs.append(-constant)
    var_bounds = [(1, threshold - 1) if c in small else (0, None) for c in hidden_list]
    out = {}
    for cell in targets:
        i = index[cell]
        if not rows:
            out[cell] = var_bounds[i][0], (var_bounds[i][1] if var_bounds[i][1] is not None else math.inf)
            continue
        objective = [0.0] * len(hidden_list)
        objective[i] = 1.0
        low = linprog(objective, A_eq=rows, b_eq=rhs, bounds=var_bounds, method="highs")
        objective[i] = -1.0
        high = linprog(objective, A_eq=rows, b_eq=rhs, bounds=var_bounds, method="highs")
        lo = low.fun if low.status == 0 else -math.inf
        hi = -high.fun if high.status == 0 else math.inf
        out[cell] = lo, hi
    return out


def protected_enough(value, low: float, high: float, *, amounts: bool) -> bool:
    if amounts:
        margin = max(1.0, float(AMOUNT_MARGIN) * abs(float(value)))
        return high - float(value) >= margin - _EPS and float(value) - low >= margin - _EPS
    if math.isinf(high) or math.isinf(low):
        return True
    return math.floor(high + _EPS) - math.ceil(low - _EPS) >= 1


def _audit(values, lines, by_cell, hidden: set, small: set, problem: Problem, memo=None) -> list[Key]:
    """The hidden cells whose range is too narrow, in a stable order."""
    linked = [line for line in lines if any(c in hidden for c in (line[0], *line[1]))]
    ranges = bounds(values, linked, hidden, small, problem.threshold, memo=memo)
    return [
        cell
        for cell in sorted(hidden, key=repr)
        if not protected_enough(values[cell], *ranges[cell], amounts=problem.amounts)
    ]
