"""How a step's direction, role, handrails, incline and cue travel in formats that have no field for them.

No workout format knows walking direction. retrointervals writes it, with the other things a format may lack, in
two short texts that people read on their watch or app and that our readers parse back:

- the **label**, for step names: ``"BW active"``, ``"FW warmup"``, ``"BW turn"`` (at most 11 characters, so it
  fits TCX's 15-character names). ``BW`` is backward, ``FW`` forward; the word is the step kind
  (``warmup``, ``active``, ``recover``, ``turn`` for a transition, ``cooldown``).
- the **note**, for step notes and text events: ``"BACKWARD, hold rails, incline 2.5%. Long steps"``: the direction
  in capitals, then ``hold rails`` when the handrails should be held, then the incline when it is not 0, then
  after ``". "`` the cue, if any.

Parsers are lenient about case and spacing and return None for text that does not follow the convention, so files
from other tools read as forward steps with their own names.
"""

from __future__ import annotations

import re

import attrs

from retrointervals.errors import ValidationError
from retrointervals.model import Direction, Step, StepKind
from retrointervals.units import Incline

__all__ = ["NoteFields", "parse_step_label", "parse_step_note", "step_label", "step_note"]

_KIND_WORDS = {
    StepKind.WARMUP: "warmup",
    StepKind.ACTIVE: "active",
    StepKind.RECOVERY: "recover",
    StepKind.TRANSITION: "turn",
    StepKind.COOLDOWN: "cooldown",
}
_WORD_KINDS = {word: kind for kind, word in _KIND_WORDS.items()}
_DIRECTION_CODES = {Direction.FORWARD: "FW", Direction.BACKWARD: "BW"}
_CODE_DIRECTIONS = {code: direction for direction, code in _DIRECTION_CODES.items()}

_LABEL = re.compile(r"^\s*(FW|BW)\s+(warmup|active|recover|turn|cooldown)\b", re.IGNORECASE)
_NOTE = re.compile(
    r"^\s*(?P<direction>FORWARD|BACKWARD)"
    r"(?P<rails>\s*,\s*hold rails)?"
    r"(?:\s*,\s*incline\s+(?P<incline>[-+]?\d+(?:\.\d)?)\s*%)?"
    r"(?:\. (?P<cue>.+)|\s*)$",
    re.IGNORECASE | re.DOTALL,
)


def step_label(step: Step) -> str:
    """The short label for a step name, e.g. ``"BW active"``."""
    return f"{_DIRECTION_CODES[step.direction]} {_KIND_WORDS[step.kind]}"


def parse_step_label(text: str) -> tuple[Direction, StepKind] | None:
    """Direction and kind from a name that starts with a label, or None."""
    match = _LABEL.match(text)
    if match is None:
        return None
    return _CODE_DIRECTIONS[match.group(1).upper()], _WORD_KINDS[match.group(2).lower()]


@attrs.frozen
class NoteFields:
    """What a note following the convention says."""

    direction: Direction
    hold_handrails: bool
    incline: Incline
    cue: str | None


def step_note(step: Step) -> str:
    """The note for a step, e.g. ``"BACKWARD, hold rails, incline 2.5%. Long steps"``."""
    parts = [step.direction.value.upper()]
    if step.hold_handrails:
        parts.append("hold rails")
    if step.incline.tenths:
        parts.append(f"incline {step.incline.in_percent:g}%")
    note = ", ".join(parts)
    return f"{note}. {step.cue}" if step.cue else note


def parse_step_note(text: str) -> NoteFields | None:
    """The fields of a note that follows the convention, or None."""
    match = _NOTE.match(text)
    if match is None:
        return None
    incline_text = match.group("incline")
    try:
        incline = Incline.percent(float(incline_text)) if incline_text else Incline.flat()
    except ValidationError:  # an incline no treadmill has: not our convention
        return None
    return NoteFields(
        direction=Direction(match.group("direction").lower()),
        hold_handrails=match.group("rails") is not None,
        incline=incline,
        cue=match.group("cue") or None,
    )
