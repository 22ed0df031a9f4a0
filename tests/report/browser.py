"""Open a report in real headless Chromium (Debian's /usr/bin/chromium) and check what renders."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
"""Where screenshots are kept (gitignored)."""

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium (installed by .ci/run); never a browser downloaded by Playwright."""

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Chromium flags: headless, offline-friendly, no first-run or update traffic."""

RENDER_TIMEOUT_MS = 30_000

CHARTS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => ({
  id: el.id,
  svgs: el.querySelectorAll('.main-svg').length,
  traces: el.querySelectorAll('g.trace').length
        + el.querySelectorAll('.heatmaplayer image').length,
  data: (el.data || []).length,
  points: el.querySelectorAll(
    'g.point path, path.point, path.js-line, .heatmaplayer image').length,
}))"""


def chromium_path() -> str | None:
    """Path of Debian's chromium, or ``None`` when it is not installed."""
    if CHROMIUM.exists():
        return str(CHROMIUM)
    found = shutil.which("chromium")
    return found


@dataclass
class PageReport:
    """What a report page did in the browser."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    declared_charts: int = -1
    plot_containers: int = -1
    charts: list[dict[str, Any]] = field(default_factory=list)
    rendered_attr: str | None = None
    error_attr: str | None = None
    banner_box: dict[str, float] | None = None
    banner_text: str = ""
    stock_y: dict[str, list[float]] = field(default_factory=dict)
    screenshot: Path | None = None


def open_report(context: Any, html: Path, screenshot_name: str) -> PageReport:
    """Load *html* from disk in a fresh page of *context* and collect the checks.

    Parameters
    ----------
    context
        A Playwright browser context on Chromium.
    html
        The report file.
    screenshot_name
        File name of the viewport screenshot kept under ``test-artifacts/``.
    """
    out = PageReport()
    page = context.new_page()

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            out.console_errors.append(msg.text)

    def on_request(request: Any) -> None:
        if not request.url.startswith(("file:", "data:", "blob:", "about:")):
            out.external_requests.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: out.page_errors.append(str(exc)))
    page.on("request", on_request)
    try:
        page.goto(html.resolve().as_uri(), wait_until="load")
        page.wait_for_function(
            "document.body.hasAttribute('data-charts-rendered')"
            " || document.body.hasAttribute('data-charts-error')",
            timeout=RENDER_TIMEOUT_MS,
        )
        out.rendered_attr = page.get_attribute("body", "data-charts-rendered")
        out.error_attr = page.get_attribute("body", "data-charts-error")
        out.declared_charts = int(
            page.get_attribute("meta[name='forceplan-chart-count']", "content") or -1
        )
        out.plot_containers = page.locator(".plot-container").count()
        out.charts = page.evaluate(CHARTS_JS)
        out.stock_y = page.evaluate(
            "() => Object.fromEntries(document.getElementById('chart-stock').data"
            ".map(t => [t.name, Array.from(t.y)]))"
        )
        banner = page.locator("#notional-banner")
        if banner.count():
            out.banner_box = banner.bounding_box()
            out.banner_text = banner.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        out.screenshot = ARTIFACTS / screenshot_name
        page.screenshot(path=str(out.screenshot))
    finally:
        page.close()
    return out
