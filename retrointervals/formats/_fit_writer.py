"""A small generic FIT file writer: any message, definitions emitted once per layout, header and CRCs.

The workout encoder in ``fit.py`` is hand-tuned for speed; the files that are written rarely (schedules,
recorded activities) use this writer, which takes each message as a list of fields and works out the rest:

    writer = FitWriter()
    writer.message(MesgNum.FILE_ID, [Field(FileIdField.TYPE, BaseType.ENUM, FileType.SCHEDULES), ...])
    data = writer.to_bytes()

Values are little-endian; strings are UTF-8, null-terminated and padded to a fixed size per definition.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import attrs

from retrointervals.errors import ValidationError
from retrointervals.formats._fit_profile import MAX_STRING_BYTES, PROFILE_VERSION, PROTOCOL_VERSION, BaseType

__all__ = ["Field", "FitWriter"]

_HEADER = struct.Struct("<BBHI4s")
_HEADER_SIZE = 14
_DEFINITION_BIT = 0x40
_MAX_LOCAL_TYPES = 16

#: struct codes of the numeric base types (FIT base type number -> struct format character).
_NUMERIC = {
    BaseType.ENUM: "B",
    BaseType.SINT8: "b",
    BaseType.UINT8: "B",
    BaseType.SINT16: "h",
    BaseType.UINT16: "H",
    BaseType.SINT32: "i",
    BaseType.UINT32: "I",
    BaseType.UINT8Z: "B",
    BaseType.UINT16Z: "H",
    BaseType.UINT32Z: "I",
    BaseType.BYTE: "B",
}


@attrs.frozen
class Field:
    """One field of a message: its number in the FIT profile, its base type and its (encoded) value.

    Numbers are already in FIT's units (scaled and offset); strings are ``str``.
    """

    number: int
    base_type: BaseType
    value: int | str
    #: For strings: the size in bytes reserved in the definition (longest value of the layout + 1) when known.
    size: int | None = None


def _string_bytes(field: Field) -> bytes:
    value = field.value
    if not isinstance(value, str):
        raise ValidationError(f"FIT field {field.number}", value, "must be a string")
    encoded = value.encode("utf-8")
    if len(encoded) > MAX_STRING_BYTES:
        raise ValidationError(f"FIT field {field.number}", value[:40], f"longer than {MAX_STRING_BYTES} bytes")
    return encoded


class FitWriter:
    """Collects FIT messages and renders a whole file with header, definitions and CRCs."""

    def __init__(self) -> None:
        self._records: list[bytes] = []
        # (global number, field layout) -> local message type
        self._locals: dict[tuple[int, tuple[tuple[int, int, int], ...]], int] = {}

    def message(self, global_number: int, fields: Sequence[Field]) -> None:
        """Append one data message, preceded by its definition when the layout is new."""
        layout: list[tuple[int, int, int]] = []
        payload = bytearray()
        for field in fields:
            if field.base_type is BaseType.STRING:
                encoded = _string_bytes(field)
                size = max(field.size or 0, len(encoded) + 1)
                payload += encoded.ljust(size, b"\0")
            else:
                code = _NUMERIC[field.base_type]
                if not isinstance(field.value, int):
                    raise ValidationError(f"FIT field {field.number}", field.value, "must be an int")
                try:
                    packed = struct.pack(f"<{code}", field.value)
                except struct.error:
                    raise ValidationError(
                        f"FIT field {field.number}", field.value, f"does not fit FIT base type {field.base_type.name}"
                    ) from None
                size = len(packed)
                payload += packed
            layout.append((field.number, size, int(field.base_type)))
        key = (global_number, tuple(layout))
        local = self._locals.get(key)
        if local is None:
            local = len(self._locals) % _MAX_LOCAL_TYPES
            # A reused local type is redefined: drop the layout that used it before.
            for old_key, old_local in list(self._locals.items()):
                if old_local == local:
                    del self._locals[old_key]
            self._locals[key] = local
            head = struct.pack("<BBBHB", _DEFINITION_BIT | local, 0, 0, global_number, len(layout))
            self._records.append(head + bytes(byte for item in layout for byte in item))
        self._records.append(bytes([local]) + bytes(payload))

    def to_bytes(self) -> bytes:
        """The whole file: 14-byte header with its CRC, the records, and the file CRC."""
        from retrointervals.formats.fit import crc16  # noqa: PLC0415 - one CRC implementation, in the FIT module

        body = b"".join(self._records)
        header = _HEADER.pack(_HEADER_SIZE, PROTOCOL_VERSION, PROFILE_VERSION, len(body), b".FIT")
        data = header + crc16(header).to_bytes(2, "little") + body
        return data + crc16(data).to_bytes(2, "little")
