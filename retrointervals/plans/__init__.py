"""Multi-week backward-walking plans that follow the published evidence, and the rules that check them.

- ``generate_plan``: a deterministic plan for a level (rehab, beginner, intermediate, advanced).
- ``check``: every progression-rule violation of a plan, each with its rule ID, place and numbers.
- ``ProgressionRules`` / ``DEFAULT_RULES``: the parameters the rules use, with the evidence defaults.

See ``docs/progression.md`` for the levels, each rule, and which numbers are design choices.
"""

from retrointervals.plans.generate import generate_plan, session_code, workout_name
from retrointervals.plans.levels import DEFAULT_RULES, LevelRules, ProgressionRules, TurnMode, WeekSpec
from retrointervals.plans.rules import RULES, Violation, check

__all__ = [
    "DEFAULT_RULES",
    "RULES",
    "LevelRules",
    "ProgressionRules",
    "TurnMode",
    "Violation",
    "WeekSpec",
    "check",
    "generate_plan",
    "session_code",
    "workout_name",
]
