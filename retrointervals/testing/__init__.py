"""Helpers for testing code that uses retrointervals; nothing here is needed to make or walk a plan.

- ``retrointervals.testing.breakers``: ``break_rule(rule_id, plan)`` changes a valid plan so that it breaks one
  progression rule, to show that a checker catches it. ``retrointervals.strategies.rule_breaking_plans`` draws
  such plans for hypothesis.

This code only breaks rules, so it lives apart from the plan code (``retrointervals.plans``) that follows them.
"""
