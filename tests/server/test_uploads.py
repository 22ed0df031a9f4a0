"""Uploads: bounded in size, zip members in count, size and path; bad input gets the located
report of `forceplan validate` (4xx), never a 500."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from forceplan.cli.app import app as cli
from forceplan.io.csv_folder import write_folder
from forceplan.server.settings import Settings
from forceplan.server.uploads import UploadRejected, extract_scenario_zip
from tests.server.helpers import LiveServer, scenario_xlsx, scenario_zip, small_variant


def _zip(members: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def _post(
    live: LiveServer, name: str, data: bytes, route: str = "/api/scenarios"
) -> tuple[int, dict]:
    with live.client("planner") as c:
        r = c.post(route, files={"file": (name, data)})
    return r.status_code, r.json()


def _rules(body: dict) -> set[str]:
    return {p["rule"] for p in body["report"]["problems"]}


def _bad_folder(tmp: Path) -> Path:
    s = small_variant()
    folder = write_folder(s.header, s.tables, tmp / "bad")
    eq = folder / "equipment.csv"
    eq.write_text(
        eq.read_text().replace(
            "m777,M777,towed-artillery,artillery,nato,2,3.7",
            "m777,M777,towed-artillery,artillery,nato,2,lots",
        )
    )
    inv = folder / "inventory.csv"
    inv.write_text(inv.read_text().replace("d20,art-1,20", "d99,art-1,20"))
    return folder


def _cli_lines(path: Path) -> list[str]:
    result = CliRunner().invoke(cli, ["validate", str(path)], env={"COLUMNS": "1000"})
    assert result.exit_code == 1
    return [line for line in result.output.splitlines() if line.startswith(("error:", "warning:"))]


def test_a_workbook_upload_is_kept_and_downloads_byte_for_byte(
    live: LiveServer, tmp_path: Path
) -> None:
    data = scenario_xlsx(tmp_path, 4)
    code, body = _post(live, "four.xlsx", data)
    assert code == 201, body
    sid = body["scenario"]["id"]
    assert body["scenario"]["name"] == "small 4" and body["scenario"]["kind"] == "xlsx"
    assert body["report"]["valid"] and body["scenario"]["content_hash"].startswith("sha256:")
    with live.client("viewer") as c:
        r = c.get(f"/api/scenarios/{sid}/download")
    assert r.status_code == 200 and r.content == data
    assert "four.xlsx" in r.headers["content-disposition"]
    code, zbody = _post(live, "four.zip", scenario_zip(tmp_path, 4))
    assert code == 201 and zbody["scenario"]["content_hash"] == body["scenario"]["content_hash"]


def test_an_invalid_folder_gets_the_cli_report(live: LiveServer, tmp_path: Path) -> None:
    folder = _bad_folder(tmp_path)
    data = _zip({f"bad/{p.name}": p.read_bytes() for p in folder.iterdir()})
    code, body = _post(live, "bad.zip", data)
    assert code == 422
    report = body["report"]
    assert report["lines"][:-1] == _cli_lines(folder)
    assert report["lines"][-1] == f"bad.zip: {report['errors']} error(s), 0 warning(s)"
    located = {(p["file"], p["row"], p["column"]) for p in report["problems"]}
    assert ("equipment.csv", 2, "unit_cost") in located and (
        "inventory.csv",
        2,
        "equipment",
    ) in located
    code, vbody = _post(live, "bad.zip", data, "/api/scenarios/validate")
    assert code == 200 and not vbody["valid"] and vbody["lines"] == report["lines"]
    with live.client("planner") as c:
        names = {s["filename"] for s in c.get("/api/scenarios").json()}
    assert "bad.zip" not in names  # nothing is kept


def test_an_invalid_workbook_gets_sheet_row_column_and_cell(
    live: LiveServer, tmp_path: Path
) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(scenario_xlsx(tmp_path))
    wb = openpyxl.load_workbook(path)
    ws = wb["equipment"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("unit_cost") + 1, value="lots")
    wb.save(path)
    code, body = _post(live, "bad.xlsx", path.read_bytes())
    assert code == 422
    assert body["report"]["lines"][:-1] == _cli_lines(path)
    p = next(p for p in body["report"]["problems"] if p["column"] == "unit_cost")
    assert (p["file"], p["sheet"], p["row"]) == ("bad.xlsx", "equipment", 2) and p["cell"]


@pytest.mark.parametrize(
    ("name", "data", "status", "rule"),
    [
        ("notes.txt", b"hello", 415, "upload-type"),
        ("garbage.xlsx", b"\x00not a workbook" * 10, 422, "not-excel"),
        ("garbage.zip", b"PK\x03\x04broken", 422, "not-a-zip"),
        ("evil.zip", _zip({"../evil.csv": b"x", "scenario.yaml": b"name: x"}), 422, "zip-path"),
        ("abs.zip", _zip({"/etc/cron.d/x": b"x", "scenario.yaml": b"a: 1"}), 422, "zip-path"),
        ("link.zip", _zip({"scenario.yaml": b"a: 1"}, links=("equipment.csv",)), 422, "zip-path"),
        (
            "bomb.zip",
            _zip({"scenario.yaml": b"a: 1", "equipment.csv": bytes(8_000_000)}),
            422,
            "zip-bomb",
        ),
        ("many.zip", _zip({f"f{i}.csv": b"a" for i in range(201)}), 422, "zip-members"),
        ("empty.zip", _zip({"readme.txt": b"no scenario"}), 422, "file-missing"),
        ("big.zip", b"PK" + bytes(20 * 1024 * 1024), 413, "upload-size"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "",
)
def test_malformed_uploads_get_a_located_4xx(
    live: LiveServer, name: str, data: bytes, status: int, rule: str
) -> None:
    for route in ("/api/scenarios", "/api/scenarios/validate"):
        code, body = _post(live, name, data, route)
        assert code == status, body
        assert rule in _rules(body), body
        assert all(p["file"] and p["fix"] for p in body["report"]["problems"])


def test_extraction_writes_only_the_scenario_files_inside_dest(tmp_path: Path) -> None:
    data = _zip(
        {
            "top/scenario.yaml": b"name: x\n",
            "top/equipment.csv": b"id\n",
            "top/run.sh": b"rm -rf /",
            "top/sub/other.csv": b"x",
        }
    )
    dest = extract_scenario_zip(data, "s.zip", tmp_path / "out", Settings(data_dir=tmp_path))
    assert sorted(p.name for p in dest.iterdir()) == ["equipment.csv", "scenario.yaml"]
    with pytest.raises(UploadRejected) as exc:
        extract_scenario_zip(
            _zip({"a/scenario.yaml": b"", "b/scenario.yaml": b""}),
            "two.zip",
            tmp_path / "o2",
            Settings(data_dir=tmp_path),
        )
    assert exc.value.problems[0].rule == "zip-many-scenarios"
