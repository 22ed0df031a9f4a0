"""Phase 2: the formation allocation (a MILP built with linopy, solved by HiGHS).

``allocate(scenario, stock)`` assigns the plan's force-level stock to the
scenario's formations in every period; see :mod:`forceplan.allocate.model`.
"""

from __future__ import annotations

from forceplan.allocate.model import (
    Allocation,
    AllocationOptions,
    allocate,
    build_allocation,
    type_churn,
)

__all__ = ["Allocation", "AllocationOptions", "allocate", "build_allocation", "type_churn"]
