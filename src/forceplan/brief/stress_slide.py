"""The deck's stress-test slide: fan charts of the riskiest floors and the failure sentences.

Added by :func:`forceplan.brief.deck.build_deck` when the run folder holds a
stress test (``forceplan stress RUNDIR``).
"""

from __future__ import annotations

import io
from typing import Any

from pptx.util import Inches

from forceplan.report.data import ReportData

FAN_ROLES = 4
"""Roles drawn on the slide (most often breached first)."""


def fan_png(stress: dict[str, Any], roles: list[str], notional: bool) -> bytes:
    """Percentile bands against the floors of *roles* as a PNG (matplotlib)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cap = stress["capability"]
    fig, axes = plt.subplots(1, len(roles), figsize=(3.2 * len(roles), 3.0), squeeze=False)
    try:
        for ax, role in zip(axes[0], roles, strict=True):
            part = cap[cap["role"] == role].sort_values("period")
            x = part["period"].astype(int).to_numpy()
            ax.fill_between(x, part["p05"], part["p95"], color="#1f3864", alpha=0.25, lw=0)
            ax.plot(x, part["p50"], color="#1f3864", lw=2, label="median")
            ax.plot(x, part["floor"], color="#c00000", lw=2, ls="--", label="floor")
            worst = float(part["p_below_floor"].max())
            ax.set_title(f"{role}\nbelow floor: up to {100 * worst:.0f}%", fontsize=9)
            ax.set_ylim(bottom=0)
            ax.tick_params(labelsize=8)
        axes[0][0].set_ylabel("capability points", fontsize=8)
        axes[0][0].legend(fontsize=7, loc="lower right")
        if notional:
            fig.text(0.99, 0.01, "NOTIONAL", color="#b00020", ha="right", fontsize=8)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110)
    finally:
        plt.close(fig)
    return buffer.getvalue()


def add_stress_slide(prs: object, data: ReportData) -> bool:
    """Add the stress-test slide to *prs* when the run has a stress test; whether it did."""
    from forceplan.brief.deck import HEIGHT, MARGIN, WIDTH, _picture, _slide, _text_box
    from forceplan.report.stress import (
        failure_lines,
        fan_roles,
        headline_lines,
        load_stress,
    )

    stress = load_stress(data.path)
    if stress is None:
        return False
    slide = _slide(prs, "Stress test: where the plan fails", data.notional)
    top = Inches(1.2)
    width = WIDTH - 2 * MARGIN
    _text_box(slide, MARGIN, top, width, Inches(0.9), headline_lines(stress), size=13)
    roles = fan_roles(stress)[:FAN_ROLES]
    chart_top = top + Inches(1.0)
    if roles:
        _picture(
            slide, fan_png(stress, roles, data.notional), MARGIN, chart_top, width, Inches(2.9)
        )
    lines = failure_lines(stress, limit=3)
    _text_box(
        slide,
        MARGIN,
        chart_top + Inches(3.0),
        width,
        HEIGHT - chart_top - Inches(3.6),
        lines,
        size=11,
        bullets=True,
    )
    return True
