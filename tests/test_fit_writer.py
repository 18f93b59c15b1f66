"""The generic FIT writer: files that fitdecode and garmin-fit-sdk decode, with the values given."""

from __future__ import annotations

import io

import fitdecode
import pytest
from garmin_fit_sdk import Decoder, Stream

from retrointervals.errors import ValidationError
from retrointervals.formats._fit_profile import BaseType, FileIdField, FileType, Manufacturer, MesgNum
from retrointervals.formats._fit_writer import Field, FitWriter


def _file_id(serial: int) -> list[Field]:
    return [
        Field(FileIdField.TYPE, BaseType.ENUM, FileType.SCHEDULES),
        Field(FileIdField.MANUFACTURER, BaseType.UINT16, Manufacturer.DEVELOPMENT),
        Field(FileIdField.SERIAL_NUMBER, BaseType.UINT32Z, serial),
    ]


def test_messages_decode_in_both_decoders() -> None:
    writer = FitWriter()
    writer.message(MesgNum.FILE_ID, _file_id(1234))
    writer.message(MesgNum.FILE_ID, _file_id(99))  # same layout: one definition
    data = writer.to_bytes()
    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        serials = [
            frame.get_value("serial_number")
            for frame in reader
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "file_id"
        ]
    assert serials == [1234, 99]
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    assert [m["serial_number"] for m in messages["file_id_mesgs"]] == [1234, 99]
    assert messages["file_id_mesgs"][0]["type"] == "schedules"


def test_a_value_outside_its_base_type_is_refused() -> None:
    with pytest.raises(ValidationError, match="does not fit FIT base type UINT16"):
        FitWriter().message(MesgNum.FILE_ID, [Field(FileIdField.MANUFACTURER, BaseType.UINT16, 70000)])
