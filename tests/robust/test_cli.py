"""``forceplan plan SCENARIO --robust K``: sampled futures, the run folder, the size rule."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from forceplan.cli.app import app
from forceplan.io.csv_folder import write_folder
from forceplan.io.records import from_records
from tests.robust.test_stochastic import future

runner = CliRunner()

HALF = {
    "id": "pledge-half",
    "kind": "pledge_partial",
    "target": "pledge",
    "distribution": "triangular",
    "low": 0.5,
    "mode": 0.5,
    "high": 0.5,
}


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two-year pledge case with an uncertainty table: the pledge always delivers half."""
    s = future(True)
    records = {name: frame.to_dict("records") for name, frame in s.tables.items() if len(frame)}
    records["uncertainty"] = [HALF]
    s2 = from_records(s.header.model_dump(mode="json"), records)
    return write_folder(s2.header, s2.tables, tmp_path_factory.mktemp("scen") / "pledge")


def test_robust_run_by_hand(scenario_dir: Path, tmp_path: Path) -> None:
    # Every sampled future gets 5 of the 10 pledged in 2027; the other 5 are bought now at 1
    # (arriving 2027) rather than late at 3: shared 2026 order 5, expected cost 5.
    out = tmp_path / "run"
    res = runner.invoke(
        app,
        [
            "plan",
            str(scenario_dir),
            "--robust",
            "2",
            "--out",
            str(out),
            "--no-explain",
            "--no-report",
            "--seed",
            "3",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "robust plan: stochastic over 2 futures" in res.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["robust"]["method"] == "stochastic"
    assert summary["robust"]["seed"] == 3
    assert summary["robust"]["expected"]["cost"] == pytest.approx(5.0)
    first = pd.read_csv(out / "robust" / "first_stage.csv").set_index("decision")["value"]
    assert first["supply-order[buy-now,2026]"] == pytest.approx(5.0)
    outcomes = pd.read_csv(out / "robust" / "outcomes.csv")
    assert outcomes["name"].unique().tolist() == ["sample0", "sample1"]
    # plan/ is the scenario as given (the pledge in full) with the 2026 order fixed at 5
    d = pd.read_csv(out / "plan" / "deliveries.csv")
    assert d.loc[d["source"] == "buy-now", "quantity"].sum() == pytest.approx(5.0)


def test_derated_by_the_size_rule_on_the_command_line(scenario_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    res = runner.invoke(
        app,
        [
            "plan",
            str(scenario_dir),
            "--robust",
            "3",
            "--robust-method",
            "derated",
            "--confidence",
            "0.9",
            "--out",
            str(out),
            "--no-explain",
            "--no-report",
        ],
    )
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["robust"]["method"] == "derated"
    table = pd.read_csv(out / "robust" / "derated_sources.csv").set_index("source")
    assert table.loc["pledge", "quantity_derated"] == pytest.approx(5.0)
    # 5 pledged (derated), 5 bought now at 1
    assert summary["objective"]["cost"] == pytest.approx(5.0)


def test_bad_robust_method_exits_1(scenario_dir: Path, tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "plan",
            str(scenario_dir),
            "--robust",
            "2",
            "--robust-method",
            "guess",
            "--out",
            str(tmp_path / "run"),
            "--no-explain",
            "--no-report",
        ],
    )
    assert res.exit_code == 1
    assert "unknown robust method 'guess'" in res.output
    assert not (tmp_path / "run").exists()
