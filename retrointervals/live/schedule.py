"""What to send at each step of a live session, decided before the belt moves: a pure function of the timeline.

**Turns.** A *turn* is where the walker turns around, and the belt must be slow and steady:

- a run of consecutive TRANSITION steps, for its whole time;
- a stop-to-turn step (``belt_stopped``), from its start until the walker says they have turned;
- where the direction changes between two steps with no transition step between them (a *bare* turn), the
  first ``BARE_TURN_S`` seconds of the later step.

During a turn the speed never increases and the incline never changes. The speed of a run of transition steps is
the slowest of the run (the *turn speed*), and its incline the incline of its first step; both are sent before
the turn starts, early enough for the belt to reach them (the runner works out how early from the machine's
acceleration). A bare turn holds the slower of the two steps' speeds and the earlier step's incline; the later
step's speed and incline are sent when the turn is over.

**Ranges.** Speeds are converted to 0.01 km/h rounding down and snapped down to the machine's increment (never
faster than planned); inclines snap toward 0 % (never steeper). A session with a speed or incline the machine
cannot set is refused before anything moves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import attrs

from retrointervals.errors import LiveSessionError
from retrointervals.live.belt import BARE_TURN_S
from retrointervals.live.link import MachineInfo
from retrointervals.model import Direction, Step, StepKind, Workout
from retrointervals.timeline import Segment

__all__ = ["BARE_TURN_S", "StepCommand", "plan_commands", "step_label"]


@attrs.frozen
class StepCommand:
    """What the runner sends for one segment of the timeline.

    Attributes:
        index: The segment's index in the timeline (from 0).
        segment: The segment.
        speed: The speed for the step, 0.01 km/h (for a stop-to-turn step: the speed the belt restarts at).
        incline: The incline for the step, 0.1 % (None: the machine cannot set an incline; the plan is flat).
        turn: Whether the whole step is (part of) a turn: a transition step or a stop-to-turn step.
        bare_turn: Seconds at the start of the step that are a bare turn (0 when none).
        entry_speed: The speed the belt must be at (at most) when the step starts, 0.01 km/h.
        entry_incline: The incline the deck must be at when the step starts (None: no requirement).
    """

    index: int
    segment: Segment
    speed: int
    incline: int | None
    turn: bool
    bare_turn: float
    entry_speed: int
    entry_incline: int | None

    @property
    def duration(self) -> float:
        """The step's planned seconds (the expected time for a lap-button step)."""
        return float(self.segment.duration.exact)

    @property
    def until_lap(self) -> bool:
        """Whether the step ends on the walker's key press."""
        return self.segment.step.until_lap

    @property
    def belt_stopped(self) -> bool:
        """Whether the belt stands still during the step (stop-to-turn)."""
        return self.segment.step.belt_stopped

    @property
    def direction(self) -> Direction:
        """The way the walker faces during the step."""
        return self.segment.step.direction

    @property
    def label(self) -> str:
        """The step's name, e.g. ``"Backward active"``."""
        return step_label(self.segment.step)

    @property
    def starts_turn(self) -> bool:
        """Whether a turn begins with this step (so its entry speed and incline must be reached in advance)."""
        return self.turn or self.bare_turn > 0


def step_label(step: Step) -> str:
    """A step's name for the walker, e.g. ``"Backward active"`` or ``"Forward cool-down"``."""
    return f"{step.direction.value.capitalize()} {step.kind.label}"


def _kmh_hundredths(kmh: Fraction) -> int:
    return math.floor(kmh * 100)


def plan_commands(workout: Workout, machine: MachineInfo) -> tuple[StepCommand, ...]:
    """The commands for every segment, or ``LiveSessionError`` listing why the machine cannot run the session."""
    segments = workout.timeline
    problems: list[str] = []
    speed_range, incline_range = machine.speed_range, machine.inclination_range
    if not machine.features.can_set_speed:
        problems.append(f"{machine.name} does not accept a target speed over FTMS")
    speeds: list[int] = []
    inclines: list[int | None] = []
    for index, segment in enumerate(segments):
        step = segment.step
        where = f"step {index + 1} ({step_label(step).lower()})"
        wanted = _kmh_hundredths(step.speed.exact_kmh)
        speed = speed_range.snap_down(wanted)
        if speed < speed_range.minimum:
            what = "the turn speed" if step.kind is StepKind.TRANSITION or step.belt_stopped else "a speed of"
            problems.append(
                f"{where} needs {what} {step.speed}, below the treadmill's slowest speed "
                f"{speed_range.minimum / 100:.2f} km/h"
            )
        elif speed > speed_range.maximum:
            problems.append(
                f"{where} needs {step.speed}, above the treadmill's top speed {speed_range.maximum / 100:.2f} km/h"
            )
        speeds.append(speed)
        if incline_range is None:
            if step.incline.tenths:
                problems.append(f"{where} needs an incline of {step.incline}; the treadmill cannot set its incline")
            inclines.append(None)
            continue
        incline = incline_range.snap_toward_zero(step.incline.tenths)
        if not incline_range.minimum <= incline <= incline_range.maximum:
            problems.append(
                f"{where} needs an incline of {step.incline}, outside the treadmill's "
                f"{incline_range.minimum / 10:g} to {incline_range.maximum / 10:g} %"
            )
        inclines.append(incline)
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise LiveSessionError(f"{machine.name} cannot run '{workout.name}': {shown}")
    return _commands(segments, speeds, inclines)


def _is_turn_step(segment: Segment) -> bool:
    return segment.step.kind is StepKind.TRANSITION or segment.step.belt_stopped


def _commands(segments: Sequence[Segment], speeds: list[int], inclines: list[int | None]) -> tuple[StepCommand, ...]:
    commands: list[StepCommand] = []
    index = 0
    while index < len(segments):
        if _is_turn_step(segments[index]):
            end = index
            while end < len(segments) and _is_turn_step(segments[end]):
                end += 1
            run = range(index, end)
            moving = [i for i in run if not segments[i].step.belt_stopped]
            turn_speed = min((speeds[i] for i in moving), default=speeds[index])
            turn_incline = inclines[index]
            for i in run:
                stopped = segments[i].step.belt_stopped
                commands.append(
                    StepCommand(
                        index=i,
                        segment=segments[i],
                        # A stop-to-turn step restarts at its own (slow) speed, never above the turn's.
                        speed=min(speeds[i], turn_speed) if stopped else turn_speed,
                        incline=turn_incline,
                        turn=True,
                        bare_turn=0.0,
                        entry_speed=turn_speed if i == index else min(turn_speed, speeds[i]),
                        entry_incline=turn_incline,
                    )
                )
            index = end
            continue
        before = segments[index - 1] if index else None
        bare = (
            before is not None
            and not _is_turn_step(before)
            and before.step.direction is not segments[index].step.direction
        )
        if bare:
            hold = min(BARE_TURN_S, float(segments[index].duration.exact))
            commands.append(
                StepCommand(
                    index=index,
                    segment=segments[index],
                    speed=speeds[index],
                    incline=inclines[index],
                    turn=False,
                    bare_turn=hold,
                    entry_speed=min(speeds[index - 1], speeds[index]),
                    entry_incline=inclines[index - 1],
                )
            )
        else:
            commands.append(
                StepCommand(
                    index=index,
                    segment=segments[index],
                    speed=speeds[index],
                    incline=inclines[index],
                    turn=False,
                    bare_turn=0.0,
                    entry_speed=speeds[index],
                    entry_incline=None,
                )
            )
        index += 1
    return tuple(commands)
