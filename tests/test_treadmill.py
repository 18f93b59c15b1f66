"""Treadmill profiles: presets, validation, and snapping to the machine's grid."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

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


# --- a treadmill of one's own: the JSON file ---------------------------------------------------------------------


def test_a_treadmill_file_reads_every_field() -> None:
    import json  # noqa: PLC0415

    from retrointervals.treadmill import treadmill_from_json  # noqa: PLC0415

    text = json.dumps({"name": "garage", "unit": "mph", "speed": {"min": 0.5, "max": 10, "step": 0.1},
                       "incline": {"min": -3, "max": 15, "step": 0.5}, "handrails": True})  # fmt: skip
    machine = treadmill_from_json(text)
    assert machine.unit.value == "mph"
    assert str(machine.min_speed) == "0.5 mph"
    assert str(machine.max_incline) == "15.0 %"
    assert str(machine.min_incline) == "-3.0 %"
    assert machine.handrails
    flat = treadmill_from_json('{"unit": "km/h", "speed": {"min": 1, "max": 6, "step": 0.5}, "handrails": false}')
    assert not flat.has_incline
    assert not flat.handrails
    assert flat.speed_increment_tenths == 5


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        ("[]", "", "JSON object"),
        ("{", "", "not valid JSON"),
        ('{"unit": "mph", "speed": {"min": 0.5, "max": 3, "step": 0.1}}', "handrails", "missing"),
        ('{"unit": "knots", "speed": {"min": 0.5, "max": 3, "step": 0.1}, "handrails": true}', "unit", "mph"),
        (
            '{"unit": "mph", "speed": {"min": 0.5, "max": "fast", "step": 0.1}, "handrails": true}',
            "speed.max",
            "number",
        ),
        ('{"unit": "mph", "speed": {"min": 0.55, "max": 3, "step": 0.1}, "handrails": true}', "speed.min", "decimal"),
        ('{"unit": "mph", "speed": {"min": 3, "max": 1, "step": 0.1}, "handrails": true}', "speed.max", "above"),
        ('{"unit": "mph", "speed": {"min": 0.5, "max": 3}, "handrails": true}', "speed.step", "missing"),
        ('{"unit": "mph", "speed": {"min": 0.5, "max": 3, "step": 0.1}, "handrails": "yes"}', "handrails", "true"),
        ('{"unit": "mph", "speed": {"min": 0.5, "max": 3, "step": 0.1}, "handrails": true, "x": 1}', "x", "unknown"),
        (
            (
                '{"unit": "mph", "speed": {"min": 0.5, "max": 3, "step": 0.1}, '
                '"incline": {"min": 1, "max": 5, "step": 1}, "handrails": true}'
            ),
            "incline.min",
            "include 0",
        ),
    ],
)
def test_a_bad_treadmill_file_names_the_json_path(text: str, path: str, words: str) -> None:
    from retrointervals.errors import FormatError  # noqa: PLC0415
    from retrointervals.treadmill import treadmill_from_json  # noqa: PLC0415

    with pytest.raises(FormatError) as caught:
        treadmill_from_json(text, "mine.json")
    assert caught.value.location == (f"mine.json: {path}" if path else "mine.json")
    assert words in str(caught.value)


def test_a_treadmill_file_is_read_with_a_size_bound(tmp_path: Path) -> None:
    from retrointervals.errors import FormatError  # noqa: PLC0415
    from retrointervals.treadmill import MAX_TREADMILL_FILE_BYTES, read_treadmill  # noqa: PLC0415

    big = tmp_path / "big.json"
    big.write_text("{" + " " * MAX_TREADMILL_FILE_BYTES + "}", encoding="utf-8")
    with pytest.raises(FormatError):
        read_treadmill(big)
