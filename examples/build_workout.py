"""Build a backward-walking interval workout in Python and export it to every format.

Run: python examples/build_workout.py [FOLDER]
Without FOLDER it prints the workout as retrointervals JSON; with one, it writes the workout there as JSON, TCX
(Garmin), FIT (watches), ZWO (Zwift, qdomyos-zwift) and a qdomyos-zwift treadmill program.
"""

from __future__ import annotations

import sys
from pathlib import Path

from retrointervals import Direction, Duration, Repeat, Speed, Step, StepKind, Workout
from retrointervals.formats import FORMATS, Policy, native, write

FORWARD, BACKWARD = Direction.FORWARD, Direction.BACKWARD


def build() -> Workout:
    """A 30-minute beginner session: 5 forward, 4 x (turn, 1:30 backward, turn, 1:30 forward), 5 forward."""
    turn_speed = Speed.kmh(1.0)
    interval = Repeat(
        4,
        [
            Step(
                direction=FORWARD,
                kind=StepKind.TRANSITION,
                length=Duration.seconds(15),
                speed=turn_speed,
                hold_handrails=True,
                cue="Slow down, hold the rails, turn to face backward",
            ),
            Step(
                direction=BACKWARD,
                kind=StepKind.ACTIVE,
                length=Duration.parse("1:30"),
                speed=Speed.kmh(2.2),
                hold_handrails=True,
                cue="Walk backward: long steps, toes first",
            ),
            Step(
                direction=BACKWARD,
                kind=StepKind.TRANSITION,
                length=Duration.seconds(15),
                speed=turn_speed,
                hold_handrails=True,
                cue="Slow down, turn to face forward",
            ),
            Step(direction=FORWARD, kind=StepKind.RECOVERY, length=Duration.parse("1:30"), speed=Speed.kmh(4.0)),
        ],
    )
    return Workout(
        name="Backward intervals, beginner",
        description="Six minutes of backward walking in four short bouts, with forward walking between them.",
        steps=[
            Step(
                direction=FORWARD,
                kind=StepKind.WARMUP,
                length=Duration.minutes(5),
                speed=Speed.kmh(4.5),
                cue="Easy forward walk",
            ),
            interval,
            Step(
                direction=FORWARD,
                kind=StepKind.COOLDOWN,
                length=Duration.minutes(5),
                speed=Speed.kmh(3.6),
                cue="Easy forward walk",
            ),
        ],
    )


if __name__ == "__main__":
    workout = build()
    if len(sys.argv) < 2:
        print(native.to_json(workout), end="")
        sys.exit(0)
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    for info in FORMATS.values():
        target = folder / f"backward-intervals{info.extensions[0]}"
        changes = write(workout, target, policy=Policy.LOSSY, overwrite=True)
        print(f"wrote {target} ({info.title}){': ' + '; '.join(map(str, changes)) if changes else ''}")
    print(f"{workout.total_time} in all, {workout.backward_time} facing backward")
