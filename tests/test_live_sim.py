"""The simulated treadmill: Control Point results, ranges, ramps, faults; and end to end over bumble's virtual link."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools

import pytest

from retrointervals.errors import LiveSessionError, ValidationError
from retrointervals.live import ftms
from retrointervals.live.belt import Envelope, Ramp
from retrointervals.live.clock import SessionClock, run_virtual
from retrointervals.live.ftms import ControlRequest, ControlResponse, MachineStatus, ResultCode, StatusOp, TreadmillData
from retrointervals.live.link import FtmsClient
from retrointervals.live.recorder import activity_fit
from retrointervals.live.session import LiveSession
from retrointervals.live.simulator import Fault, FaultKind, InMemoryLink, SimulatedTreadmill, parse_fault
from retrointervals.live.walker import SimulatedWalker
from retrointervals.model import Level
from retrointervals.plans import generate_plan
from retrointervals.treadmill import DEFAULT
from retrointervals.units import Speed


def exchange(*requests, **options):
    """Send requests to a fresh simulator over the in-memory link; return the decoded answers and the simulator."""

    async def main():
        clock = SessionClock()
        sim = SimulatedTreadmill(clock, **options)
        link = InMemoryLink(sim)
        client = FtmsClient(link)
        await client.start()
        answers = [await client.request(request) for request in requests]
        await link.close()
        return answers, sim

    return run_virtual(main())


def test_control_is_not_permitted_before_a_request():
    answers, _ = exchange(
        ControlRequest.set_speed(220), ControlRequest.request_control(), ControlRequest.set_speed(220)
    )
    assert [answer.result for answer in answers] == [
        ResultCode.CONTROL_NOT_PERMITTED,
        ResultCode.SUCCESS,
        ResultCode.SUCCESS,
    ]
    assert answers[0].encode() == bytes.fromhex("80 02 05")  # the verified exchange of formats.md §9.5


def test_values_outside_the_ranges_or_increments_are_invalid():
    answers, _ = exchange(
        ControlRequest.request_control(),
        ControlRequest.set_speed(50),  # below 0.8 km/h
        ControlRequest.set_speed(1700),  # above 16 km/h
        ControlRequest.set_speed(225),  # off the 0.1 km/h increment
        ControlRequest.set_inclination(160),
        ControlRequest.set_inclination(-5),
        ControlRequest.set_inclination(20),
    )
    assert [answer.result for answer in answers[1:]] == [ResultCode.INVALID_PARAMETER] * 5 + [ResultCode.SUCCESS]


def test_start_twice_fails_and_a_machine_without_incline_says_so():
    answers, sim = exchange(
        ControlRequest.request_control(),
        ControlRequest.start(),
        ControlRequest.start(),
        ControlRequest.set_inclination(10),
        with_incline=False,
    )
    assert [answer.result for answer in answers[1:]] == [
        ResultCode.SUCCESS,
        ResultCode.OPERATION_FAILED,
        ResultCode.OP_CODE_NOT_SUPPORTED,
    ]
    assert not sim.features.can_set_inclination
    assert ftms.SUPPORTED_INCLINATION_RANGE not in sim.characteristics()


def test_the_belt_ramps_and_data_arrives_about_once_a_second():
    async def main():
        clock = SessionClock()
        sim = SimulatedTreadmill(clock)
        link = InMemoryLink(sim)
        client = FtmsClient(link)
        received: list[tuple[float, TreadmillData]] = []
        client.on_data(lambda data: received.append((clock.now(), data)))
        await client.start()
        for request in (ControlRequest.request_control(), ControlRequest.start(), ControlRequest.set_speed(400)):
            await client.request(request)
        await clock.sleep(10)
        await link.close()
        return received

    received = run_virtual(main())
    times = [t for t, _ in received]
    assert all(0.99 <= b - a <= 1.01 for a, b in itertools.pairwise(times))
    speeds = [data.instantaneous_speed for _, data in received]
    assert speeds[1] < 400  # still accelerating
    assert speeds[-1] == 400
    assert received[-1][1].total_distance > 0


def test_faults_parse_and_play():
    assert parse_fault("disconnect@30") == Fault(FaultKind.DISCONNECT, 30.0)
    assert parse_fault("control-lost@12.5") == Fault(FaultKind.CONTROL_LOST, 12.5)
    for bad in ("explode@3", "disconnect", "disconnect@-1", "disconnect@999999"):
        with pytest.raises(ValidationError, match="simulate-fault"):
            parse_fault(bad)

    async def main():
        clock = SessionClock()
        sim = SimulatedTreadmill(clock, faults=[parse_fault("control-lost@3"), parse_fault("disconnect@5")])
        link = InMemoryLink(sim)
        client = FtmsClient(link)
        statuses = []
        client.on_status(statuses.append)
        lost = asyncio.Event()
        link.on_disconnect(lost.set)
        await client.start()
        await client.request(ControlRequest.request_control())
        await lost.wait()
        with pytest.raises(LiveSessionError, match="lost"):
            await client.request(ControlRequest.stop())
        await link.close()
        return statuses, clock.now()

    statuses, when = run_virtual(main())
    assert statuses == [MachineStatus(StatusOp.CONTROL_PERMISSION_LOST)]
    assert when == pytest.approx(5)


def test_a_machine_that_does_not_answer_times_out():
    class Silent(InMemoryLink):
        async def write(self, uuid, data):
            self.treadmill.control(data)  # applied, but the indication never comes

    async def main():
        sim = SimulatedTreadmill(SessionClock())
        client = FtmsClient(Silent(sim), timeout=2)
        await client.start()
        with pytest.raises(LiveSessionError, match="did not answer REQUEST_CONTROL within 2 s") as caught:
            await client.request(ControlRequest.request_control())
        assert caught.value.belt_may_run
        await client.link.close()

    run_virtual(main())


def test_ramps_and_the_runners_envelope():
    ramp = Ramp(80, 80)
    ramp.set_target(0, 400)
    assert ramp.at(2.5) == 200
    assert ramp.at(10) == 400
    assert ramp.reached_by(1) == pytest.approx(5)
    envelope = Envelope(40)
    envelope.set_target(0, 600)
    envelope.set_target(4, 100)  # a real belt is somewhere between; the envelope bounds it
    assert envelope.high.at(4) == 600
    assert envelope.low.at(4) == 100
    assert envelope.ready_by(4, at_most=True) == pytest.approx(4 + 500 / 40)


def test_responses_that_do_not_match_the_request_are_refused():
    class Confused(InMemoryLink):
        async def write(self, uuid, data):
            asyncio.get_running_loop().call_soon(
                self._deliver, ftms.CONTROL_POINT, ControlResponse(0x07, ResultCode.SUCCESS).encode()
            )

    async def main():
        client = FtmsClient(Confused(SimulatedTreadmill(SessionClock())))
        await client.start()
        with pytest.raises(LiveSessionError, match="answered op code 0x07"):
            await client.request(ControlRequest.request_control())
        await client.link.close()

    run_virtual(main())


# --- end to end over bumble's virtual Bluetooth link ---------------------------------------------------------


def test_a_session_walks_over_the_virtual_bluetooth_link():
    pytest.importorskip("bumble", reason="bumble (the live extra) is needed for the virtual Bluetooth link")
    garmin = pytest.importorskip("garmin_fit_sdk", reason="garmin-fit-sdk is test-only")
    from retrointervals.live.bumble_link import open_bumble_link  # noqa: PLC0415 - needs the optional extra

    workout = generate_plan(Level.BEGINNER, Speed.kmh(4.5), DEFAULT).weeks[0].sessions[0].workout

    async def main():
        clock = SessionClock(speedup=1000)
        sim = SimulatedTreadmill(clock)
        link = await open_bumble_link(sim)
        walker = SimulatedWalker(clock, keep_views=False)
        start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
        try:
            log = await LiveSession(workout, FtmsClient(link), walker, clock, started_at=start).run()
        finally:
            await link.close()
        return log, sim

    log, sim = asyncio.run(main())
    assert log.outcome == "session complete"
    assert log.stop_confirmed
    assert not sim.running
    # About one treadmill data notification a second, for the whole session as walked (turns last as long as the
    # simulated walker takes).
    assert len(log.samples) >= log.end * 0.9
    requests = [request.op for _, request, _ in sim.log if request is not None]
    assert requests[:2] == [ftms.OpCode.REQUEST_CONTROL, ftms.OpCode.START_OR_RESUME]
    assert requests[-1] is ftms.OpCode.STOP_OR_PAUSE
    messages, errors = garmin.Decoder(garmin.Stream.from_byte_array(bytearray(activity_fit(log)))).read()
    assert errors == []
    assert len(messages["lap_mesgs"]) == len(workout.timeline)


def test_a_disconnect_over_the_virtual_link_tells_the_walker_to_use_the_safety_key():
    pytest.importorskip("bumble", reason="bumble (the live extra) is needed for the virtual Bluetooth link")
    from retrointervals.live.bumble_link import open_bumble_link  # noqa: PLC0415 - needs the optional extra

    workout = generate_plan(Level.BEGINNER, Speed.kmh(4.5), DEFAULT).weeks[0].sessions[0].workout

    async def main():
        clock = SessionClock(speedup=1000)
        sim = SimulatedTreadmill(clock, faults=[parse_fault("disconnect@200")])
        link = await open_bumble_link(sim)
        walker = SimulatedWalker(clock, keep_views=False)
        try:
            log = await LiveSession(workout, FtmsClient(link), walker, clock).run()
        finally:
            await link.close()
        return log, walker

    log, walker = asyncio.run(main())
    assert log.stop_confirmed is False
    assert "safety key" in walker.messages[-1]
    assert log.end == pytest.approx(200, abs=5)
