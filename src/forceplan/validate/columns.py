"""Parse a raw string table into a typed DataFrame, checking it against its schema.

Every check is vectorised over the column and reports each offending row.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forceplan.domain.schema import Column, TableSchema
from forceplan.io.raw import RawTable
from forceplan.validate.problems import Problem, is_invisible, shown

HUGE = 1e12
"""Magnitude above which a number is rejected as implausible (likely a typo)."""


@dataclass
class ParsedTable:
    """A typed table plus where each row came from."""

    frame: pd.DataFrame
    raw: RawTable
    row_numbers: np.ndarray


def id_key(value: str) -> str:
    """The form in which two ids are compared: NFKC-normalised, case-folded, invisibles dropped.

    Whitespace is dropped too (a no-break space becomes a space under NFKC); ids
    with spaces are reported as id-format anyway.

    ``NATO-TANK-1``, ``nato-tank-1`` and ``nato\u2011tank\u20111`` are different
    texts a planner cannot tell apart in a table; they compare equal here, so they
    are reported as duplicates, or as a reference written differently from its id.

    Examples
    --------
    >>> id_key("NATO-TANK-1") == id_key("nato-tank-1") == id_key("nato-tank-1\u200b")
    True
    >>> id_key("\uff2d777")  # fullwidth M
    'm777'
    """
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    if text.isascii() and text.isprintable() and " " not in text:
        return text
    return "".join(ch for ch in text if not (is_invisible(ch) or ch.isspace()))


def suggest(value: str, options: list[str] | set[str], keys: dict[str, str] | None = None) -> str:
    """A 'did you mean' hint for *value* among *options* (empty if none is close).

    An option that differs only in letter case, Unicode form or invisible
    characters is named as such. *keys* (``id_key(option) -> option``, first in
    sorted order) saves recomputing it when many values are checked.
    """
    if keys is None:
        keys = {}
        for o in sorted(options):
            keys.setdefault(id_key(o), o)
    same = [o for o in (keys.get(id_key(value)),) if o is not None and o != value]
    if same:
        return (
            f" It differs from '{shown(same[0])}' only in letter case, character form or "
            "invisible characters: write it exactly the same."
        )
    close = difflib.get_close_matches(value, sorted(options), n=1, cutoff=0.6)
    return f" Did you mean '{shown(close[0])}'?" if close else ""


def malformed_id(value: str) -> bool:
    """True for an id holding whitespace or an invisible character (reported as id-format)."""
    return any(ch.isspace() or is_invisible(ch) for ch in str(value))


def _listing(values: list[str] | tuple[str, ...], limit: int = 12) -> str:
    vals = list(values)
    text = ", ".join(vals[:limit])
    return text + (f", ... ({len(vals)} in all)" if len(vals) > limit else "")


def parse_table(
    raw: RawTable, schema: TableSchema, periods: list[int] | None
) -> tuple[ParsedTable, list[Problem]]:
    """Check *raw* against *schema* and convert it to typed columns.

    Parameters
    ----------
    raw
        The table as read from its file.
    schema
        The table's schema.
    periods
        Period labels of the horizon (``None`` when the header is invalid: period
        columns are then only checked to be whole numbers).

    Returns
    -------
    ParsedTable, list of Problem
        The typed table (schema columns only, defaults filled) and every problem.
    """
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, col in enumerate(raw.header):
        if col == "":
            if any(r[i].strip() for r in raw.rows):
                problems.append(
                    raw.problem(
                        "column-unnamed",
                        f"column {i + 1} has values but no name in the header row.",
                        "give the column a name from the schema or delete it.",
                        row=1,
                    )
                )
            continue
        if col in seen:
            problems.append(
                raw.problem(
                    "column-duplicate",
                    f"column '{col}' appears twice in the header row.",
                    "delete one of the two columns.",
                    row=1,
                    column=col,
                )
            )
            continue
        seen[col] = i
        if not schema.has(col):
            problems.append(
                raw.problem(
                    "column-unknown",
                    f"column '{col}' is not part of table '{schema.name}' and is ignored."
                    + suggest(col, schema.column_names),
                    f"rename it to one of: {_listing(schema.column_names)}, or delete it.",
                    row=1,
                    column=col,
                    severity="warning",
                )
            )
    rows = np.asarray(raw.row_numbers, dtype=np.int64)
    n = len(raw.rows)
    data: dict[str, pd.Series] = {}
    for column in schema.columns:
        if column.name in seen:
            j = seen[column.name]
            text = pd.Series([r[j] for r in raw.rows], dtype=object)
        else:
            if column.required:
                problems.append(
                    raw.problem(
                        "column-missing",
                        f"required column '{column.name}' is missing from table '{schema.name}'.",
                        f"add a column '{column.name}' to the header row: {column.description}",
                        row=1,
                        column=column.name,
                    )
                )
            text = pd.Series([""] * n, dtype=object)
        values, col_problems = _parse_column(raw, column, text, rows, periods)
        if column.name not in seen:  # reported once as column-missing, not once per row
            col_problems = [p for p in col_problems if p.rule != "value-missing"]
        problems += col_problems
        data[column.name] = values
    frame = pd.DataFrame(data, index=pd.RangeIndex(n))
    problems += _check_keys(raw, schema, frame, rows)
    return ParsedTable(frame=frame, raw=raw, row_numbers=rows), problems


def _parse_column(
    raw: RawTable,
    column: Column,
    text: pd.Series,
    rows: np.ndarray,
    periods: list[int] | None,
) -> tuple[pd.Series, list[Problem]]:
    problems: list[Problem] = []
    stripped = text.str.strip() if len(text) else text
    empty = (stripped == "").to_numpy(dtype=bool)
    if column.default != "":
        text = text.where(~empty, column.default)
        stripped = stripped.where(~empty, column.default)
        empty = np.zeros(len(text), dtype=bool)
    if column.required:
        for r in rows[empty]:
            problems.append(
                raw.problem(
                    "value-missing",
                    f"'{column.name}' is required but empty.",
                    f"enter a value: {column.description}",
                    row=int(r),
                    column=column.name,
                )
            )
    if column.type in ("id", "string", "enum"):
        values = text.astype(object)
        nul = text.astype(str).str.contains("\x00", regex=False).to_numpy(dtype=bool)
        for r in rows[nul]:
            problems.append(
                raw.problem(
                    "control-character",
                    f"'{column.name}' contains a NUL character (an invisible control character "
                    "that no CSV reader accepts).",
                    "retype the text; it often comes from copying out of another program.",
                    row=int(r),
                    column=column.name,
                )
            )
        if column.type == "id":
            spaced = (~empty) & (
                stripped.str.contains(r"\s", regex=True) | (stripped != text)
            ).to_numpy(dtype=bool)
            invisible = (~empty) & ~spaced & ~nul & text.map(malformed_id).to_numpy(dtype=bool)
            for r, v in zip(rows[spaced], values[spaced], strict=True):
                problems.append(
                    raw.problem(
                        "id-format",
                        f"id '{shown(v)}' contains spaces.",
                        "use ids without spaces (e.g. replace spaces by '-').",
                        row=int(r),
                        column=column.name,
                    )
                )
            for r, v in zip(rows[invisible], values[invisible], strict=True):
                names = sorted(
                    {
                        f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}"
                        for c in v
                        if is_invisible(c)
                    }
                )
                problems.append(
                    raw.problem(
                        "id-format",
                        f"id '{shown(v)}' contains an invisible character ({', '.join(names)}).",
                        "retype the id; invisible characters often come from copying out of a "
                        "web page or document.",
                        row=int(r),
                        column=column.name,
                    )
                )
        if column.allowed:
            bad = (~empty) & ~values.isin(column.allowed).to_numpy(dtype=bool)
            for r, v in zip(rows[bad], values[bad], strict=True):
                problems.append(
                    raw.problem(
                        "value-not-allowed",
                        f"'{shown(v)}' is not an allowed value of '{column.name}'."
                        + suggest(str(v), list(column.allowed)),
                        f"use one of: {', '.join(column.allowed)}.",
                        row=int(r),
                        column=column.name,
                    )
                )
        return values, problems

    number = pd.to_numeric(stripped.where(~empty, np.nan), errors="coerce").astype(float)
    notnum = (~empty) & number.isna().to_numpy(dtype=bool)
    kind = "a whole number" if column.integer else "a number"
    if column.type == "period":
        kind = "a period (the calendar year of the period)"
    for r, v in zip(rows[notnum], text[notnum], strict=True):
        problems.append(
            raw.problem(
                "not-a-number",
                f"'{shown(v)}' is not {kind}.",
                f"enter {kind}"
                + (f" in {column.unit}" if column.unit and column.type != "period" else "")
                + ", without units or thousands separators.",
                row=int(r),
                column=column.name,
            )
        )
    arr = number.to_numpy()
    with np.errstate(invalid="ignore"):
        huge = ~np.isnan(arr) & ~(np.abs(arr) <= HUGE)
    for r, v in zip(rows[huge], text[huge], strict=True):
        problems.append(
            raw.problem(
                "number-too-large",
                f"{v.strip()} is too large to be a plausible value of '{column.name}' "
                f"(limit {HUGE:.0e}).",
                f"check the figure and its unit ({column.unit or 'see the schema'}).",
                row=int(r),
                column=column.name,
            )
        )
    arr = np.where(huge, np.nan, arr)
    ok = ~np.isnan(arr)
    if column.integer:
        frac = ok & (arr != np.round(arr))
        for r, v in zip(rows[frac], text[frac], strict=True):
            problems.append(
                raw.problem(
                    "not-whole",
                    f"'{v.strip()}' is not a whole number.",
                    f"enter a whole number of {column.unit or 'units'}.",
                    row=int(r),
                    column=column.name,
                )
            )
        arr = np.where(frac, np.nan, arr)
        ok = ~np.isnan(arr)
    if column.minimum is not None:
        low = ok & (arr < column.minimum)
        rule = "negative" if column.minimum == 0 else "below-minimum"
        for r, v in zip(rows[low], arr[low], strict=True):
            problems.append(
                raw.problem(
                    rule,
                    f"{_fmt(v)} is below the smallest allowed value {_fmt(column.minimum)} of "
                    f"'{column.name}'.",
                    f"enter a value of at least {_fmt(column.minimum)}"
                    + (f" {column.unit}" if column.unit else "")
                    + ".",
                    row=int(r),
                    column=column.name,
                )
            )
    if column.maximum is not None:
        high = ok & (arr > column.maximum)
        rule = "fraction-range" if column.type == "fraction" else "above-maximum"
        for r, v in zip(rows[high], arr[high], strict=True):
            problems.append(
                raw.problem(
                    rule,
                    f"{_fmt(v)} is above the largest allowed value {_fmt(column.maximum)} of "
                    f"'{column.name}'.",
                    "enter a fraction between 0 and 1 (e.g. 0.8 for 80%)."
                    if column.type == "fraction"
                    else f"enter a value of at most {_fmt(column.maximum)}.",
                    row=int(r),
                    column=column.name,
                )
            )
    if column.type == "period" and periods is not None:
        outside = ok & ~np.isin(arr, np.asarray(periods, dtype=float))
        for r, v in zip(rows[outside], arr[outside], strict=True):
            problems.append(
                raw.problem(
                    "period-outside-horizon",
                    f"period {_fmt(v)} is not a period of the horizon "
                    f"({periods[0]}..{periods[-1]}"
                    + (
                        f", every {periods[1] - periods[0]} years"
                        if len(periods) > 1 and periods[1] - periods[0] > 1
                        else ""
                    )
                    + ").",
                    "use the label (calendar year) of a period in the horizon set in "
                    "scenario.yaml, or extend the horizon.",
                    row=int(r),
                    column=column.name,
                )
            )
    if column.integer:
        values = pd.Series(arr, dtype=float).round().astype("Int64")
        if values.notna().all():
            values = values.astype("int64")
    else:
        values = pd.Series(arr, dtype="float64")
    return values, problems


def _fmt(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e7 else f"{v:.6g}"


def _check_keys(
    raw: RawTable, schema: TableSchema, frame: pd.DataFrame, rows: np.ndarray
) -> list[Problem]:
    if not schema.key or not len(frame):
        return []
    key = list(schema.key)
    if any(k not in raw.header and schema.column(k).required for k in key):
        return []  # a key column is missing: reported once as column-missing
    keyframe = frame[key].astype(str)
    # ids are compared as a planner reads them: ignoring case, Unicode form, invisibles
    compared = pd.DataFrame(
        {k: keyframe[k].map(id_key) if schema.column(k).type == "id" else keyframe[k] for k in key}
    )
    # rows with an empty required key are reported as value-missing, not as duplicates
    blank = np.zeros(len(frame), dtype=bool)
    for k in key:
        if schema.column(k).required and schema.column(k).default == "":
            blank |= (keyframe[k].str.strip() == "").to_numpy(dtype=bool)
    dup = compared.duplicated(keep="first").to_numpy() & ~blank
    if not dup.any():
        return []
    groups = [compared[k] for k in key]
    first_row = pd.Series(rows).groupby(groups, sort=False).transform("first")
    first_pos = pd.Series(np.arange(len(frame))).groupby(groups, sort=False).transform("first")
    problems = []
    for i in np.flatnonzero(dup):
        tup = tuple(keyframe.iloc[i])
        first = tuple(keyframe.iloc[int(first_pos.iloc[i])])
        label = ", ".join(f"{k}='{shown(v)}'" for k, v in zip(key, tup, strict=True))
        what = "id" if len(key) == 1 else "key"
        if first == tup:
            message = f"duplicate {what} ({label}): row {int(first_row.iloc[i])} already has it."
        else:
            other = ", ".join(f"'{shown(v)}'" for v in first)
            message = (
                f"duplicate {what} ({label}): row {int(first_row.iloc[i])} has {other}, which "
                "differs only in letter case, character form or invisible characters."
            )
        problems.append(
            raw.problem(
                "duplicate-id" if len(key) == 1 else "duplicate-key",
                message,
                "give each row a unique "
                + ("id" if len(key) == 1 else "combination of " + ", ".join(key))
                + ", or merge the two rows.",
                row=int(rows[i]),
                column=key[0] if len(key) == 1 else key[-1],
            )
        )
    return problems
