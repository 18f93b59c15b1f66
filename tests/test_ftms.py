"""The FTMS protocol module against the spec's tables, and against an independent decoder where one installs."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrointervals.errors import FormatError, ValidationError
from retrointervals.live import ftms
from retrointervals.live.ftms import (
    ControlRequest,
    ControlResponse,
    InclinationRange,
    MachineFeatures,
    MachineStatus,
    OpCode,
    ResultCode,
    SpeedRange,
    StatusOp,
    TreadmillData,
    TreadmillDataFlag,
)


def test_uuids_are_the_assigned_numbers():
    assert ftms.FITNESS_MACHINE_SERVICE == 0x1826
    assert (ftms.FEATURE, ftms.TREADMILL_DATA, ftms.TRAINING_STATUS) == (0x2ACC, 0x2ACD, 0x2AD3)
    assert (ftms.SUPPORTED_SPEED_RANGE, ftms.SUPPORTED_INCLINATION_RANGE) == (0x2AD4, 0x2AD5)
    assert (ftms.CONTROL_POINT, ftms.STATUS) == (0x2AD9, 0x2ADA)
    assert ftms.uuid128(0x1826) == "00001826-0000-1000-8000-00805f9b34fb"
    with pytest.raises(ValidationError):
        ftms.uuid128(0x10000)


def test_the_verified_treadmill_data_example():
    # formats.md §9.2: flags 0x0008, 2.20 km/h, 2.0 %, ramp angle not available.
    data = TreadmillData.decode(bytes.fromhex("08 00 dc 00 14 00 ff 7f"))
    assert data.instantaneous_speed == 220
    assert data.speed_kmh == pytest.approx(2.2)
    assert data.inclination == 20
    assert data.inclination_percent == pytest.approx(2.0)
    assert data.ramp_angle is None
    assert data.encode() == bytes.fromhex("08 00 dc 00 14 00 ff 7f")


def test_more_data_is_inverted():
    assert TreadmillData.decode(b"\x01\x00").instantaneous_speed is None
    assert TreadmillData.decode(b"\x00\x00\x10\x00").instantaneous_speed == 16
    assert TreadmillData(average_speed=5).flags == TreadmillDataFlag.MORE_DATA | TreadmillDataFlag.AVERAGE_SPEED


def test_every_field_in_flag_order():
    value = TreadmillData(
        instantaneous_speed=450,
        average_speed=300,
        total_distance=0x010203,
        inclination=-15,
        ramp_angle=7,
        inclination_present=True,
        positive_elevation_gain=11,
        negative_elevation_gain=12,
        instantaneous_pace=13,
        average_pace=14,
        total_energy=15,
        energy_per_hour=16,
        energy_per_minute=17,
        heart_rate=118,
        metabolic_equivalent=19,
        elapsed_time=1200,
        remaining_time=600,
        force_on_belt=-3,
        power_output=120,
    )
    data = value.encode()
    assert data[:2] == (0x1FFE).to_bytes(2, "little")  # every flag but More Data
    assert data[2:4] == (450).to_bytes(2, "little")
    assert data[4:6] == (300).to_bytes(2, "little")
    assert data[6:9] == bytes([3, 2, 1])  # uint24
    assert data[9:11] == (-15).to_bytes(2, "little", signed=True)
    assert len(data) == 2 + 2 + 2 + 3 + 4 + 4 + 1 + 1 + 5 + 1 + 1 + 2 + 2 + 4
    assert TreadmillData.decode(data) == value


def test_malformed_treadmill_data_is_a_format_error():
    with pytest.raises(FormatError, match="Treadmill Data"):
        TreadmillData.decode(b"\x08")
    with pytest.raises(FormatError, match="Treadmill Data"):
        TreadmillData.decode(bytes.fromhex("08 00 dc 00 14 00"))
    with pytest.raises(FormatError, match="more than its flags"):
        TreadmillData.decode(bytes.fromhex("00 00 dc 00 00"))
    # Reserved flags may carry fields we cannot know: the known part still decodes.
    assert TreadmillData.decode(bytes.fromhex("00 80 dc 00 99")).instantaneous_speed == 220


def test_out_of_range_values_are_refused_when_encoding():
    with pytest.raises(ValidationError, match="instantaneous_speed"):
        TreadmillData(instantaneous_speed=70000).encode()
    with pytest.raises(ValidationError, match="SET_TARGET_SPEED"):
        ControlRequest.set_speed(-1)
    with pytest.raises(ValidationError):
        ControlRequest(OpCode.STOP_OR_PAUSE, 3)
    with pytest.raises(ValidationError):
        ControlRequest(OpCode.START_OR_RESUME, 1)


treadmill_values = st.builds(
    TreadmillData,
    instantaneous_speed=st.none() | st.integers(0, 0xFFFF),
    average_speed=st.none() | st.integers(0, 0xFFFF),
    total_distance=st.none() | st.integers(0, 0xFFFFFF),
    inclination=st.none() | st.integers(-0x8000, 0x7FFE),
    ramp_angle=st.none() | st.integers(-0x8000, 0x7FFE),
    inclination_present=st.booleans(),
    heart_rate=st.none() | st.integers(0, 255),
    elapsed_time=st.none() | st.integers(0, 0xFFFF),
    remaining_time=st.none() | st.integers(0, 0xFFFF),
)


@given(treadmill_values)
def test_treadmill_data_round_trips(value):
    present = value.inclination_present or value.inclination is not None or value.ramp_angle is not None
    assert TreadmillData.decode(value.encode()) == attrs.evolve(value, inclination_present=present)


@given(treadmill_values)
def test_treadmill_data_agrees_with_an_independent_decoder(value):
    independent = pytest.importorskip("deancochran_ftms.measurements", reason="deancochran-ftms is test-only")
    options = independent.MeasurementFormatOptions(treadmill_pace_format="uint8Legacy")
    raw = independent.decode_measurement_raw(value.encode(), 0, options)
    assert not raw.truncated
    assert not raw.trailing_bytes

    def field(index):
        if not raw.present & (1 << index) or raw.unavailable & (1 << index):
            return None
        return raw.values[index]

    assert field(0) == value.instantaneous_speed
    assert field(1) == value.average_speed
    assert field(2) == value.total_distance
    assert field(3) == value.inclination
    assert field(4) == value.ramp_angle
    assert field(12) == value.heart_rate
    assert field(14) == value.elapsed_time
    assert field(15) == value.remaining_time


def test_verified_example_with_the_independent_decoder():
    independent = pytest.importorskip("deancochran_ftms", reason="deancochran-ftms is test-only")
    result = independent.decode_measurement("2acd", bytes.fromhex("08 00 dc 00 14 00 ff 7f"))
    assert result.measurement.metrics.speed_mps == pytest.approx(2.2 / 3.6)
    assert result.measurement.metrics.inclination_percent == pytest.approx(2.0)


def test_op_codes_and_result_codes_are_the_spec_tables():
    assert [op.value for op in OpCode] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 0x80]
    assert [code.value for code in ResultCode] == [1, 2, 3, 4, 5]
    assert ResultCode.CONTROL_NOT_PERMITTED.meaning == "control not permitted"
    assert StatusOp.CONTROL_PERMISSION_LOST == 0xFF
    assert StatusOp.STOPPED_BY_SAFETY_KEY == 0x03


def test_control_requests_encode_like_the_spec():
    assert ControlRequest.request_control().encode() == b"\x00"
    assert ControlRequest.start().encode() == b"\x07"
    assert ControlRequest.stop().encode() == b"\x08\x01"
    assert ControlRequest.pause().encode() == b"\x08\x02"
    assert ControlRequest.set_speed(220).encode() == bytes.fromhex("02 dc 00")
    assert ControlRequest.set_inclination(-20).encode() == bytes.fromhex("03 ec ff")
    for request in (ControlRequest.set_speed(220), ControlRequest.set_inclination(-20), ControlRequest.stop()):
        assert ControlRequest.decode(request.encode()) == request


def test_control_requests_decode_strictly():
    with pytest.raises(FormatError, match="not supported"):
        ControlRequest.decode(b"\x42")
    with pytest.raises(FormatError, match="parameter byte"):
        ControlRequest.decode(b"\x02\x01")
    with pytest.raises(FormatError):
        ControlRequest.decode(b"")
    with pytest.raises(FormatError):
        ControlRequest.decode(b"\x08\x07")


def test_control_responses():
    # The verified exchanges of formats.md §9.5.
    assert ControlResponse.decode(bytes.fromhex("80 02 05")) == ControlResponse(2, ResultCode.CONTROL_NOT_PERMITTED)
    assert ControlResponse.decode(bytes.fromhex("80 00 01")).ok
    assert ControlResponse(3, ResultCode.SUCCESS).encode() == bytes.fromhex("80 03 01")
    for bad in (b"", b"\x80\x02", b"\x81\x02\x01", b"\x80\x02\x09"):
        with pytest.raises(FormatError, match="Control Point response"):
            ControlResponse.decode(bad)


def test_ranges():
    speed = SpeedRange.decode(bytes.fromhex("50 00 40 06 0a 00"))
    assert speed == SpeedRange(80, 1600, 10)
    assert speed.encode() == bytes.fromhex("50 00 40 06 0a 00")
    assert speed.allows(220)
    assert not speed.allows(225)
    assert not speed.allows(70)
    assert speed.snap_down(229) == 220
    incline = InclinationRange.decode(bytes.fromhex("ec ff 96 00 05 00"))
    assert incline == InclinationRange(-20, 150, 5)
    assert incline.allows(-20)
    assert incline.allows(0)
    assert not incline.allows(3)
    assert incline.snap_toward_zero(23) == 20
    assert incline.snap_toward_zero(-13) == -10
    with pytest.raises(FormatError, match="Speed Range"):
        SpeedRange.decode(b"\x00")
    with pytest.raises(FormatError, match="Speed Range"):
        SpeedRange.decode(bytes.fromhex("40 06 50 00 0a 00"))  # minimum above maximum
    with pytest.raises(FormatError, match="Inclination Range"):
        InclinationRange.decode(bytes.fromhex("00 00 10 00 00 00"))  # increment 0


def test_features():
    features = MachineFeatures.decode(bytes.fromhex("0c 00 00 00 03 00 00 00"))
    assert ftms.MachineFeature.INCLINATION in features.machine
    assert ftms.MachineFeature.TOTAL_DISTANCE in features.machine
    assert features.can_set_speed
    assert features.can_set_inclination
    assert features.encode() == bytes.fromhex("0c 00 00 00 03 00 00 00")
    with pytest.raises(FormatError, match="Feature"):
        MachineFeatures.decode(b"\x00\x00")


def test_status():
    assert MachineStatus.decode(b"\xff").op is StatusOp.CONTROL_PERMISSION_LOST
    speed = MachineStatus.decode(bytes.fromhex("05 dc 00"))
    assert speed == MachineStatus(StatusOp.TARGET_SPEED_CHANGED, 220)
    assert speed.encode() == bytes.fromhex("05 dc 00")
    stopped = MachineStatus.decode(b"\x02\x01")
    assert stopped.belt_stopped_by_machine
    assert MachineStatus.decode(b"\x03").belt_stopped_by_machine
    assert not MachineStatus.decode(b"\x04").belt_stopped_by_machine
    with pytest.raises(FormatError, match="reserved"):
        MachineStatus.decode(b"\x30")
    with pytest.raises(FormatError, match="parameter"):
        MachineStatus.decode(b"\x05\x01")


def test_status_agrees_with_an_independent_decoder():
    independent = pytest.importorskip("deancochran_ftms", reason="deancochran-ftms is test-only")
    for data in (b"\xff", b"\x02\x01", b"\x03", bytes.fromhex("05 dc 00"), bytes.fromhex("06 ec ff")):
        raw = independent.decode_machine_status_raw(data)
        ours = MachineStatus.decode(data)
        assert raw.opcode == ours.op
