"""The session clock (real time, optionally sped up) and a virtual event loop that runs sessions instantly.

The session clock counts seconds from the start of a session. With ``speedup`` N it runs N times faster than the
wall clock (the simulator's ``--speedup``). Everything that waits in a live session waits on this clock, so
``run_virtual`` (an event loop whose time jumps ahead whenever nothing is ready, like a discrete-event simulation)
walks an hour-long session in milliseconds with exactly the timing it would have in real time: that is how the
property tests walk arbitrary workouts.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Coroutine
from typing import TypeVar

from retrointervals.errors import ValidationError

__all__ = ["MAX_SPEEDUP", "SessionClock", "run_virtual"]

#: The fastest a session clock may run (the simulator's ``--speedup``).
MAX_SPEEDUP = 10_000

T = TypeVar("T")
#: Loop seconds before a deadline at which a real-time wait starts yielding instead of sleeping.
_PRECISE_S = 0.005


class SessionClock:
    """Seconds since the session began, on the running event loop's clock, ``speedup`` times faster."""

    def __init__(self, speedup: float = 1.0) -> None:
        if not 1 <= speedup <= MAX_SPEEDUP:
            raise ValidationError("speedup", speedup, f"must be from 1 to {MAX_SPEEDUP}")
        self.speedup = float(speedup)
        self._origin: float | None = None

    def start(self) -> None:
        """Set the session's zero to now (the first call to ``now`` does it otherwise)."""
        self._origin = asyncio.get_running_loop().time()

    def now(self) -> float:
        """Seconds on the session clock."""
        loop_time = asyncio.get_running_loop().time()
        if self._origin is None:
            self._origin = loop_time
        return (loop_time - self._origin) * self.speedup

    def real(self, session_seconds: float) -> float:
        """How many loop seconds a span of session seconds takes."""
        return max(0.0, session_seconds) / self.speedup

    async def sleep(self, session_seconds: float) -> None:
        """Wait a span of session seconds."""
        await asyncio.sleep(self.real(session_seconds))

    @property
    def margin(self) -> float:
        """Loop seconds before a deadline at which waiting turns into yielding (0 on a virtual loop).

        An event loop wakes a millisecond or so late; at a high speedup that is many session milliseconds, so the
        runner waits on the loop until this close to a command's time and then yields turn by turn.
        """
        return 0.0 if isinstance(asyncio.get_running_loop(), _VirtualLoop) else _PRECISE_S

    async def sleep_until(self, session_time: float) -> None:
        """Wait until the session clock reads ``session_time``."""
        await asyncio.sleep(self.real(session_time - self.now()))


class _JumpingSelector(selectors.DefaultSelector):
    """Never waits: when no file is ready, it tells the loop to jump its clock by the timeout instead."""

    def __init__(self) -> None:
        super().__init__()
        self.loop: _VirtualLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = super().select(0)
        if ready or self.loop is None:
            return ready
        if timeout is None:
            # Nothing scheduled and nothing ready: only another thread could wake us. Wait for real.
            return super().select(None)
        self.loop.jump(timeout)
        return []


class _VirtualLoop(asyncio.SelectorEventLoop):
    """An event loop whose ``time`` is virtual: it advances only when every task waits for a timer."""

    def __init__(self) -> None:
        selector = _JumpingSelector()
        super().__init__(selector)
        selector.loop = self
        self._virtual_time = 0.0

    def time(self) -> float:
        return self._virtual_time

    def jump(self, seconds: float) -> None:
        self._virtual_time += max(0.0, seconds)


def run_virtual(main: Coroutine[object, object, T]) -> T:
    """Run a coroutine on a virtual-time event loop: timers fire at once, in order, as if time had passed."""
    loop = _VirtualLoop()
    try:
        return loop.run_until_complete(main)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
