"""The dashboard end to end in real headless Chromium (Debian's, through Playwright): sign in,
upload workbooks (the notional one among them), plan, watch progress, see the report's
charts and shortfalls, compare two runs. Screenshots go to test-artifacts/."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from forceplan.examples import notional
from forceplan.io.excel import write_workbook
from tests.conftest import require_chromium
from tests.report.browser import ARTIFACTS, FLAGS
from tests.server.helpers import LiveServer, scenario_xlsx

TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def browser_page(live: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A page of Debian's headless Chromium, recording errors and non-local requests."""
    exe = require_chromium()
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("dashboard-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=exe,
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.external = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on(
            "console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None
        )
        page.on(
            "request",
            lambda req: (
                None
                if req.url.startswith((live.url, "blob:", "data:", "about:"))
                else page.external.append(req.url)
            ),
        )
        try:
            yield page
        finally:
            context.close()


def _upload(page: Any, path: Path) -> int:
    page.set_input_files("#upload-file", str(path))
    page.click("#upload-button")
    page.wait_for_selector("#upload-ok", timeout=TIMEOUT_MS)
    text = page.inner_text("#upload-ok")
    assert text.startswith(f"{path.name}: uploaded as scenario "), text
    return int(text.split("scenario ")[1].split()[0])


def _frame(page: Any, frame_id: str) -> Any:
    """The page inside a sandboxed iframe (an opaque origin: reached through Playwright)."""
    handle = page.wait_for_selector(f"#{frame_id}")
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        frame = handle.content_frame()
        if frame is not None and frame.url.startswith("blob:"):
            return frame
        assert time.monotonic() < deadline, f"{frame_id} never loaded"
        time.sleep(0.1)


def _frame_ready(page: Any, frame_id: str) -> Any:
    """The frame once a chart has drawn; on a timeout, say what the frame and page show."""
    frame = _frame(page, frame_id)
    page.locator(f"#{frame_id}").scroll_into_view_if_needed()  # off-screen frames do not draw
    try:
        frame.wait_for_function(
            "() => document.querySelectorAll('.js-plotly-plot .main-svg').length > 0",
            timeout=TIMEOUT_MS,
        )
    except Exception as exc:
        state = frame.evaluate(
            "() => ({url: location.href, ready: document.readyState,"
            " rendered: document.body && document.body.getAttribute('data-charts-rendered'),"
            " error: document.body && document.body.getAttribute('data-charts-error'),"
            " plots: document.querySelectorAll('.js-plotly-plot').length,"
            " text: (document.body ? document.body.innerText : '').slice(0, 300)})"
        )
        raise AssertionError(
            f"{frame_id}: no chart drew: {state}; page errors {page.errors}"
        ) from exc
    return frame


@pytest.mark.slow
def test_dashboard_upload_plan_charts_and_compare(
    live: LiveServer, browser_page: Any, tmp_path: Path
) -> None:
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(live.url + "/")
    assert page.is_visible("#signin-view") and not page.is_visible("#app")
    page.fill("#token", "fp_wrong")
    page.click("#signin")
    page.wait_for_selector("#signin-error:has-text('not valid')")
    page.fill("#token", live.tokens["planner"])
    page.click("#signin")
    page.wait_for_selector("#whoami:has-text('planner (planner)')")
    assert any("401" in e for e in page.errors)  # the wrong token, refused
    page.errors.clear()
    assert "alpha" in page.inner_text("#whoami")

    s = notional()
    workbook = write_workbook(s.header, s.tables, tmp_path / "notional.xlsx")
    notional_id = _upload(page, workbook)
    row = page.locator(f"#scenarios tr[data-id='{notional_id}']")
    assert "(NOTIONAL)" in row.inner_text() and "notional.xlsx" in row.inner_text()

    ids = []
    for i in (5, 6):  # two tiny scenarios that differ (one M777 more): planned and compared
        path = tmp_path / f"tiny-{i}.xlsx"
        path.write_bytes(scenario_xlsx(tmp_path, i))
        ids.append(_upload(page, path))

    seen: set[str] = set()
    runs = []
    for sid in ids:
        page.click(f"#scenarios tr[data-id='{sid}'] button.plan")
    deadline = time.monotonic() + 30
    with live.client("planner") as c:
        while True:  # the clicks post asynchronously
            listed = [r for r in c.get("/api/runs").json() if r["scenario_id"] in ids]
            if len(listed) == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    runs = sorted(r["id"] for r in listed)
    assert sorted(r["scenario_id"] for r in listed) == ids
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:  # watch the progress column move until both are done
        states = [page.get_attribute(f"#runs tr[data-id='{r}']", "data-status") or "" for r in runs]
        seen.update(states)
        if states == ["done", "done"]:
            break
        assert time.monotonic() < deadline, states
        assert not {"failed", "interrupted"} & set(states), states
        time.sleep(0.1)
    assert seen & {"queued", "running"}, seen
    page.wait_for_selector(f"#runs tr[data-id='{runs[1]}'] button.view")
    page.screenshot(path=str(ARTIFACTS / "dashboard-runs.png"), full_page=True)

    page.click(f"#runs tr[data-id='{runs[1]}'] button.view")
    page.wait_for_selector(f"#run-title:has-text('Run {runs[1]}: small 6 (NOTIONAL)')")
    report = _frame_ready(page, "report-frame")
    report.wait_for_function(
        "() => document.body.hasAttribute('data-charts-rendered')", timeout=TIMEOUT_MS
    )
    declared = int(report.get_attribute("meta[name='forceplan-chart-count']", "content"))
    assert report.locator(".js-plotly-plot").count() == declared >= 3
    assert report.locator("#notional-banner").count() == 1
    # the report runs sandboxed: its scripts cannot read the dashboard's token
    assert (
        report.evaluate(
            "() => { try { return sessionStorage.length; } catch (e) { return 'blocked'; } }"
        )
        == "blocked"
    )
    with live.client("planner") as c:
        shortfalls = c.get(f"/api/runs/{runs[1]}/tables/shortfalls").json()["rows"]
    shown = page.locator("#shortfalls tbody tr.shortfall").count()
    assert shown == len(shortfalls)
    if not shortfalls:
        assert page.inner_text("#shortfalls tbody") == "none"
    assert "optimal" in page.inner_text("#run-summary")
    page.screenshot(path=str(ARTIFACTS / "dashboard-run.png"), full_page=True)

    for r in runs:
        box = page.locator(f"#runs tr[data-id='{r}'] input.pick")
        box.scroll_into_view_if_needed()  # from the report below, back up to the runs table
        box.check()
    page.click("#compare-button")
    page.wait_for_selector(
        f"#compare-title:has-text('Run {runs[0]} (A) compared with run {runs[1]}')"
    )
    lines = page.inner_text("#compare-lines")
    assert "Inputs: 2 difference(s)." in lines, lines
    assert "header name: small 5 -> small 6" in lines
    assert "inventory [equipment=m777] quantity: 9 -> 10" in lines
    compared = _frame_ready(page, "compare-frame")
    assert compared.locator(".js-plotly-plot").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "dashboard-compare.png"), full_page=True)

    # a viewer reads: no upload form, no Plan or Delete buttons, but the same runs
    page.click("#signout")
    page.fill("#token", live.tokens["viewer"])
    page.click("#signin")
    page.wait_for_selector("#whoami:has-text('viewer (viewer)')")
    page.wait_for_selector(f"#runs tr[data-id='{runs[1]}'] button.view")
    assert not page.is_visible("#upload-form")
    # the scenario table is re-drawn for the viewer after the runs table: wait for it
    page.wait_for_function(
        "() => document.querySelectorAll('#scenarios button.plan, #scenarios button.delete')"
        ".length === 0",
        timeout=TIMEOUT_MS,
    )
    assert page.locator("#scenarios button.plan, #scenarios button.delete").count() == 0
    assert page.locator(f"#scenarios tr[data-id='{notional_id}']").count() == 1

    assert page.errors == [], page.errors
    assert page.external == [], page.external
