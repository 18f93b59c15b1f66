"""The attributes of the retrointervals plan extension (``Plan``, ``Week``, ``Session``, ``Treadmill``), by cattrs.

The converter is ``retrointervals._structure.make_converter()``, as for the native JSON and the rules file: enums
(``level``, ``forwardSpeedUnit``) and dates (``start``) go through the checked hooks of ``retrointervals.limits``.
XML attributes are text, so numbers and booleans get text hooks here, and attribute names are matched without
regard to case, as everywhere in our XML readers. Unknown attributes are ignored (other tools may add their own).
Any problem is a ``FormatError`` at the element's line, naming the attribute: ``level: unknown value; ...``.

Measured when this replaced the hand-made code (a generated 8-week plan.tcx: 1 plan, 8 weeks, 24 sessions):
structuring its attributes takes about 0.17 ms against 0.11 ms by hand, and reading the whole file, old and new
side by side in one run, took 6.5-7.6 ms before and 5.8-6.7 ms after: the difference is inside the noise.
"""

from __future__ import annotations

import datetime as dt
import functools
from fractions import Fraction
from typing import TYPE_CHECKING, TypeVar

import attrs
from cattrs.errors import BaseValidationError
from cattrs.v import transform_error

from retrointervals._structure import make_converter
from retrointervals.errors import FormatError, Place, ValidationError
from retrointervals.formats._xml import attributes, parse_number
from retrointervals.limits import echo
from retrointervals.model import Level, Weekday
from retrointervals.units import SpeedUnit

if TYPE_CHECKING:
    import cattrs
    from lxml import etree

__all__ = ["PlanAttributes", "SessionAttributes", "TreadmillAttributes", "WeekAttributes", "structure_attributes"]

T = TypeVar("T")


@attrs.frozen
class PlanAttributes:
    """The ``Plan`` element's attributes (its weeks, description and treadmill are child elements)."""

    name: str = ""
    level: Level | None = None
    start: dt.date | None = None
    forwardSpeed: Fraction | None = None  # noqa: N815 - the attribute's own spelling
    forwardSpeedUnit: SpeedUnit = SpeedUnit.KMH  # noqa: N815


@attrs.frozen
class WeekAttributes:
    """A ``Week`` element's attributes."""

    label: str = ""
    deload: bool = False


@attrs.frozen
class SessionAttributes:
    """A ``Session`` element's attributes: the TCX name of its workout, and its weekday if it has one."""

    workout: str = ""
    weekday: Weekday | None = None


@attrs.frozen
class TreadmillAttributes:
    """The ``Treadmill`` element's attributes: the numbers as written (the model checks them)."""

    unit: SpeedUnit
    minSpeed: Fraction  # noqa: N815 - the attribute's own spelling
    maxSpeed: Fraction  # noqa: N815
    speedIncrementTenths: int  # noqa: N815
    minIncline: Fraction  # noqa: N815
    maxIncline: Fraction  # noqa: N815
    inclineIncrementTenths: int  # noqa: N815
    name: str = ""
    handrails: str = "true"  # only "false" says no handrails, as before

    @property
    def has_handrails(self) -> bool:
        """False only when the file says ``handrails="false"``."""
        return self.handrails != "false"


def _number(text: object, _kind: object) -> Fraction:
    value = parse_number(str(text))
    if isinstance(value, Fraction):
        return value
    raise ValueError(value)  # the problem names the text already: "must be a number, not 'abc'"


def _whole(text: object, _kind: object) -> int:
    value = _number(text, _kind)
    if value.denominator != 1:  # never cut silently
        raise ValueError(f"must be a whole number, not {echo(text)}")
    return int(value)


def _true(text: object, _kind: object) -> bool:
    return text == "true"  # as written; anything else reads as false, as before


def _weekday(text: object, _kind: object) -> Weekday:
    return Weekday.parse(str(text))


@functools.cache
def _converter() -> cattrs.Converter:
    converter = make_converter()
    converter.register_structure_hook(Fraction, _number)
    converter.register_structure_hook(int, _whole)
    converter.register_structure_hook(bool, _true)
    converter.register_structure_hook(Weekday, _weekday)
    return converter


#: Attribute names by their lower-case spelling (``attributes`` gives the file's names in lower case).
_NAMES: dict[type, dict[str, str]] = {
    kind: {field.name.lower(): field.name for field in attrs.fields(kind)}
    for kind in (PlanAttributes, WeekAttributes, SessionAttributes, TreadmillAttributes)
}


def _problem(error: BaseException, _kind: object) -> str:
    if isinstance(error, ValidationError):
        return f"{error.problem} (got {echo(error.value)})" if error.field == "value" else str(error)
    if isinstance(error, KeyError):
        return "missing"
    return str(error) or type(error).__name__


def structure_attributes(element: etree._Element, kind: type[T], where: Place) -> T:
    """The element's attributes as ``kind``; a problem is a ``FormatError`` at ``where`` naming the attribute."""
    names = _NAMES[kind]
    given = {names[key]: value for key, value in attributes(element).items() if key in names}
    try:
        return _converter().structure(given, kind)
    except BaseValidationError as error:
        messages = transform_error(error, path="", format_exception=_problem)
        problem, _, path = messages[0].rpartition(" @ ") if messages else ("not valid", "", "")
        raise FormatError(f"{path.lstrip('.')}: {problem}", where) from None
