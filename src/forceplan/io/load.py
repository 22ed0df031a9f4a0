"""Load a scenario from a CSV folder or an Excel workbook, validating everything."""

from __future__ import annotations

import logging
from pathlib import Path

from forceplan.domain.scenario import Scenario
from forceplan.domain.schema import schemas
from forceplan.exceptions import ScenarioError
from forceplan.io.csv_folder import SourceData, read_folder
from forceplan.io.excel import read_workbook
from forceplan.io.raw import RawTable
from forceplan.validate.columns import ParsedTable, parse_table
from forceplan.validate.header import validate_header
from forceplan.validate.plan_rules import PLAN_RULES
from forceplan.validate.problems import Problem, sort_problems
from forceplan.validate.rules import RULES, Context
from forceplan.validate.uncertainty_rules import UNCERTAINTY_RULES

log = logging.getLogger(__name__)


def read_source(path: Path | str) -> SourceData:
    """Read a scenario folder or ``.xlsx`` workbook into raw tables (no validation)."""
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    if path.is_file():
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return read_workbook(path, path.name)
        if path.name == "scenario.yaml":
            return read_folder(path.parent)
        return SourceData(
            None,
            path.name,
            None,
            {},
            {},
            [
                Problem(
                    "error",
                    "not-a-scenario",
                    f"{path.name} is neither a scenario folder nor an .xlsx workbook.",
                    "pass the folder holding scenario.yaml and the table CSVs, or an .xlsx "
                    "workbook.",
                    file=path.name,
                )
            ],
        )
    return SourceData(
        None,
        str(path),
        None,
        {},
        {},
        [
            Problem(
                "error",
                "not-found",
                f"{path} does not exist.",
                "check the path; `forceplan example DIR` writes the notional scenario.",
                file=str(path),
            )
        ],
    )


def check_source(source: SourceData, rules: bool = True) -> tuple[Scenario | None, list[Problem]]:
    """Parse and validate raw source data.

    Returns
    -------
    Scenario or None, list of Problem
        The scenario when no problem is an error (it carries the warnings), and
        every problem found, sorted.
    """
    problems = list(source.problems)
    header = None
    header_unreadable = any(
        p.file == source.header_file
        and p.sheet == source.header_sheet
        and p.severity == "error"
        and p.rule
        in (
            "file-missing",
            "sheet-missing",
            "header-format",
            "encoding",
            "not-excel",
            "not-a-scenario",
            "not-found",
        )
        for p in problems
    )
    if not header_unreadable:
        header, hp = validate_header(
            source.header_data, source.header_file, source.header_sheet, source.header_lines
        )
        problems += hp
        if any(p.rule == "duplicate-setting" and p.severity == "error" for p in problems):
            header = None  # which of the two values was meant is unknown: no horizon from it
    periods = header.period_labels if header is not None else None
    parsed: dict[str, ParsedTable] = {}
    for name, schema in schemas().items():
        raw = source.tables.get(name)
        if raw is None and name in source.left_out:  # an optional table left out: empty
            in_book = source.header_sheet is not None
            raw = RawTable(
                name,
                source.header_file if in_book else f"{name}.csv",
                name if in_book else None,
                list(schema.column_names),
            )
        if raw is None:
            continue
        pt, probs = parse_table(raw, schema, periods)
        parsed[name] = pt
        problems += probs
    if rules and len(parsed) == len(schemas()):
        ctx = Context(header, parsed, source.header_file, source.header_sheet)
        # a cell that already holds an error is not reported again by a cross-table rule
        flagged = {
            (p.file, p.sheet, p.row, p.column)
            for p in problems
            if p.severity == "error" and p.row is not None and p.column is not None
        }
        for rule in [*RULES, *PLAN_RULES, *UNCERTAINTY_RULES]:
            problems += [
                p
                for p in rule(ctx)
                if p.severity != "error" or (p.file, p.sheet, p.row, p.column) not in flagged
            ]
    problems = sort_problems(_dedupe(_drop_consequences(source, problems)))
    if header is None or any(p.severity == "error" for p in problems):
        return None, problems
    scenario = Scenario(
        header=header,
        tables={n: pt.frame for n, pt in parsed.items()},
        warnings=[p for p in problems if p.severity == "warning"],
    )
    return scenario, problems


def _drop_consequences(source: SourceData, problems: list[Problem]) -> list[Problem]:
    """Drop later problems that only restate a formula-cell error at the same place.

    A formula cell is read as empty, so it is not also reported as a missing value
    at the same cell; a header setting whose value is a formula is not also
    reported as missing or invalid on the same row.
    """
    read = [
        p
        for p in source.problems
        if p.rule == "formula-cell" and p.severity == "error" and p.row is not None
    ]
    cells = {(p.file, p.sheet, p.row, p.column) for p in read if p.column is not None}
    header_rows = {
        p.row for p in read if p.file == source.header_file and p.sheet == source.header_sheet
    }
    n = len(source.problems)
    return problems[:n] + [
        p
        for p in problems[n:]
        if (p.file, p.sheet, p.row, p.column) not in cells
        and not (
            p.rule == "header"
            and p.file == source.header_file
            and p.sheet == source.header_sheet
            and p.row in header_rows
        )
    ]


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen = set()
    out = []
    for p in problems:
        if p in seen:
            continue
        seen.add(p)
        out.append(p)
    return out


def validate_path(path: Path | str) -> tuple[Scenario | None, list[Problem]]:
    """Read and validate a scenario; never raises for bad input."""
    source = read_source(path)
    scenario, problems = check_source(source)
    if scenario is not None:
        scenario.origin = str(path)
    return scenario, problems


def load_scenario(path: Path | str) -> Scenario:
    """Load and validate a scenario folder or Excel workbook.

    Parameters
    ----------
    path
        A folder with ``scenario.yaml`` and one CSV per table, or an ``.xlsx``
        workbook with a ``scenario`` sheet and one sheet per table.

    Returns
    -------
    Scenario
        The validated scenario; warnings are in ``scenario.warnings``.

    Raises
    ------
    ScenarioError
        With every problem found, when any is an error.

    Examples
    --------
    >>> import forceplan, tempfile
    >>> d = tempfile.mkdtemp()
    >>> _ = forceplan.examples.write_notional(d + "/s")
    >>> forceplan.load_scenario(d + "/s").header.periods
    10
    """
    scenario, problems = validate_path(path)
    if scenario is None:
        raise ScenarioError(problems)
    for w in scenario.warnings:
        log.warning("%s", w.describe())
    return scenario
