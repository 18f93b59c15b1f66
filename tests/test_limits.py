"""The one checked path for outside values: numbers, dates, enum values, and echoes cut to a readable length."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrointervals import Direction, ValidationError
from retrointervals.limits import (
    MAX_DOCUMENT_SEGMENTS,
    MAX_DOCUMENT_STEPS,
    MAX_ECHO_CHARACTERS,
    MAX_MAGNITUDE,
    MAX_WORKOUT_SEGMENTS,
    PLAN_DATE_RANGE,
    check_date,
    check_enum,
    check_number,
    echo,
)


@given(
    st.integers()
    | st.floats()
    | st.fractions()
    | st.text()
    | st.binary()
    | st.none()
    | st.lists(st.integers(), max_size=50)
    | st.sampled_from([10**5000, -(10**9000), Fraction(1, 10**5000), "x" * 10**6, [10**5000]])
)
def test_echo_never_fails_and_is_short(value: object) -> None:
    shown = echo(value)
    assert len(shown) <= MAX_ECHO_CHARACTERS + 30


def test_echo_keeps_short_values_and_describes_giants() -> None:
    assert echo("walk") == "'walk'"
    assert echo(42) == "42"
    assert echo(10**5000) == "a number of about 5001 digits"
    assert echo("x" * 1000).endswith("(1002 characters)")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (math.nan, "finite"),
        (math.inf, "finite"),
        (-1e308, "between"),
        (10**5000, "between"),
        (Fraction(10**40, 3), "between"),
        (True, "a number"),
        ("3", "a number"),
        (None, "a number"),
    ],
    ids=["nan", "inf", "-1e308", "5000-digits", "huge-fraction", "bool", "text", "none"],
)
def test_check_number_refuses_with_the_field(value: object, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem) as caught:
        check_number("Thing.size", value)
    assert caught.value.field == "Thing.size"
    assert len(str(caught.value)) < 200


@given(st.integers(-MAX_MAGNITUDE, MAX_MAGNITUDE) | st.floats(-1e12, 1e12) | st.fractions(-1000, 1000))
def test_check_number_keeps_every_number_in_range_exactly(value: float | Fraction) -> None:
    exact = check_number("x", value)
    assert exact == (Fraction(repr(value)) if isinstance(value, float) else value)


def test_check_number_bounds() -> None:
    assert check_number("x", 5, lowest=0, highest=10) == 5
    with pytest.raises(ValidationError, match="at least 0"):
        check_number("x", -1, lowest=0)
    with pytest.raises(ValidationError, match="at most 10"):
        check_number("x", 11, highest=10)


@given(st.dates())
def test_check_date_accepts_exactly_the_documented_range(date: dt.date) -> None:
    first, last = PLAN_DATE_RANGE
    if first <= date <= last:
        assert check_date("Plan.start", date) == date
        assert check_date("Plan.start", date.isoformat()) == date
    else:
        with pytest.raises(ValidationError, match=str(first)):
            check_date("Plan.start", date)


@pytest.mark.parametrize("value", ["2026-02-30", "tomorrow", "9" * 5000, "+10000-01-01", 20260101, None])
def test_check_date_refuses_what_is_not_a_date(value: object) -> None:
    with pytest.raises(ValidationError):
        check_date("Plan.start", value)
    with pytest.raises(ValidationError):
        check_date("Plan.start", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))


def test_check_enum() -> None:
    assert check_enum("Step.direction", "backward", Direction) is Direction.BACKWARD
    assert check_enum("Step.direction", Direction.FORWARD, Direction) is Direction.FORWARD
    with pytest.raises(ValidationError, match="'forward', 'backward'"):
        check_enum("Step.direction", "sideways" * 1000, Direction)


def test_the_budgets_are_consistent() -> None:
    assert MAX_WORKOUT_SEGMENTS <= MAX_DOCUMENT_SEGMENTS
    assert MAX_DOCUMENT_STEPS <= MAX_DOCUMENT_SEGMENTS  # a document never holds more steps than it walks
