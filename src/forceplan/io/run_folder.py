"""The run folder: a solved plan written as CSV tables, an Excel workbook and a summary.

A run folder is a contract (see :mod:`forceplan.results.contract`)::

    RUNDIR/
      scenario/            the inputs exactly as solved (scenario.yaml + one CSV per table)
      plan/<table>.csv     one file per entry of PLAN_TABLES, contractual columns first
      summary.json         status, objective parts, gap, timings, solver, versions, hash, ...
      plan.xlsx            a 'summary' sheet, then one sheet per plan table
      model.lp             only when asked (readable names: ``family-what[coordinates]``)

It is written to a temporary folder next to its destination and moved into
place whole, so an error or Ctrl-C leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from forceplan.domain.schema import schemas
from forceplan.exceptions import RunFolderError
from forceplan.io.atomic import atomic_dir
from forceplan.io.csv_folder import HEADER_FILE, write_folder_into
from forceplan.results.contract import EXPLAIN_TABLES, LATER_TABLES, PLAN_TABLES
from forceplan.results.decisions import DECISIONS_FILE

if TYPE_CHECKING:  # pragma: no cover
    from forceplan.domain.scenario import Scenario
    from forceplan.results.plan import Plan

log = logging.getLogger(__name__)

SCENARIO_DIR = "scenario"
"""Sub-folder holding the inputs exactly as solved."""
PLAN_DIR = "plan"
"""Sub-folder holding one CSV per plan table."""
SUMMARY_FILE = "summary.json"
"""The run's summary (status, objective, timings, versions, scenario hash)."""
WORKBOOK_FILE = "plan.xlsx"
"""The plan tables as one Excel workbook."""
LP_FILE = "model.lp"
"""The model as an LP file with readable names (``--write-lp``)."""

NOTIONAL_NOTE = "NOTIONAL scenario: illustrative data, not real inventory or plans."
"""The line every output of a notional scenario carries at its top."""

TEXT_COLUMNS = frozenset(
    {
        "equipment",
        "source",
        "from_equipment",
        "to_equipment",
        "munition",
        "supplier",
        "line",
        "donor",
        "item",
        "stream",
        "role",
        "pipeline",
        "constraint",
        "coordinates",
        "unit",
        "text",
        "formation",
        "reasons",
        "remedy",
    }
)
"""Contract columns that hold text (ids, words); every other contract column is a number."""


def scenario_hash(folder: Path | str) -> str:
    """Content hash of a scenario folder: sha256 over its canonical files.

    The files are ``scenario.yaml`` and one ``<table>.csv`` per table, in that
    order, each hashed as its name, a NUL byte, its bytes and a NUL byte. Files
    written by :func:`forceplan.io.csv_folder.write_folder_into` are canonical,
    so two runs of the same scenario carry the same hash.

    Parameters
    ----------
    folder
        A scenario folder (e.g. ``RUNDIR/scenario``).

    Returns
    -------
    str
        ``"sha256:"`` followed by 64 hex digits.
    """
    folder = Path(folder)
    digest = hashlib.sha256()
    for name in [HEADER_FILE, *(f"{t}.csv" for t in schemas())]:
        path = folder / name
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"")
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()


def slug(text: str) -> str:
    """Lower-case words joined by hyphens, safe in a file name.

    Examples
    --------
    >>> slug("Notional Ukraine force transition")
    'notional-ukraine-force-transition'
    """
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out[:60].rstrip("-") or "scenario"


def default_run_dir(
    scenario_name: str, root: Path | str = "runs", now: datetime | None = None
) -> Path:
    """A new timestamped run folder under *root*, e.g. ``runs/2026-11-29T221530-my-scenario``.

    A suffix ``-2``, ``-3``, ... is added when the folder already exists.
    """
    now = now or datetime.now()
    base = Path(root) / f"{now:%Y-%m-%dT%H%M%S}-{slug(scenario_name)}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def _jsonable(value: Any) -> Any:
    """Plain JSON values (numpy scalars to Python, NaN/inf to None)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _written(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Tables a run folder holds: every contract table, then the explanation tables present."""
    return [*PLAN_TABLES, *(name for name in EXPLAIN_TABLES if name in tables)]


def _check_tables(tables: dict[str, pd.DataFrame]) -> None:
    """Every contract table is present with its contractual columns first, in order.

    A table of :data:`LATER_TABLES` that is missing (tables assembled by code written
    before it existed) is added empty."""
    problems = []
    for name, columns in PLAN_TABLES.items():
        frame = tables.get(name)
        if frame is None and name in LATER_TABLES:
            tables[name] = pd.DataFrame(columns=columns)  # tables made before it existed
            continue
        if frame is None:
            problems.append(f"table {name} is missing")
            continue
        lead = [str(c) for c in frame.columns[: len(columns)]]
        if lead != columns:
            problems.append(
                f"table {name} starts with columns {lead}, the contract needs {columns}"
            )
    if problems:
        raise RunFolderError(
            "the plan does not match the run folder contract: "
            + "; ".join(problems)
            + ". This is a bug in forceplan's result extraction; please report it."
        )


def _summary(plan: Plan, scenario_dir: Path) -> dict[str, Any]:
    """The content of ``summary.json`` (the caller adds the ``write`` timing)."""
    from forceplan import __version__
    from forceplan.results.costs import cost_totals

    scenario: Scenario = plan.scenario
    shortfalls = plan.tables["shortfalls"]
    by_constraint = (
        shortfalls["constraint"].astype(str).value_counts().sort_index().to_dict()
        if len(shortfalls)
        else {}
    )
    timings = {str(k): float(v) for k, v in plan.timings.items()}
    header = scenario.header
    return {
        "forceplan_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": plan.status,
        "message": plan.message,
        "objective": {str(k): float(v) for k, v in plan.objective.items()},
        "gap": None if plan.gap is None else float(plan.gap),
        "timings": timings,
        "solver": {str(k): str(v) for k, v in plan.solver.items()},
        "options": dict(plan.options),
        "scenario": {
            "name": header.name,
            "notional": bool(header.notional),
            "hash": scenario_hash(scenario_dir),
            "origin": scenario.origin,
            "start_year": header.start_year,
            "periods": header.periods,
            "period_length": header.period_length,
            "period_labels": list(header.period_labels),
            "currency": header.currency,
        },
        "cost": {**cost_totals(plan.tables), "currency": header.currency},
        "shortfalls": {"count": len(shortfalls), "by_constraint": by_constraint},
        "tables": {name: len(plan.tables[name]) for name in _written(plan.tables)},
        **{str(k): v for k, v in getattr(plan, "summary_extra", {}).items()},
    }


def _write_extra_files(plan: Plan, tmp: Path) -> None:
    """The plan's further files (``plan.extra_files``), inside the temporary run folder."""
    from forceplan.results.plan import Plan

    for relative, content in getattr(plan, "extra_files", {}).items():
        path = tmp / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, pd.DataFrame):
            content.to_csv(path, index=False, lineterminator="\n")
        elif isinstance(content, Plan):
            write_run_folder(content, path)
        else:
            path.write_text(content, encoding="utf-8")


def _cell(value: Any) -> Any:
    """An Excel-friendly cell value."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


MONEY_COLUMNS = frozenset(
    {
        "cost",
        "expansion_cost",
        "production_cost",
        "available",
        "spent",
        "acquisition",
        "operation",
        "upgrade",
        "expansion",
        "replenishment",
        "ammunition",
    }
)
"""Workbook columns holding money: thousands separators, one decimal."""

FRACTION_COLUMNS = frozenset({"index", "target", "score", "dual", "replanned_effect", "gap"})
"""Workbook columns holding fractions or prices: three decimals."""

TEXT_WIDTH_CAP = 60
"""Widest a workbook column gets (characters); longer text wraps in Excel's cell view."""

WHOLE = "#,##0"
MONEY = "#,##0.0"
FRACTION = "0.000"
PERIOD = "0"


def _number_format(column: str, budgets: bool = False) -> str:
    """Excel number format of a numeric workbook column.

    Examples
    --------
    >>> _number_format("cost"), _number_format("quantity"), _number_format("period")
    ('#,##0.0', '#,##0', '0')
    """
    if column.startswith("period") or column in ("level", "replenish_by"):
        return PERIOD
    if column in MONEY_COLUMNS or (budgets and column != "stream"):
        return MONEY
    if column in FRACTION_COLUMNS or column.startswith("coverage:"):
        return FRACTION
    return WHOLE  # quantities: units, rounds, crews, slots, points


def year_pivot(
    tables: dict[str, pd.DataFrame],
    decisions: pd.DataFrame | None,
    names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Stock and decisions year by year: one row per (what, item), one column per period.

    ``what`` is ``stock`` (end-of-period units in service) or a decision action
    (quantities summed); ``cost`` rows follow for the priced actions.

    Parameters
    ----------
    tables
        The plan tables (``stock`` is used).
    decisions
        :func:`forceplan.results.decisions.decision_table` of the plan, if any.
    names
        Equipment id -> display name.
    """
    names = names or {}
    stock = tables["stock"]
    parts = []
    if len(stock):
        s = stock.assign(
            what="stock", item=stock["equipment"].map(lambda i: names.get(i, i)), unit="units"
        )
        parts.append(
            s.rename(columns={"quantity": "value"})[["what", "item", "unit", "period", "value"]]
        )
    if decisions is not None and len(decisions):
        d = decisions.rename(columns={"action": "what", "quantity": "value"})
        parts.append(d[["what", "item", "unit", "period", "value"]])
        priced = decisions[decisions["cost"].fillna(0) > 0]
        if len(priced):
            c = priced.assign(what=priced["action"] + " cost", unit="money")
            parts.append(
                c.rename(columns={"cost": "value"})[["what", "item", "unit", "period", "value"]]
            )
    if not parts:
        return pd.DataFrame(columns=["what", "item", "unit"])
    long = pd.concat(parts, ignore_index=True)
    order = {w: i for i, w in enumerate(pd.unique(long["what"]))}
    wide = long.pivot_table(
        index=["what", "item", "unit"], columns="period", values="value", aggfunc="sum"
    ).reset_index()
    wide = wide.assign(_w=wide["what"].map(order)).sort_values(["_w", "item"], kind="stable")
    wide.columns = [str(c) for c in wide.columns]
    return wide.drop(columns="_w").reset_index(drop=True)


def _write_workbook(
    path: Path,
    summary: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    notional: bool,
    decisions: pd.DataFrame | None = None,
    names: dict[str, str] | None = None,
) -> None:
    """Write ``plan.xlsx``: summary (NOTIONAL on top), year-by-year pivot, decisions, tables.

    Every table sheet has a bold frozen header row with filters, number formats
    (whole units as integers, money with thousands separators, fractions with
    three decimals) and column widths fitted to the content.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("summary")
    bold = Font(bold=True)

    def strong(sheet: Any, text: str) -> WriteOnlyCell:
        c = WriteOnlyCell(sheet, value=text)
        c.font = bold
        return c

    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 70
    if notional:
        ws.append([strong(ws, NOTIONAL_NOTE)])
        ws.append([])
    sc = summary["scenario"]
    rows: list[tuple[str, Any]] = [
        ("scenario", sc["name"]),
        ("notional", "yes" if sc["notional"] else "no"),
        ("periods", f"{sc['period_labels'][0]}-{sc['period_labels'][-1]}"),
        ("status", summary["status"]),
        ("message", summary["message"]),
        ("gap", summary["gap"]),
        ("shortfalls", summary["shortfalls"]["count"]),
    ]
    rows += [(f"objective: {k}", v) for k, v in summary["objective"].items()]
    rows += [(f"time {k} (s)", round(v, 3)) for k, v in summary["timings"].items()]
    rows += [
        ("solver", f"{summary['solver'].get('name', '')} {summary['solver'].get('version', '')}"),
        ("forceplan version", summary["forceplan_version"]),
        ("scenario hash", sc["hash"]),
        ("created", summary["created"]),
        ("money", sc["currency"]),
    ]
    ws.append([strong(ws, "field"), strong(ws, "value")])
    for key, value in rows:
        ws.append([key, _cell(value)])

    def sheet_of(name: str, frame: pd.DataFrame) -> None:
        sheet = wb.create_sheet(name)
        columns = [str(c) for c in frame.columns]
        numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
        budgets = name == "budgets"
        formats: list[str | None] = [
            (_number_format(c, budgets) if not c.isdigit() else WHOLE) if num else None
            for c, num in zip(columns, numeric, strict=True)
        ]
        formats = [None if f == PERIOD else f for f in formats]  # whole years: General shows them
        if name == "by year":  # period columns hold quantities or money
            formats = [None if not num else WHOLE for num in numeric]
        for i, (c, num) in enumerate(zip(columns, numeric, strict=True), start=1):
            if num:
                width = max(len(c), 12)
            else:
                longest = frame[c].astype(str).str.len().max() if len(frame) else 0
                width = min(TEXT_WIDTH_CAP, max(len(c), int(longest or 0)))
            sheet.column_dimensions[get_column_letter(i)].width = width + 2
        sheet.freeze_panes = "A2"
        if columns:
            last = get_column_letter(len(columns))
            sheet.auto_filter.ref = f"A1:{last}{max(1, len(frame)) + 1}"
        head = []
        for c in columns:
            cell = strong(sheet, c)
            cell.alignment = Alignment(wrap_text=False)
            head.append(cell)
        sheet.append(head)
        money_rows = (
            frame["unit"].astype(str).eq("money").to_numpy()
            if name == "by year" and "unit" in frame
            else None
        )
        # one styled cell per format, its value set row by row: a write-only sheet
        # serialises each row on append, and styling a fresh cell costs ~50x more
        # (one per column: a row holds several cells of the same format)
        styled: dict[tuple[int, str], WriteOnlyCell] = {}

        def shaped(column: int, value: Any, number_format: str) -> WriteOnlyCell:
            cell = styled.get((column, number_format))
            if cell is None:
                cell = styled[column, number_format] = WriteOnlyCell(sheet, value=0)
                cell.number_format = number_format
            cell.value = value
            return cell

        for r, row in enumerate(frame.itertuples(index=False, name=None)):
            out = []
            money_row = money_rows is not None and bool(money_rows[r])
            for j, (v, f) in enumerate(zip(row, formats, strict=True)):
                value = _cell(v)
                if f is None or value is None or isinstance(value, str):
                    out.append(value)
                    continue
                out.append(shaped(j, value, MONEY if money_row else f))
            sheet.append(out)

    if decisions is not None:
        sheet_of("by year", year_pivot(tables, decisions, names))
        sheet_of("decisions", decisions)
    for name in _written(tables):
        sheet_of(name, tables[name])
    wb.save(path)


def _equipment_names(scenario: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Equipment id -> display name (the id when unnamed)."""
    eq = scenario.get("equipment")
    if eq is None or eq.empty:
        return {}
    names = eq["name"].fillna("").astype(str)
    return dict(zip(eq["id"], names.where(names.str.strip() != "", eq["id"]), strict=True))


def _decisions(plan: Plan) -> pd.DataFrame:
    """The plan's decisions (:func:`forceplan.results.decisions.decision_table`)."""
    from forceplan.results.decisions import decision_table

    return decision_table(plan.tables, plan.scenario.tables, plan.scenario.header.currency)


def write_run_folder(
    plan: Plan,
    dest: Path | str,
    overwrite: bool = False,
    write_lp: bool = False,
    unique: bool = False,
    on_published: Callable[[Path], None] | None = None,
) -> Path:
    """Write a plan as a run folder, atomically.

    Parameters
    ----------
    plan
        A plan that exists (``plan.has_plan``).
    dest
        Folder to create.
    overwrite
        Replace an existing non-empty *dest*; otherwise that is an error.
    write_lp
        Also write ``model.lp`` with readable names (needs ``plan.model``).
    unique
        When *dest* exists (or appears while the run is written), write to the
        next free name ``dest-2``, ``dest-3``, ... instead (default run folders).
    on_published
        Called with the run folder's final place the moment it is in place, even
        when SIGINT or SIGTERM arrives just then (see :func:`forceplan.io.atomic.publish_dir`).

    Returns
    -------
    Path
        Where the run folder was written: *dest* (or, with *unique*, the free name taken).

    Raises
    ------
    RunFolderError
        When there is no plan to write, *dest* exists, or writing fails; nothing
        is left behind.

    Examples
    --------
    >>> import forceplan, tempfile
    >>> p = forceplan.plan(forceplan.examples.notional())  # doctest: +SKIP
    >>> write_run_folder(p, tempfile.mkdtemp() + "/run")  # doctest: +SKIP
    """
    dest = Path(dest)
    if not plan.has_plan:
        raise RunFolderError(
            f"there is no plan to write (status {plan.status}: {plan.message}). "
            "Fix: give the solver more time (--time-limit) or fix the scenario."
        )
    model = getattr(plan, "model", None)
    if write_lp and model is None:
        raise RunFolderError(
            "model.lp was asked for but the plan carries no model. Fix: plan again and "
            "write the run folder from that plan, or drop --write-lp."
        )
    _check_tables(plan.tables)
    started = time.perf_counter()
    try:
        published: list[Path] = []

        def record(final: Path) -> None:
            published.append(final)
            if on_published is not None:
                on_published(final)

        with atomic_dir(dest, overwrite=overwrite, unique=unique, on_published=record) as tmp:
            scenario_dir = tmp / SCENARIO_DIR
            write_folder_into(plan.scenario.header, plan.scenario.tables, scenario_dir)
            plan_dir = tmp / PLAN_DIR
            plan_dir.mkdir()
            for name in _written(plan.tables):
                plan.tables[name].to_csv(plan_dir / f"{name}.csv", index=False, lineterminator="\n")
            if write_lp and model is not None:
                model.to_file(tmp / LP_FILE, io_api="lp", explicit_coordinate_names=True)
            decisions = _decisions(plan)
            decisions.to_csv(plan_dir / DECISIONS_FILE, index=False, lineterminator="\n")
            _write_extra_files(plan, tmp)
            summary = _summary(plan, scenario_dir)
            _write_workbook(
                tmp / WORKBOOK_FILE,
                summary,
                plan.tables,
                plan.scenario.notional,
                decisions,
                _equipment_names(plan.scenario.tables),
            )
            summary["timings"]["write"] = time.perf_counter() - started
            (tmp / SUMMARY_FILE).write_text(
                json.dumps(_jsonable(summary), indent=2, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
    except OSError as exc:
        raise RunFolderError(
            f"could not write the run folder {dest}: {exc}. Fix: check the path and free space."
        ) from exc
    dest = published[0] if published else dest
    log.info("wrote run folder %s", dest)
    return dest


@dataclass
class RunFolder:
    """A run folder read back: its summary and plan tables.

    Attributes
    ----------
    path
        The run folder.
    summary
        Content of ``summary.json``.
    tables
        Plan table name -> DataFrame (text columns as ``str``, numbers as numbers).
    """

    path: Path
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables")
        if tables is not None and name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def scenario_dir(self) -> Path:
        """The inputs exactly as solved."""
        return self.path / SCENARIO_DIR

    @property
    def status(self) -> str:
        """Solve status recorded in the summary."""
        return str(self.summary.get("status", ""))

    @property
    def notional(self) -> bool:
        """Whether the scenario of the run is notional."""
        return bool(self.summary.get("scenario", {}).get("notional", True))

    def scenario(self) -> Scenario:
        """Load and validate the scenario of the run (``scenario/``)."""
        from forceplan.io.load import load_scenario

        return load_scenario(self.scenario_dir)


def _read_table(path: Path, name: str) -> pd.DataFrame:
    """One plan CSV with text columns as text and every other contract column numeric."""
    columns = PLAN_TABLES.get(name) or EXPLAIN_TABLES[name]
    text_cols = [c for c in columns if c in TEXT_COLUMNS]
    frame = pd.read_csv(path, dtype=dict.fromkeys(text_cols, str), keep_default_na=True)
    for c in text_cols:
        if c in frame:
            frame[c] = frame[c].fillna("").astype(str)
    return frame


def read_run_folder(path: Path | str) -> RunFolder:
    """Read a run folder written by :func:`write_run_folder`.

    Parameters
    ----------
    path
        The run folder.

    Raises
    ------
    RunFolderError
        When the folder does not exist or is incomplete: every missing file or
        column is named at once.
    """
    path = Path(path)
    if not path.is_dir():
        raise RunFolderError(
            f"{path} is not a run folder (it does not exist or is not a folder). "
            "Fix: pass a folder written by `forceplan plan`."
        )
    missing: list[str] = []
    summary: dict[str, Any] = {}
    summary_path = path / SUMMARY_FILE
    if not summary_path.is_file():
        missing.append(f"{SUMMARY_FILE} is missing")
    else:
        try:
            loaded = json.loads(summary_path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            missing.append(f"{SUMMARY_FILE} is not valid JSON ({exc})")
        else:
            if isinstance(loaded, dict):
                summary = loaded
            else:
                missing.append(f"{SUMMARY_FILE} does not hold a JSON object")
    if not (path / SCENARIO_DIR / HEADER_FILE).is_file():
        missing.append(f"{SCENARIO_DIR}/{HEADER_FILE} is missing")
    tables: dict[str, pd.DataFrame] = {}
    for contract, required in ((PLAN_TABLES, True), (EXPLAIN_TABLES, False)):
        for name, columns in contract.items():
            file = path / PLAN_DIR / f"{name}.csv"
            if not file.is_file():
                if required and name in LATER_TABLES:
                    tables[name] = pd.DataFrame(columns=columns)  # an older run folder
                elif required:
                    missing.append(f"{PLAN_DIR}/{name}.csv is missing")
                continue  # explanation tables are optional
            try:
                frame = _read_table(file, name)
            except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
                missing.append(f"{PLAN_DIR}/{name}.csv cannot be read ({exc})")
                continue
            absent = [c for c in columns if c not in frame.columns]
            if absent:
                missing.append(f"{PLAN_DIR}/{name}.csv lacks column(s) {', '.join(absent)}")
                continue
            tables[name] = frame
    if missing:
        raise RunFolderError(
            f"{path} is not a complete run folder: "
            + "; ".join(missing)
            + ". Fix: write it again with `forceplan plan --out` (run folders are written whole; "
            "a partial one was edited or copied incompletely)."
        )
    return RunFolder(path=path, summary=summary, tables=tables)
