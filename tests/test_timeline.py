"""The one timeline: expansion order, positions, and totals that are its sums."""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from retrointervals import Direction, Distance, Duration, Repeat, Speed, Step, StepKind, Workout, expand
from retrointervals import strategies as ris
from retrointervals.timeline import flatten


def walk(direction: Direction, seconds: int, kmh: float = 3.6) -> Step:
    return Step(direction=direction, kind=StepKind.ACTIVE, length=Duration.seconds(seconds), speed=Speed.kmh(kmh))


F, B = Direction.FORWARD, Direction.BACKWARD


def test_nested_repeats_expand_in_order_with_positions() -> None:
    a, b, c = walk(F, 10), walk(B, 20), walk(F, 30)
    segments = expand([a, Repeat(2, [b, Repeat(2, [c])])])
    assert [s.step for s in segments] == [a, b, c, c, b, c, c]
    assert [s.repetitions for s in segments] == [(), (0,), (0, 0), (0, 1), (1,), (1, 0), (1, 1)]
    assert [s.path for s in segments] == [(0,), (1, 0), (1, 1, 0), (1, 1, 0), (1, 0), (1, 1, 0), (1, 1, 0)]
    assert [int(s.start.exact) for s in segments] == [0, 10, 30, 60, 90, 110, 140]
    assert segments[-1].end == Duration.seconds(170)
    # 3.6 km/h is 1 m/s, so distance equals time here.
    assert [s.end_distance.exact for s in segments] == [s.end.exact for s in segments]


def test_totals_of_a_simple_workout() -> None:
    w = Workout("W", [walk(F, 60), Repeat(3, [walk(B, 30, 1.8), walk(F, 30)]), walk(F, 60)])
    assert w.total_time == Duration.seconds(300)
    assert w.backward_time == Duration.seconds(90)
    assert w.backward_distance == Distance.metres(45)
    assert w.total_distance == Distance.metres(255)
    assert w.direction_changes == 6


def test_distance_steps_have_exact_fractional_times() -> None:
    step = Step(direction=B, kind=StepKind.ACTIVE, length=Distance.metres(100), speed=Speed.kmh(2.2))
    (segment,) = expand([step])
    assert segment.duration.exact == Fraction(100 * 3600, 2200)
    assert segment.distance == Distance.metres(100)


@given(ris.workouts())
def test_totals_are_the_sums_over_the_timeline(workout: Workout) -> None:
    segments = workout.timeline
    assert workout.total_time.exact == sum(s.duration.exact for s in segments)
    assert workout.total_distance.exact == sum(s.distance.exact for s in segments)
    assert workout.backward_time.exact == sum(s.duration.exact for s in segments if s.step.direction is B)
    assert workout.backward_distance.exact == sum(s.distance.exact for s in segments if s.step.direction is B)
    assert workout.direction_changes == sum(
        x.step.direction != y.step.direction for x, y in itertools.pairwise(segments)
    )


@given(ris.workouts())
def test_segments_are_contiguous_and_start_at_zero(workout: Workout) -> None:
    segments = workout.timeline
    assert segments[0].start.exact == 0
    assert segments[0].start_distance.exact == 0
    for before, after in itertools.pairwise(segments):
        assert before.end == after.start
        assert before.end_distance == after.start_distance
    for segment in segments:
        assert segment.duration == segment.step.duration
        assert segment.distance == segment.step.distance


@given(ris.step_sequences(max_segments=30), st.integers(2, 99))
def test_a_repeat_of_n_copies_takes_n_times_its_body(body: list[Step | Repeat], count: int) -> None:
    body_segments = expand(body)
    repeated = expand([Repeat(count, body)])
    assert len(repeated) == count * len(body_segments)
    assert repeated[-1].end.exact == count * body_segments[-1].end.exact
    assert repeated[-1].end_distance.exact == count * body_segments[-1].end_distance.exact
    assert [s.step for s in repeated] == [s.step for s in body_segments] * count


@given(ris.step_sequences(max_depth=3, max_segments=40), st.integers(0, 3))
def test_flatten_keeps_the_timeline_and_bounds_the_depth(steps: list[Step | Repeat], max_depth: int) -> None:
    flat = flatten(steps, max_depth)
    assert [s.step for s in expand(flat)] == [s.step for s in expand(steps)]
    assert expand(flat)[-1].end == expand(steps)[-1].end
    assert all(item.depth <= max_depth for item in flat if isinstance(item, Repeat))
    if max_depth == 0:
        assert all(isinstance(item, Step) for item in flat)
