"""A simulated FTMS treadmill, and an in-memory link to it (no Bluetooth) for fast tests.

The simulator behaves like a real machine where it matters for safety: supported speed and incline ranges with
increments, a belt and a deck that ramp at a finite rate, Treadmill Data about once a second, and Control Point
results per the spec (Control Not Permitted before Request Control, Invalid Parameter outside the ranges or off
the increments). Faults: ``disconnect@SECONDS`` drops the link, ``control-lost@SECONDS`` sends Control Permission
Lost. ``retrointervals.live.bumble_link`` serves the same simulator over a virtual Bluetooth link.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import re
from collections.abc import Callable, Sequence

import attrs

from retrointervals.errors import ValidationError
from retrointervals.live import ftms
from retrointervals.live.belt import Ramp
from retrointervals.live.clock import SessionClock
from retrointervals.live.ftms import (
    ControlRequest,
    ControlResponse,
    InclinationRange,
    MachineFeature,
    MachineFeatures,
    MachineStatus,
    OpCode,
    ResultCode,
    SpeedRange,
    StatusOp,
    StopPause,
    TargetFeature,
    TreadmillData,
)

__all__ = [
    "SIMULATED_INCLINE_RATE",
    "SIMULATED_SPEED_RATE",
    "Fault",
    "FaultKind",
    "InMemoryLink",
    "SimulatedTreadmill",
    "parse_fault",
]

#: The simulated belt's acceleration, 0.01 km/h per second (0.8 km/h per second; quicker than the runner assumes).
SIMULATED_SPEED_RATE = 80.0
#: The simulated deck's incline rate, 0.1 % per second (1 % per second).
SIMULATED_INCLINE_RATE = 10.0
#: The longest a simulated session may run before faults are ignored (a bound on fault times).
MAX_FAULT_S = 24 * 3600


class FaultKind(enum.Enum):
    """A failure the simulator can play."""

    DISCONNECT = "disconnect"
    CONTROL_LOST = "control-lost"


@attrs.frozen
class Fault:
    """A failure at a time on the session clock."""

    kind: FaultKind
    at: float


_FAULT = re.compile(r"^(disconnect|control-lost)@(\d+(?:\.\d+)?)$")


def parse_fault(text: str) -> Fault:
    """Read ``disconnect@SECONDS`` or ``control-lost@SECONDS``."""
    match = _FAULT.match(text.strip())
    if match is None or float(match.group(2)) > MAX_FAULT_S:
        raise ValidationError(
            "--simulate-fault", text, f"expected disconnect@SECONDS or control-lost@SECONDS (at most {MAX_FAULT_S})"
        )
    return Fault(FaultKind(match.group(1)), float(match.group(2)))


class _State(enum.Enum):
    STOPPED = "stopped"
    RUNNING = "running"
    PAUSED = "paused"


class SimulatedTreadmill:
    """The machine: state, physics and the FTMS server's answers. Transports call ``read`` and ``control``.

    ``notify(uuid, value)`` is set by the transport to deliver notifications and indications.
    ``log`` keeps every request with its session time and result; ``belt`` and ``deck`` hold the exact
    history of the belt speed (0.01 km/h) and incline (0.1 %).
    """

    def __init__(
        self,
        clock: SessionClock,
        *,
        speed_range: SpeedRange | None = None,
        inclination_range: InclinationRange | None = None,
        speed_rate: float = SIMULATED_SPEED_RATE,
        incline_rate: float = SIMULATED_INCLINE_RATE,
        faults: Sequence[Fault] = (),
        name: str = "retrointervals simulated treadmill",
        regain_control: bool = True,
        with_incline: bool = True,
    ) -> None:
        self.clock = clock
        self.name = name
        self.speed_range = speed_range if speed_range is not None else SpeedRange(80, 1600, 10)
        self.inclination_range = (
            (inclination_range if inclination_range is not None else InclinationRange(0, 150, 5))
            if with_incline
            else None
        )
        self.faults = tuple(sorted(faults, key=lambda fault: fault.at))
        self.regain_control = regain_control
        self.belt = Ramp(speed_rate, speed_rate)
        self.deck = Ramp(incline_rate, incline_rate)
        self.log: list[tuple[float, ControlRequest | None, ResultCode | None]] = []
        self.notify: Callable[[int, bytes], None] = lambda _uuid, _value: None
        self.disconnect: Callable[[], None] = lambda: None
        self._controller = False
        self._control_lost = False
        self._state = _State.STOPPED
        self._target_speed = 0
        self._distance_m = 0.0
        self._last_tick = 0.0
        self._elapsed = 0.0

    @property
    def features(self) -> MachineFeatures:
        """What this machine says it can do."""
        machine = MachineFeature.TOTAL_DISTANCE | MachineFeature.ELAPSED_TIME
        target = TargetFeature.SPEED
        if self.inclination_range is not None:
            machine |= MachineFeature.INCLINATION
            target |= TargetFeature.INCLINATION
        return MachineFeatures(machine, target)

    @property
    def running(self) -> bool:
        """Whether the belt is driven (started and not paused or stopped)."""
        return self._state is _State.RUNNING

    def characteristics(self) -> frozenset[int]:
        """The characteristics this server offers."""
        uuids = {ftms.FEATURE, ftms.TREADMILL_DATA, ftms.SUPPORTED_SPEED_RANGE, ftms.CONTROL_POINT, ftms.STATUS}
        if self.inclination_range is not None:
            uuids.add(ftms.SUPPORTED_INCLINATION_RANGE)
        return frozenset(uuids)

    def read(self, uuid: int) -> bytes:
        """A readable characteristic's value."""
        if uuid == ftms.FEATURE:
            return self.features.encode()
        if uuid == ftms.SUPPORTED_SPEED_RANGE:
            return self.speed_range.encode()
        if uuid == ftms.SUPPORTED_INCLINATION_RANGE and self.inclination_range is not None:
            return self.inclination_range.encode()
        raise KeyError(f"characteristic 0x{uuid:04X} is not readable")

    def control(self, data: bytes) -> bytes:
        """Handle a Control Point write; return the indication to send back."""
        now = self.clock.now()
        try:
            request = ControlRequest.decode(data)
        except ValueError:
            op = data[0] if data else 0
            self.log.append((now, None, ResultCode.OP_CODE_NOT_SUPPORTED))
            return bytes([OpCode.RESPONSE_CODE, op, ResultCode.OP_CODE_NOT_SUPPORTED])
        result = self._apply(request, now)
        self.log.append((now, request, result))
        return ControlResponse(request.op, result).encode()

    def _apply(self, request: ControlRequest, now: float) -> ResultCode:
        if request.op is OpCode.REQUEST_CONTROL:
            if self._control_lost and not self.regain_control:
                return ResultCode.CONTROL_NOT_PERMITTED
            self._controller = True
            return ResultCode.SUCCESS
        if not self._controller:
            return ResultCode.CONTROL_NOT_PERMITTED
        self._advance(now)
        handler = {
            OpCode.SET_TARGET_SPEED: self._set_speed,
            OpCode.SET_TARGET_INCLINATION: self._set_incline,
            OpCode.START_OR_RESUME: self._start,
            OpCode.STOP_OR_PAUSE: self._stop_or_pause,
            OpCode.RESET: self._reset,
        }.get(request.op)
        if handler is None:
            return ResultCode.OP_CODE_NOT_SUPPORTED
        return handler(request.parameter or 0, now)

    def _start(self, _parameter: int, now: float) -> ResultCode:
        if self._state is _State.RUNNING:
            return ResultCode.OPERATION_FAILED
        self._state = _State.RUNNING
        if not self._target_speed:
            self._target_speed = self.speed_range.minimum
        self.belt.set_target(now, self._target_speed)
        return ResultCode.SUCCESS

    def _stop_or_pause(self, parameter: int, now: float) -> ResultCode:
        self._state = _State.PAUSED if parameter == StopPause.PAUSE else _State.STOPPED
        self.belt.set_target(now, 0)
        if self._state is _State.STOPPED:
            self._target_speed = 0
        return ResultCode.SUCCESS

    def _reset(self, _parameter: int, now: float) -> ResultCode:
        self._state = _State.STOPPED
        self._target_speed = 0
        self._controller = False
        self.belt.set_target(now, 0)
        self.deck.set_target(now, 0)
        return ResultCode.SUCCESS

    def _set_speed(self, hundredths: int, now: float) -> ResultCode:
        if not self.speed_range.allows(hundredths):
            return ResultCode.INVALID_PARAMETER
        self._target_speed = hundredths
        if self._state is _State.RUNNING:
            self.belt.set_target(now, hundredths)
        return ResultCode.SUCCESS

    def _set_incline(self, tenths: int, now: float) -> ResultCode:
        if self.inclination_range is None:
            return ResultCode.OP_CODE_NOT_SUPPORTED
        if not self.inclination_range.allows(tenths):
            return ResultCode.INVALID_PARAMETER
        self.deck.set_target(now, tenths)
        return ResultCode.SUCCESS

    def _advance(self, now: float) -> None:
        """Integrate the distance up to ``now`` (trapezoids over the piecewise-linear belt speed)."""
        if now <= self._last_tick:
            return
        mean_hundredths = (self.belt.at(self._last_tick) + self.belt.at(now)) / 2
        self._distance_m += mean_hundredths / 100 / 3.6 * (now - self._last_tick)
        if self._state is _State.RUNNING:
            self._elapsed += now - self._last_tick
        self._last_tick = now

    def data(self) -> TreadmillData:
        """The Treadmill Data the machine would send now."""
        now = self.clock.now()
        self._advance(now)
        incline = None if self.inclination_range is None else round(self.deck.at(now))
        return TreadmillData(
            instantaneous_speed=round(self.belt.at(now)),
            total_distance=min(int(self._distance_m), 0xFFFFFF),
            inclination=incline,
            inclination_present=incline is not None,
            elapsed_time=min(int(self._elapsed), 0xFFFF),
        )

    def lose_control(self) -> None:
        """Another client took control: tell ours with Control Permission Lost."""
        self._controller = False
        self._control_lost = True
        self.notify(ftms.STATUS, MachineStatus(StatusOp.CONTROL_PERMISSION_LOST).encode())

    async def run(self) -> None:
        """Send Treadmill Data once a second and play the faults, until cancelled."""
        faults = list(self.faults)
        tick = 0
        while True:
            now = self.clock.now()
            while faults and faults[0].at <= now + 1e-6:  # float time cannot always reach it exactly
                fault = faults.pop(0)
                if fault.kind is FaultKind.DISCONNECT:
                    self.disconnect()
                    return
                self.lose_control()
            self.notify(ftms.TREADMILL_DATA, self.data().encode())
            tick += 1
            next_time = float(tick)
            if faults and faults[0].at < next_time:
                next_time = faults[0].at
            await self.clock.sleep_until(next_time)


class InMemoryLink:
    """A ``GattLink`` straight to a ``SimulatedTreadmill`` in the same process: no Bluetooth at all."""

    def __init__(self, treadmill: SimulatedTreadmill) -> None:
        self.treadmill = treadmill
        self._callbacks: dict[int, Callable[[bytes], None]] = {}
        self._on_disconnect: list[Callable[[], None]] = []
        self._connected = True
        self._task: asyncio.Task[None] | None = None
        treadmill.notify = self._deliver
        treadmill.disconnect = self.drop

    @property
    def name(self) -> str:
        """The simulator's name."""
        return self.treadmill.name

    @property
    def connected(self) -> bool:
        """Whether the simulated link is up."""
        return self._connected

    def has(self, uuid: int) -> bool:
        """Whether the simulator offers the characteristic."""
        return uuid in self.treadmill.characteristics()

    async def read(self, uuid: int) -> bytes:
        """Read a characteristic."""
        self._check()
        return self.treadmill.read(uuid)

    async def write(self, uuid: int, data: bytes) -> None:
        """Write the Control Point; its indication follows on the next loop turn, as over the air."""
        self._check()
        if uuid != ftms.CONTROL_POINT:
            raise PermissionError(f"characteristic 0x{uuid:04X} is not writable")
        if ftms.CONTROL_POINT not in self._callbacks:
            raise PermissionError("Client Characteristic Configuration Descriptor Improperly Configured")
        answer = self.treadmill.control(data)
        asyncio.get_running_loop().call_soon(self._deliver, ftms.CONTROL_POINT, answer)

    async def subscribe(self, uuid: int, callback: Callable[[bytes], None]) -> None:
        """Enable notifications or indications; starts the simulator's clock tick on the first one."""
        self._check()
        self._callbacks[uuid] = callback
        if self._task is None:
            self._task = asyncio.create_task(self.treadmill.run())

    def on_disconnect(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when the link drops."""
        self._on_disconnect.append(callback)

    def drop(self) -> None:
        """The connection is lost (a fault, or the machine went away)."""
        if not self._connected:
            return
        self._connected = False
        for callback in self._on_disconnect:
            asyncio.get_running_loop().call_soon(callback)

    async def close(self) -> None:
        """Disconnect and stop the simulator."""
        self._connected = False
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def _deliver(self, uuid: int, value: bytes) -> None:
        callback = self._callbacks.get(uuid)
        if self._connected and callback is not None:
            callback(value)

    def _check(self) -> None:
        if not self._connected:
            raise ConnectionError("the simulated Bluetooth link is down")
