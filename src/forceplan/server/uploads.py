"""Uploaded scenarios: bounded reads, safe zip extraction, validation with located problems."""

from __future__ import annotations

import io
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from forceplan.server.settings import Settings
from forceplan.validate.problems import Problem

ALLOWED_SUFFIXES = (".xlsx", ".zip")
HEADER_FILE = "scenario.yaml"


class UploadRejected(Exception):
    """An upload that cannot be read; carries located problems and the HTTP status."""

    def __init__(self, problems: list[Problem], status_code: int = 422):
        self.problems = problems
        self.status_code = status_code
        super().__init__("; ".join(p.describe() for p in problems))


def _problem(rule: str, message: str, fix: str, file: str) -> Problem:
    return Problem("error", rule, message, fix, file=file)


def safe_filename(name: str | None) -> str:
    """The base name of an uploaded file, without folders or odd characters."""
    base = PurePosixPath((name or "upload").replace("\\", "/")).name
    cleaned = "".join(c if c.isalnum() or c in "._- " else "_" for c in base).strip()
    return cleaned[:200] or "upload"


def check_kind(filename: str) -> str:
    """``xlsx`` or ``zip`` from the file name, else an UploadRejected naming the file."""
    suffix = Path(filename).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadRejected(
            [
                _problem(
                    "upload-type",
                    f"{filename} is neither an .xlsx workbook nor a .zip of a scenario folder.",
                    "upload the workbook (.xlsx) or zip the folder holding scenario.yaml and the "
                    "table CSVs.",
                    filename,
                )
            ],
            415,
        )
    return suffix[1:]


def _member_path(info: zipfile.ZipInfo) -> PurePosixPath | None:
    """The member's relative path, or None when it is unsafe (absolute, .., drive, link)."""
    name = info.filename
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    path = PurePosixPath(name)
    if any(part in ("..", "") for part in path.parts):
        return None
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        return None
    return path


def check_zip(data: bytes, filename: str, settings: Settings) -> zipfile.ZipFile:
    """Open *data* as a zip within the bounds of *settings*, or raise with every problem."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        what = "workbook" if filename.lower().endswith(".xlsx") else "zip file"
        raise UploadRejected(
            [
                _problem(
                    "not-a-zip" if what == "zip file" else "not-excel",
                    f"{filename} cannot be opened as a {what} ({exc}).",
                    "upload the file again; save workbooks from Excel as .xlsx, zip folders "
                    "with a standard zip tool.",
                    filename,
                )
            ]
        ) from exc
    problems: list[Problem] = []
    if len(infos) > settings.max_zip_members:
        problems.append(
            _problem(
                "zip-members",
                f"{filename} holds {len(infos)} files; at most {settings.max_zip_members} are "
                "accepted.",
                "zip only the scenario folder (scenario.yaml and one CSV per table).",
                filename,
            )
        )
    total = 0
    for info in infos:
        if _member_path(info) is None:
            problems.append(
                _problem(
                    "zip-path",
                    f"{filename} holds {info.filename!r}, a path outside the folder "
                    "(absolute, '..', or a link).",
                    "zip the scenario folder itself, with relative paths only.",
                    filename,
                )
            )
        total += info.file_size
        if info.file_size > settings.max_member_bytes:
            problems.append(
                _problem(
                    "zip-member-size",
                    f"{info.filename} in {filename} unpacks to {info.file_size} bytes; at most "
                    f"{settings.max_member_bytes} are accepted per file.",
                    "split the scenario or remove files that are not part of it.",
                    filename,
                )
            )
        elif info.compress_size and info.file_size / info.compress_size > settings.max_ratio:
            problems.append(
                _problem(
                    "zip-bomb",
                    f"{info.filename} in {filename} is compressed "
                    f"{info.file_size // max(1, info.compress_size)} times "
                    f"(more than {settings.max_ratio:g}): refused as a possible zip bomb.",
                    "zip the scenario with ordinary compression.",
                    filename,
                )
            )
    if total > settings.max_unzipped_bytes:
        problems.append(
            _problem(
                "zip-size",
                f"{filename} unpacks to {total} bytes; at most {settings.max_unzipped_bytes} "
                "are accepted.",
                "upload a smaller scenario.",
                filename,
            )
        )
    if problems:
        raise UploadRejected(problems, 413 if any("size" in p.rule for p in problems) else 422)
    return archive


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The member's bytes, never more than *limit* whatever its header claims."""
    with archive.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise UploadRejected(
            [
                _problem(
                    "zip-member-size",
                    f"{info.filename} unpacks to more than {limit} bytes "
                    "(more than its header says).",
                    "zip the scenario again with a standard tool.",
                    info.filename,
                )
            ],
            413,
        )
    return data


def extract_scenario_zip(data: bytes, filename: str, dest: Path, settings: Settings) -> Path:
    """Unpack the scenario folder in a zip into *dest*; returns the folder holding scenario.yaml.

    Only ``scenario.yaml`` and ``*.csv`` files of the folder are written; the folder may
    be at the zip's root or inside one top folder.
    """
    archive = check_zip(data, filename, settings)
    infos = [i for i in archive.infolist() if not i.is_dir()]
    headers = [i for i in infos if PurePosixPath(i.filename).name == HEADER_FILE]
    if len(headers) != 1:
        raise UploadRejected(
            [
                _problem(
                    "file-missing" if not headers else "zip-many-scenarios",
                    f"{filename} holds {len(headers)} scenario.yaml files; exactly one is needed.",
                    "zip one scenario folder: scenario.yaml and one CSV per table.",
                    filename,
                )
            ]
        )
    root = PurePosixPath(headers[0].filename).parent
    dest.mkdir(parents=True, exist_ok=True)
    budget = settings.max_unzipped_bytes
    for info in infos:
        path = PurePosixPath(info.filename)
        if path.parent != root or not (path.name == HEADER_FILE or path.suffix.lower() == ".csv"):
            continue
        content = _read_member(archive, info, min(settings.max_member_bytes, budget))
        budget -= len(content)
        (dest / path.name).write_bytes(content)
    return dest


@dataclass
class ReadUpload:
    """An upload read and unpacked: the file, its kind and the path to validate."""

    filename: str
    kind: str
    data: bytes
    source: Path


def unpack(data: bytes, filename: str, work: Path, settings: Settings) -> ReadUpload:
    """Write the upload under *work* and return what to validate (workbook or folder)."""
    kind = check_kind(filename)
    if len(data) > settings.max_upload_bytes:
        raise UploadRejected(
            [
                _problem(
                    "upload-size",
                    f"{filename} is {len(data)} bytes; at most {settings.max_upload_bytes} are "
                    "accepted.",
                    "upload a smaller scenario.",
                    filename,
                )
            ],
            413,
        )
    work.mkdir(parents=True, exist_ok=True)
    if kind == "xlsx":
        check_zip(data, filename, settings)  # an .xlsx is a zip: same bounds before openpyxl
        path = work / filename
        path.write_bytes(data)
        return ReadUpload(filename, kind, data, path)
    folder = extract_scenario_zip(data, filename, work / "unzipped", settings)
    return ReadUpload(filename, kind, data, folder)


def remove(path: Path) -> None:
    """Remove a folder tree, ignoring what is already gone."""
    shutil.rmtree(path, ignore_errors=True)
