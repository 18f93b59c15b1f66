"""Property-test your own plan design with retrointervals' public hypothesis strategies.

A clinic's house rule: "our plans never exceed 12 backward minutes per session, and never use an incline".
Here the clinic tightens the library's progression rules, generates plans under them, and lets hypothesis
search for a plan that breaks the house rule. Run: python examples/clinic_rules.py
(needs hypothesis: pip install 'retrointervals[hypothesis]').
"""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from retrointervals import Level, Plan, Speed
from retrointervals import strategies as ris
from retrointervals.plans import DEFAULT_RULES, check, generate_plan
from retrointervals.plans.loads import SessionShape

HOUSE_CAP_S = 12 * 60

# Tighten every level's per-session cap to 12 minutes and forbid incline: a clinician's own settings.
CLINIC_RULES = attrs.evolve(
    DEFAULT_RULES,
    levels={
        level: attrs.evolve(
            rules,
            session_cap_s=min(rules.session_cap_s, HOUSE_CAP_S),
            bout_cap_s=min(rules.bout_cap_s, HOUSE_CAP_S // rules.bouts[0]),
            incline_max_pct=type(rules.incline_max_pct)(0),
        )
        for level, rules in DEFAULT_RULES.levels.items()
    },
)


def backward_minutes(plan: Plan) -> list[float]:
    return [float(SessionShape.of(session.workout).backward_s) / 60 for _, _, session in plan.sessions()]


@settings(max_examples=60, deadline=None)
@given(ris.generated_plans(rules=CLINIC_RULES, treadmill=st.just(ris.TREADMILLS["default"])))
def test_clinic_plans_keep_the_house_rule(plan: Plan) -> None:
    assert max(backward_minutes(plan)) <= 12
    assert all(segment.step.incline.tenths == 0 for _, _, s in plan.sessions() for segment in s.workout.timeline)
    assert check(plan, rules=CLINIC_RULES) == []


if __name__ == "__main__":
    test_clinic_plans_keep_the_house_rule()
    plan = generate_plan(Level.ADVANCED, Speed.kmh(5.0), rules=CLINIC_RULES)
    print(f"{plan.name}: at most {max(backward_minutes(plan)):g} backward minutes per session")
    print(
        "The default advanced plan breaks the house rule:",
        sorted({v.rule for v in check(generate_plan(Level.ADVANCED, Speed.kmh(5.0)), rules=CLINIC_RULES)}),
    )
    print("House rule holds for every plan hypothesis tried.")
