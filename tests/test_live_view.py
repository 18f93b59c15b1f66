"""The terminal view renders each state of a live session; the walk and probe commands."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from retrointervals.cli import main
from retrointervals.live.clock import SessionClock, run_virtual
from retrointervals.live.ftms import InclinationRange, SpeedRange
from retrointervals.live.link import FtmsClient, MachineInfo
from retrointervals.live.session import LiveSession
from retrointervals.live.simulator import InMemoryLink, SimulatedTreadmill
from retrointervals.live.terminal import TerminalWalker
from retrointervals.live.view import Phase, SessionView, big_text, render
from retrointervals.live.walk import profile_json, treadmill_profile
from retrointervals.live.walker import Key, SimulatedWalker
from retrointervals.model import Direction, Step, StepKind, Workout
from retrointervals.units import Duration, Speed

ROOT = Path(__file__).resolve().parent.parent


def test_before_start():
    text = render(SessionView(phase=Phase.READY, workout="Retro W1 S1", step_count=17, total=1350))
    assert big_text("READY") in text
    assert "safety key" in text
    assert "0:00 / 22:30" in text


def test_a_bout_shows_direction_time_left_speed_incline_and_next():
    view = SessionView(
        phase=Phase.WALKING,
        workout="Retro W1 S1",
        direction=Direction.BACKWARD,
        step_number=3,
        step_count=17,
        step_label="Backward active",
        time_left=75,
        elapsed=390,
        total=1350,
        speed="2.2 km/h",
        belt_kmh=2.18,
        incline="1.0 %",
        belt_incline=1.0,
        next_step="Backward transition at 1.0 km/h, 15 s",
        hold_handrails=True,
    )
    text = render(view)
    assert big_text("BACKWARD") in text
    assert "Step 3/17: Backward active   1:15 left" in text
    assert big_text("1:15") in text  # the time left, large
    assert "Speed 2.2 km/h  (belt 2.2 km/h)   Incline 1.0 %  (deck 1.0 %)" in text
    assert "Next: Backward transition at 1.0 km/h, 15 s" in text
    assert "Hold the handrails." in text


def test_a_turn_announcement_is_framed():
    view = SessionView(
        phase=Phase.TURN_AHEAD,
        direction=Direction.FORWARD,
        step_number=1,
        step_count=3,
        step_label="Forward warm-up",
        time_left=8,
        speed="4.1 km/h",
        incline="0.0 %",
        announcement="TURN AHEAD in 8 s: slowing down, then face BACKWARD",
    )
    lines = render(view, width=70).splitlines()
    index = next(i for i, line in enumerate(lines) if "TURN AHEAD" in line)
    assert lines[index - 1] == lines[index + 1] == "*" * 70
    assert big_text("FORWARD") in "\n".join(lines)


def test_pause_and_stop():
    paused = render(SessionView(phase=Phase.PAUSED, direction=Direction.BACKWARD, step_number=2, step_count=3))
    assert big_text("PAUSED") in paused
    assert "space to resume" in paused
    stopped = render(SessionView(phase=Phase.STOPPED, message="Stopped by the walker. Belt stopped."))
    assert big_text("STOP") in stopped
    assert "Stopped by the walker. Belt stopped." in stopped
    assert "keys:" not in stopped


def test_a_wait_shows_its_prompt():
    view = SessionView(phase=Phase.WAITING, direction=Direction.FORWARD, step_number=2, step_count=3, prompt="Go")
    text = render(view)
    assert ">>> Go" in text
    assert "until you press Enter" in text


def test_render_is_pure():
    view = SessionView(phase=Phase.WALKING, direction=Direction.FORWARD, step_number=1, step_count=1)
    assert render(view) == render(view)


def test_the_runner_shows_every_state_in_order():
    forward = Step(direction=Direction.FORWARD, kind=StepKind.ACTIVE, length=Duration(60), speed=Speed.kmh(4))
    turn = Step(direction=Direction.FORWARD, kind=StepKind.TRANSITION, length=Duration(10), speed=Speed.kmh(1))
    back = Step(direction=Direction.BACKWARD, kind=StepKind.ACTIVE, length=Duration(60), speed=Speed.kmh(2))
    workout = Workout("views", [forward, turn, back])

    async def walk():
        clock = SessionClock()
        sim = SimulatedTreadmill(clock)
        link = InMemoryLink(sim)
        walker = SimulatedWalker(clock, script=[(100, Key.PAUSE), (110, Key.RESUME)])
        session = LiveSession(workout, FtmsClient(link), walker, clock)
        task = session.run()
        log = await task
        walker.close()
        await link.close()
        return walker, log

    walker, log = run_virtual(walk())
    phases = [view.phase for view in walker.views]
    assert phases[0] is Phase.READY
    assert Phase.TURNING in phases
    assert Phase.PAUSED in phases
    assert phases[-1] is Phase.STOPPED
    assert log.completed


def test_the_terminal_walker_prints_changes_when_not_a_terminal():
    out = io.StringIO()

    async def main_():
        walker = TerminalWalker(SessionClock(), assume_yes=True, out=out)
        assert await walker.confirm("Start?")
        view = SessionView(phase=Phase.WALKING, direction=Direction.BACKWARD, step_number=1, step_count=2)
        walker.show(view)
        walker.show(view)
        walker.tell("Belt stopped.")
        walker.press(Key.STOP)
        assert await walker.next_key() is Key.STOP
        walker.close()

    run_virtual(main_())
    lines = out.getvalue().splitlines()
    assert lines[0] == "Start? yes (--yes)"
    assert len([line for line in lines if "BACKWARD" in line]) == 1
    assert lines[-1] == "Belt stopped."


def test_probe_profile_from_reported_ranges():
    sim = SimulatedTreadmill(SessionClock(), speed_range=SpeedRange(55, 1610, 10))
    info = MachineInfo("m", sim.features, sim.speed_range, InclinationRange(-30, 150, 5))
    profile = treadmill_profile(info, "gym")
    assert str(profile.min_speed) == "0.6 km/h"  # kept inside the machine's range
    assert str(profile.max_speed) == "16.1 km/h"
    assert profile_json(profile)["min_incline_pct"] == -3.0


# --- the commands --------------------------------------------------------------------------------------------


@pytest.fixture
def plan_dir(tmp_path):
    folder = tmp_path / "plan"
    assert main(["plan", "--level", "beginner", "--speed", "4.5", "--out", str(folder), "--formats", "json"]) == 0
    return folder


def test_walk_in_the_simulator_records_and_traces(plan_dir, tmp_path, capsys):
    record, trace = tmp_path / "s.fit", tmp_path / "t.jsonl"
    status = main(
        [
            "walk",
            str(plan_dir),
            "--session",
            "W1S1",
            "--simulate",
            "--simulate-link",
            "memory",
            "--speedup",
            "5000",
            "--yes",
            "--record",
            str(record),
            "--trace",
            str(trace),
        ]
    )
    output = capsys.readouterr().out
    assert status == 0, output
    assert "Session complete. Belt stopped." in output
    entries = [json.loads(line) for line in trace.read_text().splitlines()]
    assert {"request_control", "start", "set_speed", "stop"} <= {entry["op"] for entry in entries}
    for entry in entries:
        if entry["op"] in ("set_speed", "set_incline", "stop", "start", "request_control", "pause"):
            assert entry["result"] == "success"
            assert isinstance(entry["t"], float | int)
    assert record.read_bytes()[8:12] == b".FIT"


def test_walk_refuses_yes_without_the_simulator_and_bad_sessions(plan_dir, capsys):
    assert main(["walk", str(plan_dir), "--session", "W1S1", "--yes"]) == 1
    assert "--yes: is only allowed with --simulate" in capsys.readouterr().err
    assert main(["walk", str(plan_dir), "--session", "W9S1", "--simulate"]) == 1
    assert "no such session" in capsys.readouterr().err
    assert main(["walk", str(plan_dir), "--simulate", "--yes"]) == 1
    assert "--session" in capsys.readouterr().err
    assert main(["walk", str(plan_dir), "--session", "W1S1", "--simulate", "--simulate-fault", "boom@1"]) == 1
    assert "disconnect@SECONDS" in capsys.readouterr().err


def test_walk_reports_a_fault_and_exits_non_zero(plan_dir, tmp_path, capsys):
    record = tmp_path / "partial.fit"
    status = main(
        [
            "walk",
            str(plan_dir),
            "--session",
            "W1S1",
            "--simulate",
            "--simulate-link",
            "memory",
            "--speedup",
            "5000",
            "--yes",
            "--simulate-fault",
            "disconnect@120",
            "--record",
            str(record),
        ]
    )
    output = capsys.readouterr().out
    assert status == 1
    assert "pull the safety key" in output
    assert record.exists()


def test_probe_prints_a_profile(capsys):
    assert main(["probe", "--simulate"]) == 0
    profile = json.loads(capsys.readouterr().out)
    assert profile["min_speed"] == 0.8
    assert profile["unit"] == "km/h"


def test_walk_over_the_virtual_bluetooth_link_from_the_command_line(plan_dir, tmp_path):
    pytest.importorskip("bumble", reason="the live extra is needed for the virtual Bluetooth link")
    record = tmp_path / "s.fit"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "retrointervals",
            "walk",
            str(plan_dir),
            "--session",
            "W1S1",
            "--simulate",
            "--speedup",
            "2000",
            "--yes",
            "--record",
            str(record),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert record.exists()


def test_the_api_reference_names_every_public_live_name():
    import importlib  # noqa: PLC0415

    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in importlib.import_module("retrointervals.live").__all__:
        assert f"`{name}" in text or f"{name}`" in text, name
