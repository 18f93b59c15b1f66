"""The text convention that carries direction, kind, handrails, incline and cue through other formats."""

from __future__ import annotations

from hypothesis import given

from retrointervals import Direction, Duration, Speed, Step, StepKind
from retrointervals import strategies as ris
from retrointervals.formats._conventions import parse_step_label, parse_step_note, step_label, step_note


@given(ris.steps())
def test_label_and_note_round_trip(step: Step) -> None:
    label = step_label(step)
    assert len(label) <= 15  # fits a TCX step name
    assert parse_step_label(label) == (step.direction, step.kind)
    fields = parse_step_note(step_note(step))
    assert fields is not None
    assert (fields.direction, fields.hold_handrails, fields.incline) == (
        step.direction,
        step.hold_handrails,
        step.incline,
    )
    assert fields.cue == step.cue


def test_examples_read_as_people_would() -> None:
    step = Step(
        direction=Direction.BACKWARD,
        kind=StepKind.ACTIVE,
        length=Duration.seconds(60),
        speed=Speed.kmh(2.0),
        hold_handrails=True,
        cue="Long steps",
    )
    assert step_label(step) == "BW active"
    assert step_note(step) == "BACKWARD, hold rails. Long steps"
    assert parse_step_label("bw Turn slowly") == (Direction.BACKWARD, StepKind.TRANSITION)
    assert parse_step_label("Warm up") is None
    assert parse_step_note("Easy jog") is None
    assert parse_step_note("forward,incline -2.5 %") is not None
    assert parse_step_note("FORWARD, incline 99%") is None  # no treadmill inclines that far
