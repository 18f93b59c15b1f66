"""The doors every format shares: one policy, one set of read options, one step-text codec, declared capabilities.

Properties, in every format alike:
- write -> read gives the workout back as the format's capabilities say it keeps it, or the write reported a change
  (no silent loss); our own files read back without a change; strict refuses exactly when lossy changes;
- the step-text codec round-trips every combination, and a label and note that disagree give the same result
  (the note's direction, and a reported change) from every reader.
"""

from __future__ import annotations

import attrs
import pytest
from conftest import step
from hypothesis import given
from hypothesis import strategies as st

from retrointervals import (
    Direction,
    Duration,
    Incline,
    Plan,
    Session,
    Speed,
    Step,
    StepKind,
    ValidationError,
    Week,
    Workout,
)
from retrointervals import strategies as ris
from retrointervals.errors import FormatLimitError
from retrointervals.formats import (
    FORMATS,
    Capabilities,
    ChangeLog,
    Policy,
    ReadOptions,
    fit,
    load,
    plan_files,
    read,
    steptext,
    write,
)
from retrointervals.timeline import flatten

ONE_WORKOUT_FORMATS = sorted(FORMATS)
lap_workouts = ris.workouts(step=ris.steps(lap_steps=True), max_segments=20)


def as_kept(workout: Workout, capabilities: Capabilities, stem: str) -> Workout:
    """The workout as a format keeps it by its capability row: repeats unrolled, names dropped, when it says so."""
    if not capabilities.repeats:
        steps = tuple(flatten(workout.steps, 0))
    elif not capabilities.nested_repeats:
        steps = tuple(flatten(workout.steps, 1))  # repeats inside repeats unrolled into the outer one
    else:
        steps = workout.steps
    if capabilities.names == "no":
        return Workout(stem, steps)
    return Workout(workout.name, steps, workout.description)


@pytest.mark.parametrize("name", ONE_WORKOUT_FORMATS)
@given(workout=lap_workouts)
def test_write_then_read_gives_the_workout_or_reports_the_change(name: str, workout: Workout) -> None:
    info = FORMATS[name]
    module = load(info)
    lossy = module.write_workout(workout, policy=Policy.LOSSY)
    decoded = module.decode(lossy.data, f"w{info.extensions[0]}")  # strict: our own files need no change
    assert decoded.changes == ()
    expected = as_kept(workout, info.capabilities, "w")
    if not lossy.changes:
        assert decoded.document == expected  # nothing reported: nothing lost
        assert module.write_workout(workout).data == lossy.data  # and strict writes the same file
        return
    with pytest.raises(FormatLimitError) as caught:  # strict refuses at the first change lossy reports
        module.write_workout(workout)
    assert caught.value.where == lossy.changes[0].where


# Native JSON is lossless and never looks at its policy; the others check it in every door.
@pytest.mark.parametrize("name", [name for name in ONE_WORKOUT_FORMATS if name != "json"])
def test_a_wrong_policy_is_a_clear_error_in_every_door(name: str) -> None:
    module = load(name)
    workout = Workout("W", [step()])
    plan = Plan(name="P", weeks=[Week([Session(workout)])])
    for wrong in ("loose", True, None, 1):
        with pytest.raises(ValidationError, match=r"Policy\.STRICT or Policy\.LOSSY"):
            module.write_workout(workout, policy=wrong)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match=r"Policy\.STRICT or Policy\.LOSSY"):
            ReadOptions(policy=wrong)
        with pytest.raises(ValidationError, match=r"Policy\.STRICT or Policy\.LOSSY"):
            plan_files(plan, name, policy=wrong)  # type: ignore[arg-type]
    lossy = module.write_workout(workout, policy="lossy")  # type: ignore[arg-type]
    assert lossy.changes == ()  # the names are accepted


def test_formats_read_and_write_take_the_same_options(tmp_path: object) -> None:
    from pathlib import Path  # noqa: PLC0415

    folder = Path(str(tmp_path))
    workout = Workout("Doors", [step(Direction.BACKWARD, speed=Speed.kmh(2.0)), step()])
    for name in ONE_WORKOUT_FORMATS:
        path = folder / f"doors{FORMATS[name].extensions[0]}"
        assert write(workout, path, policy="strict") == ()  # type: ignore[arg-type]
        kept = as_kept(workout, FORMATS[name].capabilities, "doors")
        assert read(path) == kept
        assert read(path, options=ReadOptions(policy=Policy.LOSSY)) == kept
        with pytest.raises(ValidationError):
            write(workout, path, policy="sloppy", overwrite=True)  # type: ignore[arg-type]


def test_optional_doors_are_declared_in_the_capabilities() -> None:
    for name, info in FORMATS.items():
        module = load(info)
        assert hasattr(module, "write_plan") is info.capabilities.whole_plan, name
        assert hasattr(module, "validate") is info.capabilities.validation, name
        for door in ("write_workout", "write", "decode", "read_bytes", "read"):
            assert callable(getattr(module, door)), (name, door)


# --- the step-text codec ---------------------------------------------------------------------------


@given(
    direction=st.sampled_from(Direction),
    kind=st.sampled_from(StepKind),
    rails=st.booleans(),
    incline=ris.inclines(),
    cue=ris.cues(),
    lap=st.sampled_from(["no", "lap", "stopped"]),
)
def test_the_codec_round_trips_every_combination(  # noqa: PLR0917 - one argument per drawn field
    direction: Direction, kind: StepKind, rails: bool, incline: Incline, cue: str | None, lap: str
) -> None:
    original = step(
        direction,
        kind,
        length=Duration.seconds(25),
        incline=incline,
        hold_handrails=rails,
        cue=cue,
        until_lap=lap != "no",
        belt_stopped=lap == "stopped",
    )
    label, note = steptext.label(original), steptext.note(original)
    assert len(label) <= 11  # fits TCX's 15-character names
    assert steptext.parse_label(label) == (direction, kind)
    log = ChangeLog(Policy.STRICT)
    text = steptext.decode(label, note, kind=StepKind.ACTIVE, where="here", log=log)
    assert (text.direction, text.kind, text.hold_handrails, text.incline, text.cue) == (
        direction,
        kind,
        rails,
        incline,
        cue,
    )
    assert (text.until_lap, text.belt_stopped) == (lap != "no", lap == "stopped")
    assert log.changes == []


def _conflicting_files(workout: Workout, label: bytes, other: bytes) -> dict[str, bytes]:
    """Our file of each format whose step label is ``other`` while its note says ``label``'s direction."""
    files = {}
    for name in ("fit", "tcx", "zwo", "qz"):
        data = load(name).write_workout(workout, policy=Policy.LOSSY).data
        tampered = data.replace(label, other)  # the label only: notes spell the direction in capitals
        assert tampered != data
        if name == "fit":  # the file CRC covers everything before it
            tampered = tampered[:-2] + fit.crc16(tampered[:-2]).to_bytes(2, "little")
        files[name] = tampered
    return files


@given(
    direction=st.sampled_from(Direction),
    kind=st.sampled_from(StepKind),
    rails=st.booleans(),
    cue=st.text(alphabet="abcdefgh ", min_size=1, max_size=20).map(str.strip).filter(bool),
)
def test_a_label_and_note_that_disagree_read_the_same_in_every_format(
    direction: Direction, kind: StepKind, rails: bool, cue: str
) -> None:
    original = step(direction, kind, speed=Speed.kmh(2.0), hold_handrails=rails, cue=cue)
    label = steptext.label(original).encode()
    other = (b"FW" if label.startswith(b"BW") else b"BW") + label[2:]
    results = []
    for name, data in _conflicting_files(Workout("Conflict", [original]), label, other).items():
        module = load(name)
        with pytest.raises(FormatLimitError, match="disagree on the direction"):
            module.decode(data, f"c.{name}")  # strict: direction is never settled silently
        decoded = module.decode(data, f"c.{name}", options=ReadOptions(policy=Policy.LOSSY))
        assert len(decoded.changes) == 1, name
        assert f"read as {direction.value}, as the note says" in decoded.changes[0].what
        assert isinstance(decoded.document, Workout)
        (read,) = flatten(decoded.document.steps, 0)
        assert isinstance(read, Step)
        results.append((read.direction, read.kind, read.hold_handrails, read.cue))
    assert results == [(direction, kind, rails, cue)] * 4


def test_spoken_announcements_are_short() -> None:
    back = step(Direction.BACKWARD, hold_handrails=True, until_lap=True, belt_stopped=True)
    said = steptext.spoken(back, step())
    assert said == "Stop the belt, turn around: walk backward, hold the rails."
    assert len(said) <= 60
    assert steptext.spoken(step(), step()) is None
    assert steptext.spoken(attrs.evolve(back, hold_handrails=False, belt_stopped=False), back) == "Let go of the rails."
