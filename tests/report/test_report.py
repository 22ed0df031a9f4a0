"""`write_report` and `forceplan report` on a hand-made run folder (no browser)."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.image as mpimg
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceplan.cli.app import app
from forceplan.exceptions import RunFolderError
from forceplan.report import write_report
from forceplan.report.charts import (
    build_charts,
    combat_value_by_family,
    most_telling,
    stock_by_family,
)
from forceplan.report.data import load_run
from forceplan.report.text import binding_lines, overview_lines, shortfall_sections
from tests.report.handmade import write_handmade_run

runner = CliRunner()

ALL_CHARTS = {
    "stock",
    "classes",
    "formation_gaps",
    "capability",
    "interoperability",
    "formation_levels",
    "ammunition",
    "budgets",
    "lines",
    "donors",
}


class _References(HTMLParser):
    """Collects every URL a page would load: script/img/iframe src, link href, CSS url()."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag in ("script", "img", "iframe", "source", "embed") and values.get("src"):
            self.urls.append(str(values["src"]))
        if tag == "link" and values.get("href"):
            self.urls.append(str(values["href"]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and ("url(" in data or "@import" in data):
            self.urls.append(data)


def test_report_and_pngs_are_written(handmade_run: Path) -> None:
    report = handmade_run / "report.html"
    assert report.is_file()
    pngs = {p.stem for p in (handmade_run / "charts").glob("*.png")}
    assert pngs == ALL_CHARTS
    for png in (handmade_run / "charts").glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png.name
        image = mpimg.imread(png)
        assert image.shape[0] > 200 and image.shape[1] > 500, png.name
        assert image.std() > 0.05, f"{png.name} is blank"
    leftovers = [p.name for p in handmade_run.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_page_is_self_contained(handmade_run: Path) -> None:
    text = (handmade_run / "report.html").read_text(encoding="utf-8")
    refs = _References()
    refs.feed(text)
    assert refs.urls == [], refs.urls
    # plotly.js inline, the two JSON blocks, the render and decisions scripts; no CDN in tags
    assert refs.scripts == 5
    assert len(text) > 3_000_000
    assert "cdn.plot.ly/plotly" not in text.split("<script>", 1)[0]


def test_header_shows_run_facts(handmade_run: Path) -> None:
    text = (handmade_run / "report.html").read_text(encoding="utf-8")
    summary = json.loads((handmade_run / "summary.json").read_text(encoding="utf-8"))
    assert '<div class="notional-banner" id="notional-banner"' in text
    assert text.index("notional-banner") < text.index("<h1>")
    assert "<h1>small test scenario</h1>" in text
    assert '<span class="status-optimal">optimal</span>' in text
    assert "<th>relative gap</th><td>0.00%</td>" in text
    assert "<th>solver</th><td>highs hand-made</td>" in text
    assert summary["scenario"]["hash"].startswith("sha256:")
    assert summary["scenario"]["hash"] in text
    assert f"<th>forceplan version</th><td>{summary['forceplan_version']}" in text
    assert '<meta name="forceplan-chart-count" content="10">' in text
    assert "10 interactive charts" in text
    # the brief first, then the decisions, the details, and the run's metadata last
    order = [
        'id="headline"',
        'id="decisions"',
        'id="shortfalls"',
        'id="binding"',
        'id="section-capability"',
        'id="metadata"',
    ]
    where = [text.index(marker) for marker in order]
    assert where == sorted(where)
    assert text.index("<th>relative gap</th>") > text.index('id="metadata"')


def test_markup_in_data_is_escaped(handmade_run: Path) -> None:
    text = (handmade_run / "report.html").read_text(encoding="utf-8")
    # a formation reason holds "</script><b>x</b>": it must not close the JSON script block
    assert "</script><b>x</b>" not in text
    assert "no equipment assigned \\u003c\\u002fscript\\u003e" in text


def test_stock_by_standard_family_is_summed_from_the_plan(handmade_run: Path) -> None:
    data = load_run(handmade_run)
    table = stock_by_family(data)
    # m777 and nasams are NATO, d20 Soviet (scenario/equipment.csv)
    assert table["nato"].tolist() == pytest.approx([4.0, 12.0, 21.0])
    assert table["soviet"].tolist() == pytest.approx([16.2, 15.4, 15.1])
    # the stock chart is by combat value: M777 2 points a unit, D-20 1 point
    chart = next(c for c in build_charts(data) if c.key == "stock")
    assert chart.figure is not None
    ys = {t.name: list(t.y) for t in chart.figure.data}
    assert ys == {"nato": [8.0, 24.0, 42.0], "soviet": [16.2, 15.4, 15.1]}
    assert combat_value_by_family(data)["nato"].tolist() == pytest.approx([8.0, 24.0, 42.0])


def test_axis_titles_carry_schema_units(handmade_run: Path) -> None:
    charts = {c.key: c for c in build_charts(load_run(handmade_run))}

    def y_titles(key: str) -> list[str]:
        fig = charts[key].figure
        assert fig is not None
        n = max(1, len(charts[key].facets))
        names = ["yaxis"] + [f"yaxis{k}" for k in range(2, n + 1)]
        return [fig.layout[name].title.text for name in names]

    assert y_titles("stock") == ["points"]
    assert charts["classes"].facets == ["towed-artillery"]  # NASAMS: none in service
    assert y_titles("classes") == ["units"]
    assert y_titles("formation_gaps") == ["units short"]
    assert charts["capability"].facets == ["air-defence", "artillery"]
    assert y_titles("capability") == ["points", "points"]
    assert y_titles("interoperability") == ["index (0-1)"]
    assert charts["ammunition"].facets == ["152mm", "155mm"]
    assert y_titles("ammunition") == ["rounds", "rounds"]
    assert y_titles("budgets") == ["USD million", "USD million"]
    assert charts["lines"].facets == ["us-155 (155mm)", "us-m777-line (m777)"]
    assert y_titles("lines") == ["rounds/period", "units/period"]
    assert y_titles("donors") == ["units"]
    assert charts["donors"].facets == ["USA: M777"]


def test_budget_chart_stacks_the_uses_paid(handmade_run: Path) -> None:
    chart = next(c for c in build_charts(load_run(handmade_run)) if c.key == "budgets")
    assert chart.figure is not None
    bars = [t for t in chart.figure.data if t.type == "bar" and t.xaxis == "x"]  # ua-mod
    assert [t.name for t in bars] == ["acquisition", "operation", "replenishment", "ammunition"]
    totals = [round(sum(v), 2) for v in zip(*(t.y for t in bars), strict=True)]
    assert totals == [101.21, 143.57, 146.72]  # the 'spent' column of budgets.csv


def test_words_sections(handmade_run: Path) -> None:
    data = load_run(handmade_run)
    sections = shortfall_sections(data)
    assert [s.title for s in sections] == ["Ammunition coverage", "Interoperability target"]
    assert sections[0].lines == [
        "152mm consumption in 2026 exceeds supply and stock by 1,200 rounds"
    ]
    found = binding_lines(data)
    assert found is not None
    lines, more = found
    assert more == 0
    # strongest |dual| first; the row without text is put in words from its columns
    assert lines == [
        "us-155 binds",
        "training-capacity[towed-artillery, 2027] binds: one more unit is worth 0.1 points "
        "per crew",
        "us-fms binds",
    ]
    overview = overview_lines(data)
    index = "The interoperability index goes from 0.33 in 2026 to 0.45 in 2028 (target 0.5)."
    assert index in overview
    # NATO share of units: 4 / 20.2 = 20% in 2026, 21 / 36.1 = 58% in 2028
    nato = "NATO-standard equipment makes up 20% of the units in service in 2026 and 58% in 2028."
    assert nato in overview
    assert (
        "Total spending over the horizon: 441.5 USD million (ua-mod 391.5, us-fms 50)." in overview
    )


def test_run_without_explanations_and_not_notional(tmp_path: Path) -> None:
    run = write_handmade_run(tmp_path / "run", notional=False, explained=False)
    path = write_report(run)
    text = path.read_text(encoding="utf-8")
    assert 'id="notional-banner"' not in text
    assert "NOTIONAL" not in text.split("<script>", 1)[0]
    assert '<meta name="forceplan-chart-count" content="8">' in text
    assert 'id="chart-formation_levels"' not in text
    assert "plan/formation_levels.csv is absent" in text
    assert "plan/formation_gaps.csv is absent" in text
    assert "plan/binding.csv is absent" in text
    assert not (run / "charts").exists()  # PNGs only when asked
    write_report(run, png=True)
    assert {p.stem for p in (run / "charts").glob("*.png")} == ALL_CHARTS - {
        "formation_levels",
        "formation_gaps",
    }


def test_rewrite_replaces_and_an_interrupt_leaves_the_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = write_handmade_run(tmp_path / "run", explained=False)
    first = write_report(run, png=True).read_text(encoding="utf-8")
    (run / "charts" / "stale.png").write_bytes(b"old")
    import forceplan.report.html as report_html

    def interrupted(*args: object, **kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(report_html, "render_html", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_report(run)
    assert (run / "report.html").read_text(encoding="utf-8") == first
    assert (run / "charts" / "stale.png").read_bytes() == b"old"  # charts untouched too
    assert [p.name for p in run.iterdir() if p.name.startswith(".")] == []
    monkeypatch.undo()
    write_report(run, png=True)
    assert not (run / "charts" / "stale.png").exists()  # the charts folder is replaced whole
    assert [p.name for p in run.iterdir() if p.name.startswith(".")] == []


def test_cli_report_writes_and_says_where(tmp_path: Path) -> None:
    run = write_handmade_run(tmp_path / "run", explained=False)
    r = runner.invoke(app, ["report", str(run)])
    assert r.exit_code == 0, r.output
    assert f"wrote {run / 'report.html'}" in r.output
    assert "PNG" not in r.output and not (run / "charts").exists()
    assert (run / "report.html").is_file()
    r = runner.invoke(app, ["report", str(run), "--png"])
    assert r.exit_code == 0, r.output
    assert f"wrote 8 PNG chart(s) in {run / 'charts'}" in r.output
    assert len(list((run / "charts").glob("*.png"))) == 8


def test_cli_report_on_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    r = runner.invoke(app, ["report", str(tmp_path / "nowhere")])
    assert r.exit_code == 1
    assert "is not a run folder" in r.output
    run = write_handmade_run(tmp_path / "run", explained=False)
    (run / "plan" / "stock.csv").unlink()
    shutil.rmtree(run / "scenario")
    r = runner.invoke(app, ["report", str(run)])
    assert r.exit_code == 1
    assert "plan/stock.csv is missing" in r.output
    assert "scenario/scenario.yaml is missing" in r.output
    assert not (run / "report.html").exists()
    with pytest.raises(RunFolderError):
        write_report(run)


def test_most_telling_keeps_flagged_then_highest_scores() -> None:
    keys = [f"k{i:02d}" for i in range(14)]
    frame = pd.DataFrame({"key": keys * 2})  # two periods per key
    score = pd.Series([float(i) for i in range(14)] * 2)
    flag = pd.Series([False] * 28)
    flag[3] = True  # k03, first period only
    shown = most_telling(frame, "key", flag=flag, score=score, limit=4)
    # k03 is flagged; then the highest summed scores: k13 (26), k12 (24), k11 (22)
    assert shown == ["k03", "k13", "k12", "k11"]
    assert most_telling(frame.head(6), "key", flag=flag.head(6), score=score.head(6)) == [
        "k00",
        "k01",
        "k02",
        "k03",
        "k04",
        "k05",
    ]
