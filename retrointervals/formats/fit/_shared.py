"""What the FIT writer and reader share: our constants, duration and target codes, and the speed bands."""

from __future__ import annotations

import datetime as dt
import functools
import math
from fractions import Fraction

from retrointervals.formats._fit_profile import (
    Intensity,
    Sport,
    SubSport,
    WktStepDuration,
    WktStepTarget,
)
from retrointervals.model import (
    StepKind,
)
from retrointervals.units import MAX_SPEED_KMH, Duration, Speed, SpeedUnit

EXTENSION = ".fit"

#: ``file_id.product`` of our files (with manufacturer ``development``): 0x5249, "RI".
PRODUCT_ID = 0x5249
#: ``file_id.time_created`` unless one is given: fixed, so that a workout always encodes to the same bytes.
DEFAULT_TIME_CREATED = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
#: Half the width of the speed band written around a step's speed: 139 mm/s is about 0.5 km/h or 0.3 mph. The
#: band is narrower for speeds below 0.5 km/h so that its low end stays above zero.
SPEED_BAND_HALF_WIDTH_MM_S = 139
#: The speed a lossy read gives a step whose target the model cannot hold (power, heart rate, open...): slow
#: enough to be safe whichever way the walker faces.
DEFAULT_SPEED = Speed.kmh(2.0)
#: The length a lossy read gives a step that ends on something other than time or distance (lap button,
#: heart rate, calories...).
DEFAULT_LENGTH = Duration.seconds(60)

SPORT = Sport.RUNNING.value
SUB_SPORT = SubSport.TREADMILL.value
HEADER_SIZE = 14
FIRST_ABSOLUTE_TIME = 0x10000000  # FIT date_time values below this are relative times
INTENSITIES = {
    StepKind.WARMUP: Intensity.WARMUP.value,
    StepKind.ACTIVE: Intensity.ACTIVE.value,
    StepKind.RECOVERY: Intensity.RECOVERY.value,
    # Turning around on the belt is a pause in the effort: Garmin's "rest" step type.
    StepKind.TRANSITION: Intensity.REST.value,
    StepKind.COOLDOWN: Intensity.COOLDOWN.value,
}
TIME = WktStepDuration.TIME.value
LAP = WktStepDuration.OPEN.value  # "open": the step ends on the lap button
DISTANCE = WktStepDuration.DISTANCE.value
REPEAT = WktStepDuration.REPEAT_UNTIL_STEPS_CMPLT.value
SPEED = WktStepTarget.SPEED.value
OPEN = WktStepTarget.OPEN.value


def speed_bands(unit: SpeedUnit) -> tuple[tuple[int, int], ...]:
    """(low, high) in mm/s for every speed of ``unit``, indexed by tenths (index 0 is unused).

    The band is centred on the speed rounded to whole mm/s; mph bands are one mm/s wider on top, so an odd width
    marks mph. The reader takes the centre (within 0.5 mm/s of the true speed; grid points are at least 27.8 mm/s
    apart) and the unit from the parity, and gets the exact speed back.
    """
    per_tenth_mm_s = Speed(1, unit).exact_mps * 1000
    bands = [(0, 0)]
    for tenths in range(1, math.floor(MAX_SPEED_KMH * 10 / unit.in_kmh) + 1):
        centre = math.floor(per_tenth_mm_s * tenths + Fraction(1, 2))
        half = min(SPEED_BAND_HALF_WIDTH_MM_S, centre - 1)
        bands.append((centre - half, centre + half + (unit is SpeedUnit.MPH)))
    return tuple(bands)


BANDS = {unit: speed_bands(unit) for unit in SpeedUnit}
#: Our own bands back to (tenths, unit): km/h bands have an even width and mph bands an odd one, so no clash.
GRID_OF_BAND = {band: (tenths, unit) for unit, bands in BANDS.items() for tenths, band in enumerate(bands) if tenths}


@functools.lru_cache(maxsize=1024)  # bounded: the keys come from the file
def own_speed(low_mm_s: int, high_mm_s: int) -> Speed | None:
    """The speed whose band retrointervals writes as (low, high), or None; Speeds are immutable, so shared."""
    grid = GRID_OF_BAND.get((low_mm_s, high_mm_s))
    return Speed(*grid) if grid is not None else None
