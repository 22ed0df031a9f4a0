"""``brief.pptx``: the plan as a PowerPoint deck (python-pptx), charts as matplotlib images.

Slides, in briefing order: title (with the NOTIONAL mark), the headline,
capability against the floors (a table, then the chart per role), the
Soviet-to-NATO shift, decisions per year,
the largest decisions, shortfalls and what closes them, what binds, risks, and (when the
run folder holds one) the stress test.
Every slide of a notional scenario carries the NOTIONAL mark. The figures come
from the run folder through the same functions as ``report.html``
(:mod:`forceplan.report.headline`, :mod:`forceplan.results.decisions`).
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from forceplan.io.atomic import atomic_file
from forceplan.io.run_folder import NOTIONAL_NOTE
from forceplan.report.charts import Chart, build_charts, period_axis
from forceplan.report.data import ReportData, load_run
from forceplan.report.headline import Headline, binds, headline
from forceplan.report.text import fmt
from forceplan.results.decisions import decisions_by_year

log = logging.getLogger(__name__)

DECK_FILE = "brief.pptx"
"""Default name of the deck inside the run folder."""

NOTIONAL_MARK = "NOTIONAL"
"""The mark on every slide of a notional scenario."""

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
"""Slide size (16:9)."""

MARGIN = Inches(0.5)
RED = RGBColor(0xB0, 0x00, 0x20)
INK = RGBColor(0x1B, 0x1F, 0x24)
MUTED = RGBColor(0x5B, 0x64, 0x70)

LARGEST_PER_YEAR = 2
"""Decisions per period on the 'largest decisions' slide (by cost)."""


def _text_box(
    slide: object,
    left: int,
    top: int,
    width: int,
    height: int,
    lines: Sequence[str | tuple[str, str]],
    size: int = 16,
    color: RGBColor = INK,
    bold: bool = False,
    bullets: bool = False,
) -> object:
    """A text box with one paragraph per line; a (title, text) pair puts the title in bold."""
    box = slide.shapes.add_textbox(left, top, width, height)  # type: ignore[attr-defined]
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.space_after = Pt(6)
        lead, text = line if isinstance(line, tuple) else ("", line)
        if bullets:
            text = "\u2022 " + text if not lead else text
            lead = "\u2022 " + lead if lead else lead
        if lead:
            run = para.add_run()
            run.text = lead + ": "
            run.font.bold = True
            run.font.size = Pt(size)
            run.font.color.rgb = color
        run = para.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color
    return box


def _slide(prs: object, title: str, notional: bool) -> object:
    """A blank slide with its title and, for a notional scenario, the NOTIONAL mark."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # type: ignore[attr-defined]
    _text_box(
        slide,
        MARGIN,
        Inches(0.3),
        WIDTH - 2 * MARGIN - Inches(2.2),
        Inches(0.8),
        [title],
        size=28,
        bold=True,
    )
    if notional:
        mark = _text_box(
            slide,
            WIDTH - MARGIN - Inches(2.0),
            Inches(0.3),
            Inches(2.0),
            Inches(0.5),
            [NOTIONAL_MARK],
            size=20,
            color=RED,
            bold=True,
        )
        mark.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT  # type: ignore[attr-defined]
        _text_box(
            slide,
            MARGIN,
            HEIGHT - Inches(0.45),
            WIDTH - 2 * MARGIN,
            Inches(0.35),
            [NOTIONAL_NOTE],
            size=10,
            color=RED,
        )
    return slide


def _table(
    slide: object,
    frame: pd.DataFrame,
    left: int,
    top: int,
    width: int,
    size: int = 11,
    widths: Sequence[float] | None = None,
) -> object:
    """A table of *frame* (its cells as text) on *slide*."""
    rows, cols = len(frame) + 1, len(frame.columns)
    height = Emu(int(Inches(0.3) * rows))
    shape = slide.shapes.add_table(rows, cols, left, top, width, height)  # type: ignore[attr-defined]
    table = shape.table
    if widths:
        total = sum(widths)
        for j, w in enumerate(widths):
            table.columns[j].width = Emu(int(width * w / total))
    for j, name in enumerate(frame.columns):
        cell = table.cell(0, j)
        cell.text = str(name)
        cell.text_frame.paragraphs[0].runs[0].font.size = Pt(size)
        cell.text_frame.paragraphs[0].runs[0].font.bold = True
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=1):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = str(value)
            para = cell.text_frame.paragraphs[0]
            if para.runs:
                para.runs[0].font.size = Pt(size)
    return shape


def chart_png(chart: Chart, data: ReportData, columns: int | None = None) -> bytes:
    """A report chart as PNG bytes (matplotlib, the report's static drawing)."""
    import matplotlib.pyplot as plt

    from forceplan.report.static import draw

    figure = draw(chart, period_axis(data), data.notional, columns)
    try:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110)
    finally:
        plt.close(figure)
    return buffer.getvalue()


def _picture(slide: object, png: bytes, left: int, top: int, width: int, height: int) -> None:
    """*png* scaled to fit the box, keeping its aspect ratio."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        w, h = image.size
    scale = min(width / w, height / h)
    slide.shapes.add_picture(  # type: ignore[attr-defined]
        io.BytesIO(png), left, top, Emu(int(w * scale)), Emu(int(h * scale))
    )


def capability_rows(h: Headline) -> pd.DataFrame:
    """The capability slide's table: role, first and last capability, floor, worst shortfall."""
    cap = h.capability
    if cap.empty:
        return pd.DataFrame(columns=["role", "first", "last", "floor", "worst shortfall"])
    return pd.DataFrame(
        {
            "role": cap["role"].str.replace("-", " "),
            "first": [fmt(v, 0) for v in cap["first"]],
            "last": [fmt(v, 0) for v in cap["last"]],
            "floor": ["-" if math.isnan(v) else fmt(v, 0) for v in cap["floor"]],
            "worst shortfall": [
                "-" if v <= 1e-6 else f"{fmt(v, 1)} in {', '.join(map(str, p))}"
                for v, p in zip(cap["shortfall"], cap["short_periods"], strict=True)
            ],
        }
    )


def decisions_rows(decisions: pd.DataFrame) -> pd.DataFrame:
    """The decisions-per-year slide's table: count per action and total cost per period."""
    table = decisions_by_year(decisions)
    if table.empty:
        return pd.DataFrame(columns=["period"])
    counts = pd.DataFrame(table["count"]).fillna(0).astype(int)
    costs = pd.DataFrame(table["cost"]).fillna(0.0).to_numpy().sum(axis=1)
    out = pd.DataFrame({"period": [str(int(p)) for p in counts.index]})
    for action in counts.columns:
        out[str(action)] = counts[action].astype(str).to_numpy()
    out["cost"] = [fmt(float(v), 0) for v in costs]
    return out


def largest_decisions(decisions: pd.DataFrame, per_year: int = LARGEST_PER_YEAR) -> pd.DataFrame:
    """The costliest decisions of each period (period, decision, cost)."""
    if decisions.empty:
        return pd.DataFrame(columns=["period", "decision", "cost"])
    priced = decisions[decisions["cost"].fillna(0) > 0]
    top = (
        priced.sort_values(["period", "cost"], ascending=[True, False], kind="stable")
        .groupby("period", sort=True)
        .head(per_year)
    )
    return pd.DataFrame(
        {
            "period": top["period"].astype(int).astype(str),
            "decision": top["text"].astype(str),
            "cost": [fmt(float(v), 0) for v in top["cost"]],
        }
    )


def build_deck(data: ReportData) -> object:
    """The deck of a run as a python-pptx ``Presentation`` (not yet saved)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    notional = data.notional
    h = headline(data)
    charts = {c.key: c for c in build_charts(data)}
    periods = data.periods
    body_top = Inches(1.2)
    body_width = WIDTH - 2 * MARGIN
    body_height = HEIGHT - body_top - Inches(0.6)

    # 1. title
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text_box(slide, MARGIN, Inches(2.2), body_width, Inches(1.2), [data.name], size=40, bold=True)
    status = str(data.summary.get("status", "unknown"))
    _text_box(
        slide,
        MARGIN,
        Inches(3.5),
        body_width,
        Inches(1.0),
        [f"Force-transition plan {periods[0]}-{periods[-1]} (solve status: {status})"],
        size=20,
        color=MUTED,
    )
    if notional:
        _text_box(
            slide,
            MARGIN,
            Inches(0.6),
            body_width,
            Inches(1.0),
            [NOTIONAL_MARK],
            size=44,
            color=RED,
            bold=True,
        )
        _text_box(
            slide, MARGIN, Inches(4.5), body_width, Inches(0.6), [NOTIONAL_NOTE], size=16, color=RED
        )

    # 2. headline
    slide = _slide(prs, "Headline", notional)
    items = [(title, text) for key, title, text in h.items if key not in ("risks", "binds")]
    _text_box(slide, MARGIN, body_top, body_width, body_height, items, size=15)

    # 3. capability against floors
    slide = _slide(prs, "Capability against floors", notional)
    _text_box(slide, MARGIN, body_top, body_width, Inches(0.8), [h.text("capability")], size=15)
    rows = capability_rows(h)
    _table(
        slide,
        rows,
        MARGIN,
        body_top + Inches(0.9),
        body_width,
        size=12 if len(rows) <= 10 else 10,
        widths=[2.2, 1, 1, 1, 2.6],
    )
    cap_chart = charts.get("capability")
    if cap_chart is not None and cap_chart.figure is not None:
        slide = _slide(prs, "Capability per role, year by year", notional)
        _picture(
            slide, chart_png(cap_chart, data, columns=4), MARGIN, body_top, body_width, body_height
        )

    # 4. the shift
    slide = _slide(prs, "From Soviet to NATO standard", notional)
    _text_box(slide, MARGIN, body_top, body_width, Inches(1.0), [h.text("shift")], size=15)
    top = body_top + Inches(1.1)
    left_width = int(body_width * 0.38)
    stock = charts.get("stock")
    if stock is not None and stock.figure is not None:
        _picture(slide, chart_png(stock, data), MARGIN, top, left_width, body_height - Inches(1.1))
    classes = charts.get("classes")
    if classes is not None and classes.figure is not None:
        _picture(
            slide,
            chart_png(classes, data, columns=5),
            MARGIN + left_width + Inches(0.1),
            top,
            body_width - left_width - Inches(0.1),
            body_height - Inches(1.1),
        )

    # 5. decisions per year
    slide = _slide(prs, "Decisions per year", notional)
    d = data.decisions
    per_year = decisions_rows(d)
    _text_box(
        slide,
        MARGIN,
        body_top,
        body_width,
        Inches(0.6),
        [
            f"{len(d)} decisions: how many of each kind per year and what they cost "
            f"({data.money_unit}); every one is in plan/decisions.csv."
        ],
        size=14,
    )
    if len(per_year):
        _table(slide, per_year, MARGIN, body_top + Inches(0.7), body_width, size=12)

    # 6. the largest decisions
    slide = _slide(prs, "The largest decisions", notional)
    largest = largest_decisions(d)
    if len(largest):
        _table(
            slide,
            largest.rename(columns={"cost": f"cost ({data.money_unit})"}),
            MARGIN,
            body_top,
            body_width,
            size=10,
            widths=[1, 9, 1.6],
        )
    else:
        _text_box(slide, MARGIN, body_top, body_width, Inches(1), ["No priced decisions."])

    # 7. shortfalls and what closes them
    slide = _slide(prs, "Shortfalls and what closes them", notional)
    shortfalls = [t for t in data.plan["shortfalls"]["text"].astype(str) if t.strip()]
    lines: list[str | tuple[str, str]] = [("Shortfall", t) for t in shortfalls[:8]] or [
        h.text("shortfalls")
    ]
    if len(shortfalls) > 8:
        lines.append(f"... and {len(shortfalls) - 8} more in plan/shortfalls.csv")
    if h.remedies:
        lines += [("What closes it", r) for r in h.remedies[:6]]
    elif shortfalls:
        lines.append(
            "What closes the gaps: not computed for this run (plan/remedies.csv is absent)."
        )
    _text_box(slide, MARGIN, body_top, body_width, body_height, lines, size=15)

    # 8. what binds
    slide = _slide(prs, "What binds", notional)
    found = binds(data, per_stage=2)
    _text_box(
        slide,
        MARGIN,
        body_top,
        body_width,
        body_height,
        found or [h.text("binds")],
        size=15,
        bullets=True,
    )

    # 9. risks
    slide = _slide(prs, "Risks", notional)
    _text_box(
        slide,
        MARGIN,
        body_top,
        body_width,
        body_height,
        h.risks or [h.text("risks")],
        size=16,
        bullets=True,
    )

    # 10. stress test (only when the run folder holds one: forceplan stress RUNDIR)
    from forceplan.brief.stress_slide import add_stress_slide

    add_stress_slide(prs, data)
    return prs


def write_deck(run_dir: Path | str, out: Path | str | None = None) -> Path:
    """Write the deck of a run folder.

    Parameters
    ----------
    run_dir
        A run folder written by ``forceplan plan``.
    out
        The ``.pptx`` file (default ``RUNDIR/brief.pptx``); written through a
        temporary file renamed into place.

    Returns
    -------
    Path
        The written deck.

    Raises
    ------
    RunFolderError
        When *run_dir* is not a complete run folder.
    """
    data = load_run(run_dir)
    prs = build_deck(data)
    dest = Path(out) if out is not None else data.path / DECK_FILE
    with atomic_file(dest) as tmp:
        prs.save(str(tmp))  # type: ignore[attr-defined]
    log.info("wrote %s", dest)
    return dest
