"""Which equipment counts as a unit in a briefing: major platforms, consumables, and the rest.

Unit counts mislead when millions of FPV drones and radios sit next to a few
hundred tanks: a "share of units" is then a share of drones. The report, the
slide deck and the comparison therefore count units only for *major platforms*
and weigh everything else by combat value.

The decision is made here, in one place (:func:`is_consumable` and
:func:`is_major_platform`). When the scenario's equipment table carries an
explicit ``consumable`` column (yes/true/1) it is used; until then the class
decides: :data:`CONSUMABLE_CLASSES` are consumable or divisible (counted by the
thousand, bought like ammunition), :data:`MINOR_CLASSES` are whole units that
are not combat platforms.
"""

from __future__ import annotations

import pandas as pd

CONSUMABLE_CLASSES = frozenset({"radio", "uas"})
"""Equipment classes counted in thousands and bought like consumables (FPV drones, radios)."""

MINOR_CLASSES = frozenset({"support"})
"""Whole-unit classes that are not major platforms (trucks, recovery vehicles)."""

TRUE_WORDS = frozenset({"yes", "true", "1", "y", "x"})
"""Spellings of yes in an explicit ``consumable`` column."""


def is_consumable(equipment: pd.DataFrame) -> pd.Series:
    """Whether each equipment type is a consumable or divisible item (not counted as units).

    Parameters
    ----------
    equipment
        The scenario's equipment table (``id``, ``class``; optional ``consumable``).

    Returns
    -------
    pandas.Series of bool
        Aligned with *equipment*.

    Examples
    --------
    >>> eq = pd.DataFrame({"id": ["t-72", "fpv", "prc-152"], "class": ["tank", "uas", "radio"]})
    >>> is_consumable(eq).tolist()
    [False, True, True]
    >>> is_consumable(eq.assign(consumable=["", "no", "yes"])).tolist()
    [False, False, True]
    """
    if "consumable" in equipment:
        flag = equipment["consumable"]
        if flag.dtype == bool:
            return flag.astype(bool)
        return flag.fillna("").astype(str).str.strip().str.lower().isin(TRUE_WORDS)
    return equipment["class"].astype(str).isin(CONSUMABLE_CLASSES)


def is_major_platform(equipment: pd.DataFrame) -> pd.Series:
    """Whether each equipment type is a major platform (counted by the unit in briefings).

    Everything but consumables (:func:`is_consumable`) and :data:`MINOR_CLASSES`.

    Examples
    --------
    >>> eq = pd.DataFrame({"id": ["t-72", "fpv", "kraz"], "class": ["tank", "uas", "support"]})
    >>> is_major_platform(eq).tolist()
    [True, False, False]
    """
    return ~is_consumable(equipment) & ~equipment["class"].astype(str).isin(MINOR_CLASSES)


def consumable_roles(equipment: pd.DataFrame) -> set[str]:
    """Roles filled only by consumable types (e.g. ``c2`` by radios, ``isr-strike`` by drones)."""
    if equipment.empty:
        return set()
    frame = pd.DataFrame({"role": equipment["role"].astype(str), "c": is_consumable(equipment)})
    every = frame.groupby("role")["c"].all()
    return {str(r) for r in every[every].index}
