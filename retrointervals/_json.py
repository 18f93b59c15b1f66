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

# Every byte but the quote and the characters that make values, deleted before counting those outside strings.
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in b'",{[')
_QUOTED = re.compile(rb'"[^"]*"')
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


def _count_values(data: bytes, max_values: int) -> int:
    """How many values ``data`` holds (about), at C speed and in bounded memory; exact enough to compare.

    The commas, ``{`` and ``[`` outside strings count the values. First all of them (an upper bound); only when
    that is above ``max_values`` are the strings taken out, after the escapes, so that punctuation in text does
    not count. A valid document holds fewer than two strings (keys and texts) per value, so more strings than
    that is already too many.
    """
    values = data.count(b",") + data.count(b"{") + data.count(b"[") + 1
    if values <= max_values:
        return values
    cleaned = data.replace(b"\\\\", b"").replace(b'\\"', b"")  # escaped backslashes, then escaped quotes
    strings = cleaned.count(b'"') // 2
    if strings > 2 * max_values:
        return strings // 2
    skeleton = cleaned.translate(None, _NOT_STRUCTURE)  # only quotes, commas, { and [ are left
    del cleaned
    skeleton = _QUOTED.sub(b"", skeleton)  # at most 2 * max_values strings: bounded work and memory
    return skeleton.count(b",") + skeleton.count(b"{") + skeleton.count(b"[") + 1


def load_json(text: str | bytes, source: str, max_values: int, what: str) -> JSONValue:
    """Parse ``text`` strictly, refusing more than ``max_values`` values (``what`` says why, in the message)."""
    where = source or "input"
    check_size(text, where)
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    values = _count_values(data, max_values)
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
