"""Treadmill profiles: speed and incline ranges and increments, handrails, and snapping to the machine's grid.

The model accepts any speed from 0.1 to 30 km/h; a real treadmill accepts fewer. Plans are made for a profile:
backward speeds and inclines snap **down** to the machine's increment (never faster or steeper than planned),
forward speeds snap to the **nearest** increment (evidence notes, rule H2).
"""

from __future__ import annotations

import json
import math
import os
from fractions import Fraction

import attrs

from retrointervals._files import read_bounded
from retrointervals._validate import check_text
from retrointervals.errors import FormatError, ValidationError
from retrointervals.units import Incline, Rounding, Speed, SpeedUnit, snap

__all__ = ["DEFAULT", "MPH", "TREADMILLS", "WALKING_PAD", "Treadmill", "read_treadmill", "treadmill_from_json"]

#: A treadmill file is a few lines of JSON; anything larger is not one.
MAX_TREADMILL_FILE_BYTES = 4096

MAX_TREADMILL_NAME_LENGTH = 40


@attrs.frozen(kw_only=True)
class Treadmill:
    """What a treadmill can do.

    Attributes:
        name: A short name, e.g. ``"default"``.
        unit: The unit its console shows; plans for it use this unit.
        min_speed: The lowest belt speed.
        max_speed: The highest belt speed.
        speed_increment_tenths: The speed step in tenths of ``unit`` (1 = 0.1 km/h or mph; 5 = 0.5).
        min_incline: The lowest incline (negative for a decline).
        max_incline: The highest incline; equal to ``min_incline`` for a machine without incline.
        incline_increment_tenths: The incline step in tenths of a percent (5 = 0.5 %).
        handrails: Whether it has handrails to hold.
    """

    name: str = attrs.field()
    unit: SpeedUnit = attrs.field()
    min_speed: Speed = attrs.field()
    max_speed: Speed = attrs.field()
    speed_increment_tenths: int = attrs.field(default=1)
    min_incline: Incline = attrs.field(factory=Incline.flat)
    max_incline: Incline = attrs.field(factory=Incline.flat)
    incline_increment_tenths: int = attrs.field(default=5)
    handrails: bool = attrs.field(default=True)

    def __attrs_post_init__(self) -> None:
        check_text("Treadmill.name", self.name, MAX_TREADMILL_NAME_LENGTH, required=True)
        if not isinstance(self.unit, SpeedUnit):
            raise ValidationError("Treadmill.unit", self.unit, "must be a SpeedUnit")
        speeds: tuple[tuple[str, object], ...] = (("min_speed", self.min_speed), ("max_speed", self.max_speed))
        for field, speed in speeds:
            if not isinstance(speed, Speed) or speed.unit is not self.unit:
                raise ValidationError(f"Treadmill.{field}", speed, f"must be a Speed in {self.unit.value}")
        for field, increment in (
            ("speed_increment_tenths", self.speed_increment_tenths),
            ("incline_increment_tenths", self.incline_increment_tenths),
        ):
            if type(increment) is not int or not 1 <= increment <= 50:
                raise ValidationError(f"Treadmill.{field}", increment, "must be a whole number from 1 to 50")
        if self.min_speed.tenths % self.speed_increment_tenths or self.max_speed.tenths % self.speed_increment_tenths:
            raise ValidationError("Treadmill.min_speed", str(self.min_speed), "speeds must lie on the speed increment")
        if not self.min_speed < self.max_speed:
            raise ValidationError("Treadmill.max_speed", str(self.max_speed), "must be above min_speed")
        for field, incline in (("min_incline", self.min_incline), ("max_incline", self.max_incline)):
            if not isinstance(incline, Incline):
                raise ValidationError(f"Treadmill.{field}", incline, "must be an Incline")
            if incline.tenths % self.incline_increment_tenths:
                raise ValidationError(f"Treadmill.{field}", str(incline), "must lie on the incline increment")
        if not self.min_incline.tenths <= 0 <= self.max_incline.tenths:
            raise ValidationError(
                "Treadmill.min_incline", f"{self.min_incline}..{self.max_incline}", "the incline range must include 0 %"
            )
        if not isinstance(self.handrails, bool):
            raise ValidationError("Treadmill.handrails", self.handrails, "must be True or False")

    @property
    def speed_increment_kmh(self) -> Fraction:
        """The speed step in km/h (exact)."""
        return Fraction(self.speed_increment_tenths, 10) * self.unit.in_kmh

    @property
    def has_incline(self) -> bool:
        """Whether the incline can change at all."""
        return self.max_incline != self.min_incline

    def snap_speed(self, kmh: Fraction, rounding: Rounding) -> Speed:
        """A speed given in exact km/h on this machine's grid (``DOWN`` for backward, ``NEAREST`` for forward).

        The result may lie outside the machine's range; ``fits`` says whether it is inside.
        """
        steps = snap(kmh / self.speed_increment_kmh, Fraction(1), rounding, "Treadmill.speed", float(kmh))
        return Speed(steps * self.speed_increment_tenths, self.unit)

    def snap_incline(self, percent: Fraction) -> Incline:
        """An incline snapped down to this machine's increment and range (inclines only ever get flatter)."""
        step = Fraction(self.incline_increment_tenths, 10)
        snapped = math.floor(percent / step) * self.incline_increment_tenths
        return Incline(max(min(snapped, self.max_incline.tenths), self.min_incline.tenths))

    def on_speed_grid(self, speed: Speed) -> bool:
        """Whether the console can show this speed exactly."""
        return speed.unit is self.unit and speed.tenths % self.speed_increment_tenths == 0

    def on_incline_grid(self, incline: Incline) -> bool:
        """Whether the machine can set this incline exactly."""
        return incline.tenths % self.incline_increment_tenths == 0

    def fits_speed(self, speed: Speed) -> bool:
        """Whether the speed is within the machine's range."""
        return self.min_speed <= speed <= self.max_speed

    def fits_incline(self, incline: Incline) -> bool:
        """Whether the incline is within the machine's range."""
        return self.min_incline <= incline <= self.max_incline

    def __str__(self) -> str:
        rails = "handrails" if self.handrails else "no handrails"
        incline = f"incline {self.min_incline} to {self.max_incline}" if self.has_incline else "no incline"
        return f"{self.name}: {self.min_speed} to {self.max_speed}, {incline}, {rails}"


#: A typical treadmill: 0.8-16 km/h in 0.1 steps, incline 0-10 % in 0.5 steps, handrails. [D] from the evidence
#: notes' hardware defaults (H1): a 0.5 mph (0.8 km/h) slowest speed is common [S2], 0.1 and 0.5 % steps are
#: qdomyos-zwift's [S]; 16 km/h is a typical top speed [S2].
DEFAULT = Treadmill(
    name="default",
    unit=SpeedUnit.KMH,
    min_speed=Speed.kmh(0.8),
    max_speed=Speed.kmh(16.0),
    max_incline=Incline.percent(10),
)
#: A US treadmill: 0.5-10 mph in 0.1 steps, incline 0-10 % in 0.5 steps, handrails. [D]; 0-10 mph is a typical
#: range [S2].
MPH = Treadmill(
    name="mph", unit=SpeedUnit.MPH, min_speed=Speed.mph(0.5), max_speed=Speed.mph(10.0), max_incline=Incline.percent(10)
)
#: A walking pad: 0.6-6 km/h, no incline, no handrails (so not for rehab or beginner plans). [D]; walking pads run
#: about 0.6-3.8 mph and often have no handrails [S2, M].
WALKING_PAD = Treadmill(
    name="walking-pad", unit=SpeedUnit.KMH, min_speed=Speed.kmh(0.6), max_speed=Speed.kmh(6.0), handrails=False
)

#: The presets by name.
TREADMILLS: dict[str, Treadmill] = {machine.name: machine for machine in (DEFAULT, MPH, WALKING_PAD)}


def treadmill_from_json(text: str | bytes, source: str = "treadmill") -> Treadmill:
    """A treadmill profile from a small JSON object (``docs/concepts.md`` shows one).

    For example::

        {"name": "home", "unit": "mph", "speed": {"min": 0.5, "max": 10, "step": 0.1},
         "incline": {"min": 0, "max": 15, "step": 0.5}, "handrails": true}

    ``unit`` is ``"km/h"`` (or ``"kmh"``) or ``"mph"``; speeds are in that unit, inclines in percent, steps in
    tenths' multiples (0.1, 0.5, ...). ``incline`` may be left out for a machine without incline; ``handrails`` is
    required, because plans depend on it.

    Raises:
        FormatError: Not such an object, or a value is missing or wrong; the message names the JSON path.
    """
    if len(text) > MAX_TREADMILL_FILE_BYTES:
        raise FormatError(f"a treadmill file has at most {MAX_TREADMILL_FILE_BYTES} bytes", source)
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise FormatError(f"not valid JSON: {error}", source) from None
    if not isinstance(data, dict):
        raise FormatError("expected a JSON object with name, unit, speed, incline and handrails", source)
    known = {"name", "unit", "speed", "incline", "handrails"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise FormatError(f"unknown field {unknown[0]!r}; known: {', '.join(sorted(known))}", f"{source}: {unknown[0]}")

    def field(path: str, value: object, kind: type, what: str) -> object:
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise FormatError(f"expected {what}, got {json.dumps(value)[:40]}", f"{source}: {path}")
        return value

    def tenths(path: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise FormatError(f"expected a number, got {json.dumps(value)[:40]}", f"{source}: {path}")
        scaled = (Fraction(repr(value)) if isinstance(value, float) else Fraction(value)) * 10
        if scaled.denominator != 1 or not -1000 <= scaled <= 1000:
            raise FormatError(
                f"expected a number with at most one decimal, from -100 to 100, got {value}", f"{source}: {path}"
            )
        return int(scaled)

    def block(name: str, required: bool) -> dict[str, object] | None:
        if name not in data:
            if required:
                raise FormatError(f"missing {name!r}: an object with min, max and step", f"{source}: {name}")
            return None
        value = field(name, data[name], dict, "an object with min, max and step")
        assert isinstance(value, dict)  # noqa: S101 - for the type checker
        for key in ("min", "max", "step"):
            if key not in value:
                raise FormatError(f"missing {key!r}", f"{source}: {name}.{key}")
        extra = sorted(set(value) - {"min", "max", "step"})
        if extra:
            raise FormatError(f"unknown field {extra[0]!r}; known: max, min, step", f"{source}: {name}.{extra[0]}")
        return value

    name = field("name", data.get("name", "my-treadmill"), str, "a short name")
    unit_text = field("unit", data.get("unit"), str, '"km/h" or "mph"')
    units = {"km/h": SpeedUnit.KMH, "kmh": SpeedUnit.KMH, "mph": SpeedUnit.MPH}
    if unit_text not in units:
        raise FormatError(f'expected "km/h" or "mph", got {json.dumps(unit_text)}', f"{source}: unit")
    unit = units[str(unit_text)]
    if "handrails" not in data:
        raise FormatError("missing 'handrails': true or false (plans depend on it)", f"{source}: handrails")
    handrails = field("handrails", data["handrails"], bool, "true or false")
    speed = block("speed", required=True)
    assert speed is not None  # noqa: S101 - block() raised otherwise
    incline = block("incline", required=False) or {"min": 0, "max": 0, "step": 0.5}
    try:
        return Treadmill(
            name=str(name),
            unit=unit,
            min_speed=Speed(tenths("speed.min", speed["min"]), unit),
            max_speed=Speed(tenths("speed.max", speed["max"]), unit),
            speed_increment_tenths=tenths("speed.step", speed["step"]),
            min_incline=Incline(tenths("incline.min", incline["min"])),
            max_incline=Incline(tenths("incline.max", incline["max"])),
            incline_increment_tenths=tenths("incline.step", incline["step"]),
            handrails=bool(handrails),
        )
    except ValidationError as error:
        paths = {
            "Treadmill.name": "name",
            "Treadmill.min_speed": "speed.min",
            "Treadmill.max_speed": "speed.max",
            "Treadmill.speed_increment_tenths": "speed.step",
            "Treadmill.min_incline": "incline.min",
            "Treadmill.max_incline": "incline.max",
            "Treadmill.incline_increment_tenths": "incline.step",
        }
        path = paths.get(error.field, error.field)
        raise FormatError(f"{error.problem} (got {error.value})", f"{source}: {path}") from None


def read_treadmill(path: str | os.PathLike[str]) -> Treadmill:
    """A treadmill profile from a JSON file (see ``treadmill_from_json``), read with a size bound."""
    return treadmill_from_json(read_bounded(path, MAX_TREADMILL_FILE_BYTES), str(path))
