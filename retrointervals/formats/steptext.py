"""The step-text codec: how a step's direction, kind, handrails, incline, cue and lap-button ending travel in text.

No workout format knows walking direction. retrointervals writes it, with the other things a format may lack, in
two short texts that people read on their watch or app and that every reader parses back the same way:

- the **label**, for step names: ``"BW active"``, ``"FW warmup"``, ``"BW turn"`` (at most 11 characters, so it
  fits TCX's 15-character names). ``BW`` is backward, ``FW`` forward; the word is the step kind
  (``warmup``, ``active``, ``recover``, ``turn`` for a transition, ``cooldown``).
- the **note**, for step notes and text events: ``"BACKWARD, hold rails, incline 2.5%. Long steps"``: the direction
  in capitals, then ``hold rails`` when the handrails should be held, then the incline when it is not 0, then
  ``belt stopped`` for a stop-to-turn step and ``press lap (about 20 s)`` for a step that ends on the lap button,
  then after ``". "`` the cue, if any.

**One precedence rule** (``decode``), the same in every format: the note decides the direction (it spells it out,
and it is the text shown with the step), the label decides the kind, and the format's own fields decide what
neither says. A label and a note that disagree on the direction is a reported change (an error under
``Policy.STRICT``): direction is the safety field, so it is never settled silently.

Parsers are lenient about case and spacing and return None for text that does not follow the convention, so files
from other tools read as forward steps with their own names as cues.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import attrs

from retrointervals.errors import Place, ValidationError
from retrointervals.formats import ChangeLog
from retrointervals.model import Direction, Step, StepKind
from retrointervals.units import Duration, Incline

__all__ = ["NoteFields", "StepText", "decode", "label", "note", "parse_label", "parse_note", "spoken"]

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
    r"(?:\s*,\s*incline\s+(?P<incline>[-+]?\d{1,3}(?:\.\d)?)\s*%)?"
    r"(?P<stopped>\s*,\s*belt stopped)?"
    r"(?:\s*,\s*press lap \(about (?P<lap>\d{1,5}) s\))?"
    r"(?:\. (?P<cue>.+)|\s*)$",
    re.IGNORECASE | re.DOTALL,
)


def label(step: Step) -> str:
    """The short label for a step name, e.g. ``"BW active"``."""
    return f"{_DIRECTION_CODES[step.direction]} {_KIND_WORDS[step.kind]}"


@functools.lru_cache(maxsize=1024)  # bounded: the texts come from files
def parse_label(text: str) -> tuple[Direction, StepKind] | None:
    """Direction and kind from a name that starts with a label, or None."""
    match = _LABEL.match(text)
    if match is None:
        return None
    return _CODE_DIRECTIONS[match.group(1).upper()], _WORD_KINDS[match.group(2).lower()]


def spoken(step: Step, previous: Step | None) -> str | None:
    """What to announce when ``step`` starts, if the walker turns around or takes or lets go of the rails; else None.

    Short enough to be spoken by an app's text-to-speech: ``"Turn around: walk backward, hold the rails."``.
    """
    turning = step.direction is not (previous.direction if previous is not None else Direction.FORWARD)
    rails_changed = step.hold_handrails != (previous.hold_handrails if previous is not None else False)
    if not turning and not rails_changed:
        return None
    parts = []
    if turning:
        parts.append(f"{'turn around: walk' if previous is not None else 'walk'} {step.direction.value}")
    if rails_changed:
        parts.append("hold the rails" if step.hold_handrails else "let go of the rails")
    if step.belt_stopped:
        parts.insert(0, "stop the belt")
    text = ", ".join(parts)
    return text[0].upper() + text[1:] + "."


@attrs.frozen
class NoteFields:
    """What a note following the convention says."""

    direction: Direction
    hold_handrails: bool
    incline: Incline
    cue: str | None
    belt_stopped: bool = False
    #: The expected time of a step that ends on the lap button; None for a step that ends after its length.
    lap_expected: Duration | None = None


def qualifiers(step: Step, *, percent: str = "%") -> list[str]:
    """The words a step's text adds after its direction: ``hold rails``, ``incline 2.5%``, ``belt stopped``.

    ``percent`` is how the incline's unit is written (intervals.icu texts write ``" percent"``: a ``%`` there reads
    as a power target).
    """
    parts = []
    if step.hold_handrails:
        parts.append("hold rails")
    if step.incline.tenths:
        parts.append(f"incline {step.incline.in_percent:g}{percent}")
    if step.belt_stopped:
        parts.append("belt stopped")
    return parts


def note(step: Step) -> str:
    """The note for a step, e.g. ``"BACKWARD, hold rails, incline 2.5%. Long steps"``."""
    parts = [step.direction.value.upper(), *qualifiers(step)]
    if step.until_lap:
        parts.append(f"press lap (about {step.length.exact} s)")
    text = ", ".join(parts)
    return f"{text}. {step.cue}" if step.cue else text


@functools.lru_cache(maxsize=1024)  # bounded: the texts come from files
def parse_note(text: str) -> NoteFields | None:
    """The fields of a note that follows the convention, or None."""
    match = _NOTE.match(text)
    if match is None:
        return None
    incline_text = match.group("incline")
    lap_text = match.group("lap")
    try:
        incline = Incline.percent(float(incline_text)) if incline_text else Incline.flat()
        lap = Duration(int(lap_text)) if lap_text else None
    except ValidationError:  # an incline no treadmill has: not our convention
        return None
    if lap is not None and not lap.exact > 0:
        return None
    stopped = match.group("stopped") is not None
    if stopped and lap is None:  # a stopped belt needs the lap button: not our convention
        return None
    return NoteFields(
        direction=Direction(match.group("direction").lower()),
        hold_handrails=match.group("rails") is not None,
        incline=incline,
        cue=match.group("cue") or None,
        belt_stopped=stopped,
        lap_expected=lap,
    )


@attrs.frozen
class StepText:
    """What a step's texts say, after the precedence rule.

    ``incline`` is None when the note does not say (the format's own incline field decides); ``note`` is the
    parsed note (None when the texts are not ours).
    """

    direction: Direction
    kind: StepKind
    hold_handrails: bool
    incline: Incline | None
    cue: str | None
    note: NoteFields | None

    @property
    def until_lap(self) -> bool:
        """Whether the note says the step ends on the lap button."""
        return self.note is not None and self.note.lap_expected is not None

    @property
    def belt_stopped(self) -> bool:
        """Whether the note says the belt stands still during the step."""
        return self.note is not None and self.note.belt_stopped


def decode(
    label_text: str | None,
    note_text: str | None,
    *,
    kind: StepKind,
    where: str | Place,
    log: ChangeLog,
    foreign: Sequence[str] = (),
    joiner: str = ": ",
) -> StepText:
    """Apply the one precedence rule to a step's label and note, as every reader does.

    Args:
        label_text: The step's name (or the label part of a text event), if any.
        note_text: The step's note, if any.
        kind: The kind the format's own fields give (e.g. from a FIT or TCX intensity), used without a label.
        where: The step's place, for the change or error of a disagreement.
        log: The read's change log (``Policy.STRICT`` raises on a disagreement).
        foreign: More texts of the step that are not ours (e.g. ZWO text events), for the cue.
        joiner: How foreign texts are joined into the cue.

    Raises:
        FormatLimitError: Under ``Policy.STRICT``, the label and the note disagree on the direction.
    """
    text, conflict = _decoded(label_text, note_text, kind, tuple(foreign), joiner)
    if conflict:
        log.hit(
            where,
            f"the step name {label_text!r} and its note {note_text!r} disagree on the direction",
            f"read as {text.direction.value}, as the note says",
        )
    return text


@functools.lru_cache(maxsize=1024)  # bounded: the texts come from files; files repeat their steps
def _decoded(
    label_text: str | None, note_text: str | None, kind: StepKind, foreign: tuple[str, ...], joiner: str
) -> tuple[StepText, bool]:
    """The precedence rule applied, and whether the label and the note disagree on the direction."""
    parsed_label = parse_label(label_text) if label_text else None
    parsed_note = parse_note(note_text) if note_text else None
    conflict = False
    if parsed_note is not None:
        direction = parsed_note.direction
        conflict = parsed_label is not None and parsed_label[0] is not direction
    else:
        direction = parsed_label[0] if parsed_label is not None else Direction.FORWARD
    texts = [] if parsed_label is not None or not label_text else [label_text]
    if parsed_note is None and note_text:
        texts.append(note_text)
    texts.extend(foreign)
    cleaned = [text.strip() for text in texts if text and text.strip()]
    foreign_cue = joiner.join(cleaned) if cleaned else None
    cue = parsed_note.cue if parsed_note is not None else foreign_cue
    text = StepText(
        direction=direction,
        kind=parsed_label[1] if parsed_label is not None else kind,
        hold_handrails=parsed_note.hold_handrails if parsed_note is not None else False,
        incline=parsed_note.incline if parsed_note is not None else None,
        cue=cue,
        note=parsed_note,
    )
    return text, conflict
