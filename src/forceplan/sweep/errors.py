"""The sweep's error."""

from __future__ import annotations

from forceplan.exceptions import ForceplanError


class SweepError(ForceplanError):
    """A sweep could not start or continue (scheduler, sweep folder): says why and the fix."""
