"""The benchmark workload, identical for every tool: one treadmill walking workout and one generated plan.

- ``build_workout()``: the 20-step workout as a retrointervals ``Workout`` (a ``Repeat`` holds the block).
- ``fit_fields(workout)``: the same workout as plain FIT field values (file_id, workout, 20 workout_step
  messages including the repeat step), which the peer encoders start from. The names, notes and speed bands are
  exactly what retrointervals writes, so every tool encodes the same content; ``run.py`` checks that by decoding
  every tool's output with fitdecode.
- ``build_plan()``: the generated 8-week advanced plan (24 sessions).

The peers start from values computed here once, outside the timed loop, so the step labels, notes and speed bands
cost them nothing while retrointervals computes its own on every write: the comparison favours the peers.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

from retrointervals import Direction, Duration, Plan, Repeat, Speed, Step, StepKind, Workout
from retrointervals.formats import fit
from retrointervals.formats._conventions import step_label, step_note
from retrointervals.formats._fit_profile import FIT_EPOCH_UNIX_S

__all__ = [
    "FitFields",
    "StepFields",
    "build_plan",
    "build_workout",
    "describe",
    "fit_fields",
]

WORKOUT_NAME = "Retro ladder"  # at most 15 characters, so TCX keeps it as it is
WORKOUT_DESCRIPTION = "Forward warm-up, 4 x forward/backward block, backward ladder, cool-down. Direction in the notes."

FORWARD, BACKWARD = Direction.FORWARD, Direction.BACKWARD
BACKWARD_CUE = "Short steps, stay near the front of the belt"

#: Backward minutes of the ladder, with 1 minute forward between them: 7 + 6 = 13 steps.
LADDER_BACKWARD_MINUTES = (1, 2, 3, 4, 3, 2, 1)

# FIT numbers written by every encoder (FIT profile: file workout, manufacturer development, running/treadmill).
FILE_TYPE_WORKOUT = 5
MANUFACTURER_DEVELOPMENT = 255
PRODUCT_ID = fit.PRODUCT_ID
SPORT_RUNNING = 1
SUB_SPORT_TREADMILL = 1
DURATION_TIME = 0
DURATION_REPEAT_UNTIL_STEPS_CMPLT = 6
TARGET_SPEED = 0
TARGET_OPEN = 2
INTENSITIES = {
    StepKind.ACTIVE: 0,
    StepKind.TRANSITION: 1,  # rest, as retrointervals writes a turn-around
    StepKind.WARMUP: 2,
    StepKind.COOLDOWN: 3,
    StepKind.RECOVERY: 4,
}


def _minutes(
    direction: Direction,
    kind: StepKind,
    minutes: int,
    kmh: float,
    *,
    cue: str | None = None,
    hold_handrails: bool = False,
) -> Step:
    return Step(
        direction=direction,
        kind=kind,
        length=Duration.minutes(minutes),
        speed=Speed.kmh(kmh),
        hold_handrails=hold_handrails,
        cue=cue,
    )


def build_workout() -> Workout:
    """The 20-step treadmill walking workout (speed targets on every step, direction in the notes)."""
    block = Repeat(
        4,
        [
            _minutes(FORWARD, StepKind.ACTIVE, 2, 6.0, cue="Brisk"),
            _minutes(FORWARD, StepKind.RECOVERY, 1, 4.5),
            _minutes(BACKWARD, StepKind.ACTIVE, 1, 3.0, cue=BACKWARD_CUE, hold_handrails=True),
            _minutes(FORWARD, StepKind.RECOVERY, 1, 4.5),
        ],
    )
    ladder: list[Step] = []
    for index, minutes in enumerate(LADDER_BACKWARD_MINUTES):
        if index:
            ladder.append(_minutes(FORWARD, StepKind.RECOVERY, 1, 4.5))
        ladder.append(_minutes(BACKWARD, StepKind.ACTIVE, minutes, 3.2, cue=BACKWARD_CUE))
    return Workout(
        WORKOUT_NAME,
        [
            _minutes(FORWARD, StepKind.WARMUP, 5, 4.5, cue="Easy forward walking"),
            block,
            *ladder,
            _minutes(FORWARD, StepKind.COOLDOWN, 5, 4.0, cue="Easy forward walking"),
        ],
        WORKOUT_DESCRIPTION,
    )


def build_plan() -> Plan:
    """The generated 8-week advanced plan (24 sessions) from a comfortable forward speed of 5.0 km/h."""
    from retrointervals.plans import generate_plan  # noqa: PLC0415 - the timed plan benchmark imports it too

    return generate_plan("advanced", Speed.kmh(5.0))


class StepFields(NamedTuple):
    """One workout_step message's values; ``None`` fields are left out (the repeat step has no name or target)."""

    message_index: int
    name: str | None
    duration_type: int
    duration_value: int
    target_type: int
    target_value: int
    low_mm_s: int | None
    high_mm_s: int | None
    intensity: int | None
    notes: str | None


class FitFields(NamedTuple):
    """A whole FIT workout file's values."""

    serial_number: int
    time_created_fit: int  # seconds since the FIT epoch (1989-12-31)
    time_created_unix_ms: int  # what fit-tool takes for a date_time
    name: str
    description: str
    steps: tuple[StepFields, ...]


def _speed_band_mm_s(speed: Speed) -> tuple[int, int]:
    """The custom speed target retrointervals writes: centred on the speed, odd width for mph."""
    centre = math.floor(speed.exact_mps * 1000 + Fraction(1, 2))
    half = min(fit.SPEED_BAND_HALF_WIDTH_MM_S, centre - 1)
    return centre - half, centre + half + (speed.unit.value == "mph")


def fit_fields(workout: Workout) -> FitFields:
    """The FIT field values of ``workout``, as retrointervals writes them."""
    steps: list[StepFields] = []

    def emit(items: tuple[Step | Repeat, ...]) -> None:
        for item in items:
            if isinstance(item, Repeat):
                first = len(steps)
                emit(item.steps)
                steps.append(
                    StepFields(
                        message_index=len(steps),
                        name=None,
                        duration_type=DURATION_REPEAT_UNTIL_STEPS_CMPLT,
                        duration_value=first,
                        target_type=TARGET_OPEN,
                        target_value=item.count,
                        low_mm_s=None,
                        high_mm_s=None,
                        intensity=None,
                        notes=None,
                    )
                )
                continue
            if not isinstance(item.length, Duration):
                raise TypeError("the workload has timed steps only")
            low, high = _speed_band_mm_s(item.speed)
            steps.append(
                StepFields(
                    message_index=len(steps),
                    name=step_label(item),
                    duration_type=DURATION_TIME,
                    duration_value=int(item.length.exact * 1000),
                    target_type=TARGET_SPEED,
                    target_value=0,
                    low_mm_s=low,
                    high_mm_s=high,
                    intensity=INTENSITIES[item.kind],
                    notes=step_note(item),
                )
            )

    emit(workout.steps)
    created = fit.DEFAULT_TIME_CREATED
    fit_time = int(created.timestamp()) - FIT_EPOCH_UNIX_S
    data = fit.write_workout(workout).data
    if fit.read_bytes(data) != workout:
        raise AssertionError("the workload must read back from FIT unchanged before anything is timed")
    return FitFields(
        serial_number=_serial_of(data),  # derived from the content by retrointervals; the peers write the same
        time_created_fit=fit_time,
        time_created_unix_ms=int(created.timestamp() * 1000),
        name=workout.name,
        description=workout.description,
        steps=tuple(steps),
    )


def _serial_of(data: bytes) -> int:
    """file_id.serial_number of a FIT file."""
    import fitdecode  # noqa: PLC0415

    with fitdecode.FitReader(data, processor=None) as reader:
        for frame in reader:
            if frame.frame_type == fitdecode.FIT_FRAME_DATA and frame.name == "file_id":
                value: int = frame.get_value("serial_number")
                return value
    raise AssertionError("no file_id message")


def describe() -> str:
    """One line describing the workload."""
    workout = build_workout()
    return (
        f"workout {workout.name!r}: {len(fit_fields(workout).steps)} FIT workout_step messages "
        f"({len(workout.timeline)} segments walked, {workout.total_time.in_minutes:g} min)"
    )
