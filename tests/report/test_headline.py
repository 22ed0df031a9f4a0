"""The brief: the headline figures and sentences, checked by hand on the hand-made run."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from forceplan.report.charts import ammunition_that_matters, formation_vehicle_gaps
from forceplan.report.data import load_run
from forceplan.report.headline import headline, shift
from forceplan.report.platforms import consumable_roles, is_consumable, is_major_platform


def test_shift_by_combat_value_and_major_platforms(handmade_run: Path) -> None:
    s = shift(load_run(handmade_run))
    assert s is not None
    # combat value: M777 (NATO) 2 points, D-20 (Soviet) 1 point
    assert s.value_first == pytest.approx(8.0 / (8.0 + 16.2))
    assert s.value_last == pytest.approx(42.0 / (42.0 + 15.1))
    # units of major platforms (both towed artillery)
    assert s.units_first == pytest.approx(4.0 / 20.2)
    assert s.units_last == pytest.approx(21.0 / 36.1)
    assert (s.soviet_units_first, s.soviet_units_last) == pytest.approx((16.2, 15.1))


def test_headline_sentences(handmade_run: Path) -> None:
    h = headline(load_run(handmade_run))
    assert [k for k, _, _ in h.items] == [
        "capability",
        "shift",
        "interoperability",
        "shortfalls",
        "cost",
        "risks",
        "binds",
    ]
    assert h.text("capability") == (
        "Every role meets its capability floor in every year (1 role(s) with floors)."
    )
    assert h.text("shift") == (
        "NATO-standard equipment holds 33% of the combat value in service in 2026 and 74% in "
        "2028; among major platforms (drones, radios and support vehicles not counted) 20% of "
        "units in 2026 and 58% in 2028, with Soviet-standard platforms going from 16 to 15."
    )
    assert h.text("interoperability") == (
        "The interoperability index goes from 0.33 in 2026 to 0.45 in 2028 (target 0.50 by "
        "2028, missed in 2028). Formations at level 3 (integrated): 0 of 2 in 2026, 1 of 2 in "
        "2028."
    )
    assert h.text("shortfalls").startswith("2 requirement(s) cannot be met in full: 152mm")
    assert h.text("cost").startswith(
        "442 USD million over 2026-2028, most from ua-mod 392, us-fms 50"
    )
    assert h.risks == [
        "152mm stock ends 2026-2028 below a quarter of a year's use: a late delivery means "
        "rationing.",
        "USA's M777 stockpile is drawn down to its minimum in 2027: no margin for more donations.",
    ]
    # one item per unit of account, never ranked across them
    assert h.binds == [
        "us-fms binds",
        "us-155 binds",
        "training-capacity [towed-artillery, 2027]",
    ]


def test_binding_ranked_within_each_stage_and_unverified_marked(handmade_run: Path) -> None:
    data = load_run(handmade_run)
    data.binding = pd.DataFrame(
        {
            "constraint": ["a", "b", "c", "d"],
            "coordinates": ["", "", "", ""],
            "dual": [305.0, 2.0, 0.5, 0.9],
            "unit": ["USD million", "USD million", "points", "points"],
            "text": ["radio line", "budget", "pipeline", "donor"],
            "stage": ["cost", "cost", "interoperability", "interoperability"],
            "verified": [False, True, True, True],
        }
    )
    h = headline(data)
    # the radio figure that did not hold when re-planned goes after the verified one
    assert h.binds == ["cost: budget", "interoperability: donor"]


def test_first_screen_holds_the_brief(handmade_run: Path) -> None:
    text = (handmade_run / "report.html").read_text(encoding="utf-8")
    head = text[: text.index('id="decisions"')]
    h = headline(load_run(handmade_run))
    assert "Soviet to NATO" in head and "20% of units in 2026" in head
    for risk in h.risks:
        assert risk.replace("'", "&#x27;") in head
    assert "highs" not in head  # the solver is metadata, at the end


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str | None]] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and dict(attrs).get("id") == "decisions-table":
            self.inside = True
        if self.inside and tag == "tr" and dict(attrs).get("data-period"):
            self.rows.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False


def test_decisions_section_lists_every_decision(handmade_run: Path) -> None:
    text = (handmade_run / "report.html").read_text(encoding="utf-8")
    parser = _Rows()
    parser.feed(text)
    on_disk = pd.read_csv(handmade_run / "plan" / "decisions.csv")
    assert len(parser.rows) == len(on_disk) == 13
    assert [r["data-action"] for r in parser.rows] == on_disk["action"].tolist()
    assert [int(str(r["data-period"])) for r in parser.rows] == on_disk["period"].tolist()
    assert 'id="decisions-year"' in text and 'id="decisions-action"' in text
    assert "donation of 8 M777 from USA, delivered 2027" in text


def test_major_platforms_and_consumables_decided_in_one_place() -> None:
    eq = pd.DataFrame(
        {
            "id": ["t-72", "fpv-drone", "prc-152", "kraz", "puma"],
            "class": ["tank", "uas", "radio", "support", "uas"],
            "role": ["armour", "isr-strike", "c2", "support", "isr-strike"],
        }
    )
    assert is_consumable(eq).tolist() == [False, True, True, False, True]
    assert is_major_platform(eq).tolist() == [True, False, False, False, False]
    assert consumable_roles(eq) == {"isr-strike", "c2"}
    # an explicit column wins over the class
    flagged = eq.assign(consumable=["no", "yes", "no", "no", "no"])
    assert is_consumable(flagged).tolist() == [False, True, False, False, False]
    assert consumable_roles(flagged) == set()  # the Puma is not consumable


def test_formation_gaps_in_vehicles_per_role(handmade_run: Path) -> None:
    table = formation_vehicle_gaps(load_run(handmade_run))
    assert table is not None
    assert table["artillery"].tolist() == pytest.approx([3.8, 0.0, 0.0])
    assert table["air-defence"].tolist() == pytest.approx([2.0, 2.0, 2.0])


def test_ammunition_view_keeps_shortfalls_and_soviet_calibres(handmade_run: Path) -> None:
    # 152mm (Soviet, short in 2026, used less in 2028) first, then 155mm
    assert ammunition_that_matters(load_run(handmade_run)) == ["152mm", "155mm"]


def test_what_binds_section_ranks_within_each_stage(handmade_run: Path) -> None:
    from forceplan.report.text import binding_sections

    data = load_run(handmade_run)
    data.binding = pd.DataFrame(
        {
            "constraint": ["a", "b", "c"],
            "coordinates": ["", "", ""],
            "dual": [305.0, 0.002, 0.01],
            "unit": ["USD million", "shortfall", "shortfall"],
            "text": ["radio line", "small", "larger"],
            "stage": ["cost", "shortfall", "shortfall"],
            "verified": [False, True, True],
        }
    )
    sections = binding_sections(data)
    assert sections is not None
    # the shortfall stage first (the most important goal), each in its own unit
    assert [s.title for s in sections] == [
        "Shortfall stage (in requirement-periods of shortfall avoided)",
        "Cost stage (in money saved)",
    ]
    assert sections[0].lines == ["larger", "small"]  # within its stage, never against 305
    assert sections[1].lines == ["radio line (not verified by re-planning)"]
