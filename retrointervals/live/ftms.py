"""The Bluetooth Fitness Machine Service (FTMS) for treadmills: UUIDs, and encoding and decoding its characteristics.

A pure module: bytes in, typed values out, and back. No Bluetooth library is imported here; the transports
(``retrointervals.live.transport``) move the bytes. Numbers and tables are from the Bluetooth SIG *Fitness Machine
Service* v1.0 (table numbers in comments are the spec's). Every multi-byte field is little-endian. Values keep the
spec's integer units (0.01 km/h, 0.1 %, ...) so that encoding and decoding round-trip exactly; properties give
the everyday units.

Malformed bytes raise ``FormatError`` naming the characteristic; values out of a field's range raise
``ValidationError``.
"""

from __future__ import annotations

import enum
import struct

import attrs

from retrointervals.errors import FormatError, ValidationError

__all__ = [
    "CONTROL_POINT",
    "FEATURE",
    "FITNESS_MACHINE_SERVICE",
    "STATUS",
    "SUPPORTED_INCLINATION_RANGE",
    "SUPPORTED_SPEED_RANGE",
    "TRAINING_STATUS",
    "TREADMILL_DATA",
    "UNAVAILABLE_SINT16",
    "ControlRequest",
    "ControlResponse",
    "InclinationRange",
    "MachineFeature",
    "MachineFeatures",
    "MachineStatus",
    "OpCode",
    "ResultCode",
    "SpeedRange",
    "StatusOp",
    "StopPause",
    "TargetFeature",
    "TreadmillData",
    "TreadmillDataFlag",
    "uuid128",
]

# --- UUIDs (16-bit, Bluetooth assigned numbers) --------------------------------------------------------------

FITNESS_MACHINE_SERVICE = 0x1826
FEATURE = 0x2ACC
TREADMILL_DATA = 0x2ACD
TRAINING_STATUS = 0x2AD3
SUPPORTED_SPEED_RANGE = 0x2AD4
SUPPORTED_INCLINATION_RANGE = 0x2AD5
CONTROL_POINT = 0x2AD9
STATUS = 0x2ADA

#: "Data Not Available" for the sint16 inclination and ramp angle of Treadmill Data.
UNAVAILABLE_SINT16 = 0x7FFF


def uuid128(short: int) -> str:
    """The full 128-bit UUID string of a 16-bit Bluetooth UUID, e.g. ``0x1826`` -> ``"00001826-0000-1000-..."``."""
    if not 0 <= short <= 0xFFFF:
        raise ValidationError("uuid", short, "a 16-bit UUID is 0 to 0xFFFF")
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


def _check(field: str, value: object, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationError(field, value, f"must be a whole number from {low} to {high}")


def _unpack(layout: struct.Struct, data: bytes, offset: int, what: str) -> tuple[int, ...]:
    if offset + layout.size > len(data):
        raise FormatError(f"ends after {len(data)} bytes; expected at least {offset + layout.size}", what)
    return layout.unpack_from(data, offset)


_U8 = struct.Struct("<B")
_U16 = struct.Struct("<H")
_S16 = struct.Struct("<h")
_U32 = struct.Struct("<I")


# --- Fitness Machine Feature (0x2ACC) ------------------------------------------------------------------------


class MachineFeature(enum.IntFlag):
    """Fitness Machine Features field (Table 4.2)."""

    AVERAGE_SPEED = 1 << 0
    CADENCE = 1 << 1
    TOTAL_DISTANCE = 1 << 2
    INCLINATION = 1 << 3
    ELEVATION_GAIN = 1 << 4
    PACE = 1 << 5
    STEP_COUNT = 1 << 6
    RESISTANCE_LEVEL = 1 << 7
    STRIDE_COUNT = 1 << 8
    EXPENDED_ENERGY = 1 << 9
    HEART_RATE = 1 << 10
    METABOLIC_EQUIVALENT = 1 << 11
    ELAPSED_TIME = 1 << 12
    REMAINING_TIME = 1 << 13
    POWER_MEASUREMENT = 1 << 14
    FORCE_ON_BELT_AND_POWER_OUTPUT = 1 << 15
    USER_DATA_RETENTION = 1 << 16


class TargetFeature(enum.IntFlag):
    """Target Setting Features field (Table 4.3)."""

    SPEED = 1 << 0
    INCLINATION = 1 << 1
    RESISTANCE = 1 << 2
    POWER = 1 << 3
    HEART_RATE = 1 << 4
    TARGETED_EXPENDED_ENERGY = 1 << 5
    TARGETED_STEP_NUMBER = 1 << 6
    TARGETED_STRIDE_NUMBER = 1 << 7
    TARGETED_DISTANCE = 1 << 8
    TARGETED_TRAINING_TIME = 1 << 9
    TARGETED_TIME_TWO_ZONES = 1 << 10
    TARGETED_TIME_THREE_ZONES = 1 << 11
    TARGETED_TIME_FIVE_ZONES = 1 << 12
    INDOOR_BIKE_SIMULATION = 1 << 13
    WHEEL_CIRCUMFERENCE = 1 << 14
    SPIN_DOWN_CONTROL = 1 << 15
    TARGETED_CADENCE = 1 << 16


_FEATURES = struct.Struct("<II")


@attrs.frozen
class MachineFeatures:
    """The Fitness Machine Feature characteristic: what the machine measures and which targets it accepts.

    Unknown (reserved) bits are kept as they came, so that decoding and encoding round-trip.
    """

    machine: MachineFeature = attrs.field(factory=lambda: MachineFeature(0))
    target: TargetFeature = attrs.field(factory=lambda: TargetFeature(0))

    @classmethod
    def decode(cls, data: bytes) -> MachineFeatures:
        """Read the 8-byte characteristic value."""
        if len(data) != _FEATURES.size:
            raise FormatError(f"must be {_FEATURES.size} bytes, not {len(data)}", "FTMS Fitness Machine Feature")
        machine, target = _FEATURES.unpack(data)
        return cls(MachineFeature(machine), TargetFeature(target))

    def encode(self) -> bytes:
        """The 8-byte characteristic value."""
        return _FEATURES.pack(int(self.machine), int(self.target))

    @property
    def can_set_speed(self) -> bool:
        """Whether the machine accepts Set Target Speed."""
        return TargetFeature.SPEED in self.target

    @property
    def can_set_inclination(self) -> bool:
        """Whether the machine accepts Set Target Inclination."""
        return TargetFeature.INCLINATION in self.target


# --- Supported Speed Range (0x2AD4) and Supported Inclination Range (0x2AD5) --------------------------------

_RANGE_U = struct.Struct("<HHH")
_RANGE_S = struct.Struct("<hhH")


@attrs.frozen
class SpeedRange:
    """Supported Speed Range: minimum, maximum and minimum increment, each in 0.01 km/h."""

    minimum: int
    maximum: int
    increment: int

    def __attrs_post_init__(self) -> None:
        for field in ("minimum", "maximum", "increment"):
            _check(f"SpeedRange.{field}", getattr(self, field), 0, 0xFFFF)
        if self.increment == 0 or self.minimum > self.maximum:
            raise ValidationError(
                "SpeedRange", (self.minimum, self.maximum, self.increment), "needs minimum <= maximum and increment > 0"
            )

    @classmethod
    def decode(cls, data: bytes) -> SpeedRange:
        """Read the 6-byte characteristic value."""
        where = "FTMS Supported Speed Range"
        if len(data) != _RANGE_U.size:
            raise FormatError(f"must be {_RANGE_U.size} bytes, not {len(data)}", where)
        try:
            return cls(*_RANGE_U.unpack(data))
        except ValidationError as error:
            raise FormatError(error.problem, where) from None

    def encode(self) -> bytes:
        """The 6-byte characteristic value."""
        return _RANGE_U.pack(self.minimum, self.maximum, self.increment)

    def allows(self, hundredths: int) -> bool:
        """Whether a target speed (0.01 km/h) is within the range and on the increment grid from the minimum."""
        return self.minimum <= hundredths <= self.maximum and (hundredths - self.minimum) % self.increment == 0

    def snap_down(self, hundredths: int) -> int:
        """The highest allowed speed at or below ``hundredths`` (may be below the minimum: check ``allows``)."""
        return self.minimum + (hundredths - self.minimum) // self.increment * self.increment


@attrs.frozen
class InclinationRange:
    """Supported Inclination Range: minimum, maximum (sint16) and minimum increment (uint16), each in 0.1 %."""

    minimum: int
    maximum: int
    increment: int

    def __attrs_post_init__(self) -> None:
        _check("InclinationRange.minimum", self.minimum, -0x8000, 0x7FFF)
        _check("InclinationRange.maximum", self.maximum, -0x8000, 0x7FFF)
        _check("InclinationRange.increment", self.increment, 0, 0xFFFF)
        if self.increment == 0 or self.minimum > self.maximum:
            raise ValidationError(
                "InclinationRange",
                (self.minimum, self.maximum, self.increment),
                "needs minimum <= maximum and increment > 0",
            )

    @classmethod
    def decode(cls, data: bytes) -> InclinationRange:
        """Read the 6-byte characteristic value."""
        where = "FTMS Supported Inclination Range"
        if len(data) != _RANGE_S.size:
            raise FormatError(f"must be {_RANGE_S.size} bytes, not {len(data)}", where)
        try:
            return cls(*_RANGE_S.unpack(data))
        except ValidationError as error:
            raise FormatError(error.problem, where) from None

    def encode(self) -> bytes:
        """The 6-byte characteristic value."""
        return _RANGE_S.pack(self.minimum, self.maximum, self.increment)

    def allows(self, tenths: int) -> bool:
        """Whether a target inclination (0.1 %) is within the range and on the increment grid from the minimum."""
        return self.minimum <= tenths <= self.maximum and (tenths - self.minimum) % self.increment == 0

    def snap_toward_zero(self, tenths: int) -> int:
        """The allowed inclination nearest ``tenths`` on the side of 0 % (never steeper uphill or downhill)."""
        steps = (tenths - self.minimum) / self.increment
        lower = self.minimum + int(steps // 1) * self.increment
        if tenths >= 0:
            return lower
        return lower if lower == tenths else lower + self.increment


# --- Treadmill Data (0x2ACD) ---------------------------------------------------------------------------------


class TreadmillDataFlag(enum.IntFlag):
    """Flags of Treadmill Data (Table 4.8). Bit 0 is inverted: clear means Instantaneous Speed is present."""

    MORE_DATA = 1 << 0
    AVERAGE_SPEED = 1 << 1
    TOTAL_DISTANCE = 1 << 2
    INCLINATION_AND_RAMP_ANGLE = 1 << 3
    ELEVATION_GAIN = 1 << 4
    INSTANTANEOUS_PACE = 1 << 5
    AVERAGE_PACE = 1 << 6
    EXPENDED_ENERGY = 1 << 7
    HEART_RATE = 1 << 8
    METABOLIC_EQUIVALENT = 1 << 9
    ELAPSED_TIME = 1 << 10
    REMAINING_TIME = 1 << 11
    FORCE_ON_BELT_AND_POWER_OUTPUT = 1 << 12


_RESERVED_TREADMILL_FLAGS = 0xE000


@attrs.frozen(kw_only=True)
class TreadmillData:
    """One Treadmill Data notification. Absent fields are None; units are the spec's (see each field).

    Attributes:
        instantaneous_speed: 0.01 km/h (absent when the notification has More Data set).
        average_speed: 0.01 km/h.
        total_distance: metres (uint24).
        inclination: 0.1 %; None also when the machine sent "Data Not Available".
        ramp_angle: 0.1 degree; None when not available.
        positive_elevation_gain: 0.1 m.
        negative_elevation_gain: 0.1 m.
        instantaneous_pace: 0.1 km/min.
        average_pace: 0.1 km/min.
        total_energy: kcal.
        energy_per_hour: kcal.
        energy_per_minute: kcal.
        heart_rate: beats per minute.
        metabolic_equivalent: 0.1.
        elapsed_time: seconds.
        remaining_time: seconds.
        force_on_belt: newtons.
        power_output: watts.
        inclination_present: Whether the inclination and ramp angle fields were sent (possibly as not available).
    """

    instantaneous_speed: int | None = None
    average_speed: int | None = None
    total_distance: int | None = None
    inclination: int | None = None
    ramp_angle: int | None = None
    inclination_present: bool = False
    positive_elevation_gain: int | None = None
    negative_elevation_gain: int | None = None
    instantaneous_pace: int | None = None
    average_pace: int | None = None
    total_energy: int | None = None
    energy_per_hour: int | None = None
    energy_per_minute: int | None = None
    heart_rate: int | None = None
    metabolic_equivalent: int | None = None
    elapsed_time: int | None = None
    remaining_time: int | None = None
    force_on_belt: int | None = None
    power_output: int | None = None

    @property
    def speed_kmh(self) -> float | None:
        """The instantaneous belt speed in km/h, if sent."""
        return None if self.instantaneous_speed is None else self.instantaneous_speed / 100

    @property
    def inclination_percent(self) -> float | None:
        """The inclination in percent, if sent and available."""
        return None if self.inclination is None else self.inclination / 10

    @property
    def flags(self) -> TreadmillDataFlag:
        """The flags this value encodes with."""
        flags = TreadmillDataFlag(0)
        if self.instantaneous_speed is None:
            flags |= TreadmillDataFlag.MORE_DATA
        for flag, present in (
            (TreadmillDataFlag.AVERAGE_SPEED, self.average_speed is not None),
            (TreadmillDataFlag.TOTAL_DISTANCE, self.total_distance is not None),
            (
                TreadmillDataFlag.INCLINATION_AND_RAMP_ANGLE,
                self.inclination_present or self.inclination is not None or self.ramp_angle is not None,
            ),
            (
                TreadmillDataFlag.ELEVATION_GAIN,
                self.positive_elevation_gain is not None or self.negative_elevation_gain is not None,
            ),
            (TreadmillDataFlag.INSTANTANEOUS_PACE, self.instantaneous_pace is not None),
            (TreadmillDataFlag.AVERAGE_PACE, self.average_pace is not None),
            (
                TreadmillDataFlag.EXPENDED_ENERGY,
                self.total_energy is not None or self.energy_per_hour is not None or self.energy_per_minute is not None,
            ),
            (TreadmillDataFlag.HEART_RATE, self.heart_rate is not None),
            (TreadmillDataFlag.METABOLIC_EQUIVALENT, self.metabolic_equivalent is not None),
            (TreadmillDataFlag.ELAPSED_TIME, self.elapsed_time is not None),
            (TreadmillDataFlag.REMAINING_TIME, self.remaining_time is not None),
            (
                TreadmillDataFlag.FORCE_ON_BELT_AND_POWER_OUTPUT,
                self.force_on_belt is not None or self.power_output is not None,
            ),
        ):
            if present:
                flags |= flag
        return flags

    def encode(self) -> bytes:
        """The notification's bytes (fields in flag order; a missing member of a group is sent as 0 or N/A)."""
        flags = self.flags
        out = bytearray(_U16.pack(int(flags)))
        for flag, fields in _TREADMILL_FIELDS:
            if (flag in flags) is (flag is TreadmillDataFlag.MORE_DATA):
                continue
            for name, layout in fields:
                value: int | None = getattr(self, name)
                chosen = value if value is not None else (UNAVAILABLE_SINT16 if layout == "h" else 0)
                low, high = _LIMITS[layout]
                _check(f"TreadmillData.{name}", chosen, low, high)
                out += chosen.to_bytes(3, "little") if layout == "u24" else struct.pack("<" + layout, chosen)
        return bytes(out)

    @classmethod
    def decode(cls, data: bytes) -> TreadmillData:
        """Read one notification. Reserved flag bits (13-15) may add fields we do not know; they are skipped."""
        what = "FTMS Treadmill Data"
        flags_value = _unpack(_U16, data, 0, what)[0]
        flags = TreadmillDataFlag(flags_value & ~_RESERVED_TREADMILL_FLAGS)
        offset = 2
        values: dict[str, int | None] = {}
        for flag, fields in _TREADMILL_FIELDS:
            if (flag in flags) is (flag is TreadmillDataFlag.MORE_DATA):
                continue
            for name, layout in fields:
                size = 3 if layout == "u24" else struct.calcsize("<" + layout)
                if offset + size > len(data):
                    raise FormatError(f"ends after {len(data)} bytes; expected at least {offset + size}", what)
                chunk = data[offset : offset + size]
                offset += size
                value = int.from_bytes(chunk, "little", signed=layout == "h")
                values[name] = None if name in _MAY_BE_UNAVAILABLE and value == UNAVAILABLE_SINT16 else value
        if offset != len(data) and not flags_value & _RESERVED_TREADMILL_FLAGS:
            extra = len(data) - offset
            raise FormatError(f"has {extra} byte(s) more than its flags 0x{flags_value:04x} announce", what)
        present = TreadmillDataFlag.INCLINATION_AND_RAMP_ANGLE in flags
        return cls(inclination_present=present, **values)


#: The fields of each flag in the order they are sent: (flag, ((attribute, layout), ...)). ``u24`` is uint24;
#: the others are struct codes. More Data is inverted: its field (the speed) is present when the flag is clear.
_TREADMILL_FIELDS: tuple[tuple[TreadmillDataFlag, tuple[tuple[str, str], ...]], ...] = (
    (TreadmillDataFlag.MORE_DATA, (("instantaneous_speed", "H"),)),
    (TreadmillDataFlag.AVERAGE_SPEED, (("average_speed", "H"),)),
    (TreadmillDataFlag.TOTAL_DISTANCE, (("total_distance", "u24"),)),
    (TreadmillDataFlag.INCLINATION_AND_RAMP_ANGLE, (("inclination", "h"), ("ramp_angle", "h"))),
    (TreadmillDataFlag.ELEVATION_GAIN, (("positive_elevation_gain", "H"), ("negative_elevation_gain", "H"))),
    (TreadmillDataFlag.INSTANTANEOUS_PACE, (("instantaneous_pace", "B"),)),
    (TreadmillDataFlag.AVERAGE_PACE, (("average_pace", "B"),)),
    (
        TreadmillDataFlag.EXPENDED_ENERGY,
        (("total_energy", "H"), ("energy_per_hour", "H"), ("energy_per_minute", "B")),
    ),
    (TreadmillDataFlag.HEART_RATE, (("heart_rate", "B"),)),
    (TreadmillDataFlag.METABOLIC_EQUIVALENT, (("metabolic_equivalent", "B"),)),
    (TreadmillDataFlag.ELAPSED_TIME, (("elapsed_time", "H"),)),
    (TreadmillDataFlag.REMAINING_TIME, (("remaining_time", "H"),)),
    (TreadmillDataFlag.FORCE_ON_BELT_AND_POWER_OUTPUT, (("force_on_belt", "h"), ("power_output", "h"))),
)
_MAY_BE_UNAVAILABLE = frozenset({"inclination", "ramp_angle"})


_LIMITS = {
    "B": (0, 0xFF),
    "H": (0, 0xFFFF),
    "h": (-0x8000, 0x7FFF),
    "u24": (0, 0xFFFFFF),
}


# --- Fitness Machine Control Point (0x2AD9) ------------------------------------------------------------------


class OpCode(enum.IntEnum):
    """Control Point op codes (Table 4.15), the ones a treadmill client uses, and the response code."""

    REQUEST_CONTROL = 0x00
    RESET = 0x01
    SET_TARGET_SPEED = 0x02
    SET_TARGET_INCLINATION = 0x03
    SET_TARGET_RESISTANCE_LEVEL = 0x04
    SET_TARGET_POWER = 0x05
    SET_TARGET_HEART_RATE = 0x06
    START_OR_RESUME = 0x07
    STOP_OR_PAUSE = 0x08
    RESPONSE_CODE = 0x80


class ResultCode(enum.IntEnum):
    """Control Point result codes (Table 4.24)."""

    SUCCESS = 0x01
    OP_CODE_NOT_SUPPORTED = 0x02
    INVALID_PARAMETER = 0x03
    OPERATION_FAILED = 0x04
    CONTROL_NOT_PERMITTED = 0x05

    @property
    def meaning(self) -> str:
        """The result in plain words."""
        return self.name.lower().replace("_", " ")


class StopPause(enum.IntEnum):
    """The parameter of Stop or Pause."""

    STOP = 0x01
    PAUSE = 0x02


#: Parameter layout of each request op code (None: no parameter).
_REQUEST_PARAMETERS: dict[OpCode, tuple[str, int, int] | None] = {
    OpCode.REQUEST_CONTROL: None,
    OpCode.RESET: None,
    OpCode.SET_TARGET_SPEED: ("H", 0, 0xFFFF),
    OpCode.SET_TARGET_INCLINATION: ("h", -0x8000, 0x7FFF),
    OpCode.SET_TARGET_RESISTANCE_LEVEL: ("B", 0, 0xFF),
    OpCode.SET_TARGET_POWER: ("h", -0x8000, 0x7FFF),
    OpCode.SET_TARGET_HEART_RATE: ("B", 0, 0xFF),
    OpCode.START_OR_RESUME: None,
    OpCode.STOP_OR_PAUSE: ("B", 1, 2),
}


@attrs.frozen
class ControlRequest:
    """A Control Point request: an op code and its parameter (in the spec's units), if it has one."""

    op: OpCode
    parameter: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.op is OpCode.RESPONSE_CODE:
            raise ValidationError("ControlRequest.op", self.op, "must be a request OpCode")
        layout = _REQUEST_PARAMETERS[self.op]
        if layout is None:
            if self.parameter is not None:
                raise ValidationError("ControlRequest.parameter", self.parameter, f"{self.op.name} takes none")
        else:
            if self.parameter is None:
                raise ValidationError("ControlRequest.parameter", None, f"{self.op.name} needs one")
            _check(f"ControlRequest.parameter ({self.op.name})", self.parameter, layout[1], layout[2])

    @classmethod
    def request_control(cls) -> ControlRequest:
        """Request Control."""
        return cls(OpCode.REQUEST_CONTROL)

    @classmethod
    def start(cls) -> ControlRequest:
        """Start or Resume."""
        return cls(OpCode.START_OR_RESUME)

    @classmethod
    def stop(cls) -> ControlRequest:
        """Stop (the belt stops; the machine's workout ends)."""
        return cls(OpCode.STOP_OR_PAUSE, int(StopPause.STOP))

    @classmethod
    def pause(cls) -> ControlRequest:
        """Pause (the belt stops; Start or Resume continues)."""
        return cls(OpCode.STOP_OR_PAUSE, int(StopPause.PAUSE))

    @classmethod
    def set_speed(cls, hundredths_kmh: int) -> ControlRequest:
        """Set Target Speed, in 0.01 km/h."""
        return cls(OpCode.SET_TARGET_SPEED, hundredths_kmh)

    @classmethod
    def set_inclination(cls, tenths_percent: int) -> ControlRequest:
        """Set Target Inclination, in 0.1 % (positive is uphill)."""
        return cls(OpCode.SET_TARGET_INCLINATION, tenths_percent)

    def encode(self) -> bytes:
        """The bytes written to the Control Point."""
        layout = _REQUEST_PARAMETERS[self.op]
        if layout is None or self.parameter is None:
            return bytes([self.op])
        return bytes([self.op]) + struct.pack("<" + layout[0], self.parameter)

    @classmethod
    def decode(cls, data: bytes) -> ControlRequest:
        """Read a request as a machine (the simulator) receives it."""
        what = "FTMS Control Point request"
        if not data:
            raise FormatError("is empty", what)
        try:
            op = OpCode(data[0])
        except ValueError:
            raise FormatError(f"op code 0x{data[0]:02x} is not supported", what) from None
        if op is OpCode.RESPONSE_CODE:
            raise FormatError("a response code is not a request", what)
        layout = _REQUEST_PARAMETERS[op]
        size = 0 if layout is None else struct.calcsize("<" + layout[0])
        if len(data) != 1 + size:
            raise FormatError(f"{op.name} takes {size} parameter byte(s), not {len(data) - 1}", what)
        if layout is None:
            return cls(op)
        value = struct.unpack("<" + layout[0], data[1:])[0]
        try:
            return cls(op, value)
        except ValidationError as error:
            raise FormatError(error.problem, what) from None


@attrs.frozen
class ControlResponse:
    """A Control Point indication: ``0x80``, the request's op code, the result code (and rarely more bytes)."""

    request: int
    result: ResultCode
    parameter: bytes = b""

    @property
    def ok(self) -> bool:
        """Whether the machine reports success."""
        return self.result is ResultCode.SUCCESS

    def encode(self) -> bytes:
        """The indication's bytes."""
        _check("ControlResponse.request", self.request, 0, 0xFF)
        return bytes([OpCode.RESPONSE_CODE, self.request, self.result]) + self.parameter

    @classmethod
    def decode(cls, data: bytes) -> ControlResponse:
        """Read an indication."""
        what = "FTMS Control Point response"
        if len(data) < 3 or data[0] != OpCode.RESPONSE_CODE:
            raise FormatError(f"expected 0x80, op code, result code; got {data.hex(' ') or 'nothing'}", what)
        try:
            result = ResultCode(data[2])
        except ValueError:
            raise FormatError(f"result code 0x{data[2]:02x} is not defined", what) from None
        return cls(data[1], result, bytes(data[3:]))


# --- Fitness Machine Status (0x2ADA) -------------------------------------------------------------------------


class StatusOp(enum.IntEnum):
    """Fitness Machine Status op codes (Table 4.26)."""

    RESET = 0x01
    STOPPED_OR_PAUSED_BY_USER = 0x02
    STOPPED_BY_SAFETY_KEY = 0x03
    STARTED_OR_RESUMED_BY_USER = 0x04
    TARGET_SPEED_CHANGED = 0x05
    TARGET_INCLINE_CHANGED = 0x06
    TARGET_RESISTANCE_LEVEL_CHANGED = 0x07
    TARGET_POWER_CHANGED = 0x08
    TARGET_HEART_RATE_CHANGED = 0x09
    TARGETED_EXPENDED_ENERGY_CHANGED = 0x0A
    TARGETED_STEPS_CHANGED = 0x0B
    TARGETED_STRIDES_CHANGED = 0x0C
    TARGETED_DISTANCE_CHANGED = 0x0D
    TARGETED_TRAINING_TIME_CHANGED = 0x0E
    TARGETED_TIME_TWO_ZONES_CHANGED = 0x0F
    TARGETED_TIME_THREE_ZONES_CHANGED = 0x10
    TARGETED_TIME_FIVE_ZONES_CHANGED = 0x11
    INDOOR_BIKE_SIMULATION_CHANGED = 0x12
    WHEEL_CIRCUMFERENCE_CHANGED = 0x13
    SPIN_DOWN_STATUS = 0x14
    TARGETED_CADENCE_CHANGED = 0x15
    CONTROL_PERMISSION_LOST = 0xFF


#: Parameter layouts of the status op codes a treadmill client acts on; others keep their raw bytes.
_STATUS_PARAMETERS: dict[StatusOp, str] = {
    StatusOp.STOPPED_OR_PAUSED_BY_USER: "B",
    StatusOp.TARGET_SPEED_CHANGED: "H",
    StatusOp.TARGET_INCLINE_CHANGED: "h",
}


@attrs.frozen
class MachineStatus:
    """One Fitness Machine Status notification: an op code and its parameter (decoded for the ones we use)."""

    op: StatusOp
    parameter: int | None = None
    raw: bytes = b""

    @property
    def belt_stopped_by_machine(self) -> bool:
        """Whether the machine says its belt was stopped or paused without us (console, safety key, reset)."""
        return self.op in (StatusOp.RESET, StatusOp.STOPPED_OR_PAUSED_BY_USER, StatusOp.STOPPED_BY_SAFETY_KEY)

    def encode(self) -> bytes:
        """The notification's bytes."""
        layout = _STATUS_PARAMETERS.get(self.op)
        if layout is not None and self.parameter is not None:
            return bytes([self.op]) + struct.pack("<" + layout, self.parameter)
        return bytes([self.op]) + self.raw

    @classmethod
    def decode(cls, data: bytes) -> MachineStatus:
        """Read one notification."""
        what = "FTMS Fitness Machine Status"
        if not data:
            raise FormatError("is empty", what)
        try:
            op = StatusOp(data[0])
        except ValueError:
            raise FormatError(f"op code 0x{data[0]:02x} is reserved", what) from None
        layout = _STATUS_PARAMETERS.get(op)
        if layout is None:
            return cls(op, None, bytes(data[1:]))
        size = struct.calcsize("<" + layout)
        if len(data) != 1 + size:
            raise FormatError(f"{op.name} carries {size} parameter byte(s), not {len(data) - 1}", what)
        return cls(op, struct.unpack("<" + layout, data[1:])[0])
