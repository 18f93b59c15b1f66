"""Small validation helpers shared by the model and the treadmill profile."""

from __future__ import annotations

import re

from retrointervals.errors import ValidationError

_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f]")
_CONTROL_MULTI_LINE = re.compile(r"[\x00-\x08\x0b-\x1f]")  # tab and line feed allowed
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")

__all__ = ["check_text"]


def check_text(field: str, value: object, max_length: int, *, required: bool, single_line: bool = True) -> None:
    """Refuse non-strings, blank required text, over-long text and control characters."""
    if not isinstance(value, str):
        raise ValidationError(field, value, "must be a string")
    if required and not value.strip():
        raise ValidationError(field, value, "must not be empty")
    if len(value) > max_length:
        raise ValidationError(field, value, f"must be at most {max_length} characters, not {len(value)}")
    if (_CONTROL_SINGLE_LINE if single_line else _CONTROL_MULTI_LINE).search(value):
        raise ValidationError(field, value, "must not contain control characters" + (" or line breaks" * single_line))
    if _NOT_XML.search(value):
        # XML (TCX, ZWO, charts) cannot hold these, so no file could be written; refuse them at the door.
        raise ValidationError(field, value, "must not contain surrogates or the non-characters U+FFFE, U+FFFF")
