"""What the walker sees during a live session: a state (``SessionView``) and a pure function rendering it as text.

The screen is read at a glance while walking backward: the direction in large letters, the time left in the
step, the speed and incline (set and as the belt reports them), the next step, and a framed announcement before
every direction change.
"""

from __future__ import annotations

import enum

import attrs

from retrointervals.model import Direction

__all__ = ["Phase", "SessionView", "big_text", "render"]


class Phase(enum.Enum):
    """Where the session is."""

    READY = "ready"
    WALKING = "walking"
    TURN_AHEAD = "turn ahead"
    TURNING = "turning"
    WAITING = "waiting"
    PAUSED = "paused"
    STOPPED = "stopped"


@attrs.frozen(kw_only=True)
class SessionView:
    """Everything the screen shows at one moment.

    Attributes:
        phase: Where the session is.
        workout: The workout's name.
        direction: The way the walker faces now (None before the start).
        step_number: The step being walked, from 1 (0 before the start).
        step_count: How many steps the session has.
        step_label: What the step is, e.g. ``"Backward active"``.
        time_left: Seconds left in the step (None for a step that ends on a key press).
        elapsed: Seconds since the start of the session.
        total: The session's planned seconds.
        speed: The speed set for the belt, as text in the plan's unit (e.g. ``"2.2 km/h"``).
        belt_kmh: The belt speed the treadmill reports, km/h.
        incline: The incline set, as text.
        belt_incline: The incline the treadmill reports, percent.
        next_step: The next step, as text.
        announcement: A framed line shown before a direction change or a stop.
        prompt: What the walker has to do to continue (a wait); None when nothing is awaited.
        wait_id: Identifies the current wait (a new number for every wait).
        message: A plain message (why the session stopped, what to do).
        cue: The step's cue from the plan.
        hold_handrails: Whether the step asks the walker to hold the handrails.
    """

    phase: Phase
    workout: str = ""
    direction: Direction | None = None
    step_number: int = 0
    step_count: int = 0
    step_label: str = ""
    time_left: float | None = None
    elapsed: float = 0.0
    total: float = 0.0
    speed: str = ""
    belt_kmh: float | None = None
    incline: str = ""
    belt_incline: float | None = None
    next_step: str = ""
    announcement: str = ""
    prompt: str | None = None
    wait_id: int | None = None
    message: str = ""
    cue: str = ""
    hold_handrails: bool = False


# A 5-row block font for the few words the screen shows in large letters.
_FONT = {
    "A": [" ## ", "#  #", "####", "#  #", "#  #"],
    "B": ["### ", "#  #", "### ", "#  #", "### "],
    "C": [" ###", "#   ", "#   ", "#   ", " ###"],
    "D": ["### ", "#  #", "#  #", "#  #", "### "],
    "E": ["####", "#   ", "### ", "#   ", "####"],
    "F": ["####", "#   ", "### ", "#   ", "#   "],
    "I": ["###", " # ", " # ", " # ", "###"],
    "K": ["#  #", "# # ", "##  ", "# # ", "#  #"],
    "N": ["#  #", "## #", "# ##", "#  #", "#  #"],
    "O": [" ## ", "#  #", "#  #", "#  #", " ## "],
    "P": ["### ", "#  #", "### ", "#   ", "#   "],
    "R": ["### ", "#  #", "### ", "# # ", "#  #"],
    "S": [" ###", "#   ", " ## ", "   #", "### "],
    "T": ["###", " # ", " # ", " # ", " # "],
    "U": ["#  #", "#  #", "#  #", "#  #", " ## "],
    "W": ["#   #", "#   #", "# # #", "## ##", "#   #"],
    "Y": ["#   #", " # # ", "  #  ", "  #  ", "  #  "],
    " ": ["  ", "  ", "  ", "  ", "  "],
    ":": [" ", "#", " ", "#", " "],
    "0": ["###", "# #", "# #", "# #", "###"],
    "1": [" # ", "## ", " # ", " # ", "###"],
    "2": ["###", "  #", "###", "#  ", "###"],
    "3": ["###", "  #", " ##", "  #", "###"],
    "4": ["# #", "# #", "###", "  #", "  #"],
    "5": ["###", "#  ", "###", "  #", "###"],
    "6": ["###", "#  ", "###", "# #", "###"],
    "7": ["###", "  #", " # ", " # ", " # "],
    "8": ["###", "# #", "###", "# #", "###"],
    "9": ["###", "# #", "###", "  #", "###"],
}


def big_text(word: str) -> str:
    """A word (or a time such as ``1:15``) in 5-row block letters; characters the font lacks are left out."""
    letters = [_FONT[char] for char in word.upper() if char in _FONT]
    return "\n".join(" ".join(letter[row] for letter in letters).rstrip() for row in range(5))


def _clock(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _frame(text: str, width: int) -> list[str]:
    inner = width - 4
    return ["*" * width, f"* {text.center(inner)} *", "*" * width]


def _headline(view: SessionView) -> list[str]:
    """The large part: the phase or the direction, and the time left."""
    if view.phase is Phase.READY:
        return [big_text("READY"), "", "Clip the safety key to your clothing. Nothing moves until you confirm."]
    if view.phase is Phase.STOPPED:
        return [big_text("STOP")]
    if view.phase is Phase.PAUSED:
        return [big_text("PAUSED"), "", "Belt paused. Press space to resume, s to stop."]
    if view.direction is None:
        return []
    lines = [big_text(view.direction.name)]
    if view.time_left is not None:
        lines += ["", big_text(_clock(view.time_left))]
    return lines


def render(view: SessionView, width: int = 60) -> str:
    """The screen for ``view``, as lines of text (pure: the same view always gives the same text)."""
    lines: list[str] = []
    title = view.workout or "retrointervals"
    lines.append(f"{title}  {_clock(view.elapsed)} / {_clock(view.total)}"[:width])
    lines.append("-" * width)
    lines.extend(_headline(view))
    if view.phase not in (Phase.READY, Phase.STOPPED) and view.step_count:
        lines.append("")
        left = "until you press Enter" if view.time_left is None else f"{_clock(view.time_left)} left"
        lines.append(f"Step {view.step_number}/{view.step_count}: {view.step_label}   {left}")
        belt = f"  (belt {view.belt_kmh:.1f} km/h)" if view.belt_kmh is not None else ""
        deck = f"  (deck {view.belt_incline:.1f} %)" if view.belt_incline is not None else ""
        lines.append(f"Speed {view.speed}{belt}   Incline {view.incline}{deck}")
        if view.hold_handrails:
            lines.append("Hold the handrails.")
        if view.cue:
            lines.append(view.cue)
        if view.next_step:
            lines.append(f"Next: {view.next_step}")
    if view.announcement:
        lines.append("")
        lines.extend(_frame(view.announcement, width))
    if view.prompt:
        lines.append("")
        lines.append(f">>> {view.prompt}")
    if view.message:
        lines.append("")
        lines.append(view.message)
    if view.phase not in (Phase.READY, Phase.STOPPED):
        lines.append("")
        lines.append("keys: space pause/resume   Enter done (lap)   s stop")
    return "\n".join(lines)
