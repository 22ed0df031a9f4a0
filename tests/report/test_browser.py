"""The report page in real headless Chromium: loads offline, no console errors, every chart drawn.

Runs on the hand-made run folder and on real plans (the small test scenario and
the shipped notional scenario). A viewport screenshot of each is kept under
``test-artifacts/`` and checked to show the red NOTIONAL banner at the top.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from forceplan.api import plan as forceplan_plan
from forceplan.report import write_report
from forceplan.report.charts import combat_value_by_family
from forceplan.report.data import load_run
from forceplan.report.headline import headline
from tests.report.browser import ARTIFACTS, PageReport, open_report
from tests.scenarios import small_scenario


def _check_page(run: Path, result: PageReport) -> None:
    """Everything the page must do, whatever the run."""
    assert result.page_errors == []
    assert result.console_errors == []
    assert result.external_requests == []
    assert result.error_attr is None
    assert result.declared_charts >= 7
    assert result.rendered_attr == str(result.declared_charts)
    assert result.plot_containers == result.declared_charts
    assert len(result.charts) == result.declared_charts
    for chart in result.charts:
        assert chart["svgs"] >= 1, chart
        assert chart["data"] >= 1, chart
        assert chart["traces"] == chart["data"], chart  # every trace drawn
        assert chart["points"] >= 1, chart  # with geometry (bars, lines or the heat-map image)
    # the stock chart holds the plan's combat value, summed per standard family
    table = combat_value_by_family(load_run(run))
    expected = {f: table[f].round(2).tolist() for f in table.columns}
    assert {k: pytest.approx(v) for k, v in result.stock_y.items()} == expected


def _check_banner(result: PageReport) -> None:
    """The NOTIONAL banner is visible at the top, and the screenshot shows it in red."""
    assert "NOTIONAL" in result.banner_text
    assert result.banner_box is not None
    assert result.banner_box["y"] == 0
    assert result.banner_box["width"] >= 1200
    assert result.screenshot is not None and result.screenshot.is_file()
    image = mpimg.imread(result.screenshot)[..., :3]
    strip = image[5 : int(result.banner_box["height"]) - 5, 200:1080]
    red, green, blue = (float(np.median(strip[..., k])) for k in range(3))
    assert red > 0.55 and green < 0.2 and blue < 0.25, (red, green, blue)
    below = image[int(result.banner_box["height"]) + 20 :, :]
    assert float(np.median(below[..., 1])) > 0.8  # the page below is light, not all red


def test_handmade_report_in_chromium(chromium: Any, handmade_run: Path) -> None:
    result = open_report(chromium, handmade_run / "report.html", "report-handmade.png")
    _check_page(handmade_run, result)
    assert result.declared_charts == 10
    assert {c["id"] for c in result.charts} == {
        "chart-stock",
        "chart-classes",
        "chart-formation_gaps",
        "chart-capability",
        "chart-interoperability",
        "chart-formation_levels",
        "chart-ammunition",
        "chart-budgets",
        "chart-lines",
        "chart-donors",
    }
    _check_banner(result)


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real plan of the small test scenario, saved and reported."""
    result = forceplan_plan(small_scenario())
    assert result.has_plan, result.message
    run = Path(result.save(tmp_path_factory.mktemp("small") / "run"))
    write_report(run, png=True)
    return run


def test_real_small_plan_report_in_chromium(chromium: Any, small_run: Path) -> None:
    pngs = {p.stem for p in (small_run / "charts").glob("*.png")}
    assert {"stock", "capability", "interoperability", "ammunition", "budgets"} <= pngs
    result = open_report(chromium, small_run / "report.html", "report-small.png")
    _check_page(small_run, result)
    _check_banner(result)


@pytest.mark.slow
def test_real_notional_plan_report_in_chromium(
    chromium: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from forceplan.examples import notional

    result = forceplan_plan(notional())
    assert result.has_plan, result.message
    run = Path(result.save(tmp_path_factory.mktemp("notional") / "run"))
    write_report(run)
    page = open_report(chromium, run / "report.html", "report-notional.png")
    _check_page(run, page)
    _check_banner(page)
    seen = _first_screen(chromium, run / "report.html", "report-notional-first-screen.png")
    _check_first_screen(run, seen)


def _first_screen(context: Any, html: Path, name: str) -> dict[str, Any]:
    """Where the headline sits on a 1280x900 first screen, and its text; a screenshot kept."""
    page = context.new_page()
    try:
        page.goto(html.resolve().as_uri(), wait_until="load")
        page.wait_for_function("document.body.hasAttribute('data-charts-rendered')")
        box = page.locator("#headline").bounding_box()
        text = page.locator("#headline").inner_text()
        decisions = page.locator("#decisions").bounding_box()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / name))
    finally:
        page.close()
    return {"box": box, "text": text, "decisions": decisions}


def _check_first_screen(run: Path, seen: dict[str, Any]) -> None:
    box = seen["box"]
    assert box is not None and box["y"] + box["height"] <= 900, box  # all of it, no scrolling
    h = headline(load_run(run))
    flat = " ".join(seen["text"].split())
    for key, title, sentence in h.items:
        assert title in flat
        if key not in ("risks", "binds", "remedies"):
            assert " ".join(sentence.split()) in flat, key
    for risk in h.risks[:3]:
        assert risk in flat
    assert seen["decisions"]["y"] > box["y"]  # the decisions come next


def test_first_screen_holds_the_headline(chromium: Any, handmade_run: Path) -> None:
    seen = _first_screen(chromium, handmade_run / "report.html", "report-first-screen.png")
    _check_first_screen(handmade_run, seen)


def test_decisions_section_filters_and_sorts(chromium: Any, handmade_run: Path) -> None:
    decisions = pd.read_csv(handmade_run / "plan" / "decisions.csv")
    page = chromium.new_page()
    shown = "#decisions-table tbody tr:not([hidden])"
    try:
        page.goto((handmade_run / "report.html").resolve().as_uri(), wait_until="load")
        page.wait_for_function("document.body.hasAttribute('data-charts-rendered')")
        assert page.locator(shown).count() == len(decisions) == 13
        assert page.inner_text("#decisions-count") == "13 of 13 decisions shown"
        page.select_option("#decisions-year", "2027")
        in_2027 = int((decisions["period"] == 2027).sum())
        assert page.locator(shown).count() == in_2027 == 5
        page.select_option("#decisions-action", "donate")
        assert page.locator(shown).count() == 1
        assert "donation of 9 M777 from USA" in page.inner_text(shown)
        page.select_option("#decisions-year", "")
        page.select_option("#decisions-action", "")
        page.fill("#decisions-search", "replenish")
        assert page.locator(shown).count() == int((decisions["action"] == "replenish").sum())
        assert page.get_attribute("#decisions-table", "data-shown") == "2"
        page.fill("#decisions-search", "")
        # sort by cost, largest first: 120 (155mm in 2028), then 100, 80, 50, ...
        header = page.locator("#decisions-table thead th", has_text="cost")
        header.click()
        header.click()
        assert header.get_attribute("aria-sort") == "descending"
        costs = page.eval_on_selector_all(
            "#decisions-table tbody tr", "rows => rows.map(r => r.cells[5].dataset.value)"
        )
        priced = [float(c) for c in costs if c]
        assert priced == sorted(decisions["cost"].dropna().tolist(), reverse=True)
        assert priced[0] == 120.0
        page.locator("#decisions").screenshot(path=str(ARTIFACTS / "report-decisions.png"))
    finally:
        page.close()
