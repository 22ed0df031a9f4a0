"""Problems found in a scenario: what is wrong, where, and how to fix it."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


def excel_column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cn", "Zl", "Zp", "Zs"})
"""Unicode categories of characters a message shows escaped (a plain space excepted)."""


def is_invisible(ch: str) -> bool:
    """True for a character that prints as nothing or as a plain space (but is not one)."""
    return ch != " " and unicodedata.category(ch) in _INVISIBLE


def shown(text: object) -> str:
    r"""*text* with invisible characters escaped, for quoting in a message.

    Examples
    --------
    >>> shown("nato-tank-1\u200b"), shown("a\tb"), shown("plain text")
    ('nato-tank-1\\u200b', 'a\\tb', 'plain text')
    """
    out = []
    for ch in str(text):
        if not is_invisible(ch):
            out.append(ch)
        elif ch in "\t\n\r":
            out.append({"\t": "\\t", "\n": "\\n", "\r": "\\r"}[ch])
        elif ord(ch) > 0xFFFF:
            out.append(f"\\U{ord(ch):08x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


@dataclass(frozen=True)
class Problem:
    """One problem in a scenario.

    Attributes
    ----------
    severity
        ``error`` (the scenario cannot be used) or ``warning``.
    rule
        Short name of the rule broken, e.g. ``unknown-reference``.
    message
        What is wrong, in plain words.
    fix
        How to fix it.
    file
        File the problem is in (the CSV file, ``scenario.yaml`` or the workbook).
    sheet
        Excel sheet, when the scenario is a workbook.
    row
        Row number as shown by a spreadsheet program (the header is row 1).
    column
        Column name.
    cell
        Excel cell reference (e.g. ``C7``) when known.
    """

    severity: Severity
    rule: str
    message: str
    fix: str = ""
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    cell: str | None = None

    def where(self) -> str:
        """Location in words: ``file, sheet S, row R, column C``."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}" + (f" (cell {self.cell})" if self.cell else ""))
        return ", ".join(parts)

    def describe(self) -> str:
        """One line: location, what is wrong and the fix."""
        text = f"{self.where()}: {self.message}" if self.where() else self.message
        if self.fix:
            text += f" Fix: {self.fix}"
        return text

    def as_dict(self) -> dict[str, object]:
        """The problem as a plain dictionary (for JSON and tables)."""
        return asdict(self)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by file, sheet, row and column."""
    return sorted(
        problems,
        key=lambda p: (
            p.severity != "error",
            p.file or "",
            p.sheet or "",
            p.row if p.row is not None else -1,
            p.column or "",
            p.rule,
        ),
    )
