"""Decision rules and adapt: examples for each kind of week, and properties over arbitrary plans and logs."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from recordings import record_session

from retrointervals import strategies as ris
from retrointervals.activity.fit import read_bytes
from retrointervals.adaptation import (
    DECISION_RULES,
    DEFAULT_RUNTIME_RULES,
    Action,
    adapt,
    decide,
    rules_file,
    runtime_rules_from_json,
)
from retrointervals.errors import FormatError, ValidationError
from retrointervals.model import Level
from retrointervals.plans import check, generate_plan, workout_name
from retrointervals.plans.loads import SessionShape, WeekLoad, progressed
from retrointervals.review import review_activity, review_plan
from retrointervals.sessionlog import Balance, LogEntry, Status
from retrointervals.units import Speed

START = dt.date(2026, 12, 1)


def easy(plan, week, **changes):
    """A painless, light, complete week."""
    return [
        LogEntry(
            date=plan.session_date(week - 1, n),
            session=f"W{week}S{n + 1}",
            rpe=10,
            pain_during=1,
            pain_after=1,
            pain_next_morning=0,
            **changes,
        )
        for n in range(len(plan.weeks[week - 1].sessions))
    ]


def monday_after(plan, week):
    return plan.start + dt.timedelta(days=7 * week)


def load(week):
    return WeekLoad.of_sessions([SessionShape.of(s.workout) for s in week.sessions], week.deload)


@pytest.fixture(scope="module")
def rehab():
    return generate_plan("rehab", Speed.kmh(4.0), start=START)


def run(plan, log, week, recordings=()):
    return adapt(plan, review_plan(plan, log, recordings), monday_after(plan, week))


def test_an_easy_painless_week_progresses(rehab):
    result = run(rehab, easy(rehab, 1), 1)
    assert (result.decision.action, result.decision.rules) == (Action.PROGRESS, ("R4",))
    assert result.plan == rehab


def test_red_pain_steps_back_to_a_lighter_week_then_repeats(rehab):
    log = easy(rehab, 1) + easy(rehab, 2)
    log[-1] = attrs.evolve(log[-1], pain_during=6)
    result = run(rehab, log, 2)
    assert result.decision.action is Action.STEP_BACK
    assert "R5a" in result.decision.rules
    weeks = result.plan.weeks
    assert weeks[:2] == rehab.weeks[:2]
    assert weeks[2].deload
    assert weeks[2].label == "step back"
    assert load(weeks[2]).backward_s < load(weeks[1]).backward_s
    assert load(weeks[3]) == attrs.evolve(load(weeks[1]), deload=False)
    assert weeks[3].sessions[0].workout.name == workout_name(4, 1)
    assert not check(result.plan)


def test_a_missed_session_repeats_the_week_and_shifts_later_dates(rehab):
    log = easy(rehab, 1)[:2]
    result = run(rehab, log, 1)
    assert result.decision.action is Action.REPEAT
    assert result.decision.rules == ("R2b",)
    assert len(result.plan.weeks) == len(rehab.weeks) + 1
    repeated, planned = result.plan.weeks[2], rehab.weeks[1]
    assert [s.workout.steps for s in repeated.sessions] == [s.workout.steps for s in planned.sessions]
    assert repeated.sessions[0].workout.name == workout_name(3, 1)
    assert result.plan.session_date(2, 0) == rehab.session_date(1, 0) + dt.timedelta(days=7)


def test_adapting_twice_changes_nothing_more(rehab):
    log = easy(rehab, 1)[:2]
    first = run(rehab, log, 1)
    second = run(first.plan, log, 1)
    assert second.plan == first.plan
    assert second.notes == ("already adapted to this decision",)
    stepped = run(rehab, easy(rehab, 1, stumble=Balance.NEAR_FALL), 1)
    assert run(stepped.plan, easy(rehab, 1, stumble=Balance.NEAR_FALL), 1).plan == stepped.plan


def test_a_recording_without_a_log_never_progresses(rehab):
    recordings = []
    for n in range(3):
        day = rehab.session_date(0, n)
        start = dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.timezone.utc)
        activity = read_bytes(record_session(rehab.weeks[0].sessions[n].workout, start))
        recordings.append(review_activity(rehab, activity))
    reviews = review_plan(rehab, [], recordings)
    decision = decide(rehab, reviews, today=monday_after(rehab, 1))[-1]
    assert decision.action is Action.REPEAT
    assert decision.rules == ("R1h",)


def test_a_long_gap_stops_and_asks_for_a_new_screening(rehab):
    result = adapt(rehab, review_plan(rehab, easy(rehab, 1)), START + dt.timedelta(days=40))
    assert result.decision.action is Action.STOP
    assert result.plan is None
    assert "R2c" in result.decision.rules


def test_two_red_sessions_in_a_row_stop(rehab):
    log = easy(rehab, 1)
    log[1] = attrs.evolve(log[1], pain_after=7)
    log[2] = attrs.evolve(log[2], pain_after=6)
    decision = run(rehab, log, 1).decision
    assert (decision.action, decision.rules[0]) == (Action.STOP, "R6e")


def test_held_twice_steps_back_and_a_third_step_back_stops(rehab):
    log = easy(rehab, 1, status=Status.PARTIAL) + easy(rehab, 2, status=Status.PARTIAL)
    decisions = decide(rehab, review_plan(rehab, log), today=monday_after(rehab, 2))
    assert [d.action for d in decisions] == [Action.REPEAT, Action.STEP_BACK]
    assert "R5f" in decisions[1].rules
    near = []
    for week in (1, 2, 3):
        near += easy(rehab, week, stumble=Balance.NEAR_FALL)
    decisions = decide(rehab, review_plan(rehab, near), today=monday_after(rehab, 3))
    assert [d.action for d in decisions] == [Action.STEP_BACK, Action.STEP_BACK, Action.STOP]
    assert "R6f" in decisions[2].rules


def test_effort_gates():
    plan = generate_plan("beginner", Speed.kmh(4.5), start=START)
    for rpe, action, rule in ((13, Action.PROGRESS, "R4"), (14, Action.REPEAT, "R1b"), (16, Action.STEP_BACK, "R5d")):
        log = [attrs.evolve(entry, rpe=rpe) for entry in easy(plan, 1)]
        decision = decide(plan, review_plan(plan, log), today=monday_after(plan, 1))[-1]
        assert (decision.action, decision.rules[0]) == (action, rule)


def test_runtime_numbers_come_from_the_rules_file():
    rules = runtime_rules_from_json('{"volume_ratio": 0.2, "runtime": {"pain_green_max": 2}}')
    assert rules == attrs.evolve(DEFAULT_RUNTIME_RULES, pain_green_max=2)
    progression, runtime = rules_file('{"volume_ratio": 0.2, "runtime": {"compliance_complete": 0.9}}')
    assert progression.volume_ratio == Fraction(1, 5)
    assert runtime.compliance_complete == 0.9
    for text, message in (
        ('{"runtime": {"nope": 1}}', "unknown runtime setting 'nope'"),
        ('{"runtime": {"pain_green_max": 2.5}}', "expected a whole number"),
        ('{"runtime": []}', "expected an object"),
        ("{", "not valid JSON"),
    ):
        with pytest.raises(FormatError, match=message):
            runtime_rules_from_json(text, "rules.json")


def test_every_rule_has_an_id_a_tag_and_a_source():
    assert len({rule.id for rule in DECISION_RULES}) == len(DECISION_RULES)
    for rule in DECISION_RULES:
        assert rule.tag in ("[S]", "[S2]", "[D]")
        assert rule.source
        assert rule.text


def test_a_plan_that_breaks_the_rules_is_not_adapted(rehab):
    broken = attrs.evolve(rehab, weeks=rehab.weeks[::-1])
    with pytest.raises(ValidationError, match="breaks the progression rules"):
        adapt(broken, [], START)


# --- properties ---------------------------------------------------------------------------------------------


def _worst(entries):
    return any(
        (e.pain_band_value or 0) > DEFAULT_RUNTIME_RULES.pain_amber_max or e.stumble is not Balance.NONE
        for e in entries
    )


@settings(deadline=None)
@given(
    st.data(),
    ris.generated_plans(levels=st.sampled_from(list(Level)), weeks=st.integers(1, 8)).filter(
        lambda plan: plan.start is not None
    ),
)
def test_adapt_keeps_the_rules_the_walked_weeks_and_never_progresses_after_trouble(data, plan):
    walked = data.draw(st.integers(1, len(plan.weeks)))
    log = data.draw(ris.plan_logs(plan, weeks=walked))
    recordings = []
    if data.draw(st.booleans()):
        week, number = 1, 1
        workout = plan.weeks[0].sessions[0].workout
        day = plan.session_date(0, 0)
        start = dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.timezone.utc)
        activity = data.draw(ris.recorded_activities(workout, start))
        recordings.append(review_activity(plan, activity, log, session=f"W{week}S{number}"))
    today = monday_after(plan, walked)  # the first day of the next week: only the weeks walked are over
    result = adapt(plan, review_plan(plan, log, recordings), today)
    if result.decision is None:
        assert result.plan == plan
        return
    assert result.walked_weeks == walked
    if result.plan is not None:
        assert not check(result.plan)
        assert result.plan.weeks[:walked] == plan.weeks[:walked]
    last_week = [e for e in log if e.week_and_session[0] == walked]
    missed = len(last_week) < len(plan.weeks[walked - 1].sessions)
    if _worst(last_week) or missed:
        assert result.decision.action is not Action.PROGRESS
        if result.plan is not None and len(result.plan.weeks) > walked:
            before, after = load(plan.weeks[walked - 1]), load(result.plan.weeks[walked])
            assert not progressed(before, before, after)


@pytest.mark.parametrize("turn", ["stop", "slow"])
def test_adapted_weeks_keep_the_plans_turns_and_the_generators_names(turn):
    plan = generate_plan("intermediate", Speed.kmh(4.5), start=START, turn=turn)
    log = easy(plan, 1) + easy(plan, 2)
    log[-1] = attrs.evolve(log[-1], pain_during=6)
    result = run(plan, log, 2)
    assert result.decision.action is Action.STEP_BACK
    adapted = result.plan
    assert not check(adapted)
    for week_number, week in enumerate(adapted.weeks, start=1):
        for number, session in enumerate(week.sessions, start=1):
            assert session.workout.name == workout_name(week_number, number)
            turns = [s.step for s in session.workout.timeline if s.step.kind.value == "transition"]
            assert {step.belt_stopped for step in turns} == {turn == "stop"}
    lighter = adapted.weeks[2]
    assert lighter.label == "step back"
    workout = lighter.sessions[0].workout
    assert workout.description.startswith("Week 3 (step back)")
    assert f"{workout.backward_time} of backward walking" in workout.description
