"""The deck: read back with python-pptx, figures equal the run folder's, rendered by LibreOffice."""

from __future__ import annotations

import subprocess
from pathlib import Path

import matplotlib.image as mpimg
import pandas as pd
import pytest
from pptx import Presentation
from typer.testing import CliRunner

from forceplan.brief import write_deck
from forceplan.cli.app import app
from forceplan.report.data import load_run
from forceplan.report.headline import headline
from tests.brief.conftest import require_program
from tests.report.browser import ARTIFACTS
from tests.report.handmade import write_handmade_run

TITLES = [
    "",
    "Headline",
    "Capability against floors",
    "Capability per role, year by year",
    "From Soviet to NATO standard",
    "Decisions per year",
    "The largest decisions",
    "Shortfalls and what closes them",
    "What binds",
    "Risks",
]


def _texts(slide: object) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]  # type: ignore[attr-defined]


def _tables(slide: object) -> list[list[list[str]]]:
    out = []
    for shape in slide.shapes:  # type: ignore[attr-defined]
        if shape.has_table:
            out.append([[c.text for c in row.cells] for row in shape.table.rows])
    return out


def test_slides_in_briefing_order_each_marked_notional(deck_run: Path) -> None:
    prs = Presentation(str(deck_run / "brief.pptx"))
    slides = list(prs.slides)
    assert len(slides) == len(TITLES)
    for slide, title in zip(slides[1:], TITLES[1:], strict=True):
        assert _texts(slide)[0] == title
    for slide in slides:
        texts = _texts(slide)
        assert "NOTIONAL" in texts, texts[:2]
    assert "small test scenario" in _texts(slides[0])


def test_headline_slide_says_what_the_report_says(deck_run: Path) -> None:
    prs = Presentation(str(deck_run / "brief.pptx"))
    h = headline(load_run(deck_run))
    text = "\n".join(_texts(prs.slides[1]))
    for key, title, sentence in h.items:
        if key in ("risks", "binds"):
            continue
        assert f"{title}: {sentence}" in text
    risks = "\n".join(_texts(prs.slides[TITLES.index("Risks")]))
    for risk in h.risks:
        assert risk in risks


def test_capability_table_equals_the_run_folder(deck_run: Path) -> None:
    prs = Presentation(str(deck_run / "brief.pptx"))
    (table,) = _tables(prs.slides[2])
    assert table[0] == ["role", "first", "last", "floor", "worst shortfall"]
    cap = pd.read_csv(deck_run / "plan" / "capability.csv")
    for row in table[1:]:
        role = row[0].replace(" ", "-")
        rows = cap[cap["role"] == role].set_index("period")
        assert float(row[1].replace(",", "")) == pytest.approx(
            rows.loc[2026, "capability"], abs=0.5
        )
        assert float(row[2].replace(",", "")) == pytest.approx(
            rows.loc[2028, "capability"], abs=0.5
        )
    assert [r[0] for r in table[1:]] == ["artillery", "air defence"]
    # the chart per role on the next slide
    chart = prs.slides[TITLES.index("Capability per role, year by year")]
    assert any(s.shape_type == 13 for s in chart.shapes)  # PICTURE


def test_decisions_per_year_equal_plan_decisions_csv(deck_run: Path) -> None:
    prs = Presentation(str(deck_run / "brief.pptx"))
    (table,) = _tables(prs.slides[TITLES.index("Decisions per year")])
    header, rows = table[0], table[1:]
    decisions = pd.read_csv(deck_run / "plan" / "decisions.csv")
    counts = decisions.groupby(["period", "action"]).size()
    assert header[0] == "period" and header[-1] == "cost"
    assert set(header[1:-1]) == set(decisions["action"])
    for row in rows:
        period = int(row[0])
        for action, cell in zip(header[1:-1], row[1:-1], strict=True):
            assert int(cell) == counts.get((period, action), 0)
        cost = decisions.loc[decisions["period"] == period, "cost"].sum()
        assert float(row[-1].replace(",", "")) == pytest.approx(cost, abs=0.5)
    assert [int(r[0]) for r in rows] == [2026, 2027, 2028]
    (largest,) = _tables(prs.slides[TITLES.index("The largest decisions")])
    assert largest[1][1] == "order 20,000 rounds of 155mm from us-155 (USA) for 80 USD million"


def test_not_notional_deck_has_no_mark(tmp_path: Path) -> None:
    run = write_handmade_run(tmp_path / "run", notional=False, explained=False)
    prs = Presentation(str(write_deck(run, tmp_path / "plain.pptx")))
    for slide in prs.slides:
        assert not any("NOTIONAL" in t for t in _texts(slide))
    assert any(
        "plan/binding.csv is absent" in t for t in _texts(prs.slides[TITLES.index("What binds")])
    )


def test_cli_brief_writes_the_deck(tmp_path: Path) -> None:
    run = write_handmade_run(tmp_path / "run", explained=False)
    out = tmp_path / "deck.pptx"
    r = CliRunner().invoke(app, ["brief", str(run), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert f"wrote {out}" in r.output
    assert len(Presentation(str(out)).slides) == len(TITLES)
    r = CliRunner().invoke(app, ["brief", str(tmp_path / "nowhere")])
    assert r.exit_code == 1 and "is not a run folder" in r.output


def test_deck_renders_through_libreoffice(deck_run: Path, tmp_path: Path) -> None:
    soffice = require_program("soffice", "libreoffice-impress")
    pdftoppm = require_program("pdftoppm", "poppler-utils")
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(deck_run / "brief.pptx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "brief.pdf"
    assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-"
    ARTIFACTS.mkdir(exist_ok=True)
    prefix = ARTIFACTS / "brief-handmade"
    for old in ARTIFACTS.glob("brief-handmade-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-png", "-r", "50", str(pdf), str(prefix)], check=True, timeout=120)
    pages = sorted(ARTIFACTS.glob("brief-handmade-*.png"))
    assert len(pages) == len(TITLES)
    for page in pages:
        image = mpimg.imread(page)[..., :3]
        assert image.std() > 0.05, page.name  # not blank
        # the red NOTIONAL mark: strongly red pixels somewhere on every page
        red = (image[..., 0] > 0.55) & (image[..., 1] < 0.2) & (image[..., 2] < 0.25)
        assert red.sum() > 20, page.name
        assert image.shape[1] > image.shape[0]  # a 16:9 slide, not a portrait page


def test_deck_of_a_real_small_plan_equals_its_run_folder(tmp_path: Path) -> None:
    from forceplan.api import plan
    from tests.scenarios import small_scenario

    result = plan(small_scenario())
    assert result.has_plan, result.message
    run = Path(result.save(tmp_path / "run"))
    r = CliRunner().invoke(app, ["plan", "--help"])
    assert "--png" in r.output
    prs = Presentation(str(write_deck(run)))
    slides = list(prs.slides)
    assert len(slides) == len(TITLES)
    assert all("NOTIONAL" in _texts(s) for s in slides)
    (table,) = _tables(slides[TITLES.index("Decisions per year")])
    decisions = pd.read_csv(run / "plan" / "decisions.csv")
    assert sum(int(c) for row in table[1:] for c in row[1:-1]) == len(decisions)
    interop = pd.read_csv(run / "plan" / "interoperability.csv").sort_values("period")
    first, last = interop["index"].iloc[0], interop["index"].iloc[-1]
    headline_text = "\n".join(_texts(slides[1]))
    assert f"goes from {first:.2f} in 2026 to {last:.2f} in 2028" in headline_text
    spent = pd.read_csv(run / "plan" / "budgets.csv")["spent"].sum()
    assert f"Cost: {spent:,.0f} USD million over 2026-2028" in headline_text


def test_remedies_are_briefed_when_the_run_has_them(tmp_path: Path) -> None:
    run = write_handmade_run(tmp_path / "run")
    pd.DataFrame(
        {
            "shortfall": ["ammo-shortfall[152mm, 2026]"],
            "remedy": ["supply-limit[mkt-152, 2026]"],
            "quantity": [1200.0],
            "unit": ["rounds"],
            "cost": [3.6],
            "text": ["about 1,200 more 152mm rounds from mkt-152 in 2026 close the gap"],
        }
    ).to_csv(run / "plan" / "remedies.csv", index=False)
    h = headline(load_run(run))
    assert h.remedies == ["about 1,200 more 152mm rounds from mkt-152 in 2026 close the gap"]
    assert ("remedies", "What closes the gaps", h.remedies[0]) in h.items
    prs = Presentation(str(write_deck(run)))
    text = "\n".join(_texts(prs.slides[TITLES.index("Shortfalls and what closes them")]))
    assert "What closes it: about 1,200 more 152mm rounds from mkt-152 in 2026" in text
    assert "152mm consumption in 2026 exceeds supply and stock by 1,200 rounds" in text
