"""``report.html``: one self-contained page (plotly.js inline, no network) per run folder."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs

from forceplan.io.atomic import atomic_file
from forceplan.io.run_folder import NOTIONAL_NOTE
from forceplan.report.charts import Chart, build_charts, period_axis
from forceplan.report.data import ReportData, load_run
from forceplan.report.static import CHARTS_DIR, default_mode, write_pngs
from forceplan.report.text import binding_lines, fmt, overview_lines, shortfall_sections

log = logging.getLogger(__name__)

REPORT_FILE = "report.html"
"""Name of the report inside the run folder."""

CHART_COUNT_META = "forceplan-chart-count"
"""``<meta>`` name whose content is the number of interactive charts on the page."""

PLOTLY_CONFIG: dict[str, Any] = {
    "responsive": True,
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
"""plotly.js configuration shared by every chart."""

CSS = """
:root { --ink: #1b1f24; --muted: #5b6470; --line: #d9dee5; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial,
  sans-serif; color: var(--ink); background: #f6f7f9; line-height: 1.45; }
.notional-banner { position: sticky; top: 0; z-index: 10; background: #b00020; color: #fff;
  font-weight: 700; letter-spacing: .04em; text-align: center; padding: .6rem 1rem;
  font-size: 1.05rem; box-shadow: 0 2px 6px rgba(0,0,0,.25); }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
header.report-header h1 { margin: .8rem 0 .3rem; font-size: 1.7rem; }
header.report-header p.lead { margin: 0 0 1rem; color: var(--muted); }
table { border-collapse: collapse; background: #fff; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left;
  vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.facts th { width: 11rem; }
table.facts td code { font-size: .8rem; word-break: break-all; }
nav.toc { margin: 1rem 0; font-size: .92rem; display: flex; flex-wrap: wrap; gap: .3rem 1.1rem; }
nav.toc a { color: var(--accent); text-decoration: none; white-space: nowrap; }
section.block { background: #fff; border: 1px solid var(--line); border-radius: 6px;
  padding: .8rem 1.2rem 1rem; margin: 1.2rem 0; }
section.block h2 { margin: .2rem 0 .4rem; font-size: 1.25rem; }
section.block h3 { margin: .8rem 0 .3rem; font-size: 1.02rem; }
p.desc, p.note { color: var(--muted); margin: .2rem 0 .6rem; }
p.note { font-style: italic; }
.status-optimal { color: #1e7e34; font-weight: 600; }
.status-time_limit { color: #b36b00; font-weight: 600; }
div.chart { width: 100%; min-height: 320px; }
ul.words li { margin: .15rem 0; }
details { margin-top: .6rem; }
footer { color: var(--muted); font-size: .85rem; margin-top: 2rem; }
"""

RENDER_JS = """
(function () {
  "use strict";
  var figures = JSON.parse(document.getElementById("forceplan-figures").textContent);
  var config = JSON.parse(document.getElementById("forceplan-config").textContent);
  var jobs = figures.map(function (f) {
    return Plotly.newPlot(f.id, f.figure.data, f.figure.layout, config);
  });
  window.forceplanReady = Promise.all(jobs).then(
    function () { document.body.setAttribute("data-charts-rendered", String(jobs.length)); },
    function (err) {
      document.body.setAttribute("data-charts-error", String(err));
      console.error("forceplan: a chart failed to render: " + err);
    }
  );
})();
"""


def _json_for_script(value: Any) -> str:
    """JSON text safe inside a ``<script>`` element (no ``</script>`` can close it early)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _figure_json(chart: Chart) -> str:
    """A chart's figure as plotly JSON (NaN as null)."""
    return str(pio.to_json(chart.figure, validate=False, remove_uids=True))


def _facts(data: ReportData) -> list[tuple[str, str]]:
    """Header facts: (label, HTML-escaped value)."""
    from forceplan import __version__

    s = data.summary
    info = data.scenario_info
    status = str(s.get("status", "unknown"))
    gap = s.get("gap")
    solver = s.get("solver", {}) or {}
    periods = data.periods
    length = int(info.get("period_length") or data.header.get("period_length") or 1)
    made_by = str(s.get("forceplan_version", "unknown"))
    version = escape(made_by)
    if made_by != __version__:
        version += f" (report by {escape(__version__)})"
    shortfalls = len(data.plan["shortfalls"])
    return [
        ("scenario", escape(data.name) + (" (notional)" if data.notional else "")),
        ("status", f'<span class="status-{escape(status)}">{escape(status)}</span>'),
        ("message", escape(str(s.get("message", "")))),
        ("relative gap", "n/a" if not isinstance(gap, int | float) else f"{gap:.2%}"),
        (
            "solver",
            escape(f"{solver.get('name', 'unknown')} {solver.get('version', '')}".strip()),
        ),
        ("forceplan version", version),
        ("scenario hash", f"<code>{escape(str(info.get('hash', 'unknown')))}</code>"),
        (
            "horizon",
            escape(f"{periods[0]}-{periods[-1]} ({len(periods)} period(s) of {length} year(s))"),
        ),
        ("shortfalls", str(shortfalls) if shortfalls else "none"),
        ("money", escape(data.money_unit)),
        ("planned", escape(str(s.get("created", "unknown")))),
    ]


def _table(frame: pd.DataFrame, numeric: set[str]) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(frame.columns, row, strict=True):
            if col in numeric:
                cells.append(f'<td class="num">{escape(fmt(float(value), 2))}</td>')
            else:
                cells.append(f"<td>{escape(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _shortfalls_html(data: ReportData) -> str:
    sections = shortfall_sections(data)
    if not sections:
        return (
            "<p>No shortfalls: every capability floor, interoperability target, ammunition "
            "consumption, donor minimum and operating cost is covered.</p>"
        )
    parts = [
        f"<p>{len(data.plan['shortfalls'])} requirement(s) cannot be met in full. The plan "
        "still does the best it can; these are the gaps, in the units of each requirement.</p>"
    ]
    for section in sections:
        items = "".join(f"<li>{escape(line)}</li>" for line in section.lines)
        parts.append(f'<h3>{escape(section.title)}</h3><ul class="words">{items}</ul>')
    table = data.plan["shortfalls"][["constraint", "coordinates", "amount", "unit"]]
    parts.append(
        "<details><summary>All shortfalls as a table</summary>"
        + _table(table, {"amount"})
        + "</details>"
    )
    return "".join(parts)


def _binding_html(data: ReportData) -> str:
    found = binding_lines(data)
    if found is None:
        return (
            '<p class="note">This run has no binding-constraint analysis '
            "(plan/binding.csv is absent): run <code>forceplan explain</code> on the run "
            "folder to compute shadow prices.</p>"
        )
    lines, more = found
    if not lines:
        return "<p>No constraint binds with a non-zero shadow price.</p>"
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    tail = f"<p>... and {more} more in plan/binding.csv.</p>" if more else ""
    return (
        "<p>The constraints that limit the plan most, strongest shadow price first:</p>"
        f'<ul class="words">{items}</ul>{tail}'
    )


def _chart_html(chart: Chart) -> str:
    body = (
        f'<div id="chart-{chart.key}" class="chart" data-chart="{chart.key}"></div>'
        if chart.figure is not None
        else f'<p class="note">{escape(chart.note)}</p>'
    )
    return (
        f'<section class="block chart-block" id="section-{chart.key}">'
        f"<h2>{escape(chart.title)}</h2>"
        f'<p class="desc">{escape(chart.description)}</p>{body}</section>'
    )


def render_html(data: ReportData, charts: list[Chart]) -> str:
    """The complete ``report.html`` text for a run.

    Parameters
    ----------
    data
        What the run folder holds.
    charts
        The charts, in page order (see :func:`forceplan.report.charts.build_charts`).
    """
    from forceplan import __version__

    drawn = [c for c in charts if c.figure is not None]
    figures = ",".join(
        '{"id": ' + json.dumps(f"chart-{c.key}") + ', "figure": ' + _figure_json(c) + "}"
        for c in drawn
    )
    banner = (
        f'<div class="notional-banner" id="notional-banner" role="note">{escape(NOTIONAL_NOTE)}'
        "</div>"
        if data.notional
        else ""
    )
    title = ("NOTIONAL - " if data.notional else "") + f"{data.name} - forceplan report"
    facts = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in _facts(data))
    overview = "".join(f"<li>{escape(line)}</li>" for line in overview_lines(data))
    toc = "".join(
        f'<a href="#{target}">{escape(label)}</a>'
        for target, label in [
            ("overview", "Overview"),
            ("shortfalls", "Shortfalls"),
            ("binding", "What binds"),
            *((f"section-{c.key}", c.title) for c in charts),
        ]
    )
    created = datetime.now(UTC).isoformat(timespec="seconds")
    n = len(drawn)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="forceplan {escape(__version__)}">
<meta name="{CHART_COUNT_META}" content="{n}">
<title>{escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
{banner}
<main>
<header class="report-header">
<h1>{escape(data.name)}</h1>
<p class="lead">Force-transition plan computed by forceplan. {n} interactive charts below;
static PNG versions are in <code>{CHARTS_DIR}/</code> next to this page.</p>
<table class="facts">{facts}</table>
</header>
<nav class="toc">{toc}</nav>
<section class="block" id="overview"><h2>Overview</h2><ul class="words">{overview}</ul></section>
<section class="block" id="shortfalls"><h2>Shortfalls</h2>{_shortfalls_html(data)}</section>
<section class="block" id="binding"><h2>What binds</h2>{_binding_html(data)}</section>
{"".join(_chart_html(c) for c in charts)}
<footer>Report written {escape(created)} by forceplan {escape(__version__)} from the run folder
<code>{escape(str(data.path))}</code>.{" " + escape(NOTIONAL_NOTE) if data.notional else ""}
</footer>
</main>
<script>{get_plotlyjs()}</script>
<script type="application/json" id="forceplan-config">{_json_for_script(PLOTLY_CONFIG)}</script>
<script type="application/json" id="forceplan-figures">[{_json_for_script(figures)}]</script>
<script>{RENDER_JS}</script>
</body>
</html>
"""


def write_report(run_dir: Path | str) -> Path:
    """Write ``report.html`` and the PNG charts of a run folder.

    The PNGs go to ``RUNDIR/charts/`` (the folder is replaced whole) and the page
    to ``RUNDIR/report.html`` through a temporary file renamed into place; an error
    or Ctrl-C while the page is built leaves both as they were.

    Parameters
    ----------
    run_dir
        A run folder written by ``forceplan plan``.

    Returns
    -------
    Path
        The written ``report.html``.

    Raises
    ------
    RunFolderError
        When *run_dir* is not a complete run folder.

    Examples
    --------
    >>> import forceplan, tempfile
    >>> run = forceplan.plan(forceplan.examples.notional()).save(tempfile.mkdtemp() + "/run")
    ... # doctest: +SKIP
    >>> write_report(run).name  # doctest: +SKIP
    'report.html'
    """
    data = load_run(run_dir)
    charts = build_charts(data)
    text = render_html(data, charts)  # before anything is written: a failure changes nothing
    write_pngs(charts, data.path, period_axis(data), data.notional)
    dest = data.path / REPORT_FILE
    with atomic_file(dest) as tmp:
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(default_mode(0o666))
    log.info("wrote %s", dest)
    return dest
