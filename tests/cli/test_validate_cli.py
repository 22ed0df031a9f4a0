"""`forceplan validate`: exit codes, and one plain line per problem with its location and fix."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from forceplan.cli.app import app
from forceplan.domain.scenario import Scenario
from forceplan.io.excel import write_workbook
from forceplan.io.load import validate_path
from tests.validate.test_corpus import add_column, all_of, header_yaml, set_cell, xl_set

LINE = re.compile(r"^(error|warning): \[([a-z-]+)\] (.+)$")
"""A problem line of the plain-text output: severity, rule, location + message + fix."""


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, ["validate", *args])
    assert "Traceback" not in result.output
    if result.exit_code:
        assert isinstance(result.exception, SystemExit), result.exception
    else:
        assert result.exception is None, result.exception
    return result


def problem_lines(output: str) -> list[re.Match[str]]:
    return [m for m in map(LINE.match, output.splitlines()) if m]


@pytest.fixture
def folder(small_folder: Path, tmp_path: Path) -> Path:
    """A writable copy of the small scenario as a CSV folder."""
    return Path(shutil.copytree(small_folder, tmp_path / "scenario"))


@pytest.fixture
def workbook(small: Scenario, tmp_path: Path) -> Path:
    """The small scenario as a workbook."""
    return write_workbook(small.header, small.tables, tmp_path / "scenario.xlsx")


def test_a_valid_folder(folder: Path) -> None:
    result = run(str(folder))
    assert result.exit_code == 0
    assert problem_lines(result.output) == []
    assert f"{folder}: valid, no problems found" in result.output
    assert "NOTIONAL" in result.output


def test_a_valid_workbook(workbook: Path) -> None:
    result = run(str(workbook))
    assert result.exit_code == 0
    assert "valid, no problems found" in result.output


def test_the_header_file_stands_for_its_folder(folder: Path) -> None:
    assert run(str(folder / "scenario.yaml")).exit_code == 0


def test_one_plain_line_per_problem_with_location_and_fix(folder: Path) -> None:
    all_of(
        set_cell("equipment", 3, "combat_value", "abc"),
        set_cell("sources", 2, "quantity", "-5"),
        set_cell("inventory", 3, "equipment", "m77"),
        add_column("lines", "notes", "x"),
        header_yaml("start_year: 2026\n", "start_year: 2026\ncolour: red\n"),
    )(folder)
    result = run(str(folder))
    assert result.exit_code == 1
    assert "\x1b[" not in result.output  # plain text when not on a terminal
    lines = problem_lines(result.output)
    assert [(m[1], m[2]) for m in lines] == [
        ("error", "not-a-number"),
        ("error", "unknown-reference"),
        ("error", "header"),
        ("error", "negative"),
        ("warning", "column-unknown"),
    ]  # errors first, then by file and row
    texts = [m[3] for m in lines]
    assert texts[0].startswith("equipment.csv, row 3, column combat_value: 'abc' is not a number.")
    assert texts[1].startswith("inventory.csv, row 3, column equipment: 'm77' is not a known id")
    assert "Did you mean 'm777'?" in texts[1]
    assert texts[2].startswith("scenario.yaml, row 5, column colour: ")
    assert texts[3].startswith("sources.csv, row 2, column quantity: -5 is below")
    assert texts[4].startswith("lines.csv, row 1, column notes: ")
    assert all(" Fix: " in t for t in texts)
    _, problems = validate_path(folder)
    assert texts == [p.describe() for p in problems]
    assert result.output.rstrip().endswith(f"{folder}: 4 error(s), 1 warning(s)")


def test_workbook_lines_name_sheet_row_column_and_cell(workbook: Path) -> None:
    all_of(
        xl_set("equipment", 3, "combat_value", "=1+1"),
        xl_set("sources", 3, "lead_time", 9),
    )(workbook)
    result = run(str(workbook))
    assert result.exit_code == 1
    texts = [m[3] for m in problem_lines(result.output)]
    assert len(texts) == 2
    assert texts[0].startswith(
        "scenario.xlsx, sheet equipment, row 3, column combat_value (cell F3): cell holds a formula"
    )
    assert texts[1].startswith(
        "scenario.xlsx, sheet sources, row 3, column lead_time (cell I3): lead time 9 period(s)"
    )
    assert "Paste Special > Values" in texts[0]


def test_a_warning_alone_exits_0_and_is_printed(folder: Path) -> None:
    add_column("equipment", "colour", "green")(folder)
    result = run(str(folder))
    assert result.exit_code == 0
    (line,) = problem_lines(result.output)
    assert line[1] == "warning"
    assert line[2] == "column-unknown"
    assert line[3].startswith("equipment.csv, row 1, column colour: column 'colour' is not part")
    assert "0 error(s), 1 warning(s)" in result.output


def test_a_missing_path(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    ((severity, rule),) = [(m[1], m[2]) for m in problem_lines(result.output)]
    assert (severity, rule) == ("error", "not-found")
    assert "forceplan example" in result.output


def test_a_file_that_is_no_scenario(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    result = run(str(path))
    assert result.exit_code == 1
    assert [m[2] for m in problem_lines(result.output)] == ["not-a-scenario"]


def test_an_empty_folder_reports_every_missing_file(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run(str(tmp_path / "empty"))
    assert result.exit_code == 1
    lines = problem_lines(result.output)
    assert len(lines) == 18  # scenario.yaml and the 17 tables
    assert {m[2] for m in lines} == {"file-missing"}


def test_debug_does_not_change_the_verdict(folder: Path) -> None:
    set_cell("sources", 2, "lead_time", "3")(folder)
    result = CliRunner().invoke(app, ["--debug", "validate", str(folder)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert [m[2] for m in problem_lines(result.output)] == ["lead-time-beyond-horizon"]


def _many_unknown_references(folder: Path, n: int) -> None:
    inv = folder / "inventory.csv"
    lines = inv.read_text(encoding="utf-8").splitlines()
    width = lines[0].count(",")
    lines += [f"ghost-{i}" + ",1" * width for i in range(n)]
    inv.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_printed_problems_are_capped_and_all_go_to_the_errors_file(
    folder: Path, tmp_path: Path
) -> None:
    from forceplan.cli.common import MAX_PRINTED_PROBLEMS

    _many_unknown_references(folder, 120)
    _, problems = validate_path(folder)
    assert len(problems) >= 120
    r = run(str(folder))
    assert r.exit_code == 1
    assert len(problem_lines(r.output)) == MAX_PRINTED_PROBLEMS
    rest = len(problems) - MAX_PRINTED_PROBLEMS
    assert f"... and {rest:,} more problem(s) not shown" in r.output
    assert "--errors-file PATH" in r.output
    assert f"{len(problems)} error(s)" in r.output

    listing = tmp_path / "problems.csv"
    r = run(str(folder), "--errors-file", str(listing))
    assert f"all {len(problems):,} are in {listing}" in r.output
    import csv

    rows = list(csv.DictReader(listing.open(encoding="utf-8")))
    assert len(rows) == len(problems)
    assert [(row["rule"], row["file"], row["row"], row["column"]) for row in rows] == [
        (p.rule, p.file, str(p.row), p.column) for p in problems
    ]
    text = tmp_path / "problems.txt"
    run(str(folder), "--errors-file", str(text))
    assert text.read_text(encoding="utf-8").splitlines() == [
        f"{p.severity}: [{p.rule}] {p.describe()}" for p in problems
    ]


def test_the_terminal_table_prints_markup_and_emoji_codes_as_typed(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from forceplan.cli import common

    set_cell("inventory", 3, "equipment", ":x:[bold red]boom[/bold red]")(folder)
    buf = io.StringIO()
    monkeypatch.setattr(common.console, "_file", buf)  # not "file": it would pin the stream
    monkeypatch.setattr(common.console, "_force_terminal", True)
    monkeypatch.setattr(common.console, "_width", 400)
    _, problems = validate_path(folder)
    common.print_problems(problems, "s")
    out = re.sub(r"\x1b\[[0-9;]*m", "", buf.getvalue())  # colours of the table itself
    assert ":x:[bold red]boom[/bold red]" in out
    assert "\u274c" not in out  # the emoji ':x:' would become
