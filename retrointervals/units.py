"""Exact value types for treadmill quantities: speed, incline, duration and distance.

Every quantity is stored exactly (integers or fractions, never binary floats), so a value survives any
conversion the library does. Speeds and inclines live on the treadmill's display grid: 0.1 km/h or 0.1 mph,
and 0.1 % of incline. A speed remembers the unit it was given in.

Constructors that take a number in the value's own unit (``Speed.kmh``, ``Incline.percent``,
``Duration.seconds``, ``Distance.metres``) insist that the number already lies on the grid unless a
``rounding`` is given: nothing is rounded behind your back. Constructors that convert from another unit
(``Speed.from_mps``, ``Speed.from_pace_per_km``, ``Distance.miles``) round to the nearest grid point by default,
because such a conversion is inexact by nature; pass ``Rounding.EXACT`` to refuse instead.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from fractions import Fraction
from typing import TypeVar

import attrs

from retrointervals.errors import ValidationError
from retrointervals.limits import MAX_MAGNITUDE, check_number

__all__ = [
    "Distance",
    "Duration",
    "Incline",
    "Rounding",
    "Speed",
    "SpeedUnit",
]

#: Numbers accepted by the constructors. ``int`` is accepted wherever ``float`` is.
Number = float | Fraction

METRES_PER_MILE = Fraction(1609344, 1000)
KMH_PER_MPH = METRES_PER_MILE / 1000
MPS_PER_KMH = Fraction(1000, 3600)

# Model-wide bounds (DEVELOPERS.md, issue 2). A treadmill's own, tighter limits live in its profile.
MIN_SPEED_KMH = Fraction(1, 10)
MAX_SPEED_KMH = Fraction(30)
MIN_INCLINE_PCT = Fraction(-10)
MAX_INCLINE_PCT = Fraction(40)

# Float noise tolerated by Rounding.EXACT, as a fraction of one grid step (0.1 * 3 == 0.30000000000000004).
_FLOAT_NOISE = Fraction(1, 10**9)
_TENTH = Fraction(1, 10)


class Rounding(enum.Enum):
    """How a number that is not on a value's grid is brought onto it."""

    #: Refuse with ``ValidationError`` unless the number is on the grid (up to float noise).
    EXACT = "exact"
    #: The nearest grid point; halves go away from zero (2.25 -> 2.3), as a person would round.
    NEAREST = "nearest"
    #: The grid point at or below the number (toward minus infinity).
    DOWN = "down"
    #: The grid point at or above the number (toward plus infinity).
    UP = "up"


class SpeedUnit(enum.Enum):
    """The unit a treadmill displays; its resolution is 0.1 of the unit."""

    KMH = "km/h"
    MPH = "mph"

    @property
    def in_kmh(self) -> Fraction:
        """One of this unit, in km/h (exact)."""
        return Fraction(1) if self is SpeedUnit.KMH else KMH_PER_MPH


def to_fraction(value: object, field: str) -> Fraction:
    """Turn a user-supplied number into an exact fraction, refusing NaN, infinities, non-numbers and giants.

    A float becomes the decimal it prints as (``0.15`` -> 3/20), which is what the user typed. Magnitudes above
    ``limits.MAX_MAGNITUDE`` are refused: no treadmill quantity comes near it.
    """
    if type(value) is Fraction and -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:  # the common case inside the library
        return value
    return check_number(field, value)


def snap(value: Fraction, step: Fraction, rounding: Rounding, field: str, shown: object) -> int:
    """Return ``n`` such that ``n * step`` is ``value`` brought onto the grid of ``step`` by ``rounding``."""
    quotient = value / step
    if rounding is Rounding.DOWN:
        return math.floor(quotient)
    if rounding is Rounding.UP:
        return math.ceil(quotient)
    nearest = math.floor(abs(quotient) + Fraction(1, 2)) * (1 if quotient >= 0 else -1)
    if rounding is Rounding.EXACT and abs(quotient - nearest) > _FLOAT_NOISE:
        raise ValidationError(
            field,
            shown,
            f"is not a multiple of {float(step):g}",  # the constructors' ``rounding`` snaps it (see their docs)
        )
    return nearest


def _on_grid(value: object, scale: int, rounding: Rounding) -> int | None:
    """``n`` with ``n / scale == value`` for a plain int or float already on the grid, without Fractions.

    The common case of every reader (``"speed_kmh": 4.5``); None sends anything else through the exact path. A
    float counts as on the grid within the float noise ``Rounding.EXACT`` tolerates; only ``EXACT`` and
    ``NEAREST`` take this path, as both give that grid point then.
    """
    if type(value) is int:
        return value * scale if -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE else None
    if type(value) is float and rounding in (Rounding.EXACT, Rounding.NEAREST) and -1e6 < value < 1e6:
        scaled = value * scale
        nearest = round(scaled)
        return nearest if abs(scaled - nearest) < 1e-9 else None
    return None


def _format_tenths(tenths: int) -> str:
    whole, tenth = divmod(abs(tenths), 10)
    return f"{'-' if tenths < 0 else ''}{whole}.{tenth}"


#: The model's speed bounds in tenths of each unit (0.1-30 km/h is 1-300 tenths of km/h, 1-186 of mph).
_SPEED_TENTHS = {
    unit: (math.ceil(MIN_SPEED_KMH * 10 / unit.in_kmh), math.floor(MAX_SPEED_KMH * 10 / unit.in_kmh))
    for unit in SpeedUnit
}


@attrs.frozen(order=False)
class Speed:
    """A belt speed at the display resolution of a treadmill: a whole number of tenths of km/h or of mph.

    Build one with ``Speed.kmh(4.5)``, ``Speed.mph(2.8)``, ``Speed.from_mps(1.25)`` or
    ``Speed.from_pace_per_km(720)``. Two speeds in different units compare by their true value, but are equal
    only when unit and value are both the same.
    """

    tenths: int = attrs.field()
    unit: SpeedUnit = attrs.field(default=SpeedUnit.KMH)

    @tenths.validator
    def _check_range(self, _attribute: object, tenths: int) -> None:
        # One validator for both fields: attrs validates in field order, and the range depends on the unit.
        if not isinstance(self.unit, SpeedUnit):
            raise ValidationError("Speed.unit", self.unit, "must be a SpeedUnit")
        if isinstance(tenths, bool) or not isinstance(tenths, int):
            raise ValidationError("Speed", tenths, "tenths must be an int")
        lowest, highest = _SPEED_TENTHS[self.unit]
        if not lowest <= tenths <= highest:
            shown = f"{_format_tenths(tenths)} {self.unit.value}" if abs(tenths) < MAX_MAGNITUDE else tenths
            raise ValidationError("Speed", shown, "must be between 0.1 and 30 km/h")

    # --- constructors ---------------------------------------------------------------------------

    @classmethod
    def of(cls, value: Number, unit: SpeedUnit, rounding: Rounding = Rounding.EXACT) -> Speed:
        """A speed of ``value`` in ``unit``: a multiple of 0.1 unless ``rounding`` says how to snap it."""
        tenths = _on_grid(value, 10, rounding)
        if tenths is not None:
            return cls(tenths, unit)
        field = f"Speed.{'kmh' if unit is SpeedUnit.KMH else 'mph'}"
        exact = to_fraction(value, field)
        return cls(snap(exact, _TENTH, rounding, field, value), unit)

    @classmethod
    def kmh(cls, value: Number, rounding: Rounding = Rounding.EXACT) -> Speed:
        """A speed in km/h, e.g. ``Speed.kmh(3.0)``."""
        return cls.of(value, SpeedUnit.KMH, rounding)

    @classmethod
    def mph(cls, value: Number, rounding: Rounding = Rounding.EXACT) -> Speed:
        """A speed in mph, e.g. ``Speed.mph(1.9)``."""
        return cls.of(value, SpeedUnit.MPH, rounding)

    @classmethod
    def from_mps(cls, value: Number, unit: SpeedUnit = SpeedUnit.KMH, rounding: Rounding = Rounding.NEAREST) -> Speed:
        """The speed of ``value`` metres per second, on the grid of ``unit``."""
        exact = to_fraction(value, "Speed.from_mps")
        return cls(snap(exact / MPS_PER_KMH / unit.in_kmh, _TENTH, rounding, "Speed.from_mps", value), unit)

    @classmethod
    def from_pace_per_km(
        cls, pace: Duration | Number, unit: SpeedUnit = SpeedUnit.KMH, rounding: Rounding = Rounding.NEAREST
    ) -> Speed:
        """The speed of a pace given as seconds (or a ``Duration``) per kilometre."""
        return cls._from_pace(pace, 1000, unit, rounding, "Speed.from_pace_per_km")

    @classmethod
    def from_pace_per_mile(
        cls, pace: Duration | Number, unit: SpeedUnit = SpeedUnit.MPH, rounding: Rounding = Rounding.NEAREST
    ) -> Speed:
        """The speed of a pace given as seconds (or a ``Duration``) per mile."""
        return cls._from_pace(pace, METRES_PER_MILE, unit, rounding, "Speed.from_pace_per_mile")

    @classmethod
    def _from_pace(
        cls, pace: Duration | Number, metres: Fraction | int, unit: SpeedUnit, rounding: Rounding, field: str
    ) -> Speed:
        seconds = pace.exact if isinstance(pace, Duration) else to_fraction(pace, field)
        if seconds <= 0:
            raise ValidationError(field, pace, "must be a positive number of seconds")
        return cls.from_mps(metres / seconds, unit, rounding)

    # --- read-outs ------------------------------------------------------------------------------

    # Cached: rules, timelines and exporters ask for these thousands of times per plan.
    @functools.cached_property
    def exact_kmh(self) -> Fraction:
        """The speed in km/h, exact."""
        return Fraction(self.tenths, 10) * self.unit.in_kmh

    @functools.cached_property
    def exact_mps(self) -> Fraction:
        """The speed in metres per second, exact."""
        return self.exact_kmh * MPS_PER_KMH

    @property
    def value(self) -> float:
        """The speed in its own unit, as displayed (e.g. 3.0 for ``Speed.kmh(3.0)``)."""
        return self.tenths / 10

    @property
    def in_kmh(self) -> float:
        """The speed in km/h."""
        return self.value if self.unit is SpeedUnit.KMH else float(self.exact_kmh)

    @property
    def in_mph(self) -> float:
        """The speed in mph."""
        return self.value if self.unit is SpeedUnit.MPH else float(self.exact_kmh / KMH_PER_MPH)

    @property
    def in_mps(self) -> float:
        """The speed in metres per second."""
        return float(self.exact_mps)

    @property
    def pace_per_km(self) -> Duration:
        """Time per kilometre at this speed (exact)."""
        return Duration(1000 / self.exact_mps)

    @property
    def pace_per_mile(self) -> Duration:
        """Time per mile at this speed (exact)."""
        return Duration(METRES_PER_MILE / self.exact_mps)

    def to(self, unit: SpeedUnit, rounding: Rounding = Rounding.NEAREST) -> Speed:
        """This speed on the display grid of ``unit``.

        Converting km/h to mph loses precision (0.1 mph is coarser than 0.1 km/h), so the library itself
        never converts a speed's unit: a plan keeps the unit its user gave.
        """
        if unit is self.unit:
            return self
        return Speed(snap(self.exact_kmh / unit.in_kmh, _TENTH, rounding, "Speed.to", self), unit)

    def distance_in(self, duration: Duration) -> Distance:
        """The distance covered at this speed in ``duration`` (exact)."""
        return Distance(self.exact_mps * duration.exact)

    def time_for(self, distance: Distance) -> Duration:
        """The time it takes to cover ``distance`` at this speed (exact)."""
        return Duration(distance.exact / self.exact_mps)

    # Order by true speed, whatever the unit.
    def __lt__(self, other: Speed) -> bool:
        return self.exact_kmh < other.exact_kmh

    def __le__(self, other: Speed) -> bool:
        return self.exact_kmh <= other.exact_kmh

    def __gt__(self, other: Speed) -> bool:
        return self.exact_kmh > other.exact_kmh

    def __ge__(self, other: Speed) -> bool:
        return self.exact_kmh >= other.exact_kmh

    def __str__(self) -> str:
        return f"{_format_tenths(self.tenths)} {self.unit.value}"


# The bounds in tenths, so that validating a value compares integers, not Fractions.
_MIN_INCLINE_TENTHS = int(MIN_INCLINE_PCT * 10)
_MAX_INCLINE_TENTHS = int(MAX_INCLINE_PCT * 10)


@attrs.frozen(order=True)
class Incline:
    """A treadmill incline (grade) in tenths of a percent; negative values are a decline."""

    tenths: int = attrs.field()

    @tenths.validator
    def _check_range(self, _attribute: object, tenths: int) -> None:
        if isinstance(tenths, bool) or not isinstance(tenths, int):
            raise ValidationError("Incline", tenths, "tenths must be an int")
        if not _MIN_INCLINE_TENTHS <= tenths <= _MAX_INCLINE_TENTHS:
            shown = f"{_format_tenths(tenths)} %" if abs(tenths) < MAX_MAGNITUDE else tenths
            raise ValidationError("Incline", shown, "must be between -10 and +40 %")

    @classmethod
    def percent(cls, value: Number, rounding: Rounding = Rounding.EXACT) -> Incline:
        """An incline in percent, e.g. ``Incline.percent(2.5)``; a multiple of 0.1 unless ``rounding`` is given."""
        tenths = _on_grid(value, 10, rounding)
        if tenths is not None:
            return cls(tenths)
        return cls(snap(to_fraction(value, "Incline.percent"), _TENTH, rounding, "Incline.percent", value))

    @classmethod
    def flat(cls) -> Incline:
        """No incline (0 %)."""
        return _FLAT if cls is Incline else cls(0)  # immutable: every step without an incline shares one

    @property
    def in_percent(self) -> float:
        """The incline in percent."""
        return self.tenths / 10

    def __str__(self) -> str:
        return f"{_format_tenths(self.tenths)} %"


_FLAT = Incline(0)

Q = TypeVar("Q", bound="_Quantity")


def _exact(value: Fraction | int) -> Fraction:
    if type(value) is Fraction:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        raise ValidationError("Duration or Distance", value, "must be a number")
    return check_number("Duration or Distance", value) if isinstance(value, float) else Fraction(value)


@attrs.frozen(order=True)
class _Quantity:
    """An exact, non-negative amount in a base unit; shared arithmetic of ``Duration`` and ``Distance``."""

    exact: Fraction = attrs.field(converter=_exact)

    @exact.validator
    def _check_sign(self, _attribute: object, exact: Fraction) -> None:
        if exact < 0:
            raise ValidationError(type(self).__name__, exact, "must not be negative")
        if exact.numerator > MAX_MAGNITUDE * exact.denominator:
            raise ValidationError(type(self).__name__, exact, f"must be at most {MAX_MAGNITUDE:.0e}")

    @property
    def is_whole(self) -> bool:
        """Whether the amount is a whole number of base units."""
        return self.exact.denominator == 1

    def __add__(self: Q, other: Q) -> Q:
        if type(other) is not type(self):
            return NotImplemented
        return type(self)(self.exact + other.exact)

    def __sub__(self: Q, other: Q) -> Q:
        if type(other) is not type(self):
            return NotImplemented
        return type(self)(self.exact - other.exact)

    def __mul__(self: Q, factor: int) -> Q:
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        return type(self)(self.exact * factor)

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self.exact != 0


_CLOCK = re.compile(r"^(?:(?:(\d+):)?(\d{1,2}):)?(\d+)$")


class Duration(_Quantity):
    """A length of time in seconds, exact.

    Step lengths are whole seconds (``Duration.seconds(90)``, ``Duration.minutes(1.5)``,
    ``Duration.parse("1:30")``); times derived from a distance and a speed may be fractional.
    """

    __slots__ = ()

    @classmethod
    def seconds(cls, value: Number, rounding: Rounding = Rounding.EXACT) -> Duration:
        """Whole seconds; a fractional number needs a ``rounding``."""
        whole = _on_grid(value, 1, rounding)
        if whole is not None:
            return cls(whole)
        return cls(snap(to_fraction(value, "Duration.seconds"), Fraction(1), rounding, "Duration.seconds", value))

    @classmethod
    def minutes(cls, value: Number, rounding: Rounding = Rounding.EXACT) -> Duration:
        """Minutes, e.g. ``Duration.minutes(2.5)``; must come to whole seconds unless ``rounding`` is given."""
        exact = to_fraction(value, "Duration.minutes") * 60
        return cls(snap(exact, Fraction(1), rounding, "Duration.minutes", value))

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse ``"90"``, ``"1:30"`` or ``"1:02:03"`` (hours, minutes, seconds)."""
        match = _CLOCK.match(text.strip()) if len(text) <= 20 else None
        if match is None:
            raise ValidationError("Duration.parse", text, "expected seconds, M:SS or H:MM:SS")
        hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
        if (match.group(2) is not None and seconds >= 60) or (match.group(1) is not None and minutes >= 60):
            raise ValidationError("Duration.parse", text, "minutes and seconds must be below 60")
        return cls(hours * 3600 + minutes * 60 + seconds)

    @property
    def in_seconds(self) -> float:
        """The duration in seconds."""
        return float(self.exact)

    @property
    def in_minutes(self) -> float:
        """The duration in minutes."""
        return float(self.exact / 60)

    def __str__(self) -> str:
        total = math.floor(self.exact + Fraction(1, 2))
        hours, rest = divmod(total, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class Distance(_Quantity):
    """A distance in metres, exact.

    Step lengths are whole metres (``Distance.metres(400)``, ``Distance.km(1.2)``, ``Distance.miles(0.25)``);
    distances derived from a time and a speed may be fractional.
    """

    __slots__ = ()

    @classmethod
    def metres(cls, value: Number, rounding: Rounding = Rounding.EXACT) -> Distance:
        """Whole metres; a fractional number needs a ``rounding``."""
        whole = _on_grid(value, 1, rounding)
        if whole is not None:
            return cls(whole)
        return cls(snap(to_fraction(value, "Distance.metres"), Fraction(1), rounding, "Distance.metres", value))

    @classmethod
    def km(cls, value: Number, rounding: Rounding = Rounding.EXACT) -> Distance:
        """Kilometres, e.g. ``Distance.km(1.2)``; must come to whole metres unless ``rounding`` is given."""
        exact = to_fraction(value, "Distance.km") * 1000
        return cls(snap(exact, Fraction(1), rounding, "Distance.km", value))

    @classmethod
    def miles(cls, value: Number, rounding: Rounding = Rounding.NEAREST) -> Distance:
        """Miles, converted to whole metres (nearest by default: 0.25 mi -> 402 m)."""
        exact = to_fraction(value, "Distance.miles") * METRES_PER_MILE
        return cls(snap(exact, Fraction(1), rounding, "Distance.miles", value))

    @property
    def in_metres(self) -> float:
        """The distance in metres."""
        return float(self.exact)

    @property
    def in_km(self) -> float:
        """The distance in kilometres."""
        return float(self.exact / 1000)

    @property
    def in_miles(self) -> float:
        """The distance in miles."""
        return float(self.exact / METRES_PER_MILE)

    def __str__(self) -> str:
        if self.exact >= 1000:
            return f"{self.in_km:.2f} km"
        return f"{self.in_metres:.0f} m"
