"""The independent checker: passes on real plans, catches tampered ones."""

from __future__ import annotations

import ast
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import forceplan
from forceplan.io.records import from_records
from tests import checker
from tests.checker import check_run
from tests.scenarios import small_records, small_scenario


def _run(scenario: forceplan.Scenario, dest: Path) -> Path:
    p = forceplan.plan(scenario)
    assert p.has_plan, p.message
    return p.save(dest)


@pytest.fixture(scope="module")
def generated_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated scenario (every table populated), planned and written once for the module."""
    s = forceplan.synthetic.generate(40, 10, 8, 6, seed=2)
    return _run(s, tmp_path_factory.mktemp("generated") / "run")


@pytest.fixture(scope="module")
def shortfall_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario with floors and targets no plan can meet: a plan with shortfalls."""
    header, tables = small_records()
    req = tables["requirements"]
    req[0]["minimum"] = 16  # artillery 2026: needs D-20s, whose 152 mm rounds run short
    req[1]["minimum"] = 1000  # artillery 2027: out of reach
    req[2]["minimum"] = 1.0  # interoperability 2028: every type fully NATO ...
    tables["equipment_standards"].append({"equipment": "m777", "standard": "soviet-radio"})
    req.append({"kind": "capability", "role": "artillery", "period": 2028, "minimum": 20})
    tables["sources"][1]["first_period"] = 2028  # ... while the M777 keeps a Soviet radio
    tables["munitions"][1]["stock"] = 2000
    tables["lines"][1]["first_period"] = 2027  # no new M777s in 2026
    tables["donors"][0]["minimum"] = 150  # above the stockpile: cannot be met by 2028 ...
    tables["donors"][0]["soft_minimum"] = "yes"  # ... so a soft target, not a red line
    s = from_records(header, tables)
    return _run(s, tmp_path_factory.mktemp("shortfall") / "run")


def _tampered(run: Path, tmp_path: Path, edit: Callable[[Path], None]) -> list[str]:
    copy = tmp_path / "tampered"
    shutil.copytree(run, copy)
    edit(copy / "plan")
    return check_run(copy)


def _edit(plan_dir: Path, table: str, fn: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    path = plan_dir / f"{table}.csv"
    fn(pd.read_csv(path)).to_csv(path, index=False)


def test_checker_shares_no_code_with_forceplan() -> None:
    tree = ast.parse(Path(checker.__file__).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert "forceplan" not in imported
    assert "tests" not in imported
    assert imported <= {
        "__future__",
        "hashlib",
        "json",
        "dataclasses",
        "pathlib",
        "typing",
        "numpy",
        "pandas",
        "yaml",
    }


def test_interoperability_scores_by_hand(tmp_path: Path) -> None:
    run = _run(small_scenario(), tmp_path / "run")
    data, problems = checker.load(run)
    assert problems == [] and data is not None
    # d20: Soviet ammunition and radio -> 0; m777: NATO ammunition -> 1; nasams: Link 16 -> 1
    assert checker.interop_scores(data).to_dict() == {"m777": 1.0, "d20": 0.0, "nasams": 1.0}
    assert check_run(run) == []


# The notional scenario's run is checked where it is planned end to end, once:
# tests/cli/test_plan_cli.py::test_notional_scenario_end_to_end.


def test_passes_on_generated_scenarios(generated_run: Path, tmp_path: Path) -> None:
    other = _run(forceplan.synthetic.generate(20, 6, 5, 4, seed=1), tmp_path / "small")
    for run in (generated_run, other):
        deliveries = pd.read_csv(run / "plan" / "deliveries.csv")
        assert len(deliveries) > 0  # the plan has decisions for the checker to check
        assert check_run(run) == []


def test_passes_on_a_plan_with_shortfalls(shortfall_run: Path) -> None:
    shortfalls = pd.read_csv(shortfall_run / "plan" / "shortfalls.csv")
    assert {"capability-floor", "interop-target", "ammo-balance", "donor-minimum"} <= set(
        shortfalls["constraint"]
    )
    assert check_run(shortfall_run) == []


@pytest.mark.parametrize(
    "constraint", ["capability-floor", "interop-target", "ammo-balance", "donor-minimum"]
)
def test_catches_a_deleted_shortfall(shortfall_run: Path, tmp_path: Path, constraint: str) -> None:
    def drop_first(frame: pd.DataFrame) -> pd.DataFrame:
        first = frame.index[frame["constraint"] == constraint][0]
        return frame.drop(index=first)

    found = _tampered(shortfall_run, tmp_path, lambda d: _edit(d, "shortfalls", drop_first))
    assert any(v.startswith("shortfalls:") and "not listed" in v for v in found), found


def test_catches_an_understated_shortfall(shortfall_run: Path, tmp_path: Path) -> None:
    def halve(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame["constraint"] == "capability-floor", "amount"] /= 2
        return frame

    found = _tampered(shortfall_run, tmp_path, lambda d: _edit(d, "shortfalls", halve))
    assert any("shortfalls.csv lists" in v for v in found), found


def test_catches_an_edited_stock(generated_run: Path, tmp_path: Path) -> None:
    def bump(frame: pd.DataFrame) -> pd.DataFrame:
        row = frame.index[(frame["quantity"] > 10) & (frame["period"] < frame["period"].max())][0]
        frame.loc[row, "quantity"] += 5
        return frame

    found = _tampered(generated_run, tmp_path, lambda d: _edit(d, "stock", bump))
    assert any(v.startswith("stock-flow:") for v in found), found


def test_catches_a_delayed_delivery(generated_run: Path, tmp_path: Path) -> None:
    def delay(frame: pd.DataFrame) -> pd.DataFrame:
        row = frame.index[
            (frame["kind"] != "line")
            & (frame["period_delivered"] < frame["period_delivered"].max())
        ][0]
        frame.loc[row, "period_delivered"] += 1
        return frame

    found = _tampered(generated_run, tmp_path, lambda d: _edit(d, "deliveries", delay))
    assert any(v.startswith("lead-time:") for v in found), found
    assert any(v.startswith("stock-flow:") for v in found), found


def test_catches_an_exceeded_budget(generated_run: Path, tmp_path: Path) -> None:
    def overspend(frame: pd.DataFrame) -> pd.DataFrame:
        row = frame.index[frame["acquisition"] > 0][0]
        extra = frame.loc[row, "available"] - frame.loc[row, "spent"] + 10.0
        frame.loc[row, ["spent", "acquisition"]] += extra
        return frame

    found = _tampered(generated_run, tmp_path, lambda d: _edit(d, "budgets", overspend))
    assert any(v.startswith("budget-limit:") for v in found), found
    assert any(v.startswith("budget-cover: acquisition") for v in found), found


def test_catches_an_order_above_a_source_limit_and_a_missing_file(
    generated_run: Path, tmp_path: Path
) -> None:
    scenario = pd.read_csv(generated_run / "scenario" / "sources.csv")

    def overorder(frame: pd.DataFrame) -> pd.DataFrame:
        row = frame.index[frame["kind"] != "line"][0]
        limit = float(scenario.set_index("id").at[frame.loc[row, "source"], "quantity"])
        price = frame.loc[row, "cost"] / frame.loc[row, "quantity"]
        frame.loc[row, "quantity"] = limit + 1
        frame.loc[row, "cost"] = price * (limit + 1)
        return frame

    found = _tampered(generated_run, tmp_path, lambda d: _edit(d, "deliveries", overorder))
    assert any(v.startswith("source-capacity:") for v in found), found
    found = _tampered(generated_run, tmp_path / "2", lambda d: (d / "donors.csv").unlink())
    assert found == ["contract: plan/donors.csv is missing"]


@pytest.fixture(scope="module")
def rules_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny plan that exercises the credible-plan rules: reserve, whole units, lots, a group
    of alternative munitions, a brigade due later, a war reserve and two ranked streams."""
    from tests.model.tiny import equipment, scenario

    s = scenario(
        periods=2,
        standards=[{"id": "nato-sam", "family": "nato", "domain": "ammunition"}],
        munitions=[
            {
                "id": "pac-2",
                "family": "nato",
                "standard": "nato-sam",
                "unit": "missiles",
                "stock": 150,
            },
            {"id": "pac-3", "family": "nato", "standard": "nato-sam", "unit": "missiles"},
        ],
        equipment=[
            equipment(
                "patriot",
                whole_units="yes",
                operating_cost=1,
                **{"class": "air-defence-long", "role": "air-defence"},
            ),
        ],
        equipment_munitions=[
            {"equipment": "patriot", "munition": "pac-2", "use_high": 100, "group": "sam"},
            {"equipment": "patriot", "munition": "pac-3", "use_high": 100, "group": "sam"},
        ],
        inventory=[{"equipment": "patriot", "quantity": 6}],
        sources=[
            {
                "id": "pac3-mkt",
                "kind": "market",
                "country": "USA",
                "item": "pac-3",
                "quantity": 1000,
                "price": 0.01,
                "unit": "missiles",
                "first_period": 2027,
            },
            {
                "id": "pac2-none",
                "kind": "market",
                "country": "DEU",
                "item": "pac-2",
                "quantity": 0,
                "unit": "missiles",
            },
            {
                "id": "bty",
                "kind": "market",
                "country": "USA",
                "item": "patriot",
                "quantity": 16,
                "price": 2,
                "lot_size": 4,
            },
        ],
        budgets=[
            {"stream": "ua", "owner": "UKR", "period": y, "amount": 50, "priority": 2}
            for y in (2026, 2027)
        ]
        + [{"stream": "grant", "owner": "USA", "period": 2027, "amount": 5, "priority": 1}],
        budget_uses=[
            {"stream": "ua", "use": "acquisition"},
            {"stream": "ua", "use": "ammunition"},
            {"stream": "ua", "use": "operation"},
            {"stream": "grant", "use": "acquisition"},
            {"stream": "grant", "use": "ammunition"},
        ],
        formations=[{"id": "ad-1", "type": "air-defence-regiment", "due_period": 2027}],
        formation_slots=[{"formation": "ad-1", "role": "air-defence", "quantity": 8}],
        requirements=[{"kind": "capability", "role": "air-defence", "period": 2026, "minimum": 1}],
    )
    return _run(s, tmp_path_factory.mktemp("rules") / "run")


def test_passes_on_the_credible_plan_rules(rules_run: Path) -> None:
    plan = rules_run / "plan"
    reserve = pd.read_csv(plan / "reserve.csv")
    assert reserve["to_reserve"].sum() > 0  # batteries without interceptors wait in reserve
    assert pd.read_csv(plan / "deliveries.csv")["quantity"].tolist() == [4]  # one whole lot
    assert check_run(rules_run) == []


def _grant_paid_by_ua(f: pd.DataFrame) -> pd.DataFrame:
    """Move what the grant (rank 1) paid in 2027 to the national budget (rank 2)."""
    f = f.copy()
    g = (f["stream"] == "grant") & (f["period"] == 2027)
    u = (f["stream"] == "ua") & (f["period"] == 2027)
    for c in ("spent", "acquisition", "ammunition"):
        f.loc[u, c] = f.loc[u, c].to_numpy() + f.loc[g, c].to_numpy()
        f.loc[g, c] = 0.0
    return f


@pytest.mark.parametrize(
    ("what", "edit", "expected"),
    [
        (
            "a unit vanishes from reserve",
            lambda p: _edit(p, "reserve", lambda f: f.assign(in_reserve=f["in_reserve"] * 0)),
            "reserve-balance",
        ),
        (
            "an early retirement nobody allowed",
            lambda p: _edit(
                p,
                "retirements",
                lambda f: pd.concat(
                    [
                        f,
                        pd.DataFrame(
                            [
                                {
                                    "period": 2026,
                                    "equipment": "patriot",
                                    "quantity": 1,
                                    "early": 1,
                                    "end_of_life": 0,
                                }
                            ]
                        ),
                    ]
                ),
            ),
            "retirement:",
        ),
        (
            "half a battery",
            lambda p: _edit(p, "stock", lambda f: f.assign(quantity=f["quantity"] + 0.5)),
            "whole-units",
        ),
        (
            "a mix that does not feed the batteries",
            lambda p: _edit(p, "ammunition_use", lambda f: f.assign(rounds=f["rounds"] / 2)),
            "ammo-mix",
        ),
        (
            "the national budget pays before the grant",
            lambda p: _edit(p, "budgets", _grant_paid_by_ua),
            "funding-priority",
        ),
    ],
)
def test_catches_a_broken_credible_plan_rule(
    rules_run: Path, tmp_path: Path, what: str, edit: Callable[[Path], None], expected: str
) -> None:
    found = _tampered(rules_run, tmp_path, edit)
    assert any(v.startswith(expected) or expected in v for v in found), (what, found)


def test_checks_the_hull_life_an_upgrade_keeps(tmp_path: Path) -> None:
    # The rebuild (extends_life yes) keeps 10 upgraded D-20M in service to 2029. The checker
    # passes it; told that the upgrade keeps the hulls' two remaining years (extends_life
    # no), it finds the D-20M beyond their life from 2028.
    from tests.model.test_upgrades import _hull_scenario

    run = _run(_hull_scenario("yes"), tmp_path / "run")
    assert check_run(run) == []
    path = run / "scenario" / "upgrades.csv"
    ups = pd.read_csv(path, dtype=str, keep_default_na=False)
    ups["extends_life"] = "no"
    ups.to_csv(path, index=False)
    problems = check_run(run)
    assert any(p.startswith("service-life: d20m in 2028") for p in problems), problems
    assert any(p.startswith("service-life: d20m in 2029") for p in problems), problems
    assert not any("in 2027" in p for p in problems), problems
    assert check_run(_run(_hull_scenario("no"), tmp_path / "kept")) == []


def test_checks_consumables(tmp_path: Path) -> None:
    # The drone scenario of the consumables family passes; a stockpile that grows from
    # nothing, or use beyond what the stockpile holds, is caught.
    from tests.model.test_consumables import _drones

    run = _run(_drones(demand_high=40, floor=0.4), tmp_path / "run")
    assert check_run(run) == []

    def more_used(plan: Path) -> None:
        _edit(plan, "consumables", lambda f: f.assign(used=f["used"] + 5))

    problems = _tampered(run, tmp_path, more_used)
    assert any(p.startswith("consumable-balance") for p in problems), problems
    assert any(p.startswith("consumable-demand") for p in problems), problems
