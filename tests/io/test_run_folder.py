"""The run folder: written whole, every contract file and column, read back."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import forceplan
from forceplan.domain.schema import schemas
from forceplan.exceptions import RunFolderError
from forceplan.io import run_folder
from forceplan.io.load import load_scenario
from forceplan.io.run_folder import (
    NOTIONAL_NOTE,
    default_run_dir,
    read_run_folder,
    scenario_hash,
    slug,
    write_run_folder,
)
from forceplan.results.contract import PLAN_TABLES
from forceplan.results.plan import Plan
from tests.scenarios import small_scenario


@pytest.fixture(scope="module")
def small_plan() -> Plan:
    """The small scenario, planned once for the module."""
    p = forceplan.plan(small_scenario())
    assert p.status == "optimal", p.message
    return p


@pytest.fixture(scope="module")
def run(small_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small plan written as a run folder."""
    return write_run_folder(small_plan, tmp_path_factory.mktemp("runs") / "run")


def test_every_contract_file_and_column_is_written(run: Path, small_plan: Plan) -> None:
    assert sorted(p.name for p in run.iterdir()) == [
        "plan",
        "plan.xlsx",
        "scenario",
        "summary.json",
    ]
    assert sorted(p.name for p in (run / "plan").iterdir()) == sorted(
        [*(f"{t}.csv" for t in PLAN_TABLES), "decisions.csv"]
    )
    for name, columns in PLAN_TABLES.items():
        frame = pd.read_csv(run / "plan" / f"{name}.csv")
        assert list(frame.columns[: len(columns)]) == columns, name
        assert len(frame) == len(small_plan.tables[name]), name
    budgets = pd.read_csv(run / "plan" / "budgets.csv")
    assert {"acquisition", "operation", "upgrade", "expansion", "replenishment"} <= set(budgets)
    # stock is end-of-period stock per type and period: 3 types x 3 periods
    stock = pd.read_csv(run / "plan" / "stock.csv")
    assert sorted(set(stock["period"])) == [2026, 2027, 2028]
    assert len(stock) == 9


def test_scenario_folder_is_the_input_as_solved(run: Path, small_plan: Plan) -> None:
    back = load_scenario(run / "scenario")
    assert back.header == small_plan.scenario.header
    for name in schemas():
        pd.testing.assert_frame_equal(
            back.tables[name].reset_index(drop=True),
            small_plan.scenario.tables[name].reset_index(drop=True),
            check_dtype=False,
            obj=name,
        )


def test_summary_records_status_objective_timings_versions_and_hash(
    run: Path, small_plan: Plan
) -> None:
    summary = json.loads((run / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["message"] == small_plan.message
    assert summary["objective"] == pytest.approx(small_plan.objective)
    assert set(summary["objective"]) == {
        "shortfall",
        "interoperability",
        "cost",
        "risk_margin",
        "total",
    }
    assert summary["gap"] == pytest.approx(small_plan.gap)
    assert {"build", "solve", "extract", "write"} <= set(summary["timings"])
    assert all(v >= 0 for v in summary["timings"].values())
    assert summary["solver"]["name"] == "highs"
    assert summary["solver"]["version"].count(".") == 2
    assert summary["forceplan_version"] == forceplan.__version__
    sc = summary["scenario"]
    assert sc["name"] == "small test scenario"
    assert sc["notional"] is True
    assert sc["period_labels"] == [2026, 2027, 2028]
    assert sc["hash"] == scenario_hash(run / "scenario")
    assert sc["hash"].startswith("sha256:") and len(sc["hash"]) == 7 + 64
    assert summary["shortfalls"]["count"] == len(small_plan.tables["shortfalls"])
    assert summary["tables"] == {n: len(small_plan.tables[n]) for n in PLAN_TABLES}
    datetime.fromisoformat(summary["created"])


def test_scenario_hash_is_a_content_hash(run: Path, small_plan: Plan, tmp_path: Path) -> None:
    again = write_run_folder(small_plan, tmp_path / "again")
    assert scenario_hash(again / "scenario") == scenario_hash(run / "scenario")
    changed = small_plan.scenario.copy()
    changed.tables["budgets"].loc[0, "amount"] += 1.0
    other = Plan(**{**small_plan.__dict__, "scenario": changed})
    third = write_run_folder(other, tmp_path / "changed")
    assert scenario_hash(third / "scenario") != scenario_hash(run / "scenario")


def test_workbook_has_summary_first_then_every_table(run: Path, small_plan: Plan) -> None:
    wb = openpyxl.load_workbook(run / "plan.xlsx", read_only=True)
    assert wb.sheetnames == ["summary", "by year", "decisions", *PLAN_TABLES]
    summary = [row for row in wb["summary"].iter_rows(values_only=True)]
    assert summary[0][0] == NOTIONAL_NOTE
    fields = {row[0]: row[1] for row in summary[2:]}
    assert fields["status"] == "optimal"
    assert fields["scenario"] == "small test scenario"
    stock = [row for row in wb["stock"].iter_rows(values_only=True)]
    assert list(stock[0][:3]) == PLAN_TABLES["stock"]
    expected = small_plan.tables["stock"]
    assert len(stock) == len(expected) + 1
    assert [r[2] for r in stock[1:]] == pytest.approx(expected["quantity"].tolist())


def test_workbook_of_a_real_scenario_has_no_notional_line(small_plan: Plan, tmp_path: Path) -> None:
    real = small_plan.scenario.copy()
    real.header.notional = False
    dest = write_run_folder(Plan(**{**small_plan.__dict__, "scenario": real}), tmp_path / "r")
    wb = openpyxl.load_workbook(dest / "plan.xlsx", read_only=True)
    first = next(wb["summary"].iter_rows(values_only=True))
    assert first[0] == "field"
    assert json.loads((dest / "summary.json").read_text())["scenario"]["notional"] is False


def test_read_run_folder_gives_back_the_tables(run: Path, small_plan: Plan) -> None:
    folder = read_run_folder(run)
    assert folder.status == "optimal"
    assert folder.notional is True
    assert set(folder.tables) == set(PLAN_TABLES)
    for name, frame in small_plan.tables.items():
        got = folder.tables[name]
        for col in PLAN_TABLES[name]:
            if col in run_folder.TEXT_COLUMNS:
                assert got[col].tolist() == frame[col].astype(str).tolist(), (name, col)
            else:
                assert got[col].to_numpy(dtype=float) == pytest.approx(
                    frame[col].to_numpy(dtype=float), nan_ok=True
                ), (name, col)
    assert folder.stock is folder.tables["stock"]
    assert folder.scenario().header == small_plan.scenario.header


def test_read_run_folder_names_every_missing_piece(run: Path, tmp_path: Path) -> None:
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(run, broken)
    (broken / "summary.json").unlink()
    (broken / "plan" / "stock.csv").unlink()
    pd.read_csv(broken / "plan" / "lines.csv").drop(columns="capacity").to_csv(
        broken / "plan" / "lines.csv", index=False
    )
    with pytest.raises(RunFolderError) as err:
        read_run_folder(broken)
    text = str(err.value)
    assert "summary.json is missing" in text
    assert "plan/stock.csv is missing" in text
    assert "plan/lines.csv lacks column(s) capacity" in text
    with pytest.raises(RunFolderError, match="is not a run folder"):
        read_run_folder(tmp_path / "nowhere")


def test_refuses_to_overwrite_unless_asked(small_plan: Plan, tmp_path: Path) -> None:
    dest = tmp_path / "taken"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    with pytest.raises(RunFolderError, match="already exists"):
        write_run_folder(small_plan, dest)
    assert (dest / "keep.txt").read_text() == "mine"
    write_run_folder(small_plan, dest, overwrite=True)
    assert not (dest / "keep.txt").exists()
    assert (dest / "summary.json").is_file()


def test_interrupted_write_leaves_nothing(
    small_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as if Ctrl-C arrived while the workbook was being written

    monkeypatch.setattr(run_folder, "_write_workbook", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_run_folder(small_plan, tmp_path / "runs" / "half")
    assert list((tmp_path / "runs").iterdir()) == []


def test_no_plan_no_folder(small_plan: Plan, tmp_path: Path) -> None:
    empty = Plan(scenario=small_plan.scenario, status="infeasible", message="infeasible")
    with pytest.raises(RunFolderError, match="no plan to write"):
        write_run_folder(empty, tmp_path / "none")
    assert not (tmp_path / "none").exists()
    no_model = Plan(**{**small_plan.__dict__, "model": None})
    with pytest.raises(RunFolderError, match="carries no model"):
        write_run_folder(no_model, tmp_path / "lp", write_lp=True)
    assert not (tmp_path / "lp").exists()


def test_model_lp_has_readable_names(small_plan: Plan, tmp_path: Path) -> None:
    dest = small_plan.save(tmp_path / "lp", write_lp=True)
    text = (dest / "model.lp").read_text()
    # linopy writes family-what[coordinates] as family_what(coordinates)
    assert "stock_balance(m777,2026)" in text
    assert "supply_order(us-m777,2026)" in text
    assert "capability_shortfall(artillery,2026)" in text


def test_default_run_dir_is_timestamped_and_new(tmp_path: Path) -> None:
    now = datetime(2026, 11, 29, 22, 15, 30)
    first = default_run_dir("Notional Ukraine force transition", tmp_path, now)
    assert first == tmp_path / "2026-11-29T221530-notional-ukraine-force-transition"
    first.mkdir()
    assert default_run_dir("Notional Ukraine force transition", tmp_path, now).name.endswith(
        "-transition-2"
    )
    assert slug("  Été / 2026 !! ") == "t-2026"
    assert slug("***") == "scenario"
