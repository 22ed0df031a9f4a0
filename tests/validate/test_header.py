"""validate_header: every header problem named with its setting, line (or row) and fix."""

from __future__ import annotations

from typing import Any

import pytest

from forceplan.domain.header import ScenarioHeader
from forceplan.validate.header import validate_header
from forceplan.validate.problems import Problem
from tests.scenarios import small_records

LINES = {
    "name": 3,
    "start_year": 6,
    "periods": 7,
    "intensity": 9,
    "objective": 12,
    "objective.mode": 13,
    "objective.speed": 14,
    "solver": 15,
    "solver.gap": 16,
    "interoperability": 17,
    "interoperability.domain_weights": 18,
    "colour": 20,
}
"""Dotted setting -> line, as the readers compute it."""


def header(**changes: Any) -> dict[str, Any]:
    """The small scenario's header with *changes* (``None`` removes a setting)."""
    h, _ = small_records()
    h.update(changes)
    return {k: v for k, v in h.items() if v is not None}


def where(problems: list[Problem]) -> list[tuple[Any, ...]]:
    """(rule, file, sheet, row, column, cell) of each problem."""
    return [(p.rule, p.file, p.sheet, p.row, p.column, p.cell) for p in problems]


def check(data: Any, sheet: str | None = None) -> tuple[ScenarioHeader | None, list[Problem]]:
    return validate_header(data, "scenario.yaml" if sheet is None else "s.xlsx", sheet, LINES)


def test_a_valid_header_and_its_defaults() -> None:
    h, problems = check(header())
    assert problems == []
    assert h is not None
    assert h.period_labels == [2026, 2027, 2028]
    assert h.objective.mode == "lexicographic"
    assert h.solver.gap == 0.01
    assert sum(h.interoperability.domain_weights.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("data", [None, [], ["name"], "name: x", 3])
def test_a_header_that_is_not_a_mapping(data: Any) -> None:
    h, problems = check(data)
    assert h is None
    assert where(problems) == [("header-format", "scenario.yaml", None, 1, None, None)]


def test_missing_name() -> None:
    lines = {k: v for k, v in LINES.items() if k != "name"}  # a missing setting has no line
    h, problems = validate_header(header(name=None), "scenario.yaml", None, lines)
    assert h is None
    assert where(problems) == [("header", "scenario.yaml", None, None, "name", None)]
    assert problems[0].message == "setting 'name' is missing."
    assert "Scenario name." in problems[0].fix


def test_empty_name() -> None:
    _, problems = check(header(name=""))
    assert where(problems) == [("header", "scenario.yaml", None, 3, "name", None)]


def test_unknown_settings_at_their_line() -> None:
    _, problems = check(header(colour="red"))
    assert where(problems) == [("header", "scenario.yaml", None, 20, "colour", None)]
    assert problems[0].message == "setting 'colour' is not known."


def test_unknown_nested_setting() -> None:
    _, problems = check(header(objective={"mode": "weighted", "speed": "fast"}))
    assert where(problems) == [("header", "scenario.yaml", None, 14, "objective.speed", None)]


def test_nested_setting_without_its_own_line_falls_back_to_its_parent() -> None:
    _, problems = check(header(objective={"cost_weight": -1}))
    assert where(problems) == [("header", "scenario.yaml", None, 12, "objective.cost_weight", None)]


@pytest.mark.parametrize(
    "intensity",
    [["high", "medium"], ["high"] * 4, [], "high"],
    ids=["short", "long", "empty", "str"],
)
def test_intensity_not_one_per_period(intensity: Any) -> None:
    _, problems = check(header(intensity=intensity))
    assert where(problems) == [("header", "scenario.yaml", None, 9, "intensity", None)]


def test_intensity_length_message_counts_both() -> None:
    _, problems = check(header(intensity=["high", "medium"]))
    assert "intensity lists 2 value(s) but the horizon has 3 period(s)" in problems[0].message
    assert "war intensity per period" in problems[0].fix


def test_intensity_unknown_value() -> None:
    _, problems = check(header(intensity=["high", "extreme", "low"]))
    assert where(problems) == [("header", "scenario.yaml", None, 9, "intensity", None)]
    assert "'peace', 'low', 'medium' or 'high'" in problems[0].message


@pytest.mark.parametrize(
    ("changes", "column", "row"),
    [
        ({"start_year": "twenty"}, "start_year", 6),
        ({"start_year": 1800}, "start_year", 6),
        ({"periods": 0, "intensity": []}, "periods", 7),
        ({"periods": 2.5}, "periods", 7),
        ({"solver": {"gap": 2}}, "solver.gap", 16),
        ({"objective": {"mode": "fastest"}}, "objective.mode", 13),
        (
            {"interoperability": {"domain_weights": {"datalink": -1}}},
            "interoperability.domain_weights",
            18,
        ),
    ],
)
def test_invalid_values(changes: dict[str, Any], column: str, row: int) -> None:
    h, problems = check(header(**changes))
    assert h is None
    assert where(problems) == [("header", "scenario.yaml", None, row, column, None)]
    assert problems[0].message.startswith(f"setting '{column}' is invalid")
    assert problems[0].fix


def test_several_problems_at_once() -> None:
    _, problems = check(header(name="", periods="x", colour="red"))
    assert sorted(where(problems), key=repr) == sorted(
        [
            ("header", "scenario.yaml", None, 3, "name", None),
            ("header", "scenario.yaml", None, 7, "periods", None),
            ("header", "scenario.yaml", None, 20, "colour", None),
        ],
        key=repr,
    )


def test_problems_in_a_header_sheet_name_the_cell() -> None:
    _, problems = check(header(intensity=["high"]), sheet="scenario")
    assert where(problems) == [("header", "s.xlsx", "scenario", 9, "intensity", "B9")]  # value
    _, problems = check(header(colour="red"), sheet="scenario")
    assert where(problems) == [("header", "s.xlsx", "scenario", 20, "colour", "A20")]  # name


def test_without_lines_problems_have_no_row() -> None:
    _, problems = validate_header(header(periods=-1), "scenario.yaml")
    assert where(problems) == [("header", "scenario.yaml", None, None, "periods", None)]
