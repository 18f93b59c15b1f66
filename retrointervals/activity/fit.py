"""Read recorded FIT activities (watches, qdomyos-zwift) into an ``Activity``, via fitdecode.

Messages read: ``file_id`` (must be an activity), ``session`` (sport, timer time, distance, effort), ``lap``
(times, distance, trigger, ``wkt_step_index``), ``record`` (speed, distance, grade), ``event`` (timer stops, for
the pause count) and ``workout`` (its name, when the watch followed one of our workouts). Speeds are read from
``enhanced_speed`` when present, else ``speed`` (both decoders expand one into the other).

Refused with one ``FormatError`` line: a file that is not FIT or is damaged (bad CRC, truncated), a workout,
course or any other non-activity file, an activity of another sport (cycling, swimming, multisport), an activity
without a session summary, and anything above the bounds (16 MiB, ``MAX_RECORDS`` records, ``MAX_LAPS`` laps).
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from typing import Any

from retrointervals._files import MAX_INPUT_BYTES, check_size, read_bounded
from retrointervals.activity.model import MAX_LAPS, MAX_RECORDS, Activity, Lap, Record, Recorder
from retrointervals.errors import FormatError

__all__ = ["FOOT_SPORTS", "read", "read_bytes"]

#: Sports read as walking on a treadmill; qdomyos-zwift records treadmill walks as running by default.
FOOT_SPORTS = frozenset({"running", "walking"})
#: Sub-sports that mean a treadmill whatever the sport says.
_TREADMILL_SUB_SPORTS = frozenset({"treadmill", "indoor_walking", "indoor_running"})

# Field numbers (FIT profile; fitdecode and garmin-fit-sdk agree).
_RECORD_TIMESTAMP, _RECORD_DISTANCE, _RECORD_SPEED, _RECORD_GRADE, _RECORD_ENHANCED_SPEED = 253, 5, 6, 9, 73


def read(path: str | os.PathLike[str]) -> Activity:
    """Read a FIT activity file.

    Raises:
        FormatError: The file is not a readable walking or running activity (the message says why).
    """
    return read_bytes(read_bounded(path), str(path))


def read_bytes(data: bytes, source: str = "") -> Activity:
    """Read a FIT activity from bytes; ``source`` names it in error messages."""
    import fitdecode  # noqa: PLC0415 - fitdecode only when reading FIT

    check_size(data, source or "input", MAX_INPUT_BYTES)
    if len(data) < 12 or data[8:12] != b".FIT":
        raise FormatError("not a FIT file (no '.FIT' signature)", source)
    reader = _Reader(source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # fitdecode warns about odd but readable data; errors still raise
            # processor=None: fitdecode still scales values and names enums; only date_time fields stay seconds
            # since the FIT epoch, which is all a review needs (and a third of the decoding time saved).
            with fitdecode.FitReader(
                data,
                processor=None,
                check_crc=fitdecode.CrcCheck.RAISE,
                error_handling=fitdecode.ErrorHandling.RAISE,
            ) as frames:
                for frame in frames:
                    if frame.frame_type == fitdecode.FIT_FRAME_DATA:
                        reader.take(frame)
    except fitdecode.FitCRCError:
        raise FormatError("damaged FIT file: a checksum does not match", source) from None
    except fitdecode.FitEOFError:
        raise FormatError("damaged FIT file: it ends in the middle of a message (truncated?)", source) from None
    except fitdecode.FitError as error:
        raise FormatError(f"damaged FIT file: {str(error).splitlines()[0]}", source) from None
    return reader.activity()


class _Reader:
    """Collects what the activity needs from the data messages, with bounds."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.file_type: object = None
        self.manufacturer: object = None
        self.product: object = None
        self.serial: object = None
        self.sessions: list[dict[str, Any]] = []
        self.laps: list[dict[str, Any]] = []
        self.records: list[tuple[object, object, object, object]] = []
        self.workout_name: str | None = None
        self.pauses = 0
        self.first_timestamp: dt.datetime | None = None
        #: Per record definition: (field count, positions of timestamp, enhanced speed, speed, distance, grade).
        self.spots: dict[object, tuple[int, ...]] = {}

    def take(self, frame: Any) -> None:  # noqa: ANN401 - a fitdecode FitDataMessage (untyped)
        name = frame.name
        if name == "record":
            self.record(frame)
        elif name == "lap":
            if len(self.laps) >= MAX_LAPS:
                raise FormatError(f"more than {MAX_LAPS} laps", self.source)
            self.laps.append({field.name: field.value for field in frame.fields})
        elif name == "session":
            self.sessions.append({field.name: field.value for field in frame.fields})
        elif name == "file_id":
            self.file_type = frame.get_value("type", fallback=None)
            self.manufacturer = frame.get_value("manufacturer", fallback=None)
            self.product = frame.get_value("product", fallback=None)
            self.serial = frame.get_value("serial_number", fallback=None)
        elif name == "event":
            if frame.get_value("event", fallback=None) == "timer" and frame.get_value("event_type", fallback=None) in (
                "stop",
                "stop_all",
                "stop_disable",
                "stop_disable_all",
            ):
                self.pauses += 1
        elif name == "workout":
            value = frame.get_value("wkt_name", fallback=None)
            if isinstance(value, str) and value.strip():
                self.workout_name = value.strip()

    def record(self, frame: Any) -> None:  # noqa: ANN401 - a fitdecode FitDataMessage (untyped)
        if len(self.records) >= MAX_RECORDS:
            raise FormatError(f"more than {MAX_RECORDS} records (48 hours at one a second)", self.source)
        fields = frame.fields
        # This runs once a recorded second: where each wanted field sits is worked out once per definition.
        spots: tuple[int, ...] | None = self.spots.get(frame.def_mesg)
        if spots is None or len(fields) != spots[0]:
            numbers = [field.def_num for field in fields]
            wanted = (_RECORD_TIMESTAMP, _RECORD_ENHANCED_SPEED, _RECORD_SPEED, _RECORD_DISTANCE, _RECORD_GRADE)
            spots = (len(fields), *(numbers.index(n) if n in numbers else -1 for n in wanted))
            self.spots[frame.def_mesg] = spots
        _, timestamp, enhanced, speed, distance, grade = spots
        chosen = fields[enhanced].value if enhanced >= 0 else None
        if chosen is None and speed >= 0:
            chosen = fields[speed].value
        # Raw values here; checked and converted once, in timed_records.
        self.records.append(
            (
                fields[timestamp].value if timestamp >= 0 else None,
                chosen,
                fields[distance].value if distance >= 0 else None,
                fields[grade].value if grade >= 0 else None,
            )
        )

    def activity(self) -> Activity:
        source = self.source
        if self.file_type not in ("activity", 4):
            kind = {"workout": "a workout", "course": "a course", "schedules": "a schedule"}.get(
                str(self.file_type), f"a {self.file_type!r} file" if self.file_type is not None else "not an activity"
            )
            raise FormatError(f"this FIT file is {kind}, not a recorded activity", source)
        if not self.sessions:
            raise FormatError("this FIT activity has no session summary (incomplete recording?)", source)
        sports = sorted({str(session.get("sport")) for session in self.sessions})
        if len(self.sessions) > 1 and len(sports) > 1:
            raise FormatError(
                f"a multisport activity ({', '.join(sports)}); record one treadmill walk per file", source
            )
        session = self.sessions[0]
        sport = str(session.get("sport"))
        sub_sport = session.get("sub_sport")
        sub = str(sub_sport) if sub_sport is not None else None
        if sport not in FOOT_SPORTS and sub not in _TREADMILL_SUB_SPORTS:
            raise FormatError(f"a {sport} activity, not a walk or run on a treadmill", source)
        start = _aware(session.get("start_time")) or next((_aware(t) for t, *_ in self.records if _aware(t)), None)
        if start is None:
            raise FormatError("this FIT activity has no start time", source)
        timer = sum(_number(s.get("total_timer_time")) for s in self.sessions)
        elapsed = sum(_number(s.get("total_elapsed_time")) for s in self.sessions)
        distance = sum(_number(s.get("total_distance")) for s in self.sessions)
        rpe = session.get("workout_rpe")
        return Activity(
            start=start,
            duration_s=timer,
            elapsed_s=elapsed or timer,
            distance_m=distance,
            sport=sport,
            sub_sport=sub,
            source="fit",
            recorder=self.recorder(),
            workout_name=self.workout_name,
            laps=tuple(self.lap(lap, start) for lap in self.laps),
            records=self.timed_records(start),
            rpe_cr10=rpe / 10 if isinstance(rpe, int | float) else None,
            pauses=max(0, self.pauses - 1),  # the last stop ends the recording
        )

    def recorder(self) -> Recorder:
        if self.manufacturer in ("development", 255) and self.product == 1 and self.serial == 12345:
            return Recorder.QDOMYOS_ZWIFT
        return Recorder.DEVICE

    def lap(self, values: dict[str, Any], start: dt.datetime) -> Lap:
        began = _aware(values.get("start_time"))
        timer = _number(values.get("total_timer_time"))
        speed = values.get("enhanced_avg_speed", values.get("avg_speed"))
        index = values.get("wkt_step_index")
        return Lap(
            start_s=(began - start).total_seconds() if began is not None else 0.0,
            duration_s=timer,
            distance_m=_optional(values.get("total_distance")),
            avg_speed_mps=_optional(speed),
            trigger=str(values.get("lap_trigger", "unknown")),
            wkt_step_index=index if isinstance(index, int) else None,
        )

    def timed_records(self, start: dt.datetime) -> tuple[Record, ...]:
        origin = (start - _FIT_EPOCH).total_seconds()
        result = []
        for timestamp, speed, distance, grade in self.records:
            if type(timestamp) is int:
                seconds = timestamp - origin
            elif (moment := _aware(timestamp)) is not None:
                seconds = (moment - start).total_seconds()
            else:
                continue
            result.append(
                Record(
                    seconds,
                    speed if type(speed) is float else _optional(speed),
                    distance if type(distance) is float else _optional(distance),
                    grade if grade is None or type(grade) is float else _optional(grade),
                )
            )
        return tuple(result)


_FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=dt.timezone.utc)


def _aware(value: object) -> dt.datetime | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**32:
        return _FIT_EPOCH + dt.timedelta(seconds=value)  # a date_time the decoder left raw (odd profiles)
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _optional(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
