"""No failure in explain or report discards a solved plan: the run folder is written and the
message says what is missing and why (`forceplan plan` on the small scenario)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from forceplan.cli.app import app
from forceplan.domain.scenario import Scenario
from forceplan.io.csv_folder import write_folder

runner = CliRunner()


def plan_folder(folder: Path, out: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["plan", str(folder), "--out", str(out), "--no-report"])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_tiny_allocation_limit_keeps_the_plan_with_an_lp_rounded_allocation(
    tmp_path: Path, small: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    import forceplan.allocate.model as model

    # the small scenario's LP-rounded start meets its LP bound (and HiGHS proves it in
    # presolve whatever the limit); pretend it is far from it, with no search allowed, so the
    # LP-rounded assignment is all the allocation has (tests/allocate has the real MILP case)
    monkeypatch.setattr(model, "_relative_gap", lambda value, bound: 1.0)
    header = small.header.model_copy(deep=True)
    header.solver.allocation_time_limit = 1e-6
    header.solver.allocation_max_nodes = 0
    folder = write_folder(header, small.tables, tmp_path / "scenario")
    code, output = plan_folder(folder, tmp_path / "run")
    assert code == 0, output
    run = tmp_path / "run"
    assert (run / "plan" / "stock.csv").is_file()
    formations = pd.read_csv(run / "plan" / "formations.csv")
    assert formations["quantity"].sum() > 0  # the LP-rounded assignment, not nothing
    message = json.loads((run / "summary.json").read_text())["message"]
    assert "uses the LP-rounded assignment" in message
    assert "LP-rounded" in output


def test_a_failing_allocation_and_report_leave_the_plan_and_say_what_is_missing(
    tmp_path: Path, small_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import forceplan.explain.tables as tables
    import forceplan.report as report

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(tables, "allocate", broken)
    monkeypatch.setattr(report, "write_report", broken)
    out = tmp_path / "run"
    result = runner.invoke(app, ["plan", str(small_folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "plan" / "stock.csv").is_file() and (out / "plan" / "binding.csv").is_file()
    assert not (out / "plan" / "formations.csv").exists()
    assert not (out / "report.html").exists()
    message = json.loads((out / "summary.json").read_text())["message"]
    assert "formations.csv, formation_gaps.csv and formation_levels.csv are missing" in message
    assert "simulated failure" in message
    assert "report.html is missing" in message
    assert "run written to" in result.output


@pytest.mark.parametrize("tiny_limit", ["pricing_time_limit", "remedy_time_limit"])
def test_explanation_lps_past_their_time_keep_the_plan_and_say_so(
    tmp_path: Path, tiny_limit: str
) -> None:
    # no explanation LP may outlast the header's limits (nor the run's --time-limit): with
    # a limit HiGHS cannot meet, what binds and/or what closes the gaps are left out, in
    # words. The scenario of tests/explain/test_remedies.py whose budget leaves 12 points short.
    from tests.explain.test_duals import tiny
    from tests.explain.test_remedies import FLOOR, WIDE_LINE

    budget = [{"stream": "ua-mod", "owner": "Ukraine", "period": 2026, "amount": 4}]
    scenario = tiny(requirements=FLOOR, lines=WIDE_LINE, budgets=budget)
    header = scenario.header.model_copy(deep=True)
    setattr(header.solver, tiny_limit, 1e-9)
    folder = write_folder(header, scenario.tables, tmp_path / "scenario")
    code, output = plan_folder(folder, tmp_path / "run")
    assert code == 0, output
    plan = tmp_path / "run" / "plan"
    assert pd.read_csv(plan / "shortfalls.csv")["amount"].tolist() == [12]
    assert (plan / "stock.csv").is_file() and (plan / "formations.csv").is_file()
    assert not (plan / "remedies.csv").exists()
    message = json.loads((tmp_path / "run" / "summary.json").read_text())["message"]
    assert "plan/remedies.csv is missing" in message
    if tiny_limit == "pricing_time_limit":
        assert not (plan / "binding.csv").exists()
        assert "plan/binding.csv is missing" in message and "solver.pricing_time_limit" in message
        assert "could not solve in time" in message  # the remedies' LP is the same: not tried
    else:
        assert (plan / "binding.csv").is_file() and "binding.csv is missing" not in message
        assert "solver.remedy_time_limit" in message
