"""Units: exact construction, conversions that round-trip at display resolution, and refusals."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrointervals import Distance, Duration, Incline, Rounding, Speed, SpeedUnit, ValidationError
from retrointervals import strategies as ris


def test_kmh_speed_is_exactly_what_was_given() -> None:
    speed = Speed.kmh(3.0)
    assert speed.value == 3.0
    assert speed.in_kmh == 3.0
    assert speed.unit is SpeedUnit.KMH
    assert str(speed) == "3.0 km/h"


def test_mph_speed_remembers_its_unit() -> None:
    speed = Speed.mph(2.5)
    assert speed.unit is SpeedUnit.MPH
    assert speed.value == 2.5
    assert speed.in_kmh == pytest.approx(4.02336)
    assert str(speed) == "2.5 mph"


def test_known_conversions() -> None:
    assert Speed.kmh(3.6).in_mps == pytest.approx(1.0)
    assert Speed.kmh(3.6).exact_mps == 1
    assert Speed.kmh(6.0).pace_per_km == Duration.seconds(600)
    assert str(Speed.kmh(4.5).pace_per_km) == "13:20"
    assert Speed.mph(3.0).pace_per_mile == Duration.seconds(1200)
    assert Speed.mph(1.0).in_kmh == pytest.approx(1.609344)
    assert Speed.from_mps(1.25) == Speed.kmh(4.5)
    assert Speed.from_pace_per_km(720) == Speed.kmh(5.0)
    assert Speed.from_pace_per_mile(Duration.parse("20:00")) == Speed.mph(3.0)


def test_rounding_is_explicit() -> None:
    with pytest.raises(ValidationError, match=r"Speed\.kmh.*multiple of 0\.1") as caught:
        Speed.kmh(4.55)
    assert caught.value.field == "Speed.kmh"
    assert caught.value.value == 4.55
    assert Speed.kmh(4.55, Rounding.NEAREST) == Speed.kmh(4.6)  # ties away from zero, as people round
    assert Speed.kmh(4.55, Rounding.DOWN) == Speed.kmh(4.5)
    assert Speed.kmh(4.51, Rounding.UP) == Speed.kmh(4.6)
    assert Speed.kmh(0.1 * 3) == Speed.kmh(0.3)  # float noise is not a reason to refuse
    assert Incline.percent(-2.25, Rounding.NEAREST) == Incline.percent(-2.3)
    with pytest.raises(ValidationError):
        Speed.from_pace_per_km(700, rounding=Rounding.EXACT)


def test_speeds_in_different_units_order_by_true_value() -> None:
    assert Speed.mph(1.0) < Speed.kmh(1.7)
    assert Speed.mph(1.0) > Speed.kmh(1.6)
    assert Speed.mph(1.0) != Speed.kmh(1.6)
    assert max(Speed.kmh(3.0), Speed.mph(2.0)) == Speed.mph(2.0)
    assert Speed.kmh(3.0) <= Speed.kmh(3.0) >= Speed.kmh(2.9)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Speed.kmh(0.0), "Speed"),
        (lambda: Speed.kmh(30.1), "Speed"),
        (lambda: Speed.kmh(-1.0), "Speed"),
        (lambda: Speed.mph(18.7), "Speed"),
        (lambda: Speed.kmh(math.nan), "Speed.kmh"),
        (lambda: Speed.kmh(math.inf), "Speed.kmh"),
        (lambda: Speed.mph(-math.inf), "Speed.mph"),
        (lambda: Speed.kmh(True), "Speed.kmh"),
        (lambda: Speed.kmh("3"), "Speed.kmh"),
        (lambda: Speed.from_mps(math.nan), "Speed.from_mps"),
        (lambda: Speed.from_pace_per_km(0), "Speed.from_pace_per_km"),
        (lambda: Speed.from_pace_per_km(-60), "Speed.from_pace_per_km"),
        (lambda: Speed(30, "km/h"), "Speed.unit"),
        (lambda: Speed(2.5), "Speed"),
        (lambda: Incline.percent(-10.1), "Incline"),
        (lambda: Incline.percent(40.1), "Incline"),
        (lambda: Incline.percent(math.nan), "Incline.percent"),
        (lambda: Duration.seconds(1.5), "Duration.seconds"),
        (lambda: Duration.seconds(-5), "Duration"),
        (lambda: Duration.minutes(math.inf), "Duration.minutes"),
        (lambda: Duration.parse("1:75"), "Duration.parse"),
        (lambda: Duration.parse("ten"), "Duration.parse"),
        (lambda: Distance.metres(-1), "Distance"),
        (lambda: Distance.metres(2.5), "Distance.metres"),
        (lambda: Distance.km(math.nan), "Distance.km"),
    ],
)
def test_bad_values_are_refused_with_the_field_named(make: object, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make()  # type: ignore[operator]
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ValueError)


def test_duration_parsing_and_display() -> None:
    assert Duration.parse("90") == Duration.seconds(90)
    assert Duration.parse("1:30") == Duration.minutes(1.5)
    assert Duration.parse("1:02:03").in_seconds == 3723
    assert str(Duration.seconds(3723)) == "1:02:03"
    assert str(Duration.seconds(59)) == "0:59"
    assert str(Duration(Fraction(599, 2))) == "5:00"  # fractional times display to the nearest second


def test_distance_constructors() -> None:
    assert Distance.km(1.2) == Distance.metres(1200)
    assert Distance.miles(0.25) == Distance.metres(402)
    assert Distance.miles(1).in_miles == pytest.approx(1.0, abs=1e-3)
    assert str(Distance.metres(400)) == "400 m"
    assert str(Distance.metres(1250)) == "1.25 km"


def test_quantity_arithmetic_keeps_types_apart() -> None:
    assert Duration.seconds(30) + Duration.seconds(45) == Duration.seconds(75)
    assert 3 * Duration.seconds(20) == Duration.minutes(1)
    assert Distance.metres(5) * 2 == Distance.metres(10)
    assert Duration.seconds(1) != Distance.metres(1)
    with pytest.raises(TypeError):
        _ = Duration.seconds(1) + Distance.metres(1)  # type: ignore[operator]
    with pytest.raises(ValidationError):
        _ = Duration.seconds(1) - Duration.seconds(2)


# --- properties ------------------------------------------------------------------------------------


@given(ris.speeds())
def test_speed_survives_mps_round_trip(speed: Speed) -> None:
    assert Speed.from_mps(speed.exact_mps, speed.unit) == speed
    assert Speed.from_mps(speed.in_mps, speed.unit) == speed  # also through a float


@given(ris.speeds())
def test_speed_survives_own_unit_round_trip(speed: Speed) -> None:
    assert Speed.of(speed.value, speed.unit) == speed
    assert Speed.kmh(speed.in_kmh, Rounding.NEAREST).unit is SpeedUnit.KMH


@given(ris.speeds())
def test_pace_and_speed_agree(speed: Speed) -> None:
    per_km = speed.pace_per_km
    per_mile = speed.pace_per_mile
    assert per_km.exact * speed.exact_kmh == 3600
    assert per_mile.exact / per_km.exact == Fraction(1609344, 1000000)
    assert Speed.from_pace_per_km(per_km, speed.unit) == speed
    assert Speed.from_pace_per_mile(per_mile.in_seconds, speed.unit) == speed


@given(ris.speeds(unit=SpeedUnit.MPH))
def test_mph_survives_a_trip_through_kmh(speed: Speed) -> None:
    # 0.1 km/h is finer than 0.1 mph, so mph -> km/h -> mph is lossless (the reverse is not, and is never done).
    assert speed.to(SpeedUnit.KMH).to(SpeedUnit.MPH) == speed


@given(ris.speeds(), ris.durations())
def test_time_and_distance_at_a_speed_are_inverse(speed: Speed, duration: Duration) -> None:
    assert speed.time_for(speed.distance_in(duration)) == duration


@given(ris.inclines())
def test_incline_survives_percent_round_trip(incline: Incline) -> None:
    assert Incline.percent(incline.in_percent) == incline


@given(st.integers(0, 10**6))
def test_duration_text_round_trip(seconds: int) -> None:
    duration = Duration.seconds(seconds)
    assert Duration.parse(str(duration)) == duration
    assert Duration.minutes(duration.in_minutes, Rounding.NEAREST) == duration


@given(st.integers(1, 50_000))
def test_distance_km_round_trip(metres: int) -> None:
    distance = Distance.metres(metres)
    assert Distance.km(distance.in_km) == distance
    assert Distance.miles(distance.in_miles) == distance


_GRID_NUMBERS = (
    st.integers(-(10**13), 10**13)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.floats(-400, 400).map(lambda x: round(x, 1))
    | st.floats(-400, 400).map(lambda x: round(x, 1) + 1e-12)
    | st.decimals(-400, 400, places=2).map(float)
)


@given(_GRID_NUMBERS, st.sampled_from(list(Rounding)))
def test_the_grid_fast_path_gives_what_the_exact_path_gives(value: float, rounding: Rounding) -> None:
    from retrointervals import units  # noqa: PLC0415

    def outcome(make: object) -> object:
        try:
            return make()  # type: ignore[operator]
        except ValidationError as error:
            return error.field

    for make in (
        lambda: Speed.kmh(value, rounding),
        lambda: Incline.percent(value, rounding),
        lambda: Duration.seconds(value, rounding),
        lambda: Distance.metres(value, rounding),
    ):
        fast = outcome(make)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(units, "_on_grid", lambda *_: None)
            exact = outcome(make)
        assert fast == exact
