"""draw and realise: determinism, hand-checked effects, the optional table, located errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from forceplan.exceptions import ScenarioError
from forceplan.io.csv_folder import write_folder
from forceplan.io.excel import write_workbook
from forceplan.io.load import load_scenario, validate_path
from forceplan.io.records import from_records
from forceplan.uncertainty import draw, realise
from tests.scenarios import small_records

FACTORS: list[dict[str, Any]] = [
    {"id": "war", "kind": "war_intensity", "distribution": "lognormal", "median": 1, "sigma": 0.2},
    {
        "id": "att-art",
        "kind": "attrition",
        "target": "towed-artillery",
        "distribution": "uniform",
        "low": 1.5,
        "high": 1.5,
    },
    {
        "id": "slip-us",
        "kind": "pledge_slip",
        "target": "USA",
        "distribution": "bernoulli",
        "probability": 0.3,
        "value": 1,
    },
    {
        "id": "partial-152",
        "kind": "pledge_partial",
        "target": "mkt-152",
        "distribution": "triangular",
        "low": 0.5,
        "mode": 0.5,
        "high": 0.5,
    },
    {
        "id": "cut-ua",
        "kind": "budget_cut",
        "target": "ua-mod",
        "distribution": "discrete",
        "values": "0.2",
    },
    {
        "id": "delay-155",
        "kind": "line_delay",
        "target": "us-155",
        "distribution": "discrete",
        "values": "0|1|2",
        "weights": "0.5|0.3|0.2",
    },
    {
        "id": "out-155",
        "kind": "line_output",
        "target": "us-155",
        "distribution": "uniform",
        "low": 0.8,
        "high": 0.8,
    },
    {
        "id": "cons-155",
        "kind": "consumption",
        "target": "155mm",
        "distribution": "uniform",
        "low": 2,
        "high": 2,
    },
]


def scenario(factors: list[dict[str, Any]] | None = None):
    header, tables = small_records()
    tables["uncertainty"] = FACTORS if factors is None else factors
    return from_records(header, tables)


def test_draws_are_deterministic_and_prefix_stable() -> None:
    s = scenario()
    a, b = draw(s, n=200, seed=7), draw(s, n=200, seed=7)
    assert a.factors.equals(b.factors)
    small = draw(s, n=10, seed=7)
    assert small.factors.equals(a.factors.iloc[:10])
    other = draw(s, n=200, seed=8)
    assert not other.factors["war"].equals(a.factors["war"])
    assert list(a.factors.columns) == [f["id"] for f in FACTORS]
    assert a.factors.index.name == "sample"
    assert list(a.meta.index) == [f["id"] for f in FACTORS]
    assert a.meta.loc["slip-us", "unit"] == "periods"
    # one factor's stream does not depend on the other factors
    alone = draw(scenario([FACTORS[0]]), n=200, seed=7)
    assert np.array_equal(alone.factors["war"].to_numpy(), a.factors["war"].to_numpy())


def test_distributions_match_their_parameters() -> None:
    d = draw(scenario(), n=20000, seed=1).factors
    slip = d["slip-us"].to_numpy()
    assert set(np.unique(slip)) == {0.0, 1.0}
    assert abs(slip.mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / 20000)
    assert abs(np.median(d["war"]) - 1.0) < 0.01
    assert abs(np.log(d["war"]).std() - 0.2) < 0.005
    delay = d["delay-155"].to_numpy()
    assert [round(float((delay == k).mean()), 2) for k in (0, 1, 2)] == [0.5, 0.3, 0.2]
    assert (d["att-art"] == 1.5).all() and (d["cut-ua"] == 0.2).all()


def test_realise_applies_each_factor() -> None:
    s = scenario()
    d = draw(s, n=50, seed=3)
    i = int(np.flatnonzero(d.factors["slip-us"].to_numpy() == 1)[0])
    war = float(d.factors.loc[i, "war"])
    delay = int(d.factors.loc[i, "delay-155"])
    f = realise(s, d, i)
    att = f.attrition.set_index(["class", "intensity"])["rate"]
    assert att["towed-artillery", "high"] == pytest.approx(min(0.1 * 1.5 * war, 1))
    assert att["air-defence-medium", "high"] == pytest.approx(0.05 * war)
    src = f.sources.set_index("id")
    assert src.loc["us-m777", "lead_time"] == 2  # 1 + one period of slip
    assert src.loc["mkt-152", "quantity"] == pytest.approx(10000)
    bud = f.budgets.set_index(["stream", "period"])["amount"]
    assert bud["ua-mod", 2026] == pytest.approx(400) and bud["us-fms", 2026] == 300
    lines = f.lines.set_index("id")
    assert lines.loc["us-155", "capacity"] == pytest.approx(16000)
    assert lines.loc["us-155", "expansion_lead_time"] == min(1 + delay, 2)
    em = f.equipment_munitions
    orig = s.equipment_munitions
    for col in ("use_high", "use_low"):
        is155 = (em["munition"] == "155mm").to_numpy()
        assert np.allclose(em[col][is155], orig[col][is155] * 2 * war)
        assert np.allclose(em[col][~is155], orig[col][~is155] * war)
    # pure: the input is unchanged
    assert s.sources.set_index("id").loc["us-m777", "lead_time"] == 1


def test_realised_scenario_is_valid_and_plans(tmp_path: Path) -> None:
    import forceplan

    s = scenario()
    future = realise(s, draw(s, n=3, seed=2), 2)
    write_folder(future.header, future.tables, tmp_path / "future")
    again = load_scenario(tmp_path / "future")
    assert len(again.uncertainty) == len(FACTORS)
    plan = forceplan.plan(future, time_limit=60)
    assert plan.status == "optimal"


def test_without_uncertainty_nothing_changes(tmp_path: Path) -> None:
    header, tables = small_records()
    s = from_records(header, tables)
    write_folder(s.header, s.tables, tmp_path / "old")
    assert not (tmp_path / "old" / "uncertainty.csv").exists()  # empty: left out
    loaded = load_scenario(tmp_path / "old")  # an old folder without the file loads
    assert len(loaded.uncertainty) == 0
    assert list(loaded.uncertainty.columns)[:4] == ["id", "kind", "target", "distribution"]
    d = draw(loaded, n=5, seed=1)
    assert d.factors.shape == (5, 0)
    same = realise(loaded, d, 4)
    for name, frame in loaded.tables.items():
        assert same.tables[name].equals(frame), name


def test_workbook_without_uncertainty_sheet_loads(tmp_path: Path) -> None:
    import openpyxl

    s = scenario()
    book = tmp_path / "s.xlsx"
    write_workbook(s.header, s.tables, book)
    assert len(load_scenario(book).uncertainty) == len(FACTORS)
    wb = openpyxl.load_workbook(book)
    del wb["uncertainty"]
    wb.save(book)
    assert len(load_scenario(book).uncertainty) == 0


def test_other_tables_stay_required(tmp_path: Path) -> None:
    header, tables = small_records()
    s = from_records(header, tables)
    write_folder(s.header, s.tables, tmp_path / "s")
    (tmp_path / "s" / "attrition.csv").unlink()
    _, problems = validate_path(tmp_path / "s")
    assert [(p.rule, p.file) for p in problems if p.severity == "error"] == [
        ("file-missing", "attrition.csv")
    ]


BAD_ROWS: list[tuple[dict[str, Any], str, str]] = [
    (
        {
            "id": "a",
            "kind": "attrition",
            "target": "tanks",
            "distribution": "uniform",
            "low": 1,
            "high": 2,
        },
        "target",
        "unknown-reference",
    ),
    (
        {"id": "b", "kind": "attrition", "distribution": "uniform", "low": 1, "high": 2},
        "target",
        "value-missing",
    ),
    (
        {
            "id": "c",
            "kind": "war_intensity",
            "target": "x",
            "distribution": "lognormal",
            "median": 1,
            "sigma": 0.1,
        },
        "target",
        "target-not-applicable",
    ),
    (
        {
            "id": "d",
            "kind": "pledge_slip",
            "target": "USA",
            "distribution": "triangular",
            "low": 0,
            "mode": 3,
            "high": 2,
        },
        "mode",
        "distribution-order",
    ),
    (
        {
            "id": "e",
            "kind": "pledge_slip",
            "target": "USA",
            "distribution": "uniform",
            "low": 2,
            "high": 1,
        },
        "high",
        "distribution-order",
    ),
    (
        {
            "id": "f",
            "kind": "budget_cut",
            "target": "ua-mod",
            "distribution": "discrete",
            "values": "0|0.2",
            "weights": "0.5|0.6",
        },
        "weights",
        "distribution-weights",
    ),
    (
        {
            "id": "g",
            "kind": "budget_cut",
            "target": "ua-mod",
            "distribution": "discrete",
            "values": "0|x",
        },
        "values",
        "distribution-values",
    ),
    (
        {
            "id": "h",
            "kind": "pledge_partial",
            "target": "mkt-152",
            "distribution": "uniform",
            "low": 0.5,
            "high": 1.5,
        },
        "high",
        "distribution-range",
    ),
    (
        {
            "id": "i",
            "kind": "line_output",
            "target": "us-155",
            "distribution": "lognormal",
            "sigma": 0.1,
        },
        "median",
        "value-missing",
    ),
    (
        {
            "id": "j",
            "kind": "pledge_loss",
            "target": "USA",
            "distribution": "uniform",
            "low": 0,
            "high": 1,
        },
        "distribution",
        "distribution-kind",
    ),
    (
        {"id": "k", "kind": "consumption", "target": "155mm", "distribution": "gamma"},
        "distribution",
        "value-not-allowed",
    ),
]


def test_bad_rows_get_located_errors_all_at_once() -> None:
    good = FACTORS[:2]
    with pytest.raises(ScenarioError) as err:
        scenario(good + [row for row, _c, _r in BAD_ROWS])
    problems = [p for p in err.value.problems if p.severity == "error"]
    found = {(p.row, p.column, p.rule) for p in problems}
    for k, (_row, column, rule) in enumerate(BAD_ROWS):
        assert (k + 2 + len(good), column, rule) in found, (k, column, rule, found)
    assert all(p.file == "uncertainty.csv" for p in problems)
    assert all(p.fix for p in problems)
    tanks = next(p for p in problems if p.rule == "unknown-reference")
    assert "'tanks'" in tanks.message and "tank" in tanks.message
