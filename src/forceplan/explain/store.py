"""Explanation tables of a run folder: read them when present, compute and save them when not."""

from __future__ import annotations

import logging

import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.explain.remedies import remedy_table
from forceplan.explain.tables import EXPLAIN_TABLES, binding_tables, formation_tables_and_note
from forceplan.io.atomic import atomic_file
from forceplan.io.run_folder import PLAN_DIR, RunFolder

log = logging.getLogger(__name__)

TEXT_COLUMNS = frozenset(
    {
        "formation",
        "role",
        "equipment",
        "reasons",
        "constraint",
        "coordinates",
        "unit",
        "text",
        "shortfall",
        "remedy",
        "kind",
        "target",
        "item",
        "shortfall_text",
        "option",
    }
)
"""Explanation-table columns that hold text."""

FORMATION_TABLES = ("formations", "formation_gaps", "formation_levels")


def read_table(path: object) -> pd.DataFrame:
    """One explanation CSV, text columns as text."""
    frame = pd.read_csv(path)  # type: ignore[call-overload]
    for c in frame.columns:
        if c in TEXT_COLUMNS:
            frame[c] = frame[c].fillna("").astype(str)
    return frame


def load_or_compute(
    run: RunFolder,
    scenario: Scenario,
    *,
    write: bool = True,
    refresh: bool = False,
    notes: list[str] | None = None,
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The explanation tables of *run*: read from ``plan/`` or computed (and saved).

    Parameters
    ----------
    run
        A run folder (:func:`forceplan.io.run_folder.read_run_folder`).
    scenario
        Its scenario (``run.scenario()``).
    write
        Save computed tables in ``RUNDIR/plan`` (each file atomically).
    refresh
        Recompute even the tables the run already has.
    notes
        If given, receives notes on what was computed (e.g. an LP-rounded allocation).

    Returns
    -------
    tuple
        Table name -> DataFrame, and the names of the tables computed now.
    """
    plan_dir = run.path / PLAN_DIR
    out: dict[str, pd.DataFrame] = {}
    if not refresh:
        for name in EXPLAIN_TABLES:
            path = plan_dir / f"{name}.csv"
            if path.is_file():
                out[name] = read_table(path)
    computed: list[str] = []
    if any(n not in out for n in FORMATION_TABLES):
        tables, note = formation_tables_and_note(scenario, run.tables["stock"])
        out.update(tables)
        if note and notes is not None:
            notes.append(note)
        computed += list(FORMATION_TABLES)
    if "binding" not in out:
        mode = (run.summary.get("options") or {}).get("mode")
        out.update(binding_tables(scenario, run.tables, mode=str(mode) if mode else None))
        computed.append("binding")
    if "remedies" not in out:
        mode = (run.summary.get("options") or {}).get("mode")
        out.update(remedy_table(scenario, run.tables, mode=str(mode) if mode else None))
        computed.append("remedies")
    if write:
        for name in computed:
            with atomic_file(plan_dir / f"{name}.csv") as tmp:
                out[name].to_csv(tmp, index=False, lineterminator="\n")
            log.info("wrote %s", plan_dir / f"{name}.csv")
    return {name: out[name] for name in EXPLAIN_TABLES}, computed
