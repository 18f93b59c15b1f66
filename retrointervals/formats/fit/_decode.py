"""Reading, the IO layer: bytes to the messages a workout needs, with fitdecode, damage reported by byte offset."""

from __future__ import annotations

import io
import struct
from typing import Any, NamedTuple

from retrointervals.errors import FormatError, Place
from retrointervals.formats._fit_profile import (
    FileIdField,
    FileType,
    MesgNum,
)
from retrointervals.formats.fit._crc import crc16
from retrointervals.formats.fit._shared import HEADER_SIZE
from retrointervals.limits import MAX_DOCUMENT_STEPS, MAX_FIT_MESSAGES

# --- reading: decoding with fitdecode -------------------------------------------------------------


class Message(NamedTuple):
    """One data message we read: where it starts, and its native fields by number (raw and as fitdecode shows)."""

    offset: int
    fields: dict[int, object]
    shown: dict[int, object]


class Messages(NamedTuple):
    file_id: Message | None
    workouts: list[Message]
    steps: list[Message]


_WANTED = frozenset({MesgNum.FILE_ID.value, MesgNum.WORKOUT.value, MesgNum.WORKOUT_STEP.value})


def _check_crcs(data: bytes, source: str) -> None:
    """Check the header and file CRCs of the (first) FIT file with our table-driven ``crc16``.

    fitdecode computes CRCs one byte at a time in Python, which is about a third of its decoding time. Input
    that is not a FIT file, or too short to hold its CRC, is left to fitdecode, which says where it ends.
    """
    header_size = data[0] if data else 0
    if len(data) < header_size or data[8:12] != b".FIT":
        return
    if header_size == HEADER_SIZE:
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


def decode_messages(data: bytes, source: str) -> Messages:
    """Decode every frame with fitdecode (CRCs checked), keeping the messages a workout needs.

    The whole file is decoded before its type is looked at, so a damaged file reports the damage; but decoding
    stops as soon as the file holds more than ``MAX_FIT_MESSAGES`` messages (a file of another type then reads
    as far as needed to say which type it is) or more than ``MAX_DOCUMENT_STEPS`` workout steps.
    """
    import fitdecode  # noqa: PLC0415 - only reading needs fitdecode; writers skip its import time

    if data and data[0] not in (12, HEADER_SIZE):  # fitdecode would fail obscurely on other sizes
        raise FormatError(f"not a FIT file: the header size is {data[0]} bytes, not 12 or 14", Place(source, offset=0))

    _check_crcs(data, source)
    stream = io.BytesIO(data)
    start = 0  # where the frame being decoded starts
    kept: list[tuple[int, Any]] = []  # (offset, fitdecode data message), converted after decoding
    headers = chained_at = frames = steps = 0
    stopped = ""
    beyond = False
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
                    steps += frame.global_mesg_num == MesgNum.WORKOUT_STEP
                frames += 1
                if frames > MAX_FIT_MESSAGES or steps > MAX_DOCUMENT_STEPS:
                    beyond, stopped = True, _beyond_budget(steps, kept)
                    break
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
    if headers > 1 and not beyond:
        raise FormatError(
            "a second FIT file is chained after the first; a workout file holds one", Place(source, offset=chained_at)
        )
    if not headers:
        raise FormatError("empty input: not a FIT file", Place(source, offset=0))
    messages: dict[int, list[Message]] = {number: [] for number in _WANTED}
    for offset, frame in kept:
        messages[frame.global_mesg_num].append(_native_fields(frame, offset))
    file_ids = messages[MesgNum.FILE_ID]
    return Messages(file_ids[0] if file_ids else None, messages[MesgNum.WORKOUT], messages[MesgNum.WORKOUT_STEP])


def _beyond_budget(steps: int, kept: list[tuple[int, Any]]) -> str:
    """Why decoding stops early: too many steps or messages ("" for a file of another type: the builder says so)."""
    if steps > MAX_DOCUMENT_STEPS:
        return f"the workout has more than {MAX_DOCUMENT_STEPS} steps (MAX_DOCUMENT_STEPS; see limits.md)"
    if _other_type(kept):
        return ""
    return (
        f"the file holds more than {MAX_FIT_MESSAGES} messages, more than a workout file can "
        "(MAX_FIT_MESSAGES; see limits.md)"
    )


def _other_type(kept: list[tuple[int, Any]]) -> bool:
    """Whether the first file_id message kept says the file is not a workout file."""
    for _, frame in kept:
        if frame.global_mesg_num == MesgNum.FILE_ID:
            for field in frame.fields:
                definition = field.field_def
                if definition is not None and not definition.is_dev and definition.def_num == FileIdField.TYPE:
                    return bool(field.raw_value != FileType.WORKOUT)
            return False
    return False


def _native_fields(frame: Any, offset: int) -> Message:  # noqa: ANN401 - a fitdecode FitDataMessage (untyped)
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
    return Message(offset, raw, rendered)


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
