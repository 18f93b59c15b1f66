"""How a belt's speed and a deck's incline move toward their targets: a constant rate, as treadmills ramp.

The simulator moves its belt with this model at the machine's rates; the session runner predicts the belt with the
same model at **slower** assumed rates, so that a slow-down it sends "early enough" is early enough on any machine
at least as quick as the assumption.
"""

from __future__ import annotations

import bisect

import attrs

__all__ = ["ASSUMED_INCLINE_RATE", "ASSUMED_SPEED_RATE", "Ramp"]

#: [D] The belt acceleration the runner assumes, in 0.01 km/h per second (0.4 km/h per second). Treadmills
#: ramp at roughly 0.5-1.5 km/h per second; assuming the slow end makes every early slow-down early enough.
ASSUMED_SPEED_RATE = 40.0
#: [D] The incline rate the runner assumes, in 0.1 % per second (0.5 % per second).
ASSUMED_INCLINE_RATE = 5.0


@attrs.define
class Ramp:
    """A value (belt speed or incline, in FTMS units) moving at ``rate`` units per second toward its target.

    ``set_target`` records a change; ``at`` gives the value at any time since, exactly (piecewise linear).
    """

    rate: float
    start: float = 0.0
    _times: list[float] = attrs.field(factory=list)
    _values: list[float] = attrs.field(factory=list)
    _targets: list[float] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        self._times.append(float("-inf"))
        self._values.append(self.start)
        self._targets.append(self.start)

    @property
    def target(self) -> float:
        """The latest target."""
        return self._targets[-1]

    def at(self, time: float) -> float:
        """The value at ``time``."""
        index = bisect.bisect_right(self._times, time) - 1
        index = max(index, 0)
        began, value, target = self._times[index], self._values[index], self._targets[index]
        if began == float("-inf"):
            return value
        step = self.rate * (time - began)
        return min(value + step, target) if target >= value else max(value - step, target)

    def set_target(self, time: float, target: float) -> None:
        """From ``time`` on, move toward ``target`` (times must not go backward)."""
        value = self.at(time)
        if self._times and time < self._times[-1]:
            time = self._times[-1]
        self._times.append(time)
        self._values.append(value)
        self._targets.append(float(target))

    def reached_by(self, time: float) -> float:
        """When the value reaches the current target, if nothing changes after ``time``."""
        return time + abs(self.target - self.at(time)) / self.rate
