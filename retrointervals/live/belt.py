"""How a belt's speed and a deck's incline move toward their targets: a constant rate, as treadmills ramp.

The simulator moves its belt with this model at the machine's rates; the session runner predicts the belt with the
same model at **slower** assumed rates, so that a slow-down it sends "early enough" is early enough on any machine
at least as quick as the assumption.

The assumed rates and ``BARE_TURN_S`` live here once: the runner schedules with them, and ``retrointervals.review``
uses them to know which seconds of a step the belt spends changing speed (at a step's start, and before a turn,
where the safety rule slows the belt early).
"""

from __future__ import annotations

import bisect
import math

import attrs

__all__ = ["ASSUMED_INCLINE_RATE", "ASSUMED_SPEED_RATE", "BARE_TURN_S", "Envelope", "Ramp"]

#: [D] The belt acceleration the runner assumes, in 0.01 km/h per second (0.4 km/h per second). Treadmills
#: ramp at roughly 0.5-1.5 km/h per second; assuming the slow end makes every early slow-down early enough.
ASSUMED_SPEED_RATE = 40.0
#: [D] The incline rate the runner assumes, in 0.1 % per second (0.5 % per second).
ASSUMED_INCLINE_RATE = 5.0
#: [D] How long a bare turn (a direction change without a transition step) holds the slower speed.
BARE_TURN_S = 5.0


@attrs.define
class Ramp:
    """A value (belt speed or incline, in FTMS units) moving toward its target at a constant rate.

    It moves ``up_rate`` units per second when rising and ``down_rate`` when falling (``math.inf``: at once).

    ``set_target`` records a change; ``at`` gives the value at any time since, exactly (piecewise linear).
    """

    up_rate: float
    down_rate: float
    start: float = 0.0
    _times: list[float] = attrs.field(factory=list)
    _values: list[float] = attrs.field(factory=list)
    _targets: list[float] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        self._times.append(-math.inf)
        self._values.append(self.start)
        self._targets.append(self.start)

    @property
    def target(self) -> float:
        """The latest target."""
        return self._targets[-1]

    def at(self, time: float) -> float:
        """The value at ``time``."""
        index = max(bisect.bisect_right(self._times, time) - 1, 0)
        began, value, target = self._times[index], self._values[index], self._targets[index]
        if began == -math.inf:
            return value
        rate = self.up_rate if target >= value else self.down_rate
        if math.isinf(rate):
            return target
        step = rate * (time - began)
        return min(value + step, target) if target >= value else max(value - step, target)

    def set_target(self, time: float, target: float) -> None:
        """From ``time`` on, move toward ``target`` (times must not go backward)."""
        time = max(time, self._times[-1])
        value = self.at(time)
        self._times.append(time)
        self._values.append(value)
        self._targets.append(float(target))

    def reached_by(self, time: float) -> float:
        """When the value reaches the current target, if nothing changes after ``time``."""
        value = self.at(time)
        rate = self.up_rate if self.target >= value else self.down_rate
        return time if math.isinf(rate) else time + abs(self.target - value) / rate


@attrs.define
class Envelope:
    """Bounds on a machine's value for a runner that assumes slower rates than any machine it drives.

    ``high`` jumps up at once and falls at the assumed rate; ``low`` jumps down at once and rises at the assumed
    rate. A machine that moves toward each target at least as fast as assumed stays between the two, so when both
    have reached a target, the machine has too.
    """

    rate: float
    start: float = 0.0
    high: Ramp = attrs.field(init=False)
    low: Ramp = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.high = Ramp(math.inf, self.rate, self.start)
        self.low = Ramp(self.rate, math.inf, self.start)

    def set_target(self, time: float, target: float) -> None:
        """A new target from ``time`` on."""
        self.high.set_target(time, target)
        self.low.set_target(time, target)

    def gap(self, time: float, target: float) -> float:
        """How far from ``target`` the machine may be at ``time`` (an upper bound)."""
        return max(abs(self.high.at(time) - target), abs(self.low.at(time) - target))

    def ready_by(self, time: float, *, at_most: bool = False) -> float:
        """When the machine has surely reached the current target (``at_most``: is at or below it)."""
        if at_most:
            return self.high.reached_by(time)
        return max(self.high.reached_by(time), self.low.reached_by(time))
