"""What ``retrointervals walk`` and ``retrointervals probe`` do, behind the thin command line.

``walk`` loads a session (a plan folder and ``W1S1``, or one workout file), opens the link (the simulator over
bumble's virtual link, or a real treadmill through bleak), runs ``LiveSession`` with the terminal as the walker,
and writes the recording and the trace. ``probe`` reads a treadmill's ranges as a treadmill profile.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from fractions import Fraction
from pathlib import Path

import attrs

from retrointervals.errors import LiveSessionError, OutputExistsError, ValidationError
from retrointervals.live.clock import SessionClock
from retrointervals.live.link import FtmsClient, GattLink, MachineInfo
from retrointervals.live.recorder import TraceFile, write_activity
from retrointervals.live.session import LiveSession, SessionLog
from retrointervals.live.simulator import Fault, InMemoryLink, SimulatedTreadmill
from retrointervals.live.terminal import TerminalWalker
from retrointervals.live.walker import SIMULATED_ANSWER_S, Key
from retrointervals.model import Plan, Workout
from retrointervals.treadmill import Treadmill
from retrointervals.units import Incline, Speed, SpeedUnit

__all__ = ["WalkOptions", "load_session", "probe", "profile_json", "treadmill_profile", "walk"]

#: Loop seconds between screen redraws.
_REDRAW_S = 0.25


@attrs.frozen(kw_only=True)
class WalkOptions:
    """The choices of ``retrointervals walk``."""

    simulate: bool = False
    speedup: float = 1.0
    faults: tuple[Fault, ...] = ()
    assume_yes: bool = False
    record: Path | None = None
    trace: Path | None = None
    device: str | None = None
    overwrite: bool = False
    speak: bool = False
    #: The simulator's link: ``"bumble"`` (a virtual Bluetooth link) or ``"memory"`` (no Bluetooth at all).
    link: str = "bumble"

    def __attrs_post_init__(self) -> None:
        if not self.simulate:
            for flag, used in (
                ("--yes", self.assume_yes),
                ("--speedup", self.speedup != 1),
                ("--simulate-fault", bool(self.faults)),
            ):
                if used:
                    raise ValidationError(flag, "given", "is only allowed with --simulate (a real belt needs a person)")
        if self.link not in ("bumble", "memory"):
            raise ValidationError("--simulate-link", self.link, "choose bumble or memory")
        for path in (self.record, self.trace):
            if path is not None and path.exists() and not self.overwrite:
                raise OutputExistsError(str(path))
            if path is not None:
                # Before the belt moves, not after: a walked session must never end without its recording.
                path.parent.mkdir(parents=True, exist_ok=True)


def load_session(target: str | Path, session: str | None) -> Workout:
    """The workout to walk: ``session`` (``W1S1``) of the plan in folder ``target``, or the workout file ``target``."""
    from retrointervals import formats  # noqa: PLC0415 - heavy formats load only here

    path = Path(target)
    document = formats.read(path / "plan.json") if path.is_dir() else formats.read(path)
    if isinstance(document, Workout):
        return document
    if session is None:
        raise ValidationError("--session", None, "name the session to walk, e.g. --session W1S1")
    return _pick(document, session)


def _pick(plan: Plan, session: str) -> Workout:
    from retrointervals.sessionlog import parse_session  # noqa: PLC0415 - the one reading of session names

    try:
        week, number = parse_session(session)
    except ValidationError:
        raise ValidationError("--session", session, "expected W{week}S{number}, e.g. W1S1") from None
    if not 1 <= week <= len(plan.weeks) or not 1 <= number <= len(plan.weeks[week - 1].sessions):
        raise ValidationError("--session", session, f"the plan has {len(plan.weeks)} weeks; no such session")
    return plan.weeks[week - 1].sessions[number - 1].workout


async def _open(options: WalkOptions, clock: SessionClock) -> tuple[GattLink, SimulatedTreadmill | None]:
    if not options.simulate:
        from retrointervals.live.bleak_link import open_bleak_link  # noqa: PLC0415 - optional extra

        return await open_bleak_link(options.device), None
    treadmill = SimulatedTreadmill(clock, faults=options.faults)
    if options.link == "memory":
        return InMemoryLink(treadmill), treadmill
    from retrointervals.live.bumble_link import open_bumble_link  # noqa: PLC0415 - optional extra

    return await open_bumble_link(treadmill), treadmill


async def _walk(workout: Workout, options: WalkOptions) -> SessionLog:
    clock = SessionClock(options.speedup)  # its zero is the first reading, once the link is up
    walker = TerminalWalker(
        clock,
        assume_yes=options.assume_yes,
        auto_answer=SIMULATED_ANSWER_S if options.simulate else None,
        speak=options.speak,
    )
    trace = TraceFile(options.trace, overwrite=options.overwrite) if options.trace is not None else None
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):  # Ctrl-C stops the belt like the stop key
        loop.add_signal_handler(signal.SIGINT, walker.press, Key.STOP)
    link: GattLink | None = None
    try:
        link, _ = await _open(options, clock)
        session = LiveSession(workout, FtmsClient(link), walker, clock, trace=trace, refresh=_REDRAW_S)
        return await session.run()
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
        walker.close()
        if trace is not None:
            trace.close()
        if link is not None:
            await link.close()


def walk(workout: Workout, options: WalkOptions) -> SessionLog:
    """Walk the session; write the recording when asked. Returns the log (``completed`` says how it went)."""
    log = asyncio.run(_walk(workout, options))
    if options.record is not None and log.moved:
        write_activity(log, options.record, overwrite=options.overwrite)
    return log


async def _probe(simulate: bool, device: str | None) -> MachineInfo:
    clock = SessionClock()
    link: GattLink
    if simulate:
        link = InMemoryLink(SimulatedTreadmill(clock))
    else:
        from retrointervals.live.bleak_link import open_bleak_link  # noqa: PLC0415 - optional extra

        link = await open_bleak_link(device)
    try:
        return await FtmsClient(link).start()
    finally:
        await link.close()


def probe(*, simulate: bool = False, device: str | None = None) -> MachineInfo:
    """Connect, read what the treadmill can do, disconnect (nothing moves)."""
    return asyncio.run(_probe(simulate, device))


def treadmill_profile(info: MachineInfo, name: str = "probed") -> Treadmill:
    """A treadmill profile (km/h) from the ranges the machine reported, kept inside them.

    FTMS does not say whether the machine has handrails; the profile assumes it does (edit it if not).
    """
    speeds = info.speed_range
    increment = max(1, min(50, -(-speeds.increment // 10)))  # 0.01 km/h -> tenths, rounded up
    low = -(-speeds.minimum // (10 * increment)) * increment
    high = speeds.maximum // (10 * increment) * increment
    if high <= low:
        raise LiveSessionError(f"{info.name} reports a speed range too narrow for a profile: {speeds}")
    inclines = info.inclination_range
    incline_step, incline_low, incline_high = 5, 0, 0
    if inclines is not None:
        incline_step = max(1, min(50, inclines.increment))
        incline_low = min(0, -(-inclines.minimum // incline_step) * incline_step)
        incline_high = max(0, inclines.maximum // incline_step * incline_step)
    return Treadmill(
        name=name,
        unit=SpeedUnit.KMH,
        min_speed=Speed(low),
        max_speed=Speed(high),
        speed_increment_tenths=increment,
        min_incline=Incline(incline_low),
        max_incline=Incline(incline_high),
        incline_increment_tenths=incline_step,
        handrails=True,
    )


def profile_json(treadmill: Treadmill) -> dict[str, object]:
    """The profile in the plan file's treadmill layout (``plan.json``'s ``"treadmill"``)."""
    return {
        "name": treadmill.name,
        "unit": treadmill.unit.value,
        "min_speed": treadmill.min_speed.value,
        "max_speed": treadmill.max_speed.value,
        "speed_increment": float(Fraction(treadmill.speed_increment_tenths, 10)),
        "min_incline_pct": treadmill.min_incline.in_percent,
        "max_incline_pct": treadmill.max_incline.in_percent,
        "incline_increment_pct": float(Fraction(treadmill.incline_increment_tenths, 10)),
        "handrails": treadmill.handrails,
    }
