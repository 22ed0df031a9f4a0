"""The stress test in the report: fan charts against the floors and the failure boxes in words.

Read from ``RUNDIR/stress/`` (written by ``forceplan stress``); a run without a
stress test gets nothing from here.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from forceplan.report.charts import Chart

MAX_BOXES = 8
"""Failure sentences shown in the report (boxes first)."""
MAX_FAN_ROLES = 12
"""Roles drawn in the fan chart (those with floors, most often breached first)."""


def load_stress(run_dir: Path | str) -> dict[str, Any] | None:
    """The stress tables of a run folder, or ``None`` without a stress test."""
    from forceplan.uncertainty.run import read_stress

    return read_stress(run_dir)


def _pct(v: float) -> str:
    return f"{100 * v:.0f}%"


def fan_roles(stress: dict[str, Any]) -> list[str]:
    """Roles with a floor, most often breached first."""
    cap = stress["capability"]
    if not len(cap):
        return []
    with_floor = cap[cap["floor"].notna() & (cap["floor"] > 0)]
    order = with_floor.groupby("role")["p_below_floor"].max().sort_values(ascending=False)
    return [str(r) for r in order.index[:MAX_FAN_ROLES]]


def fan_figure(stress: dict[str, Any], roles: list[str] | None = None) -> go.Figure | None:
    """Capability percentile bands (5-95, median) against the floor, one small chart per role."""
    cap = stress["capability"]
    roles = fan_roles(stress) if roles is None else roles
    if not roles:
        return None
    cols = 3 if len(roles) > 4 else min(2, len(roles))
    rows = int(np.ceil(len(roles) / cols))
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[
            f"{r} (below floor: up to {_pct(cap[cap.role == r]['p_below_floor'].max())})"
            for r in roles
        ],
        shared_xaxes=False,
        vertical_spacing=0.12 if rows > 1 else 0.2,
    )
    for k, role in enumerate(roles):
        part = cap[cap["role"] == role].sort_values("period")
        row, col = k // cols + 1, k % cols + 1
        x = part["period"].astype(str).tolist()
        first = k == 0
        fig.add_trace(
            go.Scatter(
                x=x,
                y=part["p95"],
                mode="lines",
                line={"width": 0},
                name="95th percentile",
                legendgroup="band",
                showlegend=False,
                hoverinfo="skip",
            ),
            row=row,
            col=col,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=part["p05"],
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor="rgba(31,56,100,0.25)",
                name="5th-95th percentile",
                legendgroup="band",
                showlegend=first,
                hovertemplate="%{x}: 5th percentile %{y:,.0f} points<extra></extra>",
            ),
            row=row,
            col=col,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=part["p50"],
                mode="lines",
                line={"color": "#1f3864", "width": 2},
                name="median future",
                legendgroup="median",
                showlegend=first,
                hovertemplate="%{x}: median %{y:,.0f} points<extra></extra>",
            ),
            row=row,
            col=col,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=part["floor"],
                mode="lines",
                line={"color": "#c00000", "width": 2, "dash": "dash"},
                name="floor",
                legendgroup="floor",
                showlegend=first,
                customdata=np.c_[part["p_below_floor"].to_numpy()],
                hovertemplate="%{x}: floor %{y:,.0f}; below it in "
                "%{customdata[0]:.0%} of futures<extra></extra>",
            ),
            row=row,
            col=col,
        )
    fig.update_yaxes(title_text="points", rangemode="tozero")
    fig.update_layout(
        height=260 * rows + 80,
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        legend={"orientation": "h", "y": -0.08},
    )
    return fig


def stress_charts(run_dir: Path | str) -> list[Chart]:
    """The stress test's charts for the report (empty without a stress test)."""
    stress = load_stress(run_dir)
    if stress is None:
        return []
    roles = fan_roles(stress)
    n = int(stress["summary"].get("samples", 0))
    return [
        Chart(
            key="stress-fan",
            title="Stress test: capability in sampled futures",
            description=f"Capability per role in {n:,} sampled futures with the plan's decisions "
            "held fixed: the band holds 90% of the futures (5th to 95th percentile), the line "
            "the median future, the dashed line the floor.",
            figure=fan_figure(stress, roles),
            note="no role has a capability floor",
            facets=roles,
        )
    ]


def headline_lines(stress: dict[str, Any]) -> list[str]:
    """The stress test in a few sentences (headline figures, then the failure boxes)."""
    s = stress["summary"]
    n = int(s.get("samples", 0))
    lines = [
        f"In {n:,} sampled futures (seed {s.get('seed')}, {s.get('factors')} uncertain "
        "factors) with the plan's decisions held fixed, a capability floor is breached in "
        f"{_pct(float(s.get('p_any_floor_breached', 0)))} of futures and some munition runs dry "
        f"in {_pct(float(s.get('p_any_munition_dry', 0)))}; a floor is missed by more than 5% "
        f"in {_pct(float(s.get('p_any_floor_breached_by_5pct', 0)))}."
    ]
    worst = s.get("worst")
    if worst and float(worst.get("p_below_floor", 0)) > 0:
        lines.append(
            f"The riskiest floor is {str(worst['role']).replace('-', ' ')} in {worst['period']}: "
            f"below it in {_pct(float(worst['p_below_floor']))} of futures."
        )
    return lines


def failure_lines(stress: dict[str, Any], limit: int = MAX_BOXES) -> list[str]:
    """The failure sentences, boxes (with conditions) first."""
    f = stress["failures"]
    if not len(f):
        return []
    has_box = f["conditions"].astype(str).replace("nan", "") != ""
    ordered = pd.concat([f[has_box], f[~has_box]])
    return [str(t) for t in ordered["text"].head(limit) if str(t)]


def sensitivity_lines(stress: dict[str, Any], top: int = 3) -> list[str]:
    """The factors that move the worst floor ratio most, in words."""
    s = stress["sensitivity"]
    if not len(s):
        return []
    part = s[s["outcome"] == "floor_ratio_min"].sort_values("rank").head(top)
    if not len(part):
        return []
    named = ", ".join(
        f"{t} ({_pct(float(v))} of the variance)"
        for t, v in zip(part["text"], part["S1"], strict=True)
    )
    return [f"What moves the worst floor most: {named}."]


def stress_section_html(run_dir: Path | str) -> str:
    """The report's stress-test section (empty text without a stress test)."""
    stress = load_stress(run_dir)
    if stress is None:
        return ""
    items = "".join(f"<li>{escape(x)}</li>" for x in headline_lines(stress))
    boxes = "".join(f"<li>{escape(x)}</li>" for x in failure_lines(stress))
    sens = "".join(f"<li>{escape(x)}</li>" for x in sensitivity_lines(stress))
    cap = stress["capability"]
    table = ""
    if len(cap):
        worst = (
            cap[cap["floor"].notna()]
            .sort_values("p_below_floor", ascending=False)
            .groupby("role", sort=False)
            .head(1)
            .head(MAX_FAN_ROLES)
        )
        body = "".join(
            f"<tr><td>{escape(str(r.role))}</td><td class='num'>{int(r.period)}</td>"
            f"<td class='num'>{r.floor:,.0f}</td><td class='num'>{r.p05:,.0f}</td>"
            f"<td class='num'>{r.p50:,.0f}</td><td class='num'>{_pct(r.p_below_floor)}</td></tr>"
            for r in worst.itertuples()
        )
        table = (
            "<div class='table-wrap'><table class='data'><thead><tr><th>role</th><th>worst year"
            "</th><th>floor</th><th>5th percentile</th><th>median</th><th>futures below floor"
            f"</th></tr></thead><tbody>{body}</tbody></table></div>"
        )
    return (
        '<section class="block" id="stress"><h2>Stress test: where the plan fails</h2>'
        f'<ul class="words">{items}</ul>'
        f'<h3>Where it fails, in words</h3><ul class="words">{boxes}</ul>'
        f'<ul class="words">{sens}</ul>{table}'
        "<p class='desc'>From <code>stress/</code>: failures.csv (PRIM boxes), "
        "sensitivity.csv (factor ranking), capability.csv, ammunition.csv, periods.csv, "
        "samples.parquet. Simulation rules: docs/stress.md.</p></section>"
    )
