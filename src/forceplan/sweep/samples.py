"""One sample of a sweep: realise the sampled future, re-optimise it, keep what the summary needs.

:func:`solve_sample` runs on a Dask worker and returns a plain, JSON-able record;
the client writes it (:func:`write_record`, atomically) as soon as it arrives, so a
sweep that is interrupted loses no finished sample and a shared file system between
client and workers is not needed.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

from forceplan.domain.scenario import Scenario
from forceplan.io.atomic import atomic_file

SAMPLES_DIR = "samples"
"""Folder of the sweep folder holding one JSON record per finished sample."""
BASE = "base"
"""Record name of the plan of the scenario as given (no sampled factor)."""
RECORD_VERSION = 1

DECISION_FIELDS = (
    "period",
    "action",
    "item",
    "from",
    "item_id",
    "from_id",
    "unit",
    "quantity",
    "cost",
)
SHORTFALL_FIELDS = ("constraint", "coordinates", "amount", "unit", "text")


def record_name(index: int | str) -> str:
    """File name of a sample's record: ``sample-000007.json``, or ``base.json``."""
    return f"{BASE}.json" if index == BASE else f"sample-{int(index):06d}.json"


def _clean(value: Any) -> Any:
    """A JSON-able scalar: numpy to Python, NaN to None."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def solve_sample(
    scenario: Scenario,
    draws: Any,
    index: int | str,
    options: dict[str, Any],
) -> dict[str, Any]:
    """Realise sample *index* of *draws* (``"base"``: the scenario as given) and plan it.

    Parameters
    ----------
    scenario
        The swept scenario.
    draws
        ``forceplan.uncertainty.Draws`` of the sweep.
    index
        Row of *draws*, or ``"base"``.
    options
        Keyword arguments of :func:`forceplan.plan` (``time_limit``, ``gap``, ``threads``).

    Returns
    -------
    dict
        The sample's record: status, message, factor values, objective parts, cost
        totals, shortfalls and decisions (rows of ``plan/decisions.csv`` without
        ``text``), and its solve seconds. A solve that fails is a record with status
        ``error`` and the reason, not an exception.
    """
    import forceplan
    from forceplan.results.costs import cost_totals
    from forceplan.results.decisions import decision_table

    t0 = time.perf_counter()
    record: dict[str, Any] = {"version": RECORD_VERSION, "sample": index}
    try:
        if index == BASE:
            future, factors = scenario, {}
        else:
            future = _realise(scenario, draws, int(index))
            row = draws.factors.iloc[int(index)]
            factors = {str(k): _clean(v) for k, v in row.items()}
        record["factors"] = factors
        result = forceplan.plan(future, **options)
        record["status"], record["message"] = result.status, result.message
        record["gap"] = _clean(result.gap)
        if result.has_plan:
            record["objective"] = {k: _clean(v) for k, v in result.objective.items()}
            record["cost"] = cost_totals(result.tables)
            sf = result.tables["shortfalls"]
            record["shortfalls"] = [
                {f: _clean(v) for f, v in zip(SHORTFALL_FIELDS, row, strict=True)}
                for row in sf[list(SHORTFALL_FIELDS)].itertuples(index=False)
            ]
            dec = decision_table(result.tables, future.tables, future.header.currency)
            record["decisions"] = [
                {f: _clean(v) for f, v in zip(DECISION_FIELDS, row, strict=True)}
                for row in dec[list(DECISION_FIELDS)].itertuples(index=False)
            ]
    except Exception as exc:  # a record says why; the sweep goes on
        record["status"] = "error"
        record["message"] = f"{type(exc).__name__}: {exc}"
    record["seconds"] = time.perf_counter() - t0
    return record


def _realise(scenario: Scenario, draws: Any, index: int) -> Scenario:
    from forceplan.sweep.sampling import realise

    return realise(scenario, draws, index)


def write_record(folder: Path, record: dict[str, Any]) -> Path:
    """Write *record* to ``folder/samples/`` atomically (temporary file, then renamed)."""
    dest = Path(folder) / SAMPLES_DIR / record_name(record["sample"])
    with atomic_file(dest) as tmp:
        tmp.write_text(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    return dest


def read_records(folder: Path) -> dict[int | str, dict[str, Any]]:
    """The finished records in ``folder/samples/``, by sample index (``"base"`` for the base)."""
    out: dict[int | str, dict[str, Any]] = {}
    place = Path(folder) / SAMPLES_DIR
    if not place.is_dir():
        return out
    for path in sorted(place.glob("*.json")):
        try:
            record = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue  # unreadable: solved again
        key = record.get("sample")
        if (isinstance(key, int) or key == BASE) and path.name == record_name(key):
            out[key] = record
    return out
