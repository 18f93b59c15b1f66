"""Treadmill profiles: speed and incline ranges and increments, handrails, and snapping to the machine's grid.

The model accepts any speed from 0.1 to 30 km/h; a real treadmill accepts fewer. Plans are made for a profile:
backward speeds and inclines snap **down** to the machine's increment (never faster or steeper than planned),
forward speeds snap to the **nearest** increment (evidence notes, rule H2).
"""

from __future__ import annotations

import math
from fractions import Fraction

import attrs

from retrointervals._validate import check_text
from retrointervals.errors import ValidationError
from retrointervals.units import Incline, Rounding, Speed, SpeedUnit, snap

__all__ = ["DEFAULT", "MPH", "TREADMILLS", "WALKING_PAD", "Treadmill"]

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
        incline = f"incline {self.min_incline}..{self.max_incline}" if self.has_incline else "no incline"
        return f"{self.name}: {self.min_speed}..{self.max_speed}, {incline}, {rails}"


#: A typical treadmill (evidence notes §6.4 H1): 0.8-16 km/h in 0.1 steps, incline 0-10 % in 0.5 steps.
DEFAULT = Treadmill(
    name="default",
    unit=SpeedUnit.KMH,
    min_speed=Speed.kmh(0.8),
    max_speed=Speed.kmh(16.0),
    max_incline=Incline.percent(10),
)
#: A US treadmill: 0.5-10 mph in 0.1 steps, incline 0-10 % in 0.5 steps.
MPH = Treadmill(
    name="mph", unit=SpeedUnit.MPH, min_speed=Speed.mph(0.5), max_speed=Speed.mph(10.0), max_incline=Incline.percent(10)
)
#: A walking pad: 0.6-6 km/h, no incline, no handrails (so not for rehab or beginner plans).
WALKING_PAD = Treadmill(
    name="walking-pad", unit=SpeedUnit.KMH, min_speed=Speed.kmh(0.6), max_speed=Speed.kmh(6.0), handrails=False
)

#: The presets by name.
TREADMILLS: dict[str, Treadmill] = {machine.name: machine for machine in (DEFAULT, MPH, WALKING_PAD)}
