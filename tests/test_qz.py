"""qdomyos-zwift treadmill programs: the rows QZ plays, exact km/h speeds, our direction attributes, QZ's own files."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from conftest import step
from hypothesis import given
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
    Step,
    StepKind,
    ValidationError,
    Week,
    Workout,
)
from retrointervals import strategies as ris
from retrointervals.errors import FormatLimitError, OutputExistsError
from retrointervals.formats import Policy, ReadOptions, plan_files, qz
from retrointervals.timeline import flatten


def _as_qz_keeps_it(workout: Workout, name: str) -> Workout:
    """What QZ gives back: rows in walking order, no name or description (the mph unit travels in ri_unit)."""
    return Workout(name, [s for s in flatten(workout.steps, 0) if isinstance(s, Step)])


LOSSY = ReadOptions(policy=Policy.LOSSY)

BACK = step(
    Direction.BACKWARD,
    length=Distance.metres(50),
    speed=Speed.mph(1.3),
    incline=Incline.percent(2.5),
    hold_handrails=True,
    cue="Slow",
)
EASY = step(kind=StepKind.RECOVERY, speed=Speed.kmh(3.6))
SAMPLE = Workout("Retro ladder", [EASY, Repeat(2, [BACK, EASY])], "Not kept.")


@given(ris.workouts())
def test_write_then_read_keeps_direction_speed_incline_lengths_and_kinds(workout: Workout) -> None:
    encoded = qz.write_workout(workout)  # QZ has no limit to hit: strict always writes
    assert encoded.changes == ()
    # Lost: the name and description (QZ has none) and repeats (unrolled), as its capabilities say.
    assert qz.read_bytes(encoded.data, "Session 1.xml") == _as_qz_keeps_it(workout, "Session 1")


@given(ris.workouts())
def test_qz_gets_the_exact_belt_speed_and_incline_of_every_step(workout: Workout) -> None:
    rows = etree.fromstring(qz.write_workout(workout, policy=Policy.LOSSY).data).findall("row")
    for row, expected in zip(rows, flatten(workout.steps, 0), strict=True):
        assert isinstance(expected, Step)
        assert Fraction(row.get("speed")) == expected.speed.exact_kmh
        assert Fraction(row.get("inclination")) == Fraction(expected.incline.tenths, 10)
        assert row.get("forcespeed") == "1"
        hours, minutes, seconds = (int(part) for part in row.get("duration").split(":"))
        if isinstance(expected.length, Duration):
            assert "distance" not in row.attrib
            assert hours * 3600 + minutes * 60 + seconds == expected.length.exact
        else:
            assert Fraction(row.get("distance")) * 1000 == expected.length.exact
            assert abs(hours * 3600 + minutes * 60 + seconds - expected.duration.exact) <= Fraction(1, 2) or hours == 23


def test_the_file_is_what_qz_reads() -> None:
    data = qz.write_workout(SAMPLE).data
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<rows>\n')
    root = etree.fromstring(data)
    assert dict(root.attrib) == {}  # QZ would read an element with attributes as a row
    assert [row.tag for row in root] == ["row"] * 5
    assert dict(root[1].attrib) == {
        "duration": "00:01:26",
        "distance": "0.05",
        "speed": "2.0921472",
        "inclination": "2.5",
        "forcespeed": "1",
        "ri_label": "BW active",
        "ri_note": "BACKWARD, hold rails, incline 2.5%. Slow",
        "ri_unit": "mph",
    }
    assert root[2].get("inclination") == "0"  # written every time, so the incline comes back to 0


def test_plans_need_one_file_per_session(tmp_path: Path) -> None:
    plan = Plan(name="P", weeks=[Week([Session(SAMPLE)])])
    with pytest.raises(FormatError, match="plan_files"):
        qz.write(plan, tmp_path / "p.xml")
    assert [name for name, _ in plan_files(plan, "qz")] == ["week01-session1.xml"]


def test_write_is_atomic_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "Retro ladder.xml"
    assert qz.write(SAMPLE, path) == ()
    assert qz.read(path) == _as_qz_keeps_it(SAMPLE, "Retro ladder")
    with pytest.raises(OutputExistsError):
        qz.write(SAMPLE, path)


# --- QZ's own files ------------------------------------------------------------------------------


def test_rows_written_by_qz_read_as_forward_steps() -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<rows>
    <row duration="00:05:00" speed="4.5" inclination="1" forcespeed="1"/>
    <row duration="00:01:00" speed="6" forcespeed="1"/>
    <row duration="00:00:00" distance="0.4" speed="5.25" inclination="0" forcespeed="1"/>
</rows>
"""
    with pytest.raises(FormatLimitError, match=r"multiples of 0\.1 km/h"):
        qz.read_bytes(data)  # 5.25 km/h: strict refuses any change
    workout, changes = attrs.astuple(qz.decode(data, options=LOSSY), recurse=False)
    assert workout.name == "QZ program"
    assert workout.steps == (
        step(length=Duration.seconds(300), speed=Speed.kmh(4.5), incline=Incline.percent(1)),
        step(speed=Speed.kmh(6.0), incline=Incline.percent(1)),  # no inclination: unchanged, as in QZ
        step(length=Distance.metres(400), speed=Speed.kmh(5.3)),
    )
    assert [str(change) for change in changes] == [
        "line 5: read 5.25 km/h as 5.3 km/h (belt speeds are multiples of 0.1 km/h)"
    ]


def test_repeats_and_ramps_of_newer_qz() -> None:
    data = b"""<rows>
  <repeat times="3">
    <row duration="00:01:00" speed="5" forcespeed="1"/>
    <row duration="00:02:00" speedfrom="3" speedto="4" forcespeed="1"/>
  </repeat>
  <repeat times="1"><row duration="00:00:10" speed="2"/></repeat>
</rows>"""
    decoded = qz.decode(data, options=LOSSY)
    assert [change.what for change in decoded.changes] == [
        "read as one step: Ramp from 3.0 to 4.0 km/h (the model holds one speed per step, not a ramp)"
    ]
    assert decoded.document.steps == (
        Repeat(
            3,
            [
                step(speed=Speed.kmh(5.0)),
                step(length=Duration.seconds(120), speed=Speed.kmh(3.5), cue="Ramp from 3.0 to 4.0 km/h"),
            ],
        ),
        step(length=Duration.seconds(10), speed=Speed.kmh(2.0)),
    )


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ('<row duration="00:01:00" power="200"/>', "bike program"),
        ('<row duration="00:01:00" zonehr="2"/>', "heart-rate target.*belt speed"),
        ('<row duration="1:00" speed="3"/>', "HH:MM:SS"),
        ('<row duration="00:61:00" speed="3"/>', "HH:MM:SS"),
        ('<row duration="00:00:00" speed="3"/>', "lasts 00:00:00"),
        ('<row duration="00:01:00" speed="31"/>', "between 0.1 and 30 km/h"),
        ('<repeat times="2"><repeat times="2"><row duration="00:01:00" speed="3"/></repeat></repeat>', "nest"),
        ('<repeat times="0"><row duration="00:01:00" speed="3"/></repeat>', "from 1 to 99"),
        ("", "no rows"),
    ],
)
def test_rows_that_cannot_be_walked_are_refused_with_their_line(rows: str, words: str) -> None:
    with pytest.raises(FormatError, match=words) as caught:
        qz.read_bytes(f"<rows>\n{rows}\n</rows>".encode(), "p.xml")
    assert re.fullmatch(r"p\.xml, line [12]", caught.value.location)


def test_other_xml_is_not_a_program() -> None:
    with pytest.raises(FormatError, match="not a qdomyos-zwift program"):
        qz.read_bytes(b"<workout_file/>")


def test_out_of_range_inclines_are_cut_and_reported() -> None:
    data = b'<rows><row duration="00:01:00" speed="3" inclination="-19.99"/></rows>'
    with pytest.raises(FormatLimitError, match="inclines are multiples"):
        qz.read_bytes(data)
    decoded = qz.decode(data, "f.xml", options=LOSSY)
    assert decoded.document.steps[0].incline == Incline.percent(-10)
    assert [str(change) for change in decoded.changes] == [
        "f.xml, line 1: read inclination -19.99 as -10 % (inclines are multiples of 0.1 % from -10 to 40 %)"
    ]


def test_heart_rate_rows_read_at_the_given_speed_and_say_so() -> None:
    data = b'<rows><row duration="00:10:00" zonehr="2" maxspeed="10"/></rows>'
    with pytest.raises(FormatError) as caught:
        qz.decode(data, options=LOSSY)
    assert caught.value.needs == "speed"
    decoded = qz.decode(data, options=ReadOptions(policy="lossy", speed=Speed.kmh(4)))
    assert decoded.document.steps == (step(length=Duration.seconds(600), speed=Speed.kmh(4.0)),)
    assert [change.what for change in decoded.changes] == ["used the given speed 4.0 km/h (the row has no belt speed)"]


def test_an_mph_plan_read_back_without_our_attributes_reports_the_unit_loss() -> None:
    workout = Workout("Miles", [step(speed=Speed.mph(2.3)), step(speed=Speed.mph(1.1))])
    root = etree.fromstring(qz.write_workout(workout).data)
    assert [row.get("speed") for row in root] == ["3.7014912", "1.7702784"]
    assert qz.read_bytes(qz.write_workout(workout).data, "Miles.xml") == workout  # ri_unit keeps the unit
    for row in root:  # as QZ's own saver writes the program again: our attributes are gone
        for name in ("ri_label", "ri_note", "ri_unit"):
            del row.attrib[name]
    data = etree.tostring(root)
    with pytest.raises(FormatLimitError, match="km/h only"):
        qz.read_bytes(data)
    decoded = qz.decode(data, "Miles.xml", options=LOSSY)
    assert decoded.document == workout
    assert [change.what for change in decoded.changes] == [
        (
            "read 3.7014912 km/h as 2.3 mph, the mph speed it is exactly (a guess) (QZ programs hold km/h only, so the "
            "unit is lost)"
        ),
        (
            "read 1.7702784 km/h as 1.1 mph, the mph speed it is exactly (a guess) (QZ programs hold km/h only, so the "
            "unit is lost)"
        ),
    ]


def test_lap_button_steps_become_lapbutton_rows_and_a_stopped_belt_is_a_change() -> None:
    turn = step(
        Direction.BACKWARD, StepKind.TRANSITION, length=Duration.seconds(20), speed=Speed.kmh(1.0), until_lap=True
    )
    workout = Workout("Turns", [step(), turn])
    row = etree.fromstring(qz.write_workout(workout).data)[1]
    assert row.get("lapbutton") == "1"
    assert row.get("duration") == "00:00:20"  # the expected time, which QZ before lap-button rows plays
    assert qz.read_bytes(qz.write_workout(workout).data, "Turns.xml") == workout
    stopped = Workout("Turns", [step(), attrs.evolve(turn, belt_stopped=True)])
    with pytest.raises(FormatLimitError, match="QZ cannot stop the belt"):
        qz.write_workout(stopped)
    encoded = qz.write_workout(stopped, policy=Policy.LOSSY)
    assert [change.where for change in encoded.changes] == ["workout 'Turns', row 2"]
    assert qz.read_bytes(encoded.data, "Turns.xml") == stopped  # ri_note keeps it for our reader
    foreign = b'<rows><row lapbutton="1" speed="3" forcespeed="1"/></rows>'
    decoded = qz.decode(foreign, options=LOSSY)
    assert decoded.document.steps == (step(length=Duration.seconds(60), speed=Speed.kmh(3.0), until_lap=True),)
    assert "no expected time" in decoded.changes[0].what


def test_direction_and_rails_announcements_are_optional_text_events() -> None:
    workout = Workout(
        "Turns",
        [step(), step(Direction.BACKWARD, hold_handrails=True), step(Direction.BACKWARD, hold_handrails=True), step()],
    )
    plain = etree.fromstring(qz.write_workout(workout).data)
    assert plain.findall(".//textevent") == []  # off by default: QZ before 2.20.22 reads them as rows
    root = etree.fromstring(qz.write_workout(workout, announce=True).data)
    said = [[(event.get("timeoffset"), event.get("message")) for event in row] for row in root]
    assert said == [
        [],
        [("0", "Turn around: walk backward, hold the rails.")],
        [],
        [("0", "Turn around: walk forward, let go of the rails.")],
    ]
    assert qz.read_bytes(qz.write_workout(workout, announce=True).data, "Turns.xml") == workout


def test_a_wrong_policy_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="policy"):
        qz.write_workout(SAMPLE, policy="loose")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="policy"):
        ReadOptions(policy=True)
