"""The native JSON format: lossless round trips, versioning, and clear errors for bad documents."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrointervals import FormatError, Plan, Speed, SpeedUnit, Workout
from retrointervals import strategies as ris
from retrointervals.errors import OutputExistsError
from retrointervals.formats import native

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "backward-intervals.json"


@given(ris.workouts())
def test_workout_round_trip_is_the_identity(workout: Workout) -> None:
    assert native.from_json(native.to_json(workout)) == workout


@given(ris.plans())
def test_plan_round_trip_is_the_identity(plan: Plan) -> None:
    text = native.to_json(plan)
    assert native.from_json(text) == plan
    assert native.from_json(text.encode("utf-8")) == plan


def test_speeds_keep_their_unit_and_value_in_the_text() -> None:
    document = json.loads(native.to_json(_workout_with_speed(Speed.mph(2.3))))
    step = document["workout"]["steps"][0]
    assert step["speed_mph"] == 2.3
    assert "speed_kmh" not in step
    assert native.from_json(json.dumps(document)) == _workout_with_speed(Speed.mph(2.3))


def _workout_with_speed(speed: Speed) -> Workout:
    from retrointervals import Direction, Duration, Step, StepKind  # noqa: PLC0415

    step = Step(direction=Direction.BACKWARD, kind=StepKind.ACTIVE, length=Duration.seconds(60), speed=speed)
    return Workout("W", [step])


def test_the_example_file_reads() -> None:
    workout = native.read(EXAMPLE)
    assert isinstance(workout, Workout)
    assert str(workout.total_time) == "24:00"
    assert all(s.speed.unit is SpeedUnit.KMH for s in workout.steps_flat())


def test_optional_fields_may_be_left_out() -> None:
    minimal = {
        "format": "retrointervals/1",
        "workout": {
            "name": "Minimal",
            "steps": [{"direction": "backward", "kind": "active", "duration_s": 60, "speed_kmh": 2.0}],
        },
    }
    workout = native.from_json(json.dumps(minimal))
    assert isinstance(workout, Workout)
    assert workout.description == ""
    assert next(workout.steps_flat()).cue is None


def _document() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def _error(document: object, source: str = "") -> str:
    text = document if isinstance(document, str) else json.dumps(document)
    with pytest.raises(FormatError) as caught:
        native.from_json(text, source=source)
    return str(caught.value)


def test_unknown_field_is_named_with_its_path() -> None:
    document = _document()
    document["workout"]["steps"][1]["steps"][2]["colour"] = "red"
    message = _error(document, source="mine.json")
    assert message.startswith("mine.json: $.workout.steps[1].steps[2].colour")
    assert "unknown field 'colour'" in message


def test_missing_field_is_named() -> None:
    document = _document()
    del document["workout"]["steps"][0]["kind"]
    assert "$.workout.steps[0]: missing field 'kind'" in _error(document)


def test_wrong_type_is_named() -> None:
    document = _document()
    document["workout"]["steps"][0]["duration_s"] = "300"
    assert "$.workout.steps[0].duration_s: expected a number, got a string" in _error(document)
    document["workout"]["steps"][0]["duration_s"] = True
    assert "got a boolean" in _error(document)


def test_invalid_model_value_is_reported_at_its_place() -> None:
    document = _document()
    document["workout"]["steps"][2]["speed_kmh"] = 45.0
    message = _error(document)
    assert "$.workout.steps[2].speed_kmh" in message
    assert "between 0.1 and 30 km/h" in message
    document = _document()
    document["workout"]["steps"][1]["repeat"] = 1
    assert "$.workout.steps[1]: Repeat.count: must be 2 to 99" in _error(document)


def test_both_or_neither_length_is_refused() -> None:
    document = _document()
    document["workout"]["steps"][0]["distance_m"] = 100
    assert "needs exactly one of duration_s, distance_m, found 2" in _error(document)


def test_unknown_enum_value_lists_the_choices() -> None:
    document = _document()
    document["workout"]["steps"][0]["direction"] = "sideways"
    assert "unknown value 'sideways'; expected one of 'forward', 'backward'" in _error(document)


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("retrointervals/2", "unsupported format 'retrointervals/2'"),
        ("zwift", "unsupported format 'zwift'"),
        (None, "not a retrointervals document"),
    ],
)
def test_wrong_or_missing_version_is_refused(version: str | None, expected: str) -> None:
    document = _document()
    if version is None:
        del document["format"]
    else:
        document["format"] = version
    assert expected in _error(document)


def test_syntax_errors_give_line_and_column() -> None:
    message = _error('{\n  "format": "retrointervals/1",\n  "workout": {,}\n}', source="bad.json")
    assert message.startswith("bad.json, line 3, column 15: not valid JSON")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"format": "retrointervals/1", "workout": {"name": NaN}}', "NaN is not a number JSON allows"),
        ('{"format": "retrointervals/1", "format": "retrointervals/1"}', "the key 'format' appears twice"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("[]", "expected an object, got an array"),
        ('{"format": "retrointervals/1"}', "needs exactly one of workout, plan, found 0"),
    ],
)
def test_hostile_or_odd_json_is_refused_cleanly(text: str, expected: str) -> None:
    assert expected in _error(text)


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(FormatError, match="not UTF-8"):
        native.from_json(b'{"format": "\xff"}')


def test_oversized_input_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (16 * 1024 * 1024 + 1))
    with pytest.raises(FormatError, match="larger than"):
        native.read(big)


def test_write_is_atomic_and_refuses_to_overwrite(tmp_path: Path) -> None:
    workout = native.read(EXAMPLE)
    target = tmp_path / "w.json"
    assert native.write(workout, target) == ()
    assert native.read(target) == workout
    before = target.read_bytes()
    with pytest.raises(OutputExistsError, match="already exists"):
        native.write(_workout_with_speed(Speed.kmh(2.0)), target)
    assert target.read_bytes() == before
    native.write(_workout_with_speed(Speed.kmh(2.0)), target, overwrite=True)
    assert native.read(target) == _workout_with_speed(Speed.kmh(2.0))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.json"]  # no temporary files left behind


def test_to_json_refuses_other_objects() -> None:
    with pytest.raises(TypeError, match="Workout or a Plan"):
        native.to_json("workout")  # type: ignore[arg-type]


@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_bytes_raise_only_format_error(data: bytes) -> None:
    with contextlib.suppress(FormatError):
        native.from_json(data)


@given(ris.workouts(max_segments=8), st.data())
def test_mutated_documents_raise_only_format_error_or_read(workout: Workout, data: st.DataObject) -> None:
    document = json.loads(native.to_json(workout))
    _mutate(document, data)
    try:
        result = native.from_json(json.dumps(document))
    except FormatError:
        return
    assert isinstance(result, Workout | Plan)


def _mutate(document: Any, data: st.DataObject) -> None:
    """Replace one value somewhere in the document by an arbitrary JSON scalar, or delete it."""
    node = document
    while True:
        keys = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and data.draw(st.booleans()):
            node = child
            continue
        replacement = data.draw(
            st.none()
            | st.booleans()
            | st.integers(-(10**6), 10**6)
            | st.floats(allow_nan=False)
            | st.text(max_size=5)
            | st.just("__delete__")
        )
        if replacement == "__delete__":
            del node[key]
        else:
            node[key] = replacement
        return


def test_plan_files_for_a_whole_plan_format() -> None:
    from retrointervals.formats import plan_files  # noqa: PLC0415

    plan = native.from_json(native.to_json(_plan_of(native.read(EXAMPLE))))
    assert isinstance(plan, Plan)
    ((name, encoded),) = plan_files(plan, "json")
    assert name == "plan.json"
    assert native.read_bytes(encoded.data) == plan
    assert encoded.changes == ()


def _plan_of(workout: Workout | Plan) -> Plan:
    from retrointervals import Session, Week  # noqa: PLC0415

    assert isinstance(workout, Workout)
    return Plan(name="P", weeks=[Week([Session(workout), Session(workout)])])


@given(ris.workouts(step=ris.steps(lap_steps=True)))
def test_lap_button_and_stop_to_turn_steps_round_trip(workout: Workout) -> None:
    assert native.read_bytes(native.write_workout(workout).data) == workout


GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize(
    "name",
    [
        "rehab-mph-plan.json",  # written by `retrointervals plan --level rehab --unit mph --treadmill mph --start ...`
        "features-plan.json",  # a plan with no level, start or treadmill; a deload week; a session with no weekday
        "features-workout.json",  # distance steps, nested repeats, until_lap, belt_stopped, null and non-ASCII cues
    ],
)
def test_files_written_by_the_hand_codec_read_and_write_back_byte_for_byte(name: str) -> None:
    # These files were written by the hand-made codec before native JSON moved onto cattrs: they keep loading,
    # and writing what was read gives the same bytes.
    data = (GOLDEN / name).read_bytes()
    document = native.read_bytes(data, name)
    written = native.write_plan(document) if isinstance(document, Plan) else native.write_workout(document)
    assert written.data == data
    assert native.to_json(document).encode("utf-8") == data


def test_the_example_file_writes_back_byte_for_byte() -> None:
    assert native.to_json(native.read(EXAMPLE)).encode("utf-8") == EXAMPLE.read_bytes()


def test_a_bad_length_or_a_null_speed_is_named_at_its_field() -> None:
    document = _document()
    document["workout"]["steps"][0]["duration_s"] = 1.5
    assert "$.workout.steps[0].duration_s: Duration.seconds" in _error(document)
    document = _document()
    document["workout"]["steps"][0]["speed_kmh"] = None
    assert "$.workout.steps[0].speed_kmh: expected a number, got null" in _error(document)
    document = _document()
    document["workout"]["steps"][0]["steps"] = []
    assert "$.workout.steps[0].steps: unknown field 'steps'" in _error(document)


def test_null_optional_fields_are_as_if_left_out_and_null_required_ones_are_refused() -> None:
    document = _document()
    document["workout"]["steps"][0]["cue"] = None
    native.from_json(json.dumps(document))
    document["workout"]["name"] = None
    assert "$.workout.name: expected a string, got null" in _error(document)
    document = _document()
    document["workout"]["steps"] = {"0": {}}
    assert "$.workout.steps: expected an array, got an object" in _error(document)
