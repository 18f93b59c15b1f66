"""The dated files of a plan folder: which files, the intervals.icu events and what README.txt says."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given

from retrointervals import strategies
from retrointervals.errors import ValidationError
from retrointervals.formats import intervals, session_file_stem
from retrointervals.model import Plan, Workout
from retrointervals.plan_dates import dated_plan_files, dated_sessions, parse_time_of_day, session_title, session_uid
from retrointervals.plans import generate_plan
from retrointervals.safety import SAFETY_NOTE
from retrointervals.units import Speed

START = dt.date(2026, 3, 2)
STAMP = dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc)


def _steps(workout: Workout) -> list[object]:
    return [segment.step for segment in workout.timeline]


def test_a_plan_with_a_start_date_gets_every_dated_file() -> None:
    plan = generate_plan("beginner", Speed.kmh(4.0), start=START)
    dated = dated_plan_files(plan, time=dt.time(18, 30), stamp=STAMP, today=dt.date(2026, 1, 1))
    names = [name for name, _ in dated.files]
    texts = [f"intervals/{session_file_stem(week, number)}.txt" for week, number, _ in plan.sessions()]
    assert names == [*texts, "intervals/events.json", "plan.ics", "fit/schedule.fit"]
    readme = "\n".join(dated.readme)
    assert "GARMIN/NewFiles" in readme
    assert "events/bulk?upsert=true" in readme
    assert "at 18:30 local time" in readme
    assert dated.changes == ()
    assert "later sessions" not in readme  # 12 sessions fit a watch's schedule
    without = dated_plan_files(plan, stamp=STAMP, today=dt.date(2026, 1, 1), schedule=False)
    assert [name for name, _ in without.files] == names[:-1]
    assert "GARMIN" not in "\n".join(without.readme)


def test_without_a_start_date_only_the_texts_and_a_note() -> None:
    plan = generate_plan("beginner", Speed.kmh(4.0))
    dated = dated_plan_files(plan)
    assert all(name.startswith("intervals/week") for name, _ in dated.files)
    assert len(dated.files) == sum(len(week.sessions) for week in plan.weeks)
    assert any("--start" in line for line in dated.readme)


def test_the_readme_says_what_to_do_past_the_watch_limit() -> None:
    plan = generate_plan("advanced", Speed.kmh(5.0), weeks=12, sessions_per_week=4, start=START)
    readme = "\n".join(dated_plan_files(plan, stamp=STAMP, today=START).readme)
    assert "about 30 scheduled workouts" in readme
    assert "write the plan again" in readme


def test_events_json_is_one_workout_event_per_session_with_stable_ids() -> None:
    plan = generate_plan("rehab", Speed.kmh(3.0), start=START)
    events = json.loads(intervals.events_json(plan))
    dated = dated_sessions(plan)
    assert len(events) == len(dated)
    for event, entry in zip(events, dated, strict=True):
        assert event["category"] == "WORKOUT"
        assert event["start_date_local"] == f"{entry.date.isoformat()}T00:00:00"
        assert event["name"] == session_title(entry.session.workout, entry.week, entry.number)
        assert event["external_id"] == session_uid(plan, entry.week, entry.number)
        assert event["description"].startswith(SAFETY_NOTE)
        # The description is the workout text, which reads back to the same timeline.
        back = intervals.read_bytes(event["description"].encode())
        assert _steps(back) == _steps(entry.session.workout)
    assert intervals.events_json(plan) == intervals.events_json(plan)
    assert json.loads(intervals.events_json(generate_plan("rehab", Speed.kmh(3.0)))) == []


def test_session_titles_say_the_bouts() -> None:
    plan = generate_plan("beginner", Speed.kmh(4.0), start=START)
    assert session_title(plan.weeks[0].sessions[0].workout, 1, 1) == "Retro walk W1S1: 4 x 1:30 backward"


@pytest.mark.parametrize(
    ("text", "time"), [("18:30", dt.time(18, 30)), ("7:05", dt.time(7, 5)), (" 00:00 ", dt.time(0))]
)
def test_times_of_day(text: str, time: dt.time) -> None:
    assert parse_time_of_day(text) == time


@pytest.mark.parametrize("text", ["24:00", "18:60", "1830", "18:3", "18:30:00", "", "١٨:٣٠", "-1:30"])
def test_bad_times_of_day_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="HH:MM"):
        parse_time_of_day(text)


@given(strategies.plans(max_weeks=2))
def test_any_plan_gets_its_dated_files_under_the_lossy_policy(plan: Plan) -> None:
    dated = dated_plan_files(plan, stamp=STAMP, today=dt.date(2000, 1, 1))
    names = dict(dated.files)
    sessions = dated_sessions(plan)
    assert len([name for name in names if name.endswith(".txt")]) == sum(len(week.sessions) for week in plan.weeks)
    if plan.start is None or not sessions:
        assert set(names) == {name for name in names if name.startswith("intervals/week")}
        return
    assert len(json.loads(names["intervals/events.json"])) == len(sessions)
    assert names["plan.ics"].count(b"BEGIN:VEVENT") == len(sessions)
    assert names["fit/schedule.fit"][8:12] == b".FIT"


def test_the_intervals_files_can_be_left_out() -> None:
    plan = generate_plan("beginner", Speed.kmh(4.0), start=START)
    dated = dated_plan_files(plan, stamp=STAMP, today=dt.date(2026, 1, 1), intervals=False)
    assert [name for name, _ in dated.files] == ["plan.ics", "fit/schedule.fit"]
    assert "intervals" not in "\n".join(dated.readme)
    undated = dated_plan_files(generate_plan("beginner", Speed.kmh(4.0)), intervals=False, schedule=False)
    assert undated.files == ()
    assert undated.readme == ("No calendar (plan.ics): it needs a start date (plan --start YYYY-MM-DD).",)
    every = dated_plan_files(generate_plan("beginner", Speed.kmh(4.0)))
    assert every.readme[-1] == (
        "No calendar (plan.ics), watch schedule (fit/schedule.fit) or intervals.icu events (intervals/events.json): "
        "they need a start date (plan --start YYYY-MM-DD)."
    )
