"""Model values every reader builds, shared between equal ones: files repeat their steps (repeats unrolled).

No lxml or fitdecode here, so the FIT reader does not import lxml.
"""

from __future__ import annotations

import functools
import math
import re
from fractions import Fraction
from typing import TYPE_CHECKING

from retrointervals.model import (
    MAX_CUE_LENGTH,
    MAX_REPEAT_COUNT,
    MAX_STEP_METRES,
    MAX_STEP_SECONDS,
    Direction,
    Step,
    StepKind,
    Workout,
)
from retrointervals.units import Distance, Duration, Incline, Speed

if TYPE_CHECKING:
    from retrointervals.errors import Place
    from retrointervals.formats import ChangeLog, Decoded
    from retrointervals.formats.steptext import StepText

__all__ = ["clean_text", "length_of", "make_step", "only_workout", "repeat_count", "step_from_text", "whole_length"]

_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f]")


def clean_text(log: ChangeLog, text: str, max_length: int, what: str, where: str | Place, *, keep: str = "") -> str:
    """Text of a file made acceptable to the model, every change reported to ``log``.

    Control characters (and line breaks and tabs, unless in ``keep``) become spaces; text longer than the model
    holds is cut at ``max_length``.
    """
    if len(text) <= max_length and _CONTROL_CHARACTER.search(text) is None:
        return text  # the usual case, without a pass over every character
    cleaned = "".join(char if ord(char) >= 32 or char in keep else " " for char in text)
    if cleaned != text:
        log.hit(where, f"the {what} holds line breaks or control characters", "replaced them with spaces")
    if len(cleaned) > max_length:
        log.hit(
            where,
            f"the model's {what} holds at most {max_length} characters, not {len(cleaned)}",
            f"shortened it to {max_length} characters",
        )
        cleaned = cleaned[:max_length]
    return cleaned


@functools.lru_cache(maxsize=1024)  # bounded: the keys come from the file
def length_of(value: int | Fraction, *, by_distance: bool) -> Duration | Distance:
    """A whole-number step length in the model (validated once per distinct value)."""
    return Distance(value) if by_distance else Duration(value)


@functools.lru_cache(maxsize=1024)  # bounded; files repeat their steps (repeats unrolled), and Steps are immutable
def make_step(  # noqa: PLR0917 - the fields of a Step, positionally for the cache key
    direction: Direction,
    kind: StepKind,
    length: Duration | Distance,
    speed: Speed,
    incline: Incline,
    hold_handrails: bool,
    cue: str | None,
    until_lap: bool,
    belt_stopped: bool,
) -> Step:
    """A ``Step``, shared with earlier identical ones (validation runs once per distinct step)."""
    return Step(
        direction=direction,
        kind=kind,
        length=length,
        speed=speed,
        incline=incline,
        hold_handrails=hold_handrails,
        cue=cue,
        until_lap=until_lap,
        belt_stopped=belt_stopped,
    )


def step_from_text(
    text: StepText,
    length: Duration | Distance,
    speed: Speed,
    incline: Incline,
    *,
    until_lap: bool,
    log: ChangeLog,
    where: str | Place,
) -> Step:
    """The step a reader found: its step text (direction, kind, rails, cue, stopped belt) with the format's fields.

    Raises:
        ValidationError: The values make no valid step (the reader places it).
    """
    cue = clean_text(log, text.cue, MAX_CUE_LENGTH, "cue", where) if text.cue else None
    return make_step(
        text.direction,
        text.kind,
        length,
        speed,
        incline,
        text.hold_handrails,
        cue if cue and cue.strip() else None,
        until_lap,
        until_lap and text.belt_stopped,
    )


def whole_length(log: ChangeLog, exact: Fraction, *, by_distance: bool, where: str | Place) -> Duration | Distance:
    """A file's step length in seconds or metres as the model holds it: the nearest whole one from 1 to the most.

    Any difference from ``exact`` is a change reported to ``log`` (an error under ``Policy.STRICT``).
    """
    unit, words, limit = ("m", "metres", MAX_STEP_METRES) if by_distance else ("s", "seconds", MAX_STEP_SECONDS)
    whole = min(max(math.floor(exact + Fraction(1, 2)), 1), limit)
    if whole != exact:
        log.hit(
            where,
            f"step lengths are whole {words} from 1 to {limit}, not {float(exact):g} {unit}",
            f"used {whole} {unit} instead",
        )
    return length_of(whole, by_distance=by_distance)


def repeat_count(log: ChangeLog, count: int | None, where: str | Place) -> int:
    """A file's repeat count as the model holds it: none or below 1 reads as one pass, too many as the most.

    Both are changes reported to ``log`` (errors under ``Policy.STRICT``).
    """
    if count is None or count < 1:
        log.hit(where, f"the repeat count is {count}", "read as one pass of the repeated steps")
        return 1
    if count > MAX_REPEAT_COUNT:
        log.hit(
            where,
            f"the model repeats at most {MAX_REPEAT_COUNT} times, not {count}",
            f"read as {MAX_REPEAT_COUNT} repetitions",
        )
        return MAX_REPEAT_COUNT
    return count


def only_workout(decoded: Decoded) -> Workout:
    """The workout a one-workout format's ``decode`` gave (such a format never gives a plan)."""
    workout = decoded.document
    assert isinstance(workout, Workout)  # noqa: S101 - the format's file holds one workout
    return workout
