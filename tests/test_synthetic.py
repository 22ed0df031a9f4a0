"""The synthetic scenario generator: sizes, determinism, validity, plannability, CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceplan.cli.app import app
from forceplan.domain.header import DEFAULT_DOMAIN_WEIGHTS
from forceplan.domain.scenario import Scenario
from forceplan.domain.schema import schemas
from forceplan.exceptions import ForceplanError
from forceplan.io.load import load_scenario
from forceplan.synthetic import generate

SIZES = [
    (1, 1, 1, 1),
    (2, 1, 1, 1),
    (3, 2, 2, 1),
    (5, 3, 2, 2),
    (17, 4, 3, 5),
    (60, 12, 9, 7),
    (250, 40, 20, 50),
    (1000, 40, 20, 50),
]


@pytest.fixture(scope="module")
def medium() -> Scenario:
    return generate(120, 15, 12, 10, seed=7)


@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "x".join(map(str, s)))
def test_sizes_are_honoured_and_the_scenario_is_valid(sizes: tuple[int, int, int, int]) -> None:
    n_e, n_p, n_s, n_f = sizes
    s = generate(*sizes, seed=11)  # validated by from_records: raises on any error
    assert len(s.equipment) == n_e
    assert s.header.periods == n_p and len(s.header.intensity) == n_p
    assert len(s.sources) == n_s
    assert len(s.formations) == n_f
    assert s.warnings == []
    assert s.notional
    assert s.name == f"Synthetic scenario ({n_e},{n_p},{n_s},{n_f} seed 11)"
    empty = {name for name, frame in s.tables.items() if len(frame) == 0}
    # one equipment type cannot be upgraded into another; everything else is populated
    # but the optional tables (synthetic scenarios have no uncertain factors, no commitments)
    optional = {"uncertainty", "commitments"}
    assert empty == ({"upgrades", *optional} if n_e == 1 else optional)
    assert set(s.tables) == set(schemas())


def test_same_seed_gives_the_same_scenario() -> None:
    a, b = generate(40, 8, 6, 5, seed=3), generate(40, 8, 6, 5, seed=3)
    assert a.header == b.header
    for name in schemas():
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])


def test_different_seeds_give_different_scenarios() -> None:
    a, b = generate(40, 8, 6, 5, seed=3), generate(40, 8, 6, 5, seed=4)
    differ = [
        name
        for name in schemas()
        if a.tables[name].shape != b.tables[name].shape or not a.tables[name].equals(b.tables[name])
    ]
    assert {"equipment", "inventory", "sources", "budgets"} <= set(differ)


@pytest.mark.parametrize("bad", [(0, 1, 1, 1), (1, -1, 1, 1), (1, 1, 1.5, 1), (1, 1, 1, True)])
def test_bad_sizes_are_refused(bad: tuple) -> None:
    with pytest.raises(ForceplanError, match="whole numbers of at least 1"):
        generate(*bad, seed=0)


def test_structure_matches_the_notional_shape(medium: Scenario) -> None:
    s = medium
    eq = s.equipment.set_index("id")
    assert set(s.standards["domain"]) == set(schemas()["standards"].column("domain").allowed)
    assert set(eq["family"]) == {"nato", "soviet", "national"}
    assert eq["class"].nunique() == 16 and eq["role"].nunique() == 10
    assert set(s.munitions["unit"]) >= {"rounds", "missiles", "thousand-rounds"}
    # every type that fires has standards of the ammunition domain through its munitions
    fires = set(s.equipment_munitions["equipment"])
    ammo_std = s.equipment_standards.merge(s.standards, left_on="standard", right_on="id")
    assert fires == set(ammo_std.loc[ammo_std["domain"] == "ammunition", "equipment"])
    # upgrades turn a Soviet type into its variant with NATO radios, IFF and datalink
    up = s.upgrades
    assert len(up) == 12
    assert (eq.loc[up["from_equipment"], "family"] == "soviet").all()
    std = ammo_std.set_index("equipment")
    for to in up["to_equipment"]:
        nato = set(std.loc[[to]].query("family == 'nato'")["domain"])
        assert {"c2-radio", "iff", "datalink"} <= nato
    # sources: donors and market; every donation draws on a donor stockpile
    assert set(s.sources["kind"]) == {"donor", "market"}
    donated = s.sources.query("kind == 'donor'")[["country", "item"]].drop_duplicates()
    assert len(donated.merge(s.donors, on=["country", "item"])) == len(donated)
    assert (s.donors["minimum"] <= s.donors["stock"]).all()
    # lines for platforms and for munitions, with expansion options
    assert (
        s.lines["product"].isin(eq.index).any() and s.lines["product"].isin(s.munitions["id"]).any()
    )
    assert (s.lines["max_expansions"] >= 1).all() and (s.lines["expansion_size"] > 0).all()
    # a stream restricted to one country's industry, and lead times within the horizon
    assert (s.budget_uses["country"] != "").any()
    n = s.header.periods
    assert (s.sources["lead_time"] < n).all() and (s.upgrades["lead_time"] < n).all()
    assert (s.lines["expansion_lead_time"] < n).all()
    # formations have slots, attrition covers every class at every intensity
    assert set(s.formation_slots["formation"]) == set(s.formations["id"])
    assert len(s.attrition) == 4 * eq["class"].nunique()


def test_lead_times_stay_below_a_one_period_horizon() -> None:
    s = generate(30, 1, 10, 3, seed=5)
    assert (s.sources["lead_time"] == 0).all()
    assert (s.upgrades["lead_time"] == 0).all()
    assert (s.lines["expansion_lead_time"] == 0).all()


def test_interoperability_targets_rise_from_the_opening_index(medium: Scenario) -> None:
    s = medium
    req = s.requirements
    targets = req.loc[req["kind"] == "interoperability", "minimum"].to_numpy()
    assert len(targets) == s.header.periods
    assert (np.diff(targets) >= 0).all() and targets[-1] > targets[0]
    score = _scores(s)
    inv = s.inventory.assign(stock=s.inventory["quantity"] * s.inventory["serviceable"])
    eq = s.equipment.set_index("id")
    weight = inv["stock"] * inv["equipment"].map(eq["combat_value"])
    opening = float((weight * inv["equipment"].map(score)).sum() / weight.sum())
    assert targets[0] <= opening
    offered = set(s.lines["product"]) | set(s.sources["item"])
    assert targets[-1] <= max(score[e] for e in offered if e in score.index)


def _scores(s: Scenario) -> pd.Series:
    """Interoperability score per type: weight of the domains where it has a NATO standard."""
    es = s.equipment_standards.merge(s.standards, left_on="standard", right_on="id")
    nato = es.loc[es["family"] == "nato", ["equipment", "domain"]].drop_duplicates()
    w = pd.Series(DEFAULT_DOMAIN_WEIGHTS)
    per_type = nato["domain"].map(w).fillna(0).groupby(nato["equipment"]).sum() / w.sum()
    return per_type.reindex(s.equipment["id"], fill_value=0.0)


def _capability_with_best_line(s: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Capability per role and period when each role's largest line runs at full capacity.

    Opening holdings and new units are lost at the scenario's attrition rates and leave
    at the end of their (remaining) service life. Returns (capability, floors).
    """
    eq = s.equipment.set_index("id")
    n = s.header.periods
    t = np.arange(n)
    rates = s.attrition.pivot(index="class", columns="intensity", values="rate")
    rate = rates[s.header.intensity].to_numpy()  # class x period
    survive = pd.DataFrame(np.cumprod(1 - rate, axis=1), index=rates.index)
    inv = s.inventory.copy()
    life = inv["remaining_life"].astype(float).fillna(inv["equipment"].map(eq["service_life"]))
    value = inv["equipment"].map(eq["combat_value"]) * inv["quantity"] * inv["serviceable"]
    alive = t[None, :] < life.to_numpy()[:, None]
    held = survive.loc[inv["equipment"].map(eq["class"])].to_numpy() * alive
    cap = (
        pd.DataFrame(held * value.to_numpy()[:, None])
        .groupby(inv["equipment"].map(eq["role"]).to_numpy())
        .sum()
    )
    lines = s.lines[s.lines["product"].isin(eq.index)].copy()
    lines["role"] = lines["product"].map(eq["role"])
    lines["rate"] = lines["capacity"] * lines["product"].map(eq["combat_value"])
    best = lines.sort_values("rate").drop_duplicates("role", keep="last")
    for _, line in best.iterrows():
        c = eq.loc[line["product"], "class"]
        keep = np.exp(np.cumsum(np.log(1 - rates.loc[c, s.header.intensity].to_numpy())))
        # a unit delivered in period d is in service from d for its service life
        d = t[:, None]
        factor = np.where(
            (t[None, :] >= d) & (t[None, :] < d + eq.loc[line["product"], "service_life"]),
            keep[None, :] / keep[d],
            0.0,
        )
        cap.loc[line["role"]] = cap.reindex([line["role"]], fill_value=0.0).to_numpy()[0] + (
            line["rate"] * factor.sum(axis=0)
        )
    floors = s.requirements.query("kind == 'capability'").pivot(
        index="role", columns="period", values="minimum"
    )
    cap.columns = floors.columns
    return cap.reindex(floors.index, fill_value=0.0), floors


@pytest.mark.parametrize("sizes", [(1, 1, 1, 1), (40, 10, 8, 6), (200, 40, 20, 20)])
@pytest.mark.parametrize("seed", [0, 1])
def test_capability_floors_are_reachable(sizes: tuple[int, int, int, int], seed: int) -> None:
    s = generate(*sizes, seed=seed)
    cap, floors = _capability_with_best_line(s)
    assert (cap.to_numpy() >= floors.to_numpy()).all(), (cap / floors).min(axis=1)


def test_munition_lines_cover_high_intensity_consumption(medium: Scenario) -> None:
    s = medium
    inv = s.inventory.assign(stock=s.inventory["quantity"] * s.inventory["serviceable"])
    stock = inv.groupby("equipment")["stock"].sum()
    em = s.equipment_munitions
    use = (em["use_high"] * em["equipment"].map(stock).fillna(0)).groupby(em["munition"]).sum()
    capacity = s.lines.groupby("product")["capacity"].sum()
    assert (capacity.reindex(use.index) >= use).all()
    # opening stocks hold a fraction of a period's use: supply has to flow
    assert (s.munitions.set_index("id")["stock"].reindex(use.index) < use + 1).all()


def test_budgets_cover_operations_lines_and_munitions(medium: Scenario) -> None:
    s = medium
    eq = s.equipment.set_index("id")
    inv = s.inventory.assign(stock=s.inventory["quantity"] * s.inventory["serviceable"])
    opex = float((inv["stock"] * inv["equipment"].map(eq["operating_cost"])).sum())
    lines = s.lines.assign(spend=s.lines["capacity"] * s.lines["unit_cost"])
    platform = lines[lines["product"].isin(eq.index)].assign(
        role=lambda d: d["product"].map(eq["role"])
    )
    # the cheaper line of every role at full output, and every munition line at full output
    acquisition = platform.groupby("role")["spend"].min().sum()
    ammunition = lines.loc[lines["product"].isin(s.munitions["id"]), "spend"].sum()
    uses = s.budget_uses
    operating = set(uses.loc[uses["use"] == "operation", "stream"])
    open_streams = set(uses.loc[uses["country"] == "", "stream"])
    b = s.budgets
    per_period = b[b["stream"].isin(open_streams)].groupby("period")["amount"].sum()
    assert (b[b["stream"].isin(operating)].groupby("period")["amount"].sum() >= opex).all()
    assert (per_period >= opex + acquisition + ammunition).all()
    restricted = uses.loc[uses["country"] != ""]
    assert set(restricted["country"]) <= set(s.lines["country"]) | set(s.sources["country"])


def test_training_converts_every_deliverable_unit(medium: Scenario) -> None:
    s = medium
    eq = s.equipment.set_index("id")
    src = s.sources[s.sources["item"].isin(eq.index)]
    lines = s.lines[s.lines["product"].isin(eq.index)]
    deliveries = (
        pd.concat(
            [
                src.groupby(src["item"].map(eq["class"]))["quantity"].sum(),
                lines.groupby(lines["product"].map(eq["class"]))["capacity"].max(),
                s.upgrades.groupby(s.upgrades["to_equipment"].map(eq["class"]))["capacity"].sum(),
            ]
        )
        .groupby(level=0)
        .sum()
    )
    capacity = s.training.groupby("class")["capacity"].sum()
    assert (capacity.reindex(deliveries.index).fillna(0) >= deliveries).all()


def test_large_scenario_has_the_requested_shape() -> None:
    s = generate(1000, 40, 20, 50, seed=0)
    rows = sum(s.summary().values())
    assert rows > 8000
    assert len(s.requirements) == 40 * (s.equipment["role"].nunique() + 1)
    assert len(s.budgets) == 40 * s.budgets["stream"].nunique()


def test_cli_writes_a_synthetic_folder_that_validates(tmp_path: Path) -> None:
    runner = CliRunner()
    dest = tmp_path / "syn"
    r = runner.invoke(app, ["example", "--synthetic", "30,6,5,4", "--seed", "3", str(dest)])
    assert r.exit_code == 0, r.output
    assert "30,6,5,4" in r.output
    assert sorted(p.name for p in dest.iterdir()) == sorted(
        ["scenario.yaml", *(f"{t}.csv" for t, sc in schemas().items() if not sc.optional)]
    )
    v = runner.invoke(app, ["validate", str(dest)])
    assert v.exit_code == 0, v.output
    assert "valid, no problems found" in v.output and "NOTIONAL" in v.output
    loaded, made = load_scenario(dest), generate(30, 6, 5, 4, seed=3)
    assert loaded.header == made.header
    pd.testing.assert_frame_equal(loaded.equipment, made.equipment)
    pd.testing.assert_frame_equal(loaded.budgets, made.budgets)


@pytest.mark.parametrize("arg", ["30,6,5", "a,b,c,d", "0,1,1,1"])
def test_cli_refuses_bad_synthetic_sizes(tmp_path: Path, arg: str) -> None:
    r = CliRunner().invoke(app, ["example", "--synthetic", arg, str(tmp_path / "x")])
    assert r.exit_code == 1
    assert "four positive whole numbers" in r.output
    assert not (tmp_path / "x").exists()
