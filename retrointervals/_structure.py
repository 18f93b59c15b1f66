"""One cattrs converter for structuring outside data (JSON) into attrs classes, through the checked path.

Every number, date, enum value and text goes through ``retrointervals.limits`` (``check_number``,
``check_date``, ``check_enum``); ints and booleans are strict (``"600"`` is not a number, ``1`` is not true);
unknown keys are refused. ``structure`` turns any failure into one ``FormatError`` naming the JSON path
(``$.levels.beginner.session_cap_s``). The rules file uses it; the native JSON format (``formats.native``)
registers its own hooks (its words for wrong types, its document classes) on a ``make_converter()`` of its own, and
the TCX plan extension can do the same.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from fractions import Fraction
from typing import Any, TypeVar

import cattrs
from cattrs.errors import BaseValidationError, ForbiddenExtraKeysError
from cattrs.v import transform_error

from retrointervals.errors import FormatError, ValidationError
from retrointervals.limits import MAX_MAGNITUDE, check_date, check_enum, check_number, echo

__all__ = ["make_converter", "structure"]

T = TypeVar("T")
# cattrs writes mapping keys as ['beginner']; a JSON path reads better as .beginner where the key allows it.
_IDENTIFIER_KEY = re.compile(r"\['([A-Za-z_][A-Za-z0-9_]*)'\]")


def _fraction(value: object, _kind: object) -> Fraction:
    return check_number("value", value)


def _float(value: object, _kind: object) -> float:
    return float(check_number("value", value))


def _int(value: object, _kind: object) -> int:
    if type(value) is not int:
        raise ValidationError("value", value, "expected a whole number")
    if not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
        raise ValidationError("value", value, f"must be between -{MAX_MAGNITUDE:.0e} and {MAX_MAGNITUDE:.0e}")
    return value


def _bool(value: object, _kind: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError("value", value, "expected true or false")
    return value


def _str(value: object, _kind: object) -> str:
    if not isinstance(value, str):
        raise ValidationError("value", value, "expected a string")
    return value


def _date(value: object, _kind: object) -> dt.date:
    return check_date("value", value)


def _is_enum(kind: Any) -> bool:  # noqa: ANN401 - cattrs passes any type
    return isinstance(kind, type) and issubclass(kind, enum.Enum)


def _enum_hook(kind: type[enum.Enum]) -> Any:  # noqa: ANN401 - a cattrs hook
    def hook(value: object, _kind: object) -> enum.Enum:
        return check_enum("value", value, kind)

    return hook


def make_converter() -> cattrs.Converter:
    """A converter with the checked hooks for numbers (fractions and floats), ints, booleans, texts, dates, enums."""
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(Fraction, _fraction)
    converter.register_structure_hook(int, _int)
    converter.register_structure_hook(float, _float)
    converter.register_structure_hook(bool, _bool)
    converter.register_structure_hook(str, _str)
    converter.register_structure_hook(dt.date, _date)
    converter.register_structure_hook_factory(_is_enum, _enum_hook)
    return converter


def _describe(error: BaseException, kind: object) -> str:
    if isinstance(error, ValidationError):
        return f"{error.problem} (got {echo(error.value)})"
    if isinstance(error, ForbiddenExtraKeysError):
        return f"unknown setting {', '.join(echo(key) for key in sorted(error.extra_fields))}"
    if isinstance(error, KeyError):
        return f"missing setting {echo(error.args[0]) if error.args else ''}"
    text = str(error) or f"expected {getattr(kind, '__name__', kind)}"
    return text if len(text) <= 100 else text[:97] + "..."


def structure(converter: cattrs.Converter, data: object, kind: type[T], where: str = "", path: str = "$") -> T:
    """``data`` (found at JSON ``path``) as ``kind``; any problem becomes a ``FormatError`` at its JSON path."""
    try:
        return converter.structure(data, kind)
    except BaseValidationError as error:
        messages = transform_error(error, path=path, format_exception=_describe)
        problem, _, place = messages[0].rpartition(" @ ") if messages else ("not valid", "", path)
        place = _IDENTIFIER_KEY.sub(r".\1", place)
        raise FormatError(problem, f"{where}{place}") from None
    except (ValidationError, TypeError, ValueError) as error:  # a class's own validators
        raise FormatError(str(error), f"{where}{path}") from None
