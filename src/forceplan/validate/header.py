"""Validate the scenario header (``scenario.yaml`` or the workbook's ``scenario`` sheet)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from forceplan.domain.header import ScenarioHeader
from forceplan.validate.problems import Problem


def _field_help(loc: tuple[Any, ...]) -> str:
    model: Any = ScenarioHeader
    info = None
    for part in loc:
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            break
        info = fields[part]
        model = info.annotation
    return info.description or "" if info is not None else ""


def _model_error_field(msg: str) -> tuple[str, ...]:
    """The setting a model-level error is about: the field its message starts with.

    Model validators (e.g. intensity vs periods) raise without a location; their
    messages start with the setting they are about, which then locates the problem.
    """
    words = msg.removeprefix("Value error, ").split()
    first = words[0] if words else ""
    return (first,) if first in ScenarioHeader.model_fields else ()


def validate_header(
    data: Any, file: str, sheet: str | None = None, lines: dict[str, int] | None = None
) -> tuple[ScenarioHeader | None, list[Problem]]:
    """Validate header data, mapping each pydantic error to a located problem.

    Parameters
    ----------
    data
        The parsed YAML mapping (or the mapping rebuilt from the header sheet).
    file, sheet
        Where the header came from.
    lines
        Dotted key -> line (YAML) or row (sheet) number, for locations.
    """
    lines = lines or {}
    if not isinstance(data, dict):
        return None, [
            Problem(
                "error",
                "header-format",
                "the header is not a mapping of settings (name: ..., start_year: ..., ...).",
                "write scenario.yaml as 'key: value' lines; see docs/scenario-format.md.",
                file=file,
                sheet=sheet,
                row=1,
            )
        ]
    try:
        return ScenarioHeader.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"]) or _model_error_field(str(err["msg"]))
            key = ".".join(str(p) for p in loc if not isinstance(p, int)) or "(header)"
            row = None
            for depth in range(len(loc), 0, -1):
                k = ".".join(str(p) for p in loc[:depth] if not isinstance(p, int))
                if k in lines:
                    row = lines[k]
                    break
            msg = err["msg"]
            if err["type"] == "missing":
                message = f"setting '{key}' is missing."
                fix = f"add '{key}': {_field_help(loc)}"
            elif err["type"] == "extra_forbidden":
                message = f"setting '{key}' is not known."
                fix = "remove it or check its spelling (see docs/scenario-format.md)."
            else:
                message = f"setting '{key}' is invalid: {msg}."
                helptext = _field_help(loc)
                fix = (
                    f"enter a valid value ({helptext[0].lower() + helptext[1:]})"
                    if helptext
                    else "see docs/scenario-format.md."
                )
            problems.append(
                Problem(
                    "error",
                    "header",
                    message,
                    fix,
                    file=file,
                    sheet=sheet,
                    row=row,
                    column=key,
                    # in the header sheet: the setting's name (A) or its value (B)
                    cell=(
                        f"{'A' if err['type'] == 'extra_forbidden' else 'B'}{row}"
                        if sheet is not None and row is not None
                        else None
                    ),
                )
            )
        problems += _intensity_length(data, problems, file, sheet, lines)
        return None, problems


def _intensity_length(
    data: dict[str, Any],
    found: list[Problem],
    file: str,
    sheet: str | None,
    lines: dict[str, int],
) -> list[Problem]:
    """Report an intensity list of the wrong length even when other settings fail.

    pydantic skips model-level checks once a field fails; this keeps every
    problem in one report.
    """
    periods, intensity = data.get("periods"), data.get("intensity")
    if any(p.column in ("intensity", "periods") for p in found) or not isinstance(intensity, list):
        return []
    try:
        n = int(periods)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return []
    if len(intensity) == n:
        return []
    row = lines.get("intensity")
    return [
        Problem(
            "error",
            "header",
            f"setting 'intensity' lists {len(intensity)} value(s) but the horizon has {n} "
            "period(s).",
            "give one of peace, low, medium, high per period.",
            file=file,
            sheet=sheet,
            row=row,
            column="intensity",
            cell=f"B{row}" if sheet is not None and row is not None else None,
        )
    ]
