"""Treadmill profiles: presets, validation, and snapping to the machine's grid."""

from __future__ import annotations

from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrointervals import Incline, Rounding, Speed, SpeedUnit, ValidationError
from retrointervals import strategies as ris
from retrointervals.treadmill import DEFAULT, MPH, TREADMILLS, WALKING_PAD, Treadmill


def test_presets_match_the_documented_profiles() -> None:
    assert (DEFAULT.min_speed, DEFAULT.max_speed, DEFAULT.max_incline) == (
        Speed.kmh(0.8),
        Speed.kmh(16.0),
        Incline.percent(10),
    )
    assert DEFAULT.incline_increment_tenths == 5
    assert DEFAULT.handrails
    assert (MPH.unit, MPH.min_speed, MPH.max_speed) == (SpeedUnit.MPH, Speed.mph(0.5), Speed.mph(10.0))
    assert not WALKING_PAD.handrails
    assert not WALKING_PAD.has_incline
    assert set(TREADMILLS) == {"default", "mph", "walking-pad"}


def test_backward_snaps_down_forward_to_nearest() -> None:
    assert DEFAULT.snap_speed(Fraction(229, 100), Rounding.DOWN) == Speed.kmh(2.2)
    assert DEFAULT.snap_speed(Fraction(229, 100), Rounding.NEAREST) == Speed.kmh(2.3)
    coarse = attrs.evolve(DEFAULT, speed_increment_tenths=5, min_speed=Speed.kmh(1.0))
    assert coarse.snap_speed(Fraction(24, 10), Rounding.DOWN) == Speed.kmh(2.0)
    assert MPH.snap_speed(Fraction(35, 10), Rounding.NEAREST) == Speed.mph(2.2)  # 3.5 km/h = 2.17 mph
    assert DEFAULT.snap_incline(Fraction(37, 10)) == Incline.percent(3.5)
    assert DEFAULT.snap_incline(Fraction(12)) == Incline.percent(10)  # never above the machine's range
    assert WALKING_PAD.snap_incline(Fraction(2)) == Incline.flat()


@given(ris.treadmills(), st.fractions(min_value=Fraction(1), max_value=Fraction(25)))
def test_snapping_lands_on_the_grid_in_the_right_direction(treadmill: Treadmill, kmh: Fraction) -> None:
    down = treadmill.snap_speed(kmh, Rounding.DOWN)
    nearest = treadmill.snap_speed(kmh, Rounding.NEAREST)
    assert treadmill.on_speed_grid(down)
    assert treadmill.on_speed_grid(nearest)
    assert down.exact_kmh <= kmh < down.exact_kmh + treadmill.speed_increment_kmh
    assert abs(nearest.exact_kmh - kmh) <= treadmill.speed_increment_kmh / 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "Treadmill.name"),
        ({"min_speed": Speed.mph(0.5)}, "Treadmill.min_speed"),
        ({"max_speed": Speed.kmh(0.5)}, "Treadmill.max_speed"),
        ({"speed_increment_tenths": 0}, "Treadmill.speed_increment_tenths"),
        ({"speed_increment_tenths": 3}, "Treadmill.min_speed"),
        ({"min_incline": Incline.percent(1)}, "Treadmill.min_incline"),
        ({"max_incline": Incline.percent(10.2)}, "Treadmill.max_incline"),
        ({"handrails": "yes"}, "Treadmill.handrails"),
    ],
)
def test_bad_profiles_are_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(DEFAULT, **changes)
    assert caught.value.field == field
