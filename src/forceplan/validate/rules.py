"""Cross-table rules: named checks over the typed tables.

Each rule is a function ``rule(ctx) -> list[Problem]``; :data:`RULES` lists them
in the order they run. A rule reports every offending row, never only the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forceplan.domain.header import ScenarioHeader
from forceplan.domain.schema import schemas
from forceplan.validate.columns import ParsedTable, id_key, malformed_id, suggest
from forceplan.validate.problems import Problem, shown


@dataclass
class Context:
    """What the rules see: the header (if valid) and the parsed tables."""

    header: ScenarioHeader | None
    tables: dict[str, ParsedTable]
    header_file: str = "scenario.yaml"
    header_sheet: str | None = None

    def frame(self, name: str) -> pd.DataFrame:
        return self.tables[name].frame

    def problem(
        self,
        table: str,
        index: int | None,
        column: str | None,
        rule: str,
        message: str,
        fix: str,
        severity: str = "error",
    ) -> Problem:
        pt = self.tables[table]
        row = int(pt.row_numbers[index]) if index is not None else None
        return pt.raw.problem(rule, message, fix, row=row, column=column, severity=severity)


Rule = Callable[[Context], list[Problem]]


def references(ctx: Context) -> list[Problem]:
    """Every reference column points to an existing id (schema ``reference``), written exactly.

    A reference that matches an id only when case, Unicode form and invisible
    characters are ignored is reported with the id it should be written as. A
    reference to an id that is itself malformed (reported as ``id-format`` there)
    is not reported again: that id is the root cause.
    """
    problems = []
    for name, schema in schemas().items():
        if name not in ctx.tables:
            continue
        frame = ctx.frame(name)
        for col in schema.columns:
            if not col.references or any(
                t in ctx.tables and c not in ctx.tables[t].raw.header for t, c in col.references
            ):
                continue  # a target column is missing (column-missing): nothing to check against
            known: set[str] = set()
            for t, c in col.references:
                if t in ctx.tables:
                    known |= set(ctx.frame(t)[c].astype(str))
            by_key: dict[str, str] = {}
            for k in sorted(known):
                by_key.setdefault(id_key(k), k)
            values = frame[col.name].astype(str)
            bad = ((values != "") & ~values.isin(known)).to_numpy()
            targets = " or ".join(f"{t}.{c}" for t, c in col.references)
            hints: dict[str, str] = {}  # one 'did you mean' search per distinct value
            for i in np.flatnonzero(bad):
                v = values.iloc[i]
                meant = by_key.get(id_key(v))
                if meant is not None and malformed_id(meant) and not malformed_id(v):
                    continue  # the id itself is reported (id-format); this follows from it
                if meant is not None:
                    fix = f"write it exactly as '{shown(meant)}'."
                else:
                    fix = (
                        f"use an id that exists in {targets}, or add a row for '{shown(v)}' there."
                    )
                problems.append(
                    ctx.problem(
                        name,
                        int(i),
                        col.name,
                        "unknown-reference",
                        f"'{shown(v)}' is not a known id of {targets}."
                        + _hint(hints, v, known, by_key),
                        fix,
                    )
                )
    return problems


MAX_HINTS = 1000
"""Distinct unknown values per column given a 'did you mean' search (a flood needs none)."""


def _hint(hints: dict[str, str], value: str, known: set[str], keys: dict[str, str]) -> str:
    if value not in hints:
        hints[value] = suggest(value, known, keys) if len(hints) < MAX_HINTS else ""
    return hints[value]


def lead_times_within_horizon(ctx: Context) -> list[Problem]:
    """Lead times shorter than the horizon (else nothing ordered could ever arrive)."""
    if ctx.header is None:
        return []
    n = ctx.header.periods
    problems = []
    for table, col in (
        ("sources", "lead_time"),
        ("upgrades", "lead_time"),
        ("lines", "expansion_lead_time"),
    ):
        frame = ctx.frame(table)
        vals = pd.to_numeric(frame[col], errors="coerce")
        for i in np.flatnonzero((vals >= n).to_numpy(dtype=bool)):
            problems.append(
                ctx.problem(
                    table,
                    int(i),
                    col,
                    "lead-time-beyond-horizon",
                    f"lead time {int(vals.iloc[i])} period(s) is not shorter than the horizon "
                    f"({n} periods): nothing ordered could arrive within it.",
                    f"enter a lead time below {n} periods or lengthen the horizon.",
                )
            )
    return problems


def period_ranges(ctx: Context) -> list[Problem]:
    """first_period is not after last_period."""
    problems = []
    for table in ("sources", "training"):
        frame = ctx.frame(table)
        bad = (frame["first_period"] > frame["last_period"]).fillna(False).to_numpy(dtype=bool)
        for i in np.flatnonzero(bad):
            problems.append(
                ctx.problem(
                    table,
                    int(i),
                    "last_period",
                    "period-order",
                    f"last_period {frame['last_period'].iloc[i]} is before first_period "
                    f"{frame['first_period'].iloc[i]}.",
                    "swap the two periods or correct one of them.",
                )
            )
    return problems


def units_consistent(ctx: Context) -> list[Problem]:
    """Quantities of an item are stated in the item's unit everywhere."""
    units = dict(
        zip(ctx.frame("equipment")["id"], ["units"] * len(ctx.frame("equipment")), strict=True)
    )
    units.update(zip(ctx.frame("munitions")["id"], ctx.frame("munitions")["unit"], strict=True))
    for clash in set(ctx.frame("equipment")["id"]) & set(ctx.frame("munitions")["id"]):
        del units[clash]  # ambiguous id: reported by items_unique_across_tables
    problems = []
    for table, item_col in (("sources", "item"), ("lines", "product"), ("donors", "item")):
        frame = ctx.frame(table)
        expected = frame[item_col].map(units)
        bad = (expected.notna() & (frame["unit"] != expected)).to_numpy(dtype=bool)
        for i in np.flatnonzero(bad):
            problems.append(
                ctx.problem(
                    table,
                    int(i),
                    "unit",
                    "inconsistent-units",
                    f"quantities of '{frame[item_col].iloc[i]}' are in {expected.iloc[i]} "
                    f"(set in {'munitions' if expected.iloc[i] != 'units' else 'equipment'}) but "
                    f"this row states {frame['unit'].iloc[i]}.",
                    f"convert the row's quantities to {expected.iloc[i]} and set unit to "
                    f"'{expected.iloc[i]}'.",
                )
            )
    return problems


def munitions_supplied(ctx: Context) -> list[Problem]:
    """Every munition some equipment fires has at least one supply (line, source or donor)."""
    em = ctx.frame("equipment_munitions")
    use_cols = [c for c in em.columns if c.startswith("use_")]
    known = em["munition"].isin(ctx.frame("munitions")["id"])  # unknown ids: see references
    used = em.loc[(em[use_cols].fillna(0).sum(axis=1) > 0) & known]
    supplied = (
        set(ctx.frame("lines")["product"])
        | set(ctx.frame("sources")["item"])
        | set(ctx.frame("donors")["item"])
    )
    problems = []
    reported: set[str] = set()
    for i, mun in zip(used.index, used["munition"], strict=True):
        if mun in supplied or mun in reported or mun == "":
            continue
        reported.add(mun)
        problems.append(
            ctx.problem(
                "equipment_munitions",
                int(i),
                "munition",
                "munition-unsupplied",
                f"munition '{mun}' is consumed by '{used.loc[i, 'equipment']}' but no production "
                "line, source or donor supplies it: its stock could only fall.",
                f"add a line (lines.product), a source (sources.item) or a donor stockpile "
                f"(donors.item) for '{mun}', or set its consumption to 0.",
            )
        )
    return problems


def slot_roles_fillable(ctx: Context) -> list[Problem]:
    """Every formation slot and capability floor names a role some equipment type fills."""
    roles = set(ctx.frame("equipment")["role"])
    problems = []
    slots = ctx.frame("formation_slots")
    for i in np.flatnonzero(~slots["role"].isin(roles).to_numpy(dtype=bool)):
        r = slots["role"].iloc[i]
        problems.append(
            ctx.problem(
                "formation_slots",
                int(i),
                "role",
                "role-unfillable",
                f"no equipment type fills role '{r}', so these slots can never be filled."
                + suggest(r, roles),
                f"use one of the roles in equipment.role ({', '.join(sorted(roles)[:12])}) or "
                f"add an equipment type with role '{r}'.",
            )
        )
    req = ctx.frame("requirements")
    cap = (req["kind"] == "capability").to_numpy(dtype=bool)
    for i in np.flatnonzero(cap & ~req["role"].isin(roles).to_numpy(dtype=bool)):
        r = req["role"].iloc[i]
        problems.append(
            ctx.problem(
                "requirements",
                int(i),
                "role",
                "role-unfillable" if r else "value-missing",
                (f"no equipment type fills role '{r}'." + suggest(r, roles))
                if r
                else "a capability requirement needs a role.",
                "use a role from equipment.role.",
            )
        )
    interop = (req["kind"] == "interoperability").to_numpy(dtype=bool)
    for i in np.flatnonzero(interop & (req["role"] != "").to_numpy(dtype=bool)):
        problems.append(
            ctx.problem(
                "requirements",
                int(i),
                "role",
                "role-not-applicable",
                "an interoperability target is force-wide and takes no role.",
                "leave role empty on interoperability rows.",
            )
        )
    for i in np.flatnonzero(interop & (req["minimum"] > 1).to_numpy(dtype=bool)):
        problems.append(
            ctx.problem(
                "requirements",
                int(i),
                "minimum",
                "fraction-range",
                f"interoperability target {req['minimum'].iloc[i]:g} is above 1.",
                "enter the target index as a fraction between 0 and 1 (e.g. 0.6).",
            )
        )
    return problems


def donor_sources_have_stock(ctx: Context) -> list[Problem]:
    """A donation source draws on a donor stockpile of the same country and item."""
    src = ctx.frame("sources")
    don = ctx.frame("donors")
    have = set(zip(don["country"], don["item"], strict=True))
    problems = []
    donor_rows = np.flatnonzero((src["kind"] == "donor").to_numpy(dtype=bool))
    for i in donor_rows:
        key = (src["country"].iloc[i], src["item"].iloc[i])
        if key not in have:
            problems.append(
                ctx.problem(
                    "sources",
                    int(i),
                    "country",
                    "donor-without-stock",
                    f"donation source '{src['id'].iloc[i]}' draws on {key[0]}'s stock of "
                    f"'{key[1]}', but donors has no such stockpile.",
                    f"add a row to donors for country {key[0]} and item {key[1]}, or make the "
                    "source kind 'market'.",
                )
            )
    return problems


def upgrades_change_type(ctx: Context) -> list[Problem]:
    """An upgrade turns a type into a different type."""
    up = ctx.frame("upgrades")
    same = ((up["from_equipment"] == up["to_equipment"]) & (up["from_equipment"] != "")).to_numpy(
        dtype=bool
    )
    return [
        ctx.problem(
            "upgrades",
            int(i),
            "to_equipment",
            "upgrade-same-type",
            f"upgrade '{up['id'].iloc[i]}' turns '{up['from_equipment'].iloc[i]}' into itself.",
            "set to_equipment to the upgraded type (add it to equipment if needed).",
        )
        for i in np.flatnonzero(same)
    ]


def items_unique_across_tables(ctx: Context) -> list[Problem]:
    """Equipment and munition ids do not collide (items are referenced by id alone)."""
    eq = set(ctx.frame("equipment")["id"])
    mu = ctx.frame("munitions")
    clash = mu["id"].isin(eq).to_numpy(dtype=bool)
    return [
        ctx.problem(
            "munitions",
            int(i),
            "id",
            "duplicate-id",
            f"'{mu['id'].iloc[i]}' is both an equipment id and a munition id.",
            "rename one of them: sources, lines and donors refer to items by id alone.",
        )
        for i in np.flatnonzero(clash)
    ]


def budget_streams(ctx: Context) -> list[Problem]:
    """Every funding stream has at least one allowed use (else its money is unusable)."""
    b = ctx.frame("budgets")
    used = set(ctx.frame("budget_uses")["stream"])
    problems = []
    seen: set[str] = set()
    for i, s in enumerate(b["stream"]):
        if s in used or s in seen or s == "":
            continue
        seen.add(s)
        problems.append(
            ctx.problem(
                "budgets",
                i,
                "stream",
                "stream-without-use",
                f"funding stream '{s}' has no allowed use in budget_uses, so none of it can be "
                "spent.",
                f"add rows to budget_uses for stream '{s}' (e.g. use 'acquisition').",
                severity="warning",
            )
        )
    return problems


def attrition_complete(ctx: Context) -> list[Problem]:
    """Warn when a class in service has no attrition rate for an intensity the header uses."""
    if ctx.header is None:
        return []
    att = ctx.frame("attrition")
    have = set(zip(att["class"], att["intensity"], strict=True))
    classes = sorted(set(ctx.frame("equipment")["class"]) - {""})
    used = sorted(set(ctx.header.intensity) - {"peace"})
    missing = [(c, i) for c in classes for i in used if (c, i) not in have]
    if not missing or not len(att):
        return []
    listing = ", ".join(f"{c}/{i}" for c, i in missing[:10])
    return [
        Problem(
            "warning",
            "attrition-missing",
            f"no attrition rate for {len(missing)} class/intensity pair(s) in use ({listing}"
            + (", ..." if len(missing) > 10 else "")
            + "): they are taken as 0 losses.",
            "add rows to attrition for these pairs.",
            file=ctx.tables["attrition"].raw.file,
            sheet=ctx.tables["attrition"].raw.sheet,
        )
    ]


def domain_weights_known(ctx: Context) -> list[Problem]:
    """Header domain weights name domains that exist in the standards schema."""
    if ctx.header is None:
        return []
    allowed = set(schemas()["standards"].column("domain").allowed)
    unknown = sorted(set(ctx.header.interoperability.domain_weights) - allowed)
    return [
        Problem(
            "error",
            "header",
            f"interoperability.domain_weights names unknown domain '{d}'." + suggest(d, allowed),
            f"use domains from: {', '.join(sorted(allowed))}.",
            file=ctx.header_file,
            sheet=ctx.header_sheet,
            column=f"interoperability.domain_weights.{d}",
        )
        for d in unknown
    ]


RULES: list[Rule] = [
    references,
    items_unique_across_tables,
    lead_times_within_horizon,
    period_ranges,
    units_consistent,
    munitions_supplied,
    slot_roles_fillable,
    donor_sources_have_stock,
    upgrades_change_type,
    budget_streams,
    attrition_complete,
    domain_weights_known,
]
"""The cross-table rules, in the order they run."""
