"""The Excel workbook format: a ``scenario`` header sheet plus one sheet per table.

The same writer makes the blank template (``forceplan template``): id columns
carry dropdowns fed from the other sheets, enum columns carry their allowed
values, and every header cell carries the column's unit and description as a
comment.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from forceplan.domain.header import ScenarioHeader
from forceplan.domain.schema import TableSchema, schemas
from forceplan.io.atomic import atomic_file
from forceplan.io.csv_folder import SourceData
from forceplan.io.raw import RawTable, cell_text, round_significant
from forceplan.validate.problems import Problem

HEADER_SHEET = "scenario"
LIST_FIELDS = {"intensity"}
"""Header settings that are lists; the sheet holds them comma-separated."""
DROPDOWN_ROWS = 5000
"""Rows covered by the dropdowns of a sheet."""

_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
"""An OOXML escape ``_xHHHH_``: the character with that UTF-16 code (ECMA-376 ST_Xstring)."""
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")
"""Characters XML cannot hold (and carriage returns, which XML readers turn into line feeds)."""


def escape_text(text: str) -> str:
    r"""Text as a workbook cell holds it: unwritable characters as ``_xHHHH_``, as Excel does.

    The underscore of every ``_x`` in the text is escaped too (``_x005F_``), so
    :func:`unescape_text` restores any text exactly.

    Examples
    --------
    >>> escape_text("a\r\nb"), escape_text("_x0041_")
    ('a_x000D_\nb', '_x005F_x0041_')
    """
    text = text.replace("_x", "_x005F_x")
    return _UNWRITABLE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def unescape_text(text: str) -> str:
    """The text an escaped workbook cell stands for (inverse of :func:`escape_text`)."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


_HEAD_FONT = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="1F3864")


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out += _flatten(v, key + ".")
        elif isinstance(v, list):
            out.append((key, ", ".join(str(x) for x in v)))
        else:
            out.append((key, v))
    return out


def _field_doc(key: str) -> tuple[str, str]:
    model: Any = ScenarioHeader
    info = None
    for part in key.split("."):
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            break
        info = fields[part]
        model = info.annotation
    desc = (info.description or "") if info is not None else ""
    unit = ""
    if key.endswith("time_limit"):
        unit = "s"
    elif key.endswith(("_weight", "type_penalty")) or key.startswith("interoperability."):
        unit = "weight"
    elif key == "period_length":
        unit = "years"
    elif key in ("start_year",):
        unit = "year"
    elif key == "periods":
        unit = "periods"
    return unit, desc


def write_workbook(
    header: ScenarioHeader | None,
    tables: dict[str, pd.DataFrame] | None,
    dest: Path,
) -> Path:
    """Write a scenario (or, with no tables, a blank template) as one workbook, atomically.

    Parameters
    ----------
    header
        The header; ``None`` writes an example header for a template.
    tables
        Typed tables; ``None`` writes empty sheets (the template).
    dest
        ``.xlsx`` path.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = HEADER_SHEET
    ws.append(["setting", "value", "unit", "description"])
    for c in ws[1]:
        c.font, c.fill = _HEAD_FONT, _HEAD_FILL
    if header is None:
        header = ScenarioHeader(
            name="New scenario", start_year=2026, periods=10, intensity=["high"] * 10
        )
    for key, value in _flatten(header.model_dump(mode="json")):
        unit, desc = _field_doc(key)
        ws.append([key, escape_text(value) if isinstance(value, str) else value, unit, desc])
        cell = ws.cell(row=ws.max_row, column=2)
        if isinstance(value, str):
            cell.data_type = TYPE_STRING
    ws.column_dimensions["A"].width = 38
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["D"].width = 80
    ws.freeze_panes = "A2"
    all_schemas = schemas()
    for name, schema in all_schemas.items():
        frame = None if tables is None else tables.get(name)
        _write_table_sheet(wb, schema, frame, header)
    with atomic_file(dest) as tmp:
        wb.save(tmp)
    return Path(dest)


def _write_table_sheet(
    wb: openpyxl.Workbook, schema: TableSchema, frame: pd.DataFrame | None, header: ScenarioHeader
) -> None:
    ws = wb.create_sheet(schema.name)
    ws.append(schema.column_names)
    for j, col in enumerate(schema.columns, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font, cell.fill = _HEAD_FONT, _HEAD_FILL
        cell.alignment = Alignment(horizontal="center")
        text = f"{col.name}"
        if col.unit:
            text += f" [{col.unit}]"
        text += f"\n{col.description}"
        if col.required:
            text += "\nRequired."
        elif col.default:
            text += f"\nDefault: {col.default}."
        if col.allowed:
            text += f"\nAllowed: {', '.join(col.allowed)}."
        if col.references:
            text += "\nRefers to: " + " or ".join(f"{t}.{c}" for t, c in col.references) + "."
        cell.comment = Comment(text, "forceplan", width=320, height=160)
        ws.column_dimensions[get_column_letter(j)].width = max(12, min(40, len(col.name) + 6))
    ws.freeze_panes = "A2"
    if frame is not None and len(frame):
        columns = []
        for c in schema.columns:
            series = frame[c.name] if c.name in frame else pd.Series([None] * len(frame))
            columns.append(series.tolist())
        types = [c.type for c in schema.columns]
        for values in zip(*columns, strict=True):
            row = [_cell_value(v, t) for v, t in zip(values, types, strict=True)]
            ws.append(row)
        # strings that look like formulas must stay text
        for j, t in enumerate(types, start=1):
            if t in ("id", "string", "enum"):
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.data_type = TYPE_STRING
    _add_dropdowns(ws, schema, header)


def _cell_value(v: Any, column_type: str) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    if column_type in ("int", "period"):
        return int(v)
    if column_type in ("float", "fraction"):
        return round_significant(v)  # the precision the CSV form keeps
    return escape_text(str(v)) if v != "" else None


def _add_dropdowns(ws: Any, schema: TableSchema, header: ScenarioHeader) -> None:
    all_schemas = schemas()
    for j, col in enumerate(schema.columns, start=1):
        letter = get_column_letter(j)
        formula = None
        if col.allowed:
            joined = ",".join(col.allowed)
            if len(joined) <= 250:
                formula = f'"{joined}"'
        elif col.type == "period":
            joined = ",".join(str(p) for p in header.period_labels)
            if len(joined) <= 250:
                formula = f'"{joined}"'
        elif len(col.references) == 1:
            t, c = col.references[0]
            target = all_schemas[t]
            k = target.column_names.index(c) + 1
            tl = get_column_letter(k)
            formula = f"'{t}'!${tl}$2:${tl}${DROPDOWN_ROWS}"
        if formula is None:
            continue
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.error = f"Choose a value for {col.name} from the list."
        dv.errorTitle = "forceplan"
        dv.showErrorMessage = not col.references  # ids may be typed before they exist
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{DROPDOWN_ROWS}")


def read_workbook(path: Path, shown: str) -> SourceData:
    """Read a workbook into raw tables, collecting every reading problem."""
    problems: list[Problem] = []

    def bad(rule: str, message: str, fix: str, sheet: str | None = None) -> SourceData:
        problem = Problem("error", rule, message, fix, file=shown, sheet=sheet)
        return SourceData(None, shown, None, {}, {}, [problem])

    if not zipfile.is_zipfile(path):
        return bad(
            "not-excel",
            "the file is not an Excel workbook (.xlsx).",
            "save it from Excel as 'Excel Workbook (*.xlsx)', or pass a scenario folder.",
        )
    try:
        wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on corrupt files
        return bad(
            "not-excel",
            f"the workbook cannot be opened: {exc}.",
            "open and re-save it in Excel as .xlsx.",
        )
    names = wb.sheetnames
    cached = _CachedValues(path)
    header_data: Any = None
    lines: dict[str, int] = {}
    if HEADER_SHEET not in names:
        problems.append(
            Problem(
                "error",
                "sheet-missing",
                f"the header sheet '{HEADER_SHEET}' is missing.",
                "add a sheet 'scenario' with columns setting, value (see `forceplan template`).",
                file=shown,
                sheet=HEADER_SHEET,
            )
        )
    else:
        header_data, lines, probs = _read_header_sheet(wb[HEADER_SHEET], shown, cached)
        problems += probs
    tables: dict[str, RawTable] = {}
    left_out: list[str] = []
    for name, schema in schemas().items():
        if name not in names and schema.optional:
            left_out.append(name)  # read as an empty table (see io.load.check_source)
            continue
        if name not in names:
            problems.append(
                Problem(
                    "error",
                    "sheet-missing",
                    f"sheet '{name}' is missing.",
                    f"add a sheet '{name}' with at least its header row "
                    f"({', '.join(schema.column_names)}); `forceplan template` writes them all.",
                    file=shown,
                    sheet=name,
                )
            )
            continue
        table, probs = _read_table_sheet(wb[name], name, shown, cached)
        if table.header:  # a sheet without a header row is reported as empty-sheet only
            tables[name] = table
        problems += probs
    for extra in names:
        if extra != HEADER_SHEET and extra not in schemas():
            problems.append(
                Problem(
                    "warning",
                    "sheet-unknown",
                    f"sheet '{extra}' is not a scenario table and is ignored.",
                    "rename it to a table name or delete it.",
                    file=shown,
                    sheet=extra,
                )
            )
    return SourceData(header_data, shown, HEADER_SHEET, lines, tables, problems, left_out)


def _cell_problems(ws: Any, shown: str, header: list[str]) -> list[Problem]:
    problems = []
    for rng in ws.merged_cells.ranges:
        col = header[rng.min_col - 1] if rng.min_col - 1 < len(header) else None
        problems.append(
            Problem(
                "error",
                "merged-cells",
                f"cells {rng.coord} are merged; forceplan reads one value per cell.",
                "unmerge the cells (Home > Merge & Center > Unmerge) and fill each cell.",
                file=shown,
                sheet=ws.title,
                row=rng.min_row,
                column=col,
                cell=rng.coord,
            )
        )
    return problems


class _CachedValues:
    """The values Excel last calculated for formula cells, read only when a formula is met.

    openpyxl reads either formulas or their saved values; the second reading (of
    the saved values) is paid only by workbooks that hold formulas.
    """

    def __init__(self, path: Path):
        self.path = path
        self.book: Any = None

    def value(self, sheet: str, row: int, column: int) -> Any:
        """The saved value of a cell (``None`` when the workbook holds none)."""
        if self.book is None:
            self.book = openpyxl.load_workbook(self.path, data_only=True)
        cell = self.book[sheet]._cells.get((row, column))
        return None if cell is None else cell.value


def _rows_with_values(ws: Any) -> dict[int, dict[int, Any]]:
    """Row -> column -> cell of every cell that holds a value, from the cells in the file.

    Iterating the sheet's used range instead would cost as much as the range a
    stray cell claims (row 1,048,576 of a small sheet: a million rows); this
    costs as much as the cells actually stored.
    """
    rows: dict[int, dict[int, Any]] = {}
    for (r, c), cell in ws._cells.items():  # openpyxl's store of the cells present
        if cell.value is not None:
            rows.setdefault(r, {})[c] = cell
    return rows


def _formula_text(value: Any) -> str:
    return str(getattr(value, "text", None) or value)


def _formula(
    cell: Any,
    cached: _CachedValues,
    sheet: str,
    row: int,
    column: int,
    what: str,
    make: Any,
) -> tuple[Any, Problem]:
    """The saved value of a formula cell, and the warning (value used) or error (none saved)."""
    value = cached.value(sheet, row, column)
    formula = _formula_text(cell.value)
    if value is not None:
        return value, make(
            "warning",
            f"{what} a formula ({formula}); the value Excel saved with it "
            f"({cell_text(value)}) is used.",
            "check the value is current (recalculate and save in Excel), or replace the "
            "formula by its value (Copy, then Paste Special > Values).",
        )
    return None, make(
        "error",
        f"{what} a formula ({formula}) with no saved value: the workbook was written by "
        "a program that does not calculate formulas.",
        "open the workbook in Excel and save it (Excel then saves each formula's value), "
        "or replace the formula by its value (Copy, then Paste Special > Values).",
    )


def _read_header_sheet(
    ws: Any, shown: str, cached: _CachedValues
) -> tuple[Any, dict[str, int], list[Problem]]:
    problems = _cell_problems(ws, shown, ["setting", "value"])
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    first_row: dict[str, int] = {}
    present = _rows_with_values(ws)
    for r in sorted(k for k in present if k >= 2):
        key_cell, val_cell = present[r].get(1), present[r].get(2)
        key = key_cell.value if key_cell is not None else None
        if key is None or str(key).strip() == "":
            continue
        key = str(key).strip()
        if key in first_row:
            problems.append(
                Problem(
                    "error",
                    "duplicate-setting",
                    f"setting '{key}' is given twice (first in row {first_row[key]}); only one "
                    "value can hold.",
                    "keep one of the two rows and delete the other.",
                    file=shown,
                    sheet=ws.title,
                    row=r,
                    column="setting",
                    cell=f"A{r}",
                )
            )
            continue
        first_row[key] = r
        parts = key.split(".")
        for depth in range(1, len(parts) + 1):  # rows locate problems, even of empty values
            lines.setdefault(".".join(parts[:depth]), r)
        value = val_cell.value if val_cell is not None else None
        if val_cell is not None and val_cell.data_type == "f":

            def make(severity: str, message: str, fix: str, r: int = r) -> Problem:
                return Problem(
                    severity,  # type: ignore[arg-type]
                    "formula-cell",
                    message,
                    fix,
                    file=shown,
                    sheet=ws.title,
                    row=r,
                    column="value",
                    cell=f"B{r}",
                )

            value, problem = _formula(
                val_cell, cached, ws.title, r, 2, f"the value of '{key}' is", make
            )
            problems.append(problem)
            if value is None:
                continue
        if isinstance(value, str):
            value = unescape_text(value)
        if value is None or (isinstance(value, str) and value.strip() == ""):
            continue
        if key in LIST_FIELDS:
            value = [v.strip() for v in cell_text(value).split(",") if v.strip()]
        node = data
        for p in parts[:-1]:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = value
    return data, lines, problems


def _read_table_sheet(
    ws: Any, name: str, shown: str, cached: _CachedValues
) -> tuple[RawTable, list[Problem]]:
    present = _rows_with_values(ws)
    first = present.get(1, {})
    header = [
        cell_text(first[j].value).strip() if j in first else ""
        for j in range(1, max(first, default=0) + 1)
    ]
    while header and header[-1] == "":
        header.pop()
    table = RawTable(name=name, file=shown, sheet=name, header=header)
    problems = _cell_problems(ws, shown, header)
    if not header:
        problems.append(
            table.problem(
                "empty-sheet",
                "the sheet has no header row.",
                f"write the column names in row 1 ({', '.join(schemas()[name].column_names)}).",
                row=1,
            )
        )
        return table, problems
    width = len(header)
    for r in sorted(k for k in present if k >= 2):
        cells = present[r]
        texts = [""] * max(width, max(cells))
        for j, c in cells.items():
            col = header[j - 1] if j <= width else None
            value = c.value
            if c.data_type == "f":

                def make(
                    severity: str, message: str, fix: str, r: int = r, col: Any = col
                ) -> Problem:
                    return table.problem(
                        "formula-cell", message, fix, row=r, column=col, severity=severity
                    )

                value, problem = _formula(c, cached, ws.title, r, j, "cell holds", make)
                problems.append(problem)
                if value is None:
                    continue
            texts[j - 1] = unescape_text(value) if isinstance(value, str) else cell_text(value)
        if not any(t.strip() for t in texts):
            continue
        if len(texts) > width and any(t.strip() for t in texts[width:]):
            problems.append(
                table.problem(
                    "row-length",
                    "the row has values right of the last named column.",
                    "name that column in row 1 or clear the cells.",
                    row=r,
                )
            )
            if not any(t.strip() for t in texts[:width]):
                continue  # only stray cells: not a row of the table
        texts = (texts + [""] * width)[:width]
        table.rows.append(texts)
        table.row_numbers.append(r)
    return table, problems
