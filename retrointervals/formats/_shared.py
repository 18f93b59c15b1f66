"""Model values every reader builds, shared between equal ones: files repeat their steps (repeats unrolled).

No lxml or fitdecode here, so the FIT reader does not import lxml.
"""

from __future__ import annotations

import functools
from fractions import Fraction

from retrointervals.model import Direction, Step, StepKind
from retrointervals.units import Distance, Duration, Incline, Speed

__all__ = ["length_of", "make_step"]


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
