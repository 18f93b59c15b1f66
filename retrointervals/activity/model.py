"""The model of what was walked: a recorded treadmill session read from a watch or qdomyos-zwift file.

Recorded values are measurements, not prescriptions: speeds are floats in metres per second (a stopped belt reads
0, which ``Speed`` cannot hold), times are seconds from the start of the recording. The model knows nothing of
files; ``retrointervals.activity.fit`` and ``retrointervals.activity.tcx`` read them.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

__all__ = ["Activity", "Lap", "Record", "Recorder"]

#: Most records an activity may hold: 48 hours at one record per second. Bounds hostile or runaway files.
MAX_RECORDS = 48 * 3600
#: Most laps an activity may hold.
MAX_LAPS = 10_000


class Recorder(enum.Enum):
    """What made the recording, as far as the file tells."""

    #: qdomyos-zwift: manufacturer "development", product 1, serial number 12345 (its defaults).
    QDOMYOS_ZWIFT = "qdomyos-zwift"
    #: A watch or any other device.
    DEVICE = "device"


@attrs.frozen
class Record:
    """One sample of the recording.

    Attributes:
        time_s: Seconds from the start of the recording.
        speed_mps: Belt (or watch) speed in metres per second, if recorded.
        distance_m: Distance from the start, in metres, if recorded.
        grade_pct: Incline in percent, if recorded (qdomyos-zwift records none).
    """

    time_s: float
    speed_mps: float | None = None
    distance_m: float | None = None
    grade_pct: float | None = None


@attrs.frozen
class Lap:
    """One lap of the recording.

    Attributes:
        start_s: Seconds from the start of the recording to the start of the lap.
        duration_s: The lap's timer time (pauses excluded).
        distance_m: The lap's distance, if recorded.
        avg_speed_mps: The lap's average speed, if recorded.
        trigger: What ended the lap: ``manual`` (lap button), ``time``, ``distance``, ``session_end`` ... or
            ``unknown``.
        wkt_step_index: The workout step the lap belongs to, when the watch followed a FIT workout.
    """

    start_s: float
    duration_s: float
    distance_m: float | None = None
    avg_speed_mps: float | None = None
    trigger: str = "unknown"
    wkt_step_index: int | None = None


@attrs.frozen(kw_only=True)
class Activity:
    """A recorded session.

    Attributes:
        start: When the recording started (aware, UTC).
        duration_s: Timer time, pauses excluded: compare this with the planned time.
        elapsed_s: Elapsed time, pauses included.
        distance_m: Total distance in metres (the belt's or the watch's estimate).
        sport: The sport the file names: ``running``, ``walking`` or ``other`` (TCX's only choice for walks).
        sub_sport: The sub-sport the file names (``treadmill``, ``virtual_activity`` ...), if any.
        source: ``fit`` or ``tcx``.
        recorder: Which kind of recorder wrote it.
        workout_name: The name of the workout the device followed, when the file carries one.
        laps: The laps, in order.
        records: The samples, in time order.
        rpe_cr10: The effort the device asked for after the session (FIT ``workout_rpe``, CR-10 scale), if any.
        pauses: How many times the timer was stopped (FIT timer events).
    """

    start: dt.datetime
    duration_s: float
    elapsed_s: float
    distance_m: float
    sport: str
    sub_sport: str | None = None
    source: str
    recorder: Recorder = Recorder.DEVICE
    workout_name: str | None = None
    laps: tuple[Lap, ...] = ()
    records: tuple[Record, ...] = ()
    rpe_cr10: float | None = None
    pauses: int = 0

    @property
    def has_speed(self) -> bool:
        """Whether any record carries a speed."""
        return any(record.speed_mps is not None for record in self.records)

    @property
    def has_incline(self) -> bool:
        """Whether any record carries an incline."""
        return any(record.grade_pct is not None for record in self.records)

    @property
    def laps_point_to_steps(self) -> bool:
        """Whether the laps say which workout step they belong to (a watch that followed a FIT workout)."""
        return bool(self.laps) and all(lap.wkt_step_index is not None for lap in self.laps)
