"""Training: a crew pipeline per equipment class.

Types of a class that has a pipeline and whose ``training_weeks`` > 0 need a trained
crew for every unit in service. Each type has a crew pool: the opening units' crews,
plus crews trained, less the crews of units lost (replacement crews are trained like
new ones), plus the crews that come with units upgraded into the type and less those
that leave with units upgraded out of it (an upgrade path with ``crew_conversion`` yes
brings its units back without a crew: they need crews trained for the new type).
Crews are trained ahead of delivery: a crew whose training takes k whole periods
(k = floor(training_weeks / (52 L))) occupies its pipeline from k periods before it is
ready (crews ready before the horizon ends that would have started before it do not
exist). A unit in service without a crew waits: it counts in the stock but not for
capability or formation slots.

Variables
    ``training-crews[equipment, period]`` >= 0: crews of the type ready in the period
    (trained; started k periods earlier);
    ``training-pool[equipment, period]`` >= 0: crews of the type at the end of the period;
    ``training-waiting[equipment, period]`` >= 0: units in service without a crew.
Constraints
    ``training-capacity[class, period]``: sum over the class's training types of crews
    ready in t + k (started in t) <= sum of the capacities of the class's pipelines active
    in t;
    ``training-pool[equipment, period]``: pool[t] = pool[t-1] + crews[t] - losses[t]
    + upgrade_in_crewed[t] - upgrade_out[t], pool[-1] = the opening serviceable stock s0;
    ``training-crewed[equipment, period]``: stock-level - waiting - pool <= 0.
Flows registered
    ``training`` (class, period): crews started; ``capability`` (role, period):
    - combat_value x waiting; ``role_units`` (role, period): - waiting.
Objective
    ``handling`` (cost stage only): 1e-6 per unit waiting and period, so that of two
    equally good plans the one that trains crews in time is chosen.
"""

from __future__ import annotations

import numpy as np

from forceplan.model.build import ModelBundle
from forceplan.model.reserve import HANDLING
from forceplan.model.terms import Terms, grid, labels_of


def crew_lead(b: ModelBundle) -> np.ndarray:
    """Whole periods of training per type: floor(training_weeks / (52 x L))."""
    d = b.data
    weeks = d.eq["training_weeks"].to_numpy(dtype=float)
    return np.floor(weeks / (52.0 * d.period_length) + 1e-9).astype(np.int64)


def _converting(b: ModelBundle) -> np.ndarray:
    """Per upgrade path: whether units return without a crew (``crew_conversion`` yes)."""
    up = b.data.up
    if "crew_conversion" not in up.columns:
        return np.zeros(len(up), dtype=bool)
    text = up["crew_conversion"].fillna("").astype(str).str.strip().str.lower()
    return np.asarray(text.isin(["yes", "true", "1"]).to_numpy(), dtype=bool)


def add(b: ModelBundle) -> None:
    """Add the training family to *b*."""
    d = b.data
    if not len(d.train_classes) or "stock-level" not in b.model.variables:
        return
    E, T = len(d.equipment), d.T
    train_pos = d.eq["train_pos"].to_numpy()
    trains = np.asarray(train_pos >= 0, dtype=bool)
    if not trains.any():
        return
    coords = (d.equipment, d.periods)
    e, t = grid(E, T)
    lead = crew_lead(b)
    rows = np.broadcast_to(trains[:, None], (E, T))
    ready = rows & (t >= lead[:, None])  # a crew ready in t started in t - lead >= 0
    crews = b.variables("training-crews", coords, mask=ready)
    pool = b.variables("training-pool", coords, mask=rows)
    waiting = b.variables("training-waiting", coords, mask=rows)
    cl, pl, wl = labels_of(crews), labels_of(pool), labels_of(waiting)

    # pipeline capacity: crews occupy their class's pipeline from their start period
    started = Terms(d.train_classes, d.periods).add(
        (np.broadcast_to(train_pos[:, None], (E, T)), t - lead[:, None]), cl
    )
    b.flow("training", d.train_classes, d.periods).extend(started)
    b.constraints("training-capacity", started, "<=", d.train_capacity)

    # the crew pool: opening crews, trained, lost with their units, moved by upgrades
    balance = Terms(*coords).add((e, t), pl).add((e, t + 1), pl, -1.0).add((e, t), cl, -1.0)
    balance.extend(b.flow("losses", *coords))
    balance.extend(b.flow("upgrade_out", *coords), 1.0)
    if len(d.upgrades) and "upgrade-start" in b.model.variables:
        up = d.up
        lab = labels_of(b.model.variables["upgrade-start"])
        _, ut = grid(len(d.upgrades), T)
        keeps = np.where(_converting(b), 0.0, 1.0)[:, None]
        balance.add(
            (up["to_pos"].to_numpy()[:, None], ut + up["lead"].to_numpy()[:, None]), lab, -keeps
        )
    opening = np.zeros((E, T))
    opening[:, 0] = d.s0
    b.constraints("training-pool", balance, "=", opening, mask=rows)

    lv = labels_of(b.model.variables["stock-level"])
    crewed = Terms(*coords).add((e, t), lv).add((e, t), wl, -1.0).add((e, t), pl, -1.0)
    b.constraints("training-crewed", crewed, "<=", 0.0, mask=rows)

    # units without a crew count for neither capability nor formation slots
    value = d.eq["combat_value"].to_numpy(dtype=float)[:, None]
    role = d.eq["role_pos"].to_numpy()[:, None]
    b.flow("capability", d.roles, d.periods).add((role, t), wl, -value)
    b.flow("role_units", d.roles, d.periods).add((role, t), wl, -1.0)
    b.flow("uncrewed", *coords).add((e, t), wl)
    b.objective_part("handling").add((), wl, HANDLING)
