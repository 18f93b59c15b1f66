"""FIT workout files: a small, fast encoder of our own and a fitdecode-based reader.

One file holds one workout (a plan is written with ``formats.plan_files``, one file per session). The mapping is
explained in the FIT section of ``docs/formats.md``; in short:

- ``file_id``: type workout, manufacturer ``development`` (255), product ``PRODUCT_ID``, a serial number derived
  from the content (never 0) and ``time_created`` (``DEFAULT_TIME_CREATED`` unless given), so the same workout
  always gives the same bytes.
- ``workout``: name, sport running / sub-sport treadmill, ``num_valid_steps`` counting repeat steps, and the
  description as ``wkt_description`` when there is one.
- ``workout_step``: the step-text label (``"BW active"``) as the name, the step-text note (direction, handrails,
  incline, lap button, cue) as notes, a time (ms) or distance (cm) duration, or ``open`` for a step that ends on
  the lap button, the intensity from the step kind, and a custom speed target band in mm/s centred on the step's
  speed. The band's width is even for km/h and odd for mph, which is how the reader gets the unit back. Repeats
  are ``repeat_until_steps_cmplt`` steps after the repeated steps, pointing back to the first one; repeats nest.

Reading is lenient about what other tools write (big-endian definitions, messages in any order, developer fields,
invalid fields), strict about damage (header, CRC, truncation: ``FormatError`` with the byte offset), refuses
workouts of other sports (cycling...), and reports everything the model cannot hold (power or heart-rate targets,
heart-rate durations...): ``Policy.STRICT`` refuses with ``FormatLimitError``; ``Policy.LOSSY`` reads the closest
workout and lists every change (``decode``). A belt speed is never invented: steps without one need
``ReadOptions.speed``.

The package follows the layers of the format: ``_crc`` (the checksum), ``_shared`` (our constants and speed
bands), ``_encode`` (writing), ``_decode`` (bytes to messages, with fitdecode) and ``_build`` (messages to a
``Workout``); this module holds the public doors.
"""

from __future__ import annotations

import os

from retrointervals._files import check_size, read_bounded
from retrointervals.formats import Change, Decoded, ReadOptions
from retrointervals.formats._shared import only_workout
from retrointervals.formats.fit._build import Builder
from retrointervals.formats.fit._crc import crc16
from retrointervals.formats.fit._decode import decode_messages
from retrointervals.formats.fit._encode import write, write_workout
from retrointervals.formats.fit._shared import (
    DEFAULT_LENGTH,
    DEFAULT_SPEED,
    DEFAULT_TIME_CREATED,
    EXTENSION,
    PRODUCT_ID,
    SPEED_BAND_HALF_WIDTH_MM_S,
)
from retrointervals.model import Workout

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
    builder = Builder(decode_messages(bytes(data), source), source, options or ReadOptions())
    return Decoded(builder.workout(), tuple(builder.log.changes))


def read_bytes(data: bytes, source: str = "", *, options: ReadOptions | None = None) -> Workout:
    """Read a FIT workout file (see ``decode``, which also gives the changes)."""
    return only_workout(decode(data, source, options=options))


def read(path: str | os.PathLike[str], *, options: ReadOptions | None = None) -> Workout:
    """Read a FIT workout file from ``path`` (at most 16 MiB); see ``decode``."""
    return read_bytes(read_bounded(path), str(path), options=options)


def read_bytes_with_changes(
    data: bytes, source: str = "", *, options: ReadOptions | None = None
) -> tuple[Workout, tuple[Change, ...]]:
    """``decode`` as a ``(workout, changes)`` pair (the older name of the same door)."""
    decoded = decode(data, source, options=options)
    return only_workout(decoded), decoded.changes


def read_with_changes(
    path: str | os.PathLike[str], *, options: ReadOptions | None = None
) -> tuple[Workout, tuple[Change, ...]]:
    """Read a FIT workout file from ``path`` with its changes, as a ``(workout, changes)`` pair."""
    return read_bytes_with_changes(read_bounded(path), str(path), options=options)
