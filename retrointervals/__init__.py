"""retrointervals: backward ("retro") and forward treadmill walking intervals.

The public API lives here. Importing the package is light: lxml, fitdecode and hypothesis are imported only by
the modules that need them (``retrointervals.formats.*`` and ``retrointervals.strategies``).
"""

from retrointervals.errors import FormatError, RetroIntervalsError, ValidationError
from retrointervals.model import Direction, Level, Plan, Repeat, Session, Step, StepKind, Week, Weekday, Workout
from retrointervals.timeline import Segment, Totals, expand
from retrointervals.units import Distance, Duration, Incline, Rounding, Speed, SpeedUnit

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
