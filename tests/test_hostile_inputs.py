"""Hostile inputs to the native JSON reader, the rules file and the model: a result or a project error, quickly.

Amplification (nested and shared repeats, many sessions) is refused from counts, with a message naming the limit.
Speed and memory bars for whole 16 MiB inputs live in benchmarks/limits.py; these tests only check behaviour.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrointervals import Direction, Duration, Repeat, Speed, Step, StepKind, ValidationError, Workout
from retrointervals import strategies as ris
from retrointervals._rules_file import read_rules, rules_from_json
from retrointervals.cli import main
from retrointervals.errors import FormatError, RetroIntervalsError
from retrointervals.formats import native
from retrointervals.limits import MAX_DOCUMENT_SEGMENTS, MAX_INPUT_BYTES, MAX_WORKOUT_SEGMENTS
from retrointervals.plans import DEFAULT_RULES, generate_plan
from retrointervals.timeline import expand, flatten

STEP = Step(direction=Direction.BACKWARD, kind=StepKind.ACTIVE, length=Duration.seconds(60), speed=Speed.kmh(2.0))

#: Values an attacker would put anywhere a value goes, as JSON text.
HOSTILE_VALUES = [
    "1" * 5000,  # a number of thousands of digits
    "-" + "9" * 4301,
    "1e400",  # overflows to infinity
    "-1e308",
    "1e-400",
    "0.1" + "0" * 3000 + "1",
    "NaN",
    "Infinity",
    '"9999-12-31"',
    '"0001-01-01"',
    '"2200-12-31"',
    '"1999-12-31"',
    '"+10000-01-01"',
    '"sideways"',  # an unknown enum value
    '"x' + "y" * 20000 + '"',  # a very long text
    '"\\ud800"',  # a lone surrogate
    "null",
    "true",
    "[]",
    "{}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "-0",
    "99",
    "100",
    "2",
]


def _read_native(text: str | bytes) -> object:
    try:
        return native.from_json(text, "hostile.json")
    except FormatError as error:
        assert len(str(error)) < 600, "an echoed value must be cut"
        return error


def _value_slots(text: str) -> list[tuple[int, int]]:
    """(start, end) of every scalar value in an indented JSON document (one per line)."""
    slots = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if '": ' in line and not line.rstrip().endswith(("{", "[")):
            start = offset + line.index('": ') + 3
            end = offset + len(line.rstrip().rstrip(","))
            slots.append((start, end))
        offset += len(line)
    return slots


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(ris.workouts(max_segments=30) | ris.plans(max_weeks=2), st.data())
def test_native_json_with_hostile_values_anywhere_gives_a_result_or_a_format_error(
    document: object, data: st.DataObject
) -> None:
    text = native.to_json(document)  # type: ignore[arg-type]
    slots = _value_slots(text)
    for _ in range(data.draw(st.integers(1, 3))):
        start, end = data.draw(st.sampled_from(slots))
        value = data.draw(st.sampled_from(HOSTILE_VALUES))
        text = text[:start] + value + text[end:]
        slots = _value_slots(text)
    _read_native(text)


@given(st.binary(max_size=400))
def test_native_json_random_bytes_give_a_format_error(data: bytes) -> None:
    assert isinstance(_read_native(data), FormatError)


@given(st.text(alphabet='{}[],:"0123456789.eE-+ \\nabtrufls', max_size=300))
def test_native_json_random_json_like_text_gives_a_result_or_a_format_error(text: str) -> None:
    _read_native(text)


def test_a_number_of_thousands_of_digits_is_named_without_being_printed() -> None:
    text = native.to_json(Workout("W", [STEP])).replace('"duration_s": 60', '"duration_s": ' + "7" * 5000)
    with pytest.raises(FormatError, match="too long") as caught:
        native.from_json(text)
    assert "7777777777" not in str(caught.value)


def test_a_plan_dated_at_the_end_of_time_is_refused_with_the_range() -> None:
    text = native.to_json(generate_plan("rehab", Speed.kmh(3.0), weeks=1))
    body = json.loads(text)
    for start in ("9999-12-31", "0001-01-01", "2200-12-31"):
        body["plan"]["start"] = start
        with pytest.raises(FormatError, match="2000-01-01") as caught:
            native.from_json(json.dumps(body))
        assert "$.plan" in str(caught.value)
        assert "Plan.start" in str(caught.value)


def _workout_json(steps: list[object]) -> dict[str, object]:
    return {"name": "W", "steps": steps}


_STEP_JSON = json.loads(native.to_json(Workout("W", [STEP])))["workout"]["steps"][0]


def test_native_json_nested_repeats_are_refused_from_counts_naming_the_limit() -> None:
    body: object = _STEP_JSON
    for _ in range(8):
        body = {"repeat": 99, "steps": [body]}
    text = json.dumps({"format": native.FORMAT_ID, "workout": _workout_json([body])})
    with pytest.raises(FormatError, match=str(MAX_WORKOUT_SEGMENTS)):
        native.from_json(text)


def test_native_json_many_sessions_are_refused_at_the_document_budget() -> None:
    big = {"repeat": 99, "steps": [{"repeat": 99, "steps": [_STEP_JSON]}]}  # 9,801 segments, 3 steps written
    week = {"sessions": [{"workout": _workout_json([big])} for _ in range(7)]}
    text = json.dumps({"format": native.FORMAT_ID, "plan": {"name": "P", "weeks": [week] * 10}})
    with pytest.raises(FormatError, match=f"more than {MAX_DOCUMENT_SEGMENTS} walked segments") as caught:
        native.from_json(text)
    assert f"$.plan.weeks[0].sessions[{MAX_DOCUMENT_SEGMENTS // 9801}].workout" in str(caught.value)


def test_native_json_of_millions_of_empty_values_is_refused_before_parsing() -> None:
    text = "[" + "[]," * (MAX_INPUT_BYTES // 3 - 10) + "[]]"
    with pytest.raises(FormatError, match="JSON values"):
        native.from_json(text)


def test_shared_repeats_build_instantly_and_are_refused_naming_the_limit() -> None:
    body: Step | Repeat = STEP
    for _ in range(2):
        body = Repeat(2, [body] * 50)  # one child object reused 50 times on each level
    with pytest.raises(ValidationError, match=f"more than {MAX_WORKOUT_SEGMENTS} walked segments"):
        Repeat(2, [body] * 50)
    shared = Repeat(2, [Repeat(2, [STEP] * 50)] * 50)  # 10,000 segments: legal, counted without expanding
    assert shared.segment_count == 10_000
    assert shared.step_count == 1 + 50 * 51


def test_a_legal_repeat_nested_8_deep_expands_and_flattens() -> None:
    body: Step | Repeat = STEP
    for _ in range(8):
        body = Repeat(3, [body])
    assert isinstance(body, Repeat)
    assert body.depth == 8
    workout = Workout("Deep", [body])
    assert len(workout.timeline) == 3**8
    assert len(flatten([body], 0)) == 3**8
    assert flatten([body], 8) == (body,)


def test_expand_and_flatten_refuse_beyond_the_document_budget_before_expanding() -> None:
    block = Repeat(2, [STEP] * 5000)  # 10,000 segments
    with pytest.raises(ValidationError, match=str(MAX_DOCUMENT_SEGMENTS)):
        expand([block] * 6)
    with pytest.raises(ValidationError, match=str(MAX_DOCUMENT_SEGMENTS)):
        flatten([block] * 6, 0)


# --- the rules file -----------------------------------------------------------------------------------------------


def test_rules_from_dev_zero_is_a_clear_error() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    with pytest.raises(FormatError, match=f"larger than the {MAX_INPUT_BYTES} bytes"):
        read_rules("/dev/zero")


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ('{"levels": 5}', "$.levels"),
        ('{"levels": {"beginner": 5}}', "$.levels.beginner"),
        ('{"levels": {"sideways": {}}}', "$.levels.sideways"),
        ('{"levels": {"beginner": {"session_cap_s": 1e400}}}', ""),
        ('{"levels": {"beginner": {"session_cap_s": "600"}}}', "$.levels.beginner.session_cap_s"),
        ('{"levels": {"beginner": {"fraction_band": [0.4]}}}', "$.levels.beginner.fraction_band"),
        ('{"levels": {"beginner": {"fraction_band": [0.4, "x"]}}}', "$.levels.beginner.fraction_band[1]"),
        ('{"levels": {"beginner": {"table": []}}}', "$.levels.beginner.table"),
        ('{"volume_ratio": ' + "9" * 5000 + "}", ""),
        ('{"volume_ratio": 1e300}', "$.volume_ratio"),
        ('{"volume_ratio": true}', "$.volume_ratio"),
        ('{"no_such_rule": 1}', "$.no_such_rule"),
        ('{"__class__": 1}', "$.__class__"),
        ("[1, 2]", "$"),
        ('{"a": 1, "a": 2}', ""),
        ("{", "line 1"),
    ],
)
def test_bad_rules_files_name_the_json_path(text: str, place: str) -> None:
    with pytest.raises(FormatError) as caught:
        rules_from_json(text, "clinic.json")
    assert str(caught.value).startswith("clinic.json")
    assert place in str(caught.value)
    assert len(str(caught.value)) < 400


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)
_RULE_NAMES = ["volume_ratio", "warmup_s", "deload_range", "plan_weeks_range", "levels", "granularity_s"]
_LEVEL_NAMES = ["session_cap_s", "fraction_band", "handrail_weeks", "incline_threshold_pct", "deload_weeks", "bouts"]


@given(
    st.dictionaries(st.sampled_from(_RULE_NAMES), _JSON, max_size=3),
    st.dictionaries(st.sampled_from(_LEVEL_NAMES), _JSON | st.sampled_from([10**4400, 2**70, -1]), max_size=3),
)
def test_rules_files_with_any_values_give_rules_or_a_format_error(top: dict[str, object], level: object) -> None:
    for document in (top, {"levels": {"beginner": level}}):
        try:
            text = json.dumps(document)
        except ValueError:
            continue
        try:
            rules = rules_from_json(text, "r.json")
        except FormatError:
            continue
        assert rules.levels.keys() == DEFAULT_RULES.levels.keys()


@given(st.binary(max_size=200))
def test_rules_files_of_random_bytes_give_a_format_error(data: bytes) -> None:
    with contextlib.suppress(FormatError):
        rules_from_json(data, "r.json")


def test_check_rules_from_dev_zero_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(native.to_json(generate_plan("rehab", Speed.kmh(3.0), weeks=1)), encoding="utf-8")
    assert main(["check", str(plan_file), "--rules", "/dev/zero"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "larger than" in err
    (tmp_path / "r.json").write_text('{"levels": 5}', encoding="utf-8")
    assert main(["check", str(plan_file), "--rules", str(tmp_path / "r.json")]) == 1
    assert "$.levels" in capsys.readouterr().err


def test_every_error_here_is_a_project_error() -> None:
    assert issubclass(FormatError, RetroIntervalsError)
    assert issubclass(ValidationError, RetroIntervalsError)


def test_check_rules_accepts_a_runtime_section_and_names_a_bad_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The one rules file a clinician writes serves both `check --rules` and `adapt --rules`.
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(native.to_json(generate_plan("rehab", Speed.kmh(3.0), weeks=1)), encoding="utf-8")
    rules_file = tmp_path / "clinic.json"
    rules_file.write_text('{"volume_ratio": 0.25, "runtime": {"pain_green_max": 2, "weekly_pain_rise": 0.5}}')
    assert main(["check", str(plan_file), "--rules", str(rules_file)]) == 0
    assert "follows every progression rule" in capsys.readouterr().out
    for runtime, place in [
        ('{"pain_green_max": 2.5}', "$.runtime.pain_green_max"),
        ('{"weekly_pain_rise": "1"}', "$.runtime.weekly_pain_rise"),
        ('{"weekly_pain_rise": true}', "$.runtime.weekly_pain_rise"),
        ('{"no_such_setting": 1}', "$.runtime"),
        ("[]", "$.runtime"),
    ]:
        rules_file.write_text(f'{{"runtime": {runtime}}}')
        assert main(["check", str(plan_file), "--rules", str(rules_file)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert f"{rules_file}: {place}" in err


@given(st.dictionaries(st.sampled_from(["pain_green_max", "weekly_pain_rise", "gap_stop_days", "x"]), _JSON))
def test_runtime_sections_with_any_values_give_rules_or_a_format_error(runtime: dict[str, object]) -> None:
    with contextlib.suppress(FormatError):
        rules_from_json(json.dumps({"runtime": runtime}), "r.json")


def test_adapt_reads_the_runtime_section_through_the_same_checks() -> None:
    from retrointervals.adaptation import runtime_rules_from_json  # noqa: PLC0415

    assert runtime_rules_from_json('{"runtime": {"weekly_pain_rise": 2}}').weekly_pain_rise == 2.0
    for text, place in [
        ('{"runtime": {"weekly_pain_rise": "1"}}', "r.json: $.runtime.weekly_pain_rise"),
        ('{"runtime": {"weekly_pain_rise": 1e300}}', "r.json: $.runtime.weekly_pain_rise"),
        ('{"runtime": {"rpe_limit": 9}}', "r.json: $.runtime.rpe_limit: unknown runtime setting 'rpe_limit'"),
        ('{"runtime": {"pain_green_max": 2}, "runtime": {}}', "appears twice"),
    ]:
        with pytest.raises(FormatError) as caught:
            runtime_rules_from_json(text, "r.json")
        assert place in str(caught.value)
