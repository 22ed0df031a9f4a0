"""The trade-off of a robust plan: breach probability and cost against a deterministic plan.

Both plans are stress-tested on the same fresh samples (``forceplan stress RUNDIR
--samples N --seed S`` on each, same N and S, a seed other than the robust plan's
own). :func:`tradeoff` reads the two run folders and their ``stress/`` outputs and
says, per measure, A, B and B - A:

* ``breach probability``: the share of samples in which some capability floor is
  breached in some period, with its standard error :math:`\\sqrt{p(1-p)/N}`;
* ``breach probability, by more than 5%``: the same for a miss of more than 5% of the
  floor (a floor held exactly by plan is breached by any small loss; a deep miss is
  what a planner briefs);
* ``munition runs dry probability`` and ``floor periods breached, mean``;
* ``breach probability per period, mean``: the probability that some floor is breached
  in a period, averaged over the periods (the mean of each sample's ``breach_share``);
* ``floor shortfall, mean``: how much is missed, each floor's gap as a share of the
  floor summed over roles and periods (the model's normalised capability shortfall),
  averaged over the samples;
* ``worst floor ratio, 5th percentile``: the lowest capability as a share of its floor
  over roles and periods, in the worst 5% of samples;
* ``breach probability: ROLE`` and ``breach probability by more than 5%: ROLE`` per
  role with a floor;
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
from forceplan.uncertainty.summary import DEEP

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
    return sample_frame(pd.read_parquet(path), str(path))


def sample_frame(frame: pd.DataFrame, path: str = "samples") -> pd.DataFrame:
    """:func:`stress_samples` of a ``samples.parquet`` frame already read (*path* for errors)."""
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
    out: dict[str, Any] = {
        "sample": sample,
        "breach": breach_values,
        "cost": frame[cost].to_numpy(dtype=float) if cost else np.full(len(frame), np.nan),
    }
    if "floor_ratio_min" in frame.columns:
        ratio = frame["floor_ratio_min"].to_numpy(dtype=float)
        out["floor_ratio_min"] = ratio
        out["deep"] = np.nan_to_num(ratio, nan=np.inf) < 1 - DEEP
    if "dry" in frame.columns:
        out["dry"] = frame["dry"].fillna(0).astype(float).to_numpy() > 0
    if "breach_periods" in frame.columns:
        out["breach_periods"] = frame["breach_periods"].to_numpy(dtype=float)
    if "breach_share" in frame.columns:
        out["breach_share"] = frame["breach_share"].to_numpy(dtype=float)
    if "floor_gap" in frame.columns:
        out["floor_gap"] = frame["floor_gap"].to_numpy(dtype=float)
    for col in frame.columns:
        name = str(col)
        if name.startswith("breach:"):
            out[name] = frame[col].fillna(0).astype(float).to_numpy() > 0
        elif name.startswith("floor_ratio_min:"):
            role_ratio = frame[col].to_numpy(dtype=float)
            out["deep:" + name.split(":", 1)[1]] = np.nan_to_num(role_ratio, nan=np.inf) < 1 - DEEP
    return pd.DataFrame(out)


def planned_cost(run_dir: Path) -> float:
    """The run's own total cost (``summary.json``; NaN when it cannot be read)."""
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

    roles = sorted(
        {str(c).split(":", 1)[1] for f in (a, b) for c in f.columns if str(c).startswith("breach:")}
    )
    shares = "share of samples"
    means: list[tuple[str, str, str]] = [  # (measure, per-sample column, unit): sample means
        ("breach probability, by more than 5%", "deep", shares),
        ("munition runs dry probability", "dry", shares),
        ("floor periods breached, mean", "breach_periods", "periods"),
        ("breach probability per period, mean", "breach_share", shares),
        ("floor shortfall, mean", "floor_gap", "floor-periods"),
    ]
    per_role = [
        row
        for role in roles
        for row in (
            (f"breach probability: {role}", f"breach:{role}", shares),
            (f"breach probability by more than 5%: {role}", f"deep:{role}", shares),
        )
    ]

    def mean(frame: pd.DataFrame, col: str) -> float:
        return float(frame[col].mean()) if col in frame and len(frame) else float("nan")

    def worst_ratio(frame: pd.DataFrame) -> float:
        if "floor_ratio_min" not in frame or not np.isfinite(frame["floor_ratio_min"]).any():
            return float("nan")
        return float(np.nanpercentile(frame["floor_ratio_min"].to_numpy(dtype=float), 5))

    def cost(frame: pd.DataFrame) -> np.ndarray:
        c = frame["cost"].to_numpy(dtype=float)
        return c[np.isfinite(c)]

    def row(measure: str, va: float, vb: float, unit: str, col: str | None = None) -> dict:
        err = _paired_error(a, b, col) if col else float("nan")
        return {
            "measure": measure,
            "a": va,
            "b": vb,
            "difference": vb - va,
            "difference, standard error": err,
            "unit": unit,
        }

    def breach_error(frame: pd.DataFrame) -> float:
        n, p = len(frame), mean(frame, "breach")
        return float(np.sqrt(p * (1 - p) / n)) if n else float("nan")

    ca, cb = cost(a), cost(b)
    rows = [
        row("samples", float(len(a)), float(len(b)), "samples"),
        row("breach probability", mean(a, "breach"), mean(b, "breach"), shares, "breach"),
        row("breach probability, standard error", breach_error(a), breach_error(b), shares),
        *(row(m, mean(a, c), mean(b, c), u, c) for m, c, u in means),
        row("worst floor ratio, 5th percentile", worst_ratio(a), worst_ratio(b), "share of floor"),
        *(row(m, mean(a, c), mean(b, c), u, c) for m, c, u in per_role),
        row("cost, mean", mean(a, "cost"), mean(b, "cost"), "currency", "cost"),
        row(
            "cost, 95th percentile",
            float(np.percentile(ca, 95)) if len(ca) else float("nan"),
            float(np.percentile(cb, 95)) if len(cb) else float("nan"),
            "currency",
        ),
        row("planned cost", planned[0], planned[1], "currency"),
    ]
    return pd.DataFrame(rows)


def _paired_error(a: pd.DataFrame, b: pd.DataFrame, col: str) -> float:
    """The standard error of B - A of the mean of per-sample column *col* (paired samples).

    The same futures stress both plans, so the difference is the mean of per-sample
    differences: its error is their standard deviation over sqrt(N), far smaller than
    two independent errors when the plans fail in the same futures."""
    if col not in a or col not in b or len(a) != len(b) or len(a) < 2:
        return float("nan")
    d = b[col].to_numpy(dtype=float) - a[col].to_numpy(dtype=float)
    d = d[np.isfinite(d)]
    return float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else float("nan")


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
    return tradeoff_table(a, b, (planned_cost(ra), planned_cost(rb)))


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


SIGNIFICANT = 2.0
"""A per-role difference is said in words when it exceeds this many paired standard errors."""
ROLES_SAID = 5
"""At most this many per-role differences are said in words (largest first)."""
NEARLY_ALL = 0.95
"""Both plans breach in at least this share of samples: the line says the measure cannot
tell them apart."""


def tradeoff_lines(table: pd.DataFrame, currency: str = "") -> list[str]:
    """The trade-off in words (A first, then B), in the order a planner briefs it.

    How much capability is missed (where the samples have it), then the roles whose
    breach probability differs by more than :data:`SIGNIFICANT` paired standard errors,
    then the breach probability at all, by more than 5% and munitions running dry, then
    the cost. When both plans breach some floor in nearly every future the line says so:
    a floor the plan holds exactly breaks at any adverse draw, so only the measures of
    where and by how much tell the plans apart."""
    v: dict[str, tuple[float, float]] = {
        str(m): (float(a), float(b))
        for m, a, b in zip(table["measure"], table["a"], table["b"], strict=True)
    }
    err: dict[str, float] = (
        dict(zip(table["measure"].astype(str), table["difference, standard error"], strict=True))
        if "difference, standard error" in table
        else {}
    )

    def points(measure: str, what: str) -> str:
        pa, pb = v[measure]
        e = float(err.get(measure, np.nan))
        plus = f" (± {100 * e:.1f})" if np.isfinite(e) else ""
        return (
            f"{what}: {100 * pa:.1f}% (A) against {100 * pb:.1f}% (B), "
            f"{100 * (pb - pa):+.1f} points{plus}"
        )

    ca, cb = v["cost, mean"]
    qa, qb = v["planned cost"]
    n = int(v["samples"][0])
    pa, pb = v["breach probability"]
    lines = []
    if "floor shortfall, mean" in v and all(np.isfinite(v["floor shortfall, mean"])):
        ga, gb = v["floor shortfall, mean"]
        e = float(err.get("floor shortfall, mean", np.nan))
        plus = f" (± {e:.2g})" if np.isfinite(e) else ""
        rel = f", {100 * (gb - ga) / ga:+.0f}%" if ga > 0 else ""
        lines.append(
            f"capability missed on the same {n} samples (each floor's gap as a share of it, "
            f"summed over roles and periods), on average: {ga:.3g} (A) against {gb:.3g} (B), "
            f"{gb - ga:+.3g}{plus}{rel}"
        )
    prefix = "breach probability: "
    moved = []
    for measure, (a, b) in v.items():
        e = float(err.get(measure, np.nan))
        if measure.startswith(prefix) and np.isfinite(e) and abs(b - a) > SIGNIFICANT * e > 0:
            moved.append((abs(b - a), measure))
    for _, measure in sorted(moved, reverse=True)[:ROLES_SAID]:
        lines.append(points(measure, f"{measure[len(prefix) :]} floor breached"))
    per = "breach probability per period, mean"
    if per in v and all(np.isfinite(v[per])):
        lines.append(points(per, "some floor breached in a period, averaged over the periods"))
    nearly_all = min(pa, pb) >= NEARLY_ALL
    lines.append(
        f"breach probability on the same {n} samples: {100 * pa:.1f}% (A) against "
        f"{100 * pb:.1f}% (B), {100 * (pb - pa):+.1f} points"
        + (
            " (both breach some floor in some period in nearly every future: a floor held "
            "exactly by plan breaks at any adverse draw, so the lines above tell the plans "
            "apart)"
            if nearly_all
            else ""
        )
    )
    for measure, what in (
        ("breach probability, by more than 5%", "some floor missed by more than 5% of it"),
        ("munition runs dry probability", "some munition runs dry"),
    ):
        if measure in v and all(np.isfinite(v[measure])):
            lines.append(points(measure, what))
    if np.isfinite(ca) and np.isfinite(cb):
        lines.append(
            f"mean spend under stress ({currency}): {ca:,.1f} (A) against {cb:,.1f} (B), "
            f"{cb - ca:+,.1f}"
        )
    if np.isfinite(qa) and np.isfinite(qb):
        rel = f" ({100 * (qb - qa) / qa:+.1f}%)" if qa > 0 else ""
        lines.append(
            f"planned cost ({currency}): {qa:,.1f} (A) against {qb:,.1f} (B), {qb - qa:+,.1f}{rel}"
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


def tradeoff_html(table: pd.DataFrame | None, currency: str = "", which: str = "A -> B") -> str:
    """The trade-off as an HTML section (empty without a table); *which* names A and B."""
    from html import escape

    if table is None or not len(table):
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in tradeoff_lines(table, currency))
    errors = (
        table["difference, standard error"].astype(float)
        if "difference, standard error" in table
        else pd.Series(np.nan, index=table.index)
    )
    body = "".join(
        "<tr><td>{}</td><td class='num'>{}</td><td class='num'>{}</td>"
        "<td class='num'>{}</td><td class='num'>{}</td><td>{}</td></tr>".format(
            escape(str(measure)),
            *(escape(f"{float(x):,.4g}") for x in (a, b, d)),
            escape(f"{float(e):,.2g}") if np.isfinite(e) else "",
            escape(str(unit)),
        )
        for measure, a, b, d, e, unit in zip(
            table["measure"],
            table["a"].astype(float),
            table["b"].astype(float),
            table["difference"].astype(float),
            errors,
            table["unit"],
            strict=True,
        )
    )
    return (
        '<section id="tradeoff"><h2>Breach probability and cost under stress '
        f"({escape(which)})</h2>"
        "<p>Both plans stress-tested on the same samples; ± is the standard error of B - A "
        "over those samples.</p>"
        f'<ul class="words">{items}</ul><table><thead><tr><th>measure</th><th>A</th>'
        "<th>B</th><th>B - A</th><th>± (paired)</th><th>unit</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
        "</section>"
    )
