"""retrointervals: backward ("retro") and forward treadmill walking intervals.

The public API lives here. Importing the package is light: lxml, fitdecode and hypothesis are imported only by
the modules that need them (``retrointervals.formats.*`` and ``retrointervals.strategies``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrointervals.errors import FormatError, RetroIntervalsError, ValidationError
    from retrointervals.model import Direction, Level, Plan, Repeat, Session, Step, StepKind, Week, Weekday, Workout
    from retrointervals.timeline import Segment, Totals, expand
    from retrointervals.units import Distance, Duration, Incline, Rounding, Speed, SpeedUnit

# Public names, imported from their modules on first use (PEP 562): `import retrointervals` and
# `retrointervals --help` then cost almost nothing; `from retrointervals import Workout` costs what it uses.
_HOMES = {
    **dict.fromkeys(("FormatError", "RetroIntervalsError", "ValidationError"), "retrointervals.errors"),
    **dict.fromkeys(
        ("Direction", "Level", "Plan", "Repeat", "Session", "Step", "StepKind", "Week", "Weekday", "Workout"),
        "retrointervals.model",
    ),
    **dict.fromkeys(("Segment", "Totals", "expand"), "retrointervals.timeline"),
    **dict.fromkeys(("Distance", "Duration", "Incline", "Rounding", "Speed", "SpeedUnit"), "retrointervals.units"),
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'retrointervals' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

__all__ = [
    "Direction",
    "Distance",
    "Duration",
    "FormatError",
    "Incline",
    "Level",
    "Plan",
    "Repeat",
    "RetroIntervalsError",
    "Rounding",
    "Segment",
    "Session",
    "Speed",
    "SpeedUnit",
    "Step",
    "StepKind",
    "Totals",
    "ValidationError",
    "Week",
    "Weekday",
    "Workout",
    "__version__",
    "expand",
]
