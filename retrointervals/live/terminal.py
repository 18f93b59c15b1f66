"""The terminal as the walker's screen and keys: a full-screen view redrawn in place, single-key commands.

Keys: space pauses and resumes, Enter (or ``l``) ends a wait ("done"), ``s`` or ``q`` stops. Ctrl-C stops too.
Spoken cues use ``espeak-ng`` or ``spd-say`` when one is installed and ``speak`` is on.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import sys
from typing import IO, Any

from retrointervals.live.clock import SessionClock
from retrointervals.live.view import Phase, SessionView, render
from retrointervals.live.walker import Key

__all__ = ["TerminalWalker", "speech_engine"]

_KEYS = {" ": None, "\n": Key.LAP, "\r": Key.LAP, "l": Key.LAP, "s": Key.STOP, "q": Key.STOP, "p": Key.PAUSE}
_CLEAR = "\x1b[H\x1b[2J"


def speech_engine() -> list[str] | None:
    """The command that speaks a line of text, if a speech engine is installed."""
    for name in ("espeak-ng", "spd-say"):
        found = shutil.which(name)
        if found is not None:
            return [found]
    return None


class TerminalWalker:
    """The walker at a terminal.

    Args:
        clock: The session clock (for simulated answers).
        assume_yes: Answer the confirmation with yes (``--yes``, allowed with the simulator only).
        auto_answer: Answer every wait after this many session seconds (the simulated walker), or None.
        speak: Speak announcements and prompts when a speech engine is installed.
        out: Where to draw.
    """

    def __init__(
        self,
        clock: SessionClock,
        *,
        assume_yes: bool = False,
        auto_answer: float | None = None,
        speak: bool = False,
        out: IO[str] | None = None,
    ) -> None:
        self.clock = clock
        self.assume_yes = assume_yes
        self.auto_answer = auto_answer
        self.out = out if out is not None else sys.stdout
        self.speech = speech_engine() if speak else None
        self._keys: asyncio.Queue[Key] = asyncio.Queue()
        self._phase = Phase.READY
        self._answered: set[int] = set()
        self._said = ""
        self._last_line = ""
        self._saved_terminal: list[Any] | None = None
        self._reading = False
        self.full_screen = self.out.isatty()

    def press(self, key: Key) -> None:
        """Press a key (Ctrl-C handlers use this to stop)."""
        self._keys.put_nowait(key)

    async def confirm(self, question: str) -> bool:
        """Ask at the terminal; only "y" or "yes" counts."""
        if self.assume_yes:
            self._write(f"{question} yes (--yes)\n")
            return True
        if not sys.stdin.isatty():
            self._write(f"{question}\nNo terminal to answer on: not started.\n")
            return False
        loop = asyncio.get_running_loop()
        answer = await loop.run_in_executor(None, input, f"{question} [y/N] ")
        return answer.strip().lower() in ("y", "yes")

    async def next_key(self) -> Key:
        """The next key the walker presses."""
        self._start_reading()
        return await self._keys.get()

    def _start_reading(self) -> None:
        if self._reading or not sys.stdin.isatty():
            return
        self._reading = True
        try:
            import termios  # noqa: PLC0415 - POSIX only
            import tty  # noqa: PLC0415

            descriptor = sys.stdin.fileno()
            self._saved_terminal = termios.tcgetattr(descriptor)
            tty.setcbreak(descriptor)
            asyncio.get_running_loop().add_reader(descriptor, self._on_stdin)
        except (ImportError, OSError, NotImplementedError):  # no key reading here: Ctrl-C still stops
            self._saved_terminal = None

    def _on_stdin(self) -> None:
        char = sys.stdin.read(1)
        if char in _KEYS:
            key = _KEYS[char]
            if key is None:
                key = Key.RESUME if self._phase is Phase.PAUSED else Key.PAUSE
            self._keys.put_nowait(key)

    def show(self, view: SessionView) -> None:
        """Redraw the screen (or, when not a terminal, print a line when something changes)."""
        self._phase = view.phase
        if view.wait_id is not None and self.auto_answer is not None and view.wait_id not in self._answered:
            self._answered.add(view.wait_id)
            asyncio.get_running_loop().call_later(self.clock.real(self.auto_answer), self._keys.put_nowait, Key.LAP)
        spoken = view.announcement or view.prompt or ""
        if spoken and spoken != self._said:
            self._speak(spoken)
        self._said = spoken
        if self.full_screen:
            self._write(_CLEAR + render(view) + "\n")
            return
        line = f"[{view.elapsed:7.1f} s] step {view.step_number}/{view.step_count} {view.step_label}"
        if view.direction is not None:
            line += f" {view.direction.name} {view.speed}"
        for extra in (view.announcement, view.prompt):
            if extra:
                line += f" | {extra}"
        key = line.split("] ", 1)[-1]
        if key != self._last_line and view.phase is not Phase.STOPPED:
            self._write(line + "\n")
        self._last_line = key

    def tell(self, message: str) -> None:
        """Say it plainly (and aloud, when speaking)."""
        self._write(message + "\n")
        self._speak(message)

    def _speak(self, text: str) -> None:
        if self.speech is None:
            return
        with contextlib.suppress(OSError):
            subprocess.Popen([*self.speech, text], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def close(self) -> None:
        """Give the terminal back as it was."""
        if self._saved_terminal is not None:
            import termios  # noqa: PLC0415

            with contextlib.suppress(OSError, ValueError):
                asyncio.get_running_loop().remove_reader(sys.stdin.fileno())
            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._saved_terminal)
            self._saved_terminal = None
