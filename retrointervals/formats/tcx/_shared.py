"""What the TCX writer, schema and reader share: the format's constants and names."""

from __future__ import annotations

import enum
import re
from fractions import Fraction
from typing import TypeVar

from retrointervals.model import (
    Plan,
    StepKind,
    Workout,
)

EXTENSION = ".tcx"
NAMESPACE = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NAMESPACE} http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd"
#: Our own namespace for the plan description in the root ``<Extensions>``.
PLAN_NAMESPACE = "urn:retrointervals:tcx-plan:1"
#: The sports TCX knows. There is no walking: Garmin Connect exports walks as ``Other``.
SPORTS = ("Running", "Biking", "Other")
#: Names (workouts and steps) are TCX ``RestrictedToken_t``: 1 to 15 characters.
MAX_NAME_LENGTH_TCX = 15
#: StepId is 1 to 20 and unique in a workout, repeats included.
MAX_STEP_NODES = 20
MAX_UNSIGNED_SHORT = 65_535
#: The speed target is the belt speed +/- this fraction (5 %); the band's middle is the exact speed.
SPEED_BAND = Fraction(5, 100)
#: The line that starts our section of a workout's notes.
NOTES_MARKER = "-- retrointervals --"

INTENSITY = {
    StepKind.WARMUP: "Active",
    StepKind.ACTIVE: "Active",
    StepKind.COOLDOWN: "Active",
    StepKind.RECOVERY: "Resting",
    StepKind.TRANSITION: "Resting",
}
KIND_OF_INTENSITY = {"active": StepKind.ACTIVE, "resting": StepKind.RECOVERY}
MPS_PLACES = 9
MARKER_LINE = re.compile(rf"^{re.escape(NOTES_MARKER)}$", re.MULTILINE)
NAME_LINE = re.compile(r"^name: (.+)$")
PART_LINE = re.compile(r"^part: (\d{1,3})/(\d{1,3})$")
STEP_LINE = re.compile(r"^step (\d{1,2})( mph)?: (.*)$")

Document = Workout | Plan
Choice = TypeVar("Choice", bound=enum.Enum)
