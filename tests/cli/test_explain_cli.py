"""`forceplan explain RUNDIR [--iis]` on real runs: the small scenario, an infeasible variant,
and (slow) the notional scenario and a variant with its budgets halved."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

import forceplan
from forceplan.cli.app import app
from forceplan.domain.scenario import Scenario
from forceplan.explain.tables import EXPLAIN_TABLES
from forceplan.io.records import from_records
from tests.scenarios import small_records

runner = CliRunner()


def explain(*args: str) -> Result:
    result = runner.invoke(app, ["explain", *args])
    assert "Traceback" not in result.output
    return result


def saved_run(scenario: Scenario, dest: Path) -> Path:
    p = forceplan.plan(scenario)
    assert p.has_plan, p.message
    return p.save(dest)


def test_explain_small_run_prints_and_saves_the_tables(tmp_path: Path, small: Scenario) -> None:
    run = saved_run(small, tmp_path / "run")
    r = explain(str(run))
    assert r.exit_code == 0, r.output
    out = r.output
    assert "NOTIONAL scenario" in out
    assert "What binds (shadow prices, integer decisions fixed):" in out
    # the small plan meets its floors and slots with donations and a little line output, far
    # inside every limit: no budget, line or pipeline binds in the cost stage
    assert "nothing binds: no budget, line, donation, pipeline or floor limits the plan" in out
    assert "Shortfalls:\n  none" in out
    assert "2028: 1 at level 1, 1 at level 3" in out  # the regiment's NASAMS hold link16
    assert (
        "wrote plan/formations.csv, plan/formation_gaps.csv, plan/formation_levels.csv, "
        "plan/binding.csv" in out
    )
    for name, columns in EXPLAIN_TABLES.items():
        frame = pd.read_csv(run / "plan" / f"{name}.csv")
        assert list(frame.columns[: len(columns)]) == columns, name
    # a second run reads the saved tables instead of computing them
    again = explain(str(run))
    assert again.exit_code == 0
    assert "wrote" not in again.output
    first = out.split("What binds")[1].split("\nwrote")[0]
    assert again.output.split("What binds")[1].strip() == first.strip()


def test_explain_iis_on_an_infeasible_variant(tmp_path: Path) -> None:
    header, tables = small_records()
    tables["requirements"][0]["minimum"] = 1000  # artillery 2026: far beyond reach
    run = saved_run(from_records(header, tables), tmp_path / "run")
    r = explain(str(run), "--iis", "--no-write")
    assert r.exit_code == 0, r.output
    assert "artillery capability in 2026 is" in r.output  # the shortfall in words
    iis = r.output.split("Infeasible subset (--iis):")[1]
    assert (
        "artillery capability must reach its floor in 2026 (capability-floor[role=artillery, "
        "period=2026], lower row; requirements.csv row(s) 2)" in iis
    )
    assert "no artillery capability shortfall allowed in 2026" in iis
    assert not (run / "plan" / "binding.csv").exists()  # --no-write


def test_explain_rejects_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    r = explain(str(tmp_path))
    assert r.exit_code == 1
    assert "not a complete run folder" in r.output


@pytest.mark.slow
@pytest.mark.parametrize("budget_factor", [1.0, 0.2])
def test_explain_notional_runs(tmp_path: Path, budget_factor: float) -> None:
    s = forceplan.examples.notional()
    s.tables["budgets"]["amount"] = s.tables["budgets"]["amount"] * budget_factor
    run = saved_run(s, tmp_path / "run")
    r = explain(str(run))
    assert r.exit_code == 0, r.output
    assert "NOTIONAL scenario" in r.output
    binding = pd.read_csv(run / "plan" / "binding.csv")
    levels = pd.read_csv(run / "plan" / "formation_levels.csv")
    gaps = pd.read_csv(run / "plan" / "formation_gaps.csv")
    formations = pd.read_csv(run / "plan" / "formations.csv")
    n_formations = len(s.tables["formations"])
    assert len(levels) == n_formations * s.header.periods
    assert set(levels["level"]) <= {0, 1, 2, 3}
    # every assigned unit is in service, and no formation holds more than its slots
    stock = pd.read_csv(run / "plan" / "stock.csv").set_index(["period", "equipment"])["quantity"]
    used = formations.groupby(["period", "equipment"])["quantity"].sum()
    assert (used <= stock.reindex(used.index) + 1e-6).all()
    assert (gaps["filled"] <= gaps["slots"]).all()
    assert binding["text"].str.len().gt(0).all()
    if budget_factor < 1:  # with a fifth of the money, budgets bind and are priced
        budgets = binding[binding["constraint"] == "budget-limit"]
        assert len(budgets) > 0 and (budgets["dual"] > 0).all()
        assert (
            budgets["text"].str.contains(r"budget in \d{4} binds: each extra 10 USD million").all()
        )
