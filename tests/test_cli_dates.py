"""Plan dates through the command line: `plan --start --time` writes the calendar, the watch schedule and the
intervals.icu files; `--force` keeps their identities and leaves no stale file; `convert`, `show` and `validate`
read intervals.icu text with the same policy and change list as every format."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import fitdecode
import icalendar
import pytest

from retrointervals import Plan, Workout
from retrointervals.cli import main
from retrointervals.export import MANIFEST_NAME
from retrointervals.formats import fit_schedule, native, read
from retrointervals.plan_dates import dated_sessions

START = "2027-01-04"  # a Monday
#: The day the watch schedule starts from in these tests (it holds the sessions from "today" on).
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The schedule starts on TODAY, so that these tests do not depend on the date they run."""
    original = fit_schedule.write_plan_schedule

    def on_fixed_day(plan: Plan, **options: object) -> tuple[bytes, tuple[object, ...]]:
        options["today"] = TODAY
        return original(plan, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(fit_schedule, "write_plan_schedule", on_fixed_day)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _plan(capsys: pytest.CaptureFixture[str], folder: Path, *extra: str) -> str:
    status, out, err = run(capsys, "plan", "--level", "beginner", "--speed", "4.5", "--out", str(folder), *extra)
    assert (status, err) == (0, "")
    return out


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _fit_messages(data: bytes) -> list[fitdecode.FitDataMessage]:
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        return [frame for frame in reader if isinstance(frame, fitdecode.FitDataMessage)]


def _ics_uids(folder: Path) -> list[str]:
    calendar = icalendar.Calendar.from_ical((folder / "plan.ics").read_bytes())
    return [str(event["UID"]) for event in calendar.walk("VEVENT")]


def test_plan_with_start_and_time_writes_every_dated_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "knee"
    out = _plan(capsys, folder, "--start", START, "--time", "07:30")
    assert "need --start" not in out
    plan = native.read(folder / "plan.json")
    assert isinstance(plan, Plan)
    dated = dated_sessions(plan)
    assert dated[0].date == dt.date(2027, 1, 4)

    # plan.ics: one event per session, at 07:30 on its day (floating local time)
    calendar = icalendar.Calendar.from_ical((folder / "plan.ics").read_bytes())
    starts = [event.decoded("DTSTART") for event in calendar.walk("VEVENT")]
    assert starts == [dt.datetime.combine(entry.date, dt.time(7, 30)) for entry in dated]
    assert all(start.tzinfo is None for start in starts)

    # fit/schedule.fit: every entry is the file_id of the session's workout file in fit/
    messages = _fit_messages((folder / "fit" / "schedule.fit").read_bytes())
    entries = [m for m in messages if m.name == "schedule"]
    assert len(entries) == len(dated)
    for entry, session in zip(entries, dated, strict=True):
        workout = _fit_messages((folder / "fit" / f"week{session.week:02d}-session{session.number}.fit").read_bytes())
        file_id = next(m for m in workout if m.name == "file_id")
        for field in ("manufacturer", "product", "serial_number", "time_created"):
            assert entry.get_raw_value(field) == file_id.get_raw_value(field), field

    # intervals/: one text per session, each reads back to the session's timeline; events.json one per session
    texts = sorted(name for name in _files(folder) if name.startswith("intervals/week"))
    assert len(texts) == len(dated)
    for name, entry in zip(texts, dated, strict=True):
        workout = read(folder / name)
        assert isinstance(workout, Workout)
        assert workout.timeline == entry.session.workout.timeline
    events = json.loads((folder / "intervals" / "events.json").read_text(encoding="utf-8"))
    assert [event["start_date_local"][:10] for event in events] == [entry.date.isoformat() for entry in dated]
    assert [event["external_id"] for event in events] == _ics_uids(folder)

    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "at 07:30 local time" in readme
    assert "GARMIN/NewFiles" in readme
    assert "events/bulk?upsert=true" in readme
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    listed = json.dumps(manifest)
    for name in ("plan.ics", "fit/schedule.fit", "intervals/events.json", *texts):
        assert name in listed, name


def test_without_start_no_calendar_schedule_or_events_and_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "undated"
    out = _plan(capsys, folder)
    assert "they need --start" in out
    names = _files(folder)
    assert not {"plan.ics", "fit/schedule.fit", "intervals/events.json"} & names
    assert "intervals/week01-session1.txt" in names
    assert "plan --start YYYY-MM-DD" in (folder / "README.txt").read_text(encoding="utf-8")


def test_force_keeps_the_identities_and_leaves_no_stale_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "knee"
    _plan(capsys, folder, "--start", START, "--weeks", "4")
    uids = _ics_uids(folder)
    events = json.loads((folder / "intervals" / "events.json").read_text(encoding="utf-8"))
    _plan(capsys, folder, "--start", START, "--weeks", "4", "--time", "18:00", "--force")
    assert _ics_uids(folder) == uids  # importing again updates the same events
    again = json.loads((folder / "intervals" / "events.json").read_text(encoding="utf-8"))
    assert [event["external_id"] for event in again] == [event["external_id"] for event in events]

    _plan(capsys, folder, "--start", START, "--weeks", "2", "--force")  # a shorter plan
    plan = native.read(folder / "plan.json")
    assert isinstance(plan, Plan)
    sessions = sum(len(week.sessions) for week in plan.weeks)
    names = _files(folder)
    assert len([name for name in names if name.startswith("intervals/week")]) == sessions
    assert len([name for name in names if name.startswith("fit/week")]) == sessions
    assert len(_ics_uids(folder)) == sessions  # another plan (its name says 2 weeks): other identities

    _plan(capsys, folder, "--force")  # no start date: the dated files go
    assert not {"plan.ics", "fit/schedule.fit", "intervals/events.json"} & _files(folder)


def test_formats_choose_the_intervals_files_and_the_schedule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _plan(capsys, tmp_path / "a", "--start", START, "--formats", "json,fit")
    names = _files(tmp_path / "a")
    assert {"plan.ics", "fit/schedule.fit"} <= names
    assert not any(name.startswith("intervals/") for name in names)
    assert "intervals.icu" not in (tmp_path / "a" / "README.txt").read_text(encoding="utf-8")
    _plan(capsys, tmp_path / "b", "--start", START, "--formats", "json,intervals")
    names = _files(tmp_path / "b")
    assert {"plan.ics", "intervals/events.json", "intervals/week01-session1.txt"} <= names
    assert not any(name.startswith("fit/") for name in names)


@pytest.mark.parametrize("text", ["24:00", "7.30", "730", "18:60", "x" * 200])
def test_a_bad_time_is_a_command_line_error(text: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["plan", "--level", "beginner", "--speed", "4.5", "--time", text, "--out", str(tmp_path / "x")])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "argument --time: expected a time of day as HH:MM" in err
    assert "Traceback" not in err
    assert len(err.splitlines()[-1]) < 200
    assert not (tmp_path / "x").exists()


FOREIGN = b"Warmup\n- 10m 15:00/km Pace\n\nMain set 4x\n- Hard 2m 6:00/km Pace\n- Easy 1m 75%\n"


def test_convert_and_show_read_intervals_text_with_the_same_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "foreign.txt"
    source.write_bytes(FOREIGN)
    status, _, err = run(capsys, "show", str(source))
    assert status == 1
    assert "foreign.txt, line 6" in err
    assert "--speed" in err  # a step without a pace needs a belt speed: never invented
    status, _, err = run(capsys, "show", str(source), "--speed", "3")
    assert status == 1
    assert "--lossy" in err  # strict: the first change stops the command
    status, out, err = run(capsys, "show", str(source), "--speed", "3", "--lossy")
    assert (status, err) == (0, "")
    assert "used the given speed 3.0 km/h" in out

    target = tmp_path / "foreign.fit"
    status, out, err = run(capsys, "convert", str(source), str(target), "--speed", "3", "--lossy")
    assert (status, err) == (0, "")
    assert "changed reading" in out
    workout = read(target)
    assert isinstance(workout, Workout)
    assert workout.total_time.in_seconds == 600 + 4 * 180

    # and back: a workout written as intervals.icu text reads back to the same timeline
    text = tmp_path / "back.txt"
    status, out, err = run(capsys, "convert", str(target), str(text))
    assert (status, err) == (0, "")
    back = read(text)
    assert isinstance(back, Workout)
    assert back.timeline == workout.timeline


def test_validate_reads_intervals_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "foreign.txt"
    source.write_bytes(FOREIGN)
    status, out, _ = run(capsys, "validate", str(source))
    assert status == 0
    assert "valid intervals.icu workout text, but not usable" in out
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"just a title\n")
    status, out, _ = run(capsys, "validate", str(broken))
    assert status == 1
    assert "invalid intervals.icu workout text" in out


def test_adapt_keeps_the_calendar_time_and_the_identities(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "knee"
    _plan(capsys, folder, "--start", "2026-12-01", "--time", "07:30")
    uids = _ics_uids(folder)
    for number, day in zip((1, 2, 3), ("01", "03", "05"), strict=True):
        arguments = ["log", str(folder), f"W1S{number}", "--date", f"2026-12-{day}", "--rpe", "10"]
        arguments += ["--pain-during", "1", "--pain-after", "1", "--pain-next-morning", "0", "--handrails"]
        assert main(arguments) == 0
    assert main(["log", str(folder), "W1S3", "--stumble"]) == 0  # the week is repeated: the plan changes
    assert main(["adapt", str(folder), "--today", "2026-12-07"]) == 0
    capsys.readouterr()
    calendar = icalendar.Calendar.from_ical((folder / "plan.ics").read_bytes())
    starts = [event.decoded("DTSTART") for event in calendar.walk("VEVENT")]
    assert all(start.time() == dt.time(7, 30) for start in starts)
    assert len(starts) > len(uids)  # one week more
    assert _ics_uids(folder)[: len(uids)] == uids  # the same slots update the same events


def test_export_writes_the_dated_files_of_a_plan_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _plan(capsys, tmp_path / "a", "--start", START)
    status, out, err = run(
        capsys, "export", str(tmp_path / "a" / "plan.json"), "--out", str(tmp_path / "b"), "--time", "06:00"
    )
    assert (status, err) == (0, "")
    assert "need" not in out
    calendar = icalendar.Calendar.from_ical((tmp_path / "b" / "plan.ics").read_bytes())
    assert {event.decoded("DTSTART").time() for event in calendar.walk("VEVENT")} == {dt.time(6, 0)}
    assert _ics_uids(tmp_path / "b") == _ics_uids(tmp_path / "a")  # the same plan: the same events
    assert {"fit/schedule.fit", "intervals/events.json"} <= _files(tmp_path / "b")
    _plan(capsys, tmp_path / "c")
    status, out, _ = run(capsys, "export", str(tmp_path / "c" / "plan.json"), "--out", str(tmp_path / "d"))
    assert status == 0
    assert "they need a start date in the plan file" in out
    assert "plan.ics" not in _files(tmp_path / "d")
