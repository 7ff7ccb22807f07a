"""The protection of one table of counts with its totals (``reports.disclosure.protect``):
no hidden value can be worked out from what is shown, checked by brute force."""

import itertools
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.disclosure.protect import Problem, protect
from reports.suppression import HIDDEN, SMALL


def with_totals(cells):
    rows = [[*row, sum(row)] for row in cells]
    return [*rows, [sum(r[j] for r in rows) for j in range(len(rows[0]))]]


@dataclass
class Result:
    values: list
    shown: list

    def display(self):
        return self.shown


def suppress(full):
    """The grid (totals last) as the protection shows it: every row and column is an equation."""
    n_rows, n_cols = len(full), len(full[0])
    values = {(i, j): full[i][j] for i in range(n_rows) for j in range(n_cols)}
    lines = [((i, n_cols - 1), tuple((i, j) for j in range(n_cols - 1))) for i in range(n_rows)]
    lines += [((n_rows - 1, j), tuple((i, j) for i in range(n_rows - 1))) for j in range(n_cols)]
    primary = {c for c, v in values.items() if 0 < v < 5}
    p = protect(Problem(values=values, lines=lines, primary=primary))
    shown = [[p.display((i, j), full[i][j]) for j in range(n_cols)] for i in range(n_rows)]
    return Result(values=full, shown=shown)


def suppress_counts(cells):
    return suppress(with_totals(cells)).display()


def feasible_values(display, shape, bound):
    """Every interior grid consistent with what is shown (each hidden cell in 0..bound,
    each "<5" in 1..4), by brute force over the hidden interior cells."""
    n_rows, n_cols = shape
    interior = [(i, j) for i in range(n_rows) for j in range(n_cols)]
    unknown = [c for c in interior if display[c[0]][c[1]] in (SMALL, HIDDEN)]
    ranges = [range(1, 5) if display[i][j] == SMALL else range(0, bound + 1) for i, j in unknown]
    for choice in itertools.product(*ranges):
        grid = [[display[i][j] for j in range(n_cols)] for i in range(n_rows)]
        for (i, j), v in zip(unknown, choice, strict=True):
            grid[i][j] = v
        full = with_totals(grid)
        if all(
            (display[i][j] in (SMALL, HIDDEN) and (display[i][j] != SMALL or 1 <= full[i][j] <= 4))
            or display[i][j] == full[i][j]
            for i in range(n_rows + 1)
            for j in range(n_cols + 1)
        ):
            yield full


grids = st.integers(2, 3).flatmap(
    lambda rows: st.integers(2, 3).flatmap(
        lambda cols: st.lists(
            st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 8]), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=60, deadline=None)
@given(grids)
def test_it_never_lets_a_suppressed_value_be_recovered(cells):
    result = suppress(with_totals(cells))
    display = result.display()
    n_rows, n_cols = len(cells), len(cells[0])
    # every count from 1 to 4 is hidden
    for i, row in enumerate(result.values):
        for j, v in enumerate(row):
            if 0 < v < 5:
                assert display[i][j] in (SMALL, HIDDEN)
    hidden = [(i, j) for i in range(n_rows + 1) for j in range(n_cols + 1) if display[i][j] in (SMALL, HIDDEN)]
    if not hidden:
        return
    # the brute force looks for each hidden cell's possible values (bounded, which only helps an attacker)
    if sum(1 for i in range(n_rows) for j in range(n_cols) if display[i][j] in (SMALL, HIDDEN)) > 6:
        return
    seen = {c: set() for c in hidden}
    for full in feasible_values(display, (n_rows, n_cols), 9):
        for i, j in hidden:
            seen[(i, j)].add(full[i][j])
    for cell, values in seen.items():
        assert result.values[cell[0]][cell[1]] in values
        assert len(values) >= 2, f"{cell} recoverable in {display}"


def test_it_does_not_say_small_where_small_gives_the_answer_away():
    display = suppress_counts([[1, 1], [1, 1]])
    # "<5" everywhere would pin all four cells to 1 (four cells >= 1 adding up to < 5)
    assert any(v == HIDDEN for row in display for v in row)
    assert all(v in (SMALL, HIDDEN) for row in display for v in row)


def test_it_hides_a_complementary_cell_in_a_row_and_column():
    display = suppress_counts([[3, 10], [7, 12]])
    assert display[0][0] == SMALL
    assert sum(1 for row in display for v in row if v == HIDDEN) >= 2


def test_it_shows_zero_and_large_counts():
    assert suppress_counts([[0, 10], [6, 12]]) == [[0, 10, 10], [6, 12, 18], [6, 22, 28]]
