"""Reviews of recorded sessions: independent recordings of our own sessions, walked in different ways."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from recordings import record_session

from retrointervals import strategies as ris
from retrointervals.activity import fit as activity_fit
from retrointervals.errors import FormatError, ValidationError
from retrointervals.model import Direction, StepKind
from retrointervals.plans import generate_plan
from retrointervals.review import (
    SETTLE_S,
    band,
    match_session,
    review_activity,
    review_chart,
    review_many,
    review_plan,
    review_session,
)
from retrointervals.sessionlog import LogEntry, Status
from retrointervals.timeline import walks_backward
from retrointervals.units import Speed

START = dt.date(2026, 12, 1)


@pytest.fixture(scope="module", params=["stop", "slow"])
def plan(request):
    """An intermediate plan (the first level that may turn on a slow belt), in both turn modes."""
    return generate_plan("intermediate", Speed.kmh(4.5), weeks=2, start=START, turn=request.param)


def stops(plan):
    return plan.weeks[0].sessions[0].workout.timeline[1].step.belt_stopped


def at(plan, week, number, hour=8):
    day = plan.session_date(week - 1, number - 1)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.timezone.utc)


def reviewed(plan, week=1, number=1, entries=(), session=None, **walk):
    workout = plan.weeks[week - 1].sessions[number - 1].workout
    activity = activity_fit.read_bytes(record_session(workout, at(plan, week, number), **walk))
    return review_activity(plan, activity, entries, session=session)


@attrs.frozen
class Expected:
    """A session's figures derived from its plan, walked as planned until ``stop`` seconds.

    A stop-to-turn step counts (its expected length) once the belt moves again after it; compliance is over the
    walking steps; backward time is every second of a step that ``walks_backward``.
    """

    planned_s: float
    walked_s: float
    backward_planned_s: float
    backward_walked_s: float
    walking_planned_s: float
    walking_walked_s: float
    bout_kmh: float
    moving_steps: int

    @classmethod
    def of(cls, workout, stop=float("inf"), skip=lambda step: False):
        figures = dict.fromkeys(("walked", "backward_planned", "backward_walked", "walking_planned", "walking"), 0.0)
        for segment in workout.timeline:
            step = segment.step
            start, end = float(segment.start.exact), float(segment.end.exact)
            length = end - start
            part = 0.0 if skip(step) else (length if step.belt_stopped and end < stop else 0.0)
            if not step.belt_stopped:
                part = 0.0 if skip(step) else max(0.0, min(end, stop) - start)
                figures["walking_planned"] += length
                figures["walking"] += part
            figures["walked"] += part
            if walks_backward(step):
                figures["backward_planned"] += length
                figures["backward_walked"] += part
        return cls(
            planned_s=float(workout.total_time.exact),
            walked_s=figures["walked"],
            backward_planned_s=figures["backward_planned"],
            backward_walked_s=figures["backward_walked"],
            walking_planned_s=figures["walking_planned"],
            walking_walked_s=figures["walking"],
            bout_kmh=max(float(s.step.speed.exact_kmh) for s in workout.timeline if s.step.kind is StepKind.ACTIVE),
            moving_steps=sum(not s.step.belt_stopped for s in workout.timeline),
        )


def expected(plan, week=1, number=1, **walked):
    return Expected.of(plan.weeks[week - 1].sessions[number - 1].workout, **walked)


@pytest.mark.parametrize("recorder", ["watch", "qz"])
def test_walked_exactly(plan, recorder):
    want = expected(plan)
    review = reviewed(plan, recorder=recorder, laps="steps" if recorder == "watch" else "none")
    assert (review.planned_s, review.walked_s) == (want.planned_s, want.planned_s)
    assert (review.backward_planned_s, review.backward_walked_s) == (want.backward_planned_s, want.backward_planned_s)
    assert review.backward_planned_kmh == pytest.approx(want.bout_kmh)
    assert review.backward_walked_kmh == pytest.approx(want.bout_kmh, rel=0.01)
    assert review.compliance == 1.0
    assert review.band == "green"
    assert review.matched_by == ("workout name" if recorder == "watch" else "date")
    assert review.aligned_by == ("laps to steps" if recorder == "watch" else "time")
    # at least SETTLE_S records are left out at the start of each walking step (of 15-s slow turns too: half of
    # 15 s still holds 8), more for a larger change of speed and before a turn; stopped turns have no speed to average
    assert len(review.steps) == len(plan.weeks[0].sessions[0].workout.timeline)
    moving = [step for step in review.steps if not step.belt_stopped]
    assert all(step.settle_start_s >= min(SETTLE_S, step.planned_s / 2) for step in moving)
    assert all(abs(step.settle_records - (step.settle_start_s + step.settle_end_s)) <= 2 for step in moving)
    assert review.settle_records == sum(step.settle_records for step in moving) >= SETTLE_S * want.moving_steps
    stopped = [step for step in review.steps if step.belt_stopped]
    assert len(stopped) == (8 if stops(plan) else 0)
    assert all(step.score == 1.0 and step.walked_s == step.planned_s for step in stopped)


@pytest.mark.parametrize("recorder", ["watch", "qz"])
def test_stopped_half_way(plan, recorder):
    half = expected(plan).planned_s / 2
    want = expected(plan, stop=half)
    review = reviewed(plan, recorder=recorder, laps="steps" if recorder == "watch" else "none", stop_after_s=half)
    assert review.walked_s == want.walked_s
    assert review.backward_walked_s == want.backward_walked_s == want.backward_planned_s / 2  # 2 of 4 bouts
    assert review.compliance == pytest.approx(want.walking_walked_s / want.walking_planned_s)
    assert review.compliance == pytest.approx(0.5, abs=0.05)
    assert review.band == "yellow"


def test_backward_bouts_skipped(plan):
    def skipped(step):  # the walker left out every bout and the turns around them
        return (step.direction is Direction.BACKWARD and not step.belt_stopped) or step.kind is StepKind.TRANSITION

    want = expected(plan, skip=skipped)
    review = reviewed(plan, skip_backward=True)
    assert review.backward_walked_s == 0.0 == want.backward_walked_s
    assert review.backward_walked_kmh is None
    assert review.walked_s == want.walked_s
    assert review.compliance == pytest.approx(want.walking_walked_s / want.walking_planned_s)
    assert review.band == "yellow"
    assert not any(step.walked_s for step in review.steps if step.belt_stopped)  # no turn, so no stop either


def test_speeds_ten_percent_low(plan):
    want = expected(plan)
    review = reviewed(plan, speed_factor=0.9)
    assert review.walked_s == want.planned_s
    assert review.backward_walked_kmh == pytest.approx(0.9 * want.bout_kmh, rel=0.01)
    assert review.compliance == pytest.approx(0.9, abs=0.005)
    assert review.band == "green"


def test_a_lap_button_session_from_qdomyos_zwift(plan):
    review = reviewed(plan, 1, 2, recorder="qz", laps="button", noise=0.03, accel_kmh_per_s=0.5, seed=7)
    assert review.aligned_by == "lap per step"
    assert review.session == "W1S2"
    assert review.walked_s == expected(plan, 1, 2).planned_s
    assert review.compliance == 1.0


@pytest.mark.parametrize("auto_pause", [False, True])
def test_laps_pressed_at_stopped_turns_that_took_longer(plan, auto_pause):
    """qdomyos-zwift: the lap button at the end of each stopped turn only; the turns take 45 s, not 30."""
    want = expected(plan)
    review = reviewed(
        plan, recorder="qz", laps="presses", turn_s=45, auto_pause=auto_pause, noise=0.02, accel_kmh_per_s=0.5
    )
    assert review.compliance == 1.0
    if stops(plan):
        assert review.aligned_by == "laps at lap-button steps"
        turns = [step for step in review.steps if step.belt_stopped]
        assert [step.walked_s for step in turns] == [45.0] * len(turns)  # real time, pauses included
        n = len(turns)
        note = f"{n} of {n} stopped turns done, {45 * n // 60}:00 in all (expected {30 * n // 60}:00)"
        assert note in review.notes[0]
        assert review.walked_s == want.planned_s + 15 * len(turns)
    else:  # no lap-button steps: one lap, aligned by time
        assert review.aligned_by == "time"
        assert review.walked_s == want.planned_s


def test_stopped_turns_without_laps_are_found_where_the_belt_stops_and_restarts(plan):
    """Aligned by time: a turn lasts until the belt moves again, however long it took, auto-paused or not."""
    if not stops(plan):
        pytest.skip("slow turns do not stop the belt")
    want = expected(plan)
    for auto_pause in (False, True):
        review = reviewed(plan, recorder="qz", laps="none", turn_s=50, auto_pause=auto_pause, accel_kmh_per_s=0.8)
        assert review.aligned_by == "time"
        assert review.compliance == 1.0
        turns = [step for step in review.steps if step.belt_stopped]
        assert [step.walked_s for step in turns] == pytest.approx([50.0] * len(turns), abs=1.0)
        assert review.walked_s == pytest.approx(want.planned_s + 20 * len(turns), abs=len(turns))
        assert review.backward_walked_s == pytest.approx(want.backward_planned_s, abs=len(turns))


def test_noise_and_slow_belts_are_absorbed_by_the_settling_window(plan):
    review = reviewed(plan, recorder="qz", laps="none", noise=0.02, accel_kmh_per_s=0.4, seed=3)
    assert review.compliance == 1.0
    slowest = min(step.walked_kmh / step.planned_kmh for step in review.steps if step.walked_kmh)
    assert slowest > 1 - 0.05


def test_a_paused_recording_is_aligned_on_the_timer_clock(plan):
    review = reviewed(plan, recorder="qz", laps="none", pause_at_s=400)
    assert review.aligned_by == "time"
    assert review.walked_s == expected(plan).planned_s
    assert review.compliance == 1.0


@given(st.data())
def test_review_figures_stay_in_their_ranges(plan, data):
    week = data.draw(st.integers(1, 2))
    number = data.draw(st.integers(1, 3))
    workout = plan.weeks[week - 1].sessions[number - 1].workout
    activity = data.draw(ris.recorded_activities(workout))
    review = review_activity(plan, activity, session=f"W{week}S{number}")
    assert 0.0 <= review.compliance <= 1.0
    assert review.band in ("green", "yellow", "orange", "red")
    assert len(review.steps) == len(workout.timeline)
    assert review.backward_walked_s <= review.walked_s + 1e-9
    assert review.walked_s <= activity.duration_s + len(review.steps) + 1e-9
    assert review.backward_planned_s > 0


def test_matching_by_date_and_speed_profile_and_by_the_user(plan):
    workout = plan.weeks[0].sessions[1].workout
    shifted = at(plan, 1, 2) + dt.timedelta(days=1)  # walked a day late
    activity = activity_fit.read_bytes(record_session(workout, shifted, recorder="qz", laps="none"))
    assert match_session(plan, activity)[2] == "date and speed profile"
    assert match_session(plan, activity, "w2s3") == (2, 3, "session given")
    with pytest.raises(ValidationError, match="no session W3S1"):
        match_session(plan, activity, "W3S1")
    far = activity_fit.read_bytes(
        record_session(workout, at(plan, 1, 1) - dt.timedelta(days=30), recorder="qz", laps="none")
    )
    with pytest.raises(FormatError, match="--session"):
        match_session(plan, far)


def test_sessions_without_a_recording_come_from_the_log(plan):
    done = LogEntry(date=START, session="W1S1", rpe=10)
    partial = LogEntry(date=START, session="W1S2", status=Status.PARTIAL, backward_minutes=3)
    reviews = review_plan(plan, [done, partial])
    assert [r.session for r in reviews] == ["W1S1", "W1S2"]
    assert (reviews[0].compliance, reviews[0].band) == (1.0, "green")
    assert reviews[1].compliance == pytest.approx(min(1.0, 180 / expected(plan, 1, 2).backward_planned_s))
    assert reviews[1].backward_walked_s == 180
    missed = review_session(plan, 1, 3)
    assert missed.missed
    assert (missed.compliance, missed.band) == (0.0, "red")


def test_a_recording_without_a_log_says_effort_and_pain_are_unknown(plan):
    review = reviewed(plan)
    assert review.entry is None
    assert any("effort and pain unknown" in note for note in review.notes)
    entry = LogEntry(date=START, session="W1S1", rpe=11)
    assert reviewed(plan, entries=[entry]).entry == entry


def test_bands():
    assert [band(x) for x in (1.0, 0.8, 0.79, 0.5, 0.49, 0.0)] == [
        "green",
        "green",
        "yellow",
        "yellow",
        "orange",
        "red",
    ]
    assert band(1.0, walked=False) == "red"


def test_review_many_uses_processes_and_reports_bad_files(plan, tmp_path):
    paths = []
    for number in (1, 2, 3):
        path = tmp_path / f"s{number}.fit"
        path.write_bytes(record_session(plan.weeks[0].sessions[number - 1].workout, at(plan, 1, number)))
        paths.append(path)
    bad = tmp_path / "bad.fit"
    bad.write_bytes(b"nope")
    reviews, problems = review_many(plan, [*paths, bad], workers=2)
    assert sorted(r.session for r in reviews) == ["W1S1", "W1S2", "W1S3"]
    assert all(r.compliance == 1.0 for r in reviews)
    assert len(problems) == 1
    assert "bad.fit" in problems[0]


def test_the_review_benchmark_runs():
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_review.py"
    ran = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stderr
    assert "ratio" in ran.stdout
    assert "speed-up" in ran.stdout


def tcx_recording(workout, start):
    """A TCX export of the workout walked exactly, one lap per step (as a watch that laps each step exports it)."""
    laps = []
    distance = 0.0
    for segment in workout.timeline:
        began = start + dt.timedelta(seconds=float(segment.start.exact))
        seconds = int(segment.duration.exact)
        mps = 0.0 if segment.step.belt_stopped else float(segment.step.speed.exact_kmh) / 3.6
        points = []
        for second in range(seconds):
            moment = (began + dt.timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")
            points.append(
                f"<Trackpoint><Time>{moment}</Time><DistanceMeters>{distance:.2f}</DistanceMeters>"
                f"<Extensions><TPX xmlns='http://www.garmin.com/xmlschemas/ActivityExtension/v2'>"
                f"<Speed>{mps:.3f}</Speed></TPX></Extensions></Trackpoint>"
            )
            distance += mps
        laps.append(
            f"<Lap StartTime='{began.strftime('%Y-%m-%dT%H:%M:%SZ')}'><TotalTimeSeconds>{seconds}</TotalTimeSeconds>"
            f"<DistanceMeters>{mps * seconds:.2f}</DistanceMeters><Intensity>Active</Intensity>"
            f"<TriggerMethod>Manual</TriggerMethod><Track>{''.join(points)}</Track></Lap>"
        )
    return (
        "<?xml version='1.0'?><TrainingCenterDatabase "
        "xmlns='http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2'><Activities><Activity Sport='Other'>"
        f"<Id>{start.strftime('%Y-%m-%dT%H:%M:%SZ')}</Id>{''.join(laps)}</Activity></Activities>"
        "</TrainingCenterDatabase>"
    ).encode()


def test_a_tcx_export_is_reviewed_lap_by_lap(plan):
    from retrointervals.activity import tcx  # noqa: PLC0415

    activity = tcx.read_bytes(tcx_recording(plan.weeks[1].sessions[0].workout, at(plan, 2, 1)))
    review = review_activity(plan, activity)
    assert (review.session, review.matched_by, review.aligned_by) == ("W2S1", "date", "lap per step")
    assert review.walked_s == review.planned_s
    assert review.backward_walked_s == review.backward_planned_s == expected(plan, 2, 1).backward_planned_s
    assert review.compliance == 1.0


def test_the_review_chart_is_svg_with_a_box_per_step(plan):
    from lxml import etree  # noqa: PLC0415

    review = reviewed(plan, speed_factor=0.9)
    root = etree.fromstring(review_chart(review).encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    measured = [step for step in review.steps if step.walked_kmh is not None]
    assert len(root.findall("{http://www.w3.org/2000/svg}line")) == len(measured)
    assert len(measured) == len(review.steps) - (8 if stops(plan) else 0)  # stopped turns have no speed
    assert "compliance 0.90" in root.findtext("{http://www.w3.org/2000/svg}title")
    assert [s["walked_s"] for s in review.to_json()["steps"]] == [step.walked_s for step in review.steps]
