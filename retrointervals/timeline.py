"""The one timeline: a workout's repeats expanded into a flat sequence of timed segments.

Totals, every exporter and every chart read this; nothing else expands repeats.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction

import attrs

from retrointervals.errors import ValidationError
from retrointervals.limits import MAX_DOCUMENT_SEGMENTS
from retrointervals.model import Direction, Repeat, Step, _segment_count
from retrointervals.units import Distance, Duration

__all__ = ["Segment", "Totals", "expand", "flatten", "walks_backward"]


def walks_backward(step: Step) -> bool:
    """Whether a step's time counts as backward time: the one definition the totals, charts, rules and CLI use.

    Every second walked backward on a moving belt counts, whatever the step is called (bout, transition,
    recovery). A stopped-belt turn-around (``belt_stopped``) is standing, not walking, so it does not count.
    """
    return step.direction is Direction.BACKWARD and not step.belt_stopped


@attrs.frozen
class Segment:
    """One step as walked at one moment of the workout.

    Attributes:
        step: The step walked.
        start: Time from the start of the workout to the start of the segment.
        end: Time from the start of the workout to the end of the segment.
        start_distance: Belt distance from the start of the workout to the start of the segment.
        end_distance: Belt distance from the start of the workout to the end of the segment.
        repetitions: For each repeat around the step, outermost first, which pass this is (from 0).
        path: Indexes leading from the workout's steps down to the step (one per nesting level).
    """

    step: Step
    start: Duration
    end: Duration
    start_distance: Distance
    end_distance: Distance
    repetitions: tuple[int, ...]
    path: tuple[int, ...]

    @property
    def duration(self) -> Duration:
        """How long the segment lasts."""
        return self.end - self.start

    @property
    def distance(self) -> Distance:
        """How far the belt moves during the segment."""
        return self.end_distance - self.start_distance


def _unrolled(
    items: Iterable[Step | Repeat], path: tuple[int, ...] = (), repetitions: tuple[int, ...] = ()
) -> Iterator[tuple[Step, tuple[int, ...], tuple[int, ...]]]:
    """Every step as walked, with its path and repetition indexes: the one place repeats are expanded."""
    for index, item in enumerate(items):
        if isinstance(item, Repeat):
            for repetition in range(item.count):
                yield from _unrolled(item.steps, (*path, index), (*repetitions, repetition))
        else:
            yield item, (*path, index), repetitions


def _check_budget(function: str, steps: Sequence[Step | Repeat]) -> None:
    """Refuse, from the counts cached on the repeats, steps that would expand beyond the document budget."""
    for index, item in enumerate(steps):
        if not isinstance(item, Step | Repeat):
            raise ValidationError(f"{function}.steps[{index}]", item, "must be a Step or Repeat")
    count = _segment_count(steps)
    if count > MAX_DOCUMENT_SEGMENTS:
        raise ValidationError(
            f"{function}.steps", count, f"expands to more than {MAX_DOCUMENT_SEGMENTS} walked segments (the limit)"
        )


def expand(steps: Sequence[Step | Repeat]) -> tuple[Segment, ...]:
    """Expand steps and (nested) repeats into consecutive segments, starting at time and distance zero.

    Raises:
        ValidationError: The steps would expand to more than ``limits.MAX_DOCUMENT_SEGMENTS`` segments (checked
            from counts before anything is expanded).
    """
    _check_budget("expand", steps)
    segments: list[Segment] = []
    clock = odometer = Fraction(0)
    for step, path, repetitions in _unrolled(steps):
        end = clock + step.duration.exact
        end_distance = odometer + step.distance.exact
        segments.append(
            Segment(
                step=step,
                start=Duration(clock),
                end=Duration(end),
                start_distance=Distance(odometer),
                end_distance=Distance(end_distance),
                repetitions=repetitions,
                path=path,
            )
        )
        clock, odometer = end, end_distance
    return tuple(segments)


@attrs.frozen
class Totals:
    """Sums over a timeline."""

    time: Duration
    distance: Distance
    backward_time: Duration
    backward_distance: Distance
    #: How many times consecutive segments face different ways.
    direction_changes: int

    @classmethod
    def of(cls, segments: Sequence[Segment]) -> Totals:
        """Sum a timeline."""
        backward = [segment for segment in segments if walks_backward(segment.step)]
        return cls(
            time=Duration(sum((s.duration.exact for s in segments), Fraction(0))),
            distance=Distance(sum((s.distance.exact for s in segments), Fraction(0))),
            backward_time=Duration(sum((s.duration.exact for s in backward), Fraction(0))),
            backward_distance=Distance(sum((s.distance.exact for s in backward), Fraction(0))),
            direction_changes=sum(
                before.step.direction is not after.step.direction for before, after in itertools.pairwise(segments)
            ),
        )


def flatten(steps: Sequence[Step | Repeat], max_depth: int) -> tuple[Step | Repeat, ...]:
    """The steps with every repeat nested deeper than ``max_depth`` unrolled.

    ``max_depth=0`` unrolls every repeat (the steps of the timeline, in order); ``1`` keeps single-level repeats
    and unrolls repeats inside them; and so on. Unrolling uses the same expansion as ``expand``, so it matches the
    timeline. Formats that cannot nest (ZWO, QZ) or cannot repeat call this instead of expanding repeats themselves.
    """
    if max_depth < 0:
        raise ValidationError("flatten.max_depth", max_depth, "must be a whole number, 0 or more")
    _check_budget("flatten", steps)
    return _flatten(steps, max_depth)


def _flatten(steps: Sequence[Step | Repeat], max_depth: int) -> tuple[Step | Repeat, ...]:
    result: list[Step | Repeat] = []
    for item in steps:
        if not isinstance(item, Repeat):
            result.append(item)
        elif max_depth == 0:
            result.extend(step for step, _, _ in _unrolled([item]))
        else:
            result.append(Repeat(item.count, _flatten(item.steps, max_depth - 1)))
    return tuple(result)
