"""The scenario header (``scenario.yaml``), validated with pydantic."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from forceplan.domain.schema import INTENSITIES

Intensity = Literal["peace", "low", "medium", "high"]

DEFAULT_DOMAIN_WEIGHTS: dict[str, float] = {
    "ammunition": 0.30,
    "c2-radio": 0.20,
    "datalink": 0.20,
    "iff": 0.15,
    "fuel": 0.10,
    "uas-control": 0.05,
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)


class ObjectiveSettings(_Strict):
    """How the planner trades shortfalls, interoperability and cost."""

    mode: Literal["lexicographic", "weighted"] = Field(
        "lexicographic",
        description="lexicographic: shortfalls first, then cost less the risk margin; "
        "weighted: one weighted sum.",
    )
    shortfall_weight: float = Field(
        1.0e6,
        ge=0,
        description="Weight (USD million equivalent) of one normalised shortfall unit: one "
        "requirement missed in full for one period (weighted mode).",
    )
    interoperability_weight: float = Field(
        0.0,
        ge=0,
        description="Weight (USD million equivalent) of the interoperability trajectory: "
        "interoperable capability summed over periods, over the opening force's capability "
        "times the number of periods (1 = as much as the whole opening force, fully "
        "interoperable, every period) (weighted mode only; 0 by default: interoperability "
        "is a target trajectory, a requirement, not a quantity to maximise).",
    )
    cost_weight: float = Field(1.0, ge=0, description="Weight per USD million spent.")
    max_types_per_class: int | None = Field(
        None, ge=1, description="Most distinct equipment types in service per class and period."
    )
    type_penalty: float = Field(
        0.0, ge=0, description="Penalty (USD million equivalent) per type in service per period."
    )
    risk_margin_value: float = Field(
        0.0,
        ge=0,
        description="Value (USD million per combat-value point and period) of capability above "
        "a role's floor in periods at war (intensity other than peace), up to "
        "risk_margin_cap x the floor: the risk margin credited in the cost stage, so that "
        "serviceable kit is not stored or scrapped only to save upkeep.",
    )
    risk_margin_cap: float = Field(
        0.25,
        ge=0,
        description="Share of a floor above it that counts as risk margin (0.25: up to 25% above).",
    )
    munition_reserve: float = Field(
        0.25,
        ge=0,
        description="War reserve held at the end of every period in which a munition is consumed, "
        "as a share of that period's consumption, for munitions without a munition_reserve "
        "requirement in that period (soft; a shortfall is reported).",
    )
    munition_reserve_weight: float = Field(
        0.1,
        ge=0,
        description="Weight of a war-reserve shortfall against a floor missed by the same share "
        "(0.1: a reserve missed in full weighs like 10% of a floor missed).",
    )


class InteroperabilitySettings(_Strict):
    """How a type's interoperability score is computed from its standards."""

    domain_weights: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_DOMAIN_WEIGHTS),
        description="Weight of each standards domain in the per-type score.",
    )

    @field_validator("domain_weights")
    @classmethod
    def _weights_positive(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [k for k, w in v.items() if w < 0]
        if bad:
            raise ValueError(f"domain weights must be >= 0; negative for {', '.join(bad)}")
        if v and sum(v.values()) <= 0:
            raise ValueError("domain weights must not all be zero")
        return v


PRESOLVE_RULE_OFF = (1 << 5) | (1 << 7)
"""HiGHS presolve rules off by default: dominated columns (5) and forcing columns (7)."""


class SolverSettings(_Strict):
    """Solver options; command-line flags override them."""

    name: str = Field("highs", description="Solver linopy should use.")
    time_limit: float = Field(
        600.0,
        gt=0,
        description=(
            "Wall-clock time limit in seconds for the whole solve: every stage, and first "
            "the plan without new action that the solver starts from, so that a limit "
            "reached in the first stage still returns a plan (status time_limit, with its gap)."
        ),
    )
    gap: float = Field(0.01, ge=0, le=1, description="Relative MIP gap at which to stop.")
    threads: int | None = Field(None, ge=1, description="Solver threads (empty: solver default).")
    presolve: Literal["off", "on"] = Field(
        "on",
        description="HiGHS presolve of the plan's MILP, with the rules of "
        "solver.presolve_rule_off switched off. HiGHS 1.16's full MIP presolve returned worse "
        "plans as proven optima on these models (a generated 300-type scenario: shortfall "
        "0.030 'optimal' where 0 is reachable; the notional plan with its first-year decisions "
        "held: 0.411 against the plan's 0.284). Without those rules it is right there too, and "
        "faster than off: the notional plan solves in 1.7 s (2.6 s off), the 300-type one in "
        "20 s (25 s off); a 1,000-type model shrinks from 319,000 to 89,000 rows.",
    )
    presolve_rule_off: int = Field(
        PRESOLVE_RULE_OFF,
        ge=0,
        description="HiGHS presolve rules switched off (HiGHS's presolve_rule_off bit mask). "
        "Default 160 = dominated columns (bit 5) and forcing columns (bit 7): with either off "
        "HiGHS finds the right optimum in each of the three cases where full presolve did not.",
    )
    allocation_gap: float = Field(
        0.01,
        ge=0,
        le=1,
        description="Relative MIP gap at which each period's formation allocation stops.",
    )
    allocation_max_nodes: int | None = Field(
        0,
        ge=0,
        description="Most branch-and-bound nodes per period of the formation allocation (a "
        "deterministic bound on its work; 0: no search, the LP-rounded assignment with its gap "
        "against the LP bound; empty: no limit, stop on allocation_gap only).",
    )
    allocation_time_limit: float | None = Field(
        None,
        gt=0,
        description="Optional seconds per period of the formation allocation (empty: stop on "
        "the gap only); when it ends the search early the LP-rounded assignment is kept.",
    )
    stage_hold: float = Field(
        1e-9,
        ge=0,
        le=0.1,
        description="Relative allowance on the bound that holds an earlier lexicographic "
        "stage's optimum in the later stages (0 = exact; larger = faster, trades a little of "
        "the earlier goal for the later one).",
    )
    pricing_time_limit: float = Field(
        120.0,
        gt=0,
        description="Most seconds of each stage's LP in pricing what binds (the plan's model "
        "with its integer decisions fixed, solved from scratch: 0.5 s on the notional "
        "scenario). When the first stage's reaches it, plan/binding.csv is left out and the "
        "run's message says so; the plan is written all the same.",
    )
    max_probes: int = Field(
        200,
        ge=0,
        description="Most pricing re-solves per stage for what binds (ranked by the LP dual).",
    )
    probe_iterations: int = Field(
        5000,
        ge=1,
        description="Most simplex iterations of one pricing or verification re-solve (a "
        "deterministic bound: on the notional scenario a warm-started re-solve takes at most "
        "about 110; one that reaches the bound is reported as not measured).",
    )
    probe_time_limit: float = Field(
        5.0,
        gt=0,
        description="Most seconds of one pricing or verification re-solve (a safety net: "
        "HiGHS's dual simplex can stall without counting iterations at the pricing LPs' tight "
        "tolerances; a re-solve that reaches it is reported as not measured).",
    )
    max_remedies: int = Field(
        10,
        ge=0,
        description="Most shortfalls that get remedies (plan/remedies.csv), the largest first "
        "(by share of their requirement); each costs four to five LP re-solves, and its "
        "alternative (the fewest whole units of one kind) up to 19 more. The others are listed "
        "as not computed.",
    )
    remedy_time_limit: float = Field(
        30.0,
        gt=0,
        description="Most seconds of one re-solve of the remedies (plan/remedies.csv: the "
        "elastic LP of what closes each shortfall); one that reaches it gives no remedy and says "
        "so.",
    )
    verify_top: int = Field(
        5,
        ge=0,
        description="What-binds figures per stage verified by re-solving the stages with the "
        "limit moved (the rest are listed as not verified).",
    )


class AllocationSettings(_Strict):
    """The phase-2 formation allocation: homogeneity and stability of formations."""

    type_penalty: float = Field(
        1.0, ge=0, description="Penalty per type a formation holds in a period (score units)."
    )
    family_penalty: float = Field(
        1.0, ge=0, description="Penalty per logistics family a formation holds in a period."
    )
    max_types_per_role: int | None = Field(
        None, ge=1, description="Most distinct types per role in a formation (empty: no limit)."
    )
    conversion_penalty: float = Field(
        10.0,
        ge=0,
        description="Penalty per conversion (a formation's role taking on a type it did not "
        "hold the period before), on top of the role's time out of line for training.",
    )
    max_conversions_per_period: int | None = Field(
        None,
        ge=0,
        description="Most conversions over all formations in one period (empty: no limit).",
    )


class ReplanSettings(_Strict):
    """Rolling re-planning (``forceplan replan``): what changing an announced decision costs."""

    persistence_penalty: float = Field(
        0.1,
        ge=0,
        description="Share of an item's value charged per unit by which a re-plan changes a "
        "decision announced in the commitments table (orders and production at the item's "
        "unit cost, expansions at their cost, upgrades at their unit cost, retirements and "
        "reserve moves at the type's unit cost); 0: re-plans change freely.",
    )


class ScenarioHeader(_Strict):
    """The scenario header: name, horizon, war intensity and settings.

    Examples
    --------
    >>> h = ScenarioHeader(name="x", start_year=2026, periods=3, intensity=["high"] * 3)
    >>> h.period_labels
    [2026, 2027, 2028]
    """

    name: str = Field(..., min_length=1, description="Scenario name.")
    description: str = Field("", description="What the scenario represents.")
    notional: bool = Field(
        True, description="True when the data are notional (every report then says so)."
    )
    start_year: int = Field(..., ge=1900, le=2200, description="Calendar year of the first period.")
    periods: int = Field(..., ge=1, le=200, description="Number of periods in the horizon.")
    period_length: int = Field(1, ge=1, le=10, description="Length of a period in years.")
    currency: str = Field("USD million", description="Unit of every money figure.")
    country: str = Field(
        "",
        description="The scenario's own country, spelt as in lines.country: its lines are the "
        "home industry that domestic_share and domestic_capacity requirements ask for.",
    )
    intensity: list[Intensity] = Field(
        ..., description="War intensity per period (peace, low, medium, high), one per period."
    )
    objective: ObjectiveSettings = Field(default_factory=ObjectiveSettings)  # type: ignore[arg-type]
    interoperability: InteroperabilitySettings = Field(default_factory=InteroperabilitySettings)
    solver: SolverSettings = Field(default_factory=SolverSettings)  # type: ignore[arg-type]
    allocation: AllocationSettings = Field(default_factory=AllocationSettings)  # type: ignore[arg-type]
    replan: ReplanSettings = Field(default_factory=ReplanSettings)  # type: ignore[arg-type]

    @model_validator(mode="after")
    def _intensity_per_period(self) -> ScenarioHeader:
        if len(self.intensity) != self.periods:
            raise ValueError(
                f"intensity lists {len(self.intensity)} value(s) but the horizon has "
                f"{self.periods} period(s); give one of {', '.join(INTENSITIES)} per period"
            )
        return self

    @property
    def period_labels(self) -> list[int]:
        """Label of each period: the calendar year it starts in."""
        return [self.start_year + i * self.period_length for i in range(self.periods)]

    @property
    def end_year(self) -> int:
        """Label of the last period."""
        return self.period_labels[-1]
