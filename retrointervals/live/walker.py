"""The walker's side of a live session: confirmations, key presses, and what the walker sees.

The runner talks to a ``Walker``: the terminal (``retrointervals.live.view.TerminalWalker``) or, for the simulator
and tests, ``SimulatedWalker``, which answers every wait after a few seconds on the session clock.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Sequence
from typing import Protocol

from retrointervals.live.clock import SessionClock
from retrointervals.live.view import SessionView

__all__ = ["SIMULATED_ANSWER_S", "Key", "SimulatedWalker", "Walker"]

#: [D] How long, in session seconds, the simulated walker takes to answer a wait (turning around, a lap step).
SIMULATED_ANSWER_S = 4.0


class Key(enum.Enum):
    """What the walker can press during a session."""

    #: End the current wait (a lap-button step, a stop-to-turn step): "done".
    LAP = "lap"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


class Walker(Protocol):
    """The person on the belt, as the runner sees them."""

    async def confirm(self, question: str) -> bool:
        """Ask a yes/no question before anything moves; True only for an explicit yes."""
        ...

    async def next_key(self) -> Key:
        """Wait for the next key the walker presses."""
        ...

    def show(self, view: SessionView) -> None:
        """Show the session's current state."""
        ...

    def tell(self, message: str) -> None:
        """Tell the walker something plainly (a stop, an error, what to do)."""
        ...


class SimulatedWalker:
    """A walker for the simulator and tests: says yes, answers each wait after ``answer_after`` session seconds.

    ``script`` presses keys at given session times, e.g. ``((120.0, Key.PAUSE), (150.0, Key.RESUME))``.
    Everything shown and told is kept in ``views`` and ``messages``.
    """

    def __init__(
        self,
        clock: SessionClock,
        *,
        answer_after: float = SIMULATED_ANSWER_S,
        script: Sequence[tuple[float, Key]] = (),
        agree: bool = True,
        keep_views: bool = True,
    ) -> None:
        self.clock = clock
        self.answer_after = answer_after
        self.script = tuple(sorted(script, key=lambda item: item[0]))
        self.agree = agree
        self.keep_views = keep_views
        self.views: list[SessionView] = []
        self.messages: list[str] = []
        self.questions: list[str] = []
        self._keys: asyncio.Queue[Key] | None = None
        self._answered: set[int] = set()
        self._script_task: asyncio.Task[None] | None = None

    def _queue(self) -> asyncio.Queue[Key]:
        if self._keys is None:
            self._keys = asyncio.Queue()
        return self._keys

    async def confirm(self, question: str) -> bool:
        """Answer yes (or no, when made with ``agree=False``)."""
        self.questions.append(question)
        return self.agree

    async def next_key(self) -> Key:
        """The next scripted key or wait answer."""
        queue = self._queue()
        if self._script_task is None and self.script:
            self._script_task = asyncio.create_task(self._play())
        return await queue.get()

    async def _play(self) -> None:
        for when, key in self.script:
            await self.clock.sleep_until(when)
            self._queue().put_nowait(key)

    def show(self, view: SessionView) -> None:
        """Keep the view; when it asks the walker to act, answer after a while."""
        if self.keep_views or view.prompt is not None:
            self.views.append(view)
        if view.wait_id is not None and view.wait_id not in self._answered:
            self._answered.add(view.wait_id)
            queue = self._queue()
            asyncio.get_running_loop().call_later(self.clock.real(self.answer_after), queue.put_nowait, Key.LAP)

    def tell(self, message: str) -> None:
        """Keep the message."""
        self.messages.append(message)

    def close(self) -> None:
        """Stop pressing scripted keys."""
        if self._script_task is not None:
            self._script_task.cancel()
