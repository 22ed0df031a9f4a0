"""`forceplan plan` records its runs; `forceplan runs list/show`; `forceplan users add`."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceplan.cli.app import app

runner = CliRunner()


def _env(home: Path, **extra: str) -> dict[str, str]:
    return {"FORCEPLAN_HOME": str(home), "FORCEPLAN_ARCHIVE": "on", "COLUMNS": "200", **extra}


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One `forceplan plan` of the small scenario with the archive in a tmp home."""
    from forceplan.io.csv_folder import write_folder
    from tests.scenarios import small_scenario

    base = tmp_path_factory.mktemp("cli-archive")
    s = small_scenario()
    folder = write_folder(s.header, s.tables, base / "small")
    home, run = base / "home", base / "run"
    result = runner.invoke(
        app, ["plan", str(folder), "--out", str(run), "--no-report"], env=_env(home)
    )
    assert result.exit_code == 0, result.output
    return home, run


def test_plan_records_the_run_and_runs_list_and_show_print_it(planned: tuple[Path, Path]) -> None:
    home, run = planned
    summary = json.loads((run / "summary.json").read_text())
    with sqlite3.connect(home / "archive.sqlite") as conn:
        rows = conn.execute(
            "select id, status, plan_status, scenario_hash, run_dir from runs"
        ).fetchall()
    assert rows == [(1, "done", "optimal", summary["scenario"]["hash"], str(run.resolve()))]
    with sqlite3.connect(home / "archive.sqlite") as conn:
        audited = conn.execute("select action, target from audit_log").fetchall()
    assert audited == [("run.record", "run:1")]
    listed = runner.invoke(app, ["runs", "list"], env=_env(home))
    assert listed.exit_code == 0
    head, line = listed.output.splitlines()
    assert head.split("\t")[:5] == ["id", "when", "who", "from", "status"]
    fields = line.split("\t")
    assert fields[0] == "1" and fields[3:7] == ["cli", "done", "optimal", "small test scenario"]
    assert fields[7] == summary["scenario"]["hash"][:19] and fields[8] == str(run.resolve())
    shown = runner.invoke(app, ["runs", "show", "1"], env=_env(home))
    assert shown.exit_code == 0
    assert summary["scenario"]["hash"] in shown.output and str(run.resolve()) in shown.output
    assert f"forceplan:     {summary['forceplan_version']}" in shown.output
    missing = runner.invoke(app, ["runs", "show", "99"], env=_env(home))
    assert missing.exit_code == 1 and "no run 99" in missing.output


def test_archive_off_records_nothing(tmp_path: Path, small_folder: Path) -> None:
    home = tmp_path / "home"
    result = runner.invoke(
        app,
        ["plan", str(small_folder), "--out", str(tmp_path / "run"), "--no-report", "--no-explain"],
        env=_env(home, FORCEPLAN_ARCHIVE="off"),
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "summary.json").is_file() and not home.exists()


def test_an_unreachable_archive_warns_and_keeps_the_run(tmp_path: Path, small_folder: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(
        app,
        ["plan", str(small_folder), "--out", str(tmp_path / "run"), "--no-report", "--no-explain"],
        env=_env(tmp_path, FORCEPLAN_DATABASE_URL=f"sqlite:///{blocker}/sub/archive.sqlite"),
    )
    assert result.exit_code == 0, result.output
    assert "could not be recorded in the archive" in result.output
    assert (tmp_path / "run" / "plan" / "stock.csv").is_file()


def test_users_add_prints_a_token_once_and_stores_its_hash(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["users", "add", "marta", "--role", "planner", "-w", "poland"], env=_env(tmp_path)
    )
    assert result.exit_code == 0, result.output
    token = next(w for w in result.output.split() if w.startswith("fp_"))
    with sqlite3.connect(tmp_path / "archive.sqlite") as conn:
        (stored,) = conn.execute("select token_hash from tokens").fetchone()
        (role,) = conn.execute("select role from users where name='marta'").fetchone()
        actions = [a for (a,) in conn.execute("select action from audit_log")]
    assert stored == hashlib.sha256(token.encode()).hexdigest() and role == "planner"
    assert actions == ["user.add"]
    again = runner.invoke(app, ["users", "add", "marta"], env=_env(tmp_path))
    assert again.exit_code == 1 and "already exists" in again.output
    bad = runner.invoke(app, ["users", "add", "jan", "--role", "general"], env=_env(tmp_path))
    assert bad.exit_code == 1 and "unknown role" in bad.output
    revoked = runner.invoke(app, ["users", "revoke", "marta"], env=_env(tmp_path))
    assert revoked.exit_code == 0 and "revoked 1 token" in revoked.output
