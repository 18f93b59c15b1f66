"""Live-session speed targets: the simulator at --speedup 60 walks a 30-minute session in under 40 s, and on the
session clock every step's command is sent within 100 ms of when it is due (measured in the trace).

Run from the repository root (about 30 s per link; needs the live extra for the bumble link)::

    python benchmarks/bench_live.py               # both links: bumble (virtual Bluetooth) and memory
    python benchmarks/bench_live.py --link memory
    python benchmarks/bench_live.py --quick       # speedup 600: a smoke run in a few seconds

A step's command is the first command due at the step's start (its speed, or the slow-down before a turn); the
table also shows the latest of *all* commands, where a second command of the same moment (the incline after the
speed) waits for the first one's answer, as FTMS requires.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from retrointervals.live.clock import SessionClock
from retrointervals.live.link import FtmsClient, GattLink
from retrointervals.live.session import LiveSession, SessionLog
from retrointervals.live.simulator import InMemoryLink, SimulatedTreadmill
from retrointervals.live.walker import SimulatedWalker
from retrointervals.model import Level, Workout
from retrointervals.plans import generate_plan
from retrointervals.treadmill import DEFAULT
from retrointervals.units import Speed

TARGET_WALL_S = 40.0
TARGET_LATE_MS = 100.0
SESSION_S = 30 * 60


def thirty_minute_session() -> Workout:
    """The generated session closest to 30 minutes (intermediate plan, 5 km/h forward)."""
    plan = generate_plan(Level.INTERMEDIATE, Speed.kmh(5.0), DEFAULT)
    sessions = [session.workout for _, _, session in plan.sessions()]
    return min(sessions, key=lambda workout: abs(float(workout.total_time.exact) - SESSION_S))


async def _walk(workout: Workout, speedup: float, link_name: str) -> SessionLog:
    clock = SessionClock(speedup)
    treadmill = SimulatedTreadmill(clock)
    link: GattLink
    if link_name == "bumble":
        from retrointervals.live.bumble_link import open_bumble_link  # noqa: PLC0415 - optional extra

        link = await open_bumble_link(treadmill)
    else:
        link = InMemoryLink(treadmill)
    walker = SimulatedWalker(clock, keep_views=False)
    try:
        return await LiveSession(workout, FtmsClient(link), walker, clock).run()
    finally:
        await link.close()


def lateness_ms(log: SessionLog) -> tuple[float, float]:
    """(latest first command of a moment, latest of all commands), in session milliseconds."""
    firsts: dict[float, float] = {}
    every = 0.0
    for entry in log.trace:
        if "due" not in entry:
            continue
        late = (float(entry["t"]) - float(entry["due"])) * 1000  # type: ignore[arg-type]
        due = float(entry["due"])  # type: ignore[arg-type]
        firsts.setdefault(due, late)
        every = max(every, late)
    return max(firsts.values(), default=0.0), every


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--link", choices=("bumble", "memory", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="speedup 600 (a smoke run; targets not judged)")
    arguments = parser.parse_args(argv)
    speedup = 600.0 if arguments.quick else 60.0
    links = ("bumble", "memory") if arguments.link == "both" else (arguments.link,)
    workout = thirty_minute_session()
    print(f"{workout.name}: {workout.total_time}, {len(workout.timeline)} steps, speedup {speedup:g}")
    print(f"{'link':8} {'wall s':>8} {'step cmd late ms':>17} {'any cmd late ms':>16}  targets")
    failed = False
    for link in links:
        began = time.perf_counter()
        log = asyncio.run(_walk(workout, speedup, link))
        wall = time.perf_counter() - began
        first, every = lateness_ms(log)
        scaled_wall = TARGET_WALL_S * float(workout.total_time.exact) / SESSION_S
        met = log.completed and wall < scaled_wall and first <= TARGET_LATE_MS
        failed |= not met and not arguments.quick
        verdict = "met" if met else "MISSED"
        print(f"{link:8} {wall:8.1f} {first:17.1f} {every:16.1f}  {verdict} ({log.outcome})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
