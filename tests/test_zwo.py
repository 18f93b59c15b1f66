"""Run ZWO files: exact speeds for apps that honour thresholdSecPerKm, announced turns, lenient reading."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from conftest import step
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from retrointervals import (
    Direction,
    Distance,
    Duration,
    FormatError,
    Incline,
    Plan,
    Repeat,
    Rounding,
    Session,
    Speed,
    SpeedUnit,
    Step,
    StepKind,
    ValidationError,
    Week,
    Workout,
)
from retrointervals import strategies as ris
from retrointervals.errors import FormatLimitError, OutputExistsError
from retrointervals.formats import Policy, ReadOptions, ZwoDurations, plan_files, steptext, zwo
from retrointervals.timeline import flatten

KMH_PER_MPH = 1.609344


def _as_zwo_keeps_it(workout: Workout) -> Workout:
    """What ZWO gives back: the steps unrolled (ZWO has no nesting, and we write no IntervalsT)."""
    return Workout(workout.name, flatten(workout.steps, 0), workout.description)


BACK = step(Direction.BACKWARD, speed=Speed.mph(1.3), incline=Incline.percent(2.5), hold_handrails=True, cue="Slow")
EASY = step(kind=StepKind.RECOVERY, speed=Speed.kmh(3.6))
SAMPLE = Workout("Retro ladder", [EASY, Repeat(2, [BACK, EASY])], "Two rounds.")

# Workouts ZWO keeps exactly: all steps by time or all by distance, none 1 unit long.
timed_steps = ris.steps(length=ris.durations(min_s=2, max_s=3600))
distance_steps = ris.steps(length=ris.distances(min_m=2, max_m=5000))
zwo_workouts = st.one_of(ris.workouts(step=timed_steps), ris.workouts(step=distance_steps))


def _blocks(data: bytes) -> list[etree._Element]:
    return etree.fromstring(data).findall("workout/SteadyState")


# --- round trips -------------------------------------------------------------------------------


@given(zwo_workouts)
def test_write_then_read_keeps_everything_but_the_repeats(workout: Workout) -> None:
    encoded = zwo.write_workout(workout, policy=Policy.LOSSY)
    # Lost: only the repeats (unrolled, same timeline). Kept: all the rest, speed units included.
    assert encoded.changes == ()
    assert zwo.read_bytes(encoded.data) == _as_zwo_keeps_it(workout)


@given(zwo_workouts)
def test_threshold_reproduces_every_belt_speed_at_display_resolution(workout: Workout) -> None:
    data = zwo.write_workout(workout, policy=Policy.LOSSY).data
    root = etree.fromstring(data)
    threshold = float(root.findtext("thresholdSecPerKm"))
    for block, expected in zip(_blocks(data), flatten(workout.steps, 0), strict=True):
        assert isinstance(expected, Step)
        # qdomyos-zwift (src/zwiftworkout.cpp): speed = (60.0 / (thresholdSecPerKm / Power)) * 60.0, in doubles.
        kmh = (60.0 / (threshold / float(block.get("Power")))) * 60.0
        shown = kmh if expected.speed.unit is SpeedUnit.KMH else kmh / KMH_PER_MPH
        assert round(shown * 10) == expected.speed.tenths
        assert expected.speed.exact_kmh <= Fraction(kmh) < expected.speed.exact_kmh + Fraction(1, 1000)
        # ... and QZ sets the incline to Incline * 100 percent.
        assert round(float(block.get("Incline")) * 1000) == expected.incline.tenths


@given(ris.workouts())
def test_strict_refuses_exactly_what_lossy_changes(workout: Workout) -> None:
    lossy = zwo.write_workout(workout, policy=Policy.LOSSY)
    if lossy.changes:
        with pytest.raises(FormatLimitError) as caught:
            zwo.write_workout(workout)
        assert caught.value.where == lossy.changes[0].where
    else:
        assert zwo.write_workout(workout) == lossy
        assert zwo.read_bytes(lossy.data) == _as_zwo_keeps_it(workout)


@given(ris.workouts())
def test_every_turn_and_rails_change_is_announced_briefly(workout: Workout) -> None:
    data = zwo.write_workout(workout, policy=Policy.LOSSY).data
    previous: Step | None = None
    for block, current in zip(_blocks(data), flatten(workout.steps, 0), strict=True):
        assert isinstance(current, Step)
        events = block.findall("textevent")
        assert len(events) == 1
        message = events[0].get("message")
        turned = current.direction is not (previous.direction if previous else Direction.FORWARD)
        rails = current.hold_handrails != (previous.hold_handrails if previous else False)
        said = steptext.spoken(current, previous)
        assert (said is not None) is (turned or rails)
        if said is not None:
            assert message.startswith(said + " ")
            assert len(said) <= 60  # short enough to be spoken
            assert (f"walk {current.direction.value}" in said.lower()) is turned
        previous = current


# --- what a written file looks like ------------------------------------------------------------


def test_file_header_and_blocks() -> None:
    root = etree.fromstring(zwo.write_workout(SAMPLE).data)
    assert root.findtext("sportType") == "run"
    assert root.findtext("durationType") == "time"
    assert root.findtext("thresholdSecPerKm") == "360"
    assert [tag.get("name") for tag in root.findall("tags/tag")] == ["retrointervals", "treadmill", "retro", "backward"]
    blocks = root.findall("workout/*")
    assert [block.tag for block in blocks] == ["SteadyState"] * 5
    first, back = blocks[0], blocks[1]
    # 0.36 would give QZ 3.5999999999999996 km/h, which its drivers cut to 3.5: the next digits fix that.
    assert dict(first.attrib) == {"Duration": "60", "Power": "0.3600001", "pace": "1", "Incline": "0"}
    assert back.get("Power") == "0.2092148"  # 1.3 mph = 2.0921472 km/h: QZ gets 2.092148
    assert back.get("Incline") == "0.025"
    assert back.find("textevent").get("message") == (
        "Turn around: walk backward, hold the rails. BW active at 1.3 mph: BACKWARD, hold rails, incline 2.5%. Slow"
    )
    assert back.find("textevent").get("timeoffset") == "0"


def test_forward_only_workouts_are_not_tagged_backward() -> None:
    root = etree.fromstring(zwo.write_workout(Workout("Easy", [EASY])).data)
    assert [tag.get("name") for tag in root.findall("tags/tag")] == ["retrointervals", "treadmill"]


def test_distance_workouts_use_metres_and_distoffset() -> None:
    workout = Workout(
        "Metres", [step(length=Distance.metres(400)), step(Direction.BACKWARD, length=Distance.metres(50))]
    )
    root = etree.fromstring(zwo.write_workout(workout).data)
    assert root.findtext("durationType") == "distance"
    assert [block.get("Duration") for block in root.findall("workout/SteadyState")] == ["400", "50"]
    assert root.find("workout/SteadyState/textevent").get("distoffset") == "0"
    assert zwo.read_bytes(etree.tostring(root)) == workout


def test_mixed_time_and_distance_is_a_limit_or_converted() -> None:
    workout = Workout("Mixed", [step(), step(length=Distance.metres(100), speed=Speed.kmh(3.0))])
    with pytest.raises(FormatLimitError, match="durationType"):
        zwo.write_workout(workout)
    encoded = zwo.write_workout(workout, policy=Policy.LOSSY)
    assert "1 distance steps written as times" in str(encoded.changes[0])
    read = zwo.read_bytes(encoded.data)
    assert read.steps[1] == step(length=Duration.seconds(120))  # 100 m at 3 km/h


def test_one_second_blocks_are_a_limit_or_lengthened() -> None:
    workout = Workout("Blink", [step(length=Duration.seconds(1))])
    with pytest.raises(FormatLimitError, match="power target"):
        zwo.write_workout(workout)
    encoded = zwo.write_workout(workout, policy=Policy.LOSSY)
    assert _blocks(encoded.data)[0].get("Duration") == "2"
    assert "lengthened to 2 seconds" in str(encoded.changes[0])


def test_plans_need_one_file_per_session(tmp_path: Path) -> None:
    plan = Plan(name="P", weeks=[Week([Session(SAMPLE), Session(SAMPLE)])])
    with pytest.raises(FormatError, match="plan_files"):
        zwo.write(plan, tmp_path / "p.zwo")
    files = plan_files(plan, "zwo")
    assert [name for name, _ in files] == ["week01-session1.zwo", "week01-session2.zwo"]


def test_write_is_atomic_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "w.zwo"
    assert zwo.write(SAMPLE, path) == ()
    assert zwo.read(path) == _as_zwo_keeps_it(SAMPLE)
    with pytest.raises(OutputExistsError):
        zwo.write(SAMPLE, path)


# --- reading files of other tools ------------------------------------------------------------

RACE_SPEEDS = (Speed.kmh(12), Speed.kmh(10), Speed.kmh(9.5), Speed.kmh(9), Speed.kmh(8.5))
#: What reading other tools' files needs: their changes are listed, their durations are seconds, speeds relative.
SECONDS = ReadOptions(zwo_durations=ZwoDurations.SECONDS)
OTHERS = ReadOptions(policy=Policy.LOSSY, race_speeds=RACE_SPEEDS, zwo_durations="seconds")


def _file(blocks: str, header: str = "<sportType>run</sportType>") -> bytes:
    return f"<workout_file><name>Other tool</name>{header}<workout>{blocks}</workout></workout_file>".encode()


def test_any_case_legacy_attributes_and_text_events() -> None:
    data = _file(
        '<steadystate duration="60" PowerLow="0.5" POWERHIGH="0.7" pace="1">'
        '<TextEvent TimeOffset="5" message="Relax"/></steadystate>'
        '<SteadyState Duration="30.9" Power="1.2" pace="3" Incline="0.02"/>'
    )
    workout = zwo.read_bytes(data, options=OTHERS)
    assert workout.steps == (
        step(speed=Speed.kmh(6.0), cue="Relax"),  # 0.6 x 10 km/h (5 km pace)
        step(length=Duration.seconds(30), speed=Speed.kmh(10.8), incline=Incline.percent(2)),  # truncated, as Zwift
    )


def test_pace_outside_zero_to_four_and_missing_pace_use_the_default_index() -> None:
    data = _file('<SteadyState Duration="60" Power="0.5" pace="5"/><SteadyState Duration="60" Power="0.5"/>')
    workout = zwo.read_bytes(data, options=OTHERS)
    mile = RACE_SPEEDS[zwo.DEFAULT_PACE_INDEX]
    assert [s.speed for s in workout.steps_flat()] == [Speed.kmh(float(mile.exact_kmh) / 2)] * 2


def test_threshold_wins_over_race_speeds() -> None:
    data = _file(
        '<SteadyState Duration="60" Power="0.5" pace="1"/>',
        "<sportType>run</sportType><thresholdSecPerKm>300</thresholdSecPerKm>",
    )
    assert zwo.read_bytes(data, options=OTHERS).steps[0].speed == Speed.kmh(6.0)


def test_without_threshold_or_race_speeds_the_reader_refuses_to_guess() -> None:
    with pytest.raises(FormatError, match=r"5 km race pace.*race_speeds") as caught:
        zwo.read_bytes(_file('\n<SteadyState Duration="60" Power="0.5" pace="1"/>'), "x.zwo", options=SECONDS)
    assert caught.value.location == "x.zwo, line 2"
    assert caught.value.needs == "race_pace"


def test_intervals_become_a_repeat_with_their_text_events() -> None:
    data = _file(
        '<IntervalsT Repeat="3" OnDuration="60" OffDuration="30" PowerOnLow="1.0" PowerOnHigh="1.2" OffPower="0.5">'
        '<textevent timeoffset="10" message="Push"/><textevent timeoffset="155" message="Breathe"/></IntervalsT>'
    )
    (repeat,) = zwo.read_bytes(data, options=OTHERS).steps
    assert repeat == Repeat(
        3,
        [
            step(speed=Speed.kmh(13.2), cue="Push"),
            step(kind=StepKind.RECOVERY, length=Duration.seconds(30), speed=Speed.kmh(6.0), cue="Breathe"),
        ],
    )


def test_ramps_become_one_step_at_their_average_speed() -> None:
    data = _file(
        '<Warmup Duration="300" PowerLow="0.4" PowerHigh="0.6" pace="1"/>'
        '<Cooldown Duration="300" PowerLow="0.6" PowerHigh="0.4" pace="1"/>'
    )
    warm, cool = zwo.read_bytes(data, options=OTHERS).steps
    assert warm == step(
        kind=StepKind.WARMUP, length=Duration.seconds(300), speed=Speed.kmh(5.0), cue="Ramp from 4.0 to 6.0 km/h"
    )
    assert cool.kind is StepKind.COOLDOWN
    assert cool.cue == "Ramp from 6.0 to 4.0 km/h"


def test_missing_incline_keeps_the_previous_one() -> None:
    data = _file('<SteadyState Duration="60" Power="0.3" Incline="0.05"/><SteadyState Duration="60" Power="0.3"/>')
    workout = zwo.read_bytes(data, options=OTHERS)
    assert [s.incline for s in workout.steps_flat()] == [Incline.percent(5)] * 2


def test_duration_type_from_the_file_the_options_or_the_files_own_text() -> None:
    block = '<SteadyState Duration="400" Power="0.5"/>'
    said = _file(block, "<sportType>run</sportType><durationType>distance</durationType>")
    assert zwo.read_bytes(said, options=OTHERS).steps[0].length == Distance.metres(400)  # the file wins
    assert zwo.read_bytes(_file(block), options=OTHERS).steps[0].length == Duration.seconds(400)
    metres = ReadOptions(race_speeds=RACE_SPEEDS, zwo_durations="meters")
    assert zwo.read_bytes(_file(block), options=metres).steps[0].length == Distance.metres(400)
    with pytest.raises(ValidationError, match="zwo_durations"):
        ReadOptions(zwo_durations="furlongs")
    # Without durationType or options, the file's own text decides, and that is a change.
    unclear = ReadOptions(policy=Policy.LOSSY, race_speeds=RACE_SPEEDS)
    with pytest.raises(FormatError, match="seconds or metres") as caught:
        zwo.read_bytes(_file(block), options=unclear)
    assert caught.value.needs == "zwo_durations"
    text = "<sportType>run</sportType><description>Warm up 400 meters, then more</description>"
    decoded = zwo.decode(_file(block, text), options=unclear)
    assert decoded.document.steps[0].length == Distance.metres(400)
    assert "read its durations as metres, as its text says ('400 meters')" in decoded.changes[0].what
    timed = "<sportType>run</sportType><description>3 x 4 minutes, 2 min easy</description>"
    blocks = '<SteadyState Duration="240" Power="0.5"/><SteadyState Duration="120" Power="0.3"/>'
    decoded = zwo.decode(_file(blocks, timed), options=unclear)
    assert decoded.document.steps[0].length == Duration.seconds(240)
    with pytest.raises(FormatLimitError, match="no durationType"):
        zwo.read_bytes(_file(blocks, timed), options=ReadOptions(race_speeds=RACE_SPEEDS))  # strict: a change
    both = "<sportType>run</sportType><description>400 meters in 4 minutes</description>"
    blocks = '<SteadyState Duration="400" Power="0.5"/><SteadyState Duration="240" Power="0.3"/>'
    with pytest.raises(FormatError, match="seconds or metres"):
        zwo.read_bytes(_file(blocks, both), options=unclear)


def test_a_missing_sport_type_is_a_run_only_with_run_signs() -> None:
    block = '<SteadyState Duration="60" Power="0.5" pace="1"/>'
    assert zwo.read_bytes(_file(block, ""), options=OTHERS).steps[0].speed == Speed.kmh(5.0)
    with pytest.raises(FormatError, match="no <sportType>, so Zwift reads it as a bike workout"):
        zwo.read_bytes(_file('<SteadyState Duration="60" Power="0.5"/>', ""), options=OTHERS)


@pytest.mark.parametrize(
    ("blocks", "words"),
    [
        ('<FreeRide Duration="60"/>', "no speed target.*belt speed"),
        ('<MaxEffort Duration="60"/>', "no speed target.*belt speed"),
        ('<Unknown Duration="60"/>', "unknown ZWO block <Unknown>"),
        ('<SteadyState Duration="0" Power="0.5"/>', "at least 1"),
        ('<SteadyState Duration="60"/>', "no power"),
        ('<SteadyState Duration="60" Power="fast"/>', "must be a number"),
        ('<SteadyState Duration="60" Power="4"/>', "between 0.1 and 30 km/h"),
        ("", "holds no blocks"),
    ],
)
def test_blocks_that_cannot_be_walked_are_refused(blocks: str, words: str) -> None:
    with pytest.raises(FormatError, match=words):
        zwo.read_bytes(_file(blocks), options=OTHERS)


def test_bike_workouts_are_refused_naming_the_sport() -> None:
    with pytest.raises(FormatError, match="this is a bike workout"):
        zwo.read_bytes(_file('<SteadyState Duration="60" Power="0.5"/>', "<sportType>bike</sportType>"), options=OTHERS)


def test_race_speeds_must_be_one_or_five_speeds() -> None:
    with pytest.raises(ValidationError, match="one Speed, or five"):
        ReadOptions(race_speeds=(Speed.kmh(10),))
    assert ReadOptions(race_speeds=Speed.kmh(10)).race_speeds == (Speed.kmh(10),) * 5


def test_free_runs_read_at_the_given_speed_and_say_so() -> None:
    options = ReadOptions(policy="lossy", speed=Speed.kmh(4), zwo_durations="seconds")
    decoded = zwo.decode(_file('<FreeRide Duration="60"/>'), options=options)
    assert decoded.document.steps == (step(speed=Speed.kmh(4.0)),)
    assert [change.what for change in decoded.changes] == [
        "used the given speed 4.0 km/h (<FreeRide> has no speed target)"
    ]


# --- the interoperability corpus -------------------------------------------------------------


def test_corpus_run_files_read_with_their_changes(corpus: Path) -> None:
    # Asserted per file, whatever the corpus holds: a run file is read (with its changes) or refused in one line.
    options = ReadOptions(policy=Policy.LOSSY, race_speeds=RACE_SPEEDS)
    for path in sorted((corpus / "zwo" / "run").glob("*.zwo")):
        try:
            decoded = zwo.decode(path.read_bytes(), path.name, options=options)
        except FormatError as error:
            assert error.needs in ("zwo_durations", None), error
            assert "\n" not in str(error)
            continue
        assert decoded.changes, path.name  # other tools' files always need some change (ramps, durations...)
        with pytest.raises(FormatLimitError):
            zwo.decode(path.read_bytes(), path.name, options=ReadOptions(race_speeds=RACE_SPEEDS))
    threshold = zwo.read(corpus / "zwo" / "run" / "zwo-editor__run-4-min-threshold.zwo", options=options)
    assert str(threshold.total_time) == "46:00"  # 600 + 4 x (240 + 150) + 600 seconds
    assert isinstance(threshold.steps[1], Repeat)
    metres = zwo.read(corpus / "zwo" / "run" / "zwift__zwo-files_speed-test.zwo", options=options)
    assert [step.length for step in metres.steps_flat()] == [Distance(1000), Distance(2700), Distance(1000)]


def test_corpus_bike_files_are_refused_clearly(corpus: Path) -> None:
    for path in sorted((corpus / "zwo" / "bike").glob("*.zwo")):
        with pytest.raises(FormatError) as caught:
            zwo.read(path, options=OTHERS)
        message = str(caught.value)
        assert "\n" not in message
        if path.name.endswith(".EMPTY.zwo"):
            assert message.endswith("the file is empty")
        elif path.name.endswith(".NO-WORKOUT.zwo"):
            assert "has no <workout> element" in message
        else:
            assert "bike workout" in message, message


def test_fraction_helpers_are_exact() -> None:
    assert Fraction(zwo.THRESHOLD_SEC_PER_KM) == 3600 / zwo.REFERENCE_SPEED.exact_kmh


@pytest.mark.parametrize("unit", list(SpeedUnit))
def test_qz_arithmetic_gives_every_planned_speed_exactly_or_just_above(unit: SpeedUnit) -> None:
    lowest, highest = Speed.of(0.1, SpeedUnit.KMH).to(unit, Rounding.UP), Speed.kmh(30).to(unit, Rounding.DOWN)
    for tenths in range(lowest.tenths, highest.tenths + 1):
        speed = Speed(tenths, unit)
        power = zwo._power(speed)
        belt = zwo.qz_belt_kmh(power)
        assert speed.exact_kmh <= Fraction(belt) < speed.exact_kmh + Fraction(1, 1000), (speed, power, belt)
        if unit is SpeedUnit.KMH:  # the drivers that cut to 0.1 km/h send the planned speed; our reader takes it back
            assert int(belt * 10) == tenths, (speed, power, belt)
            block = f'<SteadyState Duration="60" Power="{power}"/>'
            header = "<sportType>run</sportType><durationType>time</durationType>"
            header += "<thresholdSecPerKm>360</thresholdSecPerKm>"
            assert zwo.read_bytes(_file(block, header)).steps[0].speed == speed


def test_lap_button_and_stopped_belt_steps_are_changes_but_read_back() -> None:
    turn = step(
        Direction.BACKWARD,
        StepKind.TRANSITION,
        length=Duration.seconds(20),
        speed=Speed.kmh(1.0),
        until_lap=True,
        belt_stopped=True,
    )
    workout = Workout("Turns", [step(), turn])
    with pytest.raises(FormatLimitError, match="lap button"):
        zwo.write_workout(workout)
    encoded = zwo.write_workout(workout, policy=Policy.LOSSY)
    assert [change.what.split(" (")[-1] for change in encoded.changes] == [
        "ZWO has no block that waits for the lap button)",
        "ZWO cannot stop the belt)",
    ]
    message = _blocks(encoded.data)[1].find("textevent").get("message")
    assert message.startswith("Stop the belt, turn around: walk backward.")
    assert zwo.read_bytes(encoded.data) == workout
