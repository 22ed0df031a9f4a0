"""The table schemas are data: loaded, consistent, and documented."""

from __future__ import annotations

from pathlib import Path

from forceplan.domain.schema import COLUMN_TYPES, schemas, unit_of
from forceplan.domain.schema_docs import render

ROOT = Path(__file__).resolve().parents[2]

ISSUE_TABLES = {
    "standards",
    "munitions",
    "equipment",
    "equipment_standards",
    "equipment_munitions",
    "inventory",
    "upgrades",
    "formations",
    "formation_slots",
    "requirements",
    "sources",
    "donors",
    "lines",
    "budgets",
    "budget_uses",
    "training",
    "attrition",
}


def test_every_table_of_the_issue_has_a_schema() -> None:
    assert set(schemas()) >= ISSUE_TABLES


def test_schema_columns_are_well_formed() -> None:
    for name, schema in schemas().items():
        assert schema.key, name
        for k in schema.key:
            assert schema.has(k), f"{name}: key column {k} is not a column"
        for col in schema.columns:
            assert col.type in COLUMN_TYPES
            assert col.description, f"{name}.{col.name} has no description"
            if col.type == "enum":
                assert col.allowed, f"{name}.{col.name} is an enum without allowed values"
            for table, target in col.references:
                assert schemas()[table].has(target), f"{name}.{col.name} -> {table}.{target}"
            if col.required:
                assert col.default == "", f"{name}.{col.name}: required columns take no default"


def test_equipment_carries_the_attributes_the_issue_names() -> None:
    eq = schemas()["equipment"]
    for col in (
        "role",
        "combat_value",
        "unit_cost",
        "operating_cost",
        "crew",
        "training_weeks",
        "service_life",
        "logistics_family",
    ):
        assert eq.has(col)
    assert unit_of("equipment", "unit_cost") == "MUSD/unit"
    assert unit_of("equipment", "operating_cost") == "MUSD/unit/year"
    assert unit_of("attrition", "rate") == "fraction/period"


def test_scenario_format_doc_is_generated_from_the_schemas() -> None:
    committed = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    assert committed == render(), (
        "docs/scenario-format.md is stale: run "
        "`python -m forceplan.domain.schema_docs > docs/scenario-format.md`"
    )
    for name, schema in schemas().items():
        assert f"## Table `{name}`" in committed
        for col in schema.columns:
            assert f"| `{col.name}` |" in committed
