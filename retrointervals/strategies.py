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
from typing import TYPE_CHECKING

import attrs

try:
    from hypothesis import assume, reject
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError("retrointervals.strategies needs hypothesis: pip install 'retrointervals[hypothesis]'") from error

from retrointervals.errors import ValidationError
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
from retrointervals.plans import RULES, generate_plan
from retrointervals.plans.levels import DEFAULT_RULES, ProgressionRules, TurnMode
from retrointervals.testing.breakers import BREAKERS, break_rule
from retrointervals.treadmill import TREADMILLS, Treadmill
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

if TYPE_CHECKING:
    from retrointervals.activity import Activity
    from retrointervals.sessionlog import LogEntry

__all__ = [
    "RULE_IDS",
    "cues",
    "directions",
    "distances",
    "durations",
    "generated_plans",
    "inclines",
    "lengths",
    "log_entries",
    "names",
    "plan_logs",
    "plans",
    "recorded_activities",
    "rule_breaking_plans",
    "speeds",
    "step_kinds",
    "step_sequences",
    "steps",
    "treadmills",
    "weeks",
    "workouts",
]

_TEXT = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff")


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
    *,
    lap_steps: bool = False,
) -> st.SearchStrategy[Step]:
    """Valid steps; pass a strategy for any field to narrow it.

    With ``lap_steps``, some steps end on the lap button (``until_lap``), and some of those stop the belt
    (``belt_stopped``, a stop-to-turn step); without it, every step ends after its length.
    """
    plain = st.builds(
        Step,
        direction=direction if direction is not None else directions(),
        kind=kind if kind is not None else step_kinds(),
        length=length if length is not None else lengths(),
        speed=speed if speed is not None else speeds(),
        incline=incline if incline is not None else inclines(),
        hold_handrails=st.booleans(),
        cue=cues(),
    )
    if not lap_steps:
        return plain
    on_lap = st.builds(
        Step,
        direction=direction if direction is not None else directions(),
        kind=kind if kind is not None else step_kinds(),
        length=durations(),
        speed=speed if speed is not None else speeds(),
        incline=incline if incline is not None else inclines(),
        hold_handrails=st.booleans(),
        cue=cues(),
        until_lap=st.just(True),  # noqa: FBT003 - a value, not a flag
        belt_stopped=st.booleans(),
    )
    return st.one_of(plain, on_lap)


@st.composite
def step_sequences(
    draw: st.DrawFn,
    step: st.SearchStrategy[Step] | None = None,
    max_depth: int = 2,
    max_segments: int = 60,
    max_items: int = 5,
) -> list[Step | Repeat]:
    """A non-empty list of steps and (nested) repeats that expands to at most ``max_segments`` segments."""
    one_step = step if step is not None else steps()

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
    one_workout = workout if workout is not None else workouts(max_segments=12)
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
        treadmill=draw(st.none() | treadmills()),
    )


#: Every rule ID the checker knows, in report order.
RULE_IDS: tuple[str, ...] = tuple(RULES)


@st.composite
def treadmills(draw: st.DrawFn, handrails: bool | None = None) -> Treadmill:
    """Treadmill profiles: the presets and random machines (either unit, various ranges and increments)."""
    if draw(st.booleans()):
        preset = draw(st.sampled_from(sorted(TREADMILLS.values(), key=lambda machine: machine.name)))
        if handrails is None or preset.handrails is handrails:
            return preset
    unit = draw(st.sampled_from(SpeedUnit))
    increment = draw(st.sampled_from([1, 1, 1, 2, 5]))
    per_tenth = unit.in_kmh / 10
    lowest = draw(st.integers(1, int(Fraction(2) / per_tenth) // increment)) * increment
    highest_low = max(lowest + increment, int(Fraction(5) / per_tenth))
    highest = draw(st.integers(highest_low // increment + 1, int(Fraction(20) / per_tenth) // increment)) * increment
    incline_step = draw(st.sampled_from([5, 10]))
    max_incline = draw(st.sampled_from([0, 5, 10, 15])) * 10
    min_incline = draw(st.sampled_from([0, 0, -3])) * 10
    return Treadmill(
        name=draw(st.sampled_from(["home", "gym", "clinic"])),
        unit=unit,
        min_speed=Speed(lowest, unit),
        max_speed=Speed(highest, unit),
        speed_increment_tenths=increment,
        min_incline=Incline(min_incline),  # every choice lies on both increments (0.5 and 1 %)
        max_incline=Incline(max_incline),
        incline_increment_tenths=incline_step,
        handrails=draw(st.booleans()) if handrails is None else handrails,
    )


@st.composite
def generated_plans(
    draw: st.DrawFn,
    levels: st.SearchStrategy[Level] | None = None,
    treadmill: st.SearchStrategy[Treadmill] | None = None,
    weeks: st.SearchStrategy[int | None] | None = None,
    rules: ProgressionRules = DEFAULT_RULES,
) -> Plan:
    """Plans made by ``generate_plan`` from drawn inputs (inputs it refuses are skipped)."""
    level = draw(levels if levels is not None else st.sampled_from(Level))
    machine = draw(treadmill if treadmill is not None else treadmills())
    forward = draw(speeds(min_kmh=2.0, max_kmh=6.5))
    low, high = rules.level(level).sessions_per_week
    try:
        return generate_plan(
            level,
            forward,
            machine,
            weeks=draw(weeks if weeks is not None else st.none() | st.integers(*rules.plan_weeks_range)),
            sessions_per_week=draw(st.none() | st.integers(low, high)),
            start=draw(st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2040, 12, 31))),
            rules=rules,
            turn=draw(st.none() | st.sampled_from(TurnMode)),
        )
    except ValidationError:
        reject()


def _break_setups() -> dict[str, tuple[list[Level], st.SearchStrategy[Treadmill], st.SearchStrategy[int | None]]]:
    """For each rule, inputs under which a generated plan offers a way to break it alone."""
    presets = st.sampled_from([TREADMILLS["default"], TREADMILLS["mph"]])
    every = list(Level)
    higher = [Level.INTERMEDIATE, Level.ADVANCED]
    several = st.integers(2, 12)
    decline = st.sampled_from([attrs.evolve(machine, min_incline=Incline(-30)) for machine in
                               (TREADMILLS["default"], TREADMILLS["mph"])])  # fmt: skip
    setups = {rule: (every, presets, st.none() | st.integers(1, 12)) for rule in BREAKERS}
    setups.update({
        "S8": ([Level.REHAB, Level.BEGINNER, Level.INTERMEDIATE], decline, st.none() | st.integers(1, 12)),
        "W2": (every, presets, several),
        "W3": (every, presets, several),
        "W4": (every, presets, several),
        "W5": (higher, presets, st.integers(4, 12)),
        "W6": ([Level.REHAB, Level.INTERMEDIATE, Level.ADVANCED], presets, st.integers(6, 12)),
        "W7": (higher, presets, st.none() | st.integers(3, 12)),
        "W9": (every, presets, several),
        "T3": ([Level.ADVANCED], presets, st.none() | st.integers(1, 12)),
    })  # fmt: skip
    return setups


@st.composite
def rule_breaking_plans(draw: st.DrawFn, rule: str, rules: ProgressionRules = DEFAULT_RULES) -> Plan:
    """Generated plans changed to break ``rule`` (one of ``RULE_IDS``) and, where possible, no other rule.

    See ``retrointervals.plans.breakers`` for how each rule is broken and which cannot be broken alone.
    """
    if rule not in BREAKERS:
        raise ValueError(f"unknown rule {rule!r}; known: {', '.join(BREAKERS)}")
    levels, machines, weeks = _break_setups()[rule]
    plan = draw(generated_plans(levels=st.sampled_from(levels), treadmill=machines, weeks=weeks, rules=rules))
    broken = break_rule(rule, plan, rules)
    assume(broken is not None)
    assert broken is not None  # noqa: S101 - for the type checker; assume() rejected None
    return broken


# --- session logs and recordings ---------------------------------------------------------------------------


def log_entries(
    sessions: st.SearchStrategy[str] | None = None, dates: st.SearchStrategy[dt.date] | None = None
) -> st.SearchStrategy[LogEntry]:
    """Valid session-log entries (``retrointervals.sessionlog.LogEntry``); any rating may be missing."""
    from retrointervals.sessionlog import (  # noqa: PLC0415 - keeps this module's import light
        MAX_BACKWARD_MINUTES,
        MAX_NOTES_LENGTH,
        PAIN_RANGE,
        RPE_RANGE,
        Balance,
        LogEntry,
        Status,
    )

    pain = st.none() | st.integers(*PAIN_RANGE)
    return st.builds(
        LogEntry,
        date=dates if dates is not None else st.dates(dt.date(2020, 1, 1), dt.date(2040, 12, 31)),
        session=sessions if sessions is not None else st.builds("W{}S{}".format, st.integers(1, 16), st.integers(1, 5)),
        status=st.sampled_from(Status),
        rpe=st.none() | st.integers(*RPE_RANGE),
        pain_during=pain,
        pain_after=pain,
        pain_next_morning=pain,
        stumble=st.sampled_from(Balance),
        handrails=st.none() | st.booleans(),
        backward_minutes=st.none() | st.integers(0, MAX_BACKWARD_MINUTES).map(float),
        notes=st.text(_TEXT.filter(lambda c: c not in "\r\n"), max_size=min(40, MAX_NOTES_LENGTH)),
    )


@st.composite
def plan_logs(draw: st.DrawFn, plan: Plan, weeks: int | None = None) -> tuple[LogEntry, ...]:
    """A log of ``plan``'s first ``weeks`` weeks (all when None): each session missed or logged, on its date.

    Without plan dates, sessions are logged on drawn days in week order.
    """
    entries = []
    count = len(plan.weeks) if weeks is None else min(weeks, len(plan.weeks))
    first = plan.start or dt.date(2026, 1, 5)
    for week_number, number, _ in plan.sessions():
        if week_number > count or (draw(st.booleans()) and draw(st.booleans())):
            continue  # about one session in four is missed
        day = plan.session_date(week_number - 1, number - 1) or first + dt.timedelta(days=7 * (week_number - 1))
        entries.append(draw(log_entries(st.just(f"W{week_number}S{number}"), st.just(day))))
    return tuple(entries)


@st.composite
def recorded_activities(draw: st.DrawFn, workout: Workout, start: dt.datetime | None = None) -> Activity:
    """An ``Activity`` of ``workout`` as a treadmill would record it.

    Belt speeds off by up to 20 %, noise, acceleration, possibly stopped early; laps per step or none.
    """
    from retrointervals.activity import Activity, Lap, Record  # noqa: PLC0415

    # hypothesis wants naive bounds with a timezones strategy
    low, high = dt.datetime(2020, 1, 1), dt.datetime(2040, 1, 1)  # noqa: DTZ001
    when = start or draw(st.datetimes(low, high, timezones=st.just(dt.timezone.utc)))
    factor = draw(st.floats(0.8, 1.2))
    stop = draw(st.none() | st.floats(0.0, 1.0))
    acceleration = draw(st.floats(0.3, 2.0))
    noise = draw(st.lists(st.floats(-0.03, 0.03), min_size=1, max_size=20))
    total = float(workout.total_time.exact)
    end = total if stop is None else total * stop
    records = []
    belt = distance = 0.0
    second = 0
    segments = workout.timeline
    index = 0
    while second < end:
        while index < len(segments) - 1 and second >= segments[index].end.exact:
            index += 1
        step = segments[index].step
        target = 0.0 if step.belt_stopped else float(step.speed.exact_kmh) * factor  # stop-to-turn: belt stands
        belt = min(target, belt + acceleration) if belt < target else max(target, belt - acceleration)
        speed = belt * (1 + noise[second % len(noise)]) / 3.6
        records.append(Record(float(second), speed, distance))
        distance += speed
        second += 1
    laps: tuple[Lap, ...] = ()
    if draw(st.booleans()):
        laps = tuple(
            Lap(float(s.start.exact), min(float(s.end.exact), end) - float(s.start.exact))
            for s in segments
            if s.start.exact < end
        )
    return Activity(
        start=when,
        duration_s=float(second),
        elapsed_s=float(second),
        distance_m=distance,
        sport="running",
        source="fit",
        laps=laps,
        records=tuple(records),
    )
