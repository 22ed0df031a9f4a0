"""parse_table: types, defaults, bounds, columns and key duplicates, on hand-made raw tables."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from forceplan.domain.schema import schemas
from forceplan.io.raw import RawTable
from forceplan.validate.columns import HUGE, parse_table, suggest
from forceplan.validate.problems import Problem

PERIODS = [2026, 2027, 2028]


def raw(
    table: str,
    header: list[str],
    rows: list[list[str]],
    row_numbers: list[int] | None = None,
    sheet: str | None = None,
) -> RawTable:
    """A raw table as a reader would produce it (header row 1, data from row 2)."""
    return RawTable(
        name=table,
        file=f"{table}.csv" if sheet is None else "s.xlsx",
        sheet=sheet,
        header=header,
        rows=rows,
        row_numbers=row_numbers or list(range(2, len(rows) + 2)),
    )


def parse(
    table: str,
    records: list[dict[str, str]],
    periods: list[int] | None = PERIODS,
    sheet: str | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse *records* (column -> text) of *table*; columns in the order first seen."""
    header: list[str] = []
    for r in records:
        header += [c for c in r if c not in header]
    rows = [[r.get(c, "") for c in header] for r in records]
    pt, problems = parse_table(raw(table, header, rows, sheet=sheet), schemas()[table], periods)
    return pt.frame, problems


def where(problems: list[Problem]) -> list[tuple[Any, ...]]:
    """(rule, row, column, severity) of each problem, in order."""
    return [(p.rule, p.row, p.column, p.severity) for p in problems]


EQUIPMENT = {
    "id": "m777",
    "class": "towed-artillery",
    "role": "artillery",
    "family": "nato",
    "combat_value": "2",
    "logistics_family": "m777",
}


def test_types_and_defaults_of_a_valid_row() -> None:
    frame, problems = parse("equipment", [EQUIPMENT, {**EQUIPMENT, "id": "d20", "crew": "10"}])
    assert problems == []
    assert list(frame.columns) == schemas()["equipment"].column_names
    assert frame["combat_value"].dtype == np.float64
    assert frame["crew"].tolist() == [0, 10]  # default 0 filled for the empty cell
    assert frame["crew"].dtype == np.int64
    assert frame["service_life"].tolist() == [30, 30]
    assert frame["unit_cost"].tolist() == [0.0, 0.0]
    assert frame["source"].tolist() == ["notional", "notional"]
    assert frame["name"].tolist() == ["", ""]


def test_optional_whole_number_without_default_is_nullable() -> None:
    base = {"equipment": "d20", "quantity": "3"}
    frame, problems = parse(
        "inventory", [base, {**base, "equipment": "m777", "remaining_life": "5"}]
    )
    assert problems == []
    assert str(frame["remaining_life"].dtype) == "Int64"
    assert frame["remaining_life"].isna().tolist() == [True, False]
    assert frame["remaining_life"].iloc[1] == 5
    frame, _ = parse("inventory", [{**base, "remaining_life": "5"}])
    assert frame["remaining_life"].dtype == np.int64


def test_padded_numbers_and_integral_decimals_are_accepted() -> None:
    frame, problems = parse("inventory", [{"equipment": "d20", "quantity": " 12 "}])
    assert problems == []
    assert frame["quantity"].tolist() == [12]
    frame, problems = parse("inventory", [{"equipment": "d20", "quantity": "12.0"}])
    assert problems == []
    assert frame["quantity"].tolist() == [12]
    frame, problems = parse(
        "munitions", [{"id": "x", "family": "nato", "unit": "rounds", "stock": "1e3"}]
    )
    assert problems == []
    assert frame["stock"].tolist() == [1000.0]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("abc", "not-a-number"),
        ("1,000", "not-a-number"),
        ("12 units", "not-a-number"),
        ("nan", "not-a-number"),
        ("1e300", "number-too-large"),
        ("99999999999999999999", "number-too-large"),
        ("inf", "number-too-large"),
        ("-1e13", "number-too-large"),
        ("2.5", "not-whole"),
        ("-3", "negative"),
    ],
)
def test_bad_whole_numbers(text: str, rule: str) -> None:
    frame, problems = parse(
        "inventory",
        [{"equipment": "d20", "quantity": "1"}, {"equipment": "m777", "quantity": text}],
    )
    assert where(problems) == [(rule, 3, "quantity", "error")]
    assert problems[0].fix
    assert frame["quantity"].iloc[0] == 1
    if rule == "negative":  # out of bounds: kept as read (the scenario is rejected anyway)
        assert frame["quantity"].iloc[1] == float(text)
    else:  # not a valid number: never reaches the typed table
        assert pd.isna(frame["quantity"].iloc[1])


def test_largest_plausible_number_is_accepted() -> None:
    frame, problems = parse(
        "budgets", [{"stream": "a", "owner": "b", "period": "2026", "amount": str(HUGE)}]
    )
    assert problems == []
    assert frame["amount"].tolist() == [HUGE]


def test_not_a_number_names_the_unit() -> None:
    _, problems = parse("equipment", [{**EQUIPMENT, "unit_cost": "3.7 M$"}])
    assert where(problems) == [("not-a-number", 2, "unit_cost", "error")]
    assert "MUSD/unit" in problems[0].fix


def test_minimum_above_zero_is_its_own_rule() -> None:
    _, problems = parse("equipment", [{**EQUIPMENT, "service_life": "0"}])
    assert where(problems) == [("below-minimum", 2, "service_life", "error")]
    assert "at least 1" in problems[0].fix


@pytest.mark.parametrize(
    ("text", "rule"),
    [("1.5", "fraction-range"), ("90", "fraction-range"), ("-0.1", "negative")],
)
def test_fractions_outside_0_1(text: str, rule: str) -> None:
    _, problems = parse("inventory", [{"equipment": "d20", "quantity": "1", "serviceable": text}])
    assert where(problems) == [(rule, 2, "serviceable", "error")]


@pytest.mark.parametrize("text", ["0", "1", "0.25", ""])
def test_fractions_inside_0_1(text: str) -> None:
    frame, problems = parse(
        "inventory", [{"equipment": "d20", "quantity": "1", "serviceable": text}]
    )
    assert problems == []
    assert frame["serviceable"].iloc[0] == (float(text) if text else 1.0)  # default 1


def test_periods_outside_the_horizon() -> None:
    req = {"kind": "capability", "role": "artillery", "minimum": "1"}
    frame, problems = parse(
        "requirements",
        [{**req, "period": "2026"}, {**req, "period": "2029"}, {**req, "period": "2025"}],
    )
    assert where(problems) == [
        ("period-outside-horizon", 3, "period", "error"),
        ("period-outside-horizon", 4, "period", "error"),
    ]
    assert "2026..2028" in problems[0].message
    assert frame["period"].iloc[0] == 2026


def test_periods_of_a_multi_year_horizon() -> None:
    req = {"kind": "capability", "role": "artillery", "minimum": "1"}
    _, problems = parse(
        "requirements", [{**req, "period": "2028"}, {**req, "period": "2027"}], [2026, 2028, 2030]
    )
    assert where(problems) == [("period-outside-horizon", 3, "period", "error")]
    assert "every 2 years" in problems[0].message


def test_periods_without_a_valid_header_are_only_checked_to_be_whole() -> None:
    req = {"kind": "capability", "role": "artillery", "minimum": "1"}
    _, problems = parse(
        "requirements", [{**req, "period": "1999"}, {**req, "period": "2026.5"}], None
    )
    assert where(problems) == [("not-whole", 3, "period", "error")]


def test_enum_values_with_a_suggestion() -> None:
    _, problems = parse("equipment", [{**EQUIPMENT, "family": "natto"}])
    assert where(problems) == [("value-not-allowed", 2, "family", "error")]
    assert "Did you mean 'nato'?" in problems[0].message
    assert "nato, soviet, national" in problems[0].fix


def test_enum_default_fills_an_empty_cell() -> None:
    src = {"id": "s", "kind": "market", "country": "X", "item": "m777", "quantity": "1"}
    frame, problems = parse("sources", [src])
    assert problems == []
    assert frame["unit"].tolist() == ["units"]


@pytest.mark.parametrize("value", ["m 777", " m777", "m777\t"])
def test_ids_with_spaces(value: str) -> None:
    _, problems = parse("equipment", [{**EQUIPMENT, "id": value}])
    assert where(problems) == [("id-format", 2, "id", "error")]


@pytest.mark.parametrize("value", ["", "   "])
def test_required_value_empty(value: str) -> None:
    _, problems = parse("equipment", [EQUIPMENT, {**EQUIPMENT, "id": "x", "role": value}])
    assert where(problems) == [("value-missing", 3, "role", "error")]


def test_missing_required_column_is_reported_once() -> None:
    rec = {k: v for k, v in EQUIPMENT.items() if k != "combat_value"}
    frame, problems = parse("equipment", [rec, {**rec, "id": "x"}])
    assert where(problems) == [("column-missing", 1, "combat_value", "error")]
    assert frame["combat_value"].isna().all()


def test_missing_optional_column_takes_its_default() -> None:
    frame, problems = parse("equipment", [EQUIPMENT])
    assert problems == []
    assert frame["training_weeks"].tolist() == [0.0]


def test_unknown_column_is_a_warning_with_a_suggestion() -> None:
    _, problems = parse("equipment", [{**EQUIPMENT, "combat_valu": "3"}])
    assert where(problems) == [("column-unknown", 1, "combat_valu", "warning")]
    assert "Did you mean 'combat_value'?" in problems[0].message


def test_duplicate_and_unnamed_columns() -> None:
    header = ["id", "class", "role", "family", "combat_value", "logistics_family", "role", "", ""]
    rows = [["m777", "towed-artillery", "artillery", "nato", "2", "m777", "x", "note", ""]]
    _, problems = parse_table(raw("equipment", header, rows), schemas()["equipment"], PERIODS)
    # the unnamed column holding a value is reported; the empty one is ignored
    assert sorted(where(problems)) == [
        ("column-duplicate", 1, "role", "error"),
        ("column-unnamed", 1, None, "error"),
    ]
    assert "column 8" in next(p for p in problems if p.rule == "column-unnamed").message


def test_duplicate_ids_name_the_first_row() -> None:
    records = [EQUIPMENT, {**EQUIPMENT, "id": "d20"}, EQUIPMENT, EQUIPMENT]
    _, problems = parse("equipment", records)
    assert where(problems) == [
        ("duplicate-id", 4, "id", "error"),
        ("duplicate-id", 5, "id", "error"),
    ]
    assert all("row 2 already has it" in p.message for p in problems)


def test_duplicate_composite_keys() -> None:
    b = {"stream": "ua", "owner": "UA", "amount": "1"}
    records = [
        {**b, "period": "2026"},
        {**b, "period": "2027"},
        {**b, "stream": "us", "period": "2026"},
        {**b, "period": "2027", "amount": "5"},
    ]
    _, problems = parse("budgets", records)
    assert where(problems) == [("duplicate-key", 5, "period", "error")]
    assert "stream='ua', period='2027'" in problems[0].message
    assert "row 3 already has it" in problems[0].message


def test_key_with_an_empty_optional_part() -> None:
    inv = {"equipment": "d20", "quantity": "1"}
    records = [inv, {**inv, "formation": "art-1"}, {**inv, "quantity": "2"}]
    _, problems = parse("inventory", records)
    assert where(problems) == [("duplicate-key", 4, "formation", "error")]


def test_row_numbers_come_from_the_file() -> None:
    header = ["equipment", "quantity"]
    rows = [["d20", "1"], ["m777", "x"], ["d20", "-1"]]
    table = raw("inventory", header, rows, row_numbers=[2, 5, 9])
    _, problems = parse_table(table, schemas()["inventory"], PERIODS)
    assert sorted(where(problems)) == [
        ("duplicate-key", 9, "formation", "error"),
        ("negative", 9, "quantity", "error"),
        ("not-a-number", 5, "quantity", "error"),
    ]


def test_sheet_problems_name_the_cell() -> None:
    _, problems = parse(
        "equipment", [EQUIPMENT, {**EQUIPMENT, "id": "x", "combat_value": "?"}], sheet="equipment"
    )
    (p,) = problems
    assert (p.sheet, p.row, p.column, p.cell) == ("equipment", 3, "combat_value", "E3")
    assert p.where() == "s.xlsx, sheet equipment, row 3, column combat_value (cell E3)"


def test_every_bad_row_is_reported() -> None:
    records = [{"equipment": f"e{i}", "quantity": q} for i, q in enumerate(["1", "a", "b", "-2"])]
    _, problems = parse("inventory", records)
    assert where(problems) == [
        ("not-a-number", 3, "quantity", "error"),
        ("not-a-number", 4, "quantity", "error"),
        ("negative", 5, "quantity", "error"),
    ]


def test_an_empty_table_has_typed_columns() -> None:
    pt, problems = parse_table(
        raw("upgrades", schemas()["upgrades"].column_names, []), schemas()["upgrades"], PERIODS
    )
    frame = pt.frame
    assert problems == []
    assert len(frame) == 0
    assert frame["capacity"].dtype == np.float64
    assert list(frame.columns) == schemas()["upgrades"].column_names


def test_suggest() -> None:
    assert suggest("155m", ["155mm", "152mm"]) == " Did you mean '155mm'?"
    assert suggest("zzz", ["155mm"]) == ""


def test_a_nul_character_in_text_is_an_error_not_a_broken_csv_later() -> None:
    # a NUL written to CSV makes the file unreadable as text: refuse it when it comes in
    _, problems = parse("equipment", [EQUIPMENT, {**EQUIPMENT, "id": "bmp-2", "name": "BMP\x002"}])
    assert where(problems) == [("control-character", 3, "name", "error")]
    assert "NUL" in problems[0].message
