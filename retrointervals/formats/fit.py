"""FIT workout files: a small, fast encoder of our own and a fitdecode-based reader.

One file holds one workout (a plan is written with ``formats.plan_files``, one file per session). The mapping is
explained in the FIT section of ``docs/formats.md``; in short:

- ``file_id``: type workout, manufacturer ``development`` (255), product ``PRODUCT_ID``, a serial number derived
  from the content (never 0) and ``time_created`` (``DEFAULT_TIME_CREATED`` unless given), so the same workout
  always gives the same bytes.
- ``workout``: name, sport running / sub-sport treadmill, ``num_valid_steps`` counting repeat steps, and the
  description as ``wkt_description`` when there is one.
- ``workout_step``: the step label (``"BW active"``) as the name, the note convention (direction, handrails,
  incline, cue) as notes, a time (ms) or distance (cm) duration, the intensity from the step kind, and a custom
  speed target band in mm/s centred on the step's speed. The band's width is even for km/h and odd for mph,
  which is how the reader gets the unit back. Repeats are ``repeat_until_steps_cmplt`` steps after the repeated
  steps, pointing back to the first one; repeats nest.

Reading is lenient about what other tools write (big-endian definitions, messages in any order, developer fields,
invalid fields), strict about damage (header, CRC, truncation: ``FormatError`` with the byte offset), and explicit
about what the model cannot hold (power or heart-rate targets, open durations...): ``Policy.STRICT`` refuses with
``FormatLimitError``; ``Policy.LOSSY`` reads the closest workout and lists every change
(``read_bytes_with_changes``).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import os
import re
import struct
import zlib
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, NamedTuple

from retrointervals._files import check_size, read_bounded
from retrointervals.errors import FormatError, Place, ValidationError
from retrointervals.formats import (
    Change,
    ChangeLog,
    Decoded,
    Encoded,
    Policy,
    ReadOptions,
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
    Intensity,
    Manufacturer,
    MesgNum,
    Sport,
    SubSport,
    WktStepDuration,
    WktStepTarget,
    WorkoutField,
    WorkoutStepField,
)
from retrointervals.model import (
    MAX_CUE_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    MAX_REPEAT_COUNT,
    MAX_SEGMENTS,
    MAX_STEP_METRES,
    MAX_STEP_SECONDS,
    Direction,
    Plan,
    Repeat,
    Step,
    StepKind,
    Workout,
)
from retrointervals.units import MAX_SPEED_KMH, Distance, Duration, Incline, Speed, SpeedUnit

__all__ = [
    "DEFAULT_LENGTH",
    "DEFAULT_SPEED",
    "DEFAULT_TIME_CREATED",
    "EXTENSION",
    "PRODUCT_ID",
    "SPEED_BAND_HALF_WIDTH_MM_S",
    "crc16",
    "decode",
    "read",
    "read_bytes",
    "read_bytes_with_changes",
    "read_with_changes",
    "write",
    "write_workout",
]

EXTENSION = ".fit"

#: ``file_id.product`` of our files (with manufacturer ``development``): 0x5249, "RI".
PRODUCT_ID = 0x5249
#: ``file_id.time_created`` unless one is given: fixed, so that a workout always encodes to the same bytes.
DEFAULT_TIME_CREATED = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
#: Half the width of the speed band written around a step's speed: 139 mm/s is about 0.5 km/h or 0.3 mph. The
#: band is narrower for speeds below 0.5 km/h so that its low end stays above zero.
SPEED_BAND_HALF_WIDTH_MM_S = 139
#: The speed a lossy read gives a step whose target the model cannot hold (power, heart rate, open...): slow
#: enough to be safe whichever way the walker faces.
DEFAULT_SPEED = Speed.kmh(2.0)
#: The length a lossy read gives a step that ends on something other than time or distance (lap button,
#: heart rate, calories...).
DEFAULT_LENGTH = Duration.seconds(60)

_SPORT = Sport.RUNNING.value
_SUB_SPORT = SubSport.TREADMILL.value
_HEADER_SIZE = 14
_FIRST_ABSOLUTE_TIME = 0x10000000  # FIT date_time values below this are relative times

# --- CRC ----------------------------------------------------------------------------------------

# The FIT SDK's nibble table (crc_calculator.py); the byte table below is derived from it once at import.
_CRC_NIBBLES = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)  # fmt: skip


def _crc_byte_slow(crc: int, byte: int) -> int:
    low = _CRC_NIBBLES[crc & 0xF]
    crc = ((crc >> 4) & 0x0FFF) ^ low ^ _CRC_NIBBLES[byte & 0xF]
    high = _CRC_NIBBLES[crc & 0xF]
    return ((crc >> 4) & 0x0FFF) ^ high ^ _CRC_NIBBLES[(byte >> 4) & 0xF]


# One lookup per byte instead of four: table[b] is the register after feeding byte b into a zero register.
_CRC_BYTE_TABLE = tuple(_crc_byte_slow(0, byte) for byte in range(256))


@functools.cache
def _crc_word_table() -> tuple[int, ...]:
    """table[x]: the register after feeding the two bytes of little-endian x into a zero register.

    A 16-bit register is entirely shifted out by two bytes, so the state after them depends only on
    ``register ^ word``: one lookup per two bytes, which halves the Python loop. Built on first use (about 10 ms).
    """
    byte_table = _CRC_BYTE_TABLE
    return tuple(
        (byte_table[x & 0xFF] >> 8) ^ byte_table[((x >> 8) ^ byte_table[x & 0xFF]) & 0xFF] for x in range(65536)
    )


def crc16(data: bytes, crc: int = 0) -> int:
    """The FIT CRC (CRC-16/ARC: reflected polynomial 0xA001, initial value 0) of ``data``.

    Pass a previous result as ``crc`` to continue over more data. ``crc16(b"123456789") == 0xBB3D``.
    """
    table = _crc_word_table()
    even = len(data) & ~1
    for word in struct.unpack(f"<{even >> 1}H", memoryview(data)[:even]):
        crc = table[crc ^ word]
    if even != len(data):
        crc = (crc >> 8) ^ _CRC_BYTE_TABLE[(crc ^ data[-1]) & 0xFF]
    return crc


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

_INTENSITIES = {
    StepKind.WARMUP: Intensity.WARMUP.value,
    StepKind.ACTIVE: Intensity.ACTIVE.value,
    StepKind.RECOVERY: Intensity.RECOVERY.value,
    # Turning around on the belt is a pause in the effort: Garmin's "rest" step type.
    StepKind.TRANSITION: Intensity.REST.value,
    StepKind.COOLDOWN: Intensity.COOLDOWN.value,
}
_TIME = WktStepDuration.TIME.value
_LAP = WktStepDuration.OPEN.value  # "open": the step ends on the lap button
_DISTANCE = WktStepDuration.DISTANCE.value
_REPEAT = WktStepDuration.REPEAT_UNTIL_STEPS_CMPLT.value
_SPEED = WktStepTarget.SPEED.value
_OPEN = WktStepTarget.OPEN.value


def _speed_bands(unit: SpeedUnit) -> tuple[tuple[int, int], ...]:
    """(low, high) in mm/s for every speed of ``unit``, indexed by tenths (index 0 is unused).

    The band is centred on the speed rounded to whole mm/s; mph bands are one mm/s wider on top, so an odd width
    marks mph. The reader takes the centre (within 0.5 mm/s of the true speed; grid points are at least 27.8 mm/s
    apart) and the unit from the parity, and gets the exact speed back.
    """
    per_tenth_mm_s = Speed(1, unit).exact_mps * 1000
    bands = [(0, 0)]
    for tenths in range(1, math.floor(MAX_SPEED_KMH * 10 / unit.in_kmh) + 1):
        centre = math.floor(per_tenth_mm_s * tenths + Fraction(1, 2))
        half = min(SPEED_BAND_HALF_WIDTH_MM_S, centre - 1)
        bands.append((centre - half, centre + half + (unit is SpeedUnit.MPH)))
    return tuple(bands)


_BANDS = {unit: _speed_bands(unit) for unit in SpeedUnit}
#: Our own bands back to (tenths, unit): km/h bands have an even width and mph bands an odd one, so no clash.
_GRID_OF_BAND = {band: (tenths, unit) for unit, bands in _BANDS.items() for tenths, band in enumerate(bands) if tenths}


@functools.lru_cache(maxsize=1024)  # bounded: the keys come from the file
def _own_speed(low_mm_s: int, high_mm_s: int) -> Speed | None:
    """The speed whose band retrointervals writes as (low, high), or None; Speeds are immutable, so shared."""
    grid = _GRID_OF_BAND.get((low_mm_s, high_mm_s))
    return Speed(*grid) if grid is not None else None


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
    if not _FIRST_ABSOLUTE_TIME <= value < INVALID_UINT32:
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
            table[direction.value, kind.value] = (steptext.label(step).encode("utf-8"), _INTENSITIES[kind])
    return table


_LABELS = _label_and_intensity()
_NOTES = "step notes (direction, incline and cue)"


def _step_rows(steps: Sequence[Step | Repeat], log: ChangeLog, where: str) -> list[_Row]:
    """The workout_step messages of the steps, in order; a repeat step follows the steps it repeats."""
    rows: list[_Row] = []
    labels = _LABELS
    kmh_bands, mph_bands = _BANDS[SpeedUnit.KMH], _BANDS[SpeedUnit.MPH]
    kmh = SpeedUnit.KMH
    step_number = 0

    def emit(items: Sequence[Step | Repeat]) -> None:
        nonlocal step_number
        for item in items:
            if isinstance(item, Repeat):
                first = len(rows)
                emit(item.steps)
                repeat = (_REPEAT, first, _OPEN, item.count, INVALID_UINT32, INVALID_UINT32, INVALID_ENUM, b"")
                rows.append((len(rows), b"", *repeat))
                continue
            step_number += 1
            label, intensity = labels[item.direction._value_, item.kind._value_]
            note = _fit_text(log, steptext.note(item), _NOTES, f"{where}, step {step_number}")
            length = item.length
            if item.until_lap:  # ends on the lap button; the note carries the expected time
                duration_type, duration_value = _LAP, INVALID_UINT32
            elif isinstance(length, Duration):
                duration_type, duration_value = _TIME, length.exact.numerator * 1000  # whole seconds -> ms
            else:
                duration_type, duration_value = _DISTANCE, length.exact.numerator * 100  # whole metres -> cm
            speed = item.speed
            low, high = (kmh_bands if speed.unit is kmh else mph_bands)[speed.tenths]
            rows.append((len(rows), label, duration_type, duration_value, _SPEED, 0, low, high, intensity, note))

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
    values: list[int | bytes] = [_LOCAL_WORKOUT, name, _SPORT, _SUB_SPORT, step_count]
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
    header = _HEADER.pack(_HEADER_SIZE, PROTOCOL_VERSION, PROFILE_VERSION, data_size, b".FIT")
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


# --- reading: decoding with fitdecode -------------------------------------------------------------


class _Message(NamedTuple):
    """One data message we read: where it starts, and its native fields by number (raw and as fitdecode shows)."""

    offset: int
    fields: dict[int, object]
    shown: dict[int, object]


class _Messages(NamedTuple):
    file_id: _Message | None
    workouts: list[_Message]
    steps: list[_Message]


_WANTED = frozenset({MesgNum.FILE_ID.value, MesgNum.WORKOUT.value, MesgNum.WORKOUT_STEP.value})


def _check_crcs(data: bytes, source: str) -> None:
    """Check the header and file CRCs of the (first) FIT file with our table-driven ``crc16``.

    fitdecode computes CRCs one byte at a time in Python, which is about a third of its decoding time. Input
    that is not a FIT file, or too short to hold its CRC, is left to fitdecode, which says where it ends.
    """
    header_size = data[0] if data else 0
    if len(data) < header_size or data[8:12] != b".FIT":
        return
    if header_size == _HEADER_SIZE:
        stored = int.from_bytes(data[12:14], "little")
        if stored and crc16(data[:12]) != stored:  # 0x0000 means "no header CRC" (legal)
            raise FormatError(
                f"CRC mismatch: the file is damaged (header CRC 0x{stored:04X}, computed 0x{crc16(data[:12]):04X})",
                Place(source, offset=0),
            )
    end = header_size + int.from_bytes(data[4:8], "little")
    if len(data) >= end + 2 and crc16(data[: end + 2]) != 0:  # data followed by its CRC checks to 0
        stored = int.from_bytes(data[end : end + 2], "little")
        raise FormatError(
            f"CRC mismatch: the file is damaged (file CRC 0x{stored:04X}, computed 0x{crc16(data[:end]):04X})",
            Place(source, offset=end),
        )


def _decode(data: bytes, source: str) -> _Messages:
    """Decode every frame with fitdecode (CRCs checked), keeping the messages a workout needs.

    The whole file is decoded before its type is looked at, so a damaged file reports the damage.
    """
    import fitdecode  # noqa: PLC0415 - only reading needs fitdecode; writers skip its import time

    if data and data[0] not in (12, _HEADER_SIZE):  # fitdecode would fail obscurely on other sizes
        raise FormatError(f"not a FIT file: the header size is {data[0]} bytes, not 12 or 14", Place(source, offset=0))

    _check_crcs(data, source)
    stream = io.BytesIO(data)
    start = 0  # where the frame being decoded starts
    kept: list[tuple[int, Any]] = []  # (offset, fitdecode data message), converted after decoding
    headers = chained_at = 0
    stopped = ""
    try:
        reader = fitdecode.FitReader(
            stream,
            processor=None,
            check_crc=fitdecode.CrcCheck.DISABLED,  # checked by _check_crcs, many times faster
            # Malformed definitions raise instead of warning, so fitdecode never calls warnings.warn.
            error_handling=fitdecode.ErrorHandling.RAISE,
        )
        with reader:
            for frame in reader:
                if frame.frame_type == fitdecode.FIT_FRAME_HEADER:
                    headers += 1
                    if headers == 2:  # keep decoding, so that damage further on is still reported first
                        chained_at = start
                    if frame.proto_ver[0] > 2:
                        stopped = f"unsupported FIT protocol version {frame.proto_ver[0]} (this reader knows 1 and 2)"
                        break
                elif frame.frame_type == fitdecode.FIT_FRAME_DATA and frame.global_mesg_num in _WANTED:
                    kept.append((start, frame))
                start = stream.tell()
    except (
        fitdecode.FitError,
        # fitdecode has no single error type for malformed bytes: its asserts, struct unpacking and profile
        # lookups fail in these ways on hostile input (found by the fuzz tests).
        AssertionError,
        struct.error,
        ArithmeticError,
        LookupError,
        TypeError,
        ValueError,
        Warning,  # only when the caller's warning filters turn warnings into errors
    ) as error:
        raise FormatError(_explain(error, fitdecode), Place(source, offset=start)) from None
    if stopped:
        raise FormatError(stopped, Place(source, offset=start))
    if headers > 1:
        raise FormatError(
            "a second FIT file is chained after the first; a workout file holds one", Place(source, offset=chained_at)
        )
    if not headers:
        raise FormatError("empty input: not a FIT file", Place(source, offset=0))
    messages: dict[int, list[_Message]] = {number: [] for number in _WANTED}
    for offset, frame in kept:
        messages[frame.global_mesg_num].append(_native_fields(frame, offset))
    file_ids = messages[MesgNum.FILE_ID]
    return _Messages(file_ids[0] if file_ids else None, messages[MesgNum.WORKOUT], messages[MesgNum.WORKOUT_STEP])


def _native_fields(frame: Any, offset: int) -> _Message:  # noqa: ANN401 - a fitdecode FitDataMessage (untyped)
    """A data message's native fields by number: raw values, and values as fitdecode renders them (enum names)."""
    raw: dict[int, object] = {}
    rendered: dict[int, object] = {}
    shown = frame.global_mesg_num == MesgNum.FILE_ID
    for field in frame.fields:
        definition = field.field_def
        if definition is not None and not definition.is_dev:  # developer fields may reuse native names
            raw[definition.def_num] = field.raw_value
            if shown:  # only the file_id message's rendered values are ever shown (a wrong file type)
                rendered[definition.def_num] = field.value
    return _Message(offset, raw, rendered)


def _explain(error: BaseException, fitdecode: object) -> str:
    detail = str(error) or type(error).__name__
    kinds = {
        "FitHeaderError": "not a FIT file, or its header is damaged",
        "FitCRCError": "CRC mismatch: the file is damaged",
        "FitEOFError": "the file ends too early (truncated)",
        "FitParseError": "malformed FIT data",
    }
    for name, problem in kinds.items():
        if isinstance(error, getattr(fitdecode, name)):
            return f"{problem} ({detail})"
    return f"malformed FIT data ({type(error).__name__}: {detail})"


# --- reading: building the workout ----------------------------------------------------------------

_REPEATS = frozenset(
    {
        WktStepDuration.REPEAT_UNTIL_STEPS_CMPLT,
        WktStepDuration.REPEAT_UNTIL_TIME,
        WktStepDuration.REPEAT_UNTIL_DISTANCE,
        WktStepDuration.REPEAT_UNTIL_CALORIES,
        WktStepDuration.REPEAT_UNTIL_HR_LESS_THAN,
        WktStepDuration.REPEAT_UNTIL_HR_GREATER_THAN,
        WktStepDuration.REPEAT_UNTIL_POWER_LESS_THAN,
        WktStepDuration.REPEAT_UNTIL_POWER_GREATER_THAN,
        WktStepDuration.REPEAT_UNTIL_POWER_LAST_LAP_LESS_THAN,
        WktStepDuration.REPEAT_UNTIL_MAX_POWER_LAST_LAP_LESS_THAN,
        WktStepDuration.REPEAT_UNTIL_TRAINING_PEAKS_TSS,
    }
)
_KINDS: dict[int, StepKind] = {
    Intensity.ACTIVE.value: StepKind.ACTIVE,
    Intensity.REST.value: StepKind.RECOVERY,
    Intensity.WARMUP.value: StepKind.WARMUP,
    Intensity.COOLDOWN.value: StepKind.COOLDOWN,
    Intensity.RECOVERY.value: StepKind.RECOVERY,
    Intensity.INTERVAL.value: StepKind.ACTIVE,
    Intensity.OTHER.value: StepKind.ACTIVE,
}
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f]")
_FOOT_SPORTS = frozenset(sport.value for sport in Sport)
#: Names of the FIT sports that are refused, for the message (FIT profile ``sport``).
_SPORT_NAMES = {2: "cycling", 3: "transition", 5: "swimming", 6: "basketball", 7: "soccer", 8: "tennis", 13: "rowing"}
_SPEED_TOLERANCE_MM_S = 1  # a foreign writer's rounding to whole mm/s, and a centre of x.5


def _int(fields: dict[int, object], number: int) -> int | None:
    value = fields.get(number)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(fields: dict[int, object], number: int) -> str | None:
    value = fields.get(number)
    return value if isinstance(value, str) and value else None


def _speed_in(mps: Fraction, unit: SpeedUnit) -> Speed | None:
    """The speed nearest ``mps`` on the grid of ``unit``, or None outside the model's range."""
    try:
        return Speed.from_mps(mps, unit)
    except ValidationError:
        return None


def _enum_name(enum_type: type[WktStepDuration] | type[WktStepTarget], value: int | None) -> str:
    if value is None:
        return "none"
    try:
        return enum_type(value).name.lower()
    except ValueError:
        return f"unknown ({value})"


class _Builder:
    """Turns decoded messages into a Workout, reporting every change to the read's ``ChangeLog``."""

    def __init__(self, messages: _Messages, source: str, options: ReadOptions) -> None:
        self.messages = messages
        self.source = source
        self.options = options
        self.log = ChangeLog(options.policy)
        file_id = messages.file_id.fields if messages.file_id else {}
        self.ours = (
            _int(file_id, FileIdField.MANUFACTURER) == Manufacturer.DEVELOPMENT
            and _int(file_id, FileIdField.PRODUCT) == PRODUCT_ID
        )

    def at(self, offset: int, path: str | None = None) -> Place:
        """The place of a message: its byte offset, and which message it is."""
        return Place(self.source, offset=offset, path=path)

    def workout(self) -> Workout:
        messages = self.messages
        if messages.file_id is None:
            raise FormatError("no file_id message: not a FIT workout file", self.at(0))
        file_type = _int(messages.file_id.fields, FileIdField.TYPE)
        if file_type != FileType.WORKOUT:
            shown = str(messages.file_id.shown.get(FileIdField.TYPE)) if file_type is not None else "untyped"
            if shown.isdigit():
                shown = f"type {shown}"
            raise FormatError(
                f"this is a FIT {shown} file, not a workout file (file_id.type is {file_type}, a workout is 5)",
                self.at(messages.file_id.offset),
            )
        if not messages.workouts:
            raise FormatError("no workout message in this workout file", self.source)
        if len(messages.workouts) > 1:
            raise FormatError("more than one workout message", self.at(messages.workouts[1].offset))
        if not messages.steps:
            raise FormatError("the workout has no steps (no workout_step message)", self.source)
        if len(messages.steps) > MAX_SEGMENTS:
            raise FormatError(f"the workout has more than {MAX_SEGMENTS} steps", self.at(messages.steps[0].offset))
        header = messages.workouts[0]
        where = self.at(header.offset, "workout")
        sport = _int(header.fields, WorkoutField.SPORT)
        if sport is not None and sport not in _FOOT_SPORTS:
            raise FormatError(
                f"this is a {_SPORT_NAMES.get(sport, f'sport {sport}')} workout, not a running or walking one; only "
                "those can become treadmill walks",
                where,
            )
        name = self.clean(_text(header.fields, WorkoutField.WKT_NAME) or "", MAX_NAME_LENGTH, "workout name", where)
        description = self.clean(
            _text(header.fields, WorkoutField.WKT_DESCRIPTION) or "",
            MAX_DESCRIPTION_LENGTH,
            "description",
            where,
            keep="\n\t",
        )
        items = self.items(self.ordered_steps())
        try:
            return Workout(name if name.strip() else "FIT workout", items, description)
        except ValidationError as error:
            raise FormatError(str(error), where) from None

    def ordered_steps(self) -> list[_Message]:
        """The steps in message_index order (which repeat steps refer to)."""
        steps = self.messages.steps
        indexes = [_int(step.fields, WorkoutStepField.MESSAGE_INDEX) for step in steps]
        if all(index is None for index in indexes):
            return steps
        if sorted(index for index in indexes if index is not None) != list(range(len(steps))):
            raise FormatError(
                f"workout_step message_index values are not 0 to {len(steps) - 1}, each once",
                self.at(steps[0].offset),
            )
        by_index = dict(zip(indexes, steps, strict=True))
        return [by_index[index] for index in range(len(steps))]

    def items(self, steps: list[_Message]) -> list[Step | Repeat]:
        """Rebuild the (nested) repeats: each repeat step closes the items that start at or after its target."""
        items: list[tuple[int, Step | Repeat]] = []  # (message_index of the item's first step, item)
        for index, message in enumerate(steps):
            where = self.at(message.offset, f"workout_step {index}")
            duration_type = _int(message.fields, WorkoutStepField.DURATION_TYPE)
            if duration_type not in _REPEATS:
                items.append((index, self.step(message.fields, where)))
                continue
            first = _int(message.fields, WorkoutStepField.DURATION_VALUE)
            if first is None or first >= index:
                raise FormatError(f"the repeat step jumps to step {first}, which is not before it", where)
            body: list[tuple[int, Step | Repeat]] = []
            while items and items[-1][0] >= first:
                body.append(items.pop())
            body.reverse()
            if not body or body[0][0] != first:
                raise FormatError(
                    f"the repeat step jumps back to step {first}, inside another repeat or onto a repeat step", where
                )
            count = self.repeat_count(message.fields, duration_type, where)
            if count == 1:
                items.extend(body)  # one pass is the steps themselves
                continue
            try:
                items.append((first, Repeat(count, [item for _, item in body])))
            except ValidationError as error:
                raise FormatError(str(error), where) from None
        return [item for _, item in items]

    def repeat_count(self, fields: dict[int, object], duration_type: int | None, where: Place) -> int:
        count = _int(fields, WorkoutStepField.TARGET_VALUE)
        if duration_type != WktStepDuration.REPEAT_UNTIL_STEPS_CMPLT:
            self.log.hit(
                where,
                f"the model repeats a fixed number of times, not '{_enum_name(WktStepDuration, duration_type)}'",
                "read as one pass of the repeated steps",
            )
            return 1
        if count is None or count < 1:
            self.log.hit(where, f"the repeat count is {count}", "read as one pass of the repeated steps")
            return 1
        if count > MAX_REPEAT_COUNT:
            self.log.hit(
                where,
                f"the model repeats at most {MAX_REPEAT_COUNT} times, not {count}",
                f"read as {MAX_REPEAT_COUNT} repetitions",
            )
            return MAX_REPEAT_COUNT
        return count

    def step(self, fields: dict[int, object], where: Place) -> Step:
        name = _text(fields, WorkoutStepField.WKT_STEP_NAME)
        notes = _text(fields, WorkoutStepField.NOTES)
        intensity = _int(fields, WorkoutStepField.INTENSITY)
        text = steptext.decode(
            name,
            notes,
            kind=_KINDS.get(intensity, StepKind.ACTIVE) if intensity is not None else StepKind.ACTIVE,
            where=where,
            log=self.log,
        )
        cue = self.clean(text.cue or "", MAX_CUE_LENGTH, "cue", where)
        length, until_lap = self.length(fields, where, text)
        try:
            return Step(
                direction=text.direction,
                kind=text.kind,
                length=length,
                speed=self.speed(fields, where),
                incline=text.incline if text.incline is not None else Incline.flat(),
                hold_handrails=text.hold_handrails,
                cue=cue if cue.strip() else None,
                until_lap=until_lap,
                belt_stopped=until_lap and text.belt_stopped,
            )
        except ValidationError as error:
            raise FormatError(str(error), where) from None

    def length(
        self, fields: dict[int, object], where: Place, text: steptext.StepText
    ) -> tuple[Duration | Distance, bool]:
        """The step's length, and whether it ends on the lap button."""
        duration_type = _int(fields, WorkoutStepField.DURATION_TYPE)
        value = _int(fields, WorkoutStepField.DURATION_VALUE)
        if duration_type == _LAP:
            if text.note is not None and text.note.lap_expected is not None:
                return text.note.lap_expected, True
            self.log.hit(
                where,
                "the step ends on the lap button (open duration) without an expected time",
                f"used {DEFAULT_LENGTH.in_seconds:g} s as its expected time",
            )
            return DEFAULT_LENGTH, True
        if duration_type not in (_TIME, _DISTANCE) or value is None:
            self.log.hit(
                where,
                f"the model ends a step after a time or a distance, not '{_enum_name(WktStepDuration, duration_type)}'"
                + (" without a value" if duration_type in (_TIME, _DISTANCE) else ""),
                f"used {DEFAULT_LENGTH.in_seconds:g} s instead",
            )
            return DEFAULT_LENGTH, False
        if duration_type == _TIME:
            whole_s, rest = divmod(value, 1000)
            if not rest and 1 <= whole_s <= MAX_STEP_SECONDS:
                return Duration(whole_s), False
        else:
            whole_m, rest = divmod(value, 100)
            if not rest and 1 <= whole_m <= MAX_STEP_METRES:
                return Distance(whole_m), False
        unit, words, scale, limit, kind = (
            ("s", "seconds", 1000, MAX_STEP_SECONDS, Duration)
            if duration_type == _TIME
            else ("m", "metres", 100, MAX_STEP_METRES, Distance)
        )
        exact = Fraction(value, scale)
        whole = min(max(math.floor(exact + Fraction(1, 2)), 1), limit)
        if whole != exact:
            self.log.hit(
                where,
                f"step lengths are whole {words} from 1 to {limit}, not {float(exact):g} {unit}",
                f"used {whole} {unit} instead",
            )
        return kind(whole), False

    def no_speed(self, where: Place, why: str) -> Speed:
        """The given speed for a step without a usable speed target (a change), or a refusal that asks for one."""
        if self.options.speed is None:
            self.log.hit(where, why, "needs a belt speed")  # under STRICT this refuses first
            raise FormatError(f"{why}, and a treadmill step needs a belt speed", where, needs="speed")
        self.log.hit(where, why, f"used the given speed {self.options.speed}")
        return self.options.speed

    def speed(self, fields: dict[int, object], where: Place) -> Speed:
        target = _int(fields, WorkoutStepField.TARGET_TYPE)
        zone = _int(fields, WorkoutStepField.TARGET_VALUE)
        low = _int(fields, WorkoutStepField.CUSTOM_TARGET_VALUE_LOW)
        high = _int(fields, WorkoutStepField.CUSTOM_TARGET_VALUE_HIGH)
        if target != _SPEED:
            return self.no_speed(
                where, f"the step has a '{_enum_name(WktStepTarget, target)}' target, not a belt speed"
            )
        if zone not in (0, None):
            return self.no_speed(where, f"the step targets speed zone {zone} of the device, not a belt speed")
        if low is None or high is None:
            return self.no_speed(where, "the speed target has no custom low and high values")
        if self.ours:
            speed = _own_speed(low, high)
            if speed is not None:
                return speed
        return self.foreign_speed(low, high, where)

    def foreign_speed(self, low: int, high: int, where: Place) -> Speed:
        """The centre of another tool's band, in the unit whose 0.1 grid it lies on (km/h when both or neither)."""
        centre = Fraction(low + high, 2000)
        shown = f"{float(centre):.3f} m/s"
        candidates = [speed for unit in SpeedUnit if (speed := _speed_in(centre, unit)) is not None]
        if not candidates:
            return self.no_speed(where, f"the speed target {shown} is outside the model's 0.1 to 30 km/h")
        for candidate in candidates:
            if abs(candidate.exact_mps - centre) * 1000 <= _SPEED_TOLERANCE_MM_S:
                return candidate
        nearest = candidates[0]
        self.log.hit(
            where, f"the speed target {shown} is not a multiple of 0.1 km/h or 0.1 mph", f"used {nearest} instead"
        )
        return nearest

    def clean(self, text: str, max_length: int, what: str, where: Place, keep: str = "") -> str:
        """Text the model accepts: control characters become spaces, and it is cut at ``max_length``."""
        if len(text) <= max_length and _CONTROL_CHARACTER.search(text) is None:
            return text  # the usual case, without a pass over every character
        cleaned = "".join(char if ord(char) >= 32 or char in keep else " " for char in text)
        if cleaned != text:
            self.log.hit(where, f"the {what} holds line breaks or control characters", "replaced them with spaces")
        if len(cleaned) > max_length:
            self.log.hit(
                where,
                f"the model's {what} holds at most {max_length} characters, not {len(cleaned)}",
                f"shortened it to {max_length} characters",
            )
            cleaned = cleaned[:max_length]
        return cleaned


def decode(data: bytes, source: str = "", *, options: ReadOptions | None = None) -> Decoded:
    """Read a FIT workout file, with every change the read made to fit the model.

    Our own files read back exactly under either policy. Files from other tools often hold things the model
    cannot: power, heart-rate or cadence targets, no target, heart-rate or calorie durations, conditional
    repeats, fractional seconds. ``Policy.STRICT`` refuses those with ``FormatLimitError``; ``Policy.LOSSY`` reads
    the closest workout (``options.speed`` for steps without a belt speed, ``DEFAULT_LENGTH`` for steps that end
    on something else than time, distance or the lap button, one pass of a conditional repeat...) and lists every
    change. An open duration is a step that ends on the lap button (``Step.until_lap``).

    Raises:
        FormatError: The bytes are not a sound FIT file (bad header, CRC mismatch, truncated, malformed: the
            message names the byte offset where decoding stopped), not a workout file (the message says what
            type it is), describe an impossible workout (a repeat that jumps forward...), or a step needs a belt
            speed and ``options.speed`` is None (``needs == "speed"``).
        FormatLimitError: Under ``STRICT``, something the model cannot hold; the message names the step.
    """
    check_size(data, source or "input")
    builder = _Builder(_decode(bytes(data), source), source, options or ReadOptions())
    return Decoded(builder.workout(), tuple(builder.log.changes))


def read_bytes(data: bytes, source: str = "", *, options: ReadOptions | None = None) -> Workout:
    """Read a FIT workout file (see ``decode``, which also gives the changes)."""
    workout = decode(data, source, options=options).document
    assert isinstance(workout, Workout)  # noqa: S101 - a FIT workout file is one workout
    return workout


def read(path: str | os.PathLike[str], *, options: ReadOptions | None = None) -> Workout:
    """Read a FIT workout file from ``path`` (at most 16 MiB); see ``decode``."""
    return read_bytes(read_bounded(path), str(path), options=options)


def read_bytes_with_changes(
    data: bytes, source: str = "", *, options: ReadOptions | None = None
) -> tuple[Workout, tuple[Change, ...]]:
    """``decode`` as a ``(workout, changes)`` pair (the older name of the same door)."""
    decoded = decode(data, source, options=options)
    assert isinstance(decoded.document, Workout)  # noqa: S101 - a FIT workout file is one workout
    return decoded.document, decoded.changes


def read_with_changes(
    path: str | os.PathLike[str], *, options: ReadOptions | None = None
) -> tuple[Workout, tuple[Change, ...]]:
    """Read a FIT workout file from ``path`` with its changes, as a ``(workout, changes)`` pair."""
    return read_bytes_with_changes(read_bounded(path), str(path), options=options)
