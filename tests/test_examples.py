"""The shipped notional scenario: content, sourcing, canonical form and the example command."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from forceplan.cli.app import app
from forceplan.domain.interop import type_scores
from forceplan.domain.scenario import Scenario
from forceplan.domain.schema import schemas
from forceplan.examples import notional, notional_path
from forceplan.io.csv_folder import write_folder
from forceplan.io.load import validate_path

BUILD_SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "build_notional.py"
INTENSITY_RANK = {"peace": 0, "low": 1, "medium": 2, "high": 3}


@pytest.fixture(scope="module")
def s() -> Scenario:
    """The shipped notional scenario, loaded and validated once for the module."""
    return notional()


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _start_stock(s: Scenario) -> pd.Series:
    """Serviceable units per equipment type at the start."""
    inv = s.inventory
    stock = (inv["quantity"] * inv["serviceable"]).groupby(inv["equipment"]).sum()
    return stock.reindex(s.equipment["id"], fill_value=0.0)


# --- header ---------------------------------------------------------------------------


def test_header_is_notional_ten_yearly_periods_from_2026(s: Scenario) -> None:
    h = s.header
    assert h.notional is True
    assert h.name == "Notional Ukraine force transition"
    assert "notional" in h.description.lower()
    assert (h.start_year, h.periods, h.period_length) == (2026, 10, 1)
    assert s.periods == list(range(2026, 2036))
    ranks = [INTENSITY_RANK[i] for i in h.intensity]
    assert h.intensity[:3] == ["high"] * 3
    assert h.intensity[-1] == "low"
    assert ranks == sorted(ranks, reverse=True)  # the war eases, never flares up again


# --- equipment ------------------------------------------------------------------------


def test_equipment_breadth(s: Scenario) -> None:
    eq = s.equipment
    assert len(eq) >= 50
    assert eq["class"].nunique() >= 12
    assert {"soviet", "nato", "national"} <= set(eq["family"])
    for cls in (
        "tank",
        "ifv",
        "apc",
        "sp-artillery",
        "towed-artillery",
        "mlrs",
        "air-defence-short",
        "air-defence-medium",
        "air-defence-long",
        "anti-aircraft-gun",
        "fighter",
        "attack-aircraft",
        "helicopter",
        "radio",
        "uas",
        "support",
    ):
        assert cls in set(eq["class"]), cls
    named = {
        "t-64bv",
        "t-72",
        "t-80bv",
        "leopard-1a5",
        "leopard-2a4",
        "leopard-2a6",
        "m1a1-abrams",
        "challenger-2",
        "bmp-1",
        "bmp-2",
        "btr-4",
        "btr-80",
        "mt-lb",
        "m2a2-bradley",
        "marder-1a3",
        "cv9040c",
        "m113",
        "stryker",
        "2s1",
        "2s3",
        "2s19",
        "d-30",
        "d-20",
        "2a65",
        "m109",
        "pzh-2000",
        "caesar",
        "krab",
        "zuzana-2",
        "as90",
        "m777",
        "2s22-bohdana",
        "bm-21",
        "bm-27",
        "bm-30",
        "m142-himars",
        "m270",
        "s-300ps",
        "buk-m1",
        "osa",
        "strela-10",
        "patriot",
        "nasams",
        "iris-t-slm",
        "gepard",
        "m1097-avenger",
        "mig-29",
        "su-27",
        "su-24m",
        "su-25",
        "f-16am",
        "mirage-2000-5f",
        "gripen-cd",
        "mi-8",
        "mi-24",
        "uh-60",
        "r-123",
        "sincgars-radio",
        "prc-158",
        "prc-152",
        "fpv-drone",
    }
    assert named <= set(eq["id"]), sorted(named - set(eq["id"]))


def test_roles_have_consistent_values_and_soviet_types_cost_nothing(s: Scenario) -> None:
    eq = s.equipment.set_index("id")
    assert {
        "armour",
        "mechanised-infantry",
        "artillery",
        "rocket-artillery",
        "air-defence",
        "air",
        "aviation",
        "c2",
        "isr-strike",
    } <= set(eq["role"])
    # a newer type of the same role is worth more than the Soviet type it replaces
    assert eq.at["leopard-2a6", "combat_value"] > eq.at["t-72", "combat_value"]
    assert eq.at["pzh-2000", "combat_value"] > eq.at["2s19", "combat_value"]
    assert eq.at["patriot", "combat_value"] > eq.at["s-300ps", "combat_value"]
    soviet = eq[eq["family"] == "soviet"]
    assert (soviet["unit_cost"] == 0).all()
    assert (soviet["source"] == "notional").all()
    nato = eq[eq["family"] == "nato"]
    assert (nato["unit_cost"] > 0).all()
    # public figures carried over from the fact sheet, with their pages cited
    assert (
        eq.at["pzh-2000", "unit_cost"] == 19.9 and "defence-blog.com" in eq.at["pzh-2000", "source"]
    )
    assert (
        eq.at["m142-himars", "unit_cost"] == 7.0
        and "insidedefense" in eq.at["m142-himars", "source"]
    )


def test_upgrade_paths_lead_to_variants_with_nato_c2(s: Scenario) -> None:
    up = s.upgrades
    eq = s.equipment.set_index("id")
    assert len(up) >= 3
    assert ("t-72", "t-72-nato-c2") in set(
        zip(up["from_equipment"], up["to_equipment"], strict=True)
    )
    assert (up["capacity"] > 0).all() and (up["unit_cost"] > 0).all()
    assert (up["lead_time"] >= 1).all()
    std = s.standards.set_index("id")
    es = s.equipment_standards.assign(
        family=lambda d: d["standard"].map(std["family"]),
        domain=lambda d: d["standard"].map(std["domain"]),
    )
    for _i, row in up.iterrows():
        before = es[es["equipment"] == row["from_equipment"]]
        after = es[es["equipment"] == row["to_equipment"]]
        # the hull (and its family) stays, the radios / IFF become NATO
        assert eq.at[row["from_equipment"], "role"] == eq.at[row["to_equipment"], "role"]
        nato_before = set(before.loc[before["family"] == "nato", "domain"])
        nato_after = set(after.loc[after["family"] == "nato", "domain"])
        assert nato_before < nato_after, row["id"]


# --- standards ------------------------------------------------------------------------


def test_standards_cover_every_domain_on_both_sides(s: Scenario) -> None:
    st = s.standards
    for domain in (
        "ammunition",
        "c2-radio",
        "datalink",
        "iff",
        "fuel",
        "uas-control",
        "protection",
    ):
        fams = set(st.loc[st["domain"] == domain, "family"])
        assert "nato" in fams and fams - {"nato"}, domain
    refs = " ".join(st["reference"])
    for stanag in ("4425", "4172", "2310", "5516", "4193", "1135", "4586", "4569", "5066"):
        assert f"STANAG {stanag}" in refs, stanag


def test_equipment_standards_tell_soviet_nato_and_upgraded_apart(s: Scenario) -> None:
    es = s.equipment_standards
    by_type = es.groupby("equipment")["standard"].apply(set)
    assert {"nato-120mm-smoothbore", "sincgars", "stanag-4193-mode5", "stanag-1135-f34"} <= by_type[
        "leopard-2a6"
    ]
    assert {"soviet-125mm", "soviet-r123-radio", "soviet-parol-iff", "soviet-diesel"} <= by_type[
        "t-72"
    ]
    upgraded = by_type["t-72-nato-c2"]
    assert {"soviet-125mm", "sincgars", "stanag-4193-mode5"} <= upgraded
    assert not {"soviet-r123-radio", "soviet-parol-iff"} & upgraded
    assert "stanag-5516-link16" in by_type["patriot"]
    assert "stanag-4586-uas" in by_type["rq-20-puma"]
    # every type complies with at least one standard
    assert set(s.equipment["id"]) == set(es["equipment"])


# --- munitions ------------------------------------------------------------------------


def test_munitions_breadth(s: Scenario) -> None:
    mu = s.munitions.set_index("id")
    assert len(mu) >= 14
    named = {
        "122mm-artillery",
        "152mm-artillery",
        "155mm-artillery",
        "125mm-tank",
        "120mm-tank",
        "5.45x39",
        "5.56x45",
        "7.62x51",
        "7.62x54r",
        "30x165mm",
        "25x137mm",
        "35x228mm",
        "40mm-bofors",
        "122mm-rocket",
        "227mm-gmlrs",
        "pac-3-mse",
        "aim-120",
        "iris-t-sl",
        "5v55",
        "9m38",
    }
    assert named <= set(mu.index), sorted(named - set(mu.index))
    assert (mu["standard"] != "").all()
    assert set(mu["unit"]) >= {"rounds", "rockets", "missiles", "thousand-rounds"}
    assert (mu["unit_cost"] > 0).all() and (mu["stock"] > 0).all()
    assert mu.at["155mm-artillery", "standard"] == "stanag-4425-155mm"
    assert mu.at["152mm-artillery", "family"] == "soviet"


def test_every_consumed_munition_has_supply(s: Scenario) -> None:
    em = s.equipment_munitions
    consumed = set(em.loc[em[["use_low", "use_medium", "use_high"]].sum(axis=1) > 0, "munition"])
    supplied = set(s.lines["product"]) | set(s.sources["item"]) | set(s.donors["item"])
    assert consumed <= supplied, sorted(consumed - supplied)
    assert consumed == set(s.munitions["id"])  # nothing shipped that nobody fires


def test_artillery_fires_one_to_one_and_a_half_million_shells_at_high_intensity(
    s: Scenario,
) -> None:
    stock = _start_stock(s)
    em = s.equipment_munitions
    shells = em[em["munition"].isin(["122mm-artillery", "152mm-artillery", "155mm-artillery"])]
    per_year = float((shells["use_high"] * shells["equipment"].map(stock)).sum())
    assert 1.0e6 <= per_year <= 1.5e6
    # consumption rises with intensity for every row
    assert (em["use_low"] <= em["use_medium"]).all()
    assert (em["use_medium"] <= em["use_high"]).all()


def test_155mm_supply_covers_high_intensity_consumption(s: Scenario) -> None:
    stock = _start_stock(s)
    em = s.equipment_munitions
    rows = em[em["munition"] == "155mm-artillery"]
    use = float((rows["use_high"] * rows["equipment"].map(stock)).sum())
    lines = s.lines[s.lines["product"] == "155mm-artillery"]
    market = s.sources[(s.sources["item"] == "155mm-artillery") & (s.sources["kind"] == "market")]
    base = float(lines["capacity"].sum() + market["quantity"].sum())
    assert use <= base <= 3 * use  # covered, but not lavishly before any expansion


def test_soviet_interceptors_are_dwindling_stocks(s: Scenario) -> None:
    for m in ("5v55", "9m38"):
        assert m not in set(s.lines["product"])
        market = s.sources[(s.sources["item"] == m) & (s.sources["kind"] == "market")]
        assert market["last_period"].notna().all()
        assert (market["last_period"] < s.periods[-1]).all()


# --- inventory, formations, requirements ----------------------------------------------


def test_inventory_is_a_plausible_start_force(s: Scenario) -> None:
    eq = s.equipment.set_index("id")
    inv = s.inventory
    by_class = inv.groupby(inv["equipment"].map(eq["class"]))["quantity"].sum()
    assert 500 <= by_class["tank"] <= 2000
    assert by_class["ifv"] + by_class["apc"] >= 1000
    assert by_class["sp-artillery"] + by_class["towed-artillery"] >= 500
    ad = by_class[["air-defence-short", "air-defence-medium", "air-defence-long"]].sum()
    assert ad >= 50
    held = set(inv["equipment"])
    assert {"leopard-2a6", "m2a2-bradley", "patriot", "f-16am", "m142-himars"} <= held
    assert (inv["formation"] != "").sum() >= 10
    soviet = inv["equipment"].map(eq["family"]) == "soviet"
    assert (inv.loc[soviet, "serviceable"] < 1).all()
    assert inv.loc[soviet, "remaining_life"].notna().all()
    assert (inv.loc[soviet, "remaining_life"] < 10).any()


def test_formations_and_slots(s: Scenario) -> None:
    fo = s.formations
    assert len(fo) >= 30
    assert fo["type"].nunique() >= 6
    assert fo["priority"].nunique() >= 3
    slots = s.formation_slots
    assert set(fo["id"]) == set(slots["formation"])
    assert (slots["quantity"] > 0).all()
    # formations holding equipment at the start have room for it
    eq = s.equipment.set_index("id")
    inv = s.inventory[s.inventory["formation"] != ""]
    held = inv.groupby([inv["formation"], inv["equipment"].map(eq["role"])])["quantity"].sum()
    room = slots.set_index(["formation", "role"])["quantity"]
    assert (held <= room.reindex(held.index)).all()


def test_requirements_floors_and_interoperability_targets(s: Scenario) -> None:
    req = s.requirements
    cap = req[req["kind"] == "capability"]
    roles = set(s.equipment["role"])
    assert set(cap["role"]) == roles
    assert len(cap) == len(roles) * len(s.periods)
    assert (cap["minimum"] > 0).all()
    # every floor in the first year is below the capability the start force fields: units
    # in service, and consumables (FPV drones) used at their demand at the first intensity
    eq = s.equipment.set_index("id")
    consumable = eq["consumable"] == "yes"
    counted = _start_stock(s).where(~consumable, eq[f"demand_{s.header.intensity[0]}"])
    start = (counted * eq["combat_value"]).groupby(eq["role"]).sum()
    first = cap[cap["period"] == 2026].set_index("role")["minimum"]
    assert (first < start.reindex(first.index)).all()
    interop = req[req["kind"] == "interoperability"].sort_values("period")
    assert interop["period"].tolist() == s.periods
    targets = interop["minimum"].tolist()
    assert targets == sorted(targets) and targets[0] < targets[-1]
    assert 0.6 <= targets[-1] < 1
    # the first target is within reach of the start force; the last needs a real transition
    start_index = float((_start_stock(s) * eq["combat_value"] * type_scores(s)).sum()) / float(
        (_start_stock(s) * eq["combat_value"]).sum()
    )
    assert targets[0] <= start_index < targets[-1] - 0.25


# --- supply: donors, sources, lines ---------------------------------------------------


def test_donors_stockpiles_and_donations(s: Scenario) -> None:
    don = s.donors
    assert don["country"].nunique() >= 8
    assert {
        "USA",
        "Germany",
        "UK",
        "France",
        "Poland",
        "Netherlands",
        "Denmark",
        "Sweden",
        "Norway",
        "Czechia",
    } <= set(don["country"])
    assert (don["minimum"] <= don["stock"]).all()
    donations = s.sources[s.sources["kind"] == "donor"]
    assert set(zip(don["country"], don["item"], strict=True)) == set(
        zip(donations["country"], donations["item"], strict=True)
    )
    assert (donations["price"] == 0).all()
    market = s.sources[s.sources["kind"] == "market"]
    assert {"czech-initiative-155mm", "bulgaria-122mm", "bulgaria-152mm"} <= set(market["id"])
    assert (market["price"] > 0).all()


def test_production_lines(s: Scenario) -> None:
    ln = s.lines.set_index("id")
    assert len(ln) >= 14
    ua = ln[ln["country"] == "Ukraine"]
    allied = ln[ln["country"] != "Ukraine"]
    munitions = set(s.munitions["id"])
    for group in (ua, allied):
        assert group["product"].isin(munitions).any()
        assert (~group["product"].isin(munitions)).any()
    expandable = ln[(ln["max_expansions"] > 0) & (ln["expansion_size"] > 0)]
    assert len(expandable) >= 5
    assert (expandable["expansion_cost"] > 0).all()
    # figures from the fact sheet: US 155 mm 14.4k/month before the war, Unterluess ~18 months
    # and ~EUR 500 m, Bohdana 6 -> 40 a month, GMLRS 7,500 -> ~14,000 a year
    assert ln.at["us-155mm", "capacity"] == 14_400 * 12
    un = ln.loc["rheinmetall-unterluess-155mm"]
    assert (un["expansion_lead_time"], un["expansion_cost"]) == (2, 540)
    bo = ln.loc["ua-bohdana"]
    assert bo["capacity"] == 6 * 12
    assert bo["capacity"] + bo["expansion_size"] * bo["max_expansions"] == 40 * 12
    gm = ln.loc["us-gmlrs"]
    assert gm["capacity"] == 7_500
    assert gm["capacity"] + gm["expansion_size"] * gm["max_expansions"] == pytest.approx(
        14_000, abs=5
    )


# --- money ----------------------------------------------------------------------------


def test_funding_streams_and_restrictions(s: Scenario) -> None:
    b = s.budgets
    uses = s.budget_uses
    owners = b.drop_duplicates("stream").set_index("stream")["owner"]
    ua_uses = set(uses.loc[uses["stream"] == "ua-mod", "use"])
    assert {"acquisition", "operation", "upgrade", "ammunition"} <= ua_uses
    # a donor grant that may only buy from the donor's own industry
    restricted = uses[(uses["use"] == "acquisition") & (uses["country"] != "")]
    own_industry = restricted[restricted["country"] == restricted["stream"].map(owners)]
    assert (own_industry["stream"].map(owners) != "Ukraine").any()
    grant = uses[uses["stream"] == "de-grant"]
    assert set(grant["country"]) == {"Germany"}
    # donors' replenishment streams are country-restricted
    repl = uses[uses["use"] == "replenishment"]
    assert len(repl) >= 2 and (repl["country"] != "").all()
    # an EU facility and a US stream exist
    assert {"EU", "USA"} <= set(owners)
    per_year = b.groupby("period")["amount"].sum()
    assert (per_year > 10_000).all() and (per_year < 100_000).all()


def test_ukrainian_budget_affords_operating_the_force(s: Scenario) -> None:
    eq = s.equipment.set_index("id")
    operating = float((_start_stock(s) * eq["operating_cost"]).sum())
    ua = s.budgets[(s.budgets["stream"] == "ua-mod") & (s.budgets["period"] == 2026)]
    assert 0 < operating < 0.5 * float(ua["amount"].iloc[0])


def test_training_and_attrition(s: Scenario) -> None:
    classes = set(s.equipment["class"])
    assert set(s.training["class"]) == classes
    assert (s.training["capacity"] > 0).all()
    att = s.attrition.set_index(["class", "intensity"])["rate"]
    for c in classes:
        assert att[c, "low"] <= att[c, "medium"] <= att[c, "high"]


# --- sourcing and canonical form --------------------------------------------------------

_SOURCE_PART = re.compile(r"^(https?://\S+|notional|other figures notional)$")


def test_every_source_cell_is_filled_in_the_shipped_files() -> None:
    folder = notional_path()
    cited = 0
    for name, schema in schemas().items():
        if not schema.has("source"):
            continue
        if schema.optional and not (folder / f"{name}.csv").is_file():
            continue  # an optional table the notional scenario leaves out (commitments)
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert rows, name
        for i, row in enumerate(rows, start=2):
            cell = row["source"]
            assert cell.strip(), f"{name}.csv row {i}: empty source"
            parts = cell.split("; ")
            assert all(_SOURCE_PART.match(p) for p in parts), f"{name}.csv row {i}: {cell!r}"
            cited += cell.startswith("http")
    assert cited >= 20


def test_shipped_files_are_canonical(s: Scenario, tmp_path: Path) -> None:
    out = write_folder(s.header, s.tables, tmp_path / "rewritten")
    assert _folder_bytes(out) == _folder_bytes(notional_path())


def test_shipped_files_are_the_build_scripts_output(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_notional", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_notional"] = module
    try:
        spec.loader.exec_module(module)
        built = module.build()
    finally:
        del sys.modules["build_notional"]
    out = write_folder(built.header, built.tables, tmp_path / "built")
    assert _folder_bytes(out) == _folder_bytes(notional_path())


def test_example_command_writes_a_valid_scenario(tmp_path: Path) -> None:
    dest = tmp_path / "example"
    result = CliRunner().invoke(app, ["example", str(dest)])
    assert result.exit_code == 0, result.output
    scenario, problems = validate_path(dest)
    assert scenario is not None, problems
    assert not [p for p in problems if p.severity == "error"]
    assert scenario.notional and scenario.name == "Notional Ukraine force transition"
    assert _folder_bytes(dest) == _folder_bytes(notional_path())
    result = CliRunner().invoke(app, ["validate", str(dest)])
    assert result.exit_code == 0, result.output


def test_forceplan_validate_accepts_the_notional_scenario_as_folder_and_workbook(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from forceplan.cli.app import app
    from forceplan.examples import notional_path

    runner = CliRunner()
    r = runner.invoke(app, ["validate", str(notional_path())])
    assert r.exit_code == 0, r.output
    assert "valid, no problems found" in r.output
    assert "NOTIONAL scenario" in r.output
    xlsx = tmp_path / "notional.xlsx"
    assert runner.invoke(app, ["convert", str(notional_path()), str(xlsx)]).exit_code == 0
    r = runner.invoke(app, ["validate", str(xlsx)])
    assert r.exit_code == 0, r.output
    assert "valid, no problems found" in r.output
