"""intervals.icu workout text: exact paces, the syntax guide's examples, generated sessions and arbitrary workouts."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from conftest import step
from hypothesis import given
from hypothesis import strategies as st

from retrointervals import strategies
from retrointervals.errors import FormatError, FormatLimitError
from retrointervals.formats import Policy, ReadOptions, intervals
from retrointervals.model import Direction, Plan, Repeat, Step, StepKind, Workout
from retrointervals.plans import generate_plan
from retrointervals.treadmill import TREADMILLS
from retrointervals.units import Distance, Duration, Incline, Speed, SpeedUnit

#: A lossy read that gives steps without an absolute pace the slow default speed (as ``--lossy --speed 2`` does).
LOSSY = ReadOptions(policy=Policy.LOSSY, speed=intervals.DEFAULT_SPEED)


def _read(text: str, policy: Policy = Policy.LOSSY) -> Workout:
    options = ReadOptions(policy=policy, speed=intervals.DEFAULT_SPEED)
    return intervals.read_bytes(text.encode(), "guide.txt", options=options)


def _lengths(workout: Workout) -> list[Duration | Distance]:
    return [segment.step.length for segment in workout.timeline]


def _steps(workout: Workout) -> list[Step]:
    return [segment.step for segment in workout.timeline]


# --- paces ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", list(SpeedUnit))
def test_every_speed_step_is_exact_or_refused(unit: SpeedUnit) -> None:
    """Every 0.1 step of the model: a whole-second pace gives it back, or STRICT refuses and LOSSY says so."""
    exact = []
    top = 300 if unit is SpeedUnit.KMH else 186
    for tenths in range(1, top + 1):
        speed = Speed(tenths, unit)
        workout = Workout("pace", [step(speed=speed)])
        try:
            text = intervals.write_workout(workout).data
        except FormatLimitError:
            assert intervals.write_workout(workout, policy=Policy.LOSSY).changes
            continue
        assert _steps(intervals.read_bytes(text))[0].speed == speed
        exact.append(tenths)
    if unit is SpeedUnit.KMH:
        assert exact[:191] == list(range(1, 192))  # every step from 0.1 to 19.1 km/h
        assert 192 not in exact
    else:
        assert exact == list(range(1, 187))  # every mph step of the model


def test_paces_are_written_as_minutes_and_seconds_per_unit() -> None:
    assert intervals.pace_seconds(Speed.kmh(2.0)) == 1800
    text = intervals.write_workout(Workout("w", [step(speed=Speed.kmh(0.5)), step(speed=Speed.mph(3.0))])).data
    assert b"120:00/km Pace" in text
    assert b"20:00/mi Pace" in text


# --- the published syntax guide --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "seconds"),
    [
        ("1h", 3600),
        ("10m", 600),
        ("5m", 300),
        ("30s", 30),
        ("90s", 90),
        ("1h2m30s", 3750),
        ("5m30s", 330),
        ("1m30", 90),
        ("5'", 300),
        ('30"', 30),
        ("1'30\"", 90),
    ],
)
def test_guide_durations(word: str, seconds: int) -> None:
    workout = _read(f"- {word} 6:00/km Pace", Policy.STRICT)
    assert _lengths(workout) == [Duration(seconds)]


@pytest.mark.parametrize(("word", "metres"), [("500mtr", 500), ("2km", 2000), ("10km", 10000), ("0.4km", 400)])
def test_guide_distances(word: str, metres: int) -> None:
    assert _lengths(_read(f"- {word} 6:00/km Pace", Policy.STRICT)) == [Distance(metres)]


def test_m_is_minutes_and_never_metres() -> None:
    assert _lengths(_read("- 40m 6:00/km Pace", Policy.STRICT)) == [Duration(2400)]
    # 400m is 400 minutes, longer than a step may be: refused, not read as 400 metres.
    with pytest.raises(FormatLimitError, match="whole seconds from 1 to 21600"):
        _read("- 400m 6:00/km Pace", Policy.STRICT)
    assert b"400mtr" in intervals.write_workout(Workout("w", [step(length=Distance(400))])).data


def test_miles_become_whole_metres_only_when_lossy() -> None:
    with pytest.raises(FormatLimitError, match="whole metres"):
        _read("- 1mi 6:00/km Pace", Policy.STRICT)
    workout, changes = intervals.read_bytes_with_changes(b"- 4.5mi 6:00/km Pace", options=LOSSY)
    assert _lengths(workout) == [Distance(7242)]
    assert "7242 m" in str(changes[0])


def test_guide_basic_lines() -> None:
    workout, changes = intervals.read_bytes_with_changes(
        b"- 5m30s 60% 90rpm\n- 1km 70% HR\n- 500mtr 5:00/km Pace\n", options=LOSSY
    )
    steps = _steps(workout)
    assert [s.length for s in steps] == [Duration(330), Distance(1000), Distance(500)]
    assert steps[2].speed == Speed.kmh(12.0)
    assert [s.speed for s in steps[:2]] == [intervals.DEFAULT_SPEED] * 2
    assert len(changes) == 2  # the two targets the model cannot hold, each named
    assert "60% 90rpm" in str(changes[0])
    assert "70% HR" in str(changes[1])
    with pytest.raises(FormatLimitError, match="line 1"):
        _read("- 5m30s 60% 90rpm", Policy.STRICT)


def test_guide_repeats_in_a_header_and_standalone() -> None:
    workout = _read("Main Set 4x\n- 2m 95%\n- 2m 55%\n\n5x\n- 30s 120%\n- 30s 50%\n\n- 5m 50%\n")
    first, second, last = workout.steps
    assert isinstance(first, Repeat)
    assert first.count == 4
    assert [s.length for s in first.steps if isinstance(s, Step)] == [Duration(120), Duration(120)]
    assert isinstance(second, Repeat)
    assert second.count == 5
    assert isinstance(last, Step)
    assert last.length == Duration(300)
    assert workout.total_time == Duration(4 * 240 + 5 * 60 + 300)


def test_guide_cues() -> None:
    workout = _read("- Warmup 10m 60%\n\nMain Set 6x\n- 4m 100%\n- 5m 50%\n\n- Recovery 3m 50%\n")
    steps = _steps(workout)
    assert steps[0].cue == "Warmup"
    assert steps[-1].cue == "Recovery"
    assert len(steps) == 1 + 12 + 1


def test_guide_paces_ramps_and_press_lap() -> None:
    workout, changes = intervals.read_bytes_with_changes(
        b"Warmup\n- 9m 5:00 Pace press lap\n- 10m ramp 60-80% Pace\n- 3m 3:00/100m-4:00/100m Pace\n",
        options=LOSSY,
    )
    first, ramp, ranged = _steps(workout)
    assert first.until_lap
    assert first.kind is StepKind.WARMUP  # from the section header
    assert first.speed == Speed.kmh(12.0)  # a pace without a unit is read per km, and said so
    assert ramp.speed == intervals.DEFAULT_SPEED
    # 3:00/100m is 2.0 km/h, 4:00/100m is 1.5 km/h: the range becomes the speed halfway.
    assert ranged.speed == Speed.kmh(1.8)
    assert any("no unit" in str(change) for change in changes)
    assert any("range" in str(change) for change in changes)


def test_bad_text_is_refused_with_its_place() -> None:
    with pytest.raises(FormatError, match="line 2: the step 'fast' has no duration"):
        intervals.read_bytes(b"- 5m 6:00/km Pace\n- fast\n")
    with pytest.raises(FormatError, match="no steps"):
        intervals.read_bytes(b"Just a title\n")
    with pytest.raises(FormatError, match="not UTF-8"):
        intervals.read_bytes(b"- 5m \xff")
    with pytest.raises(FormatError, match="a plan"):
        intervals.write(generate_plan("beginner", Speed.kmh(4.0)), "x.txt")


# --- our own texts -------------------------------------------------------------------------------


def test_the_cue_carries_direction_handrails_incline_and_the_lap_button() -> None:
    turn = step(
        Direction.BACKWARD,
        StepKind.TRANSITION,
        Duration(20),
        hold_handrails=True,
        incline=Incline.percent(2.5),
        cue="Stop the belt, turn",
        until_lap=True,
        belt_stopped=True,
    )
    text = intervals.write_workout(Workout("w", [turn])).data.decode()
    assert (
        text
        == "- BW turn, hold rails, incline 2.5 percent, belt stopped. Stop the belt, turn 20s 20:00/km Pace press lap\n"
    )
    assert _steps(intervals.read_bytes(text.encode())) == [turn]


def test_nested_repeats_are_unrolled_into_one_level() -> None:
    inner = Repeat(2, [step(length=Duration(10)), step(Direction.BACKWARD, length=Duration(20))])
    workout = Workout("nested", [Repeat(3, [inner, step(length=Duration(30))]), step()])
    text = intervals.write_workout(workout).data.decode()
    assert text.count("x\n") == 1
    assert "Main set 3x\n" in text
    back = intervals.read_bytes(text.encode())
    assert _steps(back) == _steps(workout)


def test_a_cue_word_that_reads_as_a_length_is_refused_or_bracketed() -> None:
    workout = Workout("w", [step(cue="Walk 5m then stop")])
    with pytest.raises(FormatLimitError, match="'5m' reads as the step's length"):
        intervals.write_workout(workout)
    encoded = intervals.write_workout(workout, policy=Policy.LOSSY)
    assert b"Walk (5m) then stop 1m" in encoded.data
    assert _steps(intervals.read_bytes(encoded.data)) == _steps(workout)


def _plans() -> list[Plan]:
    start = dt.date(2026, 3, 2)
    made = [generate_plan(level, Speed.kmh(4.2), start=start) for level in ("rehab", "beginner", "advanced")]
    made.append(generate_plan("intermediate", Speed.mph(2.8), TREADMILLS["mph"]))
    return made


@pytest.mark.parametrize("plan", _plans(), ids=lambda plan: plan.name)
def test_every_generated_session_reads_back_to_the_same_timeline(plan: Plan) -> None:
    for _, _, session in plan.sessions():
        text = intervals.write_workout(session.workout).data  # STRICT: nothing is lost
        back = intervals.read_bytes(text)
        assert _steps(back) == _steps(session.workout)
        assert [(s.start, s.end) for s in back.timeline] == [(s.start, s.end) for s in session.workout.timeline]


@given(strategies.generated_plans())
def test_any_generated_plan_reads_back_exactly(plan: Plan) -> None:
    for steps in {session.workout.steps for _, _, session in plan.sessions()}:  # sessions of a week are alike
        workout = Workout("session", steps)
        back = intervals.read_bytes(intervals.write_workout(workout).data)
        assert _steps(back) == _steps(workout)


# --- properties ----------------------------------------------------------------------------------


@given(strategies.workouts(step=strategies.steps(lap_steps=True), max_depth=3, max_segments=40))
def test_strict_texts_read_back_exactly(workout: Workout) -> None:
    try:
        text = intervals.write_workout(workout).data
    except FormatLimitError:
        return
    assert _steps(intervals.read_bytes(text)) == _steps(workout)


@given(strategies.workouts(step=strategies.steps(lap_steps=True), max_depth=3, max_segments=40))
def test_lossy_texts_keep_the_timeline(workout: Workout) -> None:
    encoded = intervals.write_workout(workout, policy=Policy.LOSSY)
    back = _steps(intervals.read_bytes(encoded.data, options=LOSSY))
    original = _steps(workout)
    assert len(back) == len(original)
    for got, want in zip(back, original, strict=True):
        assert (got.direction, got.kind, got.length, got.incline) == (
            want.direction,
            want.kind,
            want.length,
            want.incline,
        )
        assert (got.hold_handrails, got.until_lap, got.belt_stopped) == (
            want.hold_handrails,
            want.until_lap,
            want.belt_stopped,
        )
        assert got.speed.unit is want.speed.unit
        assert abs(got.speed.tenths - want.speed.tenths) <= 1  # exact where a pace can say it (see above)
        assert (got.cue or "").split() == (want.cue or "").split()


_WORDS = ["- ", "\n", " ", "5m", "0m", "99999h", "1'30\"", "0.4km", "1mi", "mtr", "0x", "3x", "100x", "Main set",
          "6:00/km", "0:00/km", "9999:59/km", "5:61/km", "/100y", "/xyz", "Pace", "ramp", "-", "press lap", "75%",
          "Warmup", "BW active, incline 99 percent. ", "FW turn, belt stopped", "(5m)", "\r", "\x01", "\ufffe",
          "٣m"]  # fmt: skip


@given(st.binary(max_size=300) | st.lists(st.sampled_from(_WORDS), max_size=40).map(lambda w: "".join(w).encode()))
def test_any_input_reads_or_is_refused_cleanly(data: bytes) -> None:
    for policy in Policy:
        with contextlib.suppress(FormatError):
            intervals.read_bytes(data, options=ReadOptions(policy=policy))


def test_control_characters_in_a_cue_are_a_listed_change() -> None:
    with pytest.raises(FormatLimitError, match="control characters"):
        intervals.read_bytes(b"- Go\x01now 5m 6:00/km Pace")
    workout, changes = intervals.read_bytes_with_changes(b"- Go\x01now 5m 6:00/km Pace", options=LOSSY)
    assert _steps(workout)[0].cue == "Go now"
    assert len(changes) == 1


def test_a_huge_text_is_refused_early() -> None:
    text = "Main set 99x\n" + "- 1m 6:00/km Pace\n" * 200
    with pytest.raises(FormatError, match="more than 10000 segments"):
        intervals.read_bytes(text.encode())


def test_a_step_without_a_pace_takes_the_given_speed_or_is_refused() -> None:
    with pytest.raises(FormatError, match="needs a belt speed") as caught:
        intervals.read_bytes(b"- 5m 60%\n", options=ReadOptions(policy=Policy.LOSSY))
    assert caught.value.needs == "speed"
    with pytest.raises(FormatLimitError, match="absolute pace"):
        intervals.read_bytes(b"- 5m 60%\n", options=ReadOptions(speed=Speed.kmh(3.0)))
    decoded = intervals.decode(b"- 5m 60%\n", "w.txt", options=ReadOptions(policy="lossy", speed=Speed.kmh(3.0)))
    assert _steps(decoded.document)[0].speed == Speed.kmh(3.0)
    assert "used the given speed 3.0 km/h" in str(decoded.changes[0])
