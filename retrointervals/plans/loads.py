"""What the week-to-week rules compare, computed once for the generator and the checker alike.

A session's *load* is its backward seconds (B), its backward speed and its backward incline. The generator
plans loads; the checker reads them back from the sessions' timelines. Both use ``progressed`` to decide what
increased from one week to the next, so the generator cannot disagree with the rules it is checked against.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import attrs

from retrointervals.model import Direction, Step, StepKind, Workout
from retrointervals.timeline import Segment, walks_backward
from retrointervals.units import SpeedUnit

__all__ = [
    "Bout",
    "SessionShape",
    "WeekLoad",
    "backward_seconds",
    "progressed",
    "progression_runs",
    "reference_index",
    "rise_names",
    "speed_text",
]

#: Plain words for what ``progressed`` reports.
_RISE_WORDS = {"B": "backward time", "speed": "backward speed", "incline": "backward incline"}


def backward_seconds(step: Step) -> Fraction:
    """The seconds of a step that count as backward time (``retrointervals.timeline.walks_backward``).

    Every second walked backward on a moving belt counts, whatever the step is called (bout, transition,
    recovery); a stopped-belt turn-around is standing, not walking, so it adds nothing (rule T4 limits it).
    """
    return step.duration.exact if walks_backward(step) else Fraction(0)


def speed_text(kmh: Fraction, unit: SpeedUnit) -> str:
    """A speed given in exact km/h, written in ``unit`` with up to two decimals: ``"2.5 km/h"``, ``"1.55 mph"``."""
    return f"{float(kmh / unit.in_kmh):.2f}".rstrip("0").rstrip(".") + f" {unit.value}"


def reference_index(deloads: Sequence[bool], index: int) -> int:
    """The last week before ``index`` that was not a deload (the first week if all were): W4's reference."""
    return next((i for i in range(index - 1, -1, -1) if not deloads[i]), 0)


def rise_names(rises: frozenset[str]) -> str:
    """What rose, in words: ``"backward time and backward speed"``."""
    return " and ".join(_RISE_WORDS[name] for name in sorted(rises))


@attrs.frozen
class WeekLoad:
    """The load of a week (or one session): B, backward speed (km/h, exact) and backward incline (percent)."""

    backward_s: Fraction
    speed_kmh: Fraction
    incline_pct: Fraction
    deload: bool = False

    @classmethod
    def of_sessions(cls, shapes: Sequence[SessionShape], deload: bool) -> WeekLoad:
        """The week's load: the highest of each value over its sessions."""
        return cls(
            backward_s=max((shape.backward_s for shape in shapes), default=Fraction(0)),
            speed_kmh=max((shape.speed_kmh for shape in shapes), default=Fraction(0)),
            incline_pct=max((shape.incline_pct for shape in shapes), default=Fraction(0)),
            deload=deload,
        )


def progressed(before: WeekLoad, reference: WeekLoad, now: WeekLoad) -> frozenset[str]:
    """Which of ``"B"``, ``"speed"`` and ``"incline"`` rose in ``now``.

    B is compared with ``reference`` (the last week that was not a deload), so coming back from a deload to the
    old volume is not a rise; speed and incline are compared with the week ``before``.
    """
    rises = set()
    if now.backward_s > reference.backward_s:
        rises.add("B")
    if now.speed_kmh > before.speed_kmh:
        rises.add("speed")
    if now.incline_pct > before.incline_pct:
        rises.add("incline")
    return frozenset(rises)


def progression_runs(loads: Sequence[WeekLoad], threshold_s: int) -> list[int]:
    """For each week, how many consecutive progression weeks at B >= ``threshold_s`` end with it.

    A deload week, a week in which nothing rose, or a week below the threshold ends a run. The first week has
    nothing to rise from, so its run is 0.
    """
    runs = [0] * len(loads)
    for index in range(1, len(loads)):
        now = loads[index]
        reference = loads[reference_index([load.deload for load in loads], index)]
        rose = progressed(loads[index - 1], reference, now)
        runs[index] = runs[index - 1] + 1 if rose and not now.deload and now.backward_s >= threshold_s else 0
    return runs


@attrs.frozen
class Bout:
    """A backward bout: consecutive backward segments that are not transitions (``first`` from 0)."""

    first: int
    segments: tuple[Segment, ...]

    @property
    def duration_s(self) -> Fraction:
        """The bout's length in seconds."""
        return sum((segment.duration.exact for segment in self.segments), Fraction(0))


@attrs.frozen
class SessionShape:
    """A session's timeline read as warm-up, bouts, recoveries, transitions and cool-down."""

    segments: tuple[Segment, ...]
    #: One letter per segment: W warm-up, C cool-down, T transition, B backward, R forward (recovery or other).
    tokens: str
    bouts: tuple[Bout, ...]
    #: Forward stretches between bouts: (index of the first segment, seconds).
    recoveries: tuple[tuple[int, Fraction], ...]

    @classmethod
    def of(cls, workout: Workout) -> SessionShape:
        """Read a workout's timeline."""
        segments = workout.timeline
        tokens = "".join(_token(segment) for segment in segments)
        bouts: list[Bout] = []
        recoveries: list[tuple[int, Fraction]] = []
        index = 0
        while index < len(segments):
            end = index
            while end < len(segments) and tokens[end] == tokens[index]:
                end += 1
            if tokens[index] == "B":
                bouts.append(Bout(index, segments[index:end]))
            elif tokens[index] == "R" and bouts:
                later = tokens.find("B", end)
                if later != -1:
                    seconds = sum((s.duration.exact for s in segments[index:end]), Fraction(0))
                    recoveries.append((index, seconds))
            index = end
        return cls(segments, tokens, tuple(bouts), tuple(recoveries))

    @property
    def backward_s(self) -> Fraction:
        """B, the backward time: every second walked backward, whatever the step (``backward_seconds``)."""
        return sum((backward_seconds(segment.step) for segment in self.segments), Fraction(0))

    @property
    def turns(self) -> tuple[tuple[int, tuple[Segment, ...]], ...]:
        """Each turn-around (a run of transition segments): (index of its first segment, segments)."""
        found = []
        index = 0
        while index < len(self.tokens):
            if self.tokens[index] == "T":
                end = index
                while end < len(self.tokens) and self.tokens[end] == "T":
                    end += 1
                found.append((index, self.segments[index:end]))
                index = end
            else:
                index += 1
        return tuple(found)

    @property
    def speed_kmh(self) -> Fraction:
        """The highest backward speed of the session, km/h."""
        return max((s.step.speed.exact_kmh for bout in self.bouts for s in bout.segments), default=Fraction(0))

    @property
    def incline_pct(self) -> Fraction:
        """The highest backward incline of the session, percent."""
        return max((Fraction(s.step.incline.tenths, 10) for b in self.bouts for s in b.segments), default=Fraction(0))

    @property
    def shortest_recovery_s(self) -> Fraction | None:
        """The shortest forward recovery between bouts, if any."""
        return min((seconds for _, seconds in self.recoveries), default=None)


def _token(segment: Segment) -> str:
    kind = segment.step.kind
    if kind is StepKind.WARMUP:
        return "W"
    if kind is StepKind.COOLDOWN:
        return "C"
    if kind is StepKind.TRANSITION:
        return "T"
    return "B" if segment.step.direction is Direction.BACKWARD else "R"
