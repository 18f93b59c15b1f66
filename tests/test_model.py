"""The model: valid construction, derived values, and every bad input refused with the field named."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from fractions import Fraction

import attrs
import pytest
from hypothesis import given

from retrointervals import (
    Direction,
    Distance,
    Duration,
    Incline,
    Level,
    Plan,
    Repeat,
    Session,
    Speed,
    Step,
    StepKind,
    ValidationError,
    Week,
    Weekday,
    Workout,
)
from retrointervals import strategies as ris
from retrointervals.model import MAX_REPEAT_DEPTH, MAX_SEGMENTS


def step(**changes: object) -> Step:
    fields: dict[str, object] = {
        "direction": Direction.BACKWARD,
        "kind": StepKind.ACTIVE,
        "length": Duration.minutes(1),
        "speed": Speed.kmh(2.0),
    }
    fields.update(changes)
    return Step(**fields)  # type: ignore[arg-type]


def workout(*steps: Step | Repeat, name: str = "W") -> Workout:
    return Workout(name, steps or (step(),))


def test_step_defaults_and_derived_values() -> None:
    s = step()
    assert s.incline.in_percent == 0
    assert s.hold_handrails is False
    assert s.cue is None
    assert s.is_backward
    assert s.duration == Duration.seconds(60)
    assert s.distance == Distance(Fraction(100, 3))


def test_distance_step_gets_its_time_from_its_speed() -> None:
    s = step(length=Distance.metres(100), speed=Speed.kmh(3.0))
    assert s.duration == Duration.seconds(120)
    assert s.distance == Distance.metres(100)


def test_objects_are_frozen_and_hashable() -> None:
    s = step()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        s.speed = Speed.kmh(3.0)  # type: ignore[misc]
    assert len({s, step(), workout(s), workout(s)}) == 2


def test_sequences_become_tuples() -> None:
    w = Workout("W", [step()])
    assert isinstance(w.steps, tuple)
    assert isinstance(Repeat(2, [step()]).steps, tuple)


def test_repeats_nest_and_flat_steps_are_listed_once() -> None:
    inner = Repeat(3, [step(kind=StepKind.ACTIVE), step(kind=StepKind.RECOVERY, direction=Direction.FORWARD)])
    outer = Repeat(2, [inner, step(kind=StepKind.TRANSITION)])
    w = workout(step(kind=StepKind.WARMUP, direction=Direction.FORWARD), outer)
    assert outer.depth == 2
    assert outer.segment_count == 2 * (3 * 2 + 1)
    assert [s.kind for s in w.steps_flat()] == [
        StepKind.WARMUP,
        StepKind.ACTIVE,
        StepKind.RECOVERY,
        StepKind.TRANSITION,
    ]


def _nested(depth: int) -> Repeat:
    body: Step | Repeat = step()
    for _ in range(depth):
        body = Repeat(2, [body])
    assert isinstance(body, Repeat)
    return body


BAD_INPUTS: list[tuple[str, Callable[[], object]]] = [
    ("Step.length", lambda: step(length=Duration.seconds(0))),
    ("Step.length", lambda: step(length=Distance.metres(0))),
    ("Step.length", lambda: step(length=Duration.seconds(6 * 3600 + 1))),
    ("Step.length", lambda: step(length=Distance(2.5))),
    ("Step.length", lambda: step(length=60)),
    ("Distance", lambda: step(length=Distance(Fraction(10**403)))),  # absurd, but a clear error
    ("Distance", lambda: Distance(10**5000)),
    ("Duration", lambda: Duration(-(10**5000))),
    ("Duration.minutes", lambda: Duration.minutes(-1e308)),
    ("Speed.kmh", lambda: Speed.kmh(10**5000)),
    ("Speed.mph", lambda: Speed.mph(math.inf)),
    ("Speed", lambda: Speed(10**5000)),
    ("Incline", lambda: Incline(-(10**5000))),
    ("Incline.percent", lambda: Incline.percent(math.nan)),
    ("Distance.km", lambda: Distance.km(1e300)),
    ("Duration.parse", lambda: Duration.parse("9" * 5000)),
    ("Repeat.count", lambda: Repeat(10**5000, [step()])),
    ("Step.direction", lambda: step(direction="backward")),
    ("Step.kind", lambda: step(kind=None)),
    ("Step.speed", lambda: step(speed=2.0)),
    ("Step.incline", lambda: step(incline=5)),
    ("Step.hold_handrails", lambda: step(hold_handrails=1)),
    ("Step.cue", lambda: step(cue="")),
    ("Step.cue", lambda: step(cue="x" * 121)),
    ("Step.cue", lambda: step(cue="two\nlines")),
    ("Repeat.count", lambda: Repeat(1, [step()])),
    ("Repeat.count", lambda: Repeat(100, [step()])),
    ("Repeat.count", lambda: Repeat(0, [step()])),
    ("Repeat.count", lambda: Repeat(-3, [step()])),
    ("Repeat.count", lambda: Repeat(2.5, [step()])),
    ("Repeat.count", lambda: Repeat(True, [step()])),
    ("Repeat.steps", lambda: Repeat(2, [])),
    ("Repeat.steps[1]", lambda: Repeat(2, [step(), "walk"])),
    ("Repeat.steps", lambda: _nested(MAX_REPEAT_DEPTH + 1)),
    ("Workout.name", lambda: workout(name="")),
    ("Workout.name", lambda: workout(name="   ")),
    ("Workout.name", lambda: workout(name="x" * 81)),
    ("Workout.name", lambda: workout(name="a\tb")),
    ("Workout.name", lambda: Workout(None, [step()])),
    ("Workout.name", lambda: workout(name="odd \ufffe")),  # XML files could not hold it
    ("Step.cue", lambda: step(cue="lone \ud800 surrogate")),
    ("Workout.steps", lambda: Workout("W", [])),
    ("Repeat.steps", lambda: Workout("W", [Repeat(99, [Repeat(99, [step(), step()])])])),
    ("Workout.steps", lambda: Workout("W", [Repeat(99, [Repeat(99, [step()])])] * 2)),
    ("Workout.description", lambda: Workout("W", [step()], "x" * 4001)),
    ("Session.workout", lambda: Session("W")),
    ("Session.weekday", lambda: Session(workout(), 2)),
    ("Week.sessions", lambda: Week([])),
    ("Week.sessions", lambda: Week([Session(workout())] * 8)),
    ("Week.sessions", lambda: Week([Session(workout(), Weekday.MONDAY), Session(workout(), Weekday.MONDAY)])),
    ("Week.label", lambda: Week([Session(workout())], label="x" * 41)),
    ("Plan.name", lambda: Plan(name="", weeks=[Week([Session(workout())])])),
    ("Plan.weeks", lambda: Plan(name="P", weeks=[])),
    ("Plan.weeks[0]", lambda: Plan(name="P", weeks=[Session(workout())])),
    ("Plan.level", lambda: Plan(name="P", weeks=[Week([Session(workout())])], level="rehab")),
    ("Plan.forward_speed", lambda: Plan(name="P", weeks=[Week([Session(workout())])], forward_speed=4.5)),
    ("Plan.start", lambda: Plan(name="P", weeks=[Week([Session(workout())])], start="2026-01-05")),
    ("Plan.start", lambda: Plan(name="P", weeks=[Week([Session(workout())])], start=dt.date(9999, 12, 31))),
    ("Plan.start", lambda: Plan(name="P", weeks=[Week([Session(workout())])], start=dt.date(1999, 12, 31))),
    ("Plan.start", lambda: Plan(name="P", weeks=[Week([Session(workout())])] * 2, start=dt.date(2200, 12, 25))),
]


@pytest.mark.parametrize(("field", "make"), BAD_INPUTS, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD_INPUTS)])
def test_bad_input_raises_validation_error_naming_the_field(field: str, make: Callable[[], object]) -> None:
    with pytest.raises(ValidationError) as caught:
        make()
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert "got" in str(caught.value)


def test_non_finite_numbers_never_reach_the_model() -> None:
    for value in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValidationError, match="finite"):
            step(length=Duration.seconds(value))


def test_the_segment_limit_counts_expanded_segments() -> None:
    # 99 x 99 = 9801 segments is allowed; 99 x 99 x 2 is not, however few steps the document holds.
    assert len(workout(Repeat(99, [Repeat(99, [step()])])).timeline) == 9801
    with pytest.raises(ValidationError, match=str(MAX_SEGMENTS)):
        workout(Repeat(99, [Repeat(99, [step(), step()])]))


def test_plan_dates_follow_the_start_weekday() -> None:
    monday_wednesday_friday = Week(
        [Session(workout(), Weekday.MONDAY), Session(workout(), Weekday.WEDNESDAY), Session(workout(), Weekday.FRIDAY)]
    )
    plan = Plan(name="P", weeks=[monday_wednesday_friday] * 2, level=Level.REHAB, start=dt.date(2026, 11, 23))
    assert plan.session_date(0, 0) == dt.date(2026, 11, 23)
    assert plan.session_date(0, 2) == dt.date(2026, 11, 27)
    assert plan.session_date(1, 1) == dt.date(2026, 12, 2)
    assert [(w, s) for w, s, _ in plan.sessions()] == [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3)]


def test_a_plan_starting_midweek_lists_sessions_in_date_order() -> None:
    week = Week([Session(workout(), Weekday.WEDNESDAY), Session(workout(), Weekday.MONDAY)])
    plan = Plan(name="P", weeks=[week], start=dt.date(2026, 11, 25))  # a Wednesday
    assert plan.session_date(0, 1) == dt.date(2026, 11, 30)
    with pytest.raises(ValidationError, match="date order") as caught:
        Plan(name="P", weeks=[week], start=dt.date(2026, 11, 23))  # a Monday: Wednesday then Monday is backward
    assert caught.value.field == "Plan.weeks[0].sessions"


def test_unscheduled_sessions_have_no_date() -> None:
    plan = Plan(name="P", weeks=[Week([Session(workout())])], start=dt.date(2026, 1, 1))
    assert plan.session_date(0, 0) is None
    assert Plan(name="P", weeks=[Week([Session(workout(), Weekday.FRIDAY)])]).session_date(0, 0) is None


def test_weekday_parsing() -> None:
    assert Weekday.parse("mon") is Weekday.MONDAY
    assert Weekday.parse(" Sunday ") is Weekday.SUNDAY
    assert Weekday.SATURDAY.short == "sat"
    with pytest.raises(ValidationError, match="Weekday"):
        Weekday.parse("someday")


@given(ris.workouts())
def test_generated_workouts_are_valid_and_equal_to_their_copies(w: Workout) -> None:
    assert attrs.evolve(w) == w
    assert all(isinstance(s, Step) for s in w.steps_flat())


@given(ris.plans())
def test_generated_plans_have_dates_in_order(plan: Plan) -> None:
    for week_index, week in enumerate(plan.weeks):
        dates = [plan.session_date(week_index, i) for i in range(len(week.sessions))]
        known = [d for d in dates if d is not None]
        assert known == sorted(known)
        if plan.start is not None:
            assert all(
                plan.start + dt.timedelta(7 * week_index) <= d < plan.start + dt.timedelta(7 * week_index + 7)
                for d in known
            )


def test_a_stop_to_turn_step_ends_on_the_lap_button_with_the_belt_stopped() -> None:
    turn = Step(
        direction=Direction.FORWARD,
        kind=StepKind.TRANSITION,
        length=Duration.seconds(20),
        speed=Speed.kmh(1.0),
        until_lap=True,
        belt_stopped=True,
    )
    assert str(turn.duration) == "0:20"
    assert turn.distance == Distance(0)
    with pytest.raises(ValidationError, match="must end on the lap button"):
        attrs.evolve(turn, until_lap=False)
    with pytest.raises(ValidationError, match="needs an expected time"):
        attrs.evolve(turn, length=Distance.metres(10))
