"""A session walked live reads back as walked: the live recorder's FIT against the review (issue 15).

Sessions are walked on the in-memory simulated treadmill on a virtual clock (the simulator's belt accelerates at
its own rate, quicker than the runner assumes), recorded with the live recorder, read back with
``read_activity`` and reviewed against the plan.
"""

from __future__ import annotations

import datetime as dt
import functools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrointervals.activity import read_activity
from retrointervals.cli import main
from retrointervals.live.belt import ASSUMED_SPEED_RATE, BARE_TURN_S
from retrointervals.live.clock import SessionClock, run_virtual
from retrointervals.live.link import FtmsClient
from retrointervals.live.recorder import write_activity
from retrointervals.live.session import LiveSession
from retrointervals.live.simulator import Fault, FaultKind, InMemoryLink, SimulatedTreadmill
from retrointervals.live.walker import SimulatedWalker
from retrointervals.model import Direction, Plan, Session, Step, StepKind, Week, Workout
from retrointervals.plans import generate_plan
from retrointervals.review import SETTLE_S, review_activity
from retrointervals.sessionlog import format_session
from retrointervals.treadmill import DEFAULT
from retrointervals.units import Duration, Speed

START = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
#: The assumed belt acceleration, km/h per second.
RATE = ASSUMED_SPEED_RATE / 100


def walk_live(workout, faults=()):
    """Walk ``workout`` on the in-memory simulator on a virtual clock; return the session log."""

    async def run():
        clock = SessionClock()
        link = InMemoryLink(SimulatedTreadmill(clock, faults=faults))
        walker = SimulatedWalker(clock, keep_views=False)
        try:
            return await LiveSession(workout, FtmsClient(link), walker, clock, started_at=START).run()
        finally:
            walker.close()
            await link.close()

    return run_virtual(run())


def record(log, path):
    write_activity(log, path)
    return read_activity(path)


def decode(path):
    garmin = pytest.importorskip("garmin_fit_sdk", reason="garmin-fit-sdk (a dev dependency) decodes the FIT file")
    messages, errors = garmin.Decoder(garmin.Stream.from_byte_array(bytearray(path.read_bytes()))).read()
    assert errors == []
    return messages


PLANS = {
    (level, turn): generate_plan(level, Speed.kmh(4.5), DEFAULT, turn=turn, start=START.date())
    for level, turn in (("beginner", "stop"), ("intermediate", "slow"))
}


@pytest.mark.parametrize(("level", "turn"), sorted(PLANS))
def test_every_session_walked_live_reviews_as_walked(tmp_path, level, turn):
    plan: Plan = PLANS[level, turn]
    for week, number, session in plan.sessions():
        name = format_session(week, number)
        log = walk_live(session.workout)
        assert log.completed, name
        path = tmp_path / f"{name}.fit"
        activity = record(log, path)
        messages = decode(path)
        assert len(messages["lap_mesgs"]) == len(session.workout.timeline)
        review = review_activity(plan, activity, session=name)
        assert review.aligned_by == "laps to steps", name
        assert review.compliance == 1.0, (name, [step for step in review.steps if step.score < 1])
        assert review.band == "green"
        assert review.backward_walked_s == review.backward_planned_s, name
        assert review.backward_walked_kmh == pytest.approx(review.backward_planned_kmh, abs=0.01)
        for step in review.steps:
            if step.belt_stopped:  # the simulated walker turns in a few seconds, not the planned time
                assert step.walked_s > 0
            else:
                assert step.walked_s == pytest.approx(step.planned_s, abs=1e-6), (name, step)
                assert step.walked_kmh == pytest.approx(step.planned_kmh, abs=0.01), (name, step)


def _step(direction, kind, seconds, kmh, **extra):
    return Step(direction=direction, kind=kind, length=Duration(seconds), speed=Speed.kmh(kmh), **extra)


def test_settling_covers_the_speed_change_and_the_slow_down_before_a_turn(tmp_path):
    """The seconds left out follow the assumed acceleration: at a step's start and before a turn."""
    forward, backward = Direction.FORWARD, Direction.BACKWARD
    workout = Workout(
        "settle",
        (
            _step(forward, StepKind.WARMUP, 60, 4.0),
            _step(backward, StepKind.TRANSITION, 15, 1.0),
            _step(backward, StepKind.ACTIVE, 60, 2.0),
            _step(forward, StepKind.RECOVERY, 60, 4.0),  # a bare turn: the slower speed is held, then the change
            _step(forward, StepKind.COOLDOWN, 60, 3.0),
        ),
    )
    plan = Plan(name="settle", weeks=(Week(sessions=(Session(workout=workout),)),))
    activity = record(walk_live(workout), tmp_path / "s.fit")
    steps = review_activity(plan, activity, session="W1S1").steps
    settle = [seconds for step in steps for seconds in (step.settle_start_s, step.settle_end_s)]
    assert settle == pytest.approx(
        [
            seconds
            for pair in (
                (4.0 / RATE, (4.0 - 1.0) / RATE),  # from a standstill; slowed to the turn's speed before it
                (7.5, 0.0),  # a turn step entered at its speed: the least settling, at most half the step
                (SETTLE_S, 0.0),  # 1.0 -> 2.0 takes less than SETTLE_S; the bare turn to a faster step slows nothing
                (BARE_TURN_S + (4.0 - 2.0) / RATE, 0.0),
                (SETTLE_S, 0.0),
            )
            for seconds in pair
        ]
    )


@functools.lru_cache
def _walked_length(workout):
    return walk_live(workout).end


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(FaultKind), st.floats(0.05, 0.95, allow_nan=False))
def test_a_session_cut_short_reviews_as_partial(tmp_path_factory, kind, fraction):
    plan = PLANS["beginner", "stop"]
    workout = plan.weeks[0].sessions[0].workout
    at = round(fraction * _walked_length(workout), 3)  # stopped turns take the simulated walker less than planned
    log = walk_live(workout, faults=[Fault(kind, at)])
    assert not log.completed
    path = tmp_path_factory.mktemp("partial") / "s.fit"
    activity = record(log, path)
    decode(path)
    review = review_activity(plan, activity, session="W1S1")
    assert 0 <= review.compliance < 1
    assert review.backward_walked_s < review.backward_planned_s or review.walked_s < review.planned_s
    assert not math.isnan(review.compliance)


def test_cli_walk_then_review_reads_the_session_as_walked(tmp_path, capsys):
    pytest.importorskip("bumble", reason="bumble (the live extra) simulates the Bluetooth link for walk --simulate")
    out = tmp_path / "plan"
    assert main(["plan", "--level", "beginner", "--speed", "4.5", "--start", "2026-12-07", "--out", str(out)]) == 0
    fit = out / "recordings" / "s.fit"
    walked = ["walk", str(out), "--session", "W1S1", "--simulate", "--speedup", "600", "--yes", "--record", str(fit)]
    assert main(walked) == 0
    capsys.readouterr()
    assert main(["review", str(out)]) == 0
    text = capsys.readouterr().out
    assert "W1S1" in text
    assert "aligned by laps to steps" in text
    assert "compliance 1.00 (green)" in text
    assert "backward speed 2.20 km/h, planned 2.20 km/h" in text
