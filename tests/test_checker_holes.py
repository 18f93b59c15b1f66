"""Plans a clinician would stop, which an earlier checker passed: each is now caught, with its rule and place."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from retrointervals import Direction, Plan, Speed, StepKind
from retrointervals.model import Incline, Session, Step, Workout
from retrointervals.plans import check, generate_plan
from retrointervals.units import Duration


def _rehab() -> Plan:
    return generate_plan("rehab", Speed.kmh(4.0))


def _edit(plan: Plan, week: int, edit: Callable[[list[Step]], list[Step]], sessions: slice = slice(None)) -> Plan:
    """A copy of the plan with ``edit`` applied to the flat steps of the chosen sessions of a week (from 0)."""
    chosen = plan.weeks[week]
    new_sessions = list(chosen.sessions)
    for index in range(len(new_sessions))[sessions]:
        session = new_sessions[index]
        steps = edit([segment.step for segment in session.workout.timeline])
        new_sessions[index] = Session(
            Workout(session.workout.name, steps, session.workout.description), session.weekday
        )
    weeks = list(plan.weeks)
    weeks[week] = attrs.evolve(chosen, sessions=new_sessions)
    return attrs.evolve(plan, weeks=weeks)


def _rules(plan: Plan) -> set[str]:
    return {violation.rule for violation in check(plan)}


def test_thirty_backward_minutes_hidden_in_a_transition() -> None:
    def long_turn(steps: list[Step]) -> list[Step]:
        index = next(i for i, s in enumerate(steps) if s.kind is StepKind.TRANSITION)
        turn = Step(
            direction=Direction.BACKWARD, kind=StepKind.TRANSITION, length=Duration.seconds(1800), speed=Speed.kmh(1.0)
        )
        return [*steps[:index], turn, *steps[index + 1 :]]

    violations = check(_edit(_rehab(), 0, long_turn))
    assert {"S4", "T4"} <= {v.rule for v in violations}
    s4 = next(v for v in violations if v.rule == "S4")
    assert (s4.week, s4.session) == (1, 1)
    assert "more than the rehab cap of 10:00" in s4.message


def test_twenty_bouts_in_a_rehab_session() -> None:
    def twenty(steps: list[Step]) -> list[Step]:
        first = next(i for i, s in enumerate(steps) if s.kind is StepKind.ACTIVE)
        group = steps[first - 1 : first + 3]
        short = [attrs.evolve(s, length=Duration.seconds(15)) if s.kind is StepKind.ACTIVE else s for s in group]
        bouts = sum(s.kind is StepKind.ACTIVE for s in steps)
        return steps[: first - 1] + short * (20 - bouts) + steps[first - 1 :]

    violations = [v for v in check(_edit(_rehab(), 0, twenty)) if v.rule == "S10"]
    assert violations
    assert "20 backward bouts; the rehab level has 4 to 6" in violations[0].message


def test_a_fast_forward_recovery() -> None:
    def fast(steps: list[Step]) -> list[Step]:
        return [attrs.evolve(s, speed=Speed.kmh(10.0)) if s.kind is StepKind.RECOVERY else s for s in steps]

    violations = [v for v in check(_edit(_rehab(), 2, fast)) if v.rule == "S5"]
    assert violations
    assert "forward recovery at 10.0 km/h is faster than the forward speed 4 km/h" in violations[0].message


def test_an_incline_in_a_rehab_recovery_or_turn() -> None:
    for kind in (StepKind.RECOVERY, StepKind.TRANSITION):

        def steep(steps: list[Step], kind: StepKind = kind) -> list[Step]:
            return [attrs.evolve(s, incline=Incline.percent(10)) if s.kind is kind else s for s in steps]

        violations = [v for v in check(_edit(_rehab(), 0, steep)) if v.rule == "S8"]
        assert violations, kind
        assert "above the rehab limit of 0 %" in violations[0].message


def test_a_forward_speed_far_above_the_accepted_range() -> None:
    plan = attrs.evolve(_rehab(), forward_speed=Speed.kmh(12.0))
    violations = [v for v in check(plan) if v.rule == "S7"]
    assert [v.place for v in violations] == ["plan"]
    assert "12 km/h is outside the accepted 2 km/h to 6.5 km/h" in violations[0].message


def test_three_minutes_on_monday_and_ten_on_wednesday() -> None:
    def ten_minutes(steps: list[Step]) -> list[Step]:
        return [attrs.evolve(s, length=Duration.seconds(100)) if s.kind is StepKind.ACTIVE else s for s in steps]

    plan = _edit(_rehab(), 0, ten_minutes, slice(1, 3))
    violations = [v for v in check(plan) if v.rule == "W1"]
    assert violations
    assert violations[0].place == "week 1, session 2"
    assert "jumps within the week from 3:00 to 10:00" in violations[0].message


def test_a_first_week_far_above_the_entry_dose() -> None:
    plan = generate_plan("beginner", Speed.kmh(5.0), weeks=1)

    def double(steps: list[Step]) -> list[Step]:
        return [attrs.evolve(s, length=Duration.seconds(180)) if s.kind is StepKind.ACTIVE else s for s in steps]

    violations = [v for v in check(_edit(plan, 0, double)) if v.rule == "W10"]
    assert violations
    assert "week 1 has 12:00 of backward walking, more than the beginner level's first week (6:00)" in (
        violations[0].message
    )


def test_a_cue_that_contradicts_its_handrail_flag() -> None:
    def letting_go(steps: list[Step]) -> list[Step]:
        return [attrs.evolve(s, hold_handrails=False) if s.kind is StepKind.TRANSITION else s for s in steps]

    assert "T7" in _rules(_edit(_rehab(), 0, letting_go))


def test_an_incline_change_during_a_turn() -> None:
    plan = generate_plan("advanced", Speed.kmh(5.0))

    def flat_turns(steps: list[Step]) -> list[Step]:
        return [attrs.evolve(s, incline=Incline.flat()) if s.kind is StepKind.TRANSITION else s for s in steps]

    violations = [v for v in check(_edit(plan, 0, flat_turns)) if v.rule == "T3"]
    assert violations
    assert "the incline changes during a turn-around (0.0 % while the backward bout is at 2.0 %)" in (
        violations[0].message
    )


def test_rail_talk_on_a_treadmill_without_rails() -> None:
    from retrointervals.treadmill import WALKING_PAD  # noqa: PLC0415

    plan = generate_plan("advanced", Speed.kmh(5.0), WALKING_PAD)
    assert check(plan) == []

    def rails(steps: list[Step]) -> list[Step]:
        return [attrs.evolve(s, cue="Slow down, hold the rails") if s.kind is StepKind.TRANSITION else s for s in steps]

    violations = [v for v in check(_edit(plan, 0, rails)) if v.rule == "T7"]
    assert violations
    assert "mentions rails; walking-pad has none" in violations[0].message


def test_a_slow_turn_where_the_level_needs_the_belt_stopped() -> None:
    def moving(steps: list[Step]) -> list[Step]:
        return [
            attrs.evolve(s, belt_stopped=False, until_lap=False, length=Duration.seconds(15))
            if s.kind is StepKind.TRANSITION
            else s
            for s in steps
        ]

    violations = [v for v in check(_edit(_rehab(), 0, moving)) if v.rule == "T4"]
    assert violations
    assert "needs the belt stopped to turn" in violations[0].message
