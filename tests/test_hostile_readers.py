"""Hostile inputs to the format readers (FIT, TCX, ZWO, QZ, intervals.icu text): a result or a project error.

Each property takes the file of a generated workout or plan, mutates it (bytes, XML values, repeated or nested
elements, numbers of thousands of digits, extreme dates, unknown enum values) and reads it: the reader gives a
document or raises a ``RetroIntervalsError``, never anything else. Amplification (nested and shared repeats,
many workouts, weeks or steps) is refused while parsing, with a message naming the limit. The speed and memory
bar for 16 MiB inputs lives in ``benchmarks/limits.py``; these tests check behaviour only.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from retrointervals import Direction, Duration, Plan, Repeat, Session, Speed, Step, StepKind, Week, Workout
from retrointervals import strategies as ris
from retrointervals.errors import FormatError, RetroIntervalsError
from retrointervals.formats import Policy, ReadOptions, fit, intervals, qz, tcx, zwo
from retrointervals.formats._fit_profile import (
    BaseType,
    FileIdField,
    FileType,
    MesgNum,
    WorkoutField,
    WorkoutStepField,
)
from retrointervals.formats._fit_writer import Field, FitWriter
from retrointervals.formats.fit import crc16
from retrointervals.limits import (
    MAX_DOCUMENT_SEGMENTS,
    MAX_DOCUMENT_STEPS,
    MAX_FIT_MESSAGES,
    MAX_TEXT_LINES,
    MAX_WORKOUT_SEGMENTS,
    DocumentBudget,
)
from retrointervals.model import MAX_WEEKS

STEP = Step(direction=Direction.BACKWARD, kind=StepKind.ACTIVE, length=Duration.seconds(60), speed=Speed.kmh(2.0))
LOSSY = ReadOptions(policy=Policy.LOSSY, speed=Speed.kmh(3.0))
STRICT = ReadOptions()

#: Texts an attacker would put in any attribute or element text.
HOSTILE_TEXTS = [
    "1" * 5000,  # more digits than Python converts
    "-" + "9" * 4301,
    "9" * 65,
    "1e400",
    "-1e308",
    "1e-400",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "-0",
    "0",
    "-1",
    "99999999999",
    "0.0000000001",
    "9999-12-31",
    "0001-01-01",
    "2200-12-31T00:00:00Z",
    "+10000-01-01",
    "sideways",  # an unknown enum value
    "Repeat_t",
    "Step_t",
    "Biking",
    "km/h",
    "",
    "   ",
    "\u0663",  # an Arabic-Indic digit three
    "\u00b2",  # a superscript two: isdigit() but not int()
    "1:99:99",
    "99:99:99",
    "x" * 20000,
    "1" * 20 + " min",
    "3 x " + "4" * 5000 + " minutes",
    "5" * 5000 + " km",
]

_READ_XML: dict[str, Callable[[bytes, ReadOptions], object]] = {
    "tcx": lambda data, options: tcx.decode(data, "hostile.tcx", options=options),
    "zwo": lambda data, options: zwo.decode(data, "hostile.zwo", options=options),
    "qz": lambda data, options: qz.decode(data, "hostile.xml", options=options),
}


def _result_or_project_error(read: Callable[[], object]) -> object:
    """What ``read`` gives, or the project error it raises; anything else fails the test."""
    try:
        return read()
    except RetroIntervalsError as error:
        assert len(str(error)) < 1000, "an echoed value must be cut"
        return error


def _read_both(kind: str, data: bytes) -> None:
    for options in (STRICT, LOSSY):
        _result_or_project_error(lambda options=options: _READ_XML[kind](data, options))  # type: ignore[misc]


def _written(kind: str, document: Workout | Plan) -> bytes:
    if isinstance(document, Plan):
        return tcx.write_plan(document, policy=Policy.LOSSY).data
    if kind == "tcx":
        return tcx.write_workout(document, policy=Policy.LOSSY).data
    assert isinstance(document, Workout)
    writer = zwo if kind == "zwo" else qz
    return writer.write_workout(document, policy=Policy.LOSSY).data


_WORKOUTS = ris.workouts(max_segments=20)
_XML_DOCUMENTS = st.one_of(
    st.tuples(st.sampled_from(["tcx", "zwo", "qz"]), _WORKOUTS),
    st.tuples(st.just("tcx"), ris.plans(workout=ris.workouts(max_segments=6), max_weeks=2)),
)


def _mutate_tree(root: etree._Element, data: st.DataObject) -> None:
    """One hostile change: a value, a repeated element, a deep nesting, a removed element."""
    elements = [element for element in root.iter() if isinstance(element.tag, str)]
    element = data.draw(st.sampled_from(elements))
    action = data.draw(st.sampled_from(["attribute", "text", "repeat", "nest", "remove", "new attribute"]))
    value = data.draw(st.sampled_from(HOSTILE_TEXTS))
    if action == "attribute" and element.attrib:
        element.set(data.draw(st.sampled_from(sorted(element.attrib))), value)
    elif action == "new attribute":
        name = data.draw(st.sampled_from(["times", "repeat", "duration", "level", "start", "unit", "pace", "speed"]))
        element.set(name, value)
    elif action == "text" or (action == "attribute" and not element.attrib):
        element.text = value
    elif element is not root and action in ("repeat", "nest", "remove"):
        parent = element.getparent()
        assert parent is not None
        if action == "remove":
            parent.remove(element)
        elif action == "repeat":
            index = parent.index(element)
            for _ in range(data.draw(st.integers(1, 200))):
                parent.insert(index, copy.deepcopy(element))
        else:  # the element inside copies of itself, many levels deep
            inner = copy.deepcopy(element)
            for _ in range(data.draw(st.integers(2, 60))):
                outer = copy.deepcopy(element)
                for child in list(outer):
                    outer.remove(child)
                outer.append(inner)
                inner = outer
            parent.replace(element, inner)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_XML_DOCUMENTS, st.data())
def test_xml_readers_with_hostile_values_and_structures_give_a_result_or_a_project_error(
    written: tuple[str, Workout | Plan], data: st.DataObject
) -> None:
    kind, document = written
    root = etree.fromstring(_written(kind, document))
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate_tree(root, data)
    _read_both(kind, etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(_XML_DOCUMENTS, st.data())
def test_xml_readers_with_mutated_bytes_give_a_result_or_a_project_error(
    written: tuple[str, Workout | Plan], data: st.DataObject
) -> None:
    kind, document = written
    raw = bytearray(_written(kind, document))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, max(len(raw) - 1, 0)))  # a long deletion can empty the document
        action = data.draw(st.sampled_from(["replace", "insert", "delete"]))
        chunk = data.draw(st.binary(min_size=1, max_size=8) | st.sampled_from([b"<", b">", b'"', b"&", b"9" * 5000]))
        if action == "replace":
            raw[at : at + len(chunk)] = chunk
        elif action == "insert":
            raw[at:at] = chunk
        else:
            del raw[at : at + len(chunk)]
    _read_both(kind, bytes(raw))


@given(st.sampled_from(["tcx", "zwo", "qz"]), st.binary(max_size=300))
def test_xml_readers_with_random_bytes_give_a_project_error(kind: str, data: bytes) -> None:
    assert isinstance(_result_or_project_error(lambda: _READ_XML[kind](data, LOSSY)), RetroIntervalsError)


# --- FIT ---------------------------------------------------------------------------------------------------


def _with_crcs(data: bytes | bytearray) -> bytes:
    """The file with its header CRC cleared (legal) and its file CRC made right again, so that damage gets past
    the checksum and into the decoder."""
    body = bytearray(data[:-2])
    if body and body[0] == 14 and len(body) >= 14:
        body[12:14] = b"\x00\x00"
    return bytes(body) + crc16(bytes(body)).to_bytes(2, "little")


def _read_fit(data: bytes) -> None:
    for options in (STRICT, LOSSY):
        _result_or_project_error(lambda options=options: fit.decode(data, "hostile.fit", options=options))  # type: ignore[misc]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(_WORKOUTS, st.data())
def test_fit_reader_with_mutated_bytes_gives_a_result_or_a_project_error(workout: Workout, data: st.DataObject) -> None:
    raw = bytearray(fit.write_workout(workout, policy=Policy.LOSSY).data)
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(raw) - 3))
        if data.draw(st.booleans()):
            raw[at] = data.draw(st.integers(0, 255))
        else:  # a hostile field value: all ones (invalid), all zeros, the sign bit
            raw[at : at + 4] = data.draw(
                st.sampled_from([b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x00\x00\x00\x80"])
            )
    _read_fit(_with_crcs(raw) if data.draw(st.booleans()) else bytes(raw))


@given(st.binary(max_size=300))
def test_fit_reader_with_random_bytes_gives_a_project_error(data: bytes) -> None:
    assert isinstance(
        _result_or_project_error(lambda: fit.decode(data, "random.fit", options=LOSSY)), RetroIntervalsError
    )


_FIT_VALUES = st.sampled_from([0, 1, 2, 5, 7, 99, 100, 255, 65535, 2**31, 2**32 - 2, 2**32 - 1])


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, 40), _FIT_VALUES, _FIT_VALUES, _FIT_VALUES), min_size=1, max_size=12),
    st.sampled_from([0, 1, 11, 17]),
)
def test_fit_reader_with_hostile_step_fields_gives_a_result_or_a_project_error(
    steps: list[tuple[int, int, int, int]], sport: int
) -> None:
    # Any duration type, value, target type and target value, from a well-formed file with right CRCs.
    _read_fit(_fit_file([_fit_step(*values) for values in steps], sport=sport))


def _fit_step(duration_type: int, duration: int, target_type: int, target: int) -> list[Field]:
    return [
        Field(WorkoutStepField.DURATION_TYPE, BaseType.ENUM, duration_type % 256),
        Field(WorkoutStepField.DURATION_VALUE, BaseType.UINT32, duration),
        Field(WorkoutStepField.TARGET_TYPE, BaseType.ENUM, target_type % 256),
        Field(WorkoutStepField.TARGET_VALUE, BaseType.UINT32, target),
        Field(WorkoutStepField.CUSTOM_TARGET_VALUE_LOW, BaseType.UINT32, 1000),
        Field(WorkoutStepField.CUSTOM_TARGET_VALUE_HIGH, BaseType.UINT32, 1100),
    ]


def _fit_file(steps: list[list[Field]], *, sport: int = 1, file_type: int = FileType.WORKOUT) -> bytes:
    writer = FitWriter()
    writer.message(
        MesgNum.FILE_ID,
        [Field(FileIdField.TYPE, BaseType.ENUM, file_type), Field(FileIdField.MANUFACTURER, BaseType.UINT16, 1)],
    )
    writer.message(
        MesgNum.WORKOUT,
        [Field(WorkoutField.WKT_NAME, BaseType.STRING, "W"), Field(WorkoutField.SPORT, BaseType.ENUM, sport)],
    )
    for fields in steps:
        writer.message(MesgNum.WORKOUT_STEP, fields)
    return writer.to_bytes()


# --- intervals.icu text -----------------------------------------------------------------------------------

_INTERVALS_HOSTILE = [
    "1" * 5000,
    "9" * 7,
    "0",
    "-1",
    "99999x",
    "1e400",
    "NaN",
    "\u0663",
    "9999:99",
    "0:00",
    "x" * 5000,
    "- ",
    "\n" * 50,
    "\x00",
    "\ud800",
]


def _read_intervals(text: str | bytes) -> None:
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    for policy in (Policy.STRICT, Policy.LOSSY):
        _result_or_project_error(
            lambda policy=policy: intervals.decode(  # type: ignore[misc]
                data, "hostile.txt", options=ReadOptions(policy=policy, speed=Speed.kmh(3.0))
            )
        )


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(_WORKOUTS, st.data())
def test_intervals_reader_with_hostile_numbers_and_lines_gives_a_result_or_a_project_error(
    workout: Workout, data: st.DataObject
) -> None:
    text = intervals.write_workout(workout, policy=Policy.LOSSY).data.decode("utf-8")
    for _ in range(data.draw(st.integers(1, 4))):
        numbers = [match.span() for match in re.finditer(r"\d+", text)]
        lines = text.split("\n")
        action = data.draw(st.sampled_from(["number", "line", "repeat lines", "insert"]))
        value = data.draw(st.sampled_from(_INTERVALS_HOSTILE))
        if action == "number" and numbers:
            start, end = data.draw(st.sampled_from(numbers))
            text = text[:start] + value + text[end:]
        elif action == "repeat lines":
            index = data.draw(st.integers(0, len(lines) - 1))
            text = "\n".join(lines[:index] + [lines[index]] * data.draw(st.integers(2, 300)) + lines[index:])
        else:
            index = data.draw(st.integers(0, len(lines) - 1))
            lines.insert(index, value) if action == "insert" else lines.__setitem__(index, value)
            text = "\n".join(lines)
    _read_intervals(text)


@given(st.binary(max_size=300) | st.text(alphabet="- 0123456789xmshkmtr:/%'\"\nPaceramplRcov", max_size=300))
def test_intervals_reader_with_random_input_gives_a_result_or_a_project_error(data: bytes | str) -> None:
    _read_intervals(data)


# --- amplification: refused while parsing, naming the limit ------------------------------------------------


def _tcx_workout(workout: Workout) -> str:
    """The <Workout> element of a workout's TCX file, as text."""
    found = re.search(r"    <Workout .*?</Workout>\n", tcx.write_workout(workout).data.decode(), re.DOTALL)
    assert found is not None
    return found.group(0)


def _nested_tcx_workout() -> str:
    """One TCX <Workout> of 99 x 99 x one step: 9,801 walked segments from 3 steps as written."""
    return _tcx_workout(Workout("W", [Repeat(99, [Repeat(99, [STEP])])]))


def _tcx_with_workouts(workouts: list[str], extension: str = "") -> bytes:
    text = tcx.write_workout(Workout("W", [STEP])).data.decode()
    found = re.search(r"    <Workout .*?</Workout>\n", text, re.DOTALL)
    assert found is not None
    text = text.replace(found.group(0), "".join(workouts))
    if extension:
        text = text.replace("</TrainingCenterDatabase>", f"{extension}</TrainingCenterDatabase>")
    return text.encode()


def test_tcx_plan_of_many_workouts_near_the_workout_budget_is_refused_at_the_document_budget() -> None:
    # About 430 KB: 330 workouts of 9,801 segments each, 3.2 million walked segments in all.
    one = _nested_tcx_workout()
    data = _tcx_with_workouts([one.replace("<Name>W</Name>", f"<Name>W{i}</Name>") for i in range(330)])
    assert len(data) > 400_000
    for options in (STRICT, LOSSY):
        with pytest.raises(FormatError, match=f"more than {MAX_DOCUMENT_SEGMENTS} walked segments") as caught:
            tcx.decode(data, "plan.tcx", options=options)
        assert "MAX_DOCUMENT_SEGMENTS" in str(caught.value)
        assert "line " in str(caught.value)  # the third workout, where the budget is passed


def test_tcx_plan_extension_naming_one_big_workout_in_every_session_is_refused_at_the_document_budget() -> None:
    one = _nested_tcx_workout()
    session = '<Session workout="W"/>'
    week = f"<Week>{session * 7}</Week>"
    extension = f'<Extensions><Plan xmlns="{tcx.PLAN_NAMESPACE}" name="P">{week * 3}</Plan></Extensions>'
    with pytest.raises(FormatError, match="MAX_DOCUMENT_SEGMENTS"):
        tcx.decode(_tcx_with_workouts([one], extension), "plan.tcx")


def test_tcx_plan_extension_with_a_million_weeks_is_refused_at_the_first_week_beyond_the_limit() -> None:
    weeks = '<Week><Session workout="W"/></Week>' * 150_000
    extension = f'<Extensions><Plan xmlns="{tcx.PLAN_NAMESPACE}" name="P">{weeks}</Plan></Extensions>'
    with pytest.raises(FormatError, match=f"more than {MAX_WEEKS} weeks"):
        tcx.decode(_tcx_with_workouts([_tcx_workout(Workout("W", [STEP]))], extension), "plan.tcx")


def test_tcx_files_with_more_steps_than_the_document_budget_are_refused_while_reading() -> None:
    step = re.search(
        r"<Step xsi:type=\"Step_t\">.*?</Step>", tcx.write_workout(Workout("W", [STEP])).data.decode(), re.DOTALL
    )
    assert step is not None
    workouts = [
        f'<Workout Sport="Other"><Name>W{i}</Name>{step.group(0) * 2000}</Workout>'
        for i in range(MAX_DOCUMENT_STEPS // 2000 + 1)
    ]
    with pytest.raises(FormatError, match=f"more than {MAX_DOCUMENT_STEPS} steps .MAX_DOCUMENT_STEPS"):
        tcx.decode(_tcx_with_workouts(workouts), "steps.tcx", options=LOSSY)


def test_fit_files_with_more_steps_than_the_document_budget_are_refused_while_decoding() -> None:
    step = _fit_step(0, 60_000, 0, 0)
    data = _fit_file([step] * (MAX_DOCUMENT_STEPS + 1))
    with pytest.raises(FormatError, match=f"more than {MAX_DOCUMENT_STEPS} steps .MAX_DOCUMENT_STEPS"):
        fit.decode(data, "steps.fit", options=LOSSY)


def test_fit_files_with_more_messages_than_a_workout_file_are_refused_while_decoding() -> None:
    writer = FitWriter()
    writer.message(MesgNum.FILE_ID, [Field(FileIdField.TYPE, BaseType.ENUM, FileType.WORKOUT)])
    for number in range(MAX_FIT_MESSAGES):
        writer.message(MesgNum.WORKOUT, [Field(WorkoutField.SPORT, BaseType.ENUM, number % 2)])
    with pytest.raises(FormatError, match="MAX_FIT_MESSAGES"):
        fit.decode(writer.to_bytes(), "messages.fit", options=LOSSY)


def test_a_long_fit_file_of_another_type_says_its_type_not_the_message_limit() -> None:
    writer = FitWriter()
    writer.message(MesgNum.FILE_ID, [Field(FileIdField.TYPE, BaseType.ENUM, 4)])  # an activity
    for number in range(MAX_FIT_MESSAGES):
        writer.message(MesgNum.WORKOUT, [Field(WorkoutField.SPORT, BaseType.ENUM, number % 2)])
    with pytest.raises(FormatError, match="not a workout file"):
        fit.decode(writer.to_bytes(), "activity.fit", options=LOSSY)


def test_intervals_text_nested_in_repeats_beyond_the_workout_budget_is_refused_naming_the_limit() -> None:
    text = "Main set 99x\n" + "- 1m 30:00/km Pace\n" * 102
    with pytest.raises(FormatError, match=f"more than {MAX_WORKOUT_SEGMENTS} segments .MAX_WORKOUT_SEGMENTS"):
        intervals.read_bytes(text.encode(), "big.txt")


def test_intervals_text_of_many_empty_repeats_is_refused_at_the_document_step_budget() -> None:
    text = "2x\n\n" * (MAX_DOCUMENT_STEPS + 1) + "- 1m 30:00/km Pace\n"
    with pytest.raises(FormatError, match="MAX_DOCUMENT_STEPS"):
        intervals.decode(text.encode(), "headers.txt", options=ReadOptions(policy=Policy.LOSSY))


def test_intervals_text_with_a_line_of_millions_of_words_is_refused_before_it_is_split() -> None:
    with pytest.raises(FormatError, match=r"line 1: the line has more than 10000 characters \(MAX_TEXT_LINE"):
        intervals.read_bytes(b"- " + b"x " * 1_000_000 + b"1m\n", "words.txt")


def test_intervals_text_of_millions_of_lines_is_refused_before_it_is_split() -> None:
    with pytest.raises(FormatError, match="MAX_TEXT_LINES"):
        intervals.read_bytes(b"\n" * (MAX_TEXT_LINES + 1) + b"- 1m 30:00/km Pace\n", "lines.txt")


def test_a_plan_at_the_document_budget_reads_back_from_tcx() -> None:
    # The budget refuses what passes it, never what fits: 2 x 7 sessions of 1,386 segments (19,404).
    workout = Workout("W", [Repeat(99, [STEP] * 14)])
    plan = Plan(name="P", weeks=[Week([Session(workout)] * 7)] * 2)
    assert plan.segment_count == 19_404 <= MAX_DOCUMENT_SEGMENTS
    assert tcx.read_bytes(tcx.write_plan(plan, policy=Policy.LOSSY).data) == plan


def test_the_document_budget_refuses_the_first_count_past_each_limit_naming_it() -> None:
    budget = DocumentBudget()
    budget.spend("a.tcx", steps=MAX_DOCUMENT_STEPS, segments=MAX_DOCUMENT_SEGMENTS)  # at the limits: fine
    with pytest.raises(FormatError, match=f"a.tcx: the document holds more than {MAX_DOCUMENT_STEPS} steps"):
        budget.spend("a.tcx", steps=1)
    with pytest.raises(FormatError, match="MAX_DOCUMENT_SEGMENTS"):
        DocumentBudget().spend("b.tcx", segments=MAX_DOCUMENT_SEGMENTS + 1)


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01", "2026-02-30", "x" * 5000])
def test_tcx_scheduled_dates_out_of_range_or_malformed_are_format_errors_with_the_line(date: str) -> None:
    one = _tcx_workout(Workout("W", [STEP])).replace("</Workout>", f"<ScheduledOn>{date}</ScheduledOn></Workout>")
    with pytest.raises(FormatError, match=r"line \d+: ScheduledOn: ") as caught:
        tcx.decode(_tcx_with_workouts([one, one.replace("<Name>W</Name>", "<Name>V</Name>")]), "dates.tcx")
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize("text", ["5" * 5000 + " km", "3 x " + "4" * 5000 + " minutes", "\u00b2 min", "1" * 70 + " s"])
def test_zwo_quantities_in_free_text_of_thousands_of_digits_are_no_evidence_and_no_crash(text: str) -> None:
    written = zwo.write_workout(Workout("W", [STEP])).data.decode()
    data = written.replace("<durationType>time</durationType>", "").replace(
        "<description></description>", f"<description>{text}</description>"
    )
    if text.endswith(" s"):  # and a block length of 70 digits, for the evidence to compare against
        data = data.replace('Duration="60"', 'Duration="' + "9" * 70 + '"', 1)
    _read_both("zwo", data.encode())
