"""TCX workouts: files valid for Garmin's schema by construction, exact round trips, lenient reading of real files."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import corpus_root, step
from hypothesis import given, settings
from lxml import etree

from retrointervals import (
    Direction,
    Distance,
    Duration,
    FormatError,
    Incline,
    Plan,
    Repeat,
    Session,
    Speed,
    StepKind,
    ValidationError,
    Week,
    Weekday,
    Workout,
)
from retrointervals import strategies as ris
from retrointervals.errors import FormatLimitError, OutputExistsError
from retrointervals.formats import FORMATS, Policy, ReadOptions, plan_files, tcx
from retrointervals.timeline import flatten

NS = {"tc": tcx.NAMESPACE}
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


@functools.cache
def _garmin_schema() -> etree.XMLSchema | None:
    root = corpus_root()
    if root is None:
        return None
    return etree.XMLSchema(etree.parse(str(root / "schemas" / "TrainingCenterDatabasev2.xsd")))


def garmin_problems(data: bytes) -> list[str]:
    """Problems Garmin's own schema finds; the test is skipped without the corpus copy of the schema."""
    schema = _garmin_schema()
    if schema is None:
        pytest.skip("Garmin's TCX schema is in the interoperability corpus, which is absent")
    return _problems(schema, data)


def garmin_problems_if_available(data: bytes) -> list[str]:
    """The same for property tests, whose other checks must still run without the corpus."""
    schema = _garmin_schema()
    return [] if schema is None else _problems(schema, data)


def _problems(schema: etree.XMLSchema, data: bytes) -> list[str]:
    if schema.validate(etree.fromstring(data)):
        return []
    return [str(entry) for entry in schema.error_log]  # type: ignore[attr-defined]


def test_garmins_schema_is_in_the_corpus(corpus: Path) -> None:
    assert _garmin_schema() is not None, corpus  # else the property tests below skip their Garmin checks


BACK = step(
    Direction.BACKWARD,
    length=Distance.metres(50),
    speed=Speed.mph(1.3),
    incline=Incline.percent(2.5),
    hold_handrails=True,
    cue="Long steps",
)
LOSSY = ReadOptions(policy=Policy.LOSSY)
EASY = step(kind=StepKind.RECOVERY, speed=Speed.kmh(3.6))
SAMPLE = Workout("Retro ladder", [EASY, Repeat(3, [BACK, EASY])], "Three rounds.\nHold on.")


# --- round trips and schema validity ---------------------------------------------------------


@given(ris.workouts())
def test_lossy_write_is_valid_and_reads_back_unchanged(workout: Workout) -> None:
    encoded = tcx.write_workout(workout, policy=Policy.LOSSY)
    assert garmin_problems_if_available(encoded.data) == []
    assert tcx.validate_written(encoded.data) == []
    # TCX loses nothing of ours: names, notes and speed units travel in the notes; split parts are joined again.
    assert tcx.read_bytes(encoded.data) == workout


@given(ris.workouts())
def test_strict_refuses_exactly_what_lossy_changes(workout: Workout) -> None:
    lossy = tcx.write_workout(workout, policy=Policy.LOSSY)
    assert garmin_problems_if_available(lossy.data) == []
    if lossy.changes:
        with pytest.raises(FormatLimitError, match="TCX") as caught:
            tcx.write_workout(workout)
        assert caught.value.where == lossy.changes[0].where
    else:
        assert tcx.write_workout(workout) == lossy


@given(ris.plans(max_weeks=3))
def test_plans_are_one_valid_file_that_reads_back_unchanged(plan: Plan) -> None:
    encoded = tcx.write_plan(plan, policy=Policy.LOSSY)
    assert garmin_problems_if_available(encoded.data) == []
    assert tcx.validate_written(encoded.data) == []
    assert tcx.read_bytes(encoded.data) == plan
    root = etree.fromstring(encoded.data)
    names = root.xpath("//tc:Workout/tc:Name/text()", namespaces=NS)
    assert len(names) == len(set(names))
    assert all(len(name) <= tcx.MAX_NAME_LENGTH_TCX for name in names)


@pytest.mark.parametrize(
    "description",
    ["", " \n ", "\t", "x\n\n-- retrointervals --", "x\n-- retrointervals --\nstep 1: BACKWARD, hold rails"],
)
def test_descriptions_come_back_exactly_even_when_they_look_like_our_section(description: str) -> None:
    workout = Workout("  spaced  name ", [step(cue="  a  b ")], description)
    assert tcx.read_bytes(tcx.write_workout(workout, policy=Policy.LOSSY).data) == workout


def test_scheduled_dates_follow_the_plan() -> None:
    plan = Plan(
        name="Two weeks",
        weeks=[Week([Session(SAMPLE, Weekday.MONDAY), Session(SAMPLE, Weekday.THURSDAY)]), Week([Session(SAMPLE)])],
        start=dt.date(2024, 3, 4),
    )
    root = etree.fromstring(tcx.write_plan(plan, policy=Policy.LOSSY).data)
    workouts = root.findall("tc:Workouts/tc:Workout", NS)
    assert [w.findtext("tc:ScheduledOn", namespaces=NS) for w in workouts] == ["2024-03-04", "2024-03-07", None]
    # Names must differ: the repeated session is renamed with its week and session code.
    assert [w.findtext("tc:Name", namespaces=NS) for w in workouts] == [
        "Retro ladder",
        "W01S2 Retro lad",
        "W02S1 Retro lad",
    ]


def test_plan_files_gives_one_tcx_file() -> None:
    plan = Plan(name="P", weeks=[Week([Session(SAMPLE), Session(SAMPLE)])])
    files = plan_files(plan, "tcx", policy=Policy.LOSSY)
    assert [name for name, _ in files] == ["plan.tcx"]
    assert tcx.read_bytes(files[0][1].data) == plan


# --- what a written file looks like ------------------------------------------------------------


def _root(workout: Workout, **options: object) -> etree._Element:
    return etree.fromstring(tcx.write_workout(workout, policy=Policy.LOSSY, **options).data)  # type: ignore[arg-type]


def test_steps_carry_label_time_or_distance_intensity_and_a_speed_band() -> None:
    root = _root(SAMPLE)
    steps = root.findall(".//tc:Workout//*[tc:StepId]", NS)
    assert [s.findtext("tc:StepId", namespaces=NS) for s in steps] == ["1", "2", "3", "4"]  # pre-order
    assert [s.get(XSI_TYPE) for s in steps] == ["Step_t", "Repeat_t", "Step_t", "Step_t"]
    back = steps[2]
    assert back.findtext("tc:Name", namespaces=NS) == "BW active"
    assert back.find("tc:Duration", NS).get(XSI_TYPE) == "Distance_t"
    assert back.findtext("tc:Duration/tc:Meters", namespaces=NS) == "50"
    assert steps[0].findtext("tc:Intensity", namespaces=NS) == "Resting"
    assert back.findtext("tc:Intensity", namespaces=NS) == "Active"
    zone = back.find("tc:Target/tc:SpeedZone", NS)
    assert zone.get(XSI_TYPE) == "CustomSpeedZone_t"
    assert [etree.QName(child).localname for child in zone] == [
        "ViewAs",
        "LowInMetersPerSecond",
        "HighInMetersPerSecond",
    ]
    assert zone.findtext("tc:ViewAs", namespaces=NS) == "Speed"
    low, high = (Fraction(zone.findtext(f"tc:{end}InMetersPerSecond", namespaces=NS)) for end in ("Low", "High"))
    exact = Speed.mph(1.3).exact_mps
    assert abs((low + high) / 2 - exact) < Fraction(1, 10**8)
    assert abs(low - exact * Fraction(95, 100)) < Fraction(1, 10**8)
    assert root.find(".//tc:Creator", NS).get(XSI_TYPE) == "Application_t"


def test_intensity_mapping() -> None:
    kinds = [step(kind=kind) for kind in StepKind]
    root = _root(Workout("Kinds", kinds))
    found = root.xpath("//tc:Intensity/text()", namespaces=NS)
    assert dict(zip(StepKind, found, strict=True)) == {
        StepKind.WARMUP: "Active",
        StepKind.ACTIVE: "Active",
        StepKind.RECOVERY: "Resting",
        StepKind.TRANSITION: "Resting",
        StepKind.COOLDOWN: "Active",
    }


def test_notes_carry_what_tcx_has_no_field_for() -> None:
    root = _root(SAMPLE)
    notes = root.findtext(".//tc:Notes", namespaces=NS)
    assert notes == (
        "Three rounds.\nHold on.\n\n-- retrointervals --\nstep 3 mph: BACKWARD, hold rails, incline 2.5%. Long steps"
    )


def test_sport_is_other_unless_asked() -> None:
    assert _root(SAMPLE).find(".//tc:Workout", NS).get("Sport") == "Other"
    assert _root(SAMPLE, sport="running").find(".//tc:Workout", NS).get("Sport") == "Running"
    with pytest.raises(ValidationError, match="Running, Biking, Other"):
        tcx.write_workout(SAMPLE, sport="Walking")


def test_long_names_are_a_limit_under_strict_and_shortened_under_lossy() -> None:
    workout = Workout("Backward intervals, week 1", [EASY])
    with pytest.raises(FormatLimitError, match="15 characters") as caught:
        tcx.write_workout(workout)
    assert caught.value.where == "workout 'Backward intervals, week 1'"
    encoded = tcx.write_workout(workout, policy=Policy.LOSSY)
    assert etree.fromstring(encoded.data).findtext(".//tc:Workout/tc:Name", namespaces=NS) == "Backward interv"
    assert [str(change) for change in encoded.changes] == [
        (
            "workout 'Backward intervals, week 1': named 'Backward interv' (the full name is kept in the notes) "
            "(TCX workout names are 1 to 15 characters with single spaces, unique in a file)"
        )
    ]
    assert tcx.read_bytes(encoded.data) == workout


def test_names_with_double_spaces_are_changed_too() -> None:
    with pytest.raises(FormatLimitError):
        tcx.write_workout(Workout("a  b", [EASY]))


def test_more_than_twenty_steps_is_a_limit_or_a_split() -> None:
    workout = Workout("Long", [step(speed=Speed.kmh(1 + number / 10)) for number in range(45)])
    with pytest.raises(FormatLimitError, match="at most 20 steps"):
        tcx.write_workout(workout)
    encoded = tcx.write_workout(workout, policy=Policy.LOSSY)
    root = etree.fromstring(encoded.data)
    assert root.xpath("//tc:Workout/tc:Name/text()", namespaces=NS) == ["Long 1/3", "Long 2/3", "Long 3/3"]
    assert "split into 3 workouts" in str(encoded.changes[0])
    assert tcx.read_bytes(encoded.data) == workout  # the parts are joined again


def test_a_repeat_too_big_for_one_workout_is_unrolled_into_parts() -> None:
    workout = Workout("Big", [Repeat(3, [step(speed=Speed.kmh(2 + n / 10)) for n in range(20)])])  # 21 nodes
    encoded = tcx.write_workout(workout, policy=Policy.LOSSY)
    assert garmin_problems_if_available(encoded.data) == []
    assert "split into 3 workouts" in str(encoded.changes[0])
    # The repeat is unrolled to 60 steps, written as three workouts of 20; reading joins them again.
    assert tcx.read_bytes(encoded.data) == Workout("Big", flatten(workout.steps, 0))


def test_a_twenty_step_workout_fits_in_one() -> None:
    workout = Workout("Twenty", [step() for _ in range(20)])
    assert tcx.write_workout(workout).changes == ()


def test_lengths_beyond_unsigned_short_are_a_limit() -> None:
    long_step = step(length=Duration.seconds(60))
    object.__setattr__(long_step.length, "exact", Fraction(70_000))  # beyond the model's own limit on purpose
    with pytest.raises(FormatLimitError, match="at most 65535 seconds"):
        tcx.write_workout(Workout("Long", [long_step]))


def test_write_is_atomic_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "w.tcx"
    assert tcx.write(SAMPLE, path) == ()
    assert tcx.read(path) == SAMPLE
    with pytest.raises(OutputExistsError):
        tcx.write(SAMPLE, path)
    plan = Plan(name="P", weeks=[Week([Session(SAMPLE)])])
    tcx.write(plan, path, overwrite=True)
    assert tcx.read(path) == plan


# --- our schema agrees with Garmin's -----------------------------------------------------------


def _with_twenty_steps() -> etree._Element:
    return etree.fromstring(tcx.write_workout(Workout("Twenty", [step() for _ in range(20)])).data)


def _remove_step_type(root: etree._Element) -> None:
    del root.find(".//tc:Step", NS).attrib[XSI_TYPE]


def _remove_creator_type(root: etree._Element) -> None:
    del root.find(".//tc:Creator", NS).attrib[XSI_TYPE]


def _long_name(root: etree._Element) -> None:
    root.find(".//tc:Workout/tc:Name", NS).text = "Sixteen chars xx"


def _view_as_last(root: etree._Element) -> None:
    zone = root.find(".//tc:SpeedZone", NS)
    zone.append(zone.find("tc:ViewAs", NS))


def _twenty_one_steps(root: etree._Element) -> None:
    workout = root.find(".//tc:Workout", NS)
    extra = copy.deepcopy(workout.find("tc:Step", NS))
    extra.find("tc:StepId", NS).text = "21"
    workout.findall("tc:Step", NS)[-1].addnext(extra)


def _duplicate_step_id(root: etree._Element) -> None:
    root.findall(".//tc:StepId", NS)[1].text = "1"


def _duplicate_workout(root: etree._Element) -> None:
    workout = root.find(".//tc:Workout", NS)
    workout.addnext(copy.deepcopy(workout))


def _too_many_metres(root: etree._Element) -> None:
    duration = root.find(".//tc:Duration", NS)
    duration.set(XSI_TYPE, "Distance_t")
    duration[0].tag = f"{{{tcx.NAMESPACE}}}Meters"
    duration[0].text = "65536"


def _walking(root: etree._Element) -> None:
    root.find(".//tc:Workout", NS).set("Sport", "Walking")


def _zero_speed(root: etree._Element) -> None:
    root.find(".//tc:LowInMetersPerSecond", NS).text = "0"


BROKEN: list[Callable[[etree._Element], None]] = [
    _remove_step_type,
    _remove_creator_type,
    _long_name,
    _view_as_last,
    _twenty_one_steps,
    _duplicate_step_id,
    _duplicate_workout,
    _too_many_metres,
    _walking,
    _zero_speed,
]


def test_both_schemas_accept_what_we_write() -> None:
    for data in (tcx.write_workout(SAMPLE).data, etree.tostring(_with_twenty_steps())):
        assert tcx.validate_written(data) == []
        assert tcx.validate(data) == []
        assert garmin_problems(data) == []


@pytest.mark.parametrize("breaking", BROKEN, ids=[function.__name__.strip("_") for function in BROKEN])
def test_both_schemas_refuse_the_same_broken_documents(breaking: Callable[[etree._Element], None]) -> None:
    root = _with_twenty_steps()
    breaking(root)
    data = etree.tostring(root)
    for problems in (tcx.validate_written(data), tcx.validate(data)):
        assert problems
        assert all(problem.startswith("line ") for problem in problems)
    assert garmin_problems(data) != []  # last: skipped without the corpus


def test_validate_reports_malformed_documents() -> None:
    assert tcx.validate(b"<TrainingCenterDatabase>") != []
    assert tcx.validate_written(b"<TrainingCenterDatabase>") != []


def _tcx_workout_documents(corpus: Path) -> list[tuple[str, bytes, etree._Element]]:
    """The corpus's TCX workout files whose root is a TrainingCenterDatabase (not fragments, not broken XML)."""
    documents = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for path in sorted((corpus / "tcx" / "workouts").glob("*.tcx")):
        data = path.read_bytes()
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError:
            assert tcx.validate(data) != [], path.name  # broken XML is invalid for us too
            continue
        if root.tag == f"{{{tcx.NAMESPACE}}}TrainingCenterDatabase":
            documents.append((path.name, data, root))
    return documents


def test_every_tcx_workout_file_is_valid_for_us_when_it_is_for_garmin(corpus: Path) -> None:
    documents = _tcx_workout_documents(corpus)
    assert len(documents) >= 5, "the corpus's TCX workout files"
    answers = {name: (tcx.validate(data) == [], not garmin_problems(data)) for name, data, _ in documents}
    assert all(ours == garmins for ours, garmins in answers.values()), answers
    assert any(ours for ours, _ in answers.values())  # some valid files and some invalid ones: a real test
    assert not all(ours for ours, _ in answers.values())


def _no_heart_rate_zone_type(root: etree._Element) -> None:
    del root.find(".//tc:HeartRateZone", NS).attrib[XSI_TYPE]


def _heart_rate_zone_six(root: etree._Element) -> None:
    zone = root.find(".//tc:HeartRateZone", NS)
    zone.set(XSI_TYPE, "PredefinedHeartRateZone_t")
    zone.clear()
    zone.set(XSI_TYPE, "PredefinedHeartRateZone_t")
    etree.SubElement(zone, f"{{{tcx.NAMESPACE}}}Number").text = "6"


def _unknown_target(root: etree._Element) -> None:
    root.find(".//tc:Target", NS).set(XSI_TYPE, "Power_t")


def _cadence_without_high(root: etree._Element) -> None:
    target = root.find(".//tc:Target", NS)
    target.clear()
    target.set(XSI_TYPE, "Cadence_t")
    etree.SubElement(target, f"{{{tcx.NAMESPACE}}}Low").text = "80"


def _calories_too_many(root: etree._Element) -> None:
    duration = root.find(".//tc:Duration", NS)
    duration.clear()
    duration.set(XSI_TYPE, "CaloriesBurned_t")
    etree.SubElement(duration, f"{{{tcx.NAMESPACE}}}Calories").text = "70000"


FOREIGN_BREAKING: list[Callable[[etree._Element], None]] = [
    _no_heart_rate_zone_type,
    _heart_rate_zone_six,
    _unknown_target,
    _cadence_without_high,
    _calories_too_many,
    _long_name,
    _duplicate_workout,
]


@pytest.mark.parametrize(
    "breaking", FOREIGN_BREAKING, ids=[function.__name__.strip("_") for function in FOREIGN_BREAKING]
)
def test_both_schemas_refuse_the_same_broken_foreign_workouts(
    corpus: Path, breaking: Callable[[etree._Element], None]
) -> None:
    heart = next(root for name, _, root in _tcx_workout_documents(corpus) if "HeartRateTargets" in name)
    assert tcx.validate(etree.tostring(heart)) == []
    broken = copy.deepcopy(heart)
    breaking(broken)
    data = etree.tostring(broken)
    assert tcx.validate(data) != []
    assert garmin_problems(data) != []


def test_validate_accepts_folders_and_heart_rate_targets_the_written_subset_leaves_out() -> None:
    data = (
        b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
        b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Folders><Workouts>'
        b'<Running Name="Running"><WorkoutNameRef><Id>Heart</Id></WorkoutNameRef></Running>'
        b'<Biking Name="Biking"/><Other Name="Other"/></Workouts></Folders>'
        b'<Workouts><Workout Sport="Running"><Name>Heart</Name><Step xsi:type="Step_t"><StepId>1</StepId>'
        b'<Duration xsi:type="HeartRateAbove_t"><HeartRate xsi:type="HeartRateAsPercentOfMax_t"><Value>80</Value>'
        b'</HeartRate></Duration><Intensity>Active</Intensity><Target xsi:type="HeartRate_t">'
        b'<HeartRateZone xsi:type="PredefinedHeartRateZone_t"><Number>2</Number></HeartRateZone></Target></Step>'
        b"</Workout></Workouts></TrainingCenterDatabase>"
    )
    assert tcx.validate(data) == []
    assert tcx.validate_written(data) != []
    assert garmin_problems_if_available(data) == []
    dangling = data.replace(b"<Id>Heart</Id>", b"<Id>Missing</Id>")
    assert tcx.validate(dangling) != []  # a folder's reference names a workout of the file
    if _garmin_schema() is not None:  # Garmin's schema is read from the corpus, when it is there
        assert garmin_problems_if_available(dangling) != []


def test_validate_refuses_activity_and_course_files_as_not_workout_files() -> None:
    for part in (b"<Activities/>", b"<Courses/>"):
        data = b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        with pytest.raises(FormatError, match="a TCX activity/course, not a workout file"):
            tcx.validate(data + part + b"</TrainingCenterDatabase>")


# --- reading files of other tools ------------------------------------------------------------

FOREIGN = b"""<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Workouts>
    <Workout Sport="Running">
      <Name>A name much longer than fifteen characters</Name>
      <Step>
        <StepId>0</StepId>
        <Name>Warm Up</Name>
        <Duration><Seconds>300</Seconds></Duration>
        <Intensity>Resting</Intensity>
        <Target xsi:type="Speed_t">
          <SpeedZone xsi:type="CustomSpeedZone_t">
            <LowInMetersPerSecond>1.0</LowInMetersPerSecond>
            <HighInMetersPerSecond>1.2</HighInMetersPerSecond>
          </SpeedZone>
        </Target>
      </Step>
      <Step xsi:type="Repeat_t">
        <StepId>1</StepId>
        <Name>repeat X 2</Name>
        <Repetitions>2</Repetitions>
        <Child>
          <StepId>2</StepId>
          <Duration xsi:type="Distance_t"><Meters>400</Meters></Duration>
          <Intensity>Active</Intensity>
          <Target><SpeedZone><LowInMetersPerSecond>2.5</LowInMetersPerSecond>
            <HighInMetersPerSecond>2.6</HighInMetersPerSecond></SpeedZone></Target>
        </Child>
      </Step>
    </Workout>
  </Workouts>
</TrainingCenterDatabase>
"""


def test_files_of_other_tools_read_leniently() -> None:
    with pytest.raises(FormatLimitError, match=r"multiples of 0\.1 km/h"):
        tcx.read_bytes(FOREIGN)  # strict: the speeds in the middle of these bands are rounded
    decoded = tcx.decode(FOREIGN, options=LOSSY)
    assert [change.what for change in decoded.changes] == [
        "read the band's middle, 1.1000 m/s, as 4.0 km/h (belt speeds are multiples of 0.1 km/h)",
        "read the band's middle, 2.5500 m/s, as 9.2 km/h (belt speeds are multiples of 0.1 km/h)",
    ]
    workout = decoded.document
    assert isinstance(workout, Workout)
    assert workout.name == "A name much longer than fifteen characters"
    warm, repeat = workout.steps
    assert warm == step(
        kind=StepKind.RECOVERY, length=Duration.seconds(300), speed=Speed.kmh(4.0), cue="Warm Up"
    )  # 1.1 m/s = 3.96 km/h
    assert isinstance(repeat, Repeat)
    assert repeat.count == 2
    assert repeat.steps == (step(length=Distance.metres(400), speed=Speed.kmh(9.2)),)  # 2.55 m/s = 9.18 km/h


def test_files_without_namespace_read_too() -> None:
    plain = FOREIGN.replace(b' xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"', b"")
    assert tcx.read_bytes(plain, options=LOSSY) == tcx.read_bytes(FOREIGN, options=LOSSY)


def test_a_step_without_speed_needs_a_default_speed() -> None:
    data = FOREIGN.replace(b"<Target>", b'<Target xsi:type="None_t"/><Unused>').replace(
        b"</Target>\n        </Child>", b"</Unused>\n        </Child>"
    )
    with pytest.raises(FormatError, match="belt speed") as caught:
        tcx.read_bytes(data, "plan.tcx", options=LOSSY)
    assert caught.value.location == "plan.tcx, line 23"
    assert caught.value.needs == "speed"
    assert "step 2 has an open target" in str(caught.value)
    decoded = tcx.decode(data, options=ReadOptions(policy=Policy.LOSSY, speed=Speed.kmh(2.5)))
    assert isinstance(decoded.document, Workout)
    assert list(decoded.document.steps_flat())[1].speed == Speed.kmh(2.5)
    assert "used the given speed 2.5 km/h (step 2 has an open target, not a belt speed)" in [
        change.what for change in decoded.changes
    ]


@pytest.mark.parametrize(
    ("duration", "words", "until_lap"),
    [
        ('<Duration xsi:type="UserInitiated_t"/>', "lap button without an expected time", True),
        ('<Duration xsi:type="HeartRateAbove_t"><HeartRate/></Duration>', "heart rate rises", False),
    ],
)
def test_steps_that_end_without_time_or_distance_are_changes(duration: str, words: str, until_lap: bool) -> None:
    data = FOREIGN.replace(b"<Duration><Seconds>300</Seconds></Duration>", duration.encode())
    with pytest.raises(FormatLimitError, match=words):
        tcx.read_bytes(data)
    decoded = tcx.decode(data, options=LOSSY)
    assert isinstance(decoded.document, Workout)
    first = next(iter(decoded.document.steps_flat()))
    assert (first.length, first.until_lap) == (Duration.seconds(60), until_lap)
    assert words in decoded.changes[0].what


def test_lap_button_steps_are_user_initiated_durations() -> None:
    turn = step(Direction.BACKWARD, StepKind.TRANSITION, length=Duration.seconds(20), until_lap=True, belt_stopped=True)
    workout = Workout("Turns", [EASY, turn])
    data = tcx.write_workout(workout).data
    assert tcx.validate_written(data) == []
    assert garmin_problems_if_available(data) == []
    durations = etree.fromstring(data).findall(".//tc:Duration", NS)
    assert durations[1].get(f"{{{tcx.XSI}}}type") == "UserInitiated_t"
    assert "step 2: BACKWARD, belt stopped, press lap (about 20 s)" in data.decode()
    assert tcx.read_bytes(data) == workout


def test_activity_files_are_not_workouts() -> None:
    data = b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities/></TrainingCenterDatabase>'
    with pytest.raises(FormatError, match="no <Workouts>"):
        tcx.read_bytes(data)


def test_a_foreign_plan_is_grouped_into_weeks_by_date() -> None:
    workout = etree.fromstring(FOREIGN).find(".//tc:Workout", NS)
    root = etree.fromstring(FOREIGN)
    container = root.find("tc:Workouts", NS)
    container.remove(container[0])
    for number, date in enumerate(["2024-01-02", "2024-01-04", "2024-01-09"]):
        copy_ = copy.deepcopy(workout)
        copy_.find("tc:Name", NS).text = f"Run {number}"
        copy_.find("tc:Step", NS).addprevious(etree.Element(f"{{{tcx.NAMESPACE}}}Dummy"))
        copy_.remove(copy_.find("tc:Dummy", NS))
        scheduled = etree.SubElement(copy_, f"{{{tcx.NAMESPACE}}}ScheduledOn")
        scheduled.text = date
        container.append(copy_)
    plan = tcx.read_bytes(etree.tostring(root), "first plan.tcx", options=LOSSY)
    assert isinstance(plan, Plan)
    assert plan.name == "first plan"
    assert plan.start == dt.date(2024, 1, 2)
    assert [[s.workout.name for s in week.sessions] for week in plan.weeks] == [["Run 0", "Run 1"], ["Run 2"]]
    assert [plan.session_date(w, s) for w, s in [(0, 0), (0, 1), (1, 0)]] == [
        dt.date(2024, 1, 2),
        dt.date(2024, 1, 4),
        dt.date(2024, 1, 9),
    ]


# --- the interoperability corpus -------------------------------------------------------------


def test_corpus_workout_files_read_or_are_refused_clearly(corpus: Path) -> None:
    folder = corpus / "tcx" / "workouts"
    simple = folder / "dblock-tcx__simple_workout_1.tcx"
    with pytest.raises(FormatError, match="open target"):
        tcx.read(simple)
    workout = tcx.read(simple, options=ReadOptions(policy=Policy.LOSSY, speed=Speed.kmh(5.0)))
    assert isinstance(workout, Workout)
    assert [s.cue for s in workout.steps_flat()] == ["Warm Up", "Zone 2 Run", "Cool Down"]
    assert str(workout.total_time) == "40:00"
    for name in ("first_trainer__cmp_workout1.tcx", "first_trainer__cmp_workout2.tcx"):
        fragment = tcx.read(folder / name, options=LOSSY)  # undeclared xsi prefix, StepId 0, Name in Repeat, no ViewAs
        assert isinstance(fragment, Workout)
        assert any(isinstance(item, Repeat) for item in fragment.steps)
    napa = tcx.read(folder / "first_trainer__Napa_Valley_Marathon_workouts.tcx", options=LOSSY)
    assert isinstance(napa, Plan)
    assert sum(len(week.sessions) for week in napa.weeks) == 48
    with pytest.raises(FormatError, match="predefined speed zone"):
        tcx.read(folder / "first_trainer__Morgan_Hill_workouts.tcx", options=LOSSY)
    morgan = tcx.read(
        folder / "first_trainer__Morgan_Hill_workouts.tcx", options=ReadOptions(policy="lossy", speed=Speed.kmh(8.0))
    )
    assert isinstance(morgan, Plan)
    assert sum(len(week.sessions) for week in morgan.weeks) == 48
    for name in (
        "first_trainer__cmp_plan1.tcx",
        "first_trainer__cmp_plan2.tcx",
        "first_trainer__cmp_plan_half_marathon.tcx",
        "first_trainer__cmp_plan_marathon.tcx",
    ):
        with pytest.raises(FormatError, match=r"line \d+, column \d+: not well-formed XML: Opening and ending tag"):
            tcx.read(folder / name)


def test_corpus_activity_files_are_refused_as_not_workouts(corpus: Path) -> None:
    for path in sorted((corpus / "tcx" / "activities").glob("*.tcx")):
        with pytest.raises(FormatError, match="no <Workouts>"):
            tcx.read(path)


# --- the documentation -------------------------------------------------------------------------


def test_the_capability_table_in_the_docs_mirrors_the_registry() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "formats.md").read_text(encoding="utf-8")
    section = text.split("## Capabilities", 1)[1].split("\n## ", 1)[0]
    rows = {
        cells[0].strip("`"): cells
        for line in section.splitlines()
        if line.startswith("| `")
        for cells in [[cell.strip() for cell in line.strip("|").split("|")]]
    }
    assert set(rows) == set(FORMATS)

    def shown(flag: bool) -> str:
        return "yes" if flag else "no"

    for name, info in FORMATS.items():
        found = info.capabilities
        expected = [
            f"`{name}`",
            ", ".join(f"`{extension}`" for extension in info.extensions),
            found.direction_via,
            shown(found.incline),
            shown(found.distance_steps),
            shown(found.repeats),
            shown(found.nested_repeats),
            found.names,
            shown(found.cues),
            shown(found.whole_plan),
            shown(found.exact_speeds),
        ]
        assert rows[name] == expected, name


@settings(max_examples=60)  # each example generates a whole plan (up to 80 sessions)
@given(ris.generated_plans())
def test_every_generated_plan_is_valid_tcx_and_reads_back(plan: Plan) -> None:
    encoded = tcx.write_plan(plan, policy=Policy.LOSSY)
    assert garmin_problems_if_available(encoded.data) == []
    assert tcx.validate_written(encoded.data) == []
    assert tcx.read_bytes(encoded.data) == plan
    strict = tcx.write_plan(plan)  # generated names are short and unique: nothing to adapt
    assert strict.changes == ()


def test_foreign_workouts_without_dates_are_grouped_seven_a_week_as_a_reported_change() -> None:
    root = etree.fromstring(FOREIGN)
    container = root.find("tc:Workouts", NS)
    second = copy.deepcopy(container[0])
    second.find("tc:Name", NS).text = "Other"
    container.append(second)
    data = etree.tostring(root)
    with pytest.raises(FormatLimitError):  # strict: the first change (a rounded band) already refuses
        tcx.read_bytes(data, "two.tcx", options=ReadOptions(policy=Policy.STRICT))
    decoded = tcx.decode(data, "two.tcx", options=LOSSY)
    assert isinstance(decoded.document, Plan)
    assert [len(week.sessions) for week in decoded.document.weeks] == [2]
    assert "grouped 7 a week in file order" in decoded.changes[-1].what


def test_plan_extension_attributes_are_read_in_any_case_and_unknown_ones_ignored() -> None:
    plan = Plan(
        name="P",
        weeks=[Week([Session(Workout("W", [step()]), Weekday.parse("tue"))], label="base", deload=True)],
        forward_speed=Speed.kmh(4.5),
        start=dt.date(2026, 1, 5),
    )
    data = tcx.write_plan(plan).data
    assert tcx.read_bytes(data) == plan
    renamed = data.replace(b"forwardSpeedUnit=", b"FORWARDSPEEDUNIT=").replace(b' name="P"', b' name="P" colour="red"')
    assert renamed != data
    assert tcx.read_bytes(renamed) == plan


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (b'forwardSpeed="4.5"', b'forwardSpeed="fast"', r"line \d+: forwardSpeed: must be a number, not 'fast'"),
        (b'weekday="', b'weekday="funday" x="', r"line \d+: weekday: .*'funday'"),
        (b'forwardSpeed="4.5"', b'forwardSpeed="99"', r"line \d+: Speed: must be between"),
    ],
)
def test_bad_plan_extension_attributes_name_the_attribute_and_line(old: bytes, new: bytes, words: str) -> None:
    plan = Plan(
        name="P", weeks=[Week([Session(Workout("W", [step()]), Weekday.parse("tue"))])], forward_speed=Speed.kmh(4.5)
    )
    data = tcx.write_plan(plan).data
    tampered = data.replace(old, new, 1)
    assert tampered != data
    with pytest.raises(FormatError, match=words):
        tcx.read_bytes(tampered)


def test_plan_extension_treadmill_reads_back_and_bad_attributes_name_themselves() -> None:
    from retrointervals.treadmill import WALKING_PAD  # noqa: PLC0415

    plan = Plan(name="P", weeks=[Week([Session(Workout("W", [step()]))])], treadmill=WALKING_PAD)
    data = tcx.write_plan(plan).data
    assert tcx.read_bytes(data) == plan
    for old, new, words in [
        (b"speedIncrementTenths=", b'speedIncrementTenths="1.5" x=', r"speedIncrementTenths: must be a whole number"),
        (b"minSpeed=", b'MINSPEED="slow" x=', r"minSpeed: must be a number, not 'slow'"),
        (b"unit=", b'unit="knots" x=', r"unit: unknown value"),
    ]:
        tampered = data.replace(old, new, 1)
        assert tampered != data
        with pytest.raises(FormatError, match=words):
            tcx.read_bytes(tampered)
    missing = re.sub(rb' maxSpeed="[^"]*"', b"", data)
    with pytest.raises(FormatError, match=r"line \d+: maxSpeed: missing"):
        tcx.read_bytes(missing)
