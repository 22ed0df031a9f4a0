"""The report's section on a robust run (reads ``robust/`` and ``summary.json`` only)."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from forceplan.robust.outputs import BASELINE_DIR, ROBUST_DIR
from forceplan.robust.tradeoff import STRESS_DIR, has_stress, stress_samples


def robust_lines(run_dir: Path, summary: dict[str, Any], tradeoff: bool = True) -> list[str]:
    """The robust run in words: method and why, futures, expected outcome, stress outcome.

    With *tradeoff* false the trade-off against the deterministic plan is left to the
    caller (the report shows it as its own section)."""
    robust = summary.get("robust")
    if not robust:
        return []
    currency = str(summary.get("scenario", {}).get("currency", ""))
    lines = [
        f"Robust plan by the {robust['method']} method over {robust['futures']} futures: "
        f"{robust['reason']}."
    ]
    if robust["method"] == "stochastic":
        periods = summary.get("scenario", {}).get("period_labels", [])[
            : int(robust.get("first_stage_periods", 1))
        ]
        expected = robust.get("expected", {})
        every = len(periods) >= len(summary.get("scenario", {}).get("period_labels", []))
        shared = (
            "Every decision of every period is shared by all futures; only what happens to "
            "the force (losses, stocks, shortfalls) differs per future (robust/outcomes.csv)."
            if every
            else f"The decisions of {', '.join(map(str, periods))} are shared by every future; "
            "later periods adapt per future (robust/outcomes.csv)."
        )
        lines.append(
            f"{shared} Expected shortfall {float(expected.get('shortfall', 0)):.4g}, expected "
            f"cost {float(expected.get('cost', 0)):,.1f} {currency}."
        )
    else:
        lines.append(
            f"Sources planned at the supply they keep with probability {robust['confidence']:g} "
            "(robust/derated_sources.csv)."
        )
    said = _tradeoff_said(run_dir)
    if said:
        lines.append(
            "What the robust plan (B) buys against the deterministic plan of the same scenario "
            f"(A, {BASELINE_DIR}/), both stress-tested on the same futures"
            + (":" if tradeoff else " (below).")
        )
        if tradeoff:
            lines += said
    elif has_stress(run_dir):
        try:
            s = stress_samples(run_dir)
            lines.append(
                f"Under stress ({len(s)} samples) a floor is breached in "
                f"{100 * float(s['breach'].mean()):.1f}% of samples; compare with the "
                "deterministic plan: forceplan compare DETERMINISTIC_RUN THIS_RUN."
            )
        except Exception:  # the report never fails for want of stress detail
            pass
    elif robust.get("baseline"):
        lines.append(
            f"Run `forceplan stress {run_dir.name}` to stress this plan and the deterministic "
            f"one ({BASELINE_DIR}/) on the same futures: the report then says what the robust "
            "plan buys and what it costs."
        )
    return lines


def _tradeoff_said(run_dir: Path) -> list[str]:
    """The trade-off lines of the run's stress test against its baseline (none without)."""
    path = Path(run_dir) / STRESS_DIR / "summary.json"
    if not path.is_file():
        return []
    try:
        stress = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(x) for x in (stress.get("tradeoff") or {}).get("lines", [])]


def robust_section_html(run_dir: Path, summary: dict[str, Any]) -> str:
    """The report section (empty for a run that is not robust)."""
    lines = robust_lines(Path(run_dir), summary, tradeoff=False)
    if not lines:
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    table = ""
    path = Path(run_dir) / ROBUST_DIR / "futures.csv"
    if path.is_file():
        f = pd.read_csv(path)
        head = "<tr><th>future</th><th>probability</th><th>shortfall</th><th>cost</th></tr>"
        body = "".join(
            f"<tr><td>{escape(str(n))}</td><td class='num'>{float(p):.3g}</td>"
            f"<td class='num'>{float(s):.4g}</td><td class='num'>{float(c):,.1f}</td></tr>"
            for n, p, s, c in zip(
                f["name"], f["probability"], f["shortfall"], f["cost"], strict=True
            )
        )
        table = f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"
    tradeoff = ""
    path = Path(run_dir) / STRESS_DIR / "tradeoff.csv"
    if path.is_file():
        from forceplan.robust.tradeoff import tradeoff_html

        try:
            frame = pd.read_csv(path, dtype={"measure": str, "unit": str})
        except (OSError, ValueError, pd.errors.ParserError):
            frame = None
        currency = str(summary.get("scenario", {}).get("currency", ""))
        tradeoff = tradeoff_html(frame, currency, "A the deterministic plan, B this robust plan")
    return (
        '<section class="block" id="robust"><h2>Plan that holds</h2>'
        f'<ul class="words">{items}</ul>{table}{tradeoff}</section>'
    )
