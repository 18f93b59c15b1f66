"""The session runner: walks a workout on an FTMS treadmill, step by step, with direction-aware safety.

Order of events: read the machine's ranges; refuse a session it cannot run (before anything moves); ask the
walker to clip the safety key and confirm; Request Control, Start, then Set Target Speed and Inclination at each
step of the timeline, reading back Treadmill Data. The rules that always hold:

- during a turn (``retrointervals.live.schedule``) no speed command is above the speed in force when the turn
  began, and no incline command is sent at all;
- the slow-down (and incline change) before a turn is sent ``lead`` seconds before the turn, the time the belt
  needs at the assumed (slow) acceleration; if it could not be sent early enough (a lap-button step before the
  turn, a short step), the runner holds until the belt has had that time;
- a stop-to-turn step pauses the belt and waits for the walker; a lap-button step waits for the walker;
- any error, a lost link, lost control, a stop by the machine, the stop key, Ctrl-C or the end of the session sends
  Stop while the link is up; when the machine does not confirm, the walker is told to use the safety key;
- a value the machine rejects ends the session with the machine's answer, never a retry.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
from collections.abc import Callable

import attrs

from retrointervals.errors import LiveSessionError
from retrointervals.live.belt import ASSUMED_INCLINE_RATE, ASSUMED_SPEED_RATE, Envelope
from retrointervals.live.clock import SessionClock
from retrointervals.live.ftms import ControlRequest, ControlResponse, MachineStatus, ResultCode, StatusOp, TreadmillData
from retrointervals.live.link import FtmsClient, MachineInfo
from retrointervals.live.schedule import StepCommand, plan_commands
from retrointervals.live.view import Phase, SessionView
from retrointervals.live.walker import Key, Walker
from retrointervals.model import Direction, Workout

__all__ = [
    "ANNOUNCE_S",
    "CONFIRM_QUESTION",
    "LapRecord",
    "LiveSession",
    "Sample",
    "SessionLog",
    "TraceEntry",
]

#: Waits shorter than this (loop seconds) count as done: at large clock values a float cannot add them.
_CLOCK_EPSILON_S = 1e-6
#: [D] How many seconds before a turn the screen announces it.
ANNOUNCE_S = 10.0
CONFIRM_QUESTION = (
    "Clip the treadmill's safety key to your clothing and stand on the side rails. "
    "The belt will start slowly. Start the session?"
)

#: One trace line: ``t`` (session seconds), ``op``, the value sent (``kmh`` or ``percent``), ``result``, ...
TraceEntry = dict[str, object]


@attrs.frozen
class Sample:
    """One Treadmill Data notification as received: session time, belt speed (0.01 km/h), incline (0.1 %)."""

    t: float
    speed: int | None
    incline: int | None
    distance: int | None


@attrs.define
class LapRecord:
    """One step as walked: its timeline index, when it started and ended on the session clock."""

    index: int
    start: float
    end: float | None = None


@attrs.define
class SessionLog:
    """Everything a session did: the trace, the treadmill's data, the steps walked, pauses, and how it ended."""

    workout: Workout
    started_at: dt.datetime
    commands: tuple[StepCommand, ...] = ()
    machine: MachineInfo | None = None
    trace: list[TraceEntry] = attrs.field(factory=list)
    samples: list[Sample] = attrs.field(factory=list)
    laps: list[LapRecord] = attrs.field(factory=list)
    pauses: list[tuple[float, float]] = attrs.field(factory=list)
    outcome: str = ""
    completed: bool = False
    moved: bool = False
    stop_confirmed: bool | None = None
    end: float | None = None


class _StopRequested(Exception):  # noqa: N818 - a signal, not an error
    """The walker pressed stop."""


class _Fault(enum.Enum):
    DISCONNECTED = "disconnected"
    CONTROL_LOST = "control lost"
    MACHINE_STOPPED = "machine stopped"


@attrs.frozen
class _Event:
    fault: _Fault
    message: str


class LiveSession:
    """One live session: ``await LiveSession(...).run()`` walks the workout and returns its ``SessionLog``.

    Args:
        workout: The workout to walk.
        client: The FTMS client over the chosen transport.
        walker: Confirmations, key presses and the screen.
        clock: The session clock (its speedup runs the session faster on a simulator).
        trace: Called with every trace entry as it happens (e.g. to write ``--trace`` lines).
        speed_rate: The belt acceleration to assume, 0.01 km/h per second.
        incline_rate: The incline rate to assume, 0.1 % per second.
        refresh: Redraw the screen every this many loop seconds (None: only on changes).
        started_at: The wall-clock time the session is recorded at (default: now, UTC).
    """

    def __init__(
        self,
        workout: Workout,
        client: FtmsClient,
        walker: Walker,
        clock: SessionClock,
        *,
        trace: Callable[[TraceEntry], None] | None = None,
        speed_rate: float = ASSUMED_SPEED_RATE,
        incline_rate: float = ASSUMED_INCLINE_RATE,
        refresh: float | None = None,
        started_at: dt.datetime | None = None,
    ) -> None:
        self.workout = workout
        self.client = client
        self.walker = walker
        self.clock = clock
        self._trace_sink = trace
        self._refresh = refresh
        self.log = SessionLog(workout, started_at or dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
        self._events: asyncio.Queue[Key | _Event] = asyncio.Queue()
        self._belt = Envelope(speed_rate)
        self._deck = Envelope(incline_rate)
        self._speed_cmd = 0
        self._incline_cmd: int | None = None
        self._ceiling: int | None = None  # the speed in force when the current turn began
        self._control_lost = False
        self._paused = False
        self._current = -1
        self._step_end: float | None = None
        self._prompt: str | None = None
        self._wait_id: int | None = None
        self._waits = 0
        self._message = ""
        self._phase = Phase.READY
        self._latest: TreadmillData | None = None
        self._deck_seen = False

    # --- the trace and the screen ---------------------------------------------------------------------------

    def _record(self, op: str, *, emit: bool = True, **values: object) -> TraceEntry:
        entry: TraceEntry = {"t": round(self.clock.now(), 3), "op": op, **values}
        self.log.trace.append(entry)
        if emit:
            self._emit(entry)
        return entry

    def _emit(self, entry: TraceEntry) -> None:
        if self._trace_sink is not None:
            self._trace_sink(entry)

    def view(self) -> SessionView:
        """The screen's state now."""
        commands = self.log.commands
        now = self.clock.now()
        total = float(self.workout.total_time.exact)
        latest = self._latest
        belt = latest.speed_kmh if latest is not None else None
        deck = latest.inclination_percent if latest is not None else None
        if not 0 <= self._current < len(commands):
            return SessionView(
                phase=self._phase,
                workout=self.workout.name,
                step_count=len(commands),
                total=total,
                elapsed=now if self.log.moved else 0.0,
                message=self._message,
                belt_kmh=belt,
                belt_incline=deck,
            )
        command = commands[self._current]
        step = command.segment.step
        upcoming = commands[self._current + 1] if self._current + 1 < len(commands) else None
        left = None if self._step_end is None else max(0.0, self._step_end - now)
        phase = self._phase
        announcement = ""
        if phase is Phase.WALKING and command.turn:
            phase = Phase.TURNING
            announcement = f"TURN AROUND NOW: face {upcoming.direction.name if upcoming else step.direction.name}"
        elif (
            phase is Phase.WALKING
            and upcoming is not None
            and left is not None
            and left <= ANNOUNCE_S
            and (upcoming.direction is not step.direction or upcoming.starts_turn)
        ):
            phase = Phase.TURN_AHEAD
            facing = _facing_after(commands, self._current)
            announcement = f"TURN AHEAD in {round(left)} s: slowing down, then face {facing.name}"
        next_text = ""
        if upcoming is not None:
            next_step = upcoming.segment.step
            next_text = f"{upcoming.label} at {next_step.speed}, {round(upcoming.duration)} s"
        return SessionView(
            phase=phase,
            workout=self.workout.name,
            direction=step.direction,
            step_number=self._current + 1,
            step_count=len(commands),
            step_label=command.label,
            time_left=left,
            elapsed=now,
            total=total,
            speed=str(step.speed) if not command.belt_stopped else "stopped",
            belt_kmh=belt,
            incline=str(step.incline),
            belt_incline=deck,
            next_step=next_text,
            announcement=announcement,
            prompt=self._prompt,
            wait_id=self._wait_id,
            message=self._message,
            cue=step.cue or "",
            hold_handrails=step.hold_handrails,
        )

    def _show(self) -> None:
        self.walker.show(self.view())

    # --- callbacks from the machine and the walker ----------------------------------------------------------

    def _on_data(self, data: TreadmillData) -> None:
        self._latest = data
        if self._incline_cmd is None and not self._deck_seen and data.inclination is not None:
            # Where the deck is before our first command: later turns account for its travel from there.
            self._deck = Envelope(self._deck.rate, data.inclination)
        self._deck_seen = True
        self.log.samples.append(
            Sample(self.clock.now(), data.instantaneous_speed, data.inclination, data.total_distance)
        )

    def _on_status(self, status: MachineStatus) -> None:
        self._record("status", status=status.op.name.lower(), parameter=status.parameter)
        if status.op is StatusOp.CONTROL_PERMISSION_LOST:
            self._control_lost = True
            self._events.put_nowait(_Event(_Fault.CONTROL_LOST, "the treadmill says another device took control"))
        elif status.belt_stopped_by_machine:
            self._events.put_nowait(
                _Event(_Fault.MACHINE_STOPPED, "the treadmill was stopped from its console or safety key")
            )

    def _on_disconnect(self) -> None:
        self._record("disconnect")
        self._events.put_nowait(_Event(_Fault.DISCONNECTED, "the Bluetooth connection to the treadmill was lost"))

    async def _pump_keys(self) -> None:
        while True:
            self._events.put_nowait(await self.walker.next_key())

    async def _redraw(self, every: float) -> None:
        while True:
            self._show()
            await asyncio.sleep(every)

    # --- commands ---------------------------------------------------------------------------------------------

    async def _send(
        self, request: ControlRequest, op: str, due: float | None = None, **values: object
    ) -> ControlResponse:
        extra: dict[str, object] = dict(values)
        if due is not None:
            extra["due"] = round(due, 3)
        if self._current >= 0:
            extra["step"] = self._current
        entry = self._record(op, emit=False, **extra)  # written once the answer is in
        try:
            response = await self.client.request(request)
        except LiveSessionError as error:
            entry["result"] = "no answer"
            entry["error"] = error.problem
            self._emit(entry)
            raise
        entry["result"] = response.result.name.lower()
        self._emit(entry)
        return response

    async def _command(self, request: ControlRequest, op: str, due: float | None = None, **values: object) -> None:
        response = await self._send(request, op, due, **values)
        if response.ok:
            return
        if response.result is ResultCode.CONTROL_NOT_PERMITTED:
            self._control_lost = True
        shown = " ".join(f"{value}" for value in values.values())
        raise LiveSessionError(
            f"the treadmill refused {op.replace('_', ' ')}{' ' + shown if shown else ''}: {response.result.meaning}"
        )

    async def _set_speed(self, hundredths: int, due: float | None = None) -> None:
        if self._ceiling is not None:
            hundredths = min(hundredths, self._ceiling)
        if hundredths == self._speed_cmd:
            return
        await self._command(ControlRequest.set_speed(hundredths), "set_speed", due, kmh=hundredths / 100)
        self._speed_cmd = hundredths
        self._belt.set_target(self.clock.now(), 0 if self._paused else hundredths)

    async def _set_incline(self, tenths: int | None, due: float | None = None) -> None:
        if tenths is None or tenths == self._incline_cmd or self._ceiling is not None:
            return
        await self._command(ControlRequest.set_inclination(tenths), "set_incline", due, percent=tenths / 10)
        self._incline_cmd = tenths
        self._deck.set_target(self.clock.now(), tenths)

    # --- waiting ------------------------------------------------------------------------------------------------

    async def _handle(self, event: Key | _Event) -> float:
        """Act on an event; return the seconds the session was paused (0 for none)."""
        if isinstance(event, _Event):
            raise LiveSessionError(event.message, belt_may_run=event.fault is not _Fault.MACHINE_STOPPED)
        if event is Key.STOP:
            raise _StopRequested
        if event is Key.PAUSE and not self._paused:
            return await self._pause()
        return 0.0

    async def _pause(self) -> float:
        began = self.clock.now()
        await self._command(ControlRequest.pause(), "pause", reason="walker")
        self._paused = True
        self._belt.set_target(began, 0)
        phase, self._phase = self._phase, Phase.PAUSED
        self._show()
        while True:
            event = await self._events.get()
            if isinstance(event, _Event) or event is Key.STOP:
                await self._handle(event)
            if event in (Key.RESUME, Key.PAUSE):
                break
        await self._command(ControlRequest.start(), "start", reason="resume")
        self._paused = False
        ended = self.clock.now()
        self._belt.set_target(ended, self._speed_cmd)
        self.log.pauses.append((began, ended))
        self._phase = phase
        self._show()
        return ended - began

    async def _wait_until(self, when: float) -> float:
        """Wait until ``when`` on the session clock, handling events; return the seconds spent paused."""
        paused = 0.0
        margin = self.clock.margin
        while True:
            remaining = self.clock.real(when + paused - self.clock.now())
            if remaining <= _CLOCK_EPSILON_S:  # below the clock's float resolution: a timer could never fire
                return paused
            if remaining <= margin:  # the last moments: yield turn by turn rather than oversleep
                if self._events.empty():
                    await asyncio.sleep(0)
                    continue
                paused += await self._handle(self._events.get_nowait())
                continue
            try:
                event = await asyncio.wait_for(self._events.get(), remaining - margin)
            except TimeoutError:
                continue
            paused += await self._handle(event)

    async def _wait_for_walker(self, prompt: str) -> None:
        self._waits += 1
        self._prompt, self._wait_id = prompt, self._waits
        phase, self._phase = self._phase, Phase.WAITING
        self._show()
        while True:
            event = await self._events.get()
            if event is Key.LAP:
                break
            await self._handle(event)
        self._prompt = self._wait_id = None
        self._phase = phase
        self._record("lap")

    # --- the session --------------------------------------------------------------------------------------------

    async def run(self) -> SessionLog:
        """Walk the session; always returns the log (its ``outcome`` says how it ended).

        Raises:
            LiveSessionError: The machine cannot run this session (raised before anything moves).
        """
        log = self.log
        machine = await self.client.start()
        log.machine = machine
        log.commands = plan_commands(self.workout, machine)  # refuses before the belt moves
        self._record("connect", machine=machine.name)
        self._show()
        if not await self.walker.confirm(CONFIRM_QUESTION):
            log.outcome = "not confirmed: nothing moved"
            self.walker.tell("Not started: nothing moved.")
            return log
        self.client.on_data(self._on_data)
        self.client.on_status(self._on_status)
        self.client.link.on_disconnect(self._on_disconnect)
        helpers = [asyncio.create_task(self._pump_keys())]
        if self._refresh is not None:
            helpers.append(asyncio.create_task(self._redraw(self._refresh)))
        try:
            try:
                await self._walk()
                log.outcome, log.completed = "session complete", True
            except _StopRequested:
                log.outcome = "stopped by the walker"
            except LiveSessionError as error:
                log.outcome = error.problem
            except BaseException as error:  # Ctrl-C, cancellation, a bug: the belt stops all the same
                interrupted = isinstance(error, asyncio.CancelledError | KeyboardInterrupt)
                log.outcome = "interrupted" if interrupted else f"internal error: {error}"
                await self._finish()
                raise
            await self._finish()
        finally:
            for helper in helpers:
                helper.cancel()
        return log

    async def _walk(self) -> None:
        self._phase = Phase.WALKING
        await self._command(ControlRequest.request_control(), "request_control")
        self.log.moved = True
        await self._command(ControlRequest.start(), "start")
        if self.log.machine is not None:  # machines start at their slowest speed until told otherwise
            self._belt.set_target(self.clock.now(), self.log.machine.speed_range.minimum)
        commands = self.log.commands
        for index, command in enumerate(commands):
            upcoming = commands[index + 1] if index + 1 < len(commands) else None
            await self._walk_step(command, upcoming)
        if self.log.laps:
            self.log.laps[-1].end = self.clock.now()

    async def _walk_step(self, command: StepCommand, upcoming: StepCommand | None) -> None:
        start = self.clock.now()
        if self.log.laps:
            self.log.laps[-1].end = start
        self._current = command.index
        self.log.laps.append(LapRecord(command.index, start))
        self._open_turn(command)
        self._record(
            "step",
            index=command.index,
            direction=command.direction.value,
            kind=command.segment.step.kind.value,
            turn=command.turn,
            bare_turn=command.bare_turn,
            belt_stopped=command.belt_stopped,
        )
        self._step_end = None if command.until_lap else start + command.duration
        self._show()
        if command.belt_stopped:
            await self._stop_to_turn(command, upcoming)
            return
        await self._set_speed(command.speed, due=start)
        await self._set_incline(command.incline, due=start)
        end = start + command.duration
        if command.bare_turn:
            end += await self._wait_until(start + command.bare_turn)
            self._ceiling = None
            await self._set_speed(command.speed, due=start + command.bare_turn)
            await self._set_incline(command.incline, due=start + command.bare_turn)
        if command.until_lap:
            await self._wait_for_walker(f"{command.label}: press Enter when you are done")
        else:
            if upcoming is not None and upcoming.starts_turn and not command.turn:
                send_at = end - self._lead(upcoming)
                if send_at > self.clock.now():
                    end += await self._wait_until(send_at)
                    self._step_end = end
                await self._enter(upcoming, due=max(send_at, start))
            end += await self._wait_until(end)
        if upcoming is not None and upcoming.starts_turn and not command.turn:
            await self._enter(upcoming)
            now = self.clock.now()
            ready = max(self._belt.ready_by(now, at_most=True), self._deck.ready_by(now))
            if ready > self.clock.now() + 1e-6:
                self._record("hold", until=round(ready, 3), reason="belt reaching the turn speed")
                await self._wait_until(ready)

    def _open_turn(self, command: StepCommand) -> None:
        """Fix the speed ceiling when a turn begins (kept through a run of turn steps), clear it after."""
        if command.turn:
            if self._ceiling is None:
                self._ceiling = self._speed_cmd or command.speed
        elif command.bare_turn:
            self._ceiling = min(self._speed_cmd or command.entry_speed, command.entry_speed)
        else:
            self._ceiling = None

    def _lead(self, upcoming: StepCommand) -> float:
        """Seconds the belt and deck need, at the assumed rates, to reach the turn's entry speed and incline."""
        now = self.clock.now()
        fastest = max(self._belt.high.at(now), self._speed_cmd)
        lead = max(0.0, fastest - upcoming.entry_speed) / self._belt.rate
        if upcoming.entry_incline is not None and self._incline_cmd is not None:
            gap = max(self._deck.gap(now, upcoming.entry_incline), abs(self._incline_cmd - upcoming.entry_incline))
            lead = max(lead, gap / self._deck.rate)
        return lead

    async def _enter(self, upcoming: StepCommand, due: float | None = None) -> None:
        """Send the turn's entry speed (only ever lower) and incline, before the turn starts."""
        if upcoming.entry_speed < self._speed_cmd:
            await self._set_speed(upcoming.entry_speed, due)
        await self._set_incline(upcoming.entry_incline, due)

    async def _stop_to_turn(self, command: StepCommand, upcoming: StepCommand | None) -> None:
        await self._command(ControlRequest.pause(), "pause", due=self.log.laps[-1].start, reason="stop-to-turn")
        self._paused = True
        self._belt.set_target(self.clock.now(), 0)
        stopped_by = self._belt.ready_by(self.clock.now(), at_most=True)
        if stopped_by > self.clock.now():  # the walker turns on a belt that has stopped, not one that is stopping
            self._record("hold", until=round(stopped_by, 3), reason="belt stopping")
            await self._wait_until(stopped_by)
        facing = upcoming.direction.name if upcoming is not None else command.direction.name
        restart = command.speed / 100
        await self._wait_for_walker(
            f"Belt stopping. Once it has stopped, turn around to face {facing}; press Enter to restart "
            f"at {restart:.1f} km/h"
        )
        self._ceiling = None
        await self._command(ControlRequest.start(), "start", reason="restart after the turn")
        self._paused = False
        self._belt.set_target(self.clock.now(), self._speed_cmd)
        await self._set_speed(command.speed)

    async def _finish(self) -> None:
        """Stop the belt while the link is up, and tell the walker plainly how it ended."""
        log = self.log
        log.end = self.clock.now()
        if log.laps and log.laps[-1].end is None:
            log.laps[-1].end = log.end
        self._phase = Phase.STOPPED
        confirmed: bool | None = None
        if log.moved:
            confirmed = False
            if self.client.link.connected:
                try:
                    if self._control_lost:
                        await self._send(ControlRequest.request_control(), "request_control", reason="to stop")
                    response = await self._send(ControlRequest.stop(), "stop", reason=log.outcome)
                    confirmed = response.ok
                except LiveSessionError:
                    confirmed = False
        log.stop_confirmed = confirmed
        self._record("end", outcome=log.outcome, stop_confirmed=confirmed)
        if confirmed is False:
            self._message = (
                f"{log.outcome}. THE TREADMILL DID NOT CONFIRM THE STOP: pull the safety key or press stop "
                "on the treadmill now."
            )
        elif confirmed:
            self._message = f"{log.outcome[0].upper()}{log.outcome[1:]}. Belt stopped."
        else:
            self._message = f"{log.outcome[0].upper()}{log.outcome[1:]}."
        self._current = -1
        self._prompt = self._wait_id = None
        self._show()
        self.walker.tell(self._message)


def _facing_after(commands: tuple[StepCommand, ...], index: int) -> Direction:
    """The direction of the first step after ``index`` that is not a turn (where the walker ends up facing)."""
    for command in commands[index + 1 :]:
        if not command.turn:
            return command.direction
    return commands[index].direction
