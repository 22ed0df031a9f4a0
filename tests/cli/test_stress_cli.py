"""`forceplan stress RUNDIR` on a real small run: files, determinism, report, old folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import forceplan
from forceplan.cli.app import app
from forceplan.io.records import from_records
from forceplan.uncertainty.run import STRESS_FILES
from tests.scenarios import small_records
from tests.uncertainty.test_draw import FACTORS

runner = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    header, tables = small_records()
    tables["uncertainty"] = FACTORS
    plan = forceplan.plan(from_records(header, tables), time_limit=60)
    assert plan.has_plan
    return plan.save(tmp_path_factory.mktemp("stress") / "run")


def test_stress_writes_the_stress_folder_and_the_report(run: Path) -> None:
    r = runner.invoke(app, ["stress", str(run), "--samples", "300", "--seed", "3"])
    assert r.exit_code == 0, r.output
    assert "NOTIONAL" in r.output and "sampled futures" in r.output
    assert "stress test written to" in r.output and "report.html" in r.output
    folder = run / "stress"
    assert sorted(p.name for p in folder.iterdir()) == sorted(STRESS_FILES)
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["samples"] == 300 and summary["seed"] == 3
    assert summary["factors"] == len(FACTORS)
    samples = pd.read_parquet(folder / "samples.parquet")
    assert len(samples) == 300
    assert {f"factor:{f['id']}" for f in FACTORS} <= set(samples.columns)
    assert {"breach", "dry", "spend_total", "interoperability_last"} <= set(samples.columns)
    cap = pd.read_csv(folder / "capability.csv")
    assert list(cap.columns[:8]) == ["period", "role", "floor", "plan", "p05", "p50", "p95", "mean"]
    assert cap["p_below_floor"].between(0, 1).all()
    assert (cap["p05"] <= cap["p50"] + 1e-9).all() and (cap["p50"] <= cap["p95"] + 1e-9).all()
    ammo = pd.read_csv(folder / "ammunition.csv")
    assert list(ammo.columns[:3]) == ["period", "munition", "p_dry"]
    periods = pd.read_csv(folder / "periods.csv")
    assert "interoperability_p50" in periods and "spend_p05" in periods
    assert "formation_fill_p95" in periods
    # the breach share of the summary is the share of sampled futures with a breach
    assert summary["p_any_floor_breached"] == pytest.approx(samples["breach"].mean())
    html = (run / "report.html").read_text()
    assert 'id="stress"' in html and "Stress test: capability in sampled futures" in html


def test_same_seed_same_samples_and_no_report_flag(run: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(run, copy)
    for dest in (run, copy):
        r = runner.invoke(
            app, ["stress", str(dest), "--samples", "120", "--seed", "9", "--no-report"]
        )
        assert r.exit_code == 0, r.output
        assert "forceplan report" in r.output
    a = pd.read_parquet(run / "stress" / "samples.parquet")
    b = pd.read_parquet(copy / "stress" / "samples.parquet")
    pd.testing.assert_frame_equal(a, b)


def test_not_a_run_folder_and_a_run_without_uncertainty(run: Path, tmp_path: Path) -> None:
    r = runner.invoke(app, ["stress", str(tmp_path / "nope")])
    assert r.exit_code == 1 and "not a run folder" in r.output
    old = tmp_path / "old"
    shutil.copytree(run, old)
    (old / "scenario" / "uncertainty.csv").unlink()  # a run folder from before the table
    r = runner.invoke(app, ["stress", str(old), "--samples", "10", "--no-report"])
    assert r.exit_code == 0, r.output
    assert "no uncertainty table" in r.output
    cap = pd.read_csv(old / "stress" / "capability.csv")
    assert (cap["p05"] == cap["p95"]).all()  # every future is the plan's own


def test_the_deck_gets_a_stress_slide(run: Path, tmp_path: Path) -> None:
    from pptx import Presentation

    r = runner.invoke(app, ["stress", str(run), "--samples", "200", "--no-report"])
    assert r.exit_code == 0, r.output
    deck = tmp_path / "b.pptx"
    r = runner.invoke(app, ["brief", str(run), "--out", str(deck)])
    assert r.exit_code == 0, r.output
    last = Presentation(str(deck)).slides[-1]
    texts = [s.text_frame.text for s in last.shapes if s.has_text_frame]
    assert texts[0] == "Stress test: where the plan fails"
    assert any("sampled futures" in t for t in texts)
    assert any(s.shape_type == 13 for s in last.shapes)  # the fan chart picture
