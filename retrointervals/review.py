"""Compare what was walked with what was planned: match a recording to a session, align it step by step, score it.

Matching (``match_session``): the session the walker names wins; else the workout name the recording carries
(a watch that followed one of our FIT workouts: ``Retro W02S1``); else the date, and when several sessions are
near that date, the one whose planned speed profile fits the recorded speeds best (qdomyos-zwift writes no
program name).

Alignment (``review_session``): laps that point to workout steps (``wkt_step_index``) are matched to the steps
they name, in order; else, when there are exactly as many laps as planned steps (a lap-button session), lap *i* is
step *i*; else, when the lap button was pressed once per lap-button step (laps ended ``manual``), each lap holds
the steps up to the next lap-button step; else the steps are laid one after the other on the timer clock, each for
its planned time, except stop-to-turn steps (see below). A step's walked time is its lap's timer time, or the
seconds the belt moved (speed at least ``MOVING_MPS``, or still speeding up) in its stretch.

Stop-to-turn steps (``Step.belt_stopped``): the walker stops the belt, turns, restarts it and presses lap, so the
recording shows the belt slowing to a stop (speed below ``MOVING_MPS``; a watch or qdomyos-zwift may also
auto-pause, leaving a gap) and then moving again. Aligned by time, such a step runs from where it is due until the
belt moves again after that stop, however long the walker took (searched up to ``STOP_SEARCH_S`` beyond its
expected length; without a stop there, its expected length). Its walked time is that real time, pauses included.
It counts as walked when the walker turned (the recording goes on past it); its zero speed is not a fault, and it
does not enter compliance, which is about the walking steps.

Belt acceleration: a treadmill takes a few seconds to reach a new speed, so a step's mean speed dips at its start
(Runna corrects for the same effect; formats notes §6.4), and an app that follows our turn safety rule (the live
runner does) slows the belt *before* a turn, in the last seconds of the step before it. The review leaves both
stretches out when it averages speeds, and says how many records it left out:

- at a step's start, the time the belt needs to go from the previous step's belt speed (0 at the start and after
  a stop-to-turn step) to this one's at the assumed acceleration ``retrointervals.live.belt.ASSUMED_SPEED_RATE``
  (0.4 km/h per second [D], the rate the live runner plans its slow-downs with), at least ``SETTLE_S`` seconds
  (watches and apps report the belt a few seconds late [D]); after a bare turn (a direction change without a
  transition step) plus the ``BARE_TURN_S`` seconds the slower speed is held;
- at the end of a step before a turn (a transition or stop-to-turn step, or a bare turn to a slower step), the
  time the belt needs at that rate to slow to the turn's speed (and the deck to reach its incline, at
  ``ASSUMED_INCLINE_RATE``): the live runner sends the slow-down that early.

Each stretch is at most half the step. No measurement backs these numbers (formats notes §6.4 say so too).

Compliance (0-1): each walking step's planned seconds, weighted by the share of it walked (at most 1) and by how
close its speed was (1 within ``SPEED_TOLERANCE``, else the ratio of the slower to the faster speed); summed over
the session's walking steps and divided by their planned seconds (stop-to-turn steps are left out). Bands, after
TrainingPeaks' colours: green at 0.80 or more, yellow 0.50-0.79, orange below 0.50, red for a session not walked.
Without a recording, compliance comes from the log: done 1, skipped 0, partial the logged backward minutes over
the planned ones (0.5 when not given) [D].

A recording cannot tell which way the walker faced: "backward walked" is the time walked during the planned steps
that walk backward, by the one definition of backward time (``retrointervals.timeline.walks_backward``: every
second walked backward on a moving belt, slow turns included, stopped turns not), for the plan and the recording.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import re
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import attrs

from retrointervals.activity import Activity, Record, read_activity
from retrointervals.errors import FormatError, ValidationError
from retrointervals.live.belt import ASSUMED_INCLINE_RATE, ASSUMED_SPEED_RATE, BARE_TURN_S
from retrointervals.model import Direction, Plan, Repeat, Step, StepKind, Workout
from retrointervals.sessionlog import LogEntry, Status, format_session, parse_session
from retrointervals.timeline import walks_backward

__all__ = [
    "BANDS",
    "MOVING_MPS",
    "SETTLE_S",
    "SPEED_TOLERANCE",
    "STOP_SEARCH_S",
    "SessionReview",
    "StepReview",
    "band",
    "match_session",
    "review_activity",
    "review_chart",
    "review_many",
    "review_plan",
    "review_session",
]

#: Fewest seconds left out at the start of every step while the belt changes speed [D] (longer for a larger change
#: of speed, at ``retrointervals.live.belt.ASSUMED_SPEED_RATE``; see the module).
SETTLE_S = 8
#: Below this speed (m/s) the belt counts as stopped [D].
MOVING_MPS = 0.2
#: A step's mean speed within this fraction of the plan counts as on target [D]; Stryd measured about 2 %
#: "free distance" on calibrated treadmills, and watch speeds on a treadmill are estimates.
SPEED_TOLERANCE = 0.05
#: How far past its expected length (s) a stop-to-turn step's stop and restart are looked for [D].
STOP_SEARCH_S = 120.0
#: (lowest compliance, band), best first; a session not walked is ``red``.
BANDS = ((0.80, "green"), (0.50, "yellow"), (0.0, "orange"))
#: A rise in speed (m/s) between two records that tells a belt starting again from a stop [D].
_RISING_MPS = 0.02
#: Longest gap between records counted as walking (s); longer gaps are pauses.
_MAX_RECORD_GAP_S = 5.0
_NAME_SESSION = re.compile(r"W\s*0*(\d{1,3})\s*S\s*0*(\d{1,2})", re.IGNORECASE)


def band(compliance: float, walked: bool = True) -> str:
    """The band of a compliance figure: ``green``, ``yellow``, ``orange``, or ``red`` when nothing was walked."""
    if not walked or compliance <= 0:
        return "red"
    return next(name for lowest, name in BANDS if compliance >= lowest)


@attrs.frozen
class StepReview:
    """One planned step next to what was walked.

    Attributes:
        number: Position in the session's timeline (repeats expanded), from 1.
        kind: ``warm-up``, ``active``, ``recovery``, ``transition`` or ``cool-down``.
        backward: Whether the step is walked facing backward.
        planned_s: Planned seconds.
        walked_s: Seconds walked (0 when the recording does not reach it).
        planned_kmh: Planned belt speed.
        walked_kmh: Mean recorded speed after the settling seconds, if the recording has speeds there.
        settle_records: Records left out at the start of the step while the belt changed speed.
        belt_stopped: A stop-to-turn step: the belt stands still; ``walked_s`` is the time the turn took and
            ``planned_kmh`` the speed to restart at.
        walks_backward: Whether the step's time counts as backward time (``timeline.walks_backward``).
        settle_start_s: Seconds left out at the step's start while the belt reached its speed (see the module).
        settle_end_s: Seconds left out at the step's end while the belt slowed for the turn that follows.
    """

    number: int
    kind: str
    backward: bool
    planned_s: float
    walked_s: float
    planned_kmh: float
    walked_kmh: float | None
    settle_records: int
    belt_stopped: bool = False
    walks_backward: bool = False
    settle_start_s: float = 0.0
    settle_end_s: float = 0.0

    @property
    def is_bout(self) -> bool:
        """A backward bout (a backward step that is not a turn)."""
        return self.backward and self.kind != StepKind.TRANSITION.label

    @property
    def score(self) -> float:
        """This step's share of compliance, 0-1: share walked times speed closeness (a stopped turn: 1 if turned)."""
        if self.belt_stopped:
            return 1.0 if self.walked_s > 0 else 0.0
        if self.planned_s <= 0:
            return 1.0
        share = min(1.0, self.walked_s / self.planned_s)
        if self.walked_kmh is None or share == 0:
            return share
        low, high = sorted((self.walked_kmh, self.planned_kmh))
        closeness = 1.0 if high <= 0 or abs(self.walked_kmh / self.planned_kmh - 1) <= SPEED_TOLERANCE else low / high
        return share * closeness


@attrs.frozen(kw_only=True)
class SessionReview:
    """One planned session next to what was walked and what the walker logged.

    Attributes:
        session: ``W2S1``.
        week: Week number, from 1.
        number: Session number in the week, from 1.
        planned_date: The session's date in the plan, if it has dates.
        walked_date: The date of the recording, else of the log entry, if any.
        matched_by: How the recording was matched: ``session given``, ``workout name``, ``date``,
            ``date and speed profile``, or empty without a recording.
        aligned_by: ``laps to steps``, ``lap per step``, ``time`` or empty without a recording.
        planned_s / walked_s: Whole session, seconds.
        backward_planned_s / backward_walked_s: Backward time (``timeline.walks_backward``), seconds.
        backward_planned_kmh: The planned backward speed (the fastest bout).
        backward_walked_kmh: Mean recorded speed over the bouts after the settling seconds, if recorded.
        compliance: 0-1 (see the module).
        steps: Step by step, when there is a recording.
        settle_records: Records left out while the belt changed speed, over the session.
        entry: The log entry, if any.
        recording: Where the recording came from (a path), if any.
        notes: What the review could not tell, in words.
    """

    session: str
    week: int
    number: int
    planned_date: dt.date | None
    walked_date: dt.date | None
    matched_by: str
    aligned_by: str
    planned_s: float
    walked_s: float
    backward_planned_s: float
    backward_walked_s: float
    backward_planned_kmh: float
    backward_walked_kmh: float | None
    compliance: float
    steps: tuple[StepReview, ...] = ()
    settle_records: int = 0
    entry: LogEntry | None = None
    recording: str = ""
    notes: tuple[str, ...] = ()

    @property
    def band(self) -> str:
        """The compliance band."""
        return band(self.compliance, self.recorded or self.entry is not None)

    @property
    def recorded(self) -> bool:
        """Whether a recording was reviewed."""
        return bool(self.aligned_by)

    @property
    def missed(self) -> bool:
        """Neither a log entry nor a recording: the session counts as missed (rule R2)."""
        return not self.recorded and self.entry is None

    def to_json(self) -> dict[str, object]:
        """The documented JSON object of ``retrointervals review --json``."""
        entry = self.entry
        return {
            "session": self.session,
            "planned_date": self.planned_date.isoformat() if self.planned_date else None,
            "walked_date": self.walked_date.isoformat() if self.walked_date else None,
            "matched_by": self.matched_by or None,
            "aligned_by": self.aligned_by or None,
            "planned_s": round(self.planned_s, 1),
            "walked_s": round(self.walked_s, 1),
            "backward_planned_s": round(self.backward_planned_s, 1),
            "backward_walked_s": round(self.backward_walked_s, 1),
            "backward_planned_kmh": round(self.backward_planned_kmh, 2),
            "backward_walked_kmh": None if self.backward_walked_kmh is None else round(self.backward_walked_kmh, 2),
            "compliance": round(self.compliance, 3),
            "band": self.band,
            "settle_records_left_out": self.settle_records,
            "log": _entry_json(entry) if entry is not None else None,
            "notes": list(self.notes),
            "steps": [
                {
                    "number": step.number,
                    "kind": step.kind,
                    "backward": step.backward,
                    "planned_s": round(step.planned_s, 1),
                    "walked_s": round(step.walked_s, 1),
                    "planned_kmh": round(step.planned_kmh, 2),
                    "walked_kmh": None if step.walked_kmh is None else round(step.walked_kmh, 2),
                    "settle_records_left_out": step.settle_records,
                    "settle_start_s": round(step.settle_start_s, 1),
                    "settle_end_s": round(step.settle_end_s, 1),
                    "belt_stopped": step.belt_stopped,
                }
                for step in self.steps
            ],
        }


def _entry_json(entry: LogEntry) -> dict[str, object]:
    return {
        "date": entry.date.isoformat(),
        "status": entry.status.value,
        "rpe_borg_6_20": entry.rpe,
        "pain_during": entry.pain_during,
        "pain_after": entry.pain_after,
        "pain_next_morning": entry.pain_next_morning,
        "stumble": entry.stumble.value,
        "handrails": entry.handrails,
        "backward_minutes": entry.backward_minutes,
        "notes": entry.notes,
    }


# --- the plan side ------------------------------------------------------------------------------------------


@attrs.frozen
class _Planned:
    start: float
    end: float
    kmh: float
    backward: bool
    kind: str
    row: int
    #: A stop-to-turn step (the belt stands still; ``kmh`` is the restart speed).
    stopped: bool = False
    #: Counts as backward time (``timeline.walks_backward``).
    walks_back: bool = False
    #: Ends on the lap button.
    until_lap: bool = False
    #: Seconds at the start while the belt reaches the step's speed.
    settle_in: float = float(SETTLE_S)
    #: Seconds at the end while the belt slows (and the deck moves) for the turn that follows.
    settle_out: float = 0.0

    @property
    def is_bout(self) -> bool:
        return self.backward and self.kind != StepKind.TRANSITION.label

    @property
    def belt_kmh(self) -> float:
        """The belt's speed during the step (0 while stopped)."""
        return 0.0 if self.stopped else self.kmh


def _rows(workout: Workout) -> dict[tuple[int, ...], int]:
    """The FIT ``workout_step`` message index of each step, by its path.

    Our FIT writer's layout: a repeat's steps, then the repeat row.
    """
    rows: dict[tuple[int, ...], int] = {}
    counter = 0

    def walk(items: Sequence[Step | Repeat], path: tuple[int, ...]) -> None:
        nonlocal counter
        for index, item in enumerate(items):
            if isinstance(item, Repeat):
                walk(item.steps, path + (index,))  # noqa: RUF005 - py3.10 syntax
            else:
                rows[path + (index,)] = counter  # noqa: RUF005 - py3.10 syntax
            counter += 1

    walk(workout.steps, ())
    return rows


def _is_turn(step: Step) -> bool:
    return step.kind is StepKind.TRANSITION or step.belt_stopped


#: The assumed belt acceleration (km/h per second) and incline rate (% per second), the live runner's.
_SPEED_RATE = ASSUMED_SPEED_RATE / 100
_INCLINE_RATE = ASSUMED_INCLINE_RATE / 10


def _settle_in(steps: Sequence[Step], belt: Sequence[float], index: int) -> float:
    """Seconds the belt needs at a step's start to reach its speed (before the ``SETTLE_S`` floor)."""
    step = steps[index]
    if not index:
        return belt[index] / _SPEED_RATE
    previous, before = steps[index - 1], belt[index - 1]
    if _is_turn(step) and not step.belt_stopped and not _is_turn(previous):
        return 0.0  # the belt slowed to the turn's speed before the turn began
    if not _is_turn(previous) and not _is_turn(step) and previous.direction is not step.direction:
        # a bare turn: the slower of the two speeds is held, then the belt speeds up (it slowed before a slower step)
        return BARE_TURN_S + (belt[index] - before) / _SPEED_RATE if belt[index] > before else 0.0
    return abs(belt[index] - before) / _SPEED_RATE


def _settle_out(steps: Sequence[Step], belt: Sequence[float], index: int) -> float:
    """Seconds at a step's end while the belt slows (and the deck moves) for a turn that follows."""
    step = steps[index]
    if index + 1 >= len(steps) or _is_turn(step):
        return 0.0
    following = steps[index + 1]
    if _is_turn(following):  # the turn's speed (its slowest moving step) and incline, reached before it starts
        end = index + 1
        while end < len(steps) and _is_turn(steps[end]):
            end += 1
        moving = [belt[i] for i in range(index + 1, end) if not steps[i].belt_stopped]
        entry = min(moving, default=float(following.speed.exact_kmh))
        tilt = abs(step.incline.tenths - following.incline.tenths) / 10 / _INCLINE_RATE
        return max(max(0.0, belt[index] - entry) / _SPEED_RATE, tilt)
    if following.direction is not step.direction:  # a bare turn to a slower step: slowed before it
        return max(0.0, belt[index] - belt[index + 1]) / _SPEED_RATE
    return 0.0


def _planned(workout: Workout) -> list[_Planned]:
    rows = _rows(workout)
    segments = workout.timeline
    steps = [segment.step for segment in segments]
    belt = [0.0 if step.belt_stopped else float(step.speed.exact_kmh) for step in steps]
    result = []
    for index, (segment, step) in enumerate(zip(segments, steps, strict=True)):
        result.append(
            _Planned(
                float(segment.start.exact),
                float(segment.end.exact),
                float(step.speed.exact_kmh),
                step.direction is Direction.BACKWARD,
                step.kind.label,
                rows.get(segment.path, -1),
                step.belt_stopped,
                walks_backward(step),
                step.until_lap,
                max(float(SETTLE_S), _settle_in(steps, belt, index)),
                _settle_out(steps, belt, index),
            )
        )
    return result


# --- matching -----------------------------------------------------------------------------------------------


def _session_at(plan: Plan, week: int, number: int, what: str) -> None:
    if not (1 <= week <= len(plan.weeks) and 1 <= number <= len(plan.weeks[week - 1].sessions)):
        raise ValidationError("session", what, f"the plan has no session {format_session(week, number)}")


def match_session(plan: Plan, activity: Activity, given: str | None = None, source: str = "") -> tuple[int, int, str]:
    """Which session of ``plan`` a recording is: (week, session, how it was matched).

    Raises:
        ValidationError: ``given`` is not a session of the plan.
        FormatError: Nothing tells which session it is (the message says to name it).
    """
    if given:
        week, number = parse_session(given)
        _session_at(plan, week, number, given)
        return week, number, "session given"
    if activity.workout_name:
        for week_number, number, session in plan.sessions():
            if session.workout.name.casefold() == activity.workout_name.casefold():
                return week_number, number, "workout name"
        found = _NAME_SESSION.search(activity.workout_name)
        if found:
            week_number, number = int(found.group(1)), int(found.group(2))
            if 1 <= week_number <= len(plan.weeks) and 1 <= number <= len(plan.weeks[week_number - 1].sessions):
                return week_number, number, "workout name"
    day = activity.start.date()
    dated = [
        (abs((date - day).days), week_number, number)
        for week_number, number, _ in plan.sessions()
        if (date := plan.session_date(week_number - 1, number - 1)) is not None
    ]
    exact = [(week_number, number) for gap, week_number, number in dated if gap == 0]
    if len(exact) == 1:
        return exact[0][0], exact[0][1], "date"
    near = [(week_number, number) for gap, week_number, number in dated if gap <= 3]
    if near:
        best = min(
            near, key=lambda key: _profile_distance(plan.weeks[key[0] - 1].sessions[key[1] - 1].workout, activity)
        )
        return best[0], best[1], "date and speed profile"
    raise FormatError(
        f"cannot tell which session this recording of {day.isoformat()} is (no workout name, and no planned "
        "session within 3 days); name it with --session, e.g. --session W1S2",
        source,
    )


def _profile_distance(workout: Workout, activity: Activity) -> float:
    """Mean absolute difference (km/h) between the planned and the recorded speed, second by second."""
    planned = _planned(workout)
    starts = [step.start for step in planned]
    total = count = 0.0
    for record in activity.records:
        if record.speed_mps is None:
            continue
        index = bisect.bisect_right(starts, record.time_s) - 1
        if 0 <= index < len(planned) and record.time_s < planned[index].end:
            total += abs(record.speed_mps * 3.6 - planned[index].belt_kmh)
            count += 1
    return total / count if count else float("inf")


# --- alignment ----------------------------------------------------------------------------------------------


def _windows(
    planned: list[_Planned], activity: Activity, times: list[float]
) -> tuple[list[tuple[float, float] | None], str]:
    """Per planned step, the stretch of the recording walked for it (None if not reached), and how.

    ``times`` are the record times on the clock the stretches are laid on (the timer clock when aligned by time).
    """
    laps = activity.laps
    if activity.laps_point_to_steps:
        windows: list[tuple[float, float] | None] = [None] * len(planned)
        position = 0
        for lap in laps:
            found = next((i for i in range(position, len(planned)) if planned[i].row == lap.wkt_step_index), None)
            if found is None:
                continue
            windows[found] = (lap.start_s, lap.start_s + lap.duration_s)
            position = found + 1
        return windows, "laps to steps"
    if len(laps) == len(planned) > 1:
        return [(lap.start_s, lap.start_s + lap.duration_s) for lap in laps], "lap per step"
    presses = [index for index, step in enumerate(planned) if step.until_lap]
    pressed = all(lap.trigger == "manual" for lap in laps[:-1])
    if presses and pressed and len(laps) == len(presses) + 1 and presses[-1] < len(planned) - 1:
        return _press_windows(planned, activity), "laps at lap-button steps"
    return _time_windows(planned, activity, times), "time"


def _press_windows(planned: list[_Planned], activity: Activity) -> list[tuple[float, float] | None]:
    """A lap pressed at the end of every lap-button step: each lap holds the steps up to and including one.

    Inside a lap the steps follow each other at their planned lengths; the lap-button step lasts until the lap
    ends (the walker pressed it when ready).
    """
    windows: list[tuple[float, float] | None] = []
    laps = iter(activity.laps)
    lap = next(laps)
    cursor = lap.start_s
    for step in planned:
        lap_end = lap.start_s + lap.duration_s
        if step.until_lap:
            windows.append((min(cursor, lap_end), lap_end))
            lap = next(laps)
            cursor = lap.start_s
        else:
            windows.append((cursor, cursor + step.end - step.start))
            cursor += step.end - step.start
    return windows


def _moving(speed_mps: float | None) -> bool:
    return speed_mps is None or speed_mps >= MOVING_MPS


def _time_windows(planned: list[_Planned], activity: Activity, times: list[float]) -> list[tuple[float, float] | None]:
    """The steps one after the other on the timer clock; a stop-to-turn step lasts until the belt moves again."""
    windows: list[tuple[float, float] | None] = []
    cursor = 0.0
    for step in planned:
        length = step.end - step.start
        end = _restart(activity, times, cursor, length) if step.stopped else cursor + length
        windows.append((cursor, end))
        cursor = end
    return windows


def _restart(activity: Activity, times: list[float], begin: float, length: float) -> float:
    """When the belt moves again after the stop of a stop-to-turn step due at ``begin`` (on the ``times`` clock).

    The stop is the first record below ``MOVING_MPS`` or after a pause (a gap in the records) within the expected
    length plus ``STOP_SEARCH_S``; without one, the step keeps its expected length.
    """
    records = activity.records
    first = bisect.bisect_left(times, begin)
    stop = None
    for index in range(first, len(times)):
        if times[index] > begin + length + STOP_SEARCH_S:
            break
        paused = index > 0 and records[index].time_s - records[index - 1].time_s > _MAX_RECORD_GAP_S
        if paused or not _moving(records[index].speed_mps):
            stop = index
            break
    if stop is None:
        return begin + length
    if _moving(records[stop].speed_mps):  # paused while standing: the first record after the pause restarts
        return times[stop]
    restart = next((index for index in range(stop + 1, len(times)) if _restarting(records, index)), None)
    return times[restart] if restart is not None else times[-1] + 1.0


def _restarting(records: Sequence[Record], index: int) -> bool:
    """The belt starts again at this record: it speeds up from the stop, or records resume after a pause."""
    speed, before = records[index].speed_mps, records[index - 1]
    if speed is None or before.speed_mps is None or records[index].time_s - before.time_s > _MAX_RECORD_GAP_S:
        return True
    return speed > before.speed_mps + _RISING_MPS


def review_session(
    plan: Plan,
    week: int,
    number: int,
    activity: Activity | None = None,
    entry: LogEntry | None = None,
    *,
    matched_by: str = "",
    recording: str = "",
) -> SessionReview:
    """Review one session (week and session numbers from 1) from its recording and/or its log entry."""
    _session_at(plan, week, number, format_session(week, number))
    workout = plan.weeks[week - 1].sessions[number - 1].workout
    planned = _planned(workout)
    bouts = [step for step in planned if step.is_bout]
    planned_s = sum(step.end - step.start for step in planned)
    backward_planned_s = sum(step.end - step.start for step in planned if step.walks_back)
    common = {
        "session": format_session(week, number),
        "week": week,
        "number": number,
        "planned_date": plan.session_date(week - 1, number - 1),
        "planned_s": planned_s,
        "backward_planned_s": backward_planned_s,
        "backward_planned_kmh": max((step.kmh for step in bouts), default=0.0),
        "entry": entry,
    }
    if activity is None:
        return _from_log(entry, common)
    on_laps = activity.laps_point_to_steps or len(activity.laps) == len(planned) > 1
    times = [record.time_s for record in activity.records] if on_laps else _timer_times(activity)
    windows, aligned_by = _windows(planned, activity, times)
    if aligned_by == "laps at lap-button steps":
        times = [record.time_s for record in activity.records]
    steps = _measure(planned, windows, activity, times, by_laps=on_laps)
    walking = [step for step in steps if not step.belt_stopped]
    walking_planned_s = sum(step.planned_s for step in walking)
    measured = [(step.walked_kmh, step.walked_s) for step in steps if step.is_bout and step.walked_kmh is not None]
    weight = sum(seconds for _, seconds in measured)
    notes = []
    if not activity.has_speed:
        notes.append("the recording has no speeds: compliance counts time only")
    turns = [step for step in steps if step.belt_stopped]
    if turns:
        done = [step for step in turns if step.walked_s > 0]
        notes.append(
            f"{len(done)} of {len(turns)} stopped turns done, {_clock(sum(step.walked_s for step in done))} in all "
            f"(expected {_clock(sum(step.planned_s for step in done))}); they are left out of compliance"
        )
    if entry is None:
        notes.append("no log entry: effort and pain unknown")
    return SessionReview(
        **common,  # type: ignore[arg-type]  # the shared fields, typed above
        walked_date=activity.start.date(),
        matched_by=matched_by,
        aligned_by=aligned_by,
        walked_s=sum(step.walked_s for step in steps),
        backward_walked_s=sum(step.walked_s for step in steps if step.walks_backward),
        backward_walked_kmh=sum(kmh * seconds for kmh, seconds in measured) / weight if weight else None,
        compliance=(
            sum(step.planned_s * step.score for step in walking) / walking_planned_s if walking_planned_s else 0.0
        ),
        steps=tuple(steps),
        settle_records=sum(step.settle_records for step in steps),
        recording=recording,
        notes=tuple(notes),
    )


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _from_log(entry: LogEntry | None, common: dict[str, object]) -> SessionReview:
    planned_s = float(common["planned_s"])  # type: ignore[arg-type]
    backward_planned_s = float(common["backward_planned_s"])  # type: ignore[arg-type]
    if entry is None:
        compliance, walked, backward = 0.0, 0.0, 0.0
        notes: tuple[str, ...] = ("no log entry and no recording: counted as missed (rule R2)",)
    else:
        logged = None if entry.backward_minutes is None else entry.backward_minutes * 60
        share = {Status.DONE: 1.0, Status.SKIPPED: 0.0}.get(entry.status)
        if share is None:  # partial
            share = min(1.0, logged / backward_planned_s) if logged is not None and backward_planned_s else 0.5
        compliance = share
        walked = planned_s * share
        backward = logged if logged is not None else backward_planned_s * share
        notes = ("no recording: figures come from the log",)
    return SessionReview(
        **common,  # type: ignore[arg-type]
        walked_date=entry.date if entry is not None else None,
        matched_by="",
        aligned_by="",
        walked_s=walked,
        backward_walked_s=backward,
        backward_walked_kmh=None,
        compliance=compliance,
        notes=notes,
    )


def _timer_times(activity: Activity) -> list[float]:
    """Record times with pauses taken out: a gap longer than ``_MAX_RECORD_GAP_S`` counts as one second.

    Planned steps are laid on the timer clock (a watch paused mid-session resumes the same step).
    """
    times: list[float] = []
    clock = previous = 0.0
    for index, record in enumerate(activity.records):
        if index:
            gap = record.time_s - previous
            clock += gap if gap <= _MAX_RECORD_GAP_S else 1.0
        else:
            clock = record.time_s
        previous = record.time_s
        times.append(clock)
    return times


def _measure(
    planned: list[_Planned],
    windows: list[tuple[float, float] | None],
    activity: Activity,
    times: list[float],
    *,
    by_laps: bool,
) -> list[StepReview]:
    """Each step's walked time and speed in its stretch of the recording (``times``: the records' clock)."""
    records = activity.records
    result = []
    for number, (step, window) in enumerate(zip(planned, windows, strict=True), start=1):
        walked = 0.0
        speed_sum = 0.0
        speed_count = 0
        settle_count = 0
        settle_in = settle_out = 0.0
        if window is not None and step.stopped:
            walked = _turn_time(activity, times, window, by_laps=by_laps, last=number == len(planned))
        elif window is not None:
            begin, end = window
            settle_in = min(step.settle_in, (end - begin) / 2)
            settle_out = min(step.settle_out, (end - begin) / 2)
            first = bisect.bisect_left(times, begin)
            last = bisect.bisect_left(times, end)
            for index in range(first, last):
                record = records[index]
                now = times[index]
                following = times[index + 1] if index + 1 < len(times) else now + 1.0
                gap = min(following, end) - now
                settling = now < begin + settle_in or now >= end - settle_out
                if (settling or _moving(record.speed_mps)) and gap <= _MAX_RECORD_GAP_S:
                    walked += gap
                if record.speed_mps is None:
                    continue
                if settling:
                    settle_count += 1
                else:
                    speed_sum += record.speed_mps
                    speed_count += 1
            if by_laps:
                walked = end - begin  # the lap's timer time
            elif not times:
                walked = max(0.0, min(end, activity.duration_s) - begin)
        result.append(
            StepReview(
                number=number,
                kind=step.kind,
                backward=step.backward,
                planned_s=step.end - step.start,
                walked_s=walked,
                planned_kmh=step.kmh,
                walked_kmh=speed_sum / speed_count * 3.6 if speed_count else None,
                settle_records=settle_count,
                belt_stopped=step.stopped,
                walks_backward=step.walks_back,
                settle_start_s=settle_in,
                settle_end_s=settle_out,
            )
        )
    return result


def _turn_time(
    activity: Activity, times: list[float], window: tuple[float, float], *, by_laps: bool, last: bool
) -> float:
    """The seconds a stop-to-turn step took, or 0 when the walker did not turn (the recording ends before it ends).

    The real time between its start and the restart, pauses included: a watch may auto-pause while the belt stands.
    """
    begin, end = window
    if by_laps:
        return end - begin
    records = activity.records
    first = bisect.bisect_left(times, begin)
    after = bisect.bisect_left(times, end)
    if first >= len(times) or (after >= len(times) and not last):
        return 0.0
    finish = records[after].time_s if after < len(times) else records[-1].time_s + 1.0
    return max(0.0, finish - records[first].time_s)


# --- convenience --------------------------------------------------------------------------------------------


def review_activity(
    plan: Plan,
    activity: Activity,
    entries: Sequence[LogEntry] = (),
    *,
    session: str | None = None,
    recording: str = "",
) -> SessionReview:
    """Match a recording to its session and review it with that session's log entry, if any."""
    week, number, how = match_session(plan, activity, session, recording)
    name = format_session(week, number)
    entry = next((item for item in entries if item.session == name), None)
    return review_session(plan, week, number, activity, entry, matched_by=how, recording=recording)


#: What every worker process reviews against, set once per process (not pickled with every file).
_WORKER: dict[str, object] = {}


def _start_worker(plan: Plan, entries: tuple[LogEntry, ...]) -> None:
    _WORKER["plan"], _WORKER["entries"] = plan, entries


def _review_path(path: str) -> SessionReview | str:
    plan = _WORKER["plan"]
    entries = _WORKER["entries"]
    assert isinstance(plan, Plan) and isinstance(entries, tuple)  # noqa: S101, PT018 - set by _start_worker
    try:
        return review_activity(plan, read_activity(path), entries, recording=path)
    except (FormatError, ValidationError, OSError) as error:
        return f"{path}: {error}"


def review_many(
    plan: Plan,
    paths: Sequence[str | os.PathLike[str]],
    entries: Sequence[LogEntry] = (),
    *,
    workers: int | None = None,
) -> tuple[tuple[SessionReview, ...], tuple[str, ...]]:
    """Review many recordings on every core: (the reviews, one line per file that could not be reviewed).

    Args:
        plan: The plan the recordings belong to.
        paths: The recordings (``.fit`` or ``.tcx``).
        entries: The session log.
        workers: Processes to use; every core when None. 1 reviews in this process.
    """
    names = [str(Path(path)) for path in paths]
    if workers == 1 or len(names) < 2:
        _start_worker(plan, tuple(entries))
        results = [_review_path(name) for name in names]
    else:
        count = workers or os.cpu_count() or 1
        with ProcessPoolExecutor(count, initializer=_start_worker, initargs=(plan, tuple(entries))) as pool:
            results = list(pool.map(_review_path, names, chunksize=max(1, len(names) // (4 * count))))
    reviews = tuple(result for result in results if isinstance(result, SessionReview))
    problems = tuple(result for result in results if isinstance(result, str))
    return reviews, problems


def review_plan(
    plan: Plan, entries: Sequence[LogEntry] = (), reviews: Sequence[SessionReview] = ()
) -> tuple[SessionReview, ...]:
    """One review per session that has a recording or a log entry, in plan order.

    ``reviews`` are reviews of recordings (``review_activity``); when two recordings are of the same session, the
    one with more walked time is kept. Sessions with a log entry but no recording are reviewed from the log.
    """
    by_session: dict[str, SessionReview] = {}
    for item in reviews:
        kept = by_session.get(item.session)
        if kept is None or item.walked_s > kept.walked_s:
            by_session[item.session] = item
    known = {format_session(week, number) for week, number, _ in plan.sessions()}
    for entry in entries:
        if entry.session in by_session or entry.session not in known:
            continue
        by_session[entry.session] = review_session(plan, *entry.week_and_session, entry=entry)
    order = {format_session(week, number): index for index, (week, number, _) in enumerate(plan.sessions())}
    return tuple(sorted(by_session.values(), key=lambda item: order[item.session]))


def review_chart(review: SessionReview, width: int = 720, height: int = 160) -> str:
    """An SVG chart of one reviewed session, for the plan report next to the planned session's chart.

    Each planned step is a box (width its planned time, height its planned speed; backward steps shaded) with the
    walked speed drawn over it as a line, and the walked share of the step as a bar along the bottom. A
    stop-to-turn step is a dashed strip on the axis (the belt stands), green along the bottom when the walker turned.
    """
    steps = review.steps
    total = sum(step.planned_s for step in steps) or 1.0
    top = max([step.planned_kmh for step in steps] + [step.walked_kmh or 0.0 for step in steps] + [1.0]) * 1.1
    plot = height - 30
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{review.session}: planned and walked speeds">'
        ),
        f"<title>{review.session}: compliance {review.compliance:.2f} ({review.band})</title>",
    ]
    x = 0.0
    for step in steps:
        w = step.planned_s / total * width
        planned_y = plot - (0.0 if step.belt_stopped else step.planned_kmh) / top * plot
        if step.belt_stopped:  # the belt stands: a hatched strip on the axis, no speed to compare
            parts.append(
                f'<rect x="{x:.1f}" y="{plot - 6}" width="{w:.1f}" height="6" fill="none" stroke="#000000"'
                ' stroke-width="0.5" stroke-dasharray="2 2"><title>stopped to turn</title></rect>'
            )
        fill = "#c9d7f0" if step.backward else "#eeeeee"
        parts.append(
            f'<rect x="{x:.1f}" y="{planned_y:.1f}" width="{w:.1f}" height="{plot - planned_y:.1f}" fill="{fill}"'
            ' stroke="#888888" stroke-width="0.5"/>'
        )
        if step.walked_kmh is not None:
            walked_y = plot - step.walked_kmh / top * plot
            parts.append(
                f'<line x1="{x:.1f}" y1="{walked_y:.1f}" x2="{x + w:.1f}" y2="{walked_y:.1f}" stroke="#d0402b"'
                ' stroke-width="2"/>'
            )
        share = min(1.0, step.walked_s / step.planned_s) if step.planned_s else 1.0
        parts.append(
            f'<rect x="{x:.1f}" y="{plot + 8}" width="{w * share:.1f}" height="6" fill="#3a8a3a"/>'
            f'<rect x="{x + w * share:.1f}" y="{plot + 8}" width="{w * (1 - share):.1f}" height="6" fill="#d0402b"/>'
        )
        x += w
    parts.append(
        f'<text x="4" y="{height - 4}" font-size="11" font-family="sans-serif">{review.session}: walked '
        f"{review.walked_s / 60:.1f} of {review.planned_s / 60:.1f} min, compliance {review.compliance:.2f} "
        f"({review.band}); boxes planned speed (blue backward, dashed: belt stopped to turn), red line walked "
        "speed</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
