"""`forceplan convert` and `forceplan template`."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from forceplan.cli.app import app

runner = CliRunner()


def test_convert_folder_to_workbook_and_back(tmp_path: Path, small_folder: Path) -> None:
    xlsx = tmp_path / "s.xlsx"
    r = runner.invoke(app, ["convert", str(small_folder), str(xlsx)])
    assert r.exit_code == 0, r.output
    back = tmp_path / "back"
    r = runner.invoke(app, ["convert", str(xlsx), str(back)])
    assert r.exit_code == 0, r.output
    for f in small_folder.iterdir():
        assert (back / f.name).read_bytes() == f.read_bytes(), f.name


def test_convert_refuses_to_overwrite_without_force(tmp_path: Path, small_folder: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    r = runner.invoke(app, ["convert", str(small_folder), str(out)])
    assert r.exit_code == 1
    assert "--force" in r.output
    assert (out / "keep.txt").read_text() == "mine"
    r = runner.invoke(app, ["convert", str(small_folder), str(out), "--force"])
    assert r.exit_code == 0
    assert not (out / "keep.txt").exists()
    assert (out / "equipment.csv").is_file()


def test_convert_invalid_scenario_writes_nothing(tmp_path: Path, small_folder: Path) -> None:
    (small_folder / "lines.csv").write_text("id,country\n")  # drops required columns
    out = tmp_path / "x.xlsx"
    r = runner.invoke(app, ["convert", str(small_folder), str(out)])
    assert r.exit_code == 1
    assert "column-missing" in r.output
    assert not out.exists()
    assert list(tmp_path.glob(".x.xlsx*")) == []


def test_template_writes_a_workbook_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "blank.xlsx"
    r = runner.invoke(app, ["template", str(out)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["validate", str(out)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["template", str(tmp_path / "blank.csv")])
    assert r.exit_code == 1
