"""Small validation helpers shared by the model and the treadmill profile."""

from __future__ import annotations

from retrointervals.errors import ValidationError

__all__ = ["check_text"]


def check_text(field: str, value: object, max_length: int, *, required: bool, single_line: bool = True) -> None:
    """Refuse non-strings, blank required text, over-long text and control characters."""
    if not isinstance(value, str):
        raise ValidationError(field, value, "must be a string")
    if required and not value.strip():
        raise ValidationError(field, value, "must not be empty")
    if len(value) > max_length:
        raise ValidationError(field, value, f"must be at most {max_length} characters, not {len(value)}")
    allowed = "" if single_line else "\n\t"
    if any(ord(char) < 32 and char not in allowed for char in value):
        raise ValidationError(field, value, "must not contain control characters" + (" or line breaks" * single_line))
    if any(0xD800 <= ord(char) <= 0xDFFF or char in "\ufffe\uffff" for char in value):
        # XML (TCX, ZWO, charts) cannot hold these, so no file could be written; refuse them at the door.
        raise ValidationError(field, value, "must not contain surrogates or the non-characters U+FFFE, U+FFFF")
