"""`forceplan plan` under faults: kills at every phase, concurrent runs, bad --out.

A run folder is either absent or complete, the message says which, and no
temporary folder outlives the next run. The child processes run
:mod:`tests.cli.plan_driver`, which holds a chosen phase so that each signal
lands in exactly that phase.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceplan.cli.app import app
from forceplan.io.csv_folder import write_folder
from forceplan.io.run_folder import read_run_folder
from tests.checker import check_run
from tests.scenarios import small_scenario

ROOT = Path(__file__).resolve().parents[2]
PHASES = ["load", "validate", "build", "solve", "explain", "write", "report"]
SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGKILL": signal.SIGKILL}
EXIT = {"SIGINT": 130, "SIGTERM": 143, "SIGKILL": -signal.SIGKILL}

runner = CliRunner()


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    s = small_scenario()
    return write_folder(s.header, s.tables, tmp_path_factory.mktemp("fault") / "small")


def _child(
    phase: str, args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.cli.plan_driver", phase, "plan", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT), **(env or {})},
    )


def _temporaries(folder: Path) -> list[str]:
    """Hidden temporary entries (``.NAME.<pid>@<host>.….tmp``) anywhere under *folder*."""
    return sorted(str(p) for p in folder.rglob(".*.tmp")) if folder.exists() else []


def _complete(run: Path) -> None:
    read_run_folder(run)  # raises RunFolderError when a piece is missing
    assert check_run(run) == []


KILLS = [(phase, sig) for phase in PHASES for sig in ("SIGINT", "SIGTERM")] + [
    (phase, "SIGKILL") for phase in ("solve", "write", "report")
]
"""Every phase under Ctrl-C and SIGTERM; SIGKILL where something is being written or is out."""


@pytest.mark.slow
@pytest.mark.parametrize(("phase", "sig"), KILLS, ids=[f"{p}-{s}" for p, s in KILLS])
def test_a_kill_at_any_phase_leaves_a_complete_run_or_nothing_and_says_which(
    phase: str, sig: str, scenario_dir: Path, tmp_path: Path
) -> None:
    runs = tmp_path / "runs"
    out = runs / "run"
    proc = _child(phase, [str(scenario_dir), "--out", str(out)], ROOT)
    assert proc.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + 120
    for line in proc.stdout:
        seen.append(line)
        if line.strip() == f"HELD {phase}":
            break
        assert time.monotonic() < deadline, "".join(seen)
    else:
        pytest.fail("the child ended before the phase: " + "".join(seen) + proc.stderr.read())  # type: ignore[union-attr]
    proc.send_signal(SIGNALS[sig])
    rest, err = proc.communicate(timeout=60)
    output = "".join(seen) + rest + err
    assert proc.returncode == EXIT[sig], output
    assert "Traceback" not in output
    if phase == "report":  # the run folder was in place before the report began
        _complete(out)
        assert not (out / "report.html").exists()
        if sig != "SIGKILL":
            assert f"the run folder {out} was already written and is complete" in err, output
            assert f"forceplan report {out}" in err
    else:
        assert not out.exists(), output
        if sig != "SIGKILL":
            assert "nothing was written." in err, output
    if sig == "SIGTERM":
        assert "stopped by SIGTERM" in err
    if sig == "SIGKILL" and phase == "write":
        assert _temporaries(runs), "the kill during the write should leave its temporary folder"
        # the next run into the same folder removes what the dead one left
        nxt = _child("none", [str(scenario_dir), "--out", str(runs / "next"), "--no-report"], ROOT)
        _, err2 = nxt.communicate(timeout=120)
        assert nxt.returncode == 0, err2
        _complete(runs / "next")
    assert _temporaries(runs) == []


@pytest.mark.slow
def test_two_plans_to_the_same_out_never_replace_each_other(
    scenario_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "runs" / "same"
    args = [str(scenario_dir), "--out", str(out), "--no-report"]
    procs = [_child("none", args, ROOT) for _ in range(2)]
    results = [p.communicate(timeout=180) for p in procs]
    codes = sorted(p.returncode for p in procs)
    text = "\n".join(o + e for o, e in results)
    assert codes == [0, 1], text
    loser = next(o + e for p, (o, e) in zip(procs, results, strict=True) if p.returncode == 1)
    assert re.search(r"(already exists|appeared while this run was being written)", loser), loser
    assert "run written to" not in loser
    _complete(out)
    assert _temporaries(out.parent) == []


@pytest.mark.slow
def test_two_default_runs_in_the_same_second_both_survive(
    scenario_dir: Path, tmp_path: Path
) -> None:
    env = {"FORCEPLAN_TEST_NOW": "2026-12-01T101500"}
    args = [str(scenario_dir), "--no-report", "--no-explain"]
    procs = [_child("none", args, tmp_path, env) for _ in range(2)]
    results = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    runs = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert runs == [
        "2026-12-01T101500-small-test-scenario",
        "2026-12-01T101500-small-test-scenario-2",
    ]
    written = sorted(
        re.search(r"run written to (.+)", o).group(1)  # type: ignore[union-attr]
        for o, _ in results
    )
    assert written == [str(Path("runs") / r) for r in runs]
    for r in runs:
        _complete(tmp_path / "runs" / r)


@pytest.mark.parametrize("where", ["same", "parent", "inside"])
def test_out_may_not_be_hold_or_lie_in_the_scenario(
    where: str, tmp_path: Path, scenario_dir: Path
) -> None:
    import shutil

    scen = Path(shutil.copytree(scenario_dir, tmp_path / "analyst" / "scen"))
    (scen / "notes.txt").write_text("the analyst's notes")
    out = {"same": scen, "parent": scen.parent, "inside": scen / "runs" / "x"}[where]
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    r = runner.invoke(app, ["plan", str(scen), "--out", str(out), "--force"])
    assert r.exit_code == 1, r.output
    assert "the scenario" in r.output and "Fix:" in r.output
    assert "solve" not in r.output  # refused before any work
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert (scen / "notes.txt").read_text() == "the analyst's notes"


def test_an_unwritable_out_is_refused_before_the_solve(tmp_path: Path, scenario_dir: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    r = runner.invoke(app, ["plan", str(scenario_dir), "--out", str(blocker / "run")])
    assert r.exit_code == 1, r.output
    assert "is not a folder" in r.output and "Fix:" in r.output
    assert not re.search(r"^solve", r.output, re.M)  # the solve never started
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
