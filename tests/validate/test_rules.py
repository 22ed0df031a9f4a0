"""Each cross-table rule of validate/rules.py, alone, on the small scenario and its mutations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from forceplan.domain.header import ScenarioHeader
from forceplan.domain.schema import schemas
from forceplan.io.csv_folder import format_cell
from forceplan.io.raw import RawTable
from forceplan.io.records import from_records
from forceplan.validate import rules
from forceplan.validate.columns import parse_table
from forceplan.validate.problems import Problem
from forceplan.validate.rules import RULES, Context
from tests.scenarios import small_records

Header = dict[str, Any]
Tables = dict[str, list[dict[str, Any]]]


def context(edit: Callable[[Header, Tables], None] | None = None) -> Context:
    """The small scenario's rule context, after *edit* of its records.

    The edited tables must still be valid column by column (the rules assume that).
    """
    header, tables = small_records()
    if edit is not None:
        edit(header, tables)
    hdr = ScenarioHeader.model_validate(header)
    parsed = {}
    for name, schema in schemas().items():
        records = tables.get(name, [])
        rows = [[format_cell(r.get(c.name), c.type) for c in schema.columns] for r in records]
        table = RawTable(
            name=name,
            file=f"{name}.csv",
            sheet=None,
            header=schema.column_names,
            rows=rows,
            row_numbers=list(range(2, len(rows) + 2)),
        )
        pt, problems = parse_table(table, schema, hdr.period_labels)
        assert problems == [], [p.describe() for p in problems]
        parsed[name] = pt
    return Context(hdr, parsed)


def where(problems: list[Problem]) -> list[tuple[Any, ...]]:
    """(severity, rule, file, row, column) of each problem, in order."""
    return [(p.severity, p.rule, p.file, p.row, p.column) for p in problems]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_the_small_scenario_breaks_no_rule(rule: rules.Rule) -> None:
    assert rule(context()) == []


def test_rules_are_all_listed() -> None:
    names = {r.__name__ for r in RULES}
    assert len(names) == len(RULES) == 12
    assert "references" in names and "domain_weights_known" in names


# --- references ---------------------------------------------------------------------------


def test_unknown_references_with_a_hint_in_every_row() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["equipment_standards"][0]["standard"] = "stanag155"
        t["equipment_standards"][3]["equipment"] = "nasam"
        t["inventory"][0]["formation"] = "art-9"

    problems = rules.references(context(edit))
    assert where(problems) == [
        ("error", "unknown-reference", "equipment_standards.csv", 5, "equipment"),
        ("error", "unknown-reference", "equipment_standards.csv", 2, "standard"),
        ("error", "unknown-reference", "inventory.csv", 2, "formation"),
    ]
    assert "Did you mean 'nasams'?" in problems[0].message
    assert "Did you mean 'stanag-155'?" in problems[1].message
    assert "Did you mean 'art-1'?" in problems[2].message
    assert "formations.id" in problems[2].fix


def test_a_reference_to_several_tables() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["sources"][1]["item"] = "152-mm"

    (p,) = rules.references(context(edit))
    assert where([p]) == [("error", "unknown-reference", "sources.csv", 3, "item")]
    assert "equipment.id or munitions.id" in p.message
    assert "Did you mean '152mm'?" in p.message


def test_an_empty_optional_reference_is_not_checked() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["munitions"][0]["standard"] = ""

    assert rules.references(context(edit)) == []


# --- ids, lead times, period ranges -------------------------------------------------------------


def test_an_id_that_is_both_equipment_and_munition() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["munitions"][1]["id"] = "d20"

    assert where(rules.items_unique_across_tables(context(edit))) == [
        ("error", "duplicate-id", "munitions.csv", 3, "id")
    ]


def test_lead_times_must_be_shorter_than_the_horizon() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["sources"][0]["lead_time"] = 2  # 3 periods: fine
        t["sources"][1]["lead_time"] = 3
        t["lines"][1]["expansion_lead_time"] = 5
        t["upgrades"].append(
            {
                "id": "up",
                "from_equipment": "d20",
                "to_equipment": "m777",
                "capacity": 1,
                "lead_time": 3,
            }
        )

    problems = rules.lead_times_within_horizon(context(edit))
    assert where(problems) == [
        ("error", "lead-time-beyond-horizon", "sources.csv", 3, "lead_time"),
        ("error", "lead-time-beyond-horizon", "upgrades.csv", 2, "lead_time"),
        ("error", "lead-time-beyond-horizon", "lines.csv", 3, "expansion_lead_time"),
    ]
    assert "3 periods" in problems[0].message


def test_lead_times_are_not_checked_without_a_header() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["sources"][1]["lead_time"] = 30

    ctx = context(edit)
    ctx.header = None
    assert rules.lead_times_within_horizon(ctx) == []


def test_first_period_after_last_period() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["sources"][0].update(first_period=2028, last_period=2027)
        t["sources"][1].update(first_period=2027, last_period=2027)  # one period: fine
        t["training"][0].update(first_period=2027, last_period=2026)
        t["training"].append({"id": "t2", "class": "tank", "capacity": 1, "last_period": 2026})

    problems = rules.period_ranges(context(edit))
    assert where(problems) == [
        ("error", "period-order", "sources.csv", 2, "last_period"),
        ("error", "period-order", "training.csv", 2, "last_period"),
    ]
    assert "2027 is before first_period 2028" in problems[0].message


# --- units ---------------------------------------------------------------------------------------


def test_units_must_match_the_item() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["sources"][0]["unit"] = "rounds"  # m777 is counted in units
        t["sources"][1]["unit"] = "thousand-rounds"  # 152mm is counted in rounds
        t["lines"][0]["unit"] = "units"
        t["donors"][0]["unit"] = "missiles"

    problems = rules.units_consistent(context(edit))
    assert where(problems) == [
        ("error", "inconsistent-units", "sources.csv", 2, "unit"),
        ("error", "inconsistent-units", "sources.csv", 3, "unit"),
        ("error", "inconsistent-units", "lines.csv", 2, "unit"),
        ("error", "inconsistent-units", "donors.csv", 2, "unit"),
    ]
    assert "'152mm' are in rounds (set in munitions)" in problems[1].message
    assert "'m777' are in units (set in equipment)" in problems[0].message
    assert "set unit to 'rounds'" in problems[1].fix


def test_units_are_not_checked_for_unknown_or_ambiguous_items() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["sources"][1]["item"] = "unknown"
        t["munitions"][0]["id"] = "m777"  # now both a munition (rounds) and equipment (units)

    assert rules.units_consistent(context(edit)) == []


# --- munitions -----------------------------------------------------------------------------------


def test_a_munition_used_but_supplied_by_nothing() -> None:
    def edit(h: Header, t: Tables) -> None:
        del t["lines"][0]  # the only supply of 155mm
        t["equipment_munitions"].append({"equipment": "nasams", "munition": "155mm", "use_low": 1})

    (p,) = rules.munitions_supplied(context(edit))  # reported once, at its first user
    assert where([p]) == [
        ("error", "munition-unsupplied", "equipment_munitions.csv", 2, "munition")
    ]
    assert "'155mm' is consumed by 'm777'" in p.message


def test_a_munition_supplied_only_by_a_donor_or_not_consumed() -> None:
    def donor(h: Header, t: Tables) -> None:
        del t["lines"][0]
        t["donors"].append({"country": "USA", "item": "155mm", "stock": 1e5, "unit": "rounds"})

    def unused(h: Header, t: Tables) -> None:
        del t["lines"][0]
        t["equipment_munitions"][0].update(use_low=0, use_medium=0, use_high=0)

    assert rules.munitions_supplied(context(donor)) == []
    assert rules.munitions_supplied(context(unused)) == []


def test_an_unknown_munition_is_left_to_references() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["equipment_munitions"][0]["munition"] = "30mm"

    assert rules.munitions_supplied(context(edit)) == []


# --- roles and requirements --------------------------------------------------------------------


def test_roles_no_equipment_can_fill() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["formation_slots"][1]["role"] = "air-defense"
        t["formation_slots"].append({"formation": "ad-1", "role": "armour", "quantity": 3})
        t["requirements"][1]["role"] = "artilery"
        t["requirements"][0]["role"] = ""

    problems = rules.slot_roles_fillable(context(edit))
    assert where(problems) == [
        ("error", "role-unfillable", "formation_slots.csv", 3, "role"),
        ("error", "role-unfillable", "formation_slots.csv", 4, "role"),
        ("error", "value-missing", "requirements.csv", 2, "role"),
        ("error", "role-unfillable", "requirements.csv", 3, "role"),
    ]
    assert "Did you mean 'air-defence'?" in problems[0].message
    assert "Did you mean" not in problems[1].message
    assert "air-defence, artillery" in problems[1].fix
    assert "Did you mean 'artillery'?" in problems[3].message


def test_interoperability_targets() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["requirements"][2]["minimum"] = 1.2
        t["requirements"] += [
            {"kind": "interoperability", "period": 2027, "minimum": 1.0},  # 1 is allowed
            {"kind": "interoperability", "period": 2026, "minimum": 0.3, "role": "artillery"},
        ]

    problems = rules.slot_roles_fillable(context(edit))
    assert where(problems) == [
        ("error", "role-not-applicable", "requirements.csv", 6, "role"),
        ("error", "fraction-range", "requirements.csv", 4, "minimum"),
    ]
    assert "1.2 is above 1" in problems[1].message


# --- donors, upgrades, budgets, attrition, header ----------------------------------------------


def test_donations_need_the_donor_stockpile() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["sources"][0]["country"] = "Germany"
        t["sources"].append(
            {
                "id": "us-152",
                "kind": "donor",
                "country": "USA",
                "item": "152mm",
                "quantity": 5,
                "unit": "rounds",
            }
        )
        t["sources"][1]["country"] = "Nowhere"  # a market source needs no stockpile

    problems = rules.donor_sources_have_stock(context(edit))
    assert where(problems) == [
        ("error", "donor-without-stock", "sources.csv", 2, "country"),
        ("error", "donor-without-stock", "sources.csv", 4, "country"),
    ]
    assert "Germany's stock of 'm777'" in problems[0].message


def test_an_upgrade_to_the_same_type() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["upgrades"] += [
            {"id": "ok", "from_equipment": "d20", "to_equipment": "m777", "capacity": 1},
            {"id": "same", "from_equipment": "d20", "to_equipment": "d20", "capacity": 1},
        ]

    problems = rules.upgrades_change_type(context(edit))
    assert where(problems) == [("error", "upgrade-same-type", "upgrades.csv", 3, "to_equipment")]
    assert "'same' turns 'd20' into itself" in problems[0].message


def test_a_stream_without_any_allowed_use_is_a_warning() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["budget_uses"] = [u for u in t["budget_uses"] if u["stream"] != "ua-mod"]

    problems = rules.budget_streams(context(edit))
    assert where(problems) == [("warning", "stream-without-use", "budgets.csv", 2, "stream")]


def test_missing_attrition_rates_are_one_warning() -> None:
    def edit(h: Header, t: Tables) -> None:
        h["intensity"] = ["high", "peace", "low"]
        t["attrition"] = [
            a
            for a in t["attrition"]
            if (a["class"], a["intensity"])
            not in {("towed-artillery", "low"), ("air-defence-medium", "high")}
        ]

    (p,) = rules.attrition_complete(context(edit))
    assert (p.severity, p.rule, p.file, p.row) == (
        "warning",
        "attrition-missing",
        "attrition.csv",
        None,
    )
    # peace needs no rate; medium is not used by the header
    assert "2 class/intensity pair(s)" in p.message
    assert "air-defence-medium/high, towed-artillery/low" in p.message


def test_an_empty_attrition_table_means_no_losses_without_warning() -> None:
    def edit(h: Header, t: Tables) -> None:
        t["attrition"] = []

    assert rules.attrition_complete(context(edit)) == []


def test_unknown_domain_weights_in_the_header() -> None:
    def edit(h: Header, t: Tables) -> None:
        h["interoperability"] = {"domain_weights": {"ammunition": 0.5, "datalinks": 0.5}}

    (p,) = rules.domain_weights_known(context(edit))
    assert where([p]) == [
        ("error", "header", "scenario.yaml", None, "interoperability.domain_weights.datalinks")
    ]
    assert "Did you mean 'datalink'?" in p.message


# --- credible-plan settings (forceplan.validate.plan_rules) -------------------------------


def _problems(**changes: object) -> list[tuple[str, str, int | None, str | None]]:
    from forceplan.exceptions import ScenarioError
    from tests.scenarios import small_records

    header, tables = small_records()
    for key, edit in changes.items():
        edit(header if key == "header" else tables)  # type: ignore[operator]
    try:
        from_records(header, tables)
    except ScenarioError as err:
        return sorted((p.rule, p.file, p.row, p.column) for p in err.problems)
    return []


def test_a_red_line_minimum_above_the_stock_without_replenish_by_is_refused() -> None:
    def edit(t: dict) -> None:
        t["donors"][0].update(minimum=150, replenish_by=None)

    assert _problems(tables=edit) == [("donor-minimum-unreachable", "donors.csv", 2, "minimum")]

    def soft(t: dict) -> None:
        t["donors"][0].update(minimum=150, replenish_by=None, soft_minimum="yes")

    assert _problems(tables=soft) == []


def test_requirement_items_and_the_home_country() -> None:
    def edit(t: dict) -> None:
        t["requirements"] += [
            {"kind": "munition_reserve", "item": "m777", "period": 2026, "minimum": 5},
            {
                "kind": "capability",
                "role": "artillery",
                "item": "155mm",
                "period": 2028,
                "minimum": 5,
            },
            {"kind": "domestic_share", "period": 2027, "minimum": 1.5},
        ]

    assert _problems(tables=edit) == [
        ("fraction-range", "requirements.csv", 7, "minimum"),
        ("home-country-unknown", "requirements.csv", 7, "kind"),
        ("item-not-applicable", "requirements.csv", 5, "item"),
        ("item-not-applicable", "requirements.csv", 6, "item"),
    ]


def test_a_munition_group_of_one_is_a_warning() -> None:
    import forceplan
    from tests.scenarios import small_records

    header, tables = small_records()
    tables["equipment_munitions"][0]["group"] = "alone"
    s = from_records(header, tables)
    assert [w.rule for w in s.warnings] == ["group-alone"]
    assert forceplan.plan(s).has_plan
