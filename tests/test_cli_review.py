"""The log, review and adapt commands: the walk-log-review-adapt loop from the command line."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from recordings import record_session

from retrointervals.cli import main
from retrointervals.formats import native
from retrointervals.plans import workout_name
from retrointervals.sessionlog import read_log


@pytest.fixture
def folder(tmp_path, capsys):
    out = tmp_path / "plan"
    assert main(["plan", "--level", "beginner", "--speed", "4.5", "--start", "2026-12-01", "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def record_week(folder, week=1, recorder="watch"):
    plan = native.read(folder / "plan.json")
    recordings = folder / "recordings"
    recordings.mkdir(exist_ok=True)
    for number, session in enumerate(plan.weeks[week - 1].sessions, start=1):
        day = plan.session_date(week - 1, number - 1)
        start = dt.datetime(day.year, day.month, day.day, 8, tzinfo=dt.timezone.utc)
        laps = "steps" if recorder == "watch" else "none"
        (recordings / f"w{week}s{number}.fit").write_bytes(
            record_session(session.workout, start, recorder=recorder, laps=laps)
        )


def log_week(folder, week=1, *extra):
    for number, day in zip((1, 2, 3), ("01", "03", "05"), strict=True):
        arguments = ["log", str(folder), f"W{week}S{number}", "--date", f"2026-12-{day}", "--rpe", "10"]
        arguments += ["--pain-during", "1", "--pain-after", "1", "--pain-next-morning", "0", "--handrails", *extra]
        assert main(arguments) == 0


def test_log_adds_and_updates_without_losing_entries(folder, capsys):
    assert main(["log", str(folder), "W1S1", "--date", "2026-12-01", "--rpe", "11"]) == 0
    assert main(["log", str(folder), "W1S2", "--date", "2026-12-03", "--stumble"]) == 0
    assert main(["log", str(folder), "W1S1", "--pain-next-morning", "2", "--notes", "stiff knee"]) == 0
    entries = read_log(folder / "log.csv")
    assert [(e.session, e.rpe, e.pain_next_morning, e.notes) for e in entries] == [
        ("W1S1", 11, 2, "stiff knee"),
        ("W1S2", None, None, ""),
    ]
    assert entries[1].stumble.value == "yes"
    assert "updated W1S1" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["W1S1", "--rpe", "25"], "--rpe: must be a whole number from 6 to 20"),
        (["W1S1", "--pain-after", "11"], "--pain-after: must be a whole number from 0 to 10"),
        (["W9S1"], "SESSION: the plan has no such session"),
        (["week one"], "session: expected a session such as W2S1"),
    ],
)
def test_log_refuses_bad_values_in_one_line(folder, capsys, arguments, message):
    assert main(["log", str(folder), *arguments]) == 1
    error = capsys.readouterr().err
    assert message in error
    assert error.count("\n") == 1
    assert not (folder / "log.csv").exists()


def test_review_json_after_an_easy_painless_week_progresses(folder, capsys):
    record_week(folder)
    log_week(folder)
    capsys.readouterr()
    assert main(["review", str(folder), "--today", "2026-12-07", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    sessions = document["sessions"]
    assert [s["session"] for s in sessions] == ["W1S1", "W1S2", "W1S3"]
    plan = native.read(folder / "plan.json")
    for session, planned in zip(sessions, plan.weeks[0].sessions, strict=True):
        planned_s = float(planned.workout.total_time.exact)
        backward_s = float(planned.workout.backward_time.exact)  # timeline.walks_backward: turns stop the belt
        assert (session["planned_s"], session["walked_s"]) == (planned_s, planned_s)
        assert (session["backward_planned_s"], session["backward_walked_s"]) == (backward_s, backward_s)
        assert session["compliance"] == 1.0
        assert session["log"]["rpe_borg_6_20"] == 10
        # Walking steps leave out at least the minimum at their start (at most half the step), and the steps before
        # a turn some of their end.
        walking = [step for step in session["steps"] if not step["belt_stopped"]]
        minimum = document["settle_min_s"]
        assert all(step["settle_start_s"] >= min(minimum, step["planned_s"] / 2) for step in walking), walking
        assert any(step["settle_end_s"] > 0 for step in walking)
    assert document["decision"]["action"] == "progress"
    assert document["decision"]["rules"] == ["R4"]


def test_review_of_recordings_alone_never_progresses(folder, capsys):
    record_week(folder, recorder="qz")
    assert main(["review", str(folder), "--today", "2026-12-07"]) == 0
    out = capsys.readouterr().out
    assert "matched by date, aligned by time" in out
    assert "next week: repeat" in out
    assert "R1h" in out
    assert "effort and pain are unknown" in out


def test_review_of_a_file_given_with_a_session(folder, capsys, tmp_path):
    plan = native.read(folder / "plan.json")
    path = tmp_path / "walk.fit"
    start = dt.datetime(2026, 11, 1, 8, tzinfo=dt.timezone.utc)  # nowhere near a planned date
    path.write_bytes(record_session(plan.weeks[0].sessions[1].workout, start, recorder="qz", laps="none"))
    assert main(["review", str(folder), str(path)]) == 1
    assert "--session" in capsys.readouterr().err
    assert main(["review", str(folder), str(path), "--session", "W1S2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sessions"][0]["matched_by"] == "session given"


def test_adapt_repeats_a_week_with_a_stumble_and_keeps_the_log(folder, capsys):
    log_week(folder)
    assert main(["log", str(folder), "W1S3", "--stumble"]) == 0
    before = native.read(folder / "plan.json")
    capsys.readouterr()
    assert main(["adapt", str(folder), "--today", "2026-12-07"]) == 0
    out = capsys.readouterr().out
    assert "week 1: repeat (R1d)" in out
    after = native.read(folder / "plan.json")
    assert after.weeks[0] == before.weeks[0]
    assert len(after.weeks) == len(before.weeks) + 1
    assert after.weeks[1].sessions[0].workout.steps == before.weeks[0].sessions[0].workout.steps
    assert after.weeks[1].sessions[0].workout.name == workout_name(2, 1)
    assert len(read_log(folder / "log.csv")) == 3
    assert main(["check", str(folder / "plan.json")]) == 0


def test_adapt_stops_after_a_fall_and_leaves_the_files(folder, capsys):
    log_week(folder)
    assert main(["log", str(folder), "W1S2", "--stumble", "fall"]) == 0
    before = (folder / "plan.json").read_bytes()
    assert main(["adapt", str(folder), "--today", "2026-12-07"]) == 1
    out = capsys.readouterr().out
    assert "stop (R6b)" in out
    assert "clinician" in out
    assert (folder / "plan.json").read_bytes() == before


def test_adapt_reads_runtime_numbers_from_the_rules_file(folder, capsys, tmp_path):
    log_week(folder)
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"runtime": {"rpe_progress_max": 9}}))
    capsys.readouterr()
    assert main(["adapt", str(folder), "--today", "2026-12-07", "--rules", str(rules)]) == 0
    assert "repeat (R1b)" in capsys.readouterr().out
    rules.write_text(json.dumps({"runtime": {"rpe_limit": 9}}))
    assert main(["adapt", str(folder), "--today", "2026-12-07", "--rules", str(rules)]) == 1
    assert "unknown runtime setting 'rpe_limit'" in capsys.readouterr().err


def test_adapt_charts_what_was_walked_next_to_the_plan_in_the_report(folder, capsys):
    from lxml import html  # noqa: PLC0415

    record_week(folder)
    log_week(folder)
    assert main(["log", str(folder), "W1S3", "--stumble"]) == 0
    assert main(["adapt", str(folder), "--today", "2026-12-07"]) == 0
    page = html.fromstring((folder / "plan.html").read_bytes())
    figures = page.xpath("//section[@class='walked']/figure[@class='review-chart']")
    assert [figure.get("data-session") for figure in figures] == ["W1S1", "W1S2", "W1S3"]
    for figure in figures:
        assert figure.xpath(".//*[local-name()='svg']")
        assert "compliance 1.00 (green)" in figure.findtext("figcaption")
    assert len(list((folder / "recordings").iterdir())) == 3  # the recordings are kept


def test_the_log_and_the_printed_log_rows_name_their_fields_alike():
    from retrointervals.render.html import LOG_FIELDS  # noqa: PLC0415
    from retrointervals.sessionlog import COLUMNS  # noqa: PLC0415

    names = [name for name, _ in LOG_FIELDS]
    assert set(names) <= set(COLUMNS)
    assert [name for name in COLUMNS if name in names] == names  # the same order too
    assert "Borg 6-20" in dict(LOG_FIELDS)["rpe"]
