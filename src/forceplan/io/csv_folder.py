"""The CSV folder format: ``scenario.yaml`` plus one ``<table>.csv`` per table."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from forceplan.domain.header import ScenarioHeader
from forceplan.domain.schema import TableSchema, schemas
from forceplan.io.atomic import atomic_dir
from forceplan.io.raw import RawTable, format_number, read_csv_table
from forceplan.validate.problems import Problem
from forceplan.validate.yaml_header import MAX_HEADER_BYTES, header_too_large, parse_header_yaml

HEADER_FILE = "scenario.yaml"


@dataclass
class SourceData:
    """What a reader produced: raw header data, raw tables and reading problems."""

    header_data: Any
    header_file: str
    header_sheet: str | None
    header_lines: dict[str, int]
    tables: dict[str, RawTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    """Optional tables the source does not hold (read as empty tables)."""


def read_folder(folder: Path) -> SourceData:
    """Read a scenario folder into raw tables, collecting every reading problem."""
    problems: list[Problem] = []
    header_path = folder / HEADER_FILE
    header_data: Any = None
    lines: dict[str, int] = {}
    if not header_path.is_file():
        problems.append(
            Problem(
                "error",
                "file-missing",
                f"the scenario header {HEADER_FILE} is missing.",
                f"add {HEADER_FILE} (name, start_year, periods, intensity, ...); "
                "`forceplan example DIR` writes a complete example.",
                file=HEADER_FILE,
            )
        )
    elif header_path.stat().st_size > MAX_HEADER_BYTES:
        problems.append(header_too_large(HEADER_FILE))
    else:
        try:
            text = header_path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            problems.append(
                Problem(
                    "error",
                    "encoding",
                    f"{HEADER_FILE} is not UTF-8 text.",
                    "save it as UTF-8.",
                    file=HEADER_FILE,
                )
            )
        else:
            header_data, lines, probs = parse_header_yaml(text, HEADER_FILE)
            problems += probs
    tables: dict[str, RawTable] = {}
    left_out: list[str] = []
    for name in schemas():
        path = folder / f"{name}.csv"
        if not path.is_file() and schemas()[name].optional:
            left_out.append(name)  # read as an empty table (see io.load.check_source)
            continue
        if not path.is_file():
            problems.append(
                Problem(
                    "error",
                    "file-missing",
                    f"table file {name}.csv is missing.",
                    f"add {name}.csv with at least its header row "
                    f"({','.join(schemas()[name].column_names)}).",
                    file=f"{name}.csv",
                )
            )
            continue
        table, probs = read_csv_table(path, name, f"{name}.csv")
        problems += probs
        if table is not None:
            tables[name] = table
    known = {f"{n}.csv" for n in schemas()}
    for extra in sorted(folder.glob("*.csv")):
        if extra.name not in known:
            problems.append(
                Problem(
                    "warning",
                    "file-unknown",
                    f"{extra.name} is not a scenario table and is ignored.",
                    f"rename it to one of the table names ({', '.join(schemas())}) or remove it.",
                    file=extra.name,
                )
            )
    return SourceData(header_data, HEADER_FILE, None, lines, tables, problems, left_out)


def format_cell(value: Any, column_type: str) -> str:
    """Canonical text of one typed value."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if column_type in ("int", "period"):
        return str(int(value))
    if column_type in ("float", "fraction"):
        return format_number(float(value))
    return str(value)


def table_records(frame: pd.DataFrame, schema: TableSchema) -> list[list[str]]:
    """Rows of canonical cell text, in schema column order."""
    cols = []
    for c in schema.columns:
        series = frame[c.name] if c.name in frame else pd.Series([""] * len(frame))
        cols.append([format_cell(v, c.type) for v in series.tolist()])
    return [list(r) for r in zip(*cols, strict=True)] if cols else []


def table_csv_text(frame: pd.DataFrame, schema: TableSchema) -> str:
    """A table as canonical CSV text (UTF-8, ``\\n`` line ends, minimal quoting)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(schema.column_names)
    records = table_records(frame, schema)
    if not any("\r" in cell for row in records for cell in row):
        w.writerows(records)
        return buf.getvalue()
    # csv quotes a field holding '\r' only when '\r' is in the line terminator: write such
    # rows with '\r\n' (so their '\r' and '\n' are quoted) and end them with '\n'.
    for row in records:
        if any("\r" in cell for cell in row):
            one = io.StringIO()
            csv.writer(one, lineterminator="\r\n").writerow(row)
            buf.write(one.getvalue()[:-2] + "\n")
        else:
            w.writerow(row)
    return buf.getvalue()


def header_yaml_text(header: ScenarioHeader) -> str:
    """The header as canonical YAML (every setting, in model order)."""
    lead = "# forceplan scenario header"
    if header.notional:
        lead += "\n# NOTIONAL scenario: illustrative data, not real inventory or plans."
    body = yaml.dump(
        header.model_dump(mode="json"),
        Dumper=_HeaderDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return f"{lead}\n{body}"


class _HeaderDumper(yaml.SafeDumper):
    """A safe dumper that double-quotes text holding U+0085 (NEL).

    PyYAML writes NEL unescaped in plain and single-quoted scalars, where a YAML
    reader takes it for a line break; double quotes escape it as ``\\N``.
    """


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = '"' if "\x85" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_HeaderDumper.add_representer(str, _represent_str)


def write_folder(
    header: ScenarioHeader, tables: dict[str, pd.DataFrame], dest: Path, overwrite: bool = False
) -> Path:
    """Write a scenario as a CSV folder, atomically.

    Parameters
    ----------
    header, tables
        The scenario's header and typed tables.
    dest
        Folder to create.
    overwrite
        Replace an existing non-empty folder.
    """
    with atomic_dir(dest, overwrite=overwrite) as tmp:
        write_folder_into(header, tables, tmp)
    return Path(dest)


def write_folder_into(
    header: ScenarioHeader, tables: dict[str, pd.DataFrame], folder: Path
) -> None:
    """Write the scenario files into an existing folder (not atomic: for callers that are)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / HEADER_FILE).write_text(header_yaml_text(header), encoding="utf-8", newline="\n")
    for name, schema in schemas().items():
        frame = tables.get(name, pd.DataFrame(columns=schema.column_names))
        if schema.optional and not len(frame):
            continue  # an empty optional table is left out: older folders stay as they were
        (folder / f"{name}.csv").write_text(
            table_csv_text(frame, schema), encoding="utf-8", newline="\n"
        )
