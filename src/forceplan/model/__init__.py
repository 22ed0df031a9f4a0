"""The planning model: the scenario as a linopy MILP, one module per constraint family.

``build_model(scenario)`` returns a :class:`ModelBundle`; see ``docs/formulation.md``
for every set, parameter, variable, constraint and objective term.
"""

from __future__ import annotations

from forceplan.model.build import FAMILIES, ModelBundle, build_model

__all__ = ["FAMILIES", "ModelBundle", "build_model"]
