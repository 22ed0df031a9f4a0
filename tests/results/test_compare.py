"""Comparison of runs: the inputs diff, the outputs diff and PlanCollection, hand-checked.

The outputs diff is checked on two run folders assembled here from hand-made plan
tables that follow the run folder contract (the planner's own runs are compared in
tests/cli/test_compare_cli.py): every expected difference below is read off the
two hand-made plans.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from forceplan.domain.scenario import Scenario
from forceplan.exceptions import RunFolderError
from forceplan.io.csv_folder import write_folder, write_folder_into
from forceplan.io.records import from_records
from forceplan.results.compare import (
    INPUT_DIFF_COLUMNS,
    CompareError,
    PlanCollection,
    compare,
    decision_changes,
    decisions,
    describe_input_diff,
    diff_inputs,
    diff_outputs,
    key_figures,
)
from forceplan.results.contract import BUDGET_USES, PLAN_TABLES
from tests.scenarios import small_records


def variant_records() -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The small scenario with halved budgets, a higher 2027 artillery floor, the 152 mm
    market source removed, a Ukrainian 152 mm line and a NASAMS market source added, and a
    higher 2027 war intensity."""
    header, tables = small_records()
    for row in tables["budgets"]:
        row["amount"] = row["amount"] / 2
    for row in tables["requirements"]:
        if row.get("role") == "artillery" and row["period"] == 2027:
            row["minimum"] = 30
    tables["sources"] = [s for s in tables["sources"] if s["id"] != "mkt-152"]
    tables["sources"].append(
        {
            "id": "nor-nasams",
            "kind": "market",
            "country": "Norway",
            "item": "nasams",
            "quantity": 1,
            "price": 200,
            "lead_time": 1,
        }
    )
    tables["lines"].append(
        {
            "id": "ua-152",
            "country": "Ukraine",
            "product": "152mm",
            "capacity": 5000,
            "unit_cost": 0.002,
            "unit": "rounds",
        }
    )
    header["intensity"] = ["high", "high", "low"]
    return header, tables


@pytest.fixture
def base() -> Scenario:
    header, tables = small_records()
    return from_records(header, tables)


@pytest.fixture
def variant() -> Scenario:
    header, tables = variant_records()
    return from_records(header, tables)


EXPECTED_INPUT_DIFF = [
    ("header", "", "intensity", "high, medium, low", "high, high, low", "changed"),
    (
        "requirements",
        "kind=capability, role=artillery, period=2027",
        "minimum",
        "24",
        "30",
        "changed",
    ),
    (
        "sources",
        "mkt-152",
        "",
        "kind=market, country=Bulgaria, item=152mm, quantity=20000, price=0.003, lead_time=0, "
        "unit=rounds, lot_size=1, source=notional",
        "",
        "removed",
    ),
    (
        "sources",
        "nor-nasams",
        "",
        "",
        "kind=market, country=Norway, item=nasams, quantity=1, price=200, lead_time=1, "
        "unit=units, lot_size=1, source=notional",
        "added",
    ),
    (
        "lines",
        "ua-152",
        "",
        "",
        "country=Ukraine, product=152mm, capacity=5000, unit_cost=0.002, expansion_size=0, "
        "expansion_cost=0, expansion_lead_time=1, max_expansions=0, unit=rounds, "
        "lot_size=1, source=notional",
        "added",
    ),
    ("budgets", "stream=ua-mod, period=2026", "amount", "500", "250", "changed"),
    ("budgets", "stream=ua-mod, period=2027", "amount", "500", "250", "changed"),
    ("budgets", "stream=ua-mod, period=2028", "amount", "500", "250", "changed"),
    ("budgets", "stream=us-fms, period=2026", "amount", "300", "150", "changed"),
]
"""The inputs diff of base -> variant, written out by hand from variant_records()."""


def _rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in frame.itertuples(index=False, name=None)]


# --------------------------------------------------------------------------- inputs


def test_inputs_diff_of_the_variant_is_exactly_the_hand_listed_changes(
    base: Scenario, variant: Scenario
) -> None:
    diff = diff_inputs(base, variant)
    assert list(diff.columns) == INPUT_DIFF_COLUMNS
    assert _rows(diff) == EXPECTED_INPUT_DIFF


def test_inputs_diff_reversed_swaps_old_and_new(base: Scenario, variant: Scenario) -> None:
    back = diff_inputs(variant, base)
    swap = {"added": "removed", "removed": "added", "changed": "changed"}
    expected = sorted((t, k, c, n, o, swap[ch]) for t, k, c, o, n, ch in EXPECTED_INPUT_DIFF)
    assert sorted(_rows(back)) == expected


def test_inputs_diff_reads_folders_like_scenarios(
    tmp_path: Path, base: Scenario, variant: Scenario
) -> None:
    a = _write_run(tmp_path / "a", base, PLAN_A, SUMMARY_A)
    b = _write_run(tmp_path / "b", variant, PLAN_B, SUMMARY_B)
    assert _rows(diff_inputs(a, b)) == EXPECTED_INPUT_DIFF
    assert diff_inputs(a, base).empty
    assert diff_inputs(base, base).empty


def test_inputs_diff_matches_rows_by_key_not_position(base: Scenario) -> None:
    header, tables = small_records()
    tables["budgets"].reverse()  # same rows, other order
    tables["inventory"][1]["serviceable"] = 0.5  # m777 row, empty formation in the key
    tables["budget_uses"].append({"stream": "us-fms", "use": "operation"})
    header["objective"] = {"mode": "weighted"}
    diff = diff_inputs(base, from_records(header, tables))
    assert _rows(diff) == [
        ("header", "", "objective.mode", "lexicographic", "weighted", "changed"),
        ("inventory", "equipment=m777", "serviceable", "1", "0.5", "changed"),
        ("budget_uses", "stream=us-fms, use=operation", "", "", "", "added"),
    ]


def test_inputs_diff_in_words(base: Scenario, variant: Scenario) -> None:
    lines = describe_input_diff(diff_inputs(base, variant), limit=3)
    assert lines == [
        "header intensity: high, medium, low -> high, high, low",
        "requirements [kind=capability, role=artillery, period=2027] minimum: 24 -> 30",
        "sources [mkt-152] removed (was: kind=market, country=Bulgaria, item=152mm, "
        "quantity=20000, price=0.003, lead_time=0, unit=rounds, lot_size=1, source=notional)",
        "... and 6 more difference(s)",
    ]


# --------------------------------------------------------------------------- hand-made runs


def _frame(name: str, rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    columns = PLAN_TABLES[name] + (list(BUDGET_USES) if name == "budgets" else [])
    return pd.DataFrame(rows, columns=columns)


PLAN_A: dict[str, list[tuple[Any, ...]]] = {
    "stock": [
        (2026, "m777", 4.0),
        (2026, "d20", 18.0),
        (2027, "m777", 14.0),
        (2027, "d20", 17.0),
        (2028, "m777", 13.0),
        (2028, "d20", 16.0),
    ],
    "deliveries": [(2026, 2027, "m777", "us-m777", 10.0, 0.0)],
    "ammunition_supply": [(2026, "152mm", "mkt-152", 10000.0, 30.0)],
    "lines": [
        (2026, "us-155", 20000.0, 15000.0, 1.0, 0.0, 50.0),
        (2027, "us-155", 30000.0, 16000.0, 0.0, 1.0, 0.0),
        (2028, "us-155", 30000.0, 14000.0, 0.0, 1.0, 0.0),
    ],
    "ammunition": [
        (2026, "155mm", 5000.0, 15000.0, 4000.0, 16000.0, 0.0),
        (2028, "155mm", 20000.0, 14000.0, 2600.0, 31400.0, 0.0),
    ],
    "capability": [
        (2026, "artillery", 26.0, 20.0, 0.0),
        (2027, "artillery", 45.0, 24.0, 0.0),
        (2028, "artillery", 42.0, 0.0, 0.0),
    ],
    "interoperability": [(2026, 0.31, 0.0, 0.0), (2027, 0.62, 0.0, 0.0), (2028, 0.62, 0.5, 0.0)],
    "budgets": [
        (2026, "ua-mod", 500.0, 100.0, 0.0, 40.0, 0.0, 0.0, 0.0, 60.0),
        (2026, "us-fms", 300.0, 50.0, 0.0, 0.0, 0.0, 50.0, 0.0, 0.0),
        (2027, "ua-mod", 500.0, 41.0, 0.0, 41.0, 0.0, 0.0, 0.0, 0.0),
        (2028, "ua-mod", 500.0, 40.0, 0.0, 40.0, 0.0, 0.0, 0.0, 0.0),
    ],
}
PLAN_B: dict[str, list[tuple[Any, ...]]] = {
    "stock": [
        (2026, "m777", 4.0),
        (2026, "d20", 18.0),
        (2027, "m777", 9.0),
        (2027, "d20", 17.0),
        (2028, "m777", 8.0),
        (2028, "d20", 15.0),
        (2028, "nasams", 1.0),
    ],
    "deliveries": [
        (2026, 2027, "m777", "us-m777", 5.0, 0.0),
        (2027, 2028, "nasams", "nor-nasams", 1.0, 200.0),
    ],
    "retirements": [(2028, "d20", 1.0)],
    "ammunition_supply": [(2026, "152mm", "mkt-152", 10000.0, 30.0)],
    "lines": [
        (2026, "us-155", 20000.0, 15000.0, 0.0, 0.0, 0.0),
        (2027, "us-155", 20000.0, 16000.0, 0.0, 0.0, 0.0),
        (2028, "us-155", 20000.0, 14000.0, 0.0, 0.0, 0.0),
    ],
    "ammunition": [
        (2026, "155mm", 5000.0, 15000.0, 4000.0, 16000.0, 0.0),
        (2028, "155mm", 0.0, 14000.0, 14500.0, 0.0, 500.0),
    ],
    "capability": [
        (2026, "artillery", 26.0, 20.0, 0.0),
        (2027, "artillery", 35.0, 30.0, 0.0),
        (2028, "artillery", 31.0, 0.0, 0.0),
        (2028, "air-defence", 10.0, 0.0, 0.0),
    ],
    "interoperability": [(2026, 0.31, 0.0, 0.0), (2027, 0.5, 0.0, 0.0), (2028, 0.48, 0.5, 0.02)],
    "budgets": [
        (2026, "ua-mod", 250.0, 100.0, 0.0, 40.0, 0.0, 0.0, 0.0, 60.0),
        (2026, "us-fms", 150.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
        (2027, "ua-mod", 250.0, 241.0, 200.0, 41.0, 0.0, 0.0, 0.0, 0.0),
        (2028, "ua-mod", 250.0, 45.0, 0.0, 45.0, 0.0, 0.0, 0.0, 0.0),
    ],
    "shortfalls": [
        ("interop-target", "2028", 2.0, "points", "interoperability in 2028 is 2 points short"),
        ("ammo-balance", "155mm, 2028", 500.0, "rounds", "155mm in 2028: 500 rounds short"),
    ],
}
SUMMARY_A = {
    "status": "optimal",
    "objective": {"shortfall": 0.0, "interoperability": 1.55, "cost": 231.0, "total": 231.0},
    "gap": 0.0,
    "shortfalls": {"count": 0},
}
SUMMARY_B = {
    "status": "optimal",
    "objective": {"shortfall": 0.5, "interoperability": 1.29, "cost": 386.0, "total": 386.0},
    "gap": 0.0,
    "shortfalls": {"count": 2},
}


def _write_run(
    dest: Path, scenario: Scenario, plan: dict[str, list[tuple[Any, ...]]], summary: dict
) -> Path:
    """A run folder in the contract's layout, from hand-made plan rows."""
    write_folder_into(scenario.header, scenario.tables, dest / "scenario")
    (dest / "plan").mkdir()
    for name in PLAN_TABLES:
        _frame(name, plan.get(name, [])).to_csv(dest / "plan" / f"{name}.csv", index=False)
    meta = {**summary, "scenario": {"name": scenario.name, "notional": True, "hash": None}}
    (dest / "summary.json").write_text(json.dumps(meta), encoding="utf-8")
    return dest


@pytest.fixture
def runs(tmp_path: Path, base: Scenario, variant: Scenario) -> tuple[Path, Path]:
    return (
        _write_run(tmp_path / "base", base, PLAN_A, SUMMARY_A),
        _write_run(tmp_path / "half", variant, PLAN_B, SUMMARY_B),
    )


# --------------------------------------------------------------------------- outputs


def test_key_figures_of_one_run(runs: tuple[Path, Path]) -> None:
    fig = key_figures(runs[1]).set_index(["figure", "item", "period"])["value"]
    assert fig[("stock by family", "nato", 2028)] == 9.0  # 8 m777 + 1 NASAMS
    assert fig[("stock by family", "soviet", 2028)] == 15.0
    assert fig[("stock by role", "artillery", 2027)] == 26.0
    assert fig[("spending by use", "acquisition", 2027)] == 200.0
    assert fig[("spending", "total", 2026)] == 100.0
    assert fig[("ammunition shortfall", "155mm", 2028)] == 500.0
    counts = key_figures(runs[1]).query("figure == 'shortfall count'")
    assert counts[["item", "value"]].values.tolist() == [
        ["ammo-balance", 1.0],
        ["interop-target", 1.0],
    ]
    assert counts["period"].isna().all()
    units = key_figures(runs[1]).set_index(["figure", "item"])["unit"]
    assert units[("shortfall amount", "interop-target")] == "points"
    assert set(units[("ammunition shortfall", "155mm")]) == {"rounds"}


def test_outputs_diff_figures_are_the_hand_checked_differences(runs: tuple[Path, Path]) -> None:
    out = diff_outputs(*runs)
    differs = out.figures[out.figures["differs"]]
    got = {
        (f, i, None if pd.isna(p) else int(p), None if pd.isna(a) else a, b)
        for f, i, p, a, b in differs[["figure", "item", "period", "a", "b"]].itertuples(
            index=False, name=None
        )
    }
    assert got == {
        ("stock by family", "nato", 2027, 14.0, 9.0),
        ("stock by family", "nato", 2028, 13.0, 9.0),
        ("stock by family", "soviet", 2028, 16.0, 15.0),
        ("stock by role", "artillery", 2027, 31.0, 26.0),
        ("stock by role", "artillery", 2028, 29.0, 23.0),
        ("stock by role", "air-defence", 2028, 0.0, 1.0),
        ("capability", "artillery", 2027, 45.0, 35.0),
        ("capability", "artillery", 2028, 42.0, 31.0),
        ("capability", "air-defence", 2028, None, 10.0),  # not additive: NaN in A
        ("capability floor", "artillery", 2027, 24.0, 30.0),
        ("capability floor", "air-defence", 2028, None, 0.0),
        ("interoperability index", "force", 2027, 0.62, 0.5),
        ("interoperability index", "force", 2028, 0.62, 0.48),
        ("interoperability shortfall", "force", 2028, 0.0, 0.02),
        ("budget available by stream", "ua-mod", 2026, 500.0, 250.0),
        ("budget available by stream", "ua-mod", 2027, 500.0, 250.0),
        ("budget available by stream", "ua-mod", 2028, 500.0, 250.0),
        ("budget available by stream", "us-fms", 2026, 300.0, 150.0),
        ("spending by stream", "ua-mod", 2027, 41.0, 241.0),
        ("spending by stream", "ua-mod", 2028, 40.0, 45.0),
        ("spending by stream", "us-fms", 2026, 50.0, 0.0),
        ("spending by use", "acquisition", 2027, 0.0, 200.0),
        ("spending by use", "expansion", 2026, 50.0, 0.0),
        ("spending by use", "operation", 2028, 40.0, 45.0),
        ("spending", "total", 2026, 150.0, 100.0),
        ("spending", "total", 2027, 41.0, 241.0),
        ("spending", "total", 2028, 40.0, 45.0),
        ("ammunition shortfall", "155mm", 2028, 0.0, 500.0),
        ("shortfall amount", "ammo-balance", None, 0.0, 500.0),
        ("shortfall amount", "interop-target", None, 0.0, 2.0),
        ("shortfall count", "ammo-balance", None, 0.0, 1.0),
        ("shortfall count", "interop-target", None, 0.0, 1.0),
    }
    same = out.figures[~out.figures["differs"]].set_index(["figure", "item", "period"])
    assert same.loc[("interoperability target", "force", 2028), "b"] == 0.5
    assert same.loc[("capability shortfall", "air-defence", 2028), "a"] == 0.0  # 0 filled in


def test_outputs_diff_decisions_in_one_plan_only(runs: tuple[Path, Path]) -> None:
    dec = diff_outputs(*runs).decisions
    assert _rows(dec) == [
        ("line expansion", "us-155", "removed", 1.0, 0.0, "2026", "", "expansions"),
        ("delivery", "nasams from nor-nasams", "added", 0.0, 1.0, "", "2028", "units"),
        ("retirement", "d20", "added", 0.0, 1.0, "", "2028", "units"),
        ("delivery", "m777 from us-m777", "changed", 10.0, 5.0, "2027", "2027", "units"),
    ]
    # the 152 mm supply is the same in both plans and is left out
    assert "152mm from mkt-152" in set(decisions(runs[0])["item"])


def test_outputs_diff_summary(runs: tuple[Path, Path]) -> None:
    summary = diff_outputs(*runs).summary.set_index("field")
    assert summary.loc["status", "same"]
    assert not summary.loc["objective: shortfall", "same"]
    assert summary.loc["objective: cost", ["a", "b"]].tolist() == [231.0, 386.0]
    assert summary.loc["shortfalls", ["a", "b"]].tolist() == [0, 2]
    assert summary.loc["interoperability index, last period", ["a", "b"]].tolist() == [0.62, 0.48]
    assert summary.loc["spending (USD million)", ["a", "b"]].tolist() == [231.0, 386.0]


def test_comparison_in_words(runs: tuple[Path, Path]) -> None:
    text = "\n".join(compare(*runs).describe())
    assert "Inputs: 9 difference(s)." in text
    assert "budgets [stream=us-fms, period=2026] amount: 300 -> 150" in text
    assert "objective: cost: 231 -> 386" in text
    assert "interoperability index (index): 2027: 0.62 -> 0.5; 2028: 0.62 -> 0.48" in text
    assert "only in base: line expansion us-155: 1 expansions (2026)" in text
    assert "only in half: delivery nasams from nor-nasams: 1 units (2028)" in text
    assert "Decisions in both plans with other quantities or periods: 1" in text


def test_comparison_writes_its_csv_files(tmp_path: Path, runs: tuple[Path, Path]) -> None:
    c = compare(*runs)
    out = tmp_path / "cmp"
    out.mkdir()
    c.write_tables(out)
    back = pd.read_csv(out / "inputs_diff.csv", dtype=str, keep_default_na=False)
    assert _rows(back) == EXPECTED_INPUT_DIFF
    dec = pd.read_csv(out / "decisions_diff.csv")
    assert dec["change"].tolist() == ["removed", "added", "added", "changed"]
    fig = pd.read_csv(out / "outputs_diff.csv")
    assert c.outputs is not None
    assert len(fig) == len(c.outputs.figures)
    assert fig["differs"].sum() == 32


def test_outputs_diff_of_a_run_with_itself_is_empty(runs: tuple[Path, Path]) -> None:
    out = diff_outputs(runs[0], runs[0])
    assert not out.figures["differs"].any()
    assert out.decisions.empty
    assert out.summary["same"].all()


def test_outputs_need_a_plan(base: Scenario, runs: tuple[Path, Path]) -> None:
    with pytest.raises(CompareError, match="holds no plan"):
        diff_outputs(base, runs[0])
    assert compare(base, runs[0]).outputs is None


def test_not_a_run_folder(tmp_path: Path, base: Scenario) -> None:
    folder = write_folder(base.header, base.tables, tmp_path / "just-a-scenario")
    with pytest.raises(RunFolderError, match=r"summary\.json is missing"):
        diff_inputs(folder, folder)
    with pytest.raises(RunFolderError, match="is not a run folder"):
        diff_inputs(tmp_path / "nowhere", folder)


# --------------------------------------------------------------------------- collection


def test_plan_collection_indexes_tables_by_run(runs: tuple[Path, Path], base: Scenario) -> None:
    pc = PlanCollection(runs)
    assert pc.runs == ["base", "half"]
    cap = pc.table("capability")
    assert list(cap.columns) == ["run", *PLAN_TABLES["capability"]]
    assert cap.groupby("run").size().to_dict() == {"base": 3, "half": 4}
    indexed = cap.set_index(["run", "period", "role"])
    assert indexed.loc[("half", 2028, "air-defence"), "capability"] == 10.0
    assert pc.stock.groupby("run")["quantity"].sum().to_dict() == {"base": 82.0, "half": 72.0}
    assert pc.inputs("budgets").query("run == 'half'")["amount"].tolist() == [
        "250",
        "250",
        "250",
        "150",
    ]
    summary = pc.summary()
    assert summary.loc["half", "status"] == "optimal"
    assert summary.loc["half", "objective: cost"] == 386.0
    assert summary.loc["base", "shortfalls"] == 0
    assert _rows(pc.diff_inputs("base", "half")) == EXPECTED_INPUT_DIFF
    assert len(pc.diff_outputs("base", "half").decisions) == 4
    figures = pc.figures()
    assert set(figures["run"]) == {"base", "half"}
    assert len(pc.decisions().query("run == 'half'")) == 4
    # labels are unique; scenarios join without a plan
    label = pc.add(runs[0])
    assert label == "base-2"
    pc.add(base, "inputs only")
    assert pc.runs == ["base", "half", "base-2", "inputs only"]
    assert set(pc.table("stock")["run"]) == {"base", "half", "base-2"}
    with pytest.raises(CompareError, match="no run called 'nope'"):
        pc.diff_inputs("base", "nope")
    with pytest.raises(CompareError, match="not a plan table"):
        pc.table("nope")


def test_plan_collection_from_a_mapping(runs: tuple[Path, Path]) -> None:
    pc = PlanCollection({"A": runs[0], "B": runs[1]})
    assert pc.runs == ["A", "B"]
    assert pc["B"].path == runs[1]
    assert pc.summary().index.tolist() == ["A", "B"]


def test_a_delivery_moved_in_time_with_the_same_total_is_a_change(
    tmp_path: Path, base: Scenario
) -> None:
    # A: 6 units in 2027 and 4 in 2028; B: 4 in 2027 and 6 in 2028 -> same total (10) and
    # same periods, but a different plan: it must be listed as changed.
    plan_a = {
        "deliveries": [
            (2026, 2027, "m777", "us-m777", 6.0, 0.0),
            (2027, 2028, "m777", "us-m777", 4.0, 0.0),
        ]
    }
    plan_b = {
        "deliveries": [
            (2026, 2027, "m777", "us-m777", 4.0, 0.0),
            (2027, 2028, "m777", "us-m777", 6.0, 0.0),
        ]
    }
    a = _write_run(tmp_path / "a", base, plan_a, SUMMARY_A)
    b = _write_run(tmp_path / "b", base, plan_b, SUMMARY_A)
    assert _rows(diff_outputs(a, b).decisions) == [
        (
            "delivery",
            "m777 from us-m777",
            "changed",
            10.0,
            10.0,
            "2027, 2028",
            "2027, 2028",
            "units",
        ),
    ]


# --------------------------------------------------------------------------- what changed


def test_decision_changes_ranked_by_value(runs: tuple[Path, Path]) -> None:
    changes = decision_changes(*runs)
    rows = [
        (a, i, round(va, 6), round(vb, 6), bool(r))
        for a, i, va, vb, r in changes[
            ["action", "item", "value_a", "value_b", "reshuffle"]
        ].itertuples(index=False, name=None)
    ]
    # NASAMS ordered only in B (200), the us-155 expansion only in A (50), the M777
    # donation halved (10 -> 5 units at 3.7 each), one D-20 retired in B (no value)
    assert rows == [
        ("order", "NASAMS", 0.0, 200.0, False),
        ("expand", "us-155", 50.0, 0.0, False),
        ("donate", "M777", 37.0, 18.5, False),
        ("retire", "D-20", 0.0, 0.0, False),
    ]
    assert changes["difference"].tolist() == pytest.approx([200.0, -50.0, -18.5, 0.0])


def test_reshuffles_between_suppliers_are_summarised_not_listed(
    tmp_path: Path, base: Scenario
) -> None:
    split = {
        **PLAN_A,
        "ammunition_supply": [
            (2026, "152mm", "mkt-152", 6000.0, 18.0),
            (2026, "152mm", "other-152", 4000.0, 12.0),
        ],
    }
    a = _write_run(tmp_path / "a", base, PLAN_A, SUMMARY_A)
    b = _write_run(tmp_path / "b", base, split, SUMMARY_A)
    changes = decision_changes(a, b)
    assert changes["reshuffle"].all() and len(changes) == 2
    text = "\n".join(compare(a, b).describe())
    assert "2 change(s) only move 1 item(s) between interchangeable suppliers" in text
    assert "order 152mm from" not in text  # summarised, not listed


def test_describe_leads_with_the_outcome(runs: tuple[Path, Path]) -> None:
    lines = compare(*runs).describe()
    text = "\n".join(lines)
    order = [
        "Outcome (A -> B):",
        "Decisions that changed most by value (A -> B):",
        "Key figures that differ",
        "Inputs: 9 difference(s).",
    ]
    where = [text.index(marker) for marker in order]
    assert where == sorted(where)
    assert "  shortfalls: 0 -> 2" in text
    assert "  cost (USD million): 231 -> 386 (+155)" in text
    assert "  interoperability index: first period 0.31 -> 0.31, last period 0.62 -> 0.48" in text
    assert "order NASAMS from nor-nasams" in text


def test_difference_charts_hold_b_minus_a(runs: tuple[Path, Path]) -> None:
    from forceplan.report.compare_html import compare_html, difference_charts

    c = compare(*runs)
    charts = {ch.key: ch for ch in difference_charts(c)}
    assert set(charts) == {"diff-capability", "diff-interoperability", "diff-spending"}
    cap = charts["diff-capability"].figure
    assert cap is not None
    by_role = {t.name: list(t.y) for t in cap.data}
    # artillery 26/45/42 in A, 26/35/31 in B; air defence only in B (10 in 2028)
    assert by_role == {"air-defence": [0.0, 0.0, 10.0], "artillery": [0.0, -10.0, -11.0]}
    spend = charts["diff-spending"].figure
    assert spend is not None
    assert list(spend.data[0].y) == [-50.0, 200.0, 5.0]
    page = compare_html(c)
    assert page.index('id="what-changed"') < page.index('id="chart-diff-capability"')
    assert page.index('id="chart-diff-capability"') < page.index("<h2>Summary</h2>")
