"""Writing: workout files of our own, encoded with precompiled ``struct`` formats."""

from __future__ import annotations

import datetime as dt
import math
import os
import struct
import zlib
from collections.abc import Sequence

from retrointervals.errors import ValidationError
from retrointervals.formats import (
    Change,
    ChangeLog,
    Encoded,
    Policy,
    steptext,
    write_workout_file,
)
from retrointervals.formats._fit_profile import (
    FIT_EPOCH_UNIX_S,
    INVALID_ENUM,
    INVALID_UINT32,
    MAX_STRING_BYTES,
    PROFILE_VERSION,
    PROTOCOL_VERSION,
    BaseType,
    FileIdField,
    FileType,
    Manufacturer,
    MesgNum,
    WorkoutField,
    WorkoutStepField,
)
from retrointervals.formats.fit._crc import crc16
from retrointervals.formats.fit._shared import (
    BANDS,
    DEFAULT_TIME_CREATED,
    DISTANCE,
    FIRST_ABSOLUTE_TIME,
    HEADER_SIZE,
    INTENSITIES,
    LAP,
    OPEN,
    PRODUCT_ID,
    REPEAT,
    SPEED,
    SPORT,
    SUB_SPORT,
    TIME,
)
from retrointervals.model import (
    Direction,
    Plan,
    Repeat,
    Step,
    StepKind,
    Workout,
)
from retrointervals.units import Duration, Speed, SpeedUnit

# --- writing ------------------------------------------------------------------------------------

_LOCAL_FILE_ID, _LOCAL_WORKOUT, _LOCAL_STEP = 0, 1, 2
_DEFINITION_BIT = 0x40


def _definition(local: int, global_number: int, fields: Sequence[tuple[int, int, int]]) -> bytes:
    """A little-endian definition message: ``fields`` are (field number, size in bytes, base type)."""
    head = struct.pack("<BBBHB", _DEFINITION_BIT | local, 0, 0, global_number, len(fields))
    return head + bytes(byte for field in fields for byte in field)


_FILE_ID_DEFINITION = _definition(
    _LOCAL_FILE_ID,
    MesgNum.FILE_ID,
    (
        (FileIdField.TYPE, 1, BaseType.ENUM),
        (FileIdField.MANUFACTURER, 2, BaseType.UINT16),
        (FileIdField.PRODUCT, 2, BaseType.UINT16),
        (FileIdField.SERIAL_NUMBER, 4, BaseType.UINT32Z),
        (FileIdField.TIME_CREATED, 4, BaseType.UINT32),
    ),
)
_FILE_ID_DATA = struct.Struct("<BBHHII")
_HEADER = struct.Struct("<BBHI4s")


def _fit_text(log: ChangeLog, text: str, what: str, where: str) -> bytes:
    """``text`` as FIT string bytes; longer than a FIT string holds: a change (cut at a character boundary)."""
    encoded = text.encode("utf-8")
    if len(encoded) <= MAX_STRING_BYTES:
        return encoded
    kept = encoded[:MAX_STRING_BYTES].decode("utf-8", "ignore")  # never cut a character in two
    log.hit(
        where,
        f"FIT strings hold at most {MAX_STRING_BYTES} bytes of UTF-8; the {what} takes {len(encoded)}",
        f"{what} shortened from {len(text)} to {len(kept)} characters",
    )
    return kept.encode("utf-8")


def _fit_time(time_created: dt.datetime) -> int:
    if time_created.tzinfo is None:
        raise ValidationError("time_created", time_created, "must be a timezone-aware datetime")
    value = math.floor(time_created.timestamp()) - FIT_EPOCH_UNIX_S
    if not FIRST_ABSOLUTE_TIME <= value < INVALID_UINT32:
        raise ValidationError(
            "time_created", time_created, "must lie from 1998-07-03T21:24:16Z to 2126-02-06T06:28:14Z (FIT dates)"
        )
    return value


#: One workout_step message: message_index, name, duration type and value, target type and value, custom target
#: low and high, intensity, notes.
_Row = tuple[int, bytes, int, int, int, int, int, int, int, bytes]


def _label_and_intensity() -> dict[tuple[str, str], tuple[bytes, int]]:
    """The step name and intensity of each direction and kind, keyed by their enum values (cheap to hash)."""
    table = {}
    for direction in Direction:
        for kind in StepKind:
            step = Step(direction=direction, kind=kind, length=Duration(1), speed=Speed(1))
            table[direction.value, kind.value] = (steptext.label(step).encode("utf-8"), INTENSITIES[kind])
    return table


_LABELS = _label_and_intensity()
_NOTES = "step notes (direction, incline and cue)"


def _step_rows(steps: Sequence[Step | Repeat], log: ChangeLog, where: str) -> list[_Row]:
    """The workout_step messages of the steps, in order; a repeat step follows the steps it repeats."""
    rows: list[_Row] = []
    labels = _LABELS
    kmh_bands, mph_bands = BANDS[SpeedUnit.KMH], BANDS[SpeedUnit.MPH]
    kmh = SpeedUnit.KMH
    step_number = 0

    def emit(items: Sequence[Step | Repeat]) -> None:
        nonlocal step_number
        for item in items:
            if isinstance(item, Repeat):
                first = len(rows)
                emit(item.steps)
                repeat = (REPEAT, first, OPEN, item.count, INVALID_UINT32, INVALID_UINT32, INVALID_ENUM, b"")
                rows.append((len(rows), b"", *repeat))
                continue
            step_number += 1
            label, intensity = labels[item.direction._value_, item.kind._value_]
            note = _fit_text(log, steptext.note(item), _NOTES, f"{where}, step {step_number}")
            length = item.length
            if item.until_lap:  # ends on the lap button; the note carries the expected time
                duration_type, duration_value = LAP, INVALID_UINT32
            elif isinstance(length, Duration):
                duration_type, duration_value = TIME, length.exact.numerator * 1000  # whole seconds -> ms
            else:
                duration_type, duration_value = DISTANCE, length.exact.numerator * 100  # whole metres -> cm
            speed = item.speed
            low, high = (kmh_bands if speed.unit is kmh else mph_bands)[speed.tenths]
            rows.append((len(rows), label, duration_type, duration_value, SPEED, 0, low, high, intensity, note))

    emit(steps)
    return rows


def _workout_records(name: bytes, description: bytes, step_count: int) -> bytes:
    """The workout message and its definition."""
    fields = [
        (WorkoutField.WKT_NAME, len(name) + 1, BaseType.STRING),
        (WorkoutField.SPORT, 1, BaseType.ENUM),
        (WorkoutField.SUB_SPORT, 1, BaseType.ENUM),
        (WorkoutField.NUM_VALID_STEPS, 2, BaseType.UINT16),
    ]
    layout = f"<B{len(name) + 1}sBBH"
    values: list[int | bytes] = [_LOCAL_WORKOUT, name, SPORT, SUB_SPORT, step_count]
    if description:
        fields.append((WorkoutField.WKT_DESCRIPTION, len(description) + 1, BaseType.STRING))
        layout += f"{len(description) + 1}s"
        values.append(description)
    return _definition(_LOCAL_WORKOUT, MesgNum.WORKOUT, fields) + struct.pack(layout, *values)


def _step_records(rows: list[_Row]) -> bytes:
    """The workout_step messages under one definition, whose string fields fit the longest name and notes."""
    name_size = max(len(row[1]) for row in rows) + 1
    note_size = max(len(row[9]) for row in rows) + 1
    fields = [
        (WorkoutStepField.MESSAGE_INDEX, 2, BaseType.UINT16),
        (WorkoutStepField.WKT_STEP_NAME, name_size, BaseType.STRING),
        (WorkoutStepField.DURATION_TYPE, 1, BaseType.ENUM),
        (WorkoutStepField.DURATION_VALUE, 4, BaseType.UINT32),
        (WorkoutStepField.TARGET_TYPE, 1, BaseType.ENUM),
        (WorkoutStepField.TARGET_VALUE, 4, BaseType.UINT32),
        (WorkoutStepField.CUSTOM_TARGET_VALUE_LOW, 4, BaseType.UINT32),
        (WorkoutStepField.CUSTOM_TARGET_VALUE_HIGH, 4, BaseType.UINT32),
        (WorkoutStepField.INTENSITY, 1, BaseType.ENUM),
        (WorkoutStepField.NOTES, note_size, BaseType.STRING),
    ]
    # struct's "Ns" pads with NULs, which is exactly FIT's null-terminated, fixed-size string.
    pack = struct.Struct(f"<BH{name_size}sBIBIIIB{note_size}s").pack
    records = [_definition(_LOCAL_STEP, MesgNum.WORKOUT_STEP, fields)]
    records.extend(pack(_LOCAL_STEP, *row) for row in rows)
    return b"".join(records)


def write_workout(
    workout: Workout, *, policy: Policy = Policy.STRICT, time_created: dt.datetime = DEFAULT_TIME_CREATED
) -> Encoded:
    """The workout as the bytes of one FIT workout file.

    Args:
        workout: The workout.
        policy: What to do with text longer than a FIT string holds (254 bytes of UTF-8: the workout name and
            description, and a step's notes, which carry its cue): ``STRICT`` raises, ``LOSSY`` shortens it at a
            character boundary and lists the change.
        time_created: Written to ``file_id.time_created``; the fixed default keeps files reproducible.

    Raises:
        FormatLimitError: Under ``STRICT``, a text is too long; the error names the step and the limit.
        ValidationError: ``time_created`` is naive or outside the FIT date range.
    """
    fit_time = _fit_time(time_created)
    log = ChangeLog(policy)
    where = f"workout {workout.name!r}"
    name = _fit_text(log, workout.name, "workout name", where)
    description = _fit_text(log, workout.description, "description", where) if workout.description else b""
    rows = _step_rows(workout.steps, log, where)
    content = _workout_records(name, description, len(rows)) + _step_records(rows)
    # The serial number identifies the file to a device; deriving it from the content keeps it reproducible and
    # gives different workouts different serials (uint32z: 0 is invalid).
    serial = zlib.crc32(content) or 1
    file_id = _FILE_ID_DATA.pack(
        _LOCAL_FILE_ID, FileType.WORKOUT, Manufacturer.DEVELOPMENT, PRODUCT_ID, serial, fit_time
    )
    data_size = len(_FILE_ID_DEFINITION) + len(file_id) + len(content)
    header = _HEADER.pack(HEADER_SIZE, PROTOCOL_VERSION, PROFILE_VERSION, data_size, b".FIT")
    data = b"".join((header, crc16(header).to_bytes(2, "little"), _FILE_ID_DEFINITION, file_id, content))
    data += crc16(data).to_bytes(2, "little")  # the file CRC covers the header too
    return Encoded(data, tuple(log.changes))


def write(
    document: Workout | Plan,
    path: str | os.PathLike[str],
    *,
    policy: Policy = Policy.STRICT,
    overwrite: bool = False,
    time_created: dt.datetime = DEFAULT_TIME_CREATED,
) -> tuple[Change, ...]:
    """Write a workout to ``path`` as a FIT file, atomically; refuse to replace a file unless ``overwrite``.

    Returns:
        What a ``LOSSY`` write changed (empty when nothing was lost).

    Raises:
        FormatError: ``document`` is a plan: FIT holds one workout per file.
        FormatLimitError: Under ``STRICT``, the workout holds text longer than FIT allows.
        OutputExistsError: ``path`` exists and ``overwrite`` is false.
    """
    return write_workout_file(
        document,
        path,
        lambda workout: write_workout(workout, policy=policy, time_created=time_created),
        "fit",
        overwrite=overwrite,
    )
