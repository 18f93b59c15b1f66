"""The plan generator: every plan it makes obeys every rule; it is deterministic; it refuses unsafe inputs."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrointervals import Direction, Level, Plan, Speed, StepKind, ValidationError, Weekday
from retrointervals import strategies as ris
from retrointervals.formats import native
from retrointervals.plans import DEFAULT_RULES, ProgressionRules, check, generate_plan
from retrointervals.plans.loads import SessionShape
from retrointervals.treadmill import DEFAULT, MPH, WALKING_PAD, Treadmill

LEVELS = st.sampled_from(Level)


@given(ris.generated_plans())
def test_every_generated_plan_follows_every_rule(plan: Plan) -> None:
    violations = [str(violation) for violation in check(plan)]
    assert violations == [], f"{plan.level}, F={plan.forward_speed}, {plan.treadmill}, {len(plan.weeks)} weeks"


@given(LEVELS, ris.speeds(min_kmh=2.0, max_kmh=6.5), ris.treadmills(), st.none() | st.integers(1, 16))
def test_generation_is_deterministic_or_refuses_for_a_stated_reason(
    level: Level, forward: Speed, treadmill: Treadmill, weeks: int | None
) -> None:
    try:
        plan = generate_plan(level, forward, treadmill, weeks=weeks)
    except ValidationError as error:
        # The only refusals: no handrails for rehab/beginner, F outside the machine, or the machine too fast (R3).
        assert error.field in {"treadmill", "forward_speed"}
        if error.field == "treadmill":
            assert "handrails" in error.problem or "R3" in error.problem
        return
    assert generate_plan(level, forward, treadmill, weeks=weeks) == plan
    assert len(plan.weeks) == (weeks or DEFAULT_RULES.level(level).weeks)


@given(ris.generated_plans())
def test_generated_plans_survive_the_json_round_trip(plan: Plan) -> None:
    assert native.from_json(native.to_json(plan)) == plan


@given(ris.generated_plans())
def test_backward_minutes_never_exceed_the_caps(plan: Plan) -> None:
    assert plan.level is not None
    level = DEFAULT_RULES.level(plan.level)
    for _, _, session in plan.sessions():
        shape = SessionShape.of(session.workout)
        assert shape.backward_s <= level.session_cap_s
        assert all(bout.duration_s <= level.bout_cap_s for bout in shape.bouts)
        assert all(s.duration.exact % DEFAULT_RULES.granularity_s == 0 for s in session.workout.timeline)


@given(ris.generated_plans())
def test_the_seed_guidance_holds(plan: Plan) -> None:
    """Warm up forward 2-5 min before walking backward; start with 2-5 backward minutes (rehab, beginner) or
    5-10 and beyond (higher levels); no incline for beginners; start slow."""
    assert plan.level is not None
    assert plan.forward_speed is not None
    first_week = [SessionShape.of(session.workout) for session in plan.weeks[0].sessions]
    for shape in first_week:
        warmup = [s for s in shape.segments if s.step.kind is StepKind.WARMUP]
        assert all(s.step.direction is Direction.FORWARD for s in warmup)
        assert 120 <= sum(s.duration.exact for s in warmup) <= 300
        assert shape.tokens.index("B") > shape.tokens.rindex("W")
        minutes = shape.backward_s / 60
        if plan.level in (Level.REHAB, Level.BEGINNER):
            assert 2 <= minutes <= 6  # beginner week 1 is 4 x 1:30 = 6 min (evidence notes §6.3)
        else:
            assert minutes >= 5
        if plan.level in (Level.REHAB, Level.BEGINNER):
            assert shape.incline_pct == 0
        assert shape.speed_kmh <= Fraction(plan.forward_speed.exact_kmh) * Fraction(85, 100)


def test_the_default_tables_come_out_as_documented() -> None:
    plan = generate_plan("rehab", Speed.kmh(5.0), start=dt.date(2026, 11, 23))
    descriptions = [week.sessions[0].workout.description for week in plan.weeks]
    assert descriptions[0].startswith("Week 1 (start): 6 x 0:30 backward at 2.0 km/h, 3:00 of backward walking")
    assert descriptions[3].startswith("Week 4 (speed): 6 x 1:00 backward at 2.2 km/h")
    assert descriptions[5].startswith("Week 6 (volume): 5 x 2:00 backward at 2.2 km/h, 10:00 of backward walking")
    assert [s.weekday for s in plan.weeks[0].sessions] == [Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.FRIDAY]
    assert plan.session_date(5, 2) == dt.date(2027, 1, 1)
    advanced = generate_plan(Level.ADVANCED, Speed.kmh(5.0))
    assert [week.deload for week in advanced.weeks] == [False, False, False, True, False, False, False, True]
    assert "2.0 % incline" in advanced.weeks[0].sessions[0].workout.description


def test_a_session_has_the_documented_shape() -> None:
    plan = generate_plan("beginner", Speed.kmh(4.5))
    shape = SessionShape.of(plan.weeks[0].sessions[0].workout)
    assert shape.tokens == "W" + "TBTR" * 3 + "TBTC"
    steps = [segment.step for segment in shape.segments]
    assert steps[1].cue == "Stop the belt, hold the rails, turn to face the back, restart at 1.0 km/h, then press lap"
    assert steps[1].belt_stopped
    assert steps[1].until_lap
    assert steps[1].hold_handrails
    assert steps[2].hold_handrails
    assert steps[2].cue is not None
    assert "toes first, knees soft, feet mid-belt, eyes ahead" in steps[2].cue
    assert str(steps[2].speed) == "2.2 km/h"  # 0.50 x 4.5 = 2.25, snapped down
    assert str(steps[0].speed) == "4.1 km/h"  # warm-up at 0.9 F, to the nearest 0.1
    later = SessionShape.of(plan.weeks[2].sessions[0].workout)
    assert not later.segments[2].step.hold_handrails  # a light touch is allowed from week 3


def test_a_mph_treadmill_gets_mph_speeds_from_a_kmh_forward_speed() -> None:
    plan = generate_plan("rehab", Speed.kmh(3.5), MPH)
    speeds = {segment.step.speed.unit for _, _, s in plan.sessions() for segment in s.workout.timeline}
    assert speeds == {MPH.unit}
    assert check(plan) == []


def test_longer_plans_continue_then_hold() -> None:
    plan = generate_plan("beginner", Speed.kmh(5.0), weeks=16)
    assert check(plan) == []
    last = SessionShape.of(plan.weeks[-1].sessions[0].workout)
    assert last.backward_s == DEFAULT_RULES.level(Level.BEGINNER).session_cap_s
    assert plan.weeks[-1].label == "hold"
    short = generate_plan("advanced", Speed.kmh(5.0), weeks=2)
    assert len(short.weeks) == 2


@pytest.mark.parametrize(
    ("arguments", "field", "words"),
    [
        ({"level": "rehab", "forward_speed": Speed.kmh(1.9)}, "forward_speed", "2 to 6.5 km/h"),
        ({"level": "rehab", "forward_speed": Speed.kmh(6.6)}, "forward_speed", "2 to 6.5 km/h"),
        ({"level": "beginner", "forward_speed": Speed.kmh(4.0), "treadmill": WALKING_PAD}, "treadmill", "handrails"),
        ({"level": "rehab", "forward_speed": Speed.kmh(3.0), "treadmill": WALKING_PAD}, "treadmill", "handrails"),
        ({"level": "advanced", "forward_speed": Speed.kmh(6.5), "treadmill": WALKING_PAD}, "forward_speed", "range"),
        ({"level": "rehab", "forward_speed": Speed.kmh(2.5), "weeks": 0}, "weeks", "1 to 16"),
        ({"level": "rehab", "forward_speed": Speed.kmh(2.5), "weeks": 17}, "weeks", "1 to 16"),
        ({"level": "rehab", "forward_speed": Speed.kmh(2.5), "sessions_per_week": 4}, "sessions_per_week", "3"),
        ({"level": "advanced", "forward_speed": Speed.kmh(5.0), "sessions_per_week": 6}, "sessions_per_week", "3 to 5"),
        ({"level": "expert", "forward_speed": Speed.kmh(5.0)}, "level", "rehab, beginner"),
        ({"level": "rehab", "forward_speed": 4.5}, "forward_speed", "Speed.kmh"),
    ],
)
def test_unsafe_or_impossible_inputs_are_refused(arguments: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        generate_plan(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert words in str(caught.value)


def test_a_treadmill_too_fast_for_the_level_is_refused_not_bent() -> None:
    slow_start = Treadmill(name="fast-start", unit=MPH.unit, min_speed=Speed.mph(1.6), max_speed=Speed.mph(10.0))
    with pytest.raises(ValidationError, match="R3") as caught:
        generate_plan("rehab", Speed.kmh(3.0), slow_start)
    assert "1.6 mph" in str(caught.value)


def test_the_treadmill_minimum_is_used_only_within_the_band_and_said_so() -> None:
    # 0.40 x 2.0 km/h = 0.8 km/h, below a 1.0 km/h machine; the band allows up to 0.50 x 2.0 = 1.0 km/h.
    machine = Treadmill(name="one", unit=DEFAULT.unit, min_speed=Speed.kmh(1.0), max_speed=Speed.kmh(12.0))
    plan = generate_plan("rehab", Speed.kmh(2.0), machine)
    assert "raised to the treadmill's slowest, 1.0 km/h" in plan.description
    assert check(plan) == []


@st.composite
def tightened_rules(draw: st.DrawFn) -> ProgressionRules:
    """The default rules with each level's caps tightened, as a clinic might."""
    levels = {}
    for level, parameters in DEFAULT_RULES.levels.items():
        session_cap = draw(st.integers(parameters.bouts[0] * 30 // 60, parameters.session_cap_s // 60)) * 60
        levels[level] = attrs.evolve(
            parameters,
            session_cap_s=max(session_cap, parameters.bouts[0] * 30),
            backward_cap_kmh=draw(st.sampled_from([parameters.backward_cap_kmh, Fraction(2)])),
            incline_max_pct=draw(st.sampled_from([parameters.incline_max_pct, Fraction(0)])),
        )
    return attrs.evolve(DEFAULT_RULES, levels=levels)


@given(st.data())
def test_plans_generated_under_a_clinics_tighter_rules_obey_them(data: st.DataObject) -> None:
    rules = data.draw(tightened_rules())
    plan = data.draw(ris.generated_plans(rules=rules))
    assert [str(v) for v in check(plan, rules=rules)] == []


def test_a_coarse_mph_treadmill_starts_at_its_slowest_when_the_band_allows() -> None:
    # 0.40 x 2.0 km/h = 0.8 km/h is just below 0.5 mph (0.805 km/h), this machine's slowest, which the rehab band
    # (up to 0.50 x 2.0 = 1.0 km/h) still allows; nothing may be snapped down to 0 mph.
    machine = Treadmill(name="home", unit=MPH.unit, min_speed=Speed.mph(0.5), max_speed=Speed.mph(3.5),
                        speed_increment_tenths=5)  # fmt: skip
    plan = generate_plan("rehab", Speed.kmh(2.0), machine)
    assert "raised to the treadmill's slowest, 0.5 mph" in plan.description
    assert check(plan) == []


def test_stop_to_turn_is_the_default_and_slow_turns_are_opt_in_where_allowed() -> None:
    for level in Level:
        plan = generate_plan(level, Speed.kmh(4.5))
        turns = [
            seg.step
            for _, _, s in plan.sessions()
            for seg in s.workout.timeline
            if seg.step.kind is StepKind.TRANSITION
        ]
        assert turns
        assert all(step.belt_stopped and step.until_lap for step in turns)
    slow = generate_plan("intermediate", Speed.kmh(4.5), turn="slow")
    assert check(slow) == []
    turns = [seg.step for seg in slow.weeks[0].sessions[0].workout.timeline if seg.step.kind is StepKind.TRANSITION]
    assert all(not step.belt_stopped and step.hold_handrails for step in turns)
    # A slow turn out of a bout is walked backward, so it counts: week 1 stays within the entry dose.
    shape = SessionShape.of(slow.weeks[0].sessions[0].workout)
    assert shape.backward_s <= DEFAULT_RULES.level(Level.INTERMEDIATE).entry.backward_s
    for level, machine, words in [
        ("rehab", DEFAULT, "slow turns start at intermediate"),
        ("beginner", DEFAULT, "slow turns start at intermediate"),
        ("advanced", WALKING_PAD, "needs handrails"),
    ]:
        with pytest.raises(ValidationError, match=words) as caught:
            generate_plan(level, Speed.kmh(4.5), machine, turn="slow")
        assert caught.value.field == "turn"
    with pytest.raises(ValidationError, match="stop, slow"):
        generate_plan("advanced", Speed.kmh(4.5), turn="sideways")


@given(ris.generated_plans(treadmill=st.just(WALKING_PAD)))
def test_plans_for_a_treadmill_without_handrails_never_mention_rails(plan: Plan) -> None:
    texts = [plan.description] + [
        text
        for _, _, session in plan.sessions()
        for text in [session.workout.description or "", *(seg.step.cue or "" for seg in session.workout.timeline)]
    ]
    assert not any(re.search(r"\b(hand)?rails?\b", text.replace("handrails:", ""), re.IGNORECASE) for text in texts[1:])
    assert not any(seg.step.hold_handrails for _, _, s in plan.sessions() for seg in s.workout.timeline)
    assert "walking stick" in plan.description
    assert "hold the rails" not in plan.description.lower()


def test_the_backward_time_the_plan_shows_is_the_time_the_caps_limit() -> None:
    for level in Level:
        rules = DEFAULT_RULES.level(level)
        plan = generate_plan(level, Speed.kmh(5.0), weeks=16)
        most = max(SessionShape.of(s.workout).backward_s for _, _, s in plan.sessions())
        assert most <= rules.session_cap_s
    advanced = generate_plan("advanced", Speed.kmh(5.0))
    assert "30:00 of backward walking" in advanced.weeks[6].sessions[0].workout.description


def test_workout_names_sort_in_plan_order_and_stay_unique() -> None:
    plan = generate_plan("beginner", Speed.kmh(5.0), weeks=12)
    names = [session.workout.name for _, _, session in plan.sessions()]
    assert names == sorted(names)
    assert len(set(names)) == len(names)
    assert names[0] == "Retro W01S1"
    assert "Retro W10S1" in names
    assert max(len(name) for name in names) <= 15
