"""The comparison page: two runs side by side (``compare.html``), self-contained.

The page holds plotly.js inline (it works offline, no CDN). It leads with what
changed (shortfalls, capability, interoperability, cost), the difference (B - A)
charts per role and period and the decisions that changed most by value; then,
for runs A and B next to each other on a shared y axis: capability against floor per role, the
interoperability index against its target, spending by funding stream and stock
in service by standard family; then the summary, the decisions found in one plan
only and the differences in the inputs as tables. A NOTIONAL banner tops the page
when either scenario is notional.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import qualitative
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from forceplan.io.atomic import atomic_file
from forceplan.results.compare import Comparison

NOTIONAL_BANNER = "NOTIONAL: illustrative data, not real inventory or plans."
"""The banner shown when either run's scenario is notional."""

FAMILY_COLORS = {"nato": "#1f5fa8", "soviet": "#c0392b", "national": "#d39e00"}
"""Colour of each standard family (as in the run report)."""

FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"

MAX_TABLE_ROWS = 500
"""Rows shown per table on the page (the CSV files hold them all)."""

CSS = """
body{font-family:%(font)s;margin:0;color:#222;background:#fafafa}
main{max-width:1300px;margin:0 auto;padding:0 20px 40px}
h1{font-size:1.5em;margin:18px 0 4px} h2{font-size:1.2em;margin-top:28px}
.banner{background:#b00020;color:#fff;font-weight:700;text-align:center;padding:8px;
letter-spacing:.03em}
.runs{color:#555;margin:0 0 12px} .note{color:#555;font-size:.92em}
.chart{background:#fff;border:1px solid #ddd;border-radius:4px;margin:12px 0;padding:4px}
table{border-collapse:collapse;background:#fff;font-size:.88em;margin:8px 0}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f0f0f0} td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.differs td{background:#fff6e0}
"""


@dataclass
class SideChart:
    """One side-by-side chart: id, heading, sentence, figure (None: nothing to draw)."""

    key: str
    title: str
    description: str
    figure: go.Figure | None


def _colors(items: Sequence[str]) -> dict[str, str]:
    """A stable colour per item (families keep their report colours)."""
    palette = qualitative.D3 + qualitative.Set2
    out = {}
    for i, item in enumerate(sorted(set(items))):
        out[item] = FAMILY_COLORS.get(item, palette[i % len(palette)])
    return out


def _pair(titles: tuple[str, str], y_title: str, periods: list[str]) -> go.Figure:
    fig = make_subplots(
        rows=1, cols=2, shared_yaxes=True, subplot_titles=titles, horizontal_spacing=0.04
    )
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT, "size": 12},
        height=420,
        margin={"l": 70, "r": 20, "t": 70, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.08, "x": 0, "xanchor": "left"},
        hovermode="x unified",
    )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=periods)
    fig.update_yaxes(title_text=y_title, row=1, col=1)
    return fig


def _periods(figures: pd.DataFrame) -> list[str]:
    """Every period label of the figures, in order (the shared x axis)."""
    return [str(int(p)) for p in sorted(set(figures["period"].dropna().tolist()))]


def _series(
    figures: pd.DataFrame, figure: str, side: str
) -> dict[str, tuple[list[str], list[float]]]:
    """item -> (period labels, values) of one figure for run side ``a`` or ``b``."""
    rows = figures[(figures["figure"] == figure) & figures["period"].notna()]
    out = {}
    for item, g in rows.groupby("item", sort=True):
        g = g.sort_values("period")
        out[str(item)] = ([str(int(p)) for p in g["period"]], g[side].astype(float).tolist())
    return out


def _lines_chart(
    c: Comparison,
    key: str,
    title: str,
    description: str,
    figure: str,
    reference: str,
    y_title: str,
) -> SideChart:
    """Solid lines of *figure* per item with dashed *reference* lines (floor, target)."""
    figures = c.outputs.figures if c.outputs else pd.DataFrame()
    if figures.empty or not (figures["figure"] == figure).any():
        return SideChart(key, title, description, None)
    fig = _pair((f"A: {c.a.name}", f"B: {c.b.name}"), y_title, _periods(figures))
    items = sorted(set(figures.loc[figures["figure"] == figure, "item"]))
    colors = _colors(items)
    for col, side in ((1, "a"), (2, "b")):
        main, ref = _series(figures, figure, side), _series(figures, reference, side)
        for item in items:
            if item in main:
                x, y = main[item]
                fig.add_scatter(
                    x=x,
                    y=y,
                    mode="lines+markers",
                    name=item,
                    legendgroup=item,
                    line={"color": colors[item]},
                    showlegend=col == 1,
                    row=1,
                    col=col,
                )
            if item in ref:
                x, y = ref[item]
                fig.add_scatter(
                    x=x,
                    y=y,
                    mode="lines",
                    name=f"{item} ({reference.split()[-1]})",
                    legendgroup=item,
                    line={"color": colors[item], "dash": "dash"},
                    showlegend=col == 1,
                    row=1,
                    col=col,
                )
    return SideChart(key, title, description, fig)


def _bars_chart(
    c: Comparison, key: str, title: str, description: str, figure: str, y_title: str
) -> SideChart:
    """Stacked bars of *figure* per item, A and B side by side."""
    figures = c.outputs.figures if c.outputs else pd.DataFrame()
    rows = figures[figures["figure"] == figure] if not figures.empty else figures
    if rows.empty or float(rows[["a", "b"]].abs().to_numpy().sum()) <= 0:
        return SideChart(key, title, description, None)
    fig = _pair((f"A: {c.a.name}", f"B: {c.b.name}"), y_title, _periods(figures))
    fig.update_layout(barmode="stack")
    totals = rows.groupby("item")[["a", "b"]].sum().abs().sum(axis=1)
    items = [str(i) for i in totals[totals > 0].index]
    colors = _colors(items)
    for col, side in ((1, "a"), (2, "b")):
        series = _series(figures, figure, side)
        for item in items:
            if item in series:
                x, y = series[item]
                fig.add_bar(
                    x=x,
                    y=y,
                    name=item,
                    legendgroup=item,
                    marker_color=colors[item],
                    showlegend=col == 1,
                    row=1,
                    col=col,
                )
    return SideChart(key, title, description, fig)


def side_charts(c: Comparison) -> list[SideChart]:
    """The side-by-side charts of the page, in order."""
    money = c.a.currency
    return [
        _lines_chart(
            c,
            "capability",
            "Capability against floor per role",
            "Combat capability of each role (solid) and its required floor (dashed).",
            "capability",
            "capability floor",
            "points",
        ),
        _lines_chart(
            c,
            "interoperability",
            "Interoperability index against target",
            "Capability-weighted interoperability index of the force (solid) and its target "
            "(dashed).",
            "interoperability index",
            "interoperability target",
            "index (0-1)",
        ),
        _bars_chart(
            c,
            "spending",
            "Spending by funding stream",
            "Money spent per funding stream and period.",
            "spending by stream",
            money,
        ),
        _bars_chart(
            c,
            "stock",
            "Stock in service by standard family",
            "End-of-period equipment in service, stacked by standard family.",
            "stock by family",
            "units",
        ),
    ]


UP, DOWN = "#2ca02c", "#d62728"
"""Bar colours of a difference: B above A, B below A."""


def _difference_figure(
    rows: pd.DataFrame, items: list[str], periods: list[str], y_title: str, bad_up: bool = False
) -> go.Figure:
    """Small multiples of B - A per item and period (green: up, red: down; *bad_up* swaps)."""
    n = len(items)
    cols = 1 if n <= 1 else 2 if n <= 6 else 3
    nrows = math.ceil(n / cols)
    height = 110 + 230 * nrows
    fig = make_subplots(
        rows=nrows,
        cols=cols,
        subplot_titles=items,
        vertical_spacing=min(0.3, 70 / height),
        horizontal_spacing=0.07 if cols > 1 else 0.02,
    )
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT, "size": 12},
        height=height,
        margin={"l": 70, "r": 20, "t": 60, "b": 50},
        showlegend=False,
        hovermode="x unified",
    )
    for i, item in enumerate(items):
        own = rows[rows["item"] == item].set_index("period")
        g = own["b"].astype(float).fillna(0.0) - own["a"].astype(float).fillna(0.0)  # absent: 0
        y = [float(g.get(int(p), 0.0)) for p in periods]
        good, bad = (DOWN, UP) if bad_up else (UP, DOWN)
        fig.add_bar(
            x=periods,
            y=[round(v, 4) for v in y],
            name=item,
            marker_color=[good if v >= 0 else bad for v in y],
            hovertemplate=f"%{{y:,.2f}} {y_title}<extra>{html.escape(item)}</extra>",
            row=i // cols + 1,
            col=i % cols + 1,
        )
        fig.update_yaxes(title_text=y_title, zeroline=True, row=i // cols + 1, col=i % cols + 1)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=periods)
    return fig


def difference_charts(c: Comparison) -> list[SideChart]:
    """Difference (B - A) charts per role and period: capability, shortfall, index, spending."""
    figures = c.outputs.figures if c.outputs else pd.DataFrame()
    if figures.empty:
        return []
    periods = _periods(figures)
    money = c.a.currency
    out = []
    specs = [
        (
            "diff-capability",
            "Capability difference (B - A) per role",
            "Combat capability in B minus A, per role and period: green where B has more.",
            "capability",
            "points",
            False,
        ),
        (
            "diff-shortfall",
            "Capability shortfall difference (B - A) per role",
            "Capability below the floor in B minus A, per role and period: red where B falls "
            "further short.",
            "capability shortfall",
            "points",
            True,
        ),
        (
            "diff-interoperability",
            "Interoperability index difference (B - A)",
            "The force's interoperability index in B minus A, per period.",
            "interoperability index",
            "index",
            False,
        ),
        (
            "diff-spending",
            "Spending difference (B - A)",
            f"Total spending in B minus A, per period ({money}): red where B spends more.",
            "spending",
            money,
            True,
        ),
    ]
    for key, title, description, figure, unit, bad_up in specs:
        rows = figures[(figures["figure"] == figure) & figures["period"].notna()]
        if rows.empty:
            continue
        differing = rows.groupby("item")["differs"].any()
        items = sorted(str(i) for i in differing.index[differing])
        if figure == "capability shortfall" and not items:
            continue  # no shortfall moved: nothing to say
        if not items:
            out.append(SideChart(key, title, description + " No difference.", None))
            continue
        fig = _difference_figure(rows, items, periods, unit, bad_up)
        out.append(SideChart(key, title, description, fig))
    return out


def _chart_div(chart: SideChart) -> str:
    if chart.figure is None:
        return f'<p class="note" id="chart-{chart.key}-none">Nothing to draw.</p>'
    div = pio.to_html(
        chart.figure,
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{chart.key}",
        config={"displaylogo": False, "responsive": True},
    )
    return f'<div class="chart">{div}</div>'


def _number_text(value: float) -> str:
    """A number for a table cell (empty for NaN)."""
    if math.isnan(value):
        return ""
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def _table(frame: pd.DataFrame, columns: dict[str, str], highlight: str | None = None) -> str:
    """An HTML table of *frame* (renamed *columns*), at most MAX_TABLE_ROWS rows."""
    if frame.empty:
        return '<p class="note">None.</p>'
    shown = frame.head(MAX_TABLE_ROWS)
    head = "".join(f"<th>{html.escape(label)}</th>" for label in columns.values())
    body = []
    for _, row in shown.iterrows():
        cells = []
        for col in columns:
            value = row[col]
            if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
                text = _number_text(float(value))
                cells.append(f'<td class="num">{html.escape(text)}</td>')
            else:
                text = "" if value is None or value is pd.NA else str(value)
                if text.startswith("sha256:"):  # content hashes: short, full text on hover
                    full = html.escape(text, quote=True)
                    cells.append(f'<td title="{full}">{html.escape(text[:19])}&hellip;</td>')
                    continue
                cells.append(f"<td>{html.escape(text)}</td>")
        cls = ' class="differs"' if highlight is not None and not bool(row[highlight]) else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    more = (
        f'<p class="note">{len(frame) - MAX_TABLE_ROWS} more row(s) in the CSV file.</p>'
        if len(frame) > MAX_TABLE_ROWS
        else ""
    )
    return f"<table><tr>{head}</tr>{''.join(body)}</table>{more}"


def compare_html(c: Comparison) -> str:
    """The comparison page as one self-contained HTML document."""
    a, b = html.escape(c.a.name), html.escape(c.b.name)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>forceplan comparison: {a} vs {b}</title>",
        f"<style>{CSS % {'font': FONT}}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body>",
    ]
    if c.a.notional or c.b.notional:
        parts.append(f'<div class="banner" id="notional-banner">{NOTIONAL_BANNER}</div>')
    parts += [
        "<main>",
        f"<h1>Comparison: {a} (A) vs {b} (B)</h1>",
        f'<p class="runs">A: {html.escape(str(c.a.path or c.a.scenario_name))} &middot; '
        f"B: {html.escape(str(c.b.path or c.b.scenario_name))} &middot; "
        f"written {datetime.now():%Y-%m-%d %H:%M}</p>",
    ]
    if c.outputs is not None:
        parts.append('<section id="what-changed"><h2>What changed (A -> B)</h2><ul>')
        parts += [f"<li>{html.escape(line)}</li>" for line in c.outcome()]
        parts.append("</ul></section>")
        for chart in difference_charts(c):
            parts.append(f"<h2>{html.escape(chart.title)}</h2>")
            parts.append(f'<p class="note">{html.escape(chart.description)}</p>')
            parts.append(_chart_div(chart))
        changes = c.outputs.changes
        real = changes[~changes["reshuffle"].astype(bool)]
        parts.append("<h2>Decisions that changed most by value</h2>")
        parts.append(
            _table(
                real.head(50),
                {
                    "action": "action",
                    "item": "item",
                    "from": "from",
                    "value_a": f"value A ({c.a.currency})",
                    "value_b": f"value B ({c.a.currency})",
                    "quantity_a": "quantity A",
                    "quantity_b": "quantity B",
                    "unit": "unit",
                    "periods_a": "periods A",
                    "periods_b": "periods B",
                },
            )
        )
        shuffled = changes[changes["reshuffle"].astype(bool)]
        if len(shuffled):
            parts.append(
                f'<p class="note">{len(shuffled)} more change(s) only move items between '
                "interchangeable suppliers with the same totals; they are in "
                "decision_changes.csv.</p>"
            )
        parts.append("<h2>Summary</h2>")
        parts.append(
            _table(
                c.outputs.summary,
                {"field": "", "a": f"A: {c.a.name}", "b": f"B: {c.b.name}"},
                highlight="same",
            )
        )
        for chart in side_charts(c):
            parts.append(f"<h2>{html.escape(chart.title)}</h2>")
            parts.append(f'<p class="note">{html.escape(chart.description)}</p>')
            parts.append(_chart_div(chart))
        dec = c.outputs.decisions
        parts.append("<h2>Decisions in one plan only</h2>")
        parts.append(
            _table(
                dec[dec["change"] != "changed"],
                {
                    "decision": "decision",
                    "item": "item",
                    "change": "change",
                    "quantity_a": f"quantity A ({c.a.name})",
                    "periods_a": "periods A",
                    "quantity_b": f"quantity B ({c.b.name})",
                    "periods_b": "periods B",
                    "unit": "unit",
                },
            )
        )
        parts.append('<p class="note">removed: only in A; added: only in B.</p>')
        parts.append("<h2>Decisions in both plans with other quantities or periods</h2>")
        parts.append(
            _table(
                dec[dec["change"] == "changed"],
                {
                    "decision": "decision",
                    "item": "item",
                    "quantity_a": "quantity A",
                    "periods_a": "periods A",
                    "quantity_b": "quantity B",
                    "periods_b": "periods B",
                    "unit": "unit",
                },
            )
        )
    else:
        parts.append('<p class="note">Outputs not compared: a run holds no plan.</p>')
    parts.append(f"<h2>Differences in the inputs ({len(c.inputs)})</h2>")
    parts.append(
        _table(
            c.inputs,
            {
                "table": "table",
                "key": "row",
                "column": "column",
                "old": "A (old)",
                "new": "B (new)",
                "change": "change",
            },
        )
    )
    parts.append(_tradeoff_section(c))
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _tradeoff_section(c: Comparison) -> str:
    """Breach probability and cost under stress when both runs were stress-tested."""
    from forceplan.robust.tradeoff import run_tradeoff, tradeoff_html

    return tradeoff_html(run_tradeoff(c.a.path, c.b.path), c.a.currency)


def write_compare_html(c: Comparison, path: Path | str) -> Path:
    """Write :func:`compare_html` to *path* atomically; returns *path*."""
    path = Path(path)
    with atomic_file(path) as tmp:
        tmp.write_text(compare_html(c), encoding="utf-8")
    return path
