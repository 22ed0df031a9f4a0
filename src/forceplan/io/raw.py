"""Reading scenario files into raw string tables with source locations.

Both formats (a CSV folder and an Excel workbook) are read into
:class:`RawTable` objects of strings first; parsing and validation then work on
one representation, so both formats report the same problems at the same rows.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forceplan.validate.problems import Problem, excel_column_letter


def round_significant(value: float) -> float:
    """*value* rounded to 15 significant digits (non-finite values unchanged)."""
    value = float(value)
    return float(f"{value:.15g}") if math.isfinite(value) else value


def format_number(value: float | int) -> str:
    """Canonical text of a number: integral values without a decimal point.

    Floats keep 15 significant digits, the precision Excel keeps (openpyxl writes
    16), so a value reads back the same from a CSV folder and from a workbook.

    Examples
    --------
    >>> format_number(2.0), format_number(0.1), format_number(7), format_number(1e20)
    ('2', '0.1', '7', '1e+20')
    >>> format_number(1.9000000000000001), format_number(0.1 + 0.2)
    ('1.9', '0.3')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    value = round_significant(value)
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


@dataclass
class RawTable:
    """A table as read from a file: header and string cells, with locations.

    Attributes
    ----------
    name
        Table name (file stem or sheet name).
    file
        Path shown in problems.
    sheet
        Sheet name for a workbook, else ``None``.
    header
        Column names as written.
    rows
        Cell text, one list per data row (same length as ``header``).
    row_numbers
        Spreadsheet row number of each data row (header is row 1).
    """

    name: str
    file: str
    sheet: str | None
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)

    def problem(
        self,
        rule: str,
        message: str,
        fix: str,
        row: int | None = None,
        column: str | None = None,
        severity: str = "error",
    ) -> Problem:
        """A problem located in this table (row is a spreadsheet row number)."""
        cell = None
        if self.sheet is not None and column is not None and column in self.header and row:
            cell = f"{excel_column_letter(self.header.index(column))}{row}"
        return Problem(
            severity=severity,  # type: ignore[arg-type]
            rule=rule,
            message=message,
            fix=fix,
            file=self.file,
            sheet=self.sheet,
            row=row,
            column=column,
            cell=cell,
        )


def read_csv_table(path: Path, name: str, shown: str) -> tuple[RawTable | None, list[Problem]]:
    """Read one CSV file into a :class:`RawTable`, reporting every problem found.

    Returns ``(None, problems)`` when the file cannot be read as CSV at all.
    """

    def bad(rule: str, message: str, fix: str, row: int | None = None) -> list[Problem]:
        return [Problem("error", rule, message, fix, file=shown, row=row)]

    data = path.read_bytes()
    if not data.strip():
        return None, bad(
            "empty-file",
            "the file is empty: a table needs at least its header row.",
            f"write the header row of table '{name}' (see docs/scenario-format.md or "
            "`forceplan template`), even when the table has no rows.",
            1,
        )
    if b"\x00" in data[:65536]:
        return None, bad(
            "not-csv",
            "the file is not a CSV text file (it contains binary data).",
            "save the table as CSV (comma-separated, UTF-8) with the same file name.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, bad(
            "encoding",
            f"the file is not UTF-8: byte 0x{data[exc.start]:02x} at line {line} cannot be "
            "decoded.",
            "save the file as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8).",
            line,
        )
    problems: list[Problem] = []
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return None, bad(
            "not-csv",
            f"the file cannot be read as CSV: {exc}.",
            "check quotes and separators; save the table as CSV (comma-separated, UTF-8).",
        )
    # Spreadsheet row numbers count physical lines; multi-line quoted cells are rare.
    numbered = [(i + 1, r) for i, r in enumerate(records) if any(c.strip() for c in r)]
    if not numbered:
        return None, bad("empty-file", "the file has no header row.", "write the header row.", 1)
    header_line, header = numbered[0]
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        return None, bad(
            "not-csv",
            "the header row has a single column: the file seems to use ';' or tabs as the "
            "separator.",
            "save the table with commas as separator (CSV UTF-8).",
            header_line,
        )
    table = RawTable(name=name, file=shown, sheet=None, header=[h.strip() for h in header])
    for line, rec in numbered[1:]:
        if len(rec) > len(header):
            extra = rec[len(header) :]
            if any(c.strip() for c in extra):
                problems.append(
                    table.problem(
                        "row-length",
                        f"the row has {len(rec)} fields but the header has {len(header)}.",
                        "remove the extra fields or quote values that contain commas.",
                        row=line,
                    )
                )
            rec = rec[: len(header)]
        elif len(rec) < len(header):
            rec = rec + [""] * (len(header) - len(rec))
        table.rows.append(rec)
        table.row_numbers.append(line)
    return table, problems


def cell_text(value: Any) -> str:
    """Text of an Excel cell value as the CSV form would hold it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
