"""The trade-off of a robust plan: breach probability and cost against a deterministic plan.

Both plans are stress-tested on the same fresh samples (``forceplan stress RUNDIR
--samples N --seed S`` on each, same N and S, a seed other than the robust plan's
own). :func:`tradeoff` reads the two run folders and their ``stress/`` outputs and
says, per measure, A, B and B - A:

* ``breach probability``: the share of samples in which some capability floor is
  breached in some period, with its standard error :math:`\\sqrt{p(1-p)/N}`;
* ``cost, mean`` / ``cost, 95th percentile``: spend over the horizon across the samples;
* ``planned cost``: the plan's own total cost (``summary.json``).

Only files are read (no solver), so the report and ``forceplan compare`` can call it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forceplan.exceptions import ForceplanError

STRESS_DIR = "stress"
SAMPLES_FILE = "samples.parquet"
BREACH_COLUMNS = ("breach", "any_breach", "floor_breached")
"""Per-sample column saying whether some floor was breached (first found is used)."""
COST_COLUMNS = ("spend", "cost", "total_spend", "spend_total")
"""Per-sample column with the spend over the horizon (first found is used)."""


class TradeoffError(ForceplanError):
    """The stress outputs needed for the trade-off are missing or unreadable."""


def has_stress(run_dir: Path | str) -> bool:
    """Whether *run_dir* has stress-test samples."""
    return (Path(run_dir) / STRESS_DIR / SAMPLES_FILE).is_file()


def stress_samples(run_dir: Path | str) -> pd.DataFrame:
    """Per stress sample: ``sample``, ``breach`` (bool) and ``cost`` of the run's stress test.

    Raises
    ------
    TradeoffError
        When ``stress/samples.parquet`` is missing or has no breach or spend column.
    """
    path = Path(run_dir) / STRESS_DIR / SAMPLES_FILE
    if not path.is_file():
        raise TradeoffError(
            f"{path} is missing. Fix: run `forceplan stress {run_dir}` first (the same "
            "--samples and --seed for both runs)."
        )
    frame = pd.read_parquet(path)
    breach = next((c for c in BREACH_COLUMNS if c in frame.columns), None)
    if breach is None:
        breached = [c for c in frame.columns if str(c).startswith("breach")]
        if not breached:
            raise TradeoffError(
                f"{path} has no breach column ({', '.join(BREACH_COLUMNS)} or breach_*). "
                "Fix: stress the run with this forceplan version."
            )
        flags = frame[breached].fillna(0).astype(float).to_numpy() > 0
        breach_values = flags.any(axis=1)
    else:
        breach_values = frame[breach].fillna(0).astype(float).to_numpy() > 0
    cost = next((c for c in COST_COLUMNS if c in frame.columns), None)
    sample = frame["sample"].to_numpy() if "sample" in frame.columns else np.arange(len(frame))
    return pd.DataFrame(
        {
            "sample": sample,
            "breach": breach_values,
            "cost": frame[cost].to_numpy(dtype=float) if cost else np.full(len(frame), np.nan),
        }
    )


def _planned_cost(run_dir: Path) -> float:
    try:
        summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
        return float(summary.get("cost", {}).get("total", np.nan))
    except (OSError, ValueError):
        return float("nan")


def tradeoff_table(
    a: pd.DataFrame, b: pd.DataFrame, planned: tuple[float, float] = (np.nan, np.nan)
) -> pd.DataFrame:
    """The trade-off of per-sample outcomes *a* and *b* (from :func:`stress_samples`).

    Returns
    -------
    pandas.DataFrame
        ``measure``, ``a``, ``b``, ``difference`` (b - a), ``unit``.

    Examples
    --------
    >>> a = pd.DataFrame({"breach": [True, True, False, False], "cost": [1.0, 1, 1, 1]})
    >>> b = pd.DataFrame({"breach": [True, False, False, False], "cost": [2.0, 2, 2, 2]})
    >>> t = tradeoff_table(a, b).set_index("measure")
    >>> float(t.loc["breach probability", "difference"])
    -0.25
    """

    def stats(frame: pd.DataFrame) -> dict[str, float]:
        n = len(frame)
        p = float(frame["breach"].mean()) if n else float("nan")
        cost = frame["cost"].to_numpy(dtype=float)
        finite = cost[np.isfinite(cost)]
        return {
            "samples": float(n),
            "breach probability": p,
            "breach probability, standard error": float(np.sqrt(p * (1 - p) / n)) if n else np.nan,
            "cost, mean": float(finite.mean()) if len(finite) else np.nan,
            "cost, 95th percentile": float(np.percentile(finite, 95)) if len(finite) else np.nan,
        }

    sa, sb = stats(a), stats(b)
    sa["planned cost"], sb["planned cost"] = planned
    units = {
        "samples": "samples",
        "breach probability": "share of samples",
        "breach probability, standard error": "share of samples",
        "cost, mean": "currency",
        "cost, 95th percentile": "currency",
        "planned cost": "currency",
    }
    rows = [
        {"measure": m, "a": sa[m], "b": sb[m], "difference": sb[m] - sa[m], "unit": units[m]}
        for m in units
    ]
    return pd.DataFrame(rows)


def tradeoff(run_a: Path | str, run_b: Path | str) -> pd.DataFrame:
    """The trade-off between two stress-tested run folders (A deterministic, B robust, say).

    Raises
    ------
    TradeoffError
        When a run lacks its stress samples, or the two were stressed on different samples.
    """
    ra, rb = Path(run_a), Path(run_b)
    a, b = stress_samples(ra), stress_samples(rb)
    if len(a) != len(b) or not np.array_equal(a["sample"].to_numpy(), b["sample"].to_numpy()):
        raise TradeoffError(
            f"{ra} and {rb} were stressed on different samples ({len(a)} and {len(b)}). "
            "Fix: run `forceplan stress` on both with the same --samples and --seed."
        )
    _check_same_seed(ra, rb)
    return tradeoff_table(a, b, (_planned_cost(ra), _planned_cost(rb)))


def _stress_seed(run_dir: Path) -> Any:
    for name in ("summary.json", "stress.json", "meta.json"):
        path = run_dir / STRESS_DIR / name
        if path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8")).get("seed")
            except (OSError, ValueError):
                return None
    return None


def _check_same_seed(ra: Path, rb: Path) -> None:
    sa, sb = _stress_seed(ra), _stress_seed(rb)
    if sa is not None and sb is not None and sa != sb:
        raise TradeoffError(
            f"{ra} was stressed with seed {sa}, {rb} with seed {sb}: not the same samples. "
            "Fix: run `forceplan stress` on both with the same --seed."
        )


def tradeoff_lines(table: pd.DataFrame, currency: str = "") -> list[str]:
    """The trade-off in words (A first, then B)."""
    v: dict[str, tuple[float, float]] = {
        str(m): (float(a), float(b))
        for m, a, b in zip(table["measure"], table["a"], table["b"], strict=True)
    }
    pa, pb = v["breach probability"]
    ca, cb = v["cost, mean"]
    qa, qb = v["planned cost"]
    n = int(v["samples"][0])
    lines = [
        f"breach probability on the same {n} samples: {100 * pa:.1f}% (A) against "
        f"{100 * pb:.1f}% (B), {100 * (pb - pa):+.1f} points",
    ]
    if np.isfinite(ca) and np.isfinite(cb):
        lines.append(
            f"mean spend under stress ({currency}): {ca:,.1f} (A) against {cb:,.1f} (B), "
            f"{cb - ca:+,.1f}"
        )
    if np.isfinite(qa) and np.isfinite(qb):
        lines.append(
            f"planned cost ({currency}): {qa:,.1f} (A) against {qb:,.1f} (B), {qb - qa:+,.1f}"
        )
    return lines


TRADEOFF_FILE = "tradeoff.csv"
"""The trade-off table in a comparison folder (when both runs have stress samples)."""


def run_tradeoff(path_a: Path | None, path_b: Path | None) -> pd.DataFrame | None:
    """:func:`tradeoff` of two run folders when both have stress samples, else ``None``.

    Samples that do not match (other seeds or counts) give ``None`` too: a comparison
    never fails for want of a trade-off; :func:`tradeoff` says why."""
    if path_a is None or path_b is None or not (has_stress(path_a) and has_stress(path_b)):
        return None
    try:
        return tradeoff(path_a, path_b)
    except (TradeoffError, OSError, ValueError):
        return None


def tradeoff_html(table: pd.DataFrame | None, currency: str = "") -> str:
    """The trade-off as an HTML section (empty without a table)."""
    from html import escape

    if table is None or not len(table):
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in tradeoff_lines(table, currency))
    body = "".join(
        "<tr><td>{}</td><td class='num'>{}</td><td class='num'>{}</td>"
        "<td class='num'>{}</td><td>{}</td></tr>".format(
            escape(str(measure)),
            *(escape(f"{float(x):,.4g}") for x in (a, b, d)),
            escape(str(unit)),
        )
        for measure, a, b, d, unit in zip(
            table["measure"],
            table["a"].astype(float),
            table["b"].astype(float),
            table["difference"].astype(float),
            table["unit"],
            strict=True,
        )
    )
    return (
        '<section id="tradeoff"><h2>Breach probability and cost under stress (A -> B)</h2>'
        "<p>Both plans stress-tested on the same samples.</p>"
        f'<ul class="words">{items}</ul><table><thead><tr><th>measure</th><th>A</th>'
        f"<th>B</th><th>B - A</th><th>unit</th></tr></thead><tbody>{body}</tbody></table>"
        "</section>"
    )
