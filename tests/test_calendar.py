"""plan.ics: read by two independent parsers, RFC 5545 line rules checked byte by byte, UIDs that stay."""

from __future__ import annotations

import datetime as dt

import attrs
import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrointervals import strategies
from retrointervals.errors import ValidationError
from retrointervals.model import Plan
from retrointervals.plan_calendar import MAX_LINE_OCTETS, escape_text, fold_line, write_calendar
from retrointervals.plan_dates import dated_sessions, session_uid
from retrointervals.plans import generate_plan
from retrointervals.safety import SAFETY_NOTE
from retrointervals.units import Speed

START = dt.date(2026, 3, 2)
STAMP = dt.datetime(2026, 2, 1, 12, 30, tzinfo=dt.timezone.utc)


def _plan(speed: float = 4.0, weeks: int = 6, name: str | None = None) -> Plan:
    return generate_plan("beginner", Speed.kmh(speed), weeks=weeks, start=START, name=name)


def _adapted(plan: Plan, after_week: int, speed: float) -> Plan:
    """The plan with the weeks after ``after_week`` made again (from a new forward speed), as adapting does."""
    again = generate_plan(plan.level or "beginner", Speed.kmh(speed), weeks=len(plan.weeks), start=plan.start)
    weeks = (*plan.weeks[:after_week], *again.weeks[after_week:])
    return Plan(name=plan.name, weeks=weeks, level=plan.level, forward_speed=plan.forward_speed, start=plan.start)


def _icalendar_events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def _unfolded(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def test_icalendar_reads_one_all_day_event_per_session_on_its_date() -> None:
    plan = _plan()
    events = _icalendar_events(write_calendar(plan, stamp=STAMP))
    dated = dated_sessions(plan)
    assert len(events) == len(dated) == sum(len(week.sessions) for week in plan.weeks)
    for event, entry in zip(events, dated, strict=True):
        assert event.get("DTSTART").dt == entry.date
        assert event.get("DTEND").dt == entry.date + dt.timedelta(days=1)
        assert str(event.get("UID")) == session_uid(plan, entry.week, entry.number)
        assert event.get("DTSTAMP").dt == STAMP
        assert str(event.get("SUMMARY")).startswith(f"Retro walk {entry.slot}: ")
        description = str(event.get("DESCRIPTION"))
        assert SAFETY_NOTE in description
        assert "BACKWARD active at" in description


def test_ical_reads_the_same_events() -> None:
    ical_stream = pytest.importorskip("ical.calendar_stream", reason="ical needs Python 3.11 or newer")
    plan = _plan()
    calendar = ical_stream.IcsCalendarStream.calendar_from_ics(write_calendar(plan, stamp=STAMP).decode("utf-8"))
    dated = dated_sessions(plan)
    assert [event.uid for event in calendar.events] == [session_uid(plan, e.week, e.number) for e in dated]
    assert [event.dtstart for event in calendar.events] == [entry.date for entry in dated]
    assert [event.end for event in calendar.events] == [entry.date + dt.timedelta(days=1) for entry in dated]
    assert all(SAFETY_NOTE in (event.description or "") for event in calendar.events)
    assert calendar.events[0].summary == "Retro walk W1S1: 4 x 1:30 backward"


def test_a_time_of_day_gives_floating_timed_events() -> None:
    ical_stream = pytest.importorskip("ical.calendar_stream", reason="ical needs Python 3.11 or newer")
    plan = _plan()
    data = write_calendar(plan, time=dt.time(18, 0), stamp=STAMP)
    first = _icalendar_events(data)[0]
    start = first.get("DTSTART").dt
    assert start == dt.datetime.combine(START, dt.time(18, 0))
    assert start.tzinfo is None  # floating local time
    minutes = first.get("DURATION").dt
    workout = plan.weeks[0].sessions[0].workout
    assert (
        dt.timedelta(seconds=workout.total_time.in_seconds)
        <= minutes
        < dt.timedelta(seconds=workout.total_time.in_seconds + 60)
    )
    event = ical_stream.IcsCalendarStream.calendar_from_ics(data.decode("utf-8")).events[0]
    assert event.end == start + minutes
    with pytest.raises(ValidationError, match="without a time zone"):
        write_calendar(plan, time=dt.time(18, 0, tzinfo=dt.timezone.utc))


def test_uids_stay_the_same_across_re_export_and_adaptation() -> None:
    plan = _plan()
    first = _icalendar_events(write_calendar(plan, stamp=STAMP))
    again = _icalendar_events(write_calendar(plan, stamp=STAMP + dt.timedelta(days=3)))
    adapted_plan = _adapted(plan, after_week=2, speed=4.6)
    adapted = _icalendar_events(write_calendar(adapted_plan))
    assert adapted_plan.weeks[3] != plan.weeks[3]  # the later weeks really changed
    for events in (again, adapted):
        assert [(str(e.get("UID")), e.get("DTSTART").dt) for e in events] == [
            (str(e.get("UID")), e.get("DTSTART").dt) for e in first
        ]
    assert len({str(event.get("UID")) for event in first}) == len(first)
    # Another plan (another start) gets other UIDs.
    other = generate_plan("beginner", Speed.kmh(4.0), weeks=6, start=START + dt.timedelta(days=7))
    assert not {str(e.get("UID")) for e in first} & {
        str(e.get("UID")) for e in _icalendar_events(write_calendar(other))
    }


def test_lines_follow_rfc_5545_to_the_letter() -> None:
    plan = _plan(name="Ünïcode, walk; back\\slash plan — ✓ " + "é" * 40)
    data = write_calendar(plan, time=dt.time(7, 5), stamp=STAMP)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    for line in data.split(b"\r\n")[:-1]:
        assert len(line) <= MAX_LINE_OCTETS
        line.decode("utf-8")  # folding never splits a UTF-8 character
    lines = _unfolded(data)
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", lines[2]]
    assert lines[2].startswith("PRODID:")
    assert "X-WR-CALNAME:Ünïcode\\, walk\\; back\\\\slash plan — ✓ " + "é" * 40 in lines
    events = "\n".join(lines).split("BEGIN:VEVENT")[1:]
    assert len(events) == len(dated_sessions(plan))
    for event in events:
        names = [line.split(":")[0].split(";")[0] for line in event.split("\n")]
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "DESCRIPTION"):
            assert names.count(required) == 1


def test_both_parsers_unescape_what_was_escaped() -> None:
    plan = _plan()
    text = "Commas, semicolons; a back\\slash\nand a new line: ünïcode ✓"
    first = plan.weeks[0].sessions[0]
    week = attrs.evolve(
        plan.weeks[0], sessions=[attrs.evolve(first, workout=attrs.evolve(first.workout, description=text))]
    )
    plan = attrs.evolve(plan, weeks=[week, *plan.weeks[1:]])
    data = write_calendar(plan, stamp=STAMP)
    assert str(_icalendar_events(data)[0].get("DESCRIPTION")).startswith(text + "\n\n- ")
    ical_stream = pytest.importorskip("ical.calendar_stream", reason="ical needs Python 3.11 or newer")
    event = ical_stream.IcsCalendarStream.calendar_from_ics(data.decode("utf-8")).events[0]
    assert (event.description or "").startswith(text + "\n\n- ")


def test_a_plan_without_a_start_date_has_no_calendar() -> None:
    with pytest.raises(ValidationError, match="--start"):
        write_calendar(generate_plan("beginner", Speed.kmh(4.0)))


def _unescape(text: str) -> str:
    out, index = [], 0
    while index < len(text):
        if text[index] == "\\":
            out.append("\n" if text[index + 1] in "nN" else text[index + 1])
            index += 2
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=300))
def test_folding_and_escaping_keep_any_text(text: str) -> None:
    line = "DESCRIPTION:" + escape_text(text)
    folded = fold_line(line)
    pieces = folded.split("\r\n ")
    assert all(len(piece.encode("utf-8")) <= MAX_LINE_OCTETS - (index > 0) for index, piece in enumerate(pieces))
    assert "".join(pieces) == line
    assert _unescape(escape_text(text)) == text.replace("\r\n", "\n").replace("\r", "\n")
    assert all(char not in escape_text(text) for char in "\r\n")


@given(strategies.plans(max_weeks=3))
def test_any_plan_with_a_start_gives_one_event_per_dated_session(plan: Plan) -> None:
    if plan.start is None:
        return
    data = write_calendar(plan, stamp=STAMP)
    events = _icalendar_events(data)
    dated = dated_sessions(plan)
    assert [event.get("DTSTART").dt for event in events] == [entry.date for entry in dated]
    assert [str(event.get("SUMMARY")) for event in events][:1] == [
        str(e.get("SUMMARY")) for e in _icalendar_events(write_calendar(plan, stamp=STAMP))
    ][:1]
    assert all(len(line) <= MAX_LINE_OCTETS for line in data.split(b"\r\n"))


def test_the_time_of_day_reads_back_from_our_calendar() -> None:
    from retrointervals.plan_calendar import calendar_time_of_day  # noqa: PLC0415

    plan = _plan()
    assert calendar_time_of_day(write_calendar(plan, time=dt.time(7, 30))) == dt.time(7, 30)
    assert calendar_time_of_day(write_calendar(plan)) is None  # all-day events
    assert calendar_time_of_day(b"DTSTART:20260302T250000\r\n") is None
    assert calendar_time_of_day(b"not a calendar") is None
