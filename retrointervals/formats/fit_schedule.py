"""FIT schedule files: a plan's dated sessions on a Garmin watch's calendar, pointing at its FIT workout files.

A schedule file (``file_id.type`` schedules) holds one ``schedule`` message per planned workout. An entry names its
workout file by that file's ``file_id``: manufacturer, product, serial number and time created, copied exactly
(the FIT profile: "Corresponds to file_id of scheduled workout"). ``fit.write_workout`` makes those identities
(a serial number derived from the file's content, a fixed time created), so this module encodes each session
with the same function and the same policy as the plan folder's ``fit/weekNN-sessionN.fit`` files and reads the
``file_id`` back from those bytes: the schedule always points at the files written next to it.

``scheduled_time`` is a ``local_date_time``: midnight of the session's day in the watch's local time.

A watch keeps a limited number of scheduled workouts: about 30 by the experience of GarminTools' author (not a
documented number; older watches kept more, and long schedules were cut short). So a schedule holds at most
``MAX_SCHEDULE_ENTRIES`` sessions, from today (or the plan's start, when later) on; write the plan again later for
the next ones. Each entry is ``completed`` false and of ``type`` workout. The schedule file's own ``file_id`` is
manufacturer development, product ``fit.PRODUCT_ID`` and a serial derived from its content, like the workouts.
Watches' acceptance of schedules made by other tools than Garmin's is not verified (see ``docs/dates.md``).
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from retrointervals.errors import FormatError
from retrointervals.formats import Policy, plan_files, session_file_stem
from retrointervals.formats._fit_profile import (
    FIT_EPOCH_UNIX_S,
    SCHEDULE_MESG_NUM,
    BaseType,
    FileIdField,
    FileType,
    Manufacturer,
    MesgNum,
    Schedule,
    ScheduleField,
)
from retrointervals.formats._fit_writer import Field, FitWriter
from retrointervals.formats.fit import DEFAULT_TIME_CREATED, PRODUCT_ID
from retrointervals.model import Plan
from retrointervals.plan_dates import DatedSession, dated_sessions

__all__ = ["FIT_LOCAL_EPOCH", "MAX_SCHEDULE_ENTRIES", "FileId", "file_id_of", "write_plan_schedule", "write_schedule"]

#: The most sessions one schedule holds: about what a Garmin watch keeps (see the module docs).
MAX_SCHEDULE_ENTRIES = 30
#: Day 0 of FIT's ``local_date_time`` (seconds since this midnight, local time).
FIT_LOCAL_EPOCH = dt.date(1989, 12, 31)


class FileId(NamedTuple):
    """The identity of a FIT file, as a schedule entry copies it."""

    manufacturer: int
    product: int
    serial_number: int
    time_created: int


def file_id_of(data: bytes, source: str = "") -> FileId:
    """The ``file_id`` identity of a FIT file (its first ``file_id`` message), read with fitdecode.

    Raises:
        FormatError: The bytes are not a FIT file with a complete ``file_id`` identity.
    """
    import fitdecode  # noqa: PLC0415 - imported only when a schedule is made

    try:
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage) and frame.global_mesg_num == MesgNum.FILE_ID:
                    values = [frame.get_raw_value(int(number), fallback=None) for number in _IDENTITY]
                    if any(not isinstance(value, int) for value in values):
                        raise FormatError("the file_id message lacks part of the file's identity", source)
                    return FileId(*(int(value) for value in values))
    except fitdecode.FitError as error:
        raise FormatError(f"not a sound FIT file: {error}", source) from None
    raise FormatError("no file_id message", source)


_IDENTITY = (FileIdField.MANUFACTURER, FileIdField.PRODUCT, FileIdField.SERIAL_NUMBER, FileIdField.TIME_CREATED)


def _local_seconds(day: dt.date) -> int:
    return (day - FIT_LOCAL_EPOCH).days * 86400


def write_schedule(entries: Sequence[tuple[dt.date, FileId]]) -> bytes:
    """A FIT schedule file with one workout entry per ``(date, workout file identity)``, in the order given."""
    # Like a workout's, the serial number comes from the content, so the same schedule gives the same bytes.
    content = b"".join(struct.pack("<5I", *identity, _local_seconds(day)) for day, identity in entries)
    serial = zlib.crc32(content) or 1
    time_created = int(DEFAULT_TIME_CREATED.timestamp()) - FIT_EPOCH_UNIX_S
    writer = FitWriter()
    writer.message(
        MesgNum.FILE_ID,
        [
            Field(FileIdField.TYPE, BaseType.ENUM, FileType.SCHEDULES),
            Field(FileIdField.MANUFACTURER, BaseType.UINT16, Manufacturer.DEVELOPMENT),
            Field(FileIdField.PRODUCT, BaseType.UINT16, PRODUCT_ID),
            Field(FileIdField.SERIAL_NUMBER, BaseType.UINT32Z, serial),
            Field(FileIdField.TIME_CREATED, BaseType.UINT32, time_created),
        ],
    )
    for day, identity in entries:
        writer.message(SCHEDULE_MESG_NUM, _entry(day, identity))
    return writer.to_bytes()


def _entry(day: dt.date, identity: FileId) -> list[Field]:
    return [
        Field(ScheduleField.MANUFACTURER, BaseType.UINT16, identity.manufacturer),
        Field(ScheduleField.PRODUCT, BaseType.UINT16, identity.product),
        Field(ScheduleField.SERIAL_NUMBER, BaseType.UINT32Z, identity.serial_number),
        Field(ScheduleField.TIME_CREATED, BaseType.UINT32, identity.time_created),
        Field(ScheduleField.COMPLETED, BaseType.ENUM, 0),
        Field(ScheduleField.TYPE, BaseType.ENUM, Schedule.WORKOUT),
        Field(ScheduleField.SCHEDULED_TIME, BaseType.UINT32, _local_seconds(day)),
    ]


def write_plan_schedule(
    plan: Plan,
    *,
    policy: Policy = Policy.STRICT,
    today: dt.date | None = None,
    limit: int = MAX_SCHEDULE_ENTRIES,
    fit_files: Mapping[str, bytes] | None = None,
) -> tuple[bytes, tuple[DatedSession, ...]]:
    """The schedule of a plan's sessions from ``today`` on, and the sessions it holds (at most ``limit``).

    Args:
        plan: The plan; sessions without a date (no start date, or no weekday) are never scheduled.
        policy: The policy the plan's FIT workout files are written with: the identities depend on their bytes.
        today: The first day scheduled (the plan's start when that is later); the local date now when None.
        limit: The most entries written.
        fit_files: The plan's FIT workout files by name (``week01-session1.fit``), when they are already written
            (the export has them); otherwise they are encoded here with ``policy``.

    Raises:
        FormatLimitError: Under ``STRICT``, a session's FIT workout cannot be written without loss.
    """
    if today is None:
        today = dt.datetime.now(dt.timezone.utc).astimezone().date()
    chosen = tuple(entry for entry in dated_sessions(plan) if entry.date >= today)[: max(limit, 0)]
    if not chosen:
        return b"", ()
    if fit_files is None:
        fit_files = {name: encoded.data for name, encoded in plan_files(plan, "fit", policy=policy)}
    entries = [
        (entry.date, file_id_of(fit_files[f"{session_file_stem(entry.week, entry.number)}.fit"], entry.slot))
        for entry in chosen
    ]
    return write_schedule(entries), chosen
