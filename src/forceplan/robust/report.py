"""The report's section on a robust run (reads ``robust/`` and ``summary.json`` only)."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from forceplan.robust.outputs import ROBUST_DIR
from forceplan.robust.tradeoff import has_stress, stress_samples


def robust_lines(run_dir: Path, summary: dict[str, Any]) -> list[str]:
    """The robust run in words: method and why, futures, expected outcome, stress outcome."""
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
        lines.append(
            f"The decisions of {', '.join(map(str, periods))} are shared by every future; later "
            "periods adapt per future (robust/outcomes.csv). Expected shortfall "
            f"{float(expected.get('shortfall', 0)):.4g}, expected cost "
            f"{float(expected.get('cost', 0)):,.1f} {currency}."
        )
    else:
        lines.append(
            f"Sources planned at the supply they keep with probability {robust['confidence']:g} "
            "(robust/derated_sources.csv)."
        )
    if has_stress(run_dir):
        try:
            s = stress_samples(run_dir)
            lines.append(
                f"Under stress ({len(s)} samples) a floor is breached in "
                f"{100 * float(s['breach'].mean()):.1f}% of samples; compare with the "
                "deterministic plan: forceplan compare DETERMINISTIC_RUN THIS_RUN."
            )
        except Exception:  # the report never fails for want of stress detail
            pass
    return lines


def robust_section_html(run_dir: Path, summary: dict[str, Any]) -> str:
    """The report section (empty for a run that is not robust)."""
    lines = robust_lines(Path(run_dir), summary)
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
    return (
        '<section class="block" id="robust"><h2>Plan that holds</h2>'
        f'<ul class="words">{items}</ul>{table}</section>'
    )
