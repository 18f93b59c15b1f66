"""Reading a clinician's rules file (``check --rules FILE``): bounded, strict, and every error names its JSON path.

The file is read with the same size bound and strict JSON parsing as every other input. Its object holds any
``ProgressionRules`` field by name and, under ``"levels"``, any ``LevelRules`` field per level name; pairs are
arrays. A ``"runtime"`` object holds the numbers of the adaptation rules (``adaptation.RuntimeRules``, read by
``adapt``); it is checked here the same way, so that ``check --rules`` accepts the whole file ``adapt`` reads.
The file is structured with cattrs (``retrointervals._structure``): numbers go through
``limits.check_number``, whole numbers and booleans are strict, and errors name the JSON path.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

import attrs

from retrointervals._files import read_bounded
from retrointervals._json import JSONValue, json_path, load_json
from retrointervals._structure import make_converter, structure
from retrointervals.errors import FormatError
from retrointervals.limits import echo
from retrointervals.model import Level
from retrointervals.plans.levels import DEFAULT_RULES, ProgressionRules

if TYPE_CHECKING:
    import cattrs

    from retrointervals.adaptation import RuntimeRules


__all__ = ["check_runtime", "read_rules", "rules_from_json", "runtime_from_json"]

# Settings a file cannot change: the levels are set one by one, each level's name and week table are fixed.
# "runtime" belongs to the adaptation rules and is checked on its own.
_FIXED_AT_TOP = frozenset({"levels", "runtime"})
_FIXED_IN_LEVEL = frozenset({"level", "table"})
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
    converter = _converter()
    merged = converter.unstructure(base)
    for key, value in data.items():
        if key == "runtime":
            check_runtime(value, where)
            continue
        if key != "levels":
            _set(merged, key, value, where=where, path="$", fixed=_FIXED_AT_TOP)
            continue
        if not isinstance(value, dict):
            raise FormatError('expected an object of levels, such as {"beginner": {...}}', f"{where}$.levels")
        for name, overrides in value.items():
            path = json_path("$.levels", name)
            if name not in merged["levels"]:
                known = ", ".join(member.value for member in Level)
                raise FormatError(f"unknown level {echo(name)}; expected one of {known}", where + path)
            if not isinstance(overrides, dict):
                raise FormatError("expected an object of settings", where + path)
            for setting, given in overrides.items():
                _set(
                    merged["levels"][name], setting, given, where=where, path=path, fixed=frozenset({"level", "table"})
                )
    return structure(converter, merged, ProgressionRules, where)


def runtime_from_json(text: str | bytes, source: str = "") -> RuntimeRules:
    """The ``"runtime"`` object of a rules JSON text over ``DEFAULT_RUNTIME_RULES`` (``{}`` when there is none).

    Read like the rest of the file: bounded, strict JSON, errors naming the JSON path; other keys are not checked.
    """
    data = load_json(text, source, _MAX_RULES_VALUES, "a rules file may hold")
    if not isinstance(data, dict):
        raise FormatError("expected a JSON object of rule settings", f"{source}: $" if source else "$")
    return check_runtime(data.get("runtime", {}), f"{source}: " if source else "")


def check_runtime(runtime: JSONValue, where: str = "") -> RuntimeRules:
    """The ``"runtime"`` object of a rules file over ``DEFAULT_RUNTIME_RULES``; errors name ``$.runtime...``."""
    from retrointervals.adaptation import DEFAULT_RUNTIME_RULES, RuntimeRules  # noqa: PLC0415 - a heavy import

    if not isinstance(runtime, dict):
        raise FormatError("expected an object of runtime settings", f"{where}$.runtime")
    known = {field.name for field in attrs.fields(RuntimeRules)}
    unknown = sorted(key for key in runtime if key not in known)
    if unknown:
        raise FormatError(f"unknown runtime setting {echo(unknown[0])}", where + json_path("$.runtime", unknown[0]))
    converter = _converter()
    merged = {**converter.unstructure(DEFAULT_RUNTIME_RULES), **runtime}
    return structure(converter, merged, RuntimeRules, where, path="$.runtime")


def _set(
    settings: dict[str, object], key: str, value: JSONValue, *, where: str, path: str, fixed: frozenset[str]
) -> None:
    if key in fixed or key not in settings:
        raise FormatError(f"unknown or fixed setting {echo(key)}", where + json_path(path, key))
    settings[key] = value


@functools.cache
def _converter() -> cattrs.Converter:
    return make_converter()  # Level names (the keys of "levels") go through its checked enum hook
