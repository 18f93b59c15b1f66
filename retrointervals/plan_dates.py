"""A plan on the calendar: each session's date, a stable identity per session, and the dated files of a plan.

- ``dated_sessions(plan)``: the sessions that have a date (the plan has a start date and the session a weekday),
  in walking order.
- ``session_uid(plan, week, session)``: a name-based UUID (RFC 4122 version 5) of the plan's identity and the
  session's slot. The identity is the plan's name, level and start date, which adapting a plan keeps (the
  remaining weeks are made again under the same name, level and start), and the slot is the week and session
  number. So writing the same plan again, or an adapted one, gives each session the same UID: calendars and
  intervals.icu update the events instead of doubling them. It holds nothing that identifies a person (RFC 7986
  §5.3): only a hash of the plan's name, level and start date.
- ``session_title(...)``: the short title a person understands in a phone calendar,
  ``"Retro walk W2S1: 4 x 2:00 backward"``.
- ``dated_plan_files(plan, time=...)``: the extra files a plan folder holds for calendars, watches and
  intervals.icu, with the README lines that say where each goes (see ``docs/dates.md``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs

from retrointervals.errors import ValidationError
from retrointervals.formats import Change, Policy
from retrointervals.model import Direction, Plan, Repeat, Session, Step, StepKind, Workout
from retrointervals.sessionlog import format_session
from retrointervals.units import Duration

__all__ = [
    "PLAN_UID_NAMESPACE",
    "DatedFiles",
    "DatedSession",
    "dated_plan_files",
    "dated_sessions",
    "parse_time_of_day",
    "session_lines",
    "session_title",
    "session_uid",
]

#: The namespace of our name-based session UUIDs (a fixed random UUID: changing it would change every UID).
PLAN_UID_NAMESPACE = uuid.UUID("6f3c1f0e-5b7a-4d2e-9c41-2a9e7d0b8c35")
_TIME_OF_DAY = re.compile(r"([0-9]{1,2}):([0-9]{2})")


@attrs.frozen
class DatedSession:
    """A session with its place in the plan (week and session numbers from 1) and its date."""

    week: int
    number: int
    date: dt.date
    session: Session

    @property
    def slot(self) -> str:
        """``"W2S1"``: week 2, session 1."""
        return format_session(self.week, self.number)


def dated_sessions(plan: Plan) -> tuple[DatedSession, ...]:
    """The sessions that have a date, in walking order (none without a start date)."""
    found = []
    for week_index, week in enumerate(plan.weeks):
        for session_index, session in enumerate(week.sessions):
            date = plan.session_date(week_index, session_index)
            if date is not None:
                found.append(DatedSession(week_index + 1, session_index + 1, date, session))
    return tuple(found)


def session_uid(plan: Plan, week: int, session: int) -> str:
    """The stable UUID of session ``session`` of week ``week`` (both from 1) of ``plan``; see the module docs."""
    level = plan.level.value if plan.level is not None else ""
    start = plan.start.isoformat() if plan.start is not None else ""
    key = "\n".join(("retrointervals plan session", plan.name, level, start, f"week {week}", f"session {session}"))
    return str(uuid.uuid5(PLAN_UID_NAMESPACE, key))


def _backward_bouts(workout: Workout) -> list[Fraction]:
    """The lengths (s) of the backward stretches that are not turns, in walking order."""
    bouts: list[Fraction] = []
    previous_backward = False
    for segment in workout.timeline:
        backward = segment.step.direction is Direction.BACKWARD and segment.step.kind is not StepKind.TRANSITION
        if backward:
            if previous_backward:
                bouts[-1] += segment.duration.exact
            else:
                bouts.append(segment.duration.exact)
        previous_backward = backward
    return bouts


def session_title(workout: Workout, week: int, number: int) -> str:
    """``"Retro walk W2S1: 4 x 2:00 backward"``, or the total backward or walking time when bouts differ."""
    bouts = _backward_bouts(workout)
    if not bouts:
        what = f"{workout.total_time} forward"
    elif len(set(bouts)) == 1:
        what = f"{len(bouts)} x {Duration(bouts[0])} backward"
    else:
        what = f"{Duration(sum(bouts, Fraction(0)))} backward in {len(bouts)} bouts"
    return f"Retro walk {format_session(week, number)}: {what}"


def _step_line(step: Step) -> str:
    length = f"until you press lap (about {step.length})" if step.until_lap else str(step.length)
    direction = "BACKWARD" if step.is_backward else "forward"
    speed = f"belt stopped, restart at {step.speed}" if step.belt_stopped else f"at {step.speed}"
    parts = [f"{length} {direction} {step.kind.label} {speed}"]
    if step.incline.tenths:
        parts.append(f"incline {step.incline}")
    if step.hold_handrails:
        parts.append("hold the rails")
    text = ", ".join(parts)
    return f"{text}: {step.cue}" if step.cue else text


def session_lines(items: Sequence[Step | Repeat], indent: str = "") -> list[str]:
    """The steps as lines a person reads (repeats once, their steps indented), e.g. ``"- 2:00 BACKWARD active..."``."""
    lines = []
    for item in items:
        if isinstance(item, Repeat):
            lines.append(f"{indent}- {item.count} times:")
            lines.extend(session_lines(item.steps, indent + "  "))
        else:
            lines.append(f"{indent}- {_step_line(item)}")
    return lines


def parse_time_of_day(text: str) -> dt.time:
    """``"18:30"`` (or ``"7:05"``) as a time of day for the calendar (``plan --time HH:MM``).

    Raises:
        ValidationError: Not ``HH:MM`` with hours 0-23 and minutes 0-59.
    """
    match = _TIME_OF_DAY.fullmatch(text.strip())
    if match is not None and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return dt.time(int(match.group(1)), int(match.group(2)))
    raise ValidationError("time", text, "expected a time of day as HH:MM (00:00 to 23:59)")


@attrs.frozen
class DatedFiles:
    """The dated files of a plan folder and the README lines that explain them.

    Attributes:
        files: ``(relative path, bytes)`` pairs, e.g. ``("plan.ics", b"BEGIN:VCALENDAR...")``.
        readme: Lines for README.txt (no line ends), one paragraph each.
        changes: What a ``LOSSY`` write of the intervals.icu texts had to change.
    """

    files: tuple[tuple[str, bytes], ...]
    readme: tuple[str, ...]
    changes: tuple[Change, ...] = ()


def dated_plan_files(
    plan: Plan,
    *,
    time: dt.time | None = None,
    policy: Policy = Policy.LOSSY,
    stamp: dt.datetime | None = None,
    today: dt.date | None = None,
    schedule: bool = True,
    intervals: bool = True,
    fit_files: Mapping[str, bytes] | None = None,
) -> DatedFiles:
    """The calendar, watch-schedule and intervals.icu files of ``plan``, and README lines for them.

    With a start date: ``plan.ics``, ``fit/schedule.fit``, ``intervals/weekNN-sessionN.txt`` and
    ``intervals/events.json``. Without one: the intervals.icu texts only, and a README line saying that the
    calendar and the schedule need a start date (``--start``).

    Args:
        plan: The plan.
        time: The time of day of every session in the calendar (floating local time); all-day events when None.
        policy: The policy of the folder's format files: the schedule points at the FIT workout files written
            with it, and the intervals.icu texts are written with it.
        stamp: The calendar's DTSTAMP (when the events were last revised); now when None.
        today: The watch schedule holds the sessions from this day on (or from the plan's start, when later);
            the local date now when None.
        schedule: Whether to write ``fit/schedule.fit``; it points at the folder's FIT workout files, so leave it
            out when those are not written.
        intervals: Whether to write the intervals.icu files (the texts and ``events.json``).
        fit_files: The folder's FIT workout files by name, when already written: the schedule points at them
            (otherwise they are encoded again to learn their identities).

    Raises:
        FormatLimitError: Under ``STRICT``, a session cannot be written as intervals.icu text or FIT without loss.
        ValidationError: ``time`` has a time zone or ``stamp`` none.
    """
    # The format modules import this module's helpers, so they are imported here.
    from retrointervals.formats import intervals as intervals_text  # noqa: PLC0415
    from retrointervals.formats import session_file_stem  # noqa: PLC0415
    from retrointervals.formats.fit_schedule import MAX_SCHEDULE_ENTRIES, write_plan_schedule  # noqa: PLC0415
    from retrointervals.plan_calendar import write_calendar  # noqa: PLC0415

    files: list[tuple[str, bytes]] = []
    changes: list[Change] = []
    readme: list[str] = []
    texts: dict[tuple[int, int], bytes] = {}
    if intervals:
        for week, number, session in plan.sessions():
            encoded = intervals_text.write_workout(session.workout, policy=policy)
            texts[week, number] = encoded.data
            files.append((f"intervals/{session_file_stem(week, number)}.txt", encoded.data))
            changes.extend(encoded.changes)
        readme.append(
            "intervals/weekNN-sessionN.txt: each session as intervals.icu workout text. Paste one into a new workout "
            "in intervals.icu's workout builder, or put the whole plan on your intervals.icu calendar with "
            "intervals/events.json. intervals.icu sends planned workouts on to Garmin Connect, Zwift and "
            "qdomyos-zwift. Belt speeds are written as paces (2.0 km/h is 30:00/km); the cue of each step says "
            "which way to face."
        )
    dated = dated_sessions(plan)
    if plan.start is None or not dated:
        reason = "a start date (plan --start YYYY-MM-DD)" if plan.start is None else "sessions on weekdays"
        missing = ["calendar (plan.ics)"]
        if schedule:
            missing.append("watch schedule (fit/schedule.fit)")
        if intervals:
            missing.append("intervals.icu events (intervals/events.json)")
        shown = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " or " + missing[-1]
        readme.append(f"No {shown}: {'they need' if len(missing) > 1 else 'it needs'} {reason}.")
        return DatedFiles(tuple(files), tuple(readme), tuple(changes))
    if intervals:
        files.append(("intervals/events.json", intervals_text.events_json(plan, policy=policy, texts=texts)))
        readme.append(
            "intervals/events.json: every session as a planned workout on its date, for intervals.icu's API. Send "
            "it with your API key (intervals.icu Settings, Developer settings): curl -u API_KEY:yourkey -H "
            "'Content-Type: application/json' --data @intervals/events.json "
            "'https://intervals.icu/api/v1/athlete/0/events/bulk?upsert=true'. Sending it again, or an adapted "
            "plan, updates the same events: each has a stable external_id."
        )
    files.append(("plan.ics", write_calendar(plan, time=time, stamp=stamp)))
    when = f"at {time:%H:%M} local time" if time is not None else "as all-day events"
    readme.append(
        f"plan.ics: the {len(dated)} sessions on their dates {when}, with each session's steps and the safety note. "
        "Open or import it in your phone's or computer's calendar. Importing it again (the same or an adapted plan) "
        "updates the events: each session keeps its UID."
    )
    if not schedule:
        return DatedFiles(tuple(files), tuple(readme), tuple(changes))
    schedule_bytes, scheduled = write_plan_schedule(plan, policy=policy, today=today, fit_files=fit_files)
    if not scheduled:
        readme.append("No watch schedule (fit/schedule.fit): every session of the plan is in the past.")
        return DatedFiles(tuple(files), tuple(readme), tuple(changes))
    files.append(("fit/schedule.fit", schedule_bytes))
    first, last = scheduled[0], scheduled[-1]
    readme.append(
        f"fit/schedule.fit: puts {len(scheduled)} sessions ({first.slot} on {first.date} to {last.slot} on "
        f"{last.date}) on a Garmin watch's calendar. Copy it together with the fit/weekNN-sessionN.fit workout "
        "files into the watch's GARMIN/NewFiles folder over USB; each date points at its workout file."
    )
    later = [entry for entry in dated if entry.date > last.date]
    if later:
        readme.append(
            f"A watch keeps about {MAX_SCHEDULE_ENTRIES} scheduled workouts, so fit/schedule.fit stops at {last.date} "
            f"and {len(later)} later sessions are not in it: after {last.date}, write the plan again with the same "
            "--start and copy the new schedule.fit (it holds the next sessions from that day on), or start those "
            "sessions from the watch's workout list."
        )
    return DatedFiles(tuple(files), tuple(readme), tuple(changes))
