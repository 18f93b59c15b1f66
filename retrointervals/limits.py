"""Every documented limit of retrointervals in one place, and the one checked path for outside values.

``docs/limits.md`` explains each number. Values marked [D] are design choices of this library, not findings.
Readers and public constructors turn outside numbers, dates, enum names and texts into model values through the
``check_*`` functions here, so that a bad value always ends as a ``ValidationError`` (model) or ``FormatError``
(file) naming the field and the place, with the value cut to a readable length by ``echo``.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from fractions import Fraction
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from retrointervals.errors import Place

__all__ = [
    "MAX_DOCUMENT_SEGMENTS",
    "MAX_DOCUMENT_STEPS",
    "MAX_ECHO_CHARACTERS",
    "MAX_FILE_NUMBER",
    "MAX_FIT_MESSAGES",
    "MAX_INPUT_BYTES",
    "MAX_MAGNITUDE",
    "MAX_NUMBER_CHARACTERS",
    "MAX_REPEAT_DEPTH",
    "MAX_TEXT_LINES",
    "MAX_TEXT_LINE_CHARACTERS",
    "MAX_WORKOUT_SEGMENTS",
    "PLAN_DATE_RANGE",
    "QZ_ELEMENTS_PER_ROW",
    "TCX_ELEMENTS_PER_STEP",
    "ZWO_ELEMENTS_PER_BLOCK",
    "DocumentBudget",
    "check_date",
    "check_enum",
    "check_number",
    "echo",
]

#: The largest file any reader accepts (and the largest in-memory input). Workout files are kilobytes. [D]
MAX_INPUT_BYTES = 16 * 1024 * 1024
#: Deepest nesting of repeats inside repeats. [D]
MAX_REPEAT_DEPTH = 8
#: Most walked segments one workout may expand to (every repeat unrolled). [D]
MAX_WORKOUT_SEGMENTS = 10_000
#: Most walked segments a whole document (a workout, or every session of a plan) may expand to. [D]
MAX_DOCUMENT_SEGMENTS = 20_000
#: Most steps and repeats a whole document may hold as written (a shared object counts each time it is used).
#: A document never holds more steps than it walks segments, so this equals the segment budget. [D]
MAX_DOCUMENT_STEPS = MAX_DOCUMENT_SEGMENTS
#: Largest magnitude of any number given to the model (seconds, metres, km/h, percent, counts). [D]
MAX_MAGNITUDE = 10**12
#: A plan's dates (its start and its last day) lie in this range, both ends included. [D]
PLAN_DATE_RANGE = (dt.date(2000, 1, 1), dt.date(2200, 12, 31))
#: Longest value echoed in an error message; longer ones are cut and their length is given. [D]
MAX_ECHO_CHARACTERS = 60
#: Most characters a number in a text or XML file may have (sign, digits, point, exponent), checked before it is
#: converted: Python refuses integers of over 4,300 digits, and no workout value needs more than a few. [D]
MAX_NUMBER_CHARACTERS = 64
#: Largest magnitude of a number read from an XML file, far beyond any workout value and within MAX_MAGNITUDE. [D]
MAX_FILE_NUMBER = 10**9

# What the readers count before and while parsing. An XML document is refused before it is parsed when it holds
# more elements (counted by its "<" characters) than its most steps could have; each factor is the most elements
# one written step (block, row) of the format takes, with its share of the document's own elements.
#: Elements per ZWO block (a block, its text events). [D]
ZWO_ELEMENTS_PER_BLOCK = 10
#: Elements per QZ row (a row, its text events, its share of a repeat). [D]
QZ_ELEMENTS_PER_ROW = 5
#: Elements per TCX step (ours have 12: duration, target, speed zone ...), with its workout's share (its name,
#: notes, creator, its session in the plan extension). [D]
TCX_ELEMENTS_PER_STEP = 20
#: Most lines an intervals.icu text may have: a step, a header or a title, and a blank line for every step. [D]
MAX_TEXT_LINES = 3 * MAX_DOCUMENT_STEPS
#: Most characters one line of an intervals.icu text may have (a step's cue, length and pace need a few hundred). [D]
MAX_TEXT_LINE_CHARACTERS = 10_000
#: Most messages (definitions and data) a FIT workout file may hold: a definition and a data message per step,
#: and room for the file's other messages (file id, workout, device info ...). [D]
MAX_FIT_MESSAGES = 2 * MAX_DOCUMENT_STEPS + 1000

# Integers with more digits than this are described, never printed (Python refuses above 4,300 digits).
_MAX_ECHO_DIGITS = 24

E = TypeVar("E", bound=enum.Enum)


def echo(value: object) -> str:
    """``repr(value)`` cut to a readable length; never fails, whatever the value (huge ints, long text)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int) and _too_many_digits(value):
        return f"a number of about {_digits(value)} digits"
    if isinstance(value, Fraction) and (_too_many_digits(value.numerator) or _too_many_digits(value.denominator)):
        return f"a fraction of about {_digits(value.numerator)} / {_digits(value.denominator)} digits"
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # a container holding a huge int, or a cycle
        return f"a {type(value).__name__}"
    if len(text) > MAX_ECHO_CHARACTERS:
        return f"{text[: MAX_ECHO_CHARACTERS - 20]}... ({len(text)} characters)"
    return text


def _too_many_digits(number: int) -> bool:
    return abs(number).bit_length() > _MAX_ECHO_DIGITS * 3.33


def _digits(number: int) -> int:
    return max(1, math.ceil(abs(number).bit_length() * math.log10(2)))


def check_number(
    field: str, value: object, *, lowest: float | Fraction | None = None, highest: float | Fraction | None = None
) -> Fraction:
    """``value`` as an exact fraction: a real number (not a bool), finite, within ``MAX_MAGNITUDE`` and the bounds.

    A float becomes the decimal it prints as (``0.15`` -> 3/20), which is what the user typed.

    Raises:
        ValidationError: naming ``field`` and the value (cut by ``echo``).
    """
    from retrointervals.errors import ValidationError  # noqa: PLC0415 - errors imports this module

    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        raise ValidationError(field, value, "must be a number")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(field, value, "must be a finite number")
        if abs(value) > MAX_MAGNITUDE:
            raise ValidationError(field, value, f"must be between -{MAX_MAGNITUDE:.0e} and {MAX_MAGNITUDE:.0e}")
        exact = Fraction(repr(value))
    else:
        exact = value if type(value) is Fraction else Fraction(value)
        if abs(exact.numerator) > MAX_MAGNITUDE * exact.denominator:
            raise ValidationError(field, value, f"must be between -{MAX_MAGNITUDE:.0e} and {MAX_MAGNITUDE:.0e}")
    if lowest is not None and exact < lowest:
        raise ValidationError(field, value, f"must be at least {lowest}")
    if highest is not None and exact > highest:
        raise ValidationError(field, value, f"must be at most {highest}")
    return exact


def check_date(field: str, value: object) -> dt.date:
    """A plan date: a ``datetime.date`` (not a datetime) within ``PLAN_DATE_RANGE``, or an ISO text of one."""
    from retrointervals.errors import ValidationError  # noqa: PLC0415 - errors imports this module

    if isinstance(value, str):
        try:
            parsed = dt.date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError(field, value, "expected a date as YYYY-MM-DD")
        value = parsed
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(field, value, "must be a datetime.date")
    low, high = PLAN_DATE_RANGE
    if not low <= value <= high:
        raise ValidationError(field, value.isoformat(), f"must be between {low} and {high}")
    return value


def check_enum(field: str, value: object, kind: type[E]) -> E:
    """The member of ``kind`` whose value is ``value`` (a member itself passes); refuses unknown values."""
    from retrointervals.errors import ValidationError  # noqa: PLC0415 - errors imports this module

    if isinstance(value, kind):
        return value
    for member in kind:
        if member.value == value and type(member.value) is type(value):
            return member
    allowed = ", ".join(repr(member.value) for member in kind)
    raise ValidationError(field, value, f"unknown value; expected one of {allowed}")


class DocumentBudget:
    """What a reader has read of one document, against ``MAX_DOCUMENT_STEPS`` and ``MAX_DOCUMENT_SEGMENTS``.

    A reader spends as it parses (steps as written, walked segments of each workout it builds), so that a document
    beyond the budget is refused as soon as it passes it, not after everything is built.
    """

    def __init__(self) -> None:
        self.steps = 0
        self.segments = 0

    def spend(self, where: str | Place, *, steps: int = 0, segments: int = 0) -> None:
        """Count ``steps`` and ``segments`` more of the document read at ``where``.

        Raises:
            FormatError: The document now holds more than ``MAX_DOCUMENT_STEPS`` steps or expands to more than
                ``MAX_DOCUMENT_SEGMENTS`` walked segments; the message names the limit.
        """
        from retrointervals.errors import FormatError  # noqa: PLC0415 - errors imports this module

        self.steps += steps
        self.segments += segments
        if self.steps > MAX_DOCUMENT_STEPS:
            raise FormatError(
                f"the document holds more than {MAX_DOCUMENT_STEPS} steps (MAX_DOCUMENT_STEPS; see limits.md)", where
            )
        if self.segments > MAX_DOCUMENT_SEGMENTS:
            raise FormatError(
                f"the document expands to more than {MAX_DOCUMENT_SEGMENTS} walked segments "
                "(MAX_DOCUMENT_SEGMENTS; see limits.md)",
                where,
            )
