"""A plan as an iCalendar file (RFC 5545): one event per dated session, for phone and computer calendars.

The writer is our own and small, because the subset is small and every byte of it is fixed by the RFC: a library
would add a runtime dependency (icalendar brings python-dateutil and tzdata) to write about a dozen properties.
The tests read the files with two independent parsers (icalendar and ical) and check the rules those lenient
parsers do not: CRLF line ends, folding at 75 octets without splitting a UTF-8 character, TEXT escaping and the
required properties.

- ``VCALENDAR`` with ``VERSION:2.0``, ``PRODID``, ``CALSCALE:GREGORIAN`` and the plan's name as
  ``X-WR-CALNAME`` (shown by Apple and Google calendars as the calendar's name).
- One ``VEVENT`` per session that has a date (``plan_dates.dated_sessions``):

  - ``UID``: ``plan_dates.session_uid``, the same for the same session slot of the same or an adapted plan, so
    importing again updates events instead of doubling them (whether a given calendar app does so is up to it);
  - ``DTSTAMP``: when the events were revised, in UTC (the time of writing unless given);
  - ``DTSTART;VALUE=DATE`` and ``DTEND`` the next day (an all-day event), or, with a time of day, a **floating**
    local time ``DTSTART:20260302T180000`` with ``DURATION`` the session's length rounded up to whole minutes.
    Floating time (RFC 5545 §3.3.5, form 1) is the same clock time wherever the phone is: 18:00 stays 18:00 after
    travelling or a daylight-saving change, which suits a home treadmill session; no time zone is written;
  - ``SUMMARY``: ``plan_dates.session_title`` (``"Retro walk W2S1: 4 x 2:00 backward"``);
  - ``DESCRIPTION``: the workout's description, its steps (repeats once, indented), its totals, and the safety
    note.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable

from retrointervals.errors import ValidationError
from retrointervals.model import Plan
from retrointervals.plan_dates import dated_sessions, session_lines, session_title, session_uid
from retrointervals.safety import SAFETY_NOTE

__all__ = ["MAX_LINE_OCTETS", "PRODID", "calendar_time_of_day", "escape_text", "fold_line", "write_calendar"]

#: RFC 5545 §3.1: content lines SHOULD NOT be longer than 75 octets, excluding the line break.
MAX_LINE_OCTETS = 75
PRODID = "-//retrointervals//retrointervals plan calendar//EN"


_TIMED_START = re.compile(rb"^DTSTART:\d{8}T(\d{2})(\d{2})(\d{2})\r?$", re.MULTILINE)


def calendar_time_of_day(data: bytes) -> dt.time | None:
    """The time of day of the sessions in a ``plan.ics`` this module wrote; None for all-day events (or none found).

    ``adapt`` rewrites a plan folder with it, so that the sessions stay at the time the walker chose with
    ``plan --time``. Only our own floating ``DTSTART:YYYYMMDDTHHMMSS`` lines are recognised; anything else is None.
    """
    match = _TIMED_START.search(data[: 1 << 20])  # the first event is near the top
    if match is None:
        return None
    hour, minute, second = (int(group) for group in match.groups())
    return dt.time(hour, minute, second) if hour < 24 and minute < 60 and second < 60 else None


def escape_text(text: str) -> str:
    r"""A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, line breaks as ``\n``."""
    escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold_line(line: str) -> str:
    """One content line folded to at most 75 octets per physical line, never inside a UTF-8 character.

    Continuation lines start with a space (which readers remove), so they hold 74 octets of content.
    """
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    limit = MAX_LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, MAX_LINE_OCTETS - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _stamp(stamp: dt.datetime | None) -> str:
    if stamp is None:
        stamp = dt.datetime.now(dt.timezone.utc)
    elif stamp.tzinfo is None:
        raise ValidationError("stamp", stamp, "must be a timezone-aware datetime")
    return stamp.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def write_calendar(plan: Plan, *, time: dt.time | None = None, stamp: dt.datetime | None = None) -> bytes:
    """The plan's dated sessions as the bytes of an ``.ics`` file (UTF-8, CRLF line ends).

    Args:
        plan: The plan; it needs a start date.
        time: The time of day of every session (floating local time); all-day events when None.
        stamp: ``DTSTAMP``, when the events were last revised; now when None. Must be timezone-aware.

    Raises:
        ValidationError: The plan has no start date, ``time`` carries a time zone, or ``stamp`` is naive.
    """
    if plan.start is None:
        raise ValidationError("Plan.start", None, "a calendar needs the plan's start date (plan --start YYYY-MM-DD)")
    if time is not None and time.tzinfo is not None:
        raise ValidationError("time", time, "must be a datetime.time without a time zone (floating local time)")
    dtstamp = _stamp(stamp)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape_text(plan.name)}",
    ]
    for entry in dated_sessions(plan):
        workout = entry.session.workout
        lines += ["BEGIN:VEVENT", f"UID:{session_uid(plan, entry.week, entry.number)}", f"DTSTAMP:{dtstamp}"]
        if time is None:
            following = entry.date + dt.timedelta(days=1)
            lines += [f"DTSTART;VALUE=DATE:{entry.date:%Y%m%d}", f"DTEND;VALUE=DATE:{following:%Y%m%d}"]
        else:
            start = dt.datetime.combine(entry.date, time.replace(microsecond=0))
            minutes = max(math.ceil(workout.total_time.exact / 60), 1)
            lines += [f"DTSTART:{start:%Y%m%dT%H%M%S}", f"DURATION:PT{minutes}M"]
        description = [
            *([workout.description, ""] if workout.description else []),
            *session_lines(workout.steps),
            "",
            f"Total {workout.total_time}, of which {workout.backward_time} backward.",
            "",
            SAFETY_NOTE,
        ]
        lines += [
            f"SUMMARY:{escape_text(session_title(workout, entry.week, entry.number))}",
            f"DESCRIPTION:{escape_text(chr(10).join(description))}",
            "TRANSP:TRANSPARENT" if time is None else "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return _content(lines)


def _content(lines: Iterable[str]) -> bytes:
    return "".join(fold_line(line) + "\r\n" for line in lines).encode("utf-8")
