"""Stop-to-turn plans in every format: each file carries the lap-button turn, or its export reports what it changed.

FIT and TCX have lap-button steps and QZ rows wait for the lap button; ZWO cannot, and reports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrointervals import Level, Plan, Workout
from retrointervals import strategies as ris
from retrointervals.export import export_plan
from retrointervals.formats import FORMATS, read
from retrointervals.model import StepKind

if TYPE_CHECKING:
    import pytest


def _lap_turns(workout: Workout) -> int:
    return sum(seg.step.until_lap for seg in workout.timeline if seg.step.kind is StepKind.TRANSITION)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=ris.generated_plans(levels=st.sampled_from(list(Level)), weeks=st.integers(1, 2)))
def test_every_format_carries_or_reports_the_lap_button_turns(
    plan: Plan, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if not any(_lap_turns(session.workout) for _, _, session in plan.sessions()):
        return  # a slow-turn plan has no lap-button steps
    folder = tmp_path_factory.mktemp("turns") / "plan"
    for exported in export_plan(plan, folder):
        if exported.format not in FORMATS:
            continue  # the report, README and the dated files (plan.ics, fit/schedule.fit, events.json)
        document = read(exported.path)
        workouts = [document] if isinstance(document, Workout) else [s.workout for _, _, s in document.sessions()]
        carried = sum(_lap_turns(workout) for workout in workouts)
        reported = any("lap" in change.what for change in exported.changes)
        assert carried or reported, f"{Path(exported.path).name}: lap-button turns neither carried nor reported"
