"""Build a first backward-walking interval workout in Python and save it as retrointervals JSON.

Run: python examples/build_workout.py [OUT.json]   (default: print the JSON)
"""

from __future__ import annotations

import sys

from retrointervals import Direction, Duration, Repeat, Speed, Step, StepKind, Workout
from retrointervals.formats import native

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
    if len(sys.argv) > 1:
        native.write(workout, sys.argv[1], overwrite=True)
        print(f"wrote {sys.argv[1]}: {workout.total_time}, backward {workout.backward_time}")
    else:
        print(native.to_json(workout), end="")
