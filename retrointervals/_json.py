"""Strict, bounded JSON parsing shared by every JSON input (native documents, the rules file).

Refuses duplicate keys, NaN and Infinity, numbers too long to be real, nesting too deep, and documents of more
values than the caller allows, counted before the parser builds them (so a 16 MiB file of ``[[],[],...]`` cannot
exhaust memory). Errors are ``FormatError`` naming the source and, where known, the line and column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from retrointervals._files import check_size
from retrointervals.errors import FormatError
from retrointervals.limits import echo

__all__ = ["JSONValue", "json_path", "load_json"]

JSONValue = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]

# A JSON string (with escapes), blanked out before counting the structural characters that make values.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
# Longest number literal read: far beyond any real value, far below Python's 4,300-digit integer limit.
_MAX_NUMBER_CHARACTERS = 40


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


def _unique_keys(pairs: list[tuple[str, JSONValue]]) -> dict[str, JSONValue]:
    result: dict[str, JSONValue] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _refuse_constant(name: str) -> JSONValue:
    raise ValueError(f"{name} is not a number JSON allows")


def _number(parse: type[int] | type[float]) -> Callable[[str], int | float]:
    def convert(text: str) -> int | float:
        if len(text) > _MAX_NUMBER_CHARACTERS:
            raise ValueError(f"a number of {len(text)} characters is too long")
        value = parse(text)
        if value in (float("inf"), float("-inf")):
            raise ValueError(f"the number {echo(text)} is too large")
        return value

    return convert


def load_json(text: str | bytes, source: str, max_values: int, what: str) -> JSONValue:
    """Parse ``text`` strictly, refusing more than ``max_values`` values (``what`` says why, in the message)."""
    where = source or "input"
    check_size(text, where)
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    values = data.count(b",") + data.count(b"{") + data.count(b"[") + 1  # at C speed: an upper bound
    if values > max_values:
        # Punctuation inside strings does not make values: count again without the strings (slower, but only
        # for documents this large).
        skeleton = _JSON_STRING.sub(b'""', data)
        values = skeleton.count(b",") + skeleton.count(b"{") + skeleton.count(b"[") + 1
    if values > max_values:
        raise FormatError(f"holds about {values} JSON values, more than the {max_values} {what}", where)
    try:
        return json.loads(  # type: ignore[no-any-return]  # json's result is JSON
            text,
            parse_constant=_refuse_constant,
            parse_int=_number(int),
            parse_float=_number(float),
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as error:
        raise FormatError(
            f"not valid JSON: {error.msg}", f"{where}, line {error.lineno}, column {error.colno}"
        ) from None
    except UnicodeDecodeError as error:
        raise FormatError(f"not UTF-8 text: {error.reason} at byte {error.start}", where) from None
    except RecursionError:
        raise FormatError("JSON nested too deeply", where) from None
    except _DuplicateKeyError as error:
        raise FormatError(f"the key {echo(error.key)} appears twice in one object", where) from None
    except ValueError as error:  # NaN, Infinity, a number too long
        raise FormatError(str(error), where) from None


def json_path(path: str, key: str | int) -> str:
    """``$.levels`` + ``beginner`` -> ``$.levels.beginner``; an index gives ``$.weeks[2]``; odd keys are quoted."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,40}", key):
        return f"{path}.{key}"
    return f"{path}[{echo(key)}]"
