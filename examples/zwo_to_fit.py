"""Convert a Zwift run workout (ZWO) to a FIT workout for a watch, listing what FIT could not carry.

Run: python examples/zwo_to_fit.py [IN.zwo [OUT.fit]]
Without arguments it converts a small backward-interval ZWO that it writes first.
"""

from __future__ import annotations

import sys
from pathlib import Path

from retrointervals import Direction, Duration, Repeat, Speed, Step, StepKind, Workout
from retrointervals.formats import Policy, fit, zwo

if len(sys.argv) > 1:
    source = Path(sys.argv[1])
else:
    back = Step(direction=Direction.BACKWARD, kind=StepKind.ACTIVE, length=Duration.minutes(1), speed=Speed.kmh(2.4),
                hold_handrails=True, cue="Walk backward")  # fmt: skip
    easy = Step(direction=Direction.FORWARD, kind=StepKind.RECOVERY, length=Duration.minutes(1), speed=Speed.kmh(4.5))
    source = Path("retro-intervals.zwo")
    zwo.write(Workout("Retro intervals", [Repeat(5, [back, easy])]), source, overwrite=True)

target = Path(sys.argv[2]) if len(sys.argv) > 2 else source.with_suffix(".fit")
workout = zwo.read(source)
assert isinstance(workout, Workout)
changes = fit.write(workout, target, policy=Policy.LOSSY, overwrite=True)
print(f"{source} -> {target}: {len(workout.timeline)} segments, {workout.total_time}, "
      f"{workout.backward_time} backward")  # fmt: skip
for change in changes:
    print(f"  changed: {change}")
again = fit.read(target)
assert isinstance(again, Workout)
assert again.total_time == workout.total_time
