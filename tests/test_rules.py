"""The checker: sensitive to every rule, explains each violation, and follows a clinician's own settings."""

from __future__ import annotations

from fractions import Fraction

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrointervals import Level, Plan, Speed, ValidationError
from retrointervals import strategies as ris
from retrointervals.plans import DEFAULT_RULES, RULES, Violation, check, generate_plan
from retrointervals.testing.breakers import ALONE_EXCEPT, BREAKERS, break_rule


def test_every_rule_id_of_the_evidence_notes_has_a_rule_and_a_breaker() -> None:
    expected = [f"S{i}" for i in range(1, 11)] + ["T3", "T4", "T7"] + [f"W{i}" for i in range(1, 11)] + ["H1", "H2"]
    assert list(RULES) == expected
    assert list(BREAKERS) == expected
    assert tuple(expected) == ris.RULE_IDS
    for rule_id, rule in RULES.items():
        assert rule.__doc__ is not None
        assert rule.__doc__.startswith(f"{rule_id} ")
        assert "Evidence" in rule.__doc__ or "evidence" in rule.__doc__


@pytest.mark.parametrize("rule", list(BREAKERS))
# Some rules can be broken only in some plans (say, W5 needs a deload week), so drawing rejects many plans.
@settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_the_checker_reports_each_broken_rule_and_only_that_rule(rule: str, data: st.DataObject) -> None:
    plan = data.draw(ris.rule_breaking_plans(rule))
    reported = {violation.rule for violation in check(plan)}
    assert rule in reported
    # Every rule can be broken alone; ALONE_EXCEPT lists plans where it cannot (the breaker then declines).
    assert reported == {rule}


def test_w7_cannot_be_broken_alone_in_rehab_and_beginner_plans() -> None:
    assert "S8" in ALONE_EXCEPT["W7"]
    for level in ("rehab", "beginner"):
        assert break_rule("W7", generate_plan(level, Speed.kmh(4.0))) is None
    assert break_rule("W7", generate_plan("intermediate", Speed.kmh(4.0))) is not None


def test_a_violation_names_the_rule_the_place_and_the_numbers() -> None:
    plan = generate_plan("rehab", Speed.kmh(5.0))
    broken = break_rule("S4", plan)
    assert broken is not None
    violations = check(broken)
    assert [(v.rule, v.week, v.session) for v in violations] == [("S4", 6, 1), ("S4", 6, 2), ("S4", 6, 3)]
    violation = violations[0]
    assert violation.step is not None
    assert "2:15 is longer than the rehab cap of 2:00" in violation.message
    assert str(violation).startswith("S4 (week 6, session 1, step ")


def test_week_rules_name_the_week() -> None:
    broken = break_rule("W4", generate_plan("beginner", Speed.kmh(5.0)))
    assert broken is not None
    (violation,) = check(broken)
    assert violation.place == "week 4"
    assert violation.rule == "W4"
    assert "is more than 12:30: 10:00 plus 2:30, the larger of 25% and 2:00" in violation.message


def test_a_clinic_can_tighten_the_rules() -> None:
    plan = generate_plan("beginner", Speed.kmh(5.0))
    assert check(plan) == []
    beginner = attrs.evolve(DEFAULT_RULES.level(Level.BEGINNER), session_cap_s=600)
    strict = attrs.evolve(DEFAULT_RULES, levels={**DEFAULT_RULES.levels, Level.BEGINNER: beginner})
    violations = check(plan, rules=strict)
    assert {v.rule for v in violations} == {"S4"}
    assert {v.week for v in violations} == {4}  # 4 x 3:00 = 12:00 > 10:00
    assert generate_plan("beginner", Speed.kmh(5.0), rules=strict) != plan
    assert check(generate_plan("beginner", Speed.kmh(5.0), rules=strict), rules=strict) == []


def test_checking_needs_a_level_and_a_forward_speed() -> None:
    plan = generate_plan("beginner", Speed.kmh(5.0))
    bare = attrs.evolve(plan, level=None, forward_speed=None)
    with pytest.raises(ValidationError, match="level"):
        check(bare)
    with pytest.raises(ValidationError, match="forward_speed"):
        check(bare, level=Level.BEGINNER)
    assert check(bare, level=Level.BEGINNER, forward_speed=Speed.kmh(5.0)) == []


@given(ris.generated_plans(levels=st.sampled_from([Level.REHAB, Level.BEGINNER])))
@settings(max_examples=50)
def test_the_same_plan_checked_against_another_treadmill_reports_the_machine_rules(plan: Plan) -> None:
    from retrointervals.treadmill import WALKING_PAD  # noqa: PLC0415

    rules = {v.rule for v in check(plan, treadmill=WALKING_PAD)}
    assert "S9" in rules  # rehab and beginner need handrails


def test_violation_is_a_plain_value() -> None:
    violation = Violation("W2", 3, None, None, "B and speed rise in the same week")
    assert str(violation) == "W2 (week 3): B and speed rise in the same week"
    assert Violation("H1", None, None, None, "x").place == "plan"


def test_messages_print_the_numbers_the_rules_used_in_words() -> None:
    # Under a clinic's 10 % volume ratio, W4's message shows 10 %, not the default 25 %.
    clinic = attrs.evolve(DEFAULT_RULES, volume_ratio=Fraction(1, 10), volume_floor_s=30)
    plan = generate_plan("beginner", Speed.kmh(5.0))
    w4 = [v for v in check(plan, rules=clinic) if v.rule == "W4"]
    assert w4
    assert "the larger of 10% and 0:30" in w4[0].message
    assert "max(" not in w4[0].message
    # W2 names what rose in words, and W8 says "has 3", not "3 to 3".
    broken = break_rule("W2", generate_plan("rehab", Speed.kmh(5.0), weeks=4))
    assert broken is not None
    (w2,) = [v for v in check(broken) if v.rule == "W2"]
    assert "backward time and backward speed rise in the same week" in w2.message
    broken = break_rule("W8", generate_plan("intermediate", Speed.kmh(5.0), weeks=2))
    assert broken is not None
    w8 = [v.message for v in check(broken) if v.rule == "W8"]
    assert any("the intermediate level has 3 to 4" in message for message in w8)
    rehab = generate_plan("rehab", Speed.kmh(5.0), weeks=1)
    four = attrs.evolve(rehab, weeks=[attrs.evolve(rehab.weeks[0], sessions=rehab.weeks[0].sessions[:2])])
    assert any("the rehab level has 3" in v.message and "3 to 3" not in v.message for v in check(four))


def test_an_mph_plan_is_checked_in_mph() -> None:
    from retrointervals.treadmill import MPH  # noqa: PLC0415

    plan = attrs.evolve(generate_plan("rehab", Speed.mph(2.8), MPH), forward_speed=Speed.mph(5.0))
    (violation,) = [v for v in check(plan) if v.place == "plan"]
    assert violation.message == "the forward speed 5 mph is outside the accepted 1.24 mph to 4.04 mph"
