"""Garmin TCX workouts (TrainingCenterDatabase v2): files valid by construction, lenient reading.

Writing. Every file validates against Garmin's schema (and against our own description of the subset we write,
``validate_written``). A workout is one ``<Workout>``; a plan is one file with every session a ``<Workout>``, dated with
``ScheduledOn`` when the plan has dates, and the plan's weeks described in an extension element of our own
namespace that TCX readers skip. Per step:

- the step name is the direction label (``"BW active"``, see ``steptext``), so the watch shows the direction;
- the duration is ``Time_t`` seconds or ``Distance_t`` metres (both ``unsignedShort``: the model's 6 h and 50 km
  limits are below 65 535);
- the target is a ``CustomSpeedZone_t`` shown as speed: a band of +/- 5 % (``SPEED_BAND``) around the belt speed,
  in metres per second, so its middle is the exact speed;
- the intensity is ``Active`` for warm-up, active and cool-down steps and ``Resting`` for recovery and transition
  steps (TCX has only these two).

Incline, handrails, cues, speeds given in mph, the full workout name and the parts of a split workout have no TCX
field: they travel in the workout ``Notes``, after the description, in a section starting with the line
``-- retrointervals --`` (``step 3: BACKWARD, hold rails, incline 2%. Long steps``). People can read it; our
reader restores everything from it.

TCX limits (``Policy.STRICT`` raises ``FormatLimitError``, ``Policy.LOSSY`` writes the closest valid file and
lists the change): names of at most 15 characters with single spaces, unique in the file (long names are
shortened; the full name stays in the notes); at most 20 step nodes per workout, counting repeats (a longer
workout is split into parts ``"Name 1/2"``, ``"Name 2/2"``, which our reader joins again).

Reading is lenient, as real files need: missing ``xsi:type``, StepId 0, long names, missing ``ViewAs``,
``<Workout>`` fragments, undeclared ``xsi`` prefixes and files whose elements lost their namespace are all read.
Steps without our label read as forward steps whose kind comes from the intensity (``Active`` -> active,
``Resting`` -> recovery) and whose cue is the step name; a speed band reads as the speed in its middle (rounded:
a change). Every change is reported (``decode``); ``Policy.STRICT`` refuses it. A step with no absolute speed (no
target, a heart-rate or cadence target, a predefined zone) needs ``ReadOptions.speed``: a belt speed is never
invented. ``UserInitiated_t`` is a step that ends on the lap button (``Step.until_lap``; its expected time travels
in our notes). ``Biking`` workouts are refused.

Validating. ``validate`` checks a document against our schema of every TCX workout document (folders, heart-rate
and cadence targets, every duration included): a file valid for Garmin is valid here, whether or not it is usable
as a treadmill workout, which is the reader's verdict. Activity and course files are not workout files.

The package follows the layers of the format: ``_shared`` (constants), ``_write``, ``_schema`` (``validate``)
and ``_read``; this module holds the public doors.
"""

from __future__ import annotations

from retrointervals.formats.tcx._read import decode, read, read_bytes
from retrointervals.formats.tcx._schema import validate, validate_written
from retrointervals.formats.tcx._shared import (
    EXTENSION,
    MAX_NAME_LENGTH_TCX,
    MAX_STEP_NODES,
    NAMESPACE,
    NOTES_MARKER,
    PLAN_NAMESPACE,
    SCHEMA_LOCATION,
    SPEED_BAND,
    SPORTS,
    XSI,
)
from retrointervals.formats.tcx._write import write, write_plan, write_workout

__all__ = [
    "EXTENSION",
    "MAX_NAME_LENGTH_TCX",
    "MAX_STEP_NODES",
    "NAMESPACE",
    "NOTES_MARKER",
    "PLAN_NAMESPACE",
    "SCHEMA_LOCATION",
    "SPEED_BAND",
    "SPORTS",
    "XSI",
    "decode",
    "read",
    "read_bytes",
    "validate",
    "validate_written",
    "write",
    "write_plan",
    "write_workout",
]
