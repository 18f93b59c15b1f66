"""Recordings of our own sessions, written by an independent encoder (garmin-fit-sdk, test-only).

``record_session`` simulates a treadmill belt following a planned workout (accelerating towards each step's speed
at a fixed rate, with seeded noise) and writes it as a watch would (laps pointing to workout steps, the workout's
name) or as qdomyos-zwift would (its default device ids, sport running / virtual activity, session before the
records, no program name, laps only on the lap button).

Stop-to-turn steps (``belt_stopped``) are recorded as the belt stopping: it slows to 0 at the same rate, stands
for the turn (speed 0; with ``auto_pause`` the recorder writes no records then, as a watch or QZ auto-pausing
would) and restarts with the next step; the walker presses lap at the end of the turn.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from retrointervals.model import StepKind, Workout
from retrointervals.review import _planned  # the same FIT row numbering the review uses


def record_session(  # noqa: PLR0912, PLR0915 - one simulation, read top to bottom
    workout: Workout,
    start: dt.datetime,
    *,
    recorder: str = "watch",
    speed_factor: float = 1.0,
    stop_after_s: float | None = None,
    skip_backward: bool = False,
    laps: str = "steps",
    accel_kmh_per_s: float = 1.0,
    noise: float = 0.01,
    seed: int = 0,
    sport: str | None = None,
    pause_at_s: int | None = None,
    turn_s: int | None = None,
    auto_pause: bool = False,
) -> bytes:
    """A FIT activity of ``workout`` walked as told.

    Args:
        recorder: ``watch`` or ``qz``.
        speed_factor: Belt speeds as a fraction of the plan's.
        stop_after_s: End the recording after this many seconds.
        skip_backward: Leave out the backward bouts and the turns around them (the watch skips those steps).
        laps: ``steps`` (a lap per step; watch laps carry wkt_step_index), ``button`` (qdomyos-zwift lap button at
            every step), ``presses`` (the lap button at the end of every lap-button step only), or ``none``.
        accel_kmh_per_s: How fast the belt changes speed.
        noise: Relative speed noise (standard deviation).
        pause_at_s: Pause the watch for a minute at this second of walking (records stop, the clock runs on).
        turn_s: How long each stop-to-turn step takes (its expected length when None).
        auto_pause: Write no records while the belt stands still (the timer pauses, the clock runs on).
    """
    from garmin_fit_sdk import Encoder, Profile  # noqa: PLC0415 - test-only dependency

    numbers = Profile["mesg_num"]
    randomness = random.Random(seed)  # noqa: S311 - reproducible noise, not security
    planned = [
        step
        for step in _planned(workout)
        if not (skip_backward and (step.is_bout or step.kind == StepKind.TRANSITION.label))
    ]
    records: list[dict[str, Any]] = []
    lap_rows: list[dict[str, Any]] = []
    belt = 0.0
    distance = 0.0
    clock = 0  # seconds walked (the planned clock; the timer)
    standing = 0  # seconds the recorder was auto-paused
    lap_start = lap_timer = 0
    lap_distance = 0.0
    for number, step in enumerate(planned):
        length = round(step.end - step.start) if not (step.stopped and turn_s) else turn_s
        if laps != "presses" or (number and planned[number - 1].until_lap):
            lap_start, lap_timer, lap_distance = clock + standing, clock, distance
        for _second in range(length):
            if stop_after_s is not None and clock >= stop_after_s:
                break
            target = 0.0 if step.stopped else step.kmh * speed_factor
            belt = min(target, belt + accel_kmh_per_s) if belt < target else max(target, belt - accel_kmh_per_s)
            if auto_pause and step.stopped and belt == 0.0:
                standing += 1
                continue
            measured = max(0.0, belt * (1 + randomness.gauss(0, noise))) / 3.6
            paused = 60 if pause_at_s is not None and clock >= pause_at_s else 0
            moment = start + dt.timedelta(seconds=clock + standing + paused)
            records.append({"timestamp": moment, "speed": measured, "distance": distance})
            distance += belt / 3.6
            clock += 1
        ends_lap = laps != "presses" or step.until_lap or number == len(planned) - 1
        stopped_early = stop_after_s is not None and clock >= stop_after_s
        if (ends_lap or stopped_early) and clock + standing > lap_start:
            lap_rows.append(
                {
                    "start_time": start + dt.timedelta(seconds=lap_start),
                    "timestamp": start + dt.timedelta(seconds=clock + standing),
                    "total_elapsed_time": float(clock + standing - lap_start),
                    "total_timer_time": float(clock - lap_timer),
                    "total_distance": distance - lap_distance,
                    "row": step.row,
                }
            )
        if stopped_early:
            break
    encoder = Encoder()
    qz = recorder == "qz"
    encoder.on_mesg(
        numbers["FILE_ID"],
        {
            "type": "activity",
            "manufacturer": "development" if qz else "garmin",
            "product": 1 if qz else 3990,
            "serial_number": 12345 if qz else 3_000_000_001,
            "time_created": start,
        },
    )
    session = {
        "start_time": start,
        "timestamp": start + dt.timedelta(seconds=clock + standing),
        "total_elapsed_time": float(clock + standing),
        "total_timer_time": float(clock),
        "total_distance": distance,
        "sport": sport or ("running" if qz else "walking"),
        "sub_sport": "virtual_activity" if qz else "treadmill",
    }
    if qz:
        encoder.on_mesg(numbers["SESSION"], session)  # QZ writes its session before its records
    else:
        encoder.on_mesg(numbers["WORKOUT"], {"wkt_name": workout.name, "sport": "walking"})
    for record in records:
        encoder.on_mesg(numbers["RECORD"], record)
    if laps == "none":
        lap_rows = [
            {
                "start_time": start,
                "timestamp": start + dt.timedelta(seconds=clock + standing),
                "total_elapsed_time": float(clock + standing),
                "total_timer_time": float(clock),
                "total_distance": distance,
                "row": None,
            }
        ]
    for index, lap in enumerate(lap_rows):
        row = lap.pop("row")
        message = {"message_index": index, **lap}
        if qz:
            pressed = laps in ("button", "presses")
            message["lap_trigger"] = (
                "session_end" if index == len(lap_rows) - 1 else ("manual" if pressed else "distance")
            )
        else:
            message["lap_trigger"] = "time"
            if laps == "steps" and row is not None:
                message["wkt_step_index"] = row
        encoder.on_mesg(numbers["LAP"], message)
    if not qz:
        encoder.on_mesg(numbers["SESSION"], session)
    return bytes(encoder.close())
