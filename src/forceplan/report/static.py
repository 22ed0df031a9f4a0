"""Static PNG versions of the report's charts (matplotlib, Agg backend), for slides and print.

Each PNG is drawn from the very traces of the interactive plotly figure (same
numbers, colours, units and facets), so the two can never disagree.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from forceplan.io.atomic import atomic_dir
from forceplan.report.charts import LEVEL_COLORS, LEVEL_NAMES, Chart, facet_grid

CHARTS_DIR = "charts"
"""Sub-folder of the run folder that holds the PNG charts."""

DPI = 100
"""Resolution of the PNG charts."""

NOTIONAL_MARK = "NOTIONAL"
"""Stamp on every PNG of a notional scenario."""

_DASHES = {"dash": "--", "dot": ":", "dashdot": "-.", "longdash": "--", "solid": "-"}


def _axis_index(name: str | None) -> int:
    """0-based subplot index of a plotly axis name (``'x'`` -> 0, ``'x3'`` -> 2)."""
    if not name or len(name) == 1:
        return 0
    return int(name[1:]) - 1


def _yaxis_title(figure: Any, index: int) -> str:
    axis = figure.layout[f"yaxis{'' if index == 0 else index + 1}"]
    return str(axis.title.text or "") if axis is not None else ""


def _positions(x: Any, categories: list[str]) -> np.ndarray:
    where = {c: i for i, c in enumerate(categories)}
    return np.array([where.get(str(v), np.nan) for v in x], dtype=float)


def _draw_xy(figure: Any, axes: list[Axes], categories: list[str]) -> None:
    """Bars and lines of a plotly figure onto matplotlib axes (one per subplot)."""
    barmode = figure.layout.barmode or "group"
    traces = list(figure.data)
    bars_per_axis: dict[int, list[Any]] = {}
    for t in traces:
        if t.type == "bar":
            bars_per_axis.setdefault(_axis_index(t.xaxis), []).append(t)
    bottoms = {k: np.zeros(len(categories)) for k in bars_per_axis}
    for t in traces:
        k = _axis_index(t.xaxis)
        ax = axes[k]
        label = t.name if t.showlegend is not False else "_nolegend_"
        x = _positions(t.x, categories)
        y = np.array([np.nan if v is None else float(v) for v in t.y], dtype=float)
        if t.type == "bar":
            group = bars_per_axis[k]
            colour = t.marker.color
            if barmode == "stack":
                slot = np.nan_to_num(x).astype(int)
                base = bottoms[k][slot]
                ax.bar(x, np.nan_to_num(y), 0.7, bottom=base, color=colour, label=label)
                bottoms[k][slot] = base + np.nan_to_num(y)
            else:
                width = 0.8 / len(group)
                offset = (group.index(t) - (len(group) - 1) / 2) * width
                ax.bar(x + offset, y, width, color=colour, label=label, alpha=t.opacity or 1.0)
        elif t.type == "scatter":
            mode = t.mode or "lines"
            colour = t.line.color or t.marker.color
            style = _DASHES.get(t.line.dash or "solid", "-") if "lines" in mode else "none"
            ax.plot(
                x,
                y,
                linestyle=style,
                marker="o" if "markers" in mode else None,
                markersize=4,
                color=colour,
                linewidth=t.line.width or 1.8,
                drawstyle="steps-mid" if t.line.shape in ("hv", "vh", "hvh") else "default",
                label=label,
            )
            if "text" in mode and t.text is not None:
                for xi, yi, s in zip(x, y, t.text, strict=False):
                    ax.annotate(
                        str(s), (xi, yi), textcoords="offset points", xytext=(0, 6), ha="center"
                    )


def _short_number(value: float, _pos: object = None) -> str:
    """A tick label: ``1.2M``, ``600k``, ``0.25``."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:g}M"
    if size >= 1e4:
        return f"{value / 1e3:g}k"
    return f"{value:g}"


def _draw_heatmap(figure: Any, ax: Axes, mfig: Figure) -> None:
    """The formation-level heat-map: discrete colours for levels 0-3."""
    trace = figure.data[0]
    z = np.array([[np.nan if v is None else v for v in row] for row in trace.z], dtype=float)
    cmap = ListedColormap(list(LEVEL_COLORS))
    image = ax.imshow(z, cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto")
    ax.set_xticks(range(len(trace.x)), [str(v) for v in trace.x], rotation=45)
    ax.set_yticks(range(len(trace.y)), [str(v) for v in trace.y])
    bar = mfig.colorbar(image, ax=ax, ticks=[0, 1, 2, 3])
    bar.ax.set_yticklabels([f"{i} {n}" for i, n in enumerate(LEVEL_NAMES)])


def draw(chart: Chart, categories: list[str], notional: bool, columns: int | None = None) -> Figure:
    """A matplotlib figure of *chart* (which must have a figure).

    Parameters
    ----------
    chart
        A chart built by :mod:`forceplan.report.charts`.
    categories
        Period labels of the x axis, in order.
    notional
        Stamp the figure NOTIONAL.
    columns
        Small charts per row (default: as the report lays them out); a slide wants
        a wider grid than a page.
    """
    figure = chart.figure
    if figure is None:
        raise ValueError(f"chart {chart.key} has no figure to draw")
    n = max(1, len(chart.facets))
    rows, cols = facet_grid(n)
    if columns is not None and n > 1:
        cols = max(1, min(columns, n))
        rows = -(-n // cols)
    heatmap = figure.data and figure.data[0].type == "heatmap"
    height = (0.4 * len(figure.data[0].y) + 1.5) if heatmap else 2.9 * rows + 1.1
    mfig, grid = plt.subplots(
        rows, cols, figsize=(5.6 * cols if cols > 1 else 9.0, height), squeeze=False
    )
    axes = list(grid.ravel())
    for extra in axes[n:]:
        extra.set_visible(False)
    if heatmap:
        _draw_heatmap(figure, axes[0], mfig)
    else:
        _draw_xy(figure, axes, categories)
        for k, ax in enumerate(axes[:n]):
            ax.set_xticks(range(len(categories)), categories, rotation=45 if cols > 1 else 0)
            ax.set_xlim(-0.6, len(categories) - 0.4)
            ax.set_ylabel(_yaxis_title(figure, k))
            ax.yaxis.set_major_formatter(FuncFormatter(_short_number))
            ax.grid(axis="y", alpha=0.3)
            ax.spines[["top", "right"]].set_visible(False)
            if chart.facets:
                ax.set_title(chart.facets[k], fontsize=10)
        handles, labels = [], []
        for ax in axes[:n]:
            for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
                if lab not in labels:
                    handles.append(h)
                    labels.append(lab)
        if labels:
            mfig.legend(handles, labels, loc="upper right", ncol=min(len(labels), 5), fontsize=9)
    mfig.suptitle(chart.title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    if notional:
        mfig.text(0.01, 0.005, f"{NOTIONAL_MARK}: illustrative data", color="#b00020", fontsize=9)
    if heatmap:
        mfig.tight_layout(rect=(0, 0.03, 1, 0.93))
    else:  # a fixed layout: tight_layout costs seconds on a dozen facets
        width, tall = mfig.get_size_inches()
        mfig.subplots_adjust(
            left=0.95 / width,
            right=1 - 0.2 / width,
            top=1 - 0.85 / tall,
            bottom=(0.75 if cols > 1 else 0.55) / tall,
            hspace=0.75 if rows > 1 else 0.2,
            wspace=0.35,
        )
    return mfig


def default_mode(base: int) -> int:
    """*base* permissions less the process umask (temporary files are created private)."""
    mask = os.umask(0)
    os.umask(mask)
    return base & ~mask


def write_pngs(charts: list[Chart], run_dir: Path, categories: list[str], notional: bool) -> Path:
    """Write ``charts/<key>.png`` for every chart with a figure, replacing the folder whole.

    Returns
    -------
    Path
        The ``charts`` folder.
    """
    dest = run_dir / CHARTS_DIR
    with atomic_dir(dest, overwrite=True) as tmp:
        tmp.chmod(default_mode(0o777))
        for chart in charts:
            if chart.figure is None:
                continue
            mfig = draw(chart, categories, notional)
            try:
                mfig.savefig(tmp / f"{chart.key}.png", dpi=DPI)
            finally:
                plt.close(mfig)
    return dest
