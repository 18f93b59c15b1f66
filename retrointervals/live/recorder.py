"""Recording a live session: the FIT activity (``--record``) and the JSON-lines trace (``--trace``).

The activity is an ordinary FIT activity file (``file_id`` type activity, sport running / sub-sport treadmill):
one record per second with the belt speed, incline and distance the treadmill reported; one lap per step walked,
whose ``wkt_step_index`` is the ``message_index`` of that step in the workout's FIT file (as
``retrointervals.formats.fit`` numbers them: a repeat's step follows the steps it repeats); timer start and stop
events (pauses included); the session and the activity. A session that ended early is recorded up to where it
ended: the last lap ends with the session.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from retrointervals._files import write_atomic
from retrointervals.errors import OutputExistsError, ValidationError
from retrointervals.formats._fit_profile import (
    FIT_EPOCH_UNIX_S,
    ActivityField,
    ActivityMesgNum,
    ActivityType,
    BaseType,
    Event,
    EventField,
    EventType,
    FileIdField,
    FileType,
    Intensity,
    LapField,
    LapTrigger,
    Manufacturer,
    MesgNum,
    RecordField,
    SessionField,
    SessionTrigger,
    Sport,
    SubSport,
)
from retrointervals.formats._fit_writer import Field, FitWriter
from retrointervals.live.session import LapRecord, Sample, SessionLog, TraceEntry
from retrointervals.model import Repeat, Step, StepKind

__all__ = ["TraceFile", "activity_fit", "workout_step_indexes", "write_activity"]

_INTENSITY = {
    StepKind.WARMUP: Intensity.WARMUP,
    StepKind.ACTIVE: Intensity.ACTIVE,
    StepKind.RECOVERY: Intensity.RECOVERY,
    StepKind.TRANSITION: Intensity.REST,
    StepKind.COOLDOWN: Intensity.COOLDOWN,
}
_U16 = BaseType.UINT16
_U32 = BaseType.UINT32
_S16 = BaseType.SINT16
_ENUM = BaseType.ENUM


def workout_step_indexes(steps: Sequence[Step | Repeat]) -> dict[tuple[int, ...], int]:
    """The FIT ``message_index`` of every step, keyed by its timeline path (``Segment.path``)."""
    indexes: dict[tuple[int, ...], int] = {}
    counter = 0

    def walk(items: Sequence[Step | Repeat], path: tuple[int, ...]) -> None:
        nonlocal counter
        for position, item in enumerate(items):
            if isinstance(item, Repeat):
                walk(item.steps, (*path, position))
                counter += 1  # the repeat step itself, after its children
            else:
                key = (*path, position)
                indexes[key] = counter
                counter += 1

    walk(steps, ())
    return indexes


def _fit_seconds(when: dt.datetime) -> int:
    if when.tzinfo is None:
        raise ValidationError("started_at", when, "must carry a time zone")
    return int(when.timestamp()) - FIT_EPOCH_UNIX_S


def _mps_milli(hundredths_kmh: float) -> int:
    """0.01 km/h -> FIT speed (m/s x 1000)."""
    return round(hundredths_kmh * 25 / 9)


def _per_second(samples: Sequence[Sample]) -> list[Sample]:
    """One sample per whole second of the session clock: the latest nearest to it.

    Records are stamped at whole seconds (``round``), so the choice rounds the same way: never two records with one
    timestamp and a missing second beside them.
    """
    chosen: dict[int, Sample] = {}
    for sample in samples:
        if sample.speed is not None:
            chosen[round(sample.t)] = sample
    return [chosen[second] for second in sorted(chosen)]


def _paused_within(pauses: Sequence[tuple[float, float]], start: float, end: float) -> float:
    return sum(max(0.0, min(end, stop) - max(start, began)) for began, stop in pauses)


class _Stats:
    """Distance, mean and top speed, and mean grade of the records within a span."""

    def __init__(self, records: Sequence[Sample], start: float, end: float) -> None:
        inside = [sample for sample in records if start <= sample.t < end] or [
            sample for sample in records if sample.t <= start
        ][-1:]
        speeds = [sample.speed or 0 for sample in inside]
        grades = [sample.incline for sample in inside if sample.incline is not None]
        self.mean_speed = sum(speeds) / len(speeds) if speeds else 0.0
        self.top_speed = max(speeds, default=0)
        self.grade = sum(grades) / len(grades) if grades else None
        distances = [sample.distance for sample in records if sample.distance is not None]
        before = [s.distance for s in records if s.t <= start and s.distance is not None]
        upto = [s.distance for s in records if s.t <= end and s.distance is not None]
        if distances and upto:
            self.distance_m = float(upto[-1] - (before[-1] if before else 0))
        else:
            self.distance_m = self.mean_speed / 360 * (end - start)


def activity_fit(log: SessionLog) -> bytes:
    """The session as a FIT activity file."""
    writer = FitWriter()
    base = _fit_seconds(log.started_at)
    end = log.end if log.end is not None else max((sample.t for sample in log.samples), default=0.0)
    records = _per_second(log.samples)
    step_indexes = workout_step_indexes(log.workout.steps)

    def stamp(t: float) -> int:
        return base + round(t)

    writer.message(
        MesgNum.FILE_ID,
        [
            Field(FileIdField.TYPE, _ENUM, FileType.ACTIVITY),
            Field(FileIdField.MANUFACTURER, _U16, Manufacturer.DEVELOPMENT),
            Field(FileIdField.PRODUCT, _U16, 1),
            Field(FileIdField.TIME_CREATED, _U32, base),
        ],
    )
    # Everything with a timestamp, in time order; at equal times: events, records, then laps.
    timed: list[tuple[int, int, int, list[Field]]] = [
        (stamp(0), 0, ActivityMesgNum.EVENT, _timer(stamp(0), EventType.START))
    ]
    for began, stopped in log.pauses:
        timed.append((stamp(began), 0, ActivityMesgNum.EVENT, _timer(stamp(began), EventType.STOP)))
        timed.append((stamp(stopped), 0, ActivityMesgNum.EVENT, _timer(stamp(stopped), EventType.START)))
    for sample in records:
        if sample.t > end:
            continue
        fields = [
            Field(RecordField.TIMESTAMP, _U32, stamp(sample.t)),
            Field(RecordField.SPEED, _U16, min(_mps_milli(sample.speed or 0), 0xFFFE)),
        ]
        if sample.distance is not None:
            fields.append(Field(RecordField.DISTANCE, _U32, sample.distance * 100))
        if sample.incline is not None:
            fields.append(Field(RecordField.GRADE, _S16, sample.incline * 10))
        timed.append((stamp(sample.t), 1, ActivityMesgNum.RECORD, fields))
    laps = [lap for lap in log.laps if lap.end is not None]
    for number, lap in enumerate(laps):
        last = number == len(laps) - 1 and not log.completed
        timed.append(
            (
                stamp(lap.end or 0),
                2,
                ActivityMesgNum.LAP,
                _lap(log, lap, number, records=records, step_indexes=step_indexes, base=base, last_of_partial=last),
            )
        )
    timed.sort(key=lambda item: (item[0], item[1]))
    for _, _, number, fields in timed:
        writer.message(number, fields)
    stats = _Stats(records, 0.0, end + 1)
    timer_ms = round((end - _paused_within(log.pauses, 0.0, end)) * 1000)
    finish = stamp(end)
    writer.message(ActivityMesgNum.EVENT, _timer(finish, EventType.STOP_ALL))
    session = [
        Field(SessionField.MESSAGE_INDEX, _U16, 0),
        Field(SessionField.TIMESTAMP, _U32, finish),
        Field(SessionField.EVENT, _ENUM, Event.SESSION),
        Field(SessionField.EVENT_TYPE, _ENUM, EventType.STOP),
        Field(SessionField.START_TIME, _U32, base),
        Field(SessionField.SPORT, _ENUM, Sport.RUNNING),
        Field(SessionField.SUB_SPORT, _ENUM, SubSport.TREADMILL),
        Field(SessionField.TOTAL_ELAPSED_TIME, _U32, round(end * 1000)),
        Field(SessionField.TOTAL_TIMER_TIME, _U32, timer_ms),
        Field(SessionField.TOTAL_DISTANCE, _U32, round(stats.distance_m * 100)),
        Field(SessionField.AVG_SPEED, _U16, min(_mps_milli(stats.mean_speed), 0xFFFE)),
        Field(SessionField.MAX_SPEED, _U16, min(_mps_milli(stats.top_speed), 0xFFFE)),
        Field(SessionField.FIRST_LAP_INDEX, _U16, 0),
        Field(SessionField.NUM_LAPS, _U16, len(laps)),
        Field(SessionField.TRIGGER, _ENUM, SessionTrigger.ACTIVITY_END),
    ]
    if stats.grade is not None:
        session.append(Field(SessionField.AVG_GRADE, _S16, round(stats.grade * 10)))
    writer.message(ActivityMesgNum.SESSION, session)
    writer.message(
        ActivityMesgNum.ACTIVITY,
        [
            Field(ActivityField.TIMESTAMP, _U32, finish),
            Field(ActivityField.TOTAL_TIMER_TIME, _U32, timer_ms),
            Field(ActivityField.NUM_SESSIONS, _U16, 1),
            Field(ActivityField.TYPE, _ENUM, ActivityType.MANUAL),
            Field(ActivityField.EVENT, _ENUM, Event.ACTIVITY),
            Field(ActivityField.EVENT_TYPE, _ENUM, EventType.STOP),
            Field(ActivityField.LOCAL_TIMESTAMP, _U32, finish),
        ],
    )
    return writer.to_bytes()


def _timer(timestamp: int, event_type: EventType) -> list[Field]:
    return [
        Field(EventField.TIMESTAMP, _U32, timestamp),
        Field(EventField.EVENT, _ENUM, Event.TIMER),
        Field(EventField.EVENT_TYPE, _ENUM, event_type),
        Field(EventField.EVENT_GROUP, BaseType.UINT8, 0),
    ]


def _lap(
    log: SessionLog,
    lap: LapRecord,
    number: int,
    *,
    records: Sequence[Sample],
    step_indexes: dict[tuple[int, ...], int],
    base: int,
    last_of_partial: bool,
) -> list[Field]:
    def stamp(t: float) -> int:
        return base + round(t)

    end = lap.end if lap.end is not None else lap.start
    segment = log.workout.timeline[lap.index]
    step = segment.step
    stats = _Stats(records, lap.start, end)
    elapsed = end - lap.start
    timer = elapsed - _paused_within(log.pauses, lap.start, end)
    trigger = LapTrigger.MANUAL if step.until_lap else LapTrigger.TIME
    if last_of_partial:
        trigger = LapTrigger.SESSION_END
    fields = [
        Field(LapField.MESSAGE_INDEX, _U16, number),
        Field(LapField.TIMESTAMP, _U32, stamp(end)),
        Field(LapField.EVENT, _ENUM, Event.LAP),
        Field(LapField.EVENT_TYPE, _ENUM, EventType.STOP),
        Field(LapField.START_TIME, _U32, stamp(lap.start)),
        Field(LapField.TOTAL_ELAPSED_TIME, _U32, round(elapsed * 1000)),
        Field(LapField.TOTAL_TIMER_TIME, _U32, round(timer * 1000)),
        Field(LapField.TOTAL_DISTANCE, _U32, max(0, round(stats.distance_m * 100))),
        Field(LapField.AVG_SPEED, _U16, min(_mps_milli(stats.mean_speed), 0xFFFE)),
        Field(LapField.MAX_SPEED, _U16, min(_mps_milli(stats.top_speed), 0xFFFE)),
        Field(LapField.INTENSITY, _ENUM, _INTENSITY[step.kind]),
        Field(LapField.LAP_TRIGGER, _ENUM, trigger),
        Field(LapField.SPORT, _ENUM, Sport.RUNNING),
        Field(LapField.SUB_SPORT, _ENUM, SubSport.TREADMILL),
        Field(LapField.WKT_STEP_INDEX, _U16, step_indexes[segment.path]),
    ]
    if stats.grade is not None:
        fields.append(Field(LapField.AVG_GRADE, _S16, round(stats.grade * 10)))
    return fields


def write_activity(log: SessionLog, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write the session's FIT activity atomically."""
    return write_atomic(path, activity_fit(log), overwrite=overwrite)


class TraceFile:
    """The ``--trace`` file: one JSON object per line, written and flushed as the session goes."""

    def __init__(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        target = Path(path)
        if target.exists() and not overwrite:
            raise OutputExistsError(str(target))
        self._stream: IO[str] = target.open("w", encoding="utf-8")

    def __call__(self, entry: TraceEntry) -> None:
        """Write one entry."""
        self._stream.write(json.dumps(entry, separators=(",", ":"), sort_keys=False) + "\n")
        self._stream.flush()

    def close(self) -> None:
        """Close the file."""
        self._stream.close()
