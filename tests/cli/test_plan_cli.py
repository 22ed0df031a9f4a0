"""`forceplan plan`: phases, the closing summary, exit codes and the run folder it writes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceplan.cli.app import app
from forceplan.io.csv_folder import write_folder
from forceplan.io.records import from_records
from forceplan.results.contract import EXPLAIN_TABLES, PLAN_TABLES
from forceplan.synthetic import generate
from tests.checker import check_run
from tests.scenarios import small_records

runner = CliRunner()


def _contract_complete(run: Path) -> None:
    assert (run / "summary.json").is_file()
    assert (run / "plan.xlsx").is_file()
    assert (run / "scenario" / "scenario.yaml").is_file()
    for name, columns in PLAN_TABLES.items():
        frame = pd.read_csv(run / "plan" / f"{name}.csv")
        assert list(frame.columns[: len(columns)]) == columns, name


def _cost_line(run: Path) -> str:
    """The 'total cost by stream' line, computed here from plan/budgets.csv."""
    spent = pd.read_csv(run / "plan" / "budgets.csv").groupby("stream")["spent"].sum()
    parts = ", ".join(f"{s} {v:,.1f}" for s, v in spent.items())
    return f"total cost by stream (USD million): {parts}; total {spent.sum():,.1f}"


def _infeasible_folder(tmp_path: Path) -> Path:
    """The small scenario with an artillery floor no plan can reach in 2026."""
    header, tables = small_records()
    tables["requirements"][0]["minimum"] = 1000  # artillery, 2026: far above any reachable force
    s = from_records(header, tables)
    return write_folder(s.header, s.tables, tmp_path / "infeasible")


def test_plan_small_scenario_end_to_end(tmp_path: Path, small_folder: Path) -> None:
    run = tmp_path / "run"
    r = runner.invoke(app, ["plan", str(small_folder), "--out", str(run), "--write-lp"])
    assert r.exit_code == 0, r.output
    out = r.output
    for phase in ("load", "validate", "build", "solve", "extract", "write"):
        assert re.search(rf"^{phase}\s+\d+\.\d\d s$", out, re.M), phase
    assert re.search(r"^solve:shortfall\s+\d+\.\d\d s$", out, re.M)
    assert "status: optimal" in out
    assert "NOTIONAL: 'small test scenario' is a notional scenario" in out
    interop = pd.read_csv(run / "plan" / "interoperability.csv").sort_values("period")
    first, last = interop["index"].iloc[0], interop["index"].iloc[-1]
    assert f"interoperability index: {first:.3f} in 2026, {last:.3f} in 2028" in out
    assert "shortfalls: none" in out
    assert _cost_line(run) in out
    assert f"run written to {run}" in out
    _contract_complete(run)
    summary = json.loads((run / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["options"]["mode"] == "lexicographic"
    assert {"load", "validate", "build", "solve", "extract", "write"} <= set(summary["timings"])
    split = [summary["timings"][f"explain:{k}"] for k in ("formations", "binding", "remedies")]
    assert all(x >= 0 for x in split) and sum(split) <= summary["timings"]["explain"] + 1e-6
    assert summary["scenario"]["origin"] == str(small_folder)
    lp = (run / "model.lp").read_text()
    assert "stock_balance(d20,2026)" in lp
    assert "line_capacity(us-155,2027)" in lp
    assert check_run(run) == []
    # issue 4: the plan explains itself: formations, levels, what binds, and the report
    for name, columns in EXPLAIN_TABLES.items():
        frame = pd.read_csv(run / "plan" / f"{name}.csv")
        assert list(frame.columns[: len(columns)]) == columns, name
        assert name in openpyxl.load_workbook(run / "plan.xlsx", read_only=True).sheetnames
    formations = pd.read_csv(run / "plan" / "formations.csv")
    stock = pd.read_csv(run / "plan" / "stock.csv")
    # the allocation never hands out more than the force holds, per period and type
    held = stock.set_index(["period", "equipment"])["quantity"]
    given = formations.groupby(["period", "equipment"])["quantity"].sum()
    assert (given <= held.reindex(given.index) + 1e-6).all()
    levels = pd.read_csv(run / "plan" / "formation_levels.csv")
    assert set(levels["formation"]) == {"art-1", "ad-1"}
    assert levels["level"].between(0, 3).all()
    binding = pd.read_csv(run / "plan" / "binding.csv")
    if len(binding):
        first = binding.iloc[0]
        head = f"what binds most ({first['stage']} stage, in {first['goal']}):"
        assert f"{head}\n  - {first['text']}" in out
    else:  # the small plan is far inside every limit
        assert "what binds most" not in out
    assert (run / "report.html").is_file() and f"report: {run / 'report.html'}" in out
    assert not (run / "charts").exists()  # PNG charts only with --png (issue 10)
    assert {"explain", "report"} <= set(re.findall(r"^(\w+)\s+\d+\.\d\d s$", out, re.M))


def test_infeasible_variant_yields_a_plan_and_shortfalls_in_words(tmp_path: Path) -> None:
    folder = _infeasible_folder(tmp_path)
    run = tmp_path / "run"
    r = runner.invoke(app, ["plan", str(folder), "--out", str(run)])
    assert r.exit_code == 0, r.output
    cap = pd.read_csv(run / "plan" / "capability.csv")
    art = cap[(cap["role"] == "artillery") & (cap["period"] == 2026)].iloc[0]
    assert art["floor"] == 1000
    assert art["shortfall"] == pytest.approx(1000 - art["capability"], abs=1e-5)
    assert art["shortfall"] > 900
    shortfalls = pd.read_csv(run / "plan" / "shortfalls.csv")
    row = shortfalls[shortfalls["constraint"] == "capability-floor"].iloc[0]
    assert row["coordinates"] == "role=artillery, period=2026"
    assert row["amount"] == pytest.approx(art["shortfall"])
    assert f"shortfalls ({len(shortfalls)}):" in r.output
    assert f"  - {row['text']}" in r.output
    assert row["text"].startswith("artillery capability in 2026 is ")
    assert row["text"].endswith("points below its floor of 1,000")
    assert check_run(run) == []
    # --strict: the same plan is written, and the shortfalls make the exit code 3
    strict = tmp_path / "strict"
    r = runner.invoke(app, ["plan", str(folder), "--out", str(strict), "--strict"])
    assert r.exit_code == 3, r.output
    assert "--strict" in r.output
    assert (strict / "summary.json").is_file()


def test_strict_without_shortfalls_exits_0(tmp_path: Path, small_folder: Path) -> None:
    r = runner.invoke(app, ["plan", str(small_folder), "--out", str(tmp_path / "r"), "--strict"])
    assert r.exit_code == 0, r.output


def test_invalid_input_exits_1_and_writes_nothing(tmp_path: Path, small_folder: Path) -> None:
    lines = small_folder / "sources.csv"
    lines.write_text(
        lines.read_text().replace("us-m777,donor,USA,m777,10", "us-m777,donor,USA,m77,10")
    )
    run = tmp_path / "run"
    r = runner.invoke(app, ["plan", str(small_folder), "--out", str(run)])
    assert r.exit_code == 1, r.output
    assert "m77" in r.output
    assert "sources.csv" in r.output
    assert "1 error(s)" in r.output or "error(s)" in r.output
    assert not run.exists()


def test_existing_out_is_refused_without_force(tmp_path: Path, small_folder: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "keep.txt").write_text("mine")
    r = runner.invoke(app, ["plan", str(small_folder), "--out", str(run)])
    assert r.exit_code == 1
    assert "--force" in r.output
    assert (run / "keep.txt").read_text() == "mine"


def test_unknown_solver_is_no_plan(tmp_path: Path, small_folder: Path) -> None:
    run = tmp_path / "run"
    r = runner.invoke(app, ["plan", str(small_folder), "--out", str(run), "--solver", "nosuch"])
    assert r.exit_code == 2, r.output
    assert "nosuch" in r.output
    assert not run.exists()


def test_default_out_is_a_new_timestamped_folder_under_runs(
    tmp_path: Path, small_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # `forceplan` with no arguments plans the shipped scenario; stand the small one in for it
    monkeypatch.setattr("forceplan.examples.notional_path", lambda: small_folder)
    r = runner.invoke(app, [])
    assert r.exit_code == 0, r.output
    runs = list((tmp_path / "runs").iterdir())
    assert len(runs) == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d{6}-small-test-scenario", runs[0].name)
    assert f"run written to {Path('runs') / runs[0].name}" in r.output
    _contract_complete(runs[0])


@pytest.mark.slow
def test_notional_scenario_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["plan"])  # the README's main command
    assert r.exit_code == 0, r.output
    (run,) = (tmp_path / "runs").iterdir()
    assert run.name.endswith("-notional-ukraine-force-transition")
    _contract_complete(run)
    summary = json.loads((run / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["scenario"]["name"] == "Notional Ukraine force transition"
    assert summary["scenario"]["notional"] is True
    assert summary["scenario"]["period_labels"][0] == 2026
    assert summary["solver"]["name"] == "highs"
    assert summary["objective"]["shortfall"] >= 0
    assert "NOTIONAL" in r.output
    assert _cost_line(run) in r.output
    # the summary is not wrapped mid-phrase when the output is not a terminal
    levels = pd.read_csv(run / "plan" / "formation_levels.csv")
    last = levels[levels["period"] == levels["period"].max()]
    counts = last["level"].astype(int).value_counts().sort_index()
    text = ", ".join(f"{n} at level {lvl}" for lvl, n in counts.items())
    assert f"formation interoperability levels in {last['period'].iloc[0]}: {text}\n" in r.output
    shortfalls = pd.read_csv(run / "plan" / "shortfalls.csv")
    if len(shortfalls):
        assert shortfalls["text"].iloc[0] in r.output
    else:
        assert "shortfalls: none" in r.output
    assert check_run(run) == []


@pytest.fixture(scope="module")
def large_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated scenario large enough that its first stage takes well over a second."""
    s = generate(500, 40, 10, 25, seed=0)
    return write_folder(s.header, s.tables, tmp_path_factory.mktemp("large") / "large")


@pytest.mark.slow
def test_one_second_time_limit_is_honest(tmp_path: Path, large_folder: Path) -> None:
    run = tmp_path / "run"
    r = runner.invoke(app, ["plan", str(large_folder), "--out", str(run), "--time-limit", "1"])
    if r.exit_code == 2:  # no plan found within a second: said so, nothing written
        assert "no plan could be produced (status time_limit)" in r.output
        assert "--time-limit" in r.output
        assert not run.exists()
    else:  # a plan found within a second: written with its honest status and gap
        assert r.exit_code == 0, r.output
        summary = json.loads((run / "summary.json").read_text())
        assert summary["status"] == "time_limit"
        assert "status: time_limit" in r.output
        assert check_run(run) == []


@pytest.mark.slow
def test_ctrl_c_during_the_solve_leaves_nothing(tmp_path: Path, large_folder: Path) -> None:
    out = tmp_path / "runs" / "interrupted"
    exe = Path(sys.executable).parent / "forceplan"
    proc = subprocess.Popen(
        [str(exe), "plan", str(large_folder), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    seen = []
    deadline = time.monotonic() + 120
    for line in proc.stdout:
        seen.append(line)
        if line.startswith("solve:shortfall"):
            break
        assert time.monotonic() < deadline, "".join(seen)
    time.sleep(0.5)
    assert proc.poll() is None, "".join(seen)  # still solving
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, "".join(seen) + rest + err
    assert "interrupted: nothing was written." in err
    assert not out.exists()
    parent = out.parent
    assert not parent.exists() or list(parent.iterdir()) == []
