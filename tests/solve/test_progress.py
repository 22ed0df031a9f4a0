"""The live solve line says what the solver knows, never placeholders."""

from __future__ import annotations

from forceplan.solve.progress import ProgressEvent, solver_line


def test_nothing_known_yet_says_searching() -> None:
    line = solver_line(ProgressEvent("solver", "solve:shortfall", 0.1))
    assert line == "solve (shortfall):    0.1 s, searching: no solution or bound yet"
    assert "-," not in line and "gap" not in line


def test_solution_without_bound() -> None:
    line = solver_line(ProgressEvent("solver", "solve:cost", 2.0, best_solution=205739.48))
    assert line == "solve (cost):    2.0 s, best solution 205,739.48, searching for a bound"


def test_everything_known_shows_values_and_gap() -> None:
    line = solver_line(ProgressEvent("solver", "solve:cost", 3.0, 205000.0, 205739.48, 0.0036))
    assert line.endswith("best solution 205,739.48, best bound 205,000.00, gap 0.36%")


def test_infinite_bounds_are_not_values() -> None:
    line = solver_line(ProgressEvent("solver", "solve", 1.0, float("inf"), 1e30, 1.0))
    assert line == "solve:    1.0 s, searching: no solution or bound yet"
