"""Reading a clinician's rules file (``check --rules FILE``): bounded, strict, and every error names its JSON path.

The file is read with the same size bound and strict JSON parsing as every other input. Its object holds any
``ProgressionRules`` field by name and, under ``"levels"``, any ``LevelRules`` field per level name; pairs are
arrays. Numbers go through ``limits.check_number``.
"""

from __future__ import annotations

import os
from fractions import Fraction
from typing import TypeVar

import attrs

from retrointervals._files import read_bounded
from retrointervals._json import JSONValue, json_path, load_json
from retrointervals.errors import FormatError, ValidationError
from retrointervals.limits import check_number, echo
from retrointervals.model import Level
from retrointervals.plans.levels import DEFAULT_RULES, ProgressionRules

__all__ = ["read_rules", "rules_from_json"]

_T = TypeVar("_T")
#: A rules file sets a few dozen values; this bounds what the parser may build.
_MAX_RULES_VALUES = 10_000


def read_rules(path: str | os.PathLike[str], base: ProgressionRules = DEFAULT_RULES) -> ProgressionRules:
    """The rules of a rules file: ``base`` with the values the file overrides (at most 16 MiB read)."""
    return rules_from_json(read_bounded(path), str(path), base)


def rules_from_json(text: str | bytes, source: str = "", base: ProgressionRules = DEFAULT_RULES) -> ProgressionRules:
    """``base`` with the values a rules JSON object overrides; see ``plans.levels.rules_from_json``."""
    data = load_json(text, source, _MAX_RULES_VALUES, "a rules file may hold")
    where = f"{source}: " if source else ""
    if not isinstance(data, dict):
        raise FormatError("expected a JSON object of rule settings", f"{where}$")
    levels = dict(base.levels)
    given_levels = data.get("levels")
    if given_levels is not None:
        if not isinstance(given_levels, dict):
            raise FormatError('expected an object of levels, such as {"beginner": {...}}', f"{where}$.levels")
        for name, overrides in given_levels.items():
            path = json_path("$.levels", name)
            level = next((member for member in Level if member.value == name), None)
            if level is None:
                known = ", ".join(member.value for member in Level)
                raise FormatError(f"unknown level {echo(name)}; expected one of {known}", where + path)
            levels[level] = _override(levels[level], overrides, where, path, frozenset({"level", "table"}))
    top = {key: value for key, value in data.items() if key != "levels"}
    return attrs.evolve(_override(base, top, where, "$", frozenset({"levels"})), levels=levels)


def _override(value: _T, overrides: JSONValue, where: str, path: str, fixed: frozenset[str]) -> _T:
    if not isinstance(overrides, dict):
        raise FormatError("expected an object of settings", where + path)
    changes: dict[str, object] = {}
    for key, given in overrides.items():
        if key in fixed or key.startswith("_") or not hasattr(value, key):
            raise FormatError(f"unknown or fixed setting {echo(key)}", where + json_path(path, key))
        changes[key] = _like(getattr(value, key), given, where, json_path(path, key))
    try:
        return attrs.evolve(value, **changes)  # type: ignore[misc]  # _T is an attrs class
    except (TypeError, ValidationError) as error:
        raise FormatError(str(error), where + path) from None


def _like(current: object, given: JSONValue, where: str, path: str) -> object:
    """``given`` converted to the kind of ``current`` (Fraction, int, bool, tuple of those, or None)."""
    if isinstance(current, tuple):
        if not isinstance(given, list) or len(given) != len(current):
            raise FormatError(f"expected an array of {len(current)} values", where + path)
        return tuple(
            _like(old, new, where, json_path(path, index))
            for index, (old, new) in enumerate(zip(current, given, strict=True))
        )
    if given is None and current is None:
        return None
    if isinstance(current, bool):
        if not isinstance(given, bool):
            raise FormatError("expected true or false", where + path)
        return given
    if isinstance(current, int) or (current is None and type(given) is int):
        if type(given) is not int:
            raise FormatError(f"expected a whole number, got {echo(given)}", where + path)
        return int(_number(given, where, path))
    if current is None or isinstance(current, Fraction):
        return _number(given, where, path)
    raise FormatError("this setting cannot be set from a file", where + path)


def _number(given: JSONValue, where: str, path: str) -> Fraction:
    try:
        return check_number(path, given)
    except ValidationError as error:
        raise FormatError(f"expected a number: {error.problem}, got {echo(given)}", where + path) from None
