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
from forceplan.report.headline import Headline, headline
from forceplan.report.stress import stress_charts, stress_section_html
from forceplan.report.text import binding_sections, fmt, overview_lines, shortfall_sections
from forceplan.results.decisions import ACTIONS, decisions_by_year, quantity_text

log = logging.getLogger(__name__)

CHARTS_DIR = "charts"
"""Sub-folder of the run folder with the PNG charts (``static.CHARTS_DIR``)."""

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
section.brief { border-left: 5px solid var(--accent); }
section.brief dl { margin: .3rem 0 0; display: grid; grid-template-columns: 12rem 1fr;
  gap: .35rem 1rem; }
section.brief dt { font-weight: 700; }
section.brief dd { margin: 0; }
section.brief dd ul { margin: 0; padding-left: 1.1rem; }
.filters { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; margin: .6rem 0; }
.filters label { font-size: .9rem; color: var(--muted); }
.filters select, .filters input { font: inherit; padding: .15rem .3rem; }
table.decisions th { cursor: pointer; user-select: none; white-space: nowrap; }
table.decisions th[aria-sort="ascending"]::after { content: " \\25B2"; }
table.decisions th[aria-sort="descending"]::after { content: " \\25BC"; }
div.scroll { max-height: 34rem; overflow: auto; border: 1px solid var(--line); }
div.scroll table { width: 100%; }
div.scroll thead th { position: sticky; top: 0; }
"""

DECISIONS_JS = """
(function () {
  "use strict";
  var table = document.getElementById("decisions-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var year = document.getElementById("decisions-year");
  var action = document.getElementById("decisions-action");
  var search = document.getElementById("decisions-search");
  var count = document.getElementById("decisions-count");
  function apply() {
    var y = year.value, a = action.value, t = search.value.toLowerCase().trim();
    var shown = 0;
    rows.forEach(function (r) {
      var ok = (!y || r.getAttribute("data-period") === y)
        && (!a || r.getAttribute("data-action") === a)
        && (!t || r.textContent.toLowerCase().indexOf(t) >= 0);
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " decisions shown";
    table.setAttribute("data-shown", String(shown));
  }
  year.addEventListener("change", apply);
  action.addEventListener("change", apply);
  search.addEventListener("input", apply);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, col) {
    th.addEventListener("click", function () {
      var up = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var numeric = th.getAttribute("data-type") === "num";
      var keyed = rows.map(function (r, i) {
        var cell = r.cells[col];
        var v = cell.getAttribute("data-value");
        var key = numeric ? parseFloat(v === null || v === "" ? "NaN" : v) : cell.textContent;
        return { row: r, key: key, i: i };
      });
      keyed.sort(function (p, q) {
        var c;
        if (numeric) {
          var pn = isNaN(p.key), qn = isNaN(q.key);
          c = pn && qn ? 0 : pn ? 1 : qn ? -1 : p.key - q.key;
        } else {
          c = p.key.localeCompare(q.key);
        }
        if (!up) { c = -c; }
        return c || p.i - q.i;
      });
      keyed.forEach(function (k) { body.appendChild(k.row); });
      rows = keyed.map(function (k) { return k.row; });
    });
  });
  apply();
})();
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
    sections = binding_sections(data)
    if sections is None:
        return (
            '<p class="note">This run has no binding-constraint analysis '
            "(plan/binding.csv is absent): run <code>forceplan explain</code> on the run "
            "folder to compute shadow prices.</p>"
        )
    if not sections:
        return "<p>No constraint binds with a non-zero shadow price.</p>"
    parts = [
        "<p>The constraints that limit the plan most, per solver stage and in that stage's own "
        "unit (stages are never ranked against each other), strongest first:</p>"
    ]
    for section in sections:
        items = "".join(f"<li>{escape(line)}</li>" for line in section.lines)
        parts.append(f'<h3>{escape(section.title)}</h3><ul class="words">{items}</ul>')
    return "".join(parts)


def _headline_html(h: Headline) -> str:
    """The brief: one line per headline item, risks and what binds as lists."""
    rows = []
    for key, title, sentence in h.items:
        if key == "risks" and h.risks:
            body = "<ul>" + "".join(f"<li>{escape(r)}</li>" for r in h.risks[:3]) + "</ul>"
        elif key == "binds" and h.binds:
            body = "<ul>" + "".join(f"<li>{escape(b)}</li>" for b in h.binds[:3]) + "</ul>"
        elif key == "remedies" and h.remedies:
            body = "<ul>" + "".join(f"<li>{escape(b)}</li>" for b in h.remedies[:3]) + "</ul>"
        else:
            body = escape(sentence)
        rows.append(f'<dt>{escape(title)}</dt><dd data-item="{escape(key)}">{body}</dd>')
    return f"<dl>{''.join(rows)}</dl>"


def _decisions_summary(decisions: pd.DataFrame, money: str) -> str:
    """Decisions per year and action: how many, and what they cost."""
    table = decisions_by_year(decisions)
    if table.empty:
        return ""
    actions = list(table["count"].columns)
    head = "<th>period</th>" + "".join(f"<th>{escape(a)}</th>" for a in actions)
    head += f"<th>cost ({escape(money)})</th>"
    body = []
    for period, row in table.iterrows():
        cells = [f"<td>{int(period)}</td>"]  # type: ignore[call-overload]
        for a in actions:
            n = row[("count", a)]
            cells.append(f'<td class="num">{"" if pd.isna(n) else int(n)}</td>')
        cost = row["cost"].sum(min_count=1)
        cells.append(f'<td class="num">{"" if pd.isna(cost) else escape(fmt(float(cost), 0))}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table class="decisions-by-year" id="decisions-by-year"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )


def _decisions_html(data: ReportData) -> str:
    """Every decision: a summary per year and action, then one filterable, sortable table."""
    d = data.decisions
    if d is None or d.empty:
        return "<p>The plan makes no decisions: nothing is bought, retired, upgraded or moved.</p>"
    money = data.money_unit
    periods = sorted(int(p) for p in d["period"].unique())
    actions = [a for a in ACTIONS if a in set(d["action"])]
    year_options = "".join(f'<option value="{p}">{p}</option>' for p in periods)
    action_options = "".join(f'<option value="{a}">{a}</option>' for a in actions)
    rows = []
    for period, action, item, frm, q, cost, text, unit in d[
        ["period", "action", "item", "from", "quantity", "cost", "text", "unit"]
    ].itertuples(index=False, name=None):
        qty = quantity_text(float(q), "" if unit in ("units", "expansions") else str(unit))
        price = "" if pd.isna(cost) else fmt(float(cost), 1)
        rows.append(
            f'<tr data-period="{int(period)}" data-action="{escape(str(action))}">'
            f'<td data-value="{int(period)}">{int(period)}</td>'
            f"<td>{escape(str(action))}</td><td>{escape(str(item))}</td>"
            f"<td>{escape(str(frm))}</td>"
            f'<td class="num" data-value="{float(q):.6g}">{escape(qty)}</td>'
            f'<td class="num" data-value="{"" if pd.isna(cost) else f"{float(cost):.6g}"}">'
            f"{escape(price)}</td><td>{escape(str(text))}</td></tr>"
        )
    head = (
        '<th data-type="num">period</th><th>action</th><th>item</th><th>from</th>'
        f'<th data-type="num">quantity</th><th data-type="num">cost ({escape(money)})</th>'
        "<th>decision</th>"
    )
    return (
        f"<p>{len(d)} decisions: what to order and from whom, what arrives, what donors give, "
        "what to retire, hold in reserve, reactivate or upgrade, which lines to expand and which "
        "donor stockpiles to refill. Costs are counted once, when a decision is taken "
        "(arrivals of earlier orders cost nothing more). Also in plan/decisions.csv and the "
        "decisions sheet of plan.xlsx.</p>"
        + _decisions_summary(d, money)
        + '<div class="filters">'
        + '<label for="decisions-year">year</label><select id="decisions-year">'
        + '<option value="">all years</option>'
        + year_options
        + "</select>"
        + '<label for="decisions-action">action</label><select id="decisions-action">'
        + '<option value="">all actions</option>'
        + action_options
        + "</select>"
        + '<label for="decisions-search">search</label>'
        + '<input id="decisions-search" type="search" placeholder="item, supplier, ...">'
        + '<span id="decisions-count" aria-live="polite"></span></div>'
        + '<div class="scroll"><table class="decisions" id="decisions-table"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


def _robust_html(data: ReportData) -> str:
    """The robust plan's section (method, futures, stress), empty for other runs."""
    from forceplan.robust.report import robust_section_html

    return robust_section_html(data.path, data.summary)


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


def render_html(data: ReportData, charts: list[Chart], pngs: bool = False) -> str:
    """The complete ``report.html`` text for a run.

    The page leads with the brief (the headline in words), then the decisions,
    then the details (shortfalls, what binds, the charts); the run's metadata
    comes last.

    Parameters
    ----------
    data
        What the run folder holds.
    charts
        The charts, in page order (see :func:`forceplan.report.charts.build_charts`).
    pngs
        Whether PNG versions of the charts are written next to the page.
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
    brief = headline(data)
    toc = "".join(
        f'<a href="#{target}">{escape(label)}</a>'
        for target, label in [
            ("headline", "Headline"),
            ("decisions", "Decisions"),
            ("shortfalls", "Shortfalls"),
            ("binding", "What binds"),
            *([("stress", "Stress test")] if (data.path / "stress").is_dir() else []),
            *((f"section-{c.key}", c.title) for c in charts),
            ("overview", "Key figures"),
            ("metadata", "Run"),
        ]
    )
    created = datetime.now(UTC).isoformat(timespec="seconds")
    n = len(drawn)
    periods = data.periods
    status = str(data.summary.get("status", "unknown"))
    png_note = (
        f"static PNG versions are in <code>{CHARTS_DIR}/</code> next to this page"
        if pngs
        else "PNG versions: <code>forceplan report RUNDIR --png</code>"
    )
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
<p class="lead">Force-transition plan {periods[0]}-{periods[-1]}
(<span class="status-{escape(status)}">{escape(status)}</span>). The brief first, then every
decision, then the details; {n} interactive charts, {png_note}.</p>
</header>
<section class="block brief" id="headline"><h2>Headline</h2>{_headline_html(brief)}</section>
<nav class="toc">{toc}</nav>
<section class="block" id="decisions"><h2>Decisions</h2>{_decisions_html(data)}</section>
<section class="block" id="shortfalls"><h2>Shortfalls</h2>{_shortfalls_html(data)}</section>
<section class="block" id="binding"><h2>What binds</h2>{_binding_html(data)}</section>
{_robust_html(data)}
{stress_section_html(data.path)}
{"".join(_chart_html(c) for c in charts)}
<section class="block" id="overview"><h2>Key figures</h2><ul class="words">{overview}</ul></section>
<section class="block" id="metadata"><h2>Run</h2><table class="facts">{facts}</table></section>
<footer>Report written {escape(created)} by forceplan {escape(__version__)} from the run folder
<code>{escape(str(data.path))}</code>.{" " + escape(NOTIONAL_NOTE) if data.notional else ""}
</footer>
</main>
<script>{get_plotlyjs()}</script>
<script type="application/json" id="forceplan-config">{_json_for_script(PLOTLY_CONFIG)}</script>
<script type="application/json" id="forceplan-figures">[{_json_for_script(figures)}]</script>
<script>{RENDER_JS}</script>
<script>{DECISIONS_JS}</script>
</body>
</html>
"""


def write_report(run_dir: Path | str, png: bool = False) -> Path:
    """Write ``report.html`` of a run folder and, when asked, its PNG charts.

    The page goes to ``RUNDIR/report.html`` through a temporary file renamed into
    place; with *png* the PNGs go to ``RUNDIR/charts/`` (the folder is replaced
    whole). An error or Ctrl-C while the page is built leaves both as they were.
    Without *png* an existing ``charts/`` folder is left as it is.

    Parameters
    ----------
    run_dir
        A run folder written by ``forceplan plan``.
    png
        Also draw the charts as PNG files (matplotlib; seconds, not tenths).

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
    text = render_html(data, [*charts, *stress_charts(data.path)], pngs=png)  # nothing written yet
    from forceplan.report.static import default_mode, write_pngs  # matplotlib: when used

    if png:
        write_pngs(charts, data.path, period_axis(data), data.notional)
    dest = data.path / REPORT_FILE
    with atomic_file(dest) as tmp:
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(default_mode(0o666))
    log.info("wrote %s", dest)
    return dest
