"""The live session runner against the in-memory simulated treadmill, on a virtual clock: the safety rules."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrointervals import strategies as rs
from retrointervals.errors import LiveSessionError
from retrointervals.formats import fit
from retrointervals.live import ftms
from retrointervals.live.clock import SessionClock, run_virtual
from retrointervals.live.ftms import InclinationRange, ResultCode, SpeedRange
from retrointervals.live.link import FtmsClient, MachineInfo
from retrointervals.live.recorder import activity_fit, workout_step_indexes
from retrointervals.live.schedule import BARE_TURN_S, plan_commands
from retrointervals.live.session import LiveSession
from retrointervals.live.simulator import Fault, FaultKind, InMemoryLink, SimulatedTreadmill
from retrointervals.live.walker import Key, SimulatedWalker
from retrointervals.model import Direction, Level, Repeat, Step, StepKind, Workout
from retrointervals.plans import generate_plan
from retrointervals.treadmill import DEFAULT
from retrointervals.units import Distance, Duration, Incline, Speed

START = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
WIDE_SPEEDS = SpeedRange(10, 3000, 1)
WIDE_INCLINES = InclinationRange(-100, 400, 1)


def walk(workout, *, faults=(), script=(), agree=True, speed_range=None, inclination_range=None, machine=None):
    """Walk ``workout`` on a simulated treadmill on a virtual clock; return (log, simulator, walker)."""

    async def main():
        clock = SessionClock()
        sim = (
            machine(clock)
            if machine
            else SimulatedTreadmill(clock, faults=faults, speed_range=speed_range, inclination_range=inclination_range)
        )
        link = InMemoryLink(sim)
        walker = SimulatedWalker(clock, script=script, agree=agree, keep_views=False)
        try:
            log = await LiveSession(workout, FtmsClient(link), walker, clock, started_at=START).run()
        finally:
            walker.close()
            await link.close()
        return log, sim, walker

    return run_virtual(main())


def commands(log, *ops):
    return [entry for entry in log.trace if entry["op"] in ops]


def turn_windows(log):
    """(start, end, speed in force at the start in 0.01 km/h, incline in force) of every turn, from the trace.

    A run of turn steps is one turn, from its first step's start to the next step that is not a turn; a
    stop-to-turn step's turn ends when the walker says they have turned; a bare turn lasts ``bare_turn`` seconds.
    """
    windows = []
    speed = incline = None
    open_window = None
    current = None
    for entry in log.trace:
        op = entry["op"]
        if op == "set_speed" and entry["result"] == "success":
            speed = round(entry["kmh"] * 100)
        elif op == "set_incline" and entry["result"] == "success":
            incline = round(entry["percent"] * 10)
        elif op == "step":
            current = entry
            if open_window is not None and not entry["turn"]:
                windows.append((open_window[0], entry["t"], *open_window[1:]))
                open_window = None
            if entry["turn"] and open_window is None:
                open_window = (entry["t"], speed, incline)
            if entry["bare_turn"]:
                windows.append((entry["t"], entry["t"] + entry["bare_turn"], speed, incline))
        elif op in ("lap", "end") and open_window is not None and (op == "end" or current["belt_stopped"]):
            windows.append((open_window[0], entry["t"], *open_window[1:]))
            open_window = None
    return windows


def assert_safe(log, sim):
    """The rules of the issue, checked on the trace and on the simulator's exact belt history."""
    workout = log.workout
    segments = workout.timeline
    sent = [entry for entry in log.trace if entry["op"] in ("set_speed", "set_incline")]
    # Ranges: every value sent is within the machine's range and never above the planned speeds around it.
    for entry in sent:
        if entry["op"] == "set_speed":
            value = round(entry["kmh"] * 100)
            assert sim.speed_range.allows(value), entry
            index = entry["step"]
            nearby = [segments[i].step.speed.exact_kmh for i in (index, index + 1) if i < len(segments)]
            assert value <= max(nearby) * 100, entry
        else:
            assert sim.inclination_range is not None
            assert sim.inclination_range.allows(round(entry["percent"] * 10)), entry
    # Turns: no speed increase, no incline change; the belt is already at the turn speed when the turn starts.
    for start, end, speed, incline in turn_windows(log):
        inside = [e for e in sent if start <= e["t"] < end - 1e-3 and e.get("due", e["t"]) >= start]
        for entry in inside:
            assert entry["op"] != "set_incline", (entry, start, end)
            assert speed is None or round(entry["kmh"] * 100) <= speed, (entry, start, end, speed)
        if speed is not None:
            assert sim.belt.at(start) <= speed + 0.5, (start, sim.belt.at(start), speed)
        if incline is not None:
            assert abs(sim.deck.at(start) - incline) < 0.5, (start, sim.deck.at(start), incline)
    # The end: Stop was sent and confirmed while the link was up; the belt stops.
    if log.moved and sim_connected(log):
        assert log.trace[-2]["op"] == "stop", log.trace[-3:]
        assert log.stop_confirmed is True
        assert not sim.running
        assert sim.belt.target == 0


def sim_connected(log):
    return not any(entry["op"] == "disconnect" for entry in log.trace)


def decode_fit(data):
    garmin = pytest.importorskip("garmin_fit_sdk", reason="garmin-fit-sdk is test-only")
    messages, errors = garmin.Decoder(garmin.Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    return messages


# --- generated plans ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "speed"), [(Level.BEGINNER, 4.5), (Level.ADVANCED, 5.5), (Level.REHAB, 2.5)])
def test_every_session_of_a_generated_plan_walks_safely(level, speed):
    plan = generate_plan(level, Speed.kmh(speed), DEFAULT)
    for _, _, session in plan.sessions():
        workout = session.workout
        log, sim, _ = walk(workout)
        assert log.outcome == "session complete"
        assert log.completed
        assert [lap.index for lap in log.laps] == list(range(len(workout.timeline)))
        assert_safe(log, sim)
        # Every step took its planned time (the early slow-downs eat into the step before, never extend it); a step
        # that ends on the lap button lasts until the walker says so.
        for lap, segment in zip(log.laps, workout.timeline, strict=True):
            if segment.step.until_lap:
                assert lap.end > lap.start
            else:
                assert lap.end - lap.start == pytest.approx(float(segment.duration.exact), abs=0.01)
    messages = decode_fit(activity_fit(log))
    assert messages["file_id_mesgs"][0]["type"] == "activity"
    session_message = messages["session_mesgs"][0]
    assert (session_message["sport"], session_message["sub_sport"]) == ("running", "treadmill")
    walked = sum(lap.end - lap.start for lap in log.laps)
    assert session_message["total_timer_time"] == pytest.approx(walked, abs=0.01)
    assert len(messages["lap_mesgs"]) == len(workout.timeline)
    indexes = workout_step_indexes(workout.steps)
    assert [lap["wkt_step_index"] for lap in messages["lap_mesgs"]] == [indexes[s.path] for s in workout.timeline]
    assert len(messages["record_mesgs"]) >= int(walked)
    assert [event["event_type"] for event in messages["event_mesgs"]] == ["start", "stop_all"]


def test_step_indexes_match_the_fit_workout_writer():
    fitdecode = pytest.importorskip("fitdecode")
    step = Step(direction=Direction.FORWARD, kind=StepKind.ACTIVE, length=Duration(60), speed=Speed.kmh(4))
    back = Step(direction=Direction.BACKWARD, kind=StepKind.ACTIVE, length=Duration(30), speed=Speed.kmh(2))
    workout = Workout("nested", [step, Repeat(2, [back, Repeat(3, [step, back])]), back])
    data = fit.write_workout(workout).data
    names = {}
    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "workout_step":
                names[frame.get_value("message_index")] = frame.get_value("duration_type")
    indexes = workout_step_indexes(workout.steps)
    for segment in workout.timeline:
        assert names[indexes[segment.path]] == "time"
    assert sorted(set(indexes.values()) | {i for i, kind in names.items() if kind != "time"}) == sorted(names)


# --- arbitrary workouts -------------------------------------------------------------------------------------

short_steps = rs.steps(
    speed=rs.speeds(min_kmh=0.5, max_kmh=16),
    incline=rs.inclines(-5, 15),
    length=st.one_of(rs.durations(1, 240), rs.distances(1, 150)),
    lap_steps=True,
)


@given(rs.workouts(step=short_steps, max_segments=16))
def test_arbitrary_workouts_walk_safely(workout):
    log, sim, walker = walk(workout, speed_range=WIDE_SPEEDS, inclination_range=WIDE_INCLINES)
    assert log.outcome == "session complete", log.outcome
    assert_safe(log, sim)
    waits = sum(1 for segment in workout.timeline if segment.step.until_lap)
    assert len(commands(log, "lap")) == waits
    stops = [segment for segment in workout.timeline if segment.step.belt_stopped]
    assert len([e for e in commands(log, "pause") if e.get("reason") == "stop-to-turn"]) == len(stops)
    decode_fit(activity_fit(log))
    assert walker.messages[-1].endswith("Belt stopped.")


@given(
    rs.workouts(step=short_steps, max_segments=10),
    st.sampled_from(FaultKind),
    st.floats(0, 1, allow_nan=False),
)
def test_faults_at_any_moment_stop_the_belt_or_say_so(workout, kind, fraction):
    at = round(fraction * (float(workout.total_time.exact) + 30), 3)
    log, sim, walker = walk(workout, faults=[Fault(kind, at)], speed_range=WIDE_SPEEDS, inclination_range=WIDE_INCLINES)
    if log.completed:
        assert_safe(log, sim)
        return
    if not log.moved:  # the link went before control was requested: nothing ever moved
        assert not any(request is not None and request.op.name == "START_OR_RESUME" for _, request, _ in sim.log)
        return
    if kind is FaultKind.DISCONNECT:
        assert log.stop_confirmed is False
        assert "safety key" in walker.messages[-1]
    else:
        assert log.stop_confirmed is True
        assert [entry["op"] for entry in log.trace[-3:]] == ["request_control", "stop", "end"]
        assert not sim.running
    messages = decode_fit(activity_fit(log))
    assert messages["session_mesgs"][0]["total_elapsed_time"] == pytest.approx(log.end, abs=0.5)
    if messages.get("lap_mesgs"):
        assert messages["lap_mesgs"][-1]["lap_trigger"] == "session_end"


# --- specific rules -----------------------------------------------------------------------------------------


def _step(direction, kind, seconds, kmh, incline=0, **extra):
    return Step(
        direction=direction,
        kind=kind,
        length=Duration(seconds),
        speed=Speed.kmh(kmh),
        incline=Incline.percent(incline),
        **extra,
    )


F, B = Direction.FORWARD, Direction.BACKWARD
A, T = StepKind.ACTIVE, StepKind.TRANSITION


def test_the_slow_down_is_sent_early_enough_for_the_assumed_acceleration():
    workout = Workout("w", [_step(F, A, 120, 6.0), _step(F, T, 15, 1.0), _step(B, A, 60, 2.0)])
    log, sim, _ = walk(workout)
    slow = next(entry for entry in commands(log, "set_speed") if entry["kmh"] == 1.0)
    assert slow["t"] == pytest.approx(120 - (600 - 100) / 40)  # 5 km/h at 0.4 km/h per second: 12.5 s early
    assert sim.belt.at(120) == pytest.approx(100)
    assert_safe(log, sim)


def test_a_bare_direction_change_holds_the_slower_speed_and_defers_the_incline():
    workout = Workout("w", [_step(B, A, 60, 2.0, 2), _step(F, A, 60, 5.0, 0)])
    log, sim, _ = walk(workout)
    speeds = commands(log, "set_speed", "set_incline")
    later = [entry for entry in speeds if entry["step"] == 1]
    assert [(e["op"], e["t"]) for e in later] == [("set_speed", 60 + BARE_TURN_S), ("set_incline", 60 + BARE_TURN_S)]
    assert_safe(log, sim)


def test_a_lap_step_before_a_turn_holds_until_the_belt_has_slowed():
    workout = Workout("w", [_step(F, A, 60, 6.0, until_lap=True), _step(F, T, 15, 1.0), _step(B, A, 30, 2.0)])
    log, sim, _ = walk(workout)
    hold = commands(log, "hold")
    assert len(hold) == 1
    assert_safe(log, sim)
    turn = next(entry for entry in log.trace if entry["op"] == "step" and entry["turn"])
    assert sim.belt.at(turn["t"]) <= 100 + 0.5


def test_stop_to_turn_pauses_the_belt_and_waits_for_the_walker():
    stop = _step(F, T, 20, 1.0, until_lap=True, belt_stopped=True)
    workout = Workout("w", [_step(F, A, 60, 4.0), stop, _step(B, A, 60, 2.0)])
    log, sim, walker = walk(workout)
    ops = [entry["op"] for entry in log.trace if entry["op"] != "status"]
    index = ops.index("pause")
    assert ops[index : index + 4] == ["pause", "hold", "lap", "start"]  # the walker turns once the belt stopped
    assert any(view.prompt and "turn around to face BACKWARD" in view.prompt for view in walker.views)
    assert_safe(log, sim)


def test_walker_pause_resume_and_stop_keys():
    workout = Workout("w", [_step(F, A, 300, 4.0)])
    log, sim, _walker = walk(workout, script=[(60, Key.PAUSE), (90, Key.RESUME), (200, Key.STOP)])
    ops = [entry["op"] for entry in log.trace]
    assert ops.count("pause") == 1
    assert log.pauses == [(60.0, 90.0)]
    assert log.outcome == "stopped by the walker"
    assert log.stop_confirmed
    assert not sim.running
    messages = decode_fit(activity_fit(log))
    assert messages["session_mesgs"][0]["total_timer_time"] == pytest.approx(170)
    assert [event["event_type"] for event in messages["event_mesgs"]] == ["start", "stop", "start", "stop_all"]


def test_nothing_moves_without_confirmation():
    log, sim, walker = walk(Workout("w", [_step(F, A, 60, 4.0)]), agree=False)
    assert not log.moved
    assert sim.log == []
    assert "nothing moved" in walker.messages[-1].lower()


def test_a_session_the_machine_cannot_run_is_refused_before_anything_moves():
    workout = Workout("w", [_step(F, A, 60, 4.0), _step(F, T, 15, 0.5), _step(B, A, 60, 2.0)])
    with pytest.raises(LiveSessionError, match=r"turn speed 0\.5 km/h, below the treadmill's slowest speed 0\.80"):
        walk(workout)
    too_steep = Workout("w", [_step(F, A, 60, 4.0, 20)])
    with pytest.raises(LiveSessionError, match="incline of 20"):
        walk(too_steep)


def test_refusal_leaves_the_machine_untouched():
    holder = {}

    def machine(clock):
        holder["sim"] = SimulatedTreadmill(clock)
        return holder["sim"]

    with pytest.raises(LiveSessionError):
        walk(Workout("w", [_step(F, A, 60, 20.0)]), machine=machine)
    assert holder["sim"].log == []


def test_a_rejected_value_stops_the_session_with_the_machines_answer():
    class Picky(SimulatedTreadmill):
        def _set_speed(self, hundredths, now):
            if hundredths == 250:
                return ResultCode.INVALID_PARAMETER
            return super()._set_speed(hundredths, now)

    workout = Workout("w", [_step(F, A, 60, 4.0), _step(F, A, 60, 2.5), _step(F, A, 60, 3.0)])
    log, sim, walker = walk(workout, machine=Picky)
    assert log.outcome == "the treadmill refused set speed 2.5: invalid parameter"
    assert commands(log, "set_speed")[-1]["result"] == "invalid_parameter"
    assert len(commands(log, "set_speed")) == 2  # no retry
    assert log.stop_confirmed
    assert not sim.running
    assert "invalid parameter" in walker.messages[-1]


def test_speeds_snap_down_to_the_machines_increment():
    workout = Workout("w", [_step(F, A, 60, 4.3), _step(F, A, 60, 2.2)])
    log, sim, _ = walk(workout, speed_range=SpeedRange(50, 1600, 50))
    assert [entry["kmh"] for entry in commands(log, "set_speed")] == [4.0, 2.0]
    assert_safe(log, sim)


def test_distance_steps_and_mph_speeds():
    step = Step(direction=F, kind=A, length=Distance(100), speed=Speed.mph(2.0))
    log, _sim, _ = walk(Workout("w", [step]))
    assert commands(log, "set_speed")[0]["kmh"] == 3.2  # 3.218688 km/h, rounded down to the 0.1 increment
    assert log.completed


def test_machine_stopped_from_the_console_ends_the_session():
    class Console(SimulatedTreadmill):
        async def run(self):
            await self.clock.sleep_until(30)
            self.notify(ftms.STATUS, bytes([0x03]))  # stopped by the safety key
            await super().run()

    log, _sim, _walker = walk(Workout("w", [_step(F, A, 120, 4.0)]), machine=Console)
    assert "console or safety key" in log.outcome
    assert commands(log, "stop")


def test_plan_commands_turn_speed_is_the_slowest_of_the_run():
    workout = Workout("w", [_step(F, A, 60, 5.0), _step(F, T, 10, 1.5), _step(B, T, 10, 1.0), _step(B, A, 60, 2.0)])
    log, sim, _ = walk(workout)
    machine = MachineInfo("m", sim.features, sim.speed_range, sim.inclination_range)
    planned = plan_commands(workout, machine)
    assert [c.speed for c in planned] == [500, 100, 100, 200]
    assert [c.turn for c in planned] == [False, True, True, False]
    assert_safe(log, sim)
