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
    records, quoting = _read_records(text, shown)
    if quoting:
        return None, quoting
    # Spreadsheet row numbers count records (a multi-line quoted cell is one row).
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


def _error_field(record: str, limit: int) -> int:
    """0-based field of *record* (one CSV record's text) where strict CSV reading fails.

    Mirrors the reader: a quote opens a quoted value only at the start of a field;
    inside it ``""`` is a quote; after the closing quote only a comma or the line
    end may follow; a value may not exceed *limit* characters.
    """
    field = length = i = 0
    at_start, quoted, n = True, False, len(record)
    while i < n:
        ch = record[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and record[i + 1] == '"':
                    i, length = i + 2, length + 1
                    continue
                quoted, i = False, i + 1
                if i < n and record[i] not in ",\r\n":
                    return field
                continue
        elif ch == ",":
            field, length, at_start, i = field + 1, 0, True, i + 1
            continue
        elif ch in "\r\n":
            break
        elif at_start and ch == '"':
            quoted, at_start, i = True, False, i + 1
            continue
        at_start, length, i = False, length + 1, i + 1
        if length > limit:
            return field
    return field


def _read_records(text: str, shown: str) -> tuple[list[list[str]], list[Problem]]:
    """Every CSV record of *text*, and a located problem for each record that cannot be read.

    A quoting error names the spreadsheet row (the record's number) and the column
    (from the header row, when the error is past it).
    """
    lines = list(io.StringIO(text, newline=""))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    limit = csv.field_size_limit()
    records: list[list[str]] = []
    problems: list[Problem] = []
    row = 0
    while True:
        first = reader.line_num  # physical lines read before this record
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row += 1
            records.append([])
            field = _error_field("".join(lines[first : reader.line_num]), limit)
            header = records[0] if records and row > 1 else []
            column = header[field].strip() if field < len(header) else None
            where = f"field {field + 1}" + (f" ('{column}')" if column else "")
            msg = str(exc)
            if "field larger" in msg:
                rule = "field-too-long"
                message = (
                    f"{where} is longer than {limit:,} characters, the most a CSV value may "
                    "hold (often a quote that is never closed)."
                )
                fix = "check the quotes of this row; shorten the value."
            elif "end of data" in msg:
                rule = "csv-quote"
                message = (
                    f"the quote that opens {where} is never closed, so the rest of the file "
                    f"(from line {first + 1}) would be read as one value."
                )
                fix = "close the quote, or remove it (a value needs quotes only around a comma)."
            else:
                rule = "csv-quote"
                message = (
                    f"{where} starts with a quote, but text follows its closing quote "
                    f"(as in '\"Grad\" MLRS')."
                )
                fix = (
                    'quote the whole value and double the quotes inside it ("""Grad"" MLRS"), '
                    "or remove the quotes."
                )
            problems.append(
                Problem("error", rule, message, fix, file=shown, row=row, column=column)
            )
            continue
        row += 1
        records.append(rec)
    return records, problems


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
