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
import pytest

from forceplan.api import plan as forceplan_plan
from forceplan.report import write_report
from forceplan.report.charts import combat_value_by_family
from forceplan.report.data import load_run
from tests.report.browser import PageReport, open_report
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
