"""The Excel workbook and blank template."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from forceplan.domain.schema import schemas
from forceplan.io.excel import HEADER_SHEET, write_workbook
from forceplan.io.load import load_scenario, validate_path


def test_template_has_every_sheet_with_units_descriptions_and_dropdowns(tmp_path: Path) -> None:
    path = write_workbook(None, None, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [HEADER_SHEET, *schemas()]
    eq = wb["equipment"]
    headers = [c.value for c in eq[1]]
    assert headers == schemas()["equipment"].column_names
    cost = eq.cell(row=1, column=headers.index("unit_cost") + 1)
    assert cost.comment is not None
    assert "[MUSD/unit]" in cost.comment.text
    assert "Price of one new unit" in cost.comment.text
    # id columns get dropdowns fed from the sheet they refer to
    inv = wb["inventory"]
    formulas = {
        str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in inv.data_validations.dataValidation
    }
    assert formulas["A"] == "'equipment'!$A$2:$A$5000"  # inventory.equipment -> equipment.id
    assert formulas["B"] == "'formations'!$A$2:$A$5000"
    # enum columns list their values; period columns the horizon's years
    attr = {
        str(dv.sqref).split(":")[0][0]: dv.formula1
        for dv in wb["attrition"].data_validations.dataValidation
    }
    assert attr["B"] == '"peace,low,medium,high"'
    req = {
        str(dv.sqref).split(":")[0][0]: dv.formula1
        for dv in wb["requirements"].data_validations.dataValidation
    }
    assert "C" not in req  # requirements.item: an equipment type or a munition, no one list
    assert req["D"] == '"' + ",".join(str(y) for y in range(2026, 2036)) + '"'


def test_blank_template_is_a_scenario_with_empty_tables(tmp_path: Path) -> None:
    path = write_workbook(None, None, tmp_path / "t.xlsx")
    scenario, problems = validate_path(path)
    assert [p for p in problems if p.severity == "error"] == []
    assert scenario is not None
    assert all(len(t) == 0 for t in scenario.tables.values())


def test_workbook_keeps_values_typed_and_text_that_looks_like_a_formula(
    tmp_path: Path, small_folder: Path
) -> None:
    s = load_scenario(small_folder)
    s.tables["formations"].loc[0, "name"] = "=SUM(A1)"
    s.tables["formations"].loc[1, "name"] = "007"
    path = write_workbook(s.header, s.tables, tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["formations"]
    assert ws["B2"].value == "=SUM(A1)" and ws["B2"].data_type == "s"
    assert ws["B3"].value == "007"
    assert wb["equipment"]["F2"].value == 2  # combat_value stays a number, not text
    back = load_scenario(path)
    assert list(back.tables["formations"]["name"]) == ["=SUM(A1)", "007"]
