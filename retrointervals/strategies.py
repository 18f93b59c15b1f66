"""Hypothesis strategies for retrointervals objects, for your own property tests.

Install with ``pip install 'retrointervals[hypothesis]'``. Every strategy produces valid model objects only::

    from hypothesis import given
    from retrointervals import strategies as ris

    @given(ris.workouts())
    def test_my_exporter_keeps_the_time(workout):
        assert my_exporter(workout).seconds == workout.total_time.in_seconds
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError("retrointervals.strategies needs hypothesis: pip install 'retrointervals[hypothesis]'") from error

from retrointervals.model import (
    MAX_CUE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_REPEAT_COUNT,
    MAX_STEP_METRES,
    MAX_STEP_SECONDS,
    Direction,
    Level,
    Plan,
    Repeat,
    Session,
    Step,
    StepKind,
    Week,
    Weekday,
    Workout,
)
from retrointervals.units import (
    MAX_INCLINE_PCT,
    MAX_SPEED_KMH,
    MIN_INCLINE_PCT,
    MIN_SPEED_KMH,
    Distance,
    Duration,
    Incline,
    Speed,
    SpeedUnit,
)

__all__ = [
    "cues",
    "directions",
    "distances",
    "durations",
    "inclines",
    "lengths",
    "names",
    "plans",
    "speeds",
    "step_kinds",
    "step_sequences",
    "steps",
    "weeks",
    "workouts",
]

_TEXT = st.characters(exclude_categories=("Cc", "Cs"))


def names(max_size: int = MAX_NAME_LENGTH) -> st.SearchStrategy[str]:
    """Valid workout and plan names: 1 to 80 printable characters, not blank."""
    return st.text(_TEXT, min_size=1, max_size=max_size).filter(str.strip)


def cues() -> st.SearchStrategy[str | None]:
    """Valid step cues, or None."""
    return st.none() | st.text(_TEXT, min_size=1, max_size=MAX_CUE_LENGTH).filter(str.strip)


def speeds(
    unit: SpeedUnit | None = None, min_kmh: float = float(MIN_SPEED_KMH), max_kmh: float = float(MAX_SPEED_KMH)
) -> st.SearchStrategy[Speed]:
    """Speeds on the display grid of ``unit`` (either unit when None) between ``min_kmh`` and ``max_kmh``."""
    units = [unit] if unit is not None else list(SpeedUnit)

    def in_unit(chosen: SpeedUnit) -> st.SearchStrategy[Speed]:
        per_unit = chosen.in_kmh
        low = max(-(-Fraction(repr(min_kmh)) * 10 // per_unit), 1)
        high = min(Fraction(repr(max_kmh)), MAX_SPEED_KMH) * 10 // per_unit
        return st.integers(int(low), int(high)).map(lambda tenths: Speed(tenths, chosen))

    return st.one_of([in_unit(chosen) for chosen in units])


def inclines(
    min_pct: float = float(MIN_INCLINE_PCT), max_pct: float = float(MAX_INCLINE_PCT)
) -> st.SearchStrategy[Incline]:
    """Inclines on the 0.1 % grid between ``min_pct`` and ``max_pct``."""
    return st.integers(round(min_pct * 10), round(max_pct * 10)).map(Incline)


def durations(min_s: int = 1, max_s: int = MAX_STEP_SECONDS) -> st.SearchStrategy[Duration]:
    """Whole-second step durations."""
    return st.integers(min_s, max_s).map(Duration)


def distances(min_m: int = 1, max_m: int = MAX_STEP_METRES) -> st.SearchStrategy[Distance]:
    """Whole-metre step distances."""
    return st.integers(min_m, max_m).map(Distance)


def lengths() -> st.SearchStrategy[Duration | Distance]:
    """Step lengths: mostly durations of up to an hour, sometimes distances of up to 5 km."""
    return st.one_of(durations(max_s=3600), distances(max_m=5000))


def directions() -> st.SearchStrategy[Direction]:
    """Forward or backward."""
    return st.sampled_from(Direction)


def step_kinds() -> st.SearchStrategy[StepKind]:
    """Any step kind."""
    return st.sampled_from(StepKind)


def steps(
    direction: st.SearchStrategy[Direction] | None = None,
    kind: st.SearchStrategy[StepKind] | None = None,
    speed: st.SearchStrategy[Speed] | None = None,
    incline: st.SearchStrategy[Incline] | None = None,
    length: st.SearchStrategy[Duration | Distance] | None = None,
) -> st.SearchStrategy[Step]:
    """Valid steps; pass a strategy for any field to narrow it."""
    return st.builds(
        Step,
        direction=direction or directions(),
        kind=kind or step_kinds(),
        length=length or lengths(),
        speed=speed or speeds(),
        incline=incline or inclines(),
        hold_handrails=st.booleans(),
        cue=cues(),
    )


@st.composite
def step_sequences(
    draw: st.DrawFn,
    step: st.SearchStrategy[Step] | None = None,
    max_depth: int = 2,
    max_segments: int = 60,
    max_items: int = 5,
) -> list[Step | Repeat]:
    """A non-empty list of steps and (nested) repeats that expands to at most ``max_segments`` segments."""
    one_step = step or steps()

    def build(depth: int, budget: int) -> tuple[list[Step | Repeat], int]:
        items: list[Step | Repeat] = []
        used = 0
        for _ in range(draw(st.integers(1, max_items))):
            remaining = budget - used
            if remaining < 1:
                break
            if depth < max_depth and remaining >= 2 and draw(st.integers(0, 3)) == 0:
                body, body_segments = build(depth + 1, remaining // 2)
                count = draw(st.integers(2, min(MAX_REPEAT_COUNT, remaining // body_segments)))
                items.append(Repeat(count, body))
                used += count * body_segments
            else:
                items.append(draw(one_step))
                used += 1
        return items, used

    return build(0, max_segments)[0]


def workouts(
    step: st.SearchStrategy[Step] | None = None, max_depth: int = 2, max_segments: int = 60
) -> st.SearchStrategy[Workout]:
    """Valid workouts; ``step`` narrows the steps, ``max_depth`` the nesting of repeats."""
    return st.builds(
        Workout,
        name=names(),
        steps=step_sequences(step=step, max_depth=max_depth, max_segments=max_segments),
        description=st.lists(st.text(_TEXT, max_size=50), max_size=4).map("\n".join),
    )


@st.composite
def weeks(draw: st.DrawFn, workout: st.SearchStrategy[Workout] | None = None, start: dt.date | None = None) -> Week:
    """A valid week of 1 to 4 sessions; with ``start``, weekdays are in date order for a plan starting then."""
    count = draw(st.integers(1, 4))
    days: list[Weekday | None] = [None] * count
    if draw(st.booleans()):
        chosen: list[Weekday] = draw(st.lists(st.sampled_from(Weekday), min_size=count, max_size=count, unique=True))
        first = start.weekday() if start is not None else 0
        chosen.sort(key=lambda day: (day - first) % 7)
        days = list(chosen)
    one_workout = workout or workouts(max_segments=12)
    sessions = [Session(draw(one_workout), day) for day in days]
    label = draw(st.sampled_from(["", "start", "volume", "speed", "incline", "deload"]))
    return Week(sessions, label=label, deload=label == "deload")


@st.composite
def plans(draw: st.DrawFn, workout: st.SearchStrategy[Workout] | None = None, max_weeks: int = 4) -> Plan:
    """Valid plans of 1 to ``max_weeks`` weeks, with or without a level, forward speed and start date."""
    start = draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)))
    week_list = draw(st.lists(weeks(workout=workout, start=start), min_size=1, max_size=max_weeks))
    return Plan(
        name=draw(names()),
        weeks=week_list,
        level=draw(st.none() | st.sampled_from(Level)),
        forward_speed=draw(st.none() | speeds(min_kmh=2.0, max_kmh=6.5)),
        start=start,
        description=draw(st.text(_TEXT, max_size=80)),
    )
