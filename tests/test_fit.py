"""FIT workout files: our encoder, the fitdecode-based reader, and garmin-fit-sdk as an independent decoder.

garmin-fit-sdk is a test-only dependency (its licence is not open source). Real files come from the shared
corpus and are skipped with a reason when it is absent. The golden file is regenerated, after a deliberate
format change only, with::

    python -c "import sys; sys.path.insert(0, 'tests'); import test_fit; test_fit.regenerate_golden()"
"""

from __future__ import annotations

import contextlib
import datetime as dt
import struct
import warnings
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from retrointervals import strategies as ris
from retrointervals.errors import FormatError, FormatLimitError, OutputExistsError, ValidationError
from retrointervals.formats import FORMATS, Policy, ReadOptions, fit, load, plan_files
from retrointervals.formats import _fit_profile as profile
from retrointervals.formats._conventions import step_label, step_note
from retrointervals.model import Direction, Plan, Repeat, Session, Step, StepKind, Week, Workout
from retrointervals.units import Distance, Duration, Incline, Speed, SpeedUnit

GOLDEN = Path(__file__).resolve().parent / "golden" / "small-workout.fit"
MAX_BYTES = profile.MAX_STRING_BYTES


def golden_workout() -> Workout:
    """A small workout exercising both units, distance and time, incline, rails, cues and a nested repeat."""
    return Workout(
        "Golden retro",
        [
            Step(direction=Direction.FORWARD, kind=StepKind.WARMUP, length=Duration.seconds(120), speed=Speed.kmh(3.5)),
            Repeat(
                2,
                [
                    Step(
                        direction=Direction.FORWARD,
                        kind=StepKind.TRANSITION,
                        length=Duration.seconds(10),
                        speed=Speed.kmh(1.0),
                        hold_handrails=True,
                        cue="Turn around",
                    ),
                    Repeat(
                        3,
                        [
                            Step(
                                direction=Direction.BACKWARD,
                                kind=StepKind.ACTIVE,
                                length=Distance.metres(50),
                                speed=Speed.mph(1.4),
                                incline=Incline.percent(2.5),
                            ),
                            Step(
                                direction=Direction.FORWARD,
                                kind=StepKind.RECOVERY,
                                length=Duration.seconds(30),
                                speed=Speed.kmh(4.0),
                            ),
                        ],
                    ),
                ],
            ),
            Step(
                direction=Direction.FORWARD,
                kind=StepKind.COOLDOWN,
                length=Duration.seconds(120),
                speed=Speed.kmh(3.0),
                cue="Easy, café pace",
            ),
        ],
        description="Pinned bytes.\nTwo lines.",
    )


def regenerate_golden() -> None:
    """Rewrite the golden file (only after a deliberate change of the encoding)."""
    GOLDEN.write_bytes(fit.write_workout(golden_workout()).data)


# --- helpers ------------------------------------------------------------------------------------


def map_steps(items: Sequence[Step | Repeat], change: Callable[[Step], Step]) -> list[Step | Repeat]:
    return [
        Repeat(item.count, map_steps(item.steps, change)) if isinstance(item, Repeat) else change(item)
        for item in items
    ]


def cut_utf8(text: str, limit: int = MAX_BYTES) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def fitted(workout: Workout) -> tuple[Workout, int]:
    """The workout as a lossy FIT write keeps it, and how many texts had to be shortened."""
    shortened = 0

    def cut(text: str) -> str:
        nonlocal shortened
        kept = cut_utf8(text)
        shortened += kept != text
        return kept

    def cut_step(step: Step) -> Step:
        note = step_note(step)
        if len(note.encode("utf-8")) <= MAX_BYTES:
            return step
        prefix = len(step_note(attrs.evolve(step, cue=None)) + ". ")  # ASCII: characters are bytes
        kept = cut(note)[prefix:]
        return attrs.evolve(step, cue=kept if kept.strip() else None)

    steps = map_steps(workout.steps, cut_step)
    name = cut(workout.name)
    return Workout(name if name.strip() else "FIT workout", steps, cut(workout.description)), shortened


def rows(items: Sequence[Step | Repeat]) -> list[tuple[str, Any]]:
    """The workout_step messages the model should give, in file order: ("step", step) or ("repeat", (first, n))."""
    out: list[tuple[str, Any]] = []

    def walk(children: Sequence[Step | Repeat]) -> None:
        for item in children:
            if isinstance(item, Repeat):
                first = len(out)
                walk(item.steps)
                out.append(("repeat", (first, item.count)))
            else:
                out.append(("step", item))

    walk(items)
    return out


def garmin_decode(data: bytes) -> dict[str, list[dict[str, Any]]]:
    from garmin_fit_sdk import Decoder, Stream  # noqa: PLC0415 - test-only dependency

    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    return messages


def reseal(body: bytes, header: bytes = b"") -> bytes:
    """A FIT file around ``body`` with correct sizes and CRCs, so that decoding gets past the checks."""
    head = header or struct.pack("<BBHI4s", 14, 0x20, 21218, len(body), b".FIT")
    head = head[:4] + struct.pack("<I", len(body)) + head[8:12]
    head += fit.crc16(head).to_bytes(2, "little")
    data = head + body
    return data + fit.crc16(data).to_bytes(2, "little")


LOSSY = ReadOptions(policy=Policy.LOSSY, speed=fit.DEFAULT_SPEED)


def read_lossy(data: bytes) -> tuple[Workout, tuple[Any, ...]]:
    return fit.read_bytes_with_changes(data, options=LOSSY)


def simple_step(**changes: Any) -> Step:
    values: dict[str, Any] = {
        "direction": Direction.BACKWARD,
        "kind": StepKind.ACTIVE,
        "length": Duration.seconds(60),
        "speed": Speed.kmh(2.0),
    }
    values.update(changes)
    return Step(**values)


# --- CRC and profile ----------------------------------------------------------------------------


def test_crc_is_crc16_arc_with_the_published_check_value() -> None:
    assert fit.crc16(b"123456789") == 0xBB3D
    assert fit.crc16(b"") == 0


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_crc_matches_fitdecode_and_garmin_and_continues(first: bytes, second: bytes) -> None:
    from fitdecode.utils import compute_crc  # noqa: PLC0415
    from garmin_fit_sdk.crc_calculator import CrcCalculator  # noqa: PLC0415

    data = first + second
    expected = CrcCalculator.calculate_crc(data, 0, len(data)) if data else 0
    assert fit.crc16(data) == expected
    assert (compute_crc(data) if data else 0) == expected
    assert fit.crc16(second, fit.crc16(first)) == expected


PROFILE_TYPES = {
    profile.FileType: "file",
    profile.Manufacturer: "manufacturer",
    profile.Sport: "sport",
    profile.SubSport: "sub_sport",
    profile.Intensity: "intensity",
    profile.WktStepDuration: "wkt_step_duration",
    profile.WktStepTarget: "wkt_step_target",
}
PROFILE_FIELDS = {profile.FileIdField: 0, profile.WorkoutField: 26, profile.WorkoutStepField: 27}


@pytest.mark.parametrize("enum_type", list(PROFILE_TYPES), ids=lambda e: e.__name__)
def test_profile_enums_match_fitdecode_and_garmin(enum_type: Any) -> None:
    from fitdecode import profile as fitdecode_profile  # noqa: PLC0415
    from garmin_fit_sdk import Profile  # noqa: PLC0415

    name = PROFILE_TYPES[enum_type]
    for member in enum_type:
        assert fitdecode_profile.FIELD_TYPES[name].enum[member.value] == member.name.lower()
        assert Profile["types"][name][member.value] == member.name.lower()


@pytest.mark.parametrize("enum_type", list(PROFILE_FIELDS), ids=lambda e: e.__name__)
def test_profile_field_numbers_match_fitdecode_and_garmin(enum_type: Any) -> None:
    from fitdecode import profile as fitdecode_profile  # noqa: PLC0415
    from garmin_fit_sdk import Profile  # noqa: PLC0415

    number = PROFILE_FIELDS[enum_type]
    for member in enum_type:
        assert fitdecode_profile.MESSAGE_TYPES[number].fields[member.value].name == member.name.lower()
        assert Profile["messages"][number]["fields"][member.value]["name"] == member.name.lower()


def test_profile_message_and_base_type_numbers() -> None:
    from fitdecode import profile as fitdecode_profile  # noqa: PLC0415
    from fitdecode import types  # noqa: PLC0415
    from garmin_fit_sdk import Profile  # noqa: PLC0415

    for member in profile.MesgNum:
        assert fitdecode_profile.MESSAGE_TYPES[member.value].name == member.name.lower()
        assert Profile["mesg_num"][member.name] == member.value
    for base in profile.BaseType:
        assert types.BASE_TYPES[base.value].name == base.name.lower()
        assert Profile["types"]["fit_base_type"][base.value] == base.name.lower()


# --- writing ------------------------------------------------------------------------------------


def test_golden_file_bytes_are_pinned() -> None:
    assert fit.write_workout(golden_workout()).data == GOLDEN.read_bytes()
    assert fit.read(GOLDEN) == golden_workout()


def test_header_layout_and_crcs() -> None:
    data = fit.write_workout(golden_workout()).data
    size, protocol, profile_version, data_size, magic = struct.unpack("<BBHI4s", data[:12])
    assert (size, protocol, profile_version, magic) == (14, 0x20, 21218, b".FIT")
    assert data_size == len(data) - 16
    assert int.from_bytes(data[12:14], "little") == fit.crc16(data[:12]) != 0
    assert fit.crc16(data) == 0  # a message followed by its CRC (little-endian) has a zero CRC-16/ARC


def test_file_id_workout_sport_and_step_fields_as_garmin_sees_them() -> None:
    data = fit.write_workout(golden_workout()).data
    messages = garmin_decode(data)
    (file_id,) = messages["file_id_mesgs"]
    assert file_id["type"] == "workout"
    assert file_id["manufacturer"] == "development"
    assert file_id["product"] == fit.PRODUCT_ID
    assert file_id["serial_number"] != 0
    assert file_id["time_created"] == fit.DEFAULT_TIME_CREATED
    (workout,) = messages["workout_mesgs"]
    # Treadmill walking is written as a treadmill run: Garmin runs run workouts in its Treadmill activity.
    assert (workout["sport"], workout["sub_sport"]) == ("running", "treadmill")
    assert workout["wkt_name"] == "Golden retro"
    assert workout["wkt_description"] == "Pinned bytes.\nTwo lines."
    steps = messages["workout_step_mesgs"]
    assert workout["num_valid_steps"] == len(steps) == 7  # repeat steps count
    assert [step["message_index"] for step in steps] == list(range(7))
    assert [step.get("wkt_step_name") for step in steps] == [
        "FW warmup", "FW turn", "BW active", "FW recover", None, None, "FW cooldown",
    ]  # fmt: skip
    assert [step.get("intensity") for step in steps] == [
        "warmup", "rest", "active", "recovery", None, None, "cooldown",
    ]  # fmt: skip
    assert steps[1]["notes"] == "FORWARD, hold rails. Turn around"
    assert steps[2]["notes"] == "BACKWARD, incline 2.5%"
    assert steps[2]["duration_type"] == "distance"
    assert steps[2]["duration_distance"] == 50.0
    inner, outer = steps[4], steps[5]
    assert (inner["duration_type"], inner["duration_step"], inner["repeat_steps"]) == ("repeat_until_steps_cmplt", 2, 3)
    assert (outer["duration_type"], outer["duration_step"], outer["repeat_steps"]) == ("repeat_until_steps_cmplt", 1, 2)
    assert outer["target_type"] == "open"


@pytest.mark.parametrize(
    ("kind", "intensity"),
    [
        (StepKind.WARMUP, "warmup"),
        (StepKind.ACTIVE, "active"),
        (StepKind.RECOVERY, "recovery"),
        (StepKind.TRANSITION, "rest"),
        (StepKind.COOLDOWN, "cooldown"),
    ],
)
def test_intensity_follows_the_step_kind(kind: StepKind, intensity: str) -> None:
    data = fit.write_workout(Workout("W", [simple_step(kind=kind)])).data
    assert garmin_decode(data)["workout_step_mesgs"][0]["intensity"] == intensity


def test_files_are_reproducible_and_serials_differ_between_workouts() -> None:
    first = fit.write_workout(golden_workout()).data
    assert fit.write_workout(golden_workout()).data == first
    other = fit.write_workout(attrs.evolve(golden_workout(), name="Other")).data
    serial = garmin_decode(first)["file_id_mesgs"][0]["serial_number"]
    assert garmin_decode(other)["file_id_mesgs"][0]["serial_number"] != serial


def test_time_created_is_a_keyword_and_must_be_aware() -> None:
    when = dt.datetime(2025, 6, 1, 12, 30, tzinfo=dt.timezone.utc)
    data = fit.write_workout(golden_workout(), time_created=when).data
    assert garmin_decode(data)["file_id_mesgs"][0]["time_created"] == when
    with pytest.raises(ValidationError, match="timezone-aware"):
        fit.write_workout(golden_workout(), time_created=dt.datetime(2025, 6, 1))  # noqa: DTZ001
    with pytest.raises(ValidationError, match="FIT dates"):
        fit.write_workout(golden_workout(), time_created=dt.datetime(1990, 1, 1, tzinfo=dt.timezone.utc))


@pytest.mark.parametrize("unit", list(SpeedUnit))
def test_every_display_speed_round_trips_and_its_band_is_centred(unit: SpeedUnit) -> None:
    top = int(Fraction(300) / unit.in_kmh)
    speeds = [Speed(tenths, unit) for tenths in range(1, top + 1)]
    steps = [simple_step(speed=speed, length=Duration.seconds(1)) for speed in speeds]
    workout = Workout("All speeds", steps)
    data = fit.write_workout(workout).data
    assert fit.read_bytes(data) == workout
    # The centre is the speed rounded to whole mm/s; an mph band is one mm/s wider on top, moving it by 0.5.
    tolerance = Fraction(1) if unit is SpeedUnit.MPH else Fraction(1, 2)
    for speed, message in zip(speeds, garmin_decode(data)["workout_step_mesgs"], strict=True):
        low, high = message["custom_target_value_low"], message["custom_target_value_high"]
        assert low >= 1
        assert (high - low) % 2 == (unit is SpeedUnit.MPH)
        assert abs(Fraction(low + high, 2) - speed.exact_mps * 1000) <= tolerance
        assert high - low <= 2 * fit.SPEED_BAND_HALF_WIDTH_MM_S + 1


def test_strict_refuses_long_text_naming_the_step_and_the_limit() -> None:
    cue = "é" * 120  # 240 bytes of UTF-8, plus the note's prefix
    workout = Workout("Long", [simple_step(), simple_step(cue=cue, incline=Incline.percent(-2.5))])
    with pytest.raises(FormatLimitError) as caught:
        fit.write_workout(workout)
    assert caught.value.where == "workout 'Long', step 2"
    assert "254 bytes" in caught.value.limit
    encoded = fit.write_workout(workout, policy=Policy.LOSSY)
    assert len(encoded.changes) == 1
    assert encoded.changes[0].where == "workout 'Long', step 2"
    read_back = fit.read_bytes(encoded.data)
    kept = read_back.steps[1].cue
    assert isinstance(read_back.steps[1], Step)
    assert kept is not None
    assert cue.startswith(kept)
    assert len(f"BACKWARD, incline -2.5%. {kept}".encode()) <= MAX_BYTES


def test_long_workout_name_and_description() -> None:
    clef = "\U0001d11e"  # four bytes of UTF-8
    workout = Workout(clef * 80, [simple_step()], description="ü" * 200)
    with pytest.raises(FormatLimitError, match="workout name takes 320"):
        fit.write_workout(workout)
    encoded = fit.write_workout(workout, policy=Policy.LOSSY)
    assert [change.what.split(" shortened")[0] for change in encoded.changes] == ["workout name", "description"]
    read_back = fit.read_bytes(encoded.data)
    assert read_back.name == clef * 63
    assert read_back.description == "ü" * 127


@given(ris.workouts())
@example(golden_workout())
def test_write_then_read_is_the_identity_up_to_fit_string_limits(workout: Workout) -> None:
    """Equal Workout objects, speeds in their own unit included. The only difference: a text longer than FIT's
    254-byte strings (name, description, or a step's notes, i.e. its cue) comes back cut at a character boundary,
    and only when written with the lossy policy, which then reports each cut."""
    expected, shortened = fitted(workout)
    lossy = fit.write_workout(workout, policy=Policy.LOSSY)
    assert len(lossy.changes) == shortened
    if shortened:
        with pytest.raises(FormatLimitError):
            fit.write_workout(workout)
    else:
        assert fit.write_workout(workout).data == lossy.data
    read_back, changes = fit.read_bytes_with_changes(lossy.data, options=LOSSY)
    assert changes == ()  # our own files need no change, whatever the policy
    assert read_back == (expected if shortened else workout)
    assert fit.read_bytes(lossy.data) == read_back


@given(ris.workouts())
def test_garmin_decoder_reads_every_file_with_the_same_steps(workout: Workout) -> None:
    data = fit.write_workout(workout, policy=Policy.LOSSY).data
    messages = garmin_decode(data)
    assert messages["workout_mesgs"][0]["num_valid_steps"] == len(messages["workout_step_mesgs"])
    expected = rows(workout.steps)
    assert len(messages["workout_step_mesgs"]) == len(expected)
    for index, (message, (what, item)) in enumerate(zip(messages["workout_step_mesgs"], expected, strict=True)):
        assert message["message_index"] == index
        if what == "repeat":
            assert (message["duration_step"], message["repeat_steps"]) == item
            continue
        step: Step = item
        if isinstance(step.length, Duration):
            assert message["duration_time"] == float(step.length.exact)
        else:
            assert message["duration_distance"] == float(step.length.exact)
        centre = (message["custom_target_speed_low"] + message["custom_target_speed_high"]) / 2
        assert abs(centre - step.speed.in_mps) <= 0.001
        assert message["wkt_step_name"] == step_label(step)


def test_write_refuses_a_plan_and_writes_atomically(tmp_path: Path) -> None:
    plan = Plan(name="P", weeks=[Week([Session(golden_workout())])])
    with pytest.raises(FormatError, match="plan_files"):
        fit.write(plan, tmp_path / "plan.fit")
    target = tmp_path / "w.fit"
    assert fit.write(golden_workout(), target) == ()
    assert target.read_bytes() == GOLDEN.read_bytes()
    with pytest.raises(OutputExistsError):
        fit.write(golden_workout(), target)
    long = Workout("x" * 80, [simple_step(cue="ü" * 120, hold_handrails=True)])
    changes = fit.write(long, target, policy=Policy.LOSSY, overwrite=True)
    assert len(changes) == 1
    assert fit.read(target).name == "x" * 80


def test_the_registry_and_plan_files_use_this_module() -> None:
    assert load("fit") is fit
    assert FORMATS["fit"].capabilities.nested_repeats
    plan = Plan(name="P", weeks=[Week([Session(golden_workout()), Session(Workout("B", [simple_step()]))])])
    files = plan_files(plan, "fit")
    assert [name for name, _ in files] == ["week01-session1.fit", "week01-session2.fit"]
    assert fit.read_bytes(files[0][1].data) == golden_workout()


# --- reading other tools' files ---------------------------------------------------------------------


def garmin_encode(steps: list[dict[str, Any]], *, workout: dict[str, Any] | None = None, last: bool = False) -> bytes:
    """A workout file written by Garmin's own encoder (raw main fields, as it requires)."""
    from garmin_fit_sdk import Encoder, Profile  # noqa: PLC0415

    encoder = Encoder()
    encoder.on_mesg(
        Profile["mesg_num"]["FILE_ID"],
        {"type": "workout", "manufacturer": "garmin", "product": 1, "serial_number": 42},
    )
    header = {"wkt_name": "Foreign", "sport": "running", "num_valid_steps": len(steps), **(workout or {})}
    if not last:
        encoder.on_mesg(Profile["mesg_num"]["WORKOUT"], header)
    for index, step in enumerate(steps):
        encoder.on_mesg(Profile["mesg_num"]["WORKOUT_STEP"], {"message_index": index, **step})
    if last:
        encoder.on_mesg(Profile["mesg_num"]["WORKOUT"], header)
    return bytes(encoder.close())


def first_step_offset(data: bytes) -> int:
    """Where the first workout_step data message starts, as fitdecode's raw chunks say."""
    import fitdecode  # noqa: PLC0415

    with fitdecode.FitReader(data, keep_raw_chunks=True) as reader:
        for frame in reader:
            if frame.frame_type == fitdecode.FIT_FRAME_DATA and frame.name == "workout_step":
                offset: int = frame.chunk.offset
                return offset
    raise AssertionError("no workout_step")


def speed_step(low: int, high: int, **extra: Any) -> dict[str, Any]:
    return {
        "duration_type": "time",
        "duration_value": 60000,
        "target_type": "speed",
        "target_value": 0,
        "custom_target_value_low": low,
        "custom_target_value_high": high,
        **extra,
    }


def test_foreign_speed_bands_read_as_their_centre_in_the_matching_unit() -> None:
    data = garmin_encode(
        [
            speed_step(800, 867),  # centre 833.5 mm/s: 3.0 km/h
            speed_step(850, 938),  # centre 894 mm/s: 2.0 mph (894.08 mm/s)
            speed_step(1000, 1000),  # 3.6 km/h exactly
        ],
        last=True,  # TrainingPeaks writes the workout message last
    )
    workout, changes = fit.read_bytes_with_changes(data)
    assert changes == ()
    assert [step.speed for step in workout.steps_flat()] == [Speed.kmh(3.0), Speed.mph(2.0), Speed.kmh(3.6)]
    assert all(step.direction is Direction.FORWARD for step in workout.steps_flat())


def test_foreign_speed_off_the_grid_is_rounded_under_lossy_only() -> None:
    data = garmin_encode([speed_step(1000, 1040)])  # 1.02 m/s = 3.672 km/h
    with pytest.raises(FormatLimitError, match=r"not a multiple of 0\.1"):
        fit.read_bytes(data)
    workout, changes = read_lossy(data)
    assert next(workout.steps_flat()).speed == Speed.kmh(3.7)
    assert "used 3.7 km/h instead" in changes[0].what


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ({"target_type": "heart_rate", "target_value": 2}, "a 'heart_rate' target"),
        ({"target_type": "power", "target_value": 0, "custom_target_value_low": 1200}, "a 'power' target"),
        ({"target_type": "open"}, "a 'open' target"),
        ({}, "a 'none' target"),
        ({"target_type": "speed", "target_value": 3}, "speed zone 3"),
        ({"target_type": "speed", "target_value": 0}, "no custom low and high"),
        (speed_step(90000, 90000), "outside the model's 0.1 to 30 km/h"),
    ],
)
def test_targets_the_model_cannot_hold(step: dict[str, Any], message: str) -> None:
    data = garmin_encode([{"duration_type": "time", "duration_value": 60000, **step}])
    with pytest.raises(FormatLimitError, match=message) as caught:
        fit.read_bytes(data, "foreign.fit")
    assert caught.value.where == f"foreign.fit, byte {first_step_offset(data)}, workout_step 0"
    assert caught.value.place.offset == first_step_offset(data)
    with pytest.raises(FormatError, match="needs a belt speed") as needs:
        fit.read_bytes(data, options=ReadOptions(policy=Policy.LOSSY))  # a belt speed is never invented
    assert needs.value.needs == "speed"
    workout, changes = read_lossy(data)
    assert next(workout.steps_flat()).speed == fit.DEFAULT_SPEED
    assert len(changes) == 1
    assert message in changes[0].what
    faster = fit.read_bytes(data, options=ReadOptions(policy=Policy.LOSSY, speed=Speed.mph(1.5)))
    assert next(faster.steps_flat()).speed == Speed.mph(1.5)


@pytest.mark.parametrize(
    ("step", "length", "message"),
    [
        ({"duration_type": "open"}, fit.DEFAULT_LENGTH, "ends on the lap button"),
        ({"duration_type": "hr_less_than", "duration_value": 150}, fit.DEFAULT_LENGTH, "not 'hr_less_than'"),
        ({"duration_type": "time", "duration_value": None}, fit.DEFAULT_LENGTH, "'time' without a value"),
        ({"duration_type": "time", "duration_value": 1500}, Duration.seconds(2), "not 1.5 s"),
        ({"duration_type": "time", "duration_value": 0}, Duration.seconds(1), "not 0 s"),
        ({"duration_type": "distance", "duration_value": 10_000_000}, Distance.metres(50_000), "not 100000 m"),
    ],
)
def test_lengths_the_model_cannot_hold(step: dict[str, Any], length: Duration | Distance, message: str) -> None:
    data = garmin_encode([{**speed_step(1000, 1000), **step}])
    with pytest.raises(FormatLimitError, match=message):
        fit.read_bytes(data)
    workout, changes = read_lossy(data)
    assert next(workout.steps_flat()).length == length
    assert [message in change.what for change in changes] == [True]


def test_exact_foreign_lengths_read_without_changes() -> None:
    data = garmin_encode(
        [
            speed_step(1000, 1000, duration_type="time", duration_value=90_000),
            speed_step(1000, 1000, duration_type="distance", duration_value=40_000),
        ]
    )
    workout = fit.read_bytes(data)
    assert [step.length for step in workout.steps_flat()] == [Duration.seconds(90), Distance.metres(400)]


def repeat_step(first: int, count: int | None, duration_type: str = "repeat_until_steps_cmplt") -> dict[str, Any]:
    step: dict[str, Any] = {"duration_type": duration_type, "duration_value": first, "target_type": "open"}
    if count is not None:
        step["target_value"] = count
    return step


def test_foreign_nested_repeats_and_message_order() -> None:
    a, b, c = (speed_step(1000, 1000, wkt_step_name=name) for name in "ABC")
    data = garmin_encode([a, b, repeat_step(1, 3), c, repeat_step(0, 2)])
    workout = fit.read_bytes(data)
    step_a, step_b, step_c = workout.steps_flat()
    assert workout.steps == (Repeat(2, [step_a, Repeat(3, [step_b]), step_c]),)
    assert [step.cue for step in (step_a, step_b, step_c)] == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("count", "expected", "message"),
    [(1, None, None), (0, None, "the repeat count is 0"), (150, 99, "at most 99 times"), (None, None, "count is None")],
)
def test_unusual_repeat_counts(count: int | None, expected: int | None, message: str | None) -> None:
    data = garmin_encode([speed_step(1000, 1000), repeat_step(0, count)])
    if message is not None:
        with pytest.raises(FormatLimitError, match=message):
            fit.read_bytes(data)
    workout, changes = read_lossy(data)
    assert len(changes) == (message is not None)
    step = next(workout.steps_flat())
    assert workout.steps == ((Repeat(expected, [step]),) if expected else (step,))


def test_conditional_repeats_read_as_one_pass() -> None:
    data = garmin_encode([speed_step(1000, 1000), repeat_step(0, 80, "repeat_until_hr_greater_than")])
    with pytest.raises(FormatLimitError, match="repeat_until_hr_greater_than"):
        fit.read_bytes(data)
    workout, changes = read_lossy(data)
    assert len(workout.steps) == 1
    assert "one pass" in changes[0].what


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([repeat_step(0, 2)], "not before it"),
        ([speed_step(1000, 1000), repeat_step(5, 2)], "not before it"),
        (
            [speed_step(1000, 1000), speed_step(1000, 1000), repeat_step(1, 2), repeat_step(2, 2)],
            "onto a repeat step",
        ),
        (
            [
                speed_step(1000, 1000),
                speed_step(1000, 1000),
                speed_step(1000, 1000),
                repeat_step(1, 2),
                repeat_step(2, 2),
            ],
            "inside another repeat",
        ),
    ],
)
def test_impossible_repeats_are_format_errors(steps: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        read_lossy(garmin_encode(steps))


def test_steps_are_ordered_by_message_index() -> None:
    from garmin_fit_sdk import Encoder, Profile  # noqa: PLC0415

    encoder = Encoder()
    encoder.on_mesg(Profile["mesg_num"]["FILE_ID"], {"type": "workout", "manufacturer": "garmin", "serial_number": 1})
    encoder.on_mesg(Profile["mesg_num"]["WORKOUT"], {"wkt_name": "Order", "num_valid_steps": 2})
    for index, name in ((1, "second"), (0, "first")):
        step = {"message_index": index, "wkt_step_name": name, **speed_step(1000, 1000)}
        encoder.on_mesg(Profile["mesg_num"]["WORKOUT_STEP"], step)
    data = bytes(encoder.close())
    assert [step.cue for step in fit.read_bytes(data).steps_flat()] == ["first", "second"]
    encoder = Encoder()
    encoder.on_mesg(Profile["mesg_num"]["FILE_ID"], {"type": "workout", "manufacturer": "garmin", "serial_number": 1})
    encoder.on_mesg(Profile["mesg_num"]["WORKOUT"], {"wkt_name": "Order", "num_valid_steps": 2})
    for _ in range(2):
        encoder.on_mesg(Profile["mesg_num"]["WORKOUT_STEP"], {"message_index": 0, **speed_step(1000, 1000)})
    with pytest.raises(FormatError, match="message_index values are not 0 to 1"):
        fit.read_bytes(bytes(encoder.close()))


def test_foreign_text_becomes_the_cue_and_is_made_valid() -> None:
    data = garmin_encode(
        [
            speed_step(1000, 1000, wkt_step_name="Warm up", notes="Easy\nthen steady", intensity="warmup"),
            speed_step(1000, 1000, notes="BACKWARD, incline 55%. Steep", intensity="rest"),
            speed_step(1000, 1000, notes="x" * 200, intensity="interval"),
            speed_step(1000, 1000, notes="BACKWARD, hold rails. Careful", intensity="cooldown"),
        ],
        workout={"wkt_name": "N" * 90},
    )
    with pytest.raises(FormatLimitError):
        fit.read_bytes(data)
    workout, changes = read_lossy(data)
    first, second, third, fourth = workout.steps_flat()
    assert (first.cue, first.kind) == ("Warm up: Easy then steady", StepKind.WARMUP)
    # An incline outside the model's range means the note is not ours: all of it is kept as the cue.
    assert (second.cue, second.kind, second.incline) == ("BACKWARD, incline 55%. Steep", StepKind.RECOVERY, Incline(0))
    assert third.cue == "x" * 120
    assert third.kind is StepKind.ACTIVE
    assert (fourth.direction, fourth.hold_handrails, fourth.cue) == (Direction.BACKWARD, True, "Careful")
    assert workout.name == "N" * 80
    assert len(changes) == 3


def test_missing_or_blank_workout_name_gets_a_default() -> None:
    data = garmin_encode([speed_step(1000, 1000)], workout={"wkt_name": "   "})
    assert fit.read_bytes(data).name == "FIT workout"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: b"", "empty input"),
        (lambda: b"not a fit file at all", "header size is 110 bytes"),
        (lambda: b"\x10" + fit.write_workout(golden_workout()).data[1:], "header size is 16 bytes"),
        (lambda: b"\x0c\x20" + b"\0" * 10, "not a FIT file"),
        (lambda: reseal(b""), "no file_id message"),
        (lambda: garmin_encode([]), "no workout_step"),
        (lambda: fit.write_workout(golden_workout()).data * 2, "a second FIT file is chained"),
        (lambda: fit.write_workout(golden_workout()).data[:-1], "ends too early"),
        (lambda: fit.write_workout(golden_workout()).data[:-2] + b"\0\0", "CRC mismatch"),
        (lambda: fit.write_workout(golden_workout()).data + b"\0", "not a FIT file"),
    ],
)
def test_malformed_input_names_the_problem_and_byte(build: Callable[[], bytes], message: str) -> None:
    with pytest.raises(FormatError, match=message) as caught:
        fit.read_bytes(build(), "bad.fit")
    assert caught.value.location.startswith("bad.fit")
    assert "byte " in caught.value.location or caught.value.location == "bad.fit"


def test_header_crc_damage_is_an_error_but_a_zero_header_crc_is_legal() -> None:
    data = bytearray(fit.write_workout(golden_workout()).data)
    data[12] ^= 0xFF
    with pytest.raises(FormatError, match="CRC mismatch") as caught:
        fit.read_bytes(bytes(data))
    assert caught.value.location == "byte 0"
    zeroed = bytes(data[:12]) + b"\0\0" + bytes(data[14:-2])
    zeroed += fit.crc16(zeroed).to_bytes(2, "little")
    assert fit.read_bytes(zeroed) == golden_workout()


def test_non_workout_files_say_their_type() -> None:
    from garmin_fit_sdk import Encoder, Profile  # noqa: PLC0415

    encoder = Encoder()
    encoder.on_mesg(Profile["mesg_num"]["FILE_ID"], {"type": "course", "manufacturer": "garmin", "serial_number": 1})
    with pytest.raises(FormatError, match="this is a FIT course file, not a workout file"):
        fit.read_bytes(bytes(encoder.close()))


def test_unknown_protocol_version_is_refused() -> None:
    data = fit.write_workout(golden_workout()).data
    with pytest.raises(FormatError, match="unsupported FIT protocol version 3"):
        fit.read_bytes(reseal(data[14:-2], header=bytes([14, 0x30]) + data[2:12]))


# --- fuzzing ------------------------------------------------------------------------------------


def read_or_format_error(data: bytes, policy: Policy) -> None:
    with contextlib.suppress(FormatError):
        options = ReadOptions(policy=policy, speed=fit.DEFAULT_SPEED)
        assert isinstance(fit.read_bytes(data, "fuzz.fit", options=options), Workout)


SMALL_WORKOUTS = ris.workouts(max_segments=12)


@given(SMALL_WORKOUTS, st.data(), st.sampled_from(Policy))
def test_damaged_files_raise_only_format_error(workout: Workout, data: st.DataObject, policy: Policy) -> None:
    raw = bytearray(fit.write_workout(workout, policy=Policy.LOSSY).data)
    how = data.draw(st.sampled_from(["flip", "truncate", "flip-resealed", "garbage-resealed"]))
    if how == "truncate":
        read_or_format_error(bytes(raw[: data.draw(st.integers(0, len(raw) - 1))]), policy)
        return
    if how == "garbage-resealed":
        body = bytes(raw[14:-2])
        cut = data.draw(st.integers(0, len(body)))
        read_or_format_error(reseal(body[:cut] + data.draw(st.binary(max_size=64))), policy)
        return
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0 if how == "flip" else 14, len(raw) - (1 if how == "flip" else 3)))
        raw[position] ^= data.draw(st.integers(1, 255))
    if how == "flip-resealed":  # fix sizes and CRCs so that decoding reaches the mutated records
        read_or_format_error(reseal(bytes(raw[14:-2])), policy)
    else:
        read_or_format_error(bytes(raw), policy)


@given(st.binary(max_size=200), st.sampled_from(Policy))
def test_random_bytes_raise_only_format_error(data: bytes, policy: Policy) -> None:
    read_or_format_error(data, policy)
    read_or_format_error(reseal(data), policy)


# --- the corpus ---------------------------------------------------------------------------------

# Garmin's SDK examples (no sport): read leniently. Title, top-level items, repeats.
WORKOUT_FILES = {
    "fitparse__WorkoutCustomTargetValues.fit": ("Example 1", 4, 0),
    "fitparse__WorkoutIndividualSteps.fit": ("Example 1", 4, 0),
    "fitparse__WorkoutRepeatGreaterThanStep.fit": ("Example 2", 4, 0),
    "fitparse__WorkoutRepeatSteps.fit": ("Example 2", 3, 1),
}


def test_corpus_workouts_are_read_leniently_or_refused_as_bike_workouts(corpus: Path) -> None:
    # Asserted per file, whatever the folder holds: foot workouts read (strict names the limit), bike ones refused.
    for path in sorted((corpus / "fit" / "workouts").iterdir()):
        if path.name not in WORKOUT_FILES:
            with pytest.raises(FormatError, match="this is a cycling workout") as refused:
                fit.read(path, options=LOSSY)
            assert str(refused.value).startswith(f"{path}, byte ")
            continue
        title, top_level_items, repeats = WORKOUT_FILES[path.name]
        with pytest.raises(FormatLimitError) as caught:
            fit.read(path)  # none of them has a speed target
        assert str(caught.value).startswith(f"{path}, byte ")
        assert caught.value.place.path == "workout_step 0"
        workout, changes = fit.read_with_changes(path, options=LOSSY)
        assert workout.name == title
        assert len(workout.steps) == top_level_items
        assert sum(isinstance(item, Repeat) for item in workout.steps) == repeats
        assert all(change.where.startswith(str(path)) for change in changes)
        assert sum("used the given speed" in change.what for change in changes) == len(list(workout.steps_flat()))


def test_corpus_facts(corpus: Path) -> None:
    sdk = fit.read_with_changes(corpus / "fit" / "workouts" / "fitparse__WorkoutRepeatSteps.fit", options=LOSSY)[0]
    assert isinstance(sdk.steps[1], Repeat)
    assert sdk.steps[1].count == 3
    assert [step.length for step in sdk.steps[1].steps] == [Distance.metres(500)] * 2
    assert [step.cue for step in sdk.steps_flat()] == ["_A_", "B1_", "B2_", "_C_"]


INVALID_FILES = {
    "fitdecode__activity-filecrc.fit": ("CRC mismatch", 769),
    "fitdecode__activity-settings-corruptheader.fit": ("not a FIT file", 771),
    "fitdecode__activity-settings-nodata.fit": ("ends too early", 783),
    "fitdecode__activity-unexpected-eof.fit": ("ends too early", 751),
    # Legal (a 14-byte header may carry CRC 0x0000, and it decodes), but an activity, not a workout.
    "fitparse-rs__ZeroHeaderCrc.fit": ("this is a FIT activity file, not a workout file", 38),
}


@pytest.mark.parametrize("name", sorted(INVALID_FILES))
def test_corpus_invalid_files_name_the_problem_and_byte(corpus: Path, name: str) -> None:
    path = corpus / "fit" / "invalid" / name
    problem, offset = INVALID_FILES[name]
    with pytest.raises(FormatError, match=problem) as caught:
        fit.read(path, options=LOSSY)
    assert caught.value.location == f"{path}, byte {offset}"


def test_corpus_activities_are_not_workouts(corpus: Path) -> None:
    for path in sorted((corpus / "fit" / "activities").iterdir()):
        with pytest.raises(FormatError, match=r"activity file, not a workout|chained") as caught:
            fit.read(path)
        assert str(caught.value).startswith(str(path))


def test_reading_never_warns(corpus: Path) -> None:
    files = [*sorted((corpus / "fit" / "invalid").iterdir()), *sorted((corpus / "fit" / "workouts").iterdir())]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for path in files:
            with contextlib.suppress(FormatError):
                fit.read(path, options=LOSSY)
    assert [str(warning.message) for warning in caught] == []
