"""`forceplan compare` on real runs of the planner: the small scenario and its halved budget.

Every figure the comparison reports is checked against the two run folders' own
plan tables, recomputed here with plain pandas (no code shared with
forceplan.results.compare), and the inputs diff against the changes made by hand.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from forceplan.cli.app import app
from forceplan.domain.scenario import Scenario
from forceplan.io.records import from_records
from tests.conftest import require_chromium
from tests.scenarios import small_records

runner = CliRunner()

OUT_FILES = {
    "inputs_diff.csv",
    "outputs_diff.csv",
    "decisions_diff.csv",
    "summary_diff.csv",
    "decision_changes.csv",
    "compare.html",
}


def scaled_budgets(
    header: dict[str, Any], tables: dict[str, list[dict[str, Any]]], factor: float
) -> Scenario:
    """The scenario with every budget amount multiplied by *factor*."""
    for row in tables["budgets"]:
        row["amount"] = row["amount"] * factor
    return from_records(header, tables)


def _solve_and_save(scenario: Scenario, dest: Path) -> Path:
    from forceplan.api import plan

    result = plan(scenario)
    assert result.has_plan, result.message
    return Path(result.save(dest))


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Real runs of the small scenario, its halved budget and its budget cut to a tenth.

    Halving leaves the small scenario's budgets slack (it spends under 90 of 500 a
    year); a tenth binds, so that plan differs.
    """
    root = tmp_path_factory.mktemp("compare")
    return (
        _solve_and_save(scaled_budgets(*small_records(), 1.0), root / "small"),
        _solve_and_save(scaled_budgets(*small_records(), 0.5), root / "small-half"),
        _solve_and_save(scaled_budgets(*small_records(), 0.1), root / "small-tenth"),
    )


def _plan(run: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(run / "plan" / f"{name}.csv")


def _check_against_runs(out: Path, a: Path, b: Path) -> None:
    """Recompute the key figures and one-sided decisions from the run folders."""
    figures = pd.read_csv(out / "outputs_diff.csv")
    for side, run in (("a", a), ("b", b)):
        spent = _plan(run, "budgets").groupby("period")["spent"].sum()
        got = figures[figures["figure"] == "spending"].set_index("period")[side]
        pd.testing.assert_series_equal(
            got.sort_index(), spent.sort_index(), check_names=False, check_index_type=False
        )
        index = _plan(run, "interoperability").set_index("period")["index"]
        got = figures[figures["figure"] == "interoperability index"].set_index("period")[side]
        pd.testing.assert_series_equal(
            got.sort_index(), index.sort_index(), check_names=False, check_index_type=False
        )
        cap = _plan(run, "capability").set_index(["role", "period"])["capability"]
        got = figures[figures["figure"] == "capability"].set_index(["item", "period"])[side]
        assert got.reindex(cap.index).tolist() == pytest.approx(cap.tolist())
        stock = _plan(run, "stock")["quantity"].sum()
        assert figures.loc[figures["figure"] == "stock by family", side].sum() == pytest.approx(
            stock
        )
    decisions = pd.read_csv(out / "decisions_diff.csv", keep_default_na=False)

    def per_period(run: Path) -> pd.Series:
        d = _plan(run, "deliveries")
        d = d[d["quantity"] > 1e-6]
        return d.groupby([d["equipment"] + " from " + d["source"], "period_delivered"])[
            "quantity"
        ].sum()

    qa, qb = per_period(a), per_period(b)
    pairs_a, pairs_b = set(qa.index.get_level_values(0)), set(qb.index.get_level_values(0))
    delivered = decisions[decisions["decision"] == "delivery"].set_index("item")
    assert set(delivered.index[delivered["change"] == "removed"]) == pairs_a - pairs_b
    assert set(delivered.index[delivered["change"] == "added"]) == pairs_b - pairs_a
    for pair in pairs_a | pairs_b:
        sa = qa.get(pair, pd.Series(dtype=float))
        sb = qb.get(pair, pd.Series(dtype=float))
        # the comparison's documented tolerance: 1e-4 of the larger value (absolute below 1)
        both = pd.concat([sa, sb], axis=1).fillna(0.0)
        scale = both.abs().max(axis=1).clip(lower=1.0)
        same = bool(((both.iloc[:, 0] - both.iloc[:, 1]).abs() <= 1e-4 * scale).all())
        assert (pair not in delivered.index) == same, (pair, both.to_string())
        if pair in delivered.index:
            assert delivered.loc[pair, "quantity_a"] == pytest.approx(sa.sum())
            assert delivered.loc[pair, "quantity_b"] == pytest.approx(sb.sum())


def test_compare_small_and_halved_budget(small_runs: tuple[Path, Path, Path]) -> None:
    a, b, _ = small_runs
    r = runner.invoke(app, ["compare", str(a), str(b)])
    assert r.exit_code == 0, r.output
    out = b.parent / "compare-small-vs-small-half"
    assert {p.name for p in out.iterdir()} == OUT_FILES
    inputs = pd.read_csv(out / "inputs_diff.csv", dtype=str, keep_default_na=False)
    assert inputs.values.tolist() == [
        ["budgets", "stream=ua-mod, period=2026", "amount", "500", "250", "changed"],
        ["budgets", "stream=ua-mod, period=2027", "amount", "500", "250", "changed"],
        ["budgets", "stream=ua-mod, period=2028", "amount", "500", "250", "changed"],
        ["budgets", "stream=us-fms, period=2026", "amount", "300", "150", "changed"],
    ]
    assert "Inputs: 4 difference(s)." in r.output
    assert "budgets [stream=us-fms, period=2026] amount: 300 -> 150" in r.output
    assert f"wrote {out}" in r.output
    _check_against_runs(out, a, b)
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert re.search(r"<(script|link|img)[^>]+(src|href)=", page) is None  # plotly.js inline
    assert "plotly.js v" in page
    assert 'id="notional-banner"' in page
    for key in ("capability", "interoperability", "spending", "stock"):
        assert f'id="chart-{key}"' in page


def test_compare_small_and_a_binding_budget_cut(small_runs: tuple[Path, Path, Path]) -> None:
    a, _, c = small_runs
    r = runner.invoke(app, ["compare", str(a), str(c)])
    assert r.exit_code == 0, r.output
    out = c.parent / "compare-small-vs-small-tenth"
    _check_against_runs(out, a, c)
    figures = pd.read_csv(out / "outputs_diff.csv")
    spent = figures[figures["figure"] == "spending by stream"].set_index(["item", "period"])
    available = figures[figures["figure"] == "budget available by stream"].set_index(
        ["item", "period"]
    )
    assert available.loc[("ua-mod", 2027), ["a", "b"]].tolist() == [500.0, 50.0]
    # the cut binds: B spends at most a tenth, and less than A in total
    assert (spent["b"] <= available["b"].reindex(spent.index) + 1e-6).all()
    assert spent["b"].sum() < spent["a"].sum()
    assert spent["differs"].any()
    assert "Key figures that differ" in r.output
    assert "spending by stream ua-mod (USD million)" in r.output


def test_compare_out_folder_foreign_or_own(
    small_runs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    a, b, _ = small_runs
    out = tmp_path / "mine"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    r = runner.invoke(app, ["compare", str(a), str(b), "--out", str(out)])
    assert r.exit_code == 1
    assert "--force" in r.output
    assert {p.name for p in out.iterdir()} == {"keep.txt"}
    r = runner.invoke(app, ["compare", str(a), str(b), "--out", str(out), "--force"])
    assert r.exit_code == 0, r.output
    assert {p.name for p in out.iterdir()} == OUT_FILES
    # a previous comparison is replaced without --force
    r = runner.invoke(app, ["compare", str(b), str(a), "--out", str(out)])
    assert r.exit_code == 0, r.output
    back = pd.read_csv(out / "inputs_diff.csv", dtype=str, keep_default_na=False)
    assert back["old"].tolist() == ["250", "250", "250", "150"]
    assert {p.name for p in out.iterdir()} == OUT_FILES


def test_compare_a_run_with_itself(small_runs: tuple[Path, Path, Path], tmp_path: Path) -> None:
    a, _, _ = small_runs
    r = runner.invoke(app, ["compare", str(a), str(a), "--out", str(tmp_path / "same")])
    assert r.exit_code == 0, r.output
    assert "Comparing A:small (A) with B:small (B)." in r.output
    assert "Inputs: the scenarios are identical." in r.output
    assert "Summary: the same." in r.output
    assert "Key figures: the same in every period." in r.output
    assert "Decisions in one plan only: none." in r.output


def test_compare_needs_run_folders(small_runs: tuple[Path, Path, Path], tmp_path: Path) -> None:
    a, _, _ = small_runs
    r = runner.invoke(app, ["compare", str(a), str(tmp_path / "missing")])
    assert r.exit_code == 1
    assert "is not a run folder" in r.output
    r = runner.invoke(app, ["compare", str(a / "scenario"), str(a)])
    assert r.exit_code == 1
    assert "summary.json is missing" in r.output
    assert not list(tmp_path.iterdir())


def test_compare_page_renders_in_chromium(
    small_runs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The page of a binding budget cut: difference charts first, then the side-by-side ones."""
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    from forceplan.report.compare_html import difference_charts
    from forceplan.results.compare import compare as compare_runs
    from tests.report.browser import ARTIFACTS

    a, _, c = small_runs
    out = tmp_path / "cmp"
    assert runner.invoke(app, ["compare", str(a), str(c), "--out", str(out)]).exit_code == 0
    diffs = [d.key for d in difference_charts(compare_runs(a, c)) if d.figure is not None]
    assert "diff-spending" in diffs  # the cut binds: B spends less
    expected = [f"chart-{k}" for k in diffs] + [
        "chart-capability",
        "chart-interoperability",
        "chart-spending",
        "chart-stock",
    ]
    errors: list[str] = []
    external: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "request",
                lambda r: None if r.url.startswith(("file:", "data:")) else external.append(r.url),
            )
            page.goto((out / "compare.html").resolve().as_uri(), wait_until="load")
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= "
                f"{len(expected)} * 3",
                timeout=30_000,
            )
            drawn = page.evaluate(
                "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
                ".map(el => [el.id, (el.data || []).length])"
            )
            bars = page.evaluate(
                "() => document.querySelectorAll('#chart-diff-spending g.point path').length"
            )
            # what changed and a difference chart are on the first screen
            box = page.locator("#what-changed").bounding_box()
            first = page.locator(f"#{expected[0]}").bounding_box()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "compare-small-tenth.png"))
        finally:
            browser.close()
    assert errors == [] and external == []
    assert [d[0] for d in drawn] == expected
    assert all(n > 0 for _, n in drawn)
    assert bars >= 1
    assert box is not None and box["y"] < 900
    assert first is not None and first["y"] < 900
    assert (ARTIFACTS / "compare-small-tenth.png").stat().st_size > 10_000


@pytest.mark.slow
def test_compare_notional_and_halved_budget(tmp_path: Path) -> None:
    from forceplan.examples import notional

    base = notional()
    half = base.copy()
    half.tables["budgets"] = half.tables["budgets"].assign(
        amount=half.tables["budgets"]["amount"] / 2
    )
    a = _solve_and_save(base, tmp_path / "notional")
    b = _solve_and_save(half, tmp_path / "notional-half")
    r = runner.invoke(app, ["compare", str(a), str(b)])
    assert r.exit_code == 0, r.output
    out = tmp_path / "compare-notional-vs-notional-half"
    inputs = pd.read_csv(out / "inputs_diff.csv", dtype=str, keep_default_na=False)
    budgets = base.tables["budgets"]
    assert len(inputs) == int((budgets["amount"] != 0).sum())
    assert set(inputs["table"]) == {"budgets"} and set(inputs["column"]) == {"amount"}
    assert (inputs["new"].astype(float) * 2 == inputs["old"].astype(float)).all()
    _check_against_runs(out, a, b)
    assert "NOTIONAL" in (out / "compare.html").read_text(encoding="utf-8")
