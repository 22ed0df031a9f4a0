"""What each kind of uncertain factor moves, its neutral value and its unit.

One row of the scenario's ``uncertainty`` table is one factor; its kind says
what it scales (see ``docs/stress.md``). The neutral value is the one under
which the future is the plan's own (multiplier 1, no slip, everything arrives).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One kind of factor.

    Attributes
    ----------
    name
        The ``kind`` value in the table.
    neutral
        The value that leaves the scenario unchanged.
    unit
        Unit of the drawn value.
    target
        What ``target`` names (empty: the kind takes no target).
    whole
        Values are whole numbers (rounded half up when drawn).
    low, high
        Bounds the drawn values are clipped to (``None``: unbounded).
    phrase
        How a factor of this kind reads in a sentence, with ``{target}``.
    """

    name: str
    neutral: float
    unit: str
    target: str
    whole: bool = False
    low: float | None = 0.0
    high: float | None = None
    phrase: str = ""


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("attrition", 1.0, "x", "equipment class", phrase="attrition of {target} (x plan)"),
        Kind(
            "war_intensity",
            1.0,
            "x",
            "",
            phrase="war intensity (x plan attrition and consumption)",
        ),
        Kind("consumption", 1.0, "x", "munition", phrase="consumption of {target} (x plan)"),
        Kind(
            "pledge_slip",
            0.0,
            "periods",
            "source or source country",
            whole=True,
            phrase="slip of {target} deliveries (periods)",
        ),
        Kind(
            "pledge_partial",
            1.0,
            "share",
            "source or source country",
            high=1.0,
            phrase="share of {target} deliveries that arrives",
        ),
        Kind(
            "pledge_loss",
            0.0,
            "lost",
            "source or source country",
            whole=True,
            high=1.0,
            phrase="{target} deliveries lost (1 = never arrive)",
        ),
        Kind(
            "budget_cut", 0.0, "share", "funding stream", high=1.0, phrase="cut of {target} budget"
        ),
        Kind(
            "line_delay",
            0.0,
            "periods",
            "line",
            whole=True,
            phrase="delay of {target} expansions (periods)",
        ),
        Kind("line_output", 1.0, "x", "line", phrase="base output of {target} (x plan)"),
    )
}
"""Every kind of factor, by name (the ``kind`` column's allowed values)."""

DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "lognormal": ("median", "sigma"),
    "triangular": ("low", "mode", "high"),
    "uniform": ("low", "high"),
    "discrete": ("values",),
    "bernoulli": ("probability", "value"),
}
"""The parameters each distribution needs (``weights`` of discrete is optional)."""


def split_numbers(text: str) -> list[float]:
    """The numbers of a ``|``-separated cell (``ValueError`` when one is not a number).

    Examples
    --------
    >>> split_numbers("0|1| 2")
    [0.0, 1.0, 2.0]
    """
    return [float(part) for part in str(text).split("|") if part.strip() != ""]
