"""The workout model: steps walked forward or backward, repeats, workouts, weeks and plans.

Every class is a frozen, slotted attrs class whose validators refuse bad values with ``ValidationError``
naming the field and the value. The model knows nothing of files: formats live in ``retrointervals.formats``.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from retrointervals._validate import check_text
from retrointervals.errors import ValidationError
from retrointervals.limits import (
    MAX_DOCUMENT_SEGMENTS,
    MAX_DOCUMENT_STEPS,
    MAX_REPEAT_DEPTH,
    MAX_WORKOUT_SEGMENTS,
    PLAN_DATE_RANGE,
)
from retrointervals.treadmill import Treadmill
from retrointervals.units import Distance, Duration, Incline, Speed

if TYPE_CHECKING:
    from retrointervals.timeline import Segment, Totals

__all__ = [
    "Direction",
    "Level",
    "Plan",
    "Repeat",
    "Session",
    "Step",
    "StepKind",
    "Week",
    "Weekday",
    "Workout",
]

# Limits of the model itself. Treadmill limits belong to the treadmill profile, not here.
MAX_NAME_LENGTH = 80
MAX_CUE_LENGTH = 120
MAX_LABEL_LENGTH = 40
MAX_DESCRIPTION_LENGTH = 4000
MAX_STEP_SECONDS = 6 * 3600
MAX_STEP_METRES = 50_000
MIN_REPEAT_COUNT = 2
MAX_REPEAT_COUNT = 99
#: Most segments a workout may expand to; keeps a hostile file from exploding 99 x 99 x 99 ... repeats.
#: The depth, workout and document budgets live in ``retrointervals.limits`` with every other limit.
MAX_SEGMENTS = MAX_WORKOUT_SEGMENTS
MAX_WEEKS = 104
MAX_SESSIONS_PER_WEEK = 7


class Direction(enum.Enum):
    """Which way the walker faces on the belt."""

    FORWARD = "forward"
    BACKWARD = "backward"


class StepKind(enum.Enum):
    """The role of a step in a workout."""

    WARMUP = "warmup"
    ACTIVE = "active"
    RECOVERY = "recovery"
    #: Slowing down and turning around between directions.
    TRANSITION = "transition"
    COOLDOWN = "cooldown"

    @property
    def label(self) -> str:
        """A human-readable name, e.g. ``"warm-up"``."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    StepKind.WARMUP: "warm-up",
    StepKind.ACTIVE: "active",
    StepKind.RECOVERY: "recovery",
    StepKind.TRANSITION: "transition",
    StepKind.COOLDOWN: "cool-down",
}


class Level(enum.Enum):
    """The plan levels, from rehabilitation to advanced (L0-L3 of the evidence notes)."""

    REHAB = "rehab"
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Weekday(enum.IntEnum):
    """A day of the week, numbered like ``datetime.date.weekday()`` (Monday is 0)."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6

    @property
    def short(self) -> str:
        """Three-letter lower-case name, e.g. ``"mon"``."""
        return self.name[:3].lower()

    @classmethod
    def parse(cls, text: str) -> Weekday:
        """Accept ``"mon"``, ``"Monday"``, ``"MONDAY"`` and so on."""
        key = text.strip().lower()
        for day in cls:
            if key in (day.short, day.name.lower()):
                return day
        raise ValidationError("Weekday", text, "expected a day name such as 'mon' or 'monday'")


#: An attrs validator. ``Any`` lets attrs infer each field's type from its annotation; it stays internal.
Validator = Callable[[Any, Any, Any], None]


def _name(field: str, max_length: int = MAX_NAME_LENGTH) -> Validator:
    def validate(_instance: object, _attribute: object, value: object) -> None:
        check_text(field, value, max_length, required=True)

    return validate


def _description(field: str) -> Validator:
    def validate(_instance: object, _attribute: object, value: object) -> None:
        check_text(field, value, MAX_DESCRIPTION_LENGTH, required=False, single_line=False)

    return validate


def _instance_of(field: str, *types: type) -> Validator:
    def validate(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, types) or isinstance(value, bool) is not (bool in types):
            names = " or ".join(kind.__name__ for kind in types)
            raise ValidationError(field, value, f"must be a {names}")

    return validate


def _items_of(field: str, *types: type) -> Validator:
    def validate(_instance: object, _attribute: object, items: object) -> None:
        for index, item in enumerate(items if isinstance(items, tuple) else ()):
            if not isinstance(item, types):
                names = " or ".join(kind.__name__ for kind in types)
                raise ValidationError(f"{field}[{index}]", item, f"must be a {names}")

    return validate


def _as_tuple(items: object, field: str) -> tuple[Any, ...]:
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        raise ValidationError(field, items, "must be a sequence")
    return tuple(items)


# One converter per field so that each constructor's parameter has its precise type.
def _step_items(items: Iterable[Step | Repeat]) -> tuple[Step | Repeat, ...]:
    return _as_tuple(items, "steps")


def _sessions(items: Iterable[Session]) -> tuple[Session, ...]:
    return _as_tuple(items, "Week.sessions")


def _weeks(items: Iterable[Week]) -> tuple[Week, ...]:
    return _as_tuple(items, "Plan.weeks")


@attrs.frozen(kw_only=True)
class Step:
    """One stretch of walking in one direction at one belt speed and incline, for a time or a distance.

    Attributes:
        direction: Forward or backward.
        kind: Warm-up, active, recovery, transition or cool-down.
        length: A ``Duration`` (whole seconds) or a ``Distance`` (whole metres).
        speed: The belt speed.
        incline: The treadmill incline; flat by default.
        hold_handrails: Whether the walker should hold the handrails during the step.
        cue: Short text shown to the walker, e.g. ``"Turn around slowly"``.
        until_lap: The step ends when the walker presses the lap button (or confirms, in a live session), not
            after its length; ``length`` is then the expected time (a ``Duration``), which the timeline, charts
            and totals use.
        belt_stopped: The belt stands still during the step (a stop-to-turn step: the walker stops the belt,
            turns around, and starts it again). Needs ``until_lap``; ``speed`` is then the slow speed the walker
            restarts the belt at, never a speed walked during the step, and the step covers no distance.
    """

    direction: Direction = attrs.field(validator=_instance_of("Step.direction", Direction))
    kind: StepKind = attrs.field(validator=_instance_of("Step.kind", StepKind))
    length: Duration | Distance = attrs.field()
    speed: Speed = attrs.field(validator=_instance_of("Step.speed", Speed))
    incline: Incline = attrs.field(factory=Incline.flat, validator=_instance_of("Step.incline", Incline))
    hold_handrails: bool = attrs.field(default=False, validator=_instance_of("Step.hold_handrails", bool))
    cue: str | None = attrs.field(default=None)
    until_lap: bool = attrs.field(default=False, validator=_instance_of("Step.until_lap", bool))
    belt_stopped: bool = attrs.field(default=False, validator=_instance_of("Step.belt_stopped", bool))

    def __attrs_post_init__(self) -> None:
        if self.belt_stopped and not self.until_lap:
            raise ValidationError(
                "Step.belt_stopped", self.belt_stopped, "a step with the belt stopped must end on the lap button"
            )
        if self.until_lap and not isinstance(self.length, Duration):
            raise ValidationError("Step.length", self.length, "a step ending on the lap button needs an expected time")

    @length.validator
    def _check_length(self, _attribute: object, length: object) -> None:
        if isinstance(length, Duration):
            unit, limit = "s", MAX_STEP_SECONDS
        elif isinstance(length, Distance):
            unit, limit = "m", MAX_STEP_METRES
        else:
            raise ValidationError("Step.length", length, "must be a Duration or a Distance")
        shown = f"{length.exact} {unit}"  # the exact value: float() would overflow on absurd input
        if not length.is_whole:
            raise ValidationError("Step.length", shown, f"must be a whole number of {unit}")
        if not 0 < length.exact <= limit:
            raise ValidationError("Step.length", shown, f"must be above 0 and at most {limit} {unit}")

    @cue.validator
    def _check_cue(self, _attribute: object, cue: object) -> None:
        if cue is not None:
            check_text("Step.cue", cue, MAX_CUE_LENGTH, required=True)

    @property
    def duration(self) -> Duration:
        """How long the step takes (derived from speed for a distance step; may be fractional then)."""
        return self.length if isinstance(self.length, Duration) else self.speed.time_for(self.length)

    @property
    def distance(self) -> Distance:
        """How far the belt moves during the step (derived from speed for a time step; none with the belt stopped)."""
        if self.belt_stopped:
            return Distance(0)
        return self.length if isinstance(self.length, Distance) else self.speed.distance_in(self.length)

    @property
    def is_backward(self) -> bool:
        """Whether the walker faces backward."""
        return self.direction is Direction.BACKWARD


@attrs.frozen
class _Counts:
    """What a repeat or workout expands to, counted once at construction (children's counts are reused)."""

    #: Nesting depth of repeats (0 for plain steps).
    depth: int
    #: Walked segments, every repeat unrolled.
    segments: int
    #: Steps and repeats as written, a shared object counted each time it is used.
    steps: int


def _count(items: Iterable[Step | Repeat]) -> _Counts:
    depth = segments = steps = 0
    for item in items:
        if isinstance(item, Repeat):
            counts = item._counts
            depth, segments, steps = max(depth, counts.depth), segments + counts.segments, steps + counts.steps
        else:
            segments, steps = segments + 1, steps + 1
    return _Counts(depth, segments, steps)


def _check_budget(field: str, counts: _Counts, max_segments: int) -> None:
    """Refuse, from the counts alone, a document part that would expand beyond the budget."""
    if counts.depth > MAX_REPEAT_DEPTH:
        raise ValidationError(field, counts.depth, f"repeats may nest at most {MAX_REPEAT_DEPTH} deep")
    if counts.segments > max_segments:
        raise ValidationError(
            field, counts.segments, f"expands to more than {max_segments} walked segments (the limit; see limits.md)"
        )
    if counts.steps > MAX_DOCUMENT_STEPS:
        raise ValidationError(
            field, counts.steps, f"holds more than {MAX_DOCUMENT_STEPS} steps (the limit; see limits.md)"
        )


@attrs.frozen
class Repeat:
    """A sequence of steps and repeats done ``count`` times (2-99); repeats may nest."""

    count: int = attrs.field(validator=_instance_of("Repeat.count", int))
    steps: tuple[Step | Repeat, ...] = attrs.field(converter=_step_items)
    # Counted once from the children's own counts, so that sharing one child many times costs nothing.
    _counts: _Counts = attrs.field(init=False, eq=False, repr=False, default=_Counts(0, 0, 0))

    @count.validator
    def _check_count(self, _attribute: object, count: int) -> None:
        if not MIN_REPEAT_COUNT <= count <= MAX_REPEAT_COUNT:
            raise ValidationError("Repeat.count", count, f"must be {MIN_REPEAT_COUNT} to {MAX_REPEAT_COUNT}")

    @steps.validator
    def _check_steps(self, _attribute: object, steps: tuple[object, ...]) -> None:
        if not steps:
            raise ValidationError("Repeat.steps", steps, "must hold at least one step")
        _items_of("Repeat.steps", Step, Repeat)(self, _attribute, steps)
        inner = _count(self.steps)
        counts = _Counts(inner.depth + 1, inner.segments * self.count, inner.steps + 1)
        _check_budget("Repeat.steps", counts, MAX_WORKOUT_SEGMENTS)
        object.__setattr__(self, "_counts", counts)

    @property
    def depth(self) -> int:
        """1 for a repeat of plain steps, one more for each level of repeats inside it."""
        return self._counts.depth

    @property
    def segment_count(self) -> int:
        """How many segments this repeat expands to."""
        return self._counts.segments

    @property
    def step_count(self) -> int:
        """How many steps and repeats it holds as written, itself included (shared children counted each time)."""
        return self._counts.steps


def _segment_count(items: Iterable[Step | Repeat]) -> int:
    return _count(items).segments


@attrs.frozen
class Workout:
    """A named sequence of steps and repeats: one session on the treadmill.

    Totals (time, distance, backward time and distance, direction changes) come from the one timeline
    (``retrointervals.timeline``), which every exporter and chart uses as well.
    """

    name: str = attrs.field(validator=_name("Workout.name"))
    steps: tuple[Step | Repeat, ...] = attrs.field(converter=_step_items)
    description: str = attrs.field(default="", validator=_description("Workout.description"))
    _counts: _Counts = attrs.field(init=False, eq=False, repr=False, default=_Counts(0, 0, 0))

    @steps.validator
    def _check_steps(self, _attribute: object, steps: tuple[object, ...]) -> None:
        if not steps:
            raise ValidationError("Workout.steps", steps, "a workout needs at least one step")
        _items_of("Workout.steps", Step, Repeat)(self, _attribute, steps)
        counts = _count(self.steps)
        _check_budget("Workout.steps", counts, MAX_WORKOUT_SEGMENTS)
        object.__setattr__(self, "_counts", counts)

    @property
    def segment_count(self) -> int:
        """How many walked segments the workout expands to (counted once, without expanding)."""
        return self._counts.segments

    @property
    def step_count(self) -> int:
        """How many steps and repeats the workout holds as written (shared children counted each time)."""
        return self._counts.steps

    # The timeline is derived data: computed once on first use (attrs supports cached_property on slots).
    @functools.cached_property
    def timeline(self) -> tuple[Segment, ...]:
        """The workout expanded into a flat sequence of timed segments."""
        from retrointervals.timeline import expand  # noqa: PLC0415 - timeline imports this module

        return expand(self.steps)

    @functools.cached_property
    def totals(self) -> Totals:
        """Total and backward time and distance, and direction changes, summed over the timeline."""
        from retrointervals.timeline import Totals  # noqa: PLC0415 - timeline imports this module

        return Totals.of(self.timeline)

    @property
    def total_time(self) -> Duration:
        """The whole workout's time."""
        return self.totals.time

    @property
    def total_distance(self) -> Distance:
        """The whole workout's belt distance."""
        return self.totals.distance

    @property
    def backward_time(self) -> Duration:
        """Time spent walking backward."""
        return self.totals.backward_time

    @property
    def backward_distance(self) -> Distance:
        """Distance walked backward."""
        return self.totals.backward_distance

    @property
    def direction_changes(self) -> int:
        """How many times the walker turns around."""
        return self.totals.direction_changes

    def steps_flat(self) -> Iterator[Step]:
        """Every distinct step in document order, each once (repeats not expanded)."""
        stack: list[Iterator[Step | Repeat]] = [iter(self.steps)]
        while stack:
            item = next(stack[-1], None)
            if item is None:
                stack.pop()
            elif isinstance(item, Repeat):
                stack.append(iter(item.steps))
            else:
                yield item


@attrs.frozen
class Session:
    """A workout scheduled in a week, optionally on a given weekday."""

    workout: Workout = attrs.field(validator=_instance_of("Session.workout", Workout))
    weekday: Weekday | None = attrs.field(default=None)

    @weekday.validator
    def _check_weekday(self, _attribute: object, weekday: object) -> None:
        if weekday is not None and not isinstance(weekday, Weekday):
            raise ValidationError("Session.weekday", weekday, "must be a Weekday or None")


@attrs.frozen
class Week:
    """The sessions of one week, in the order they are walked."""

    sessions: tuple[Session, ...] = attrs.field(converter=_sessions)
    label: str = attrs.field(default="")
    #: A planned lighter week.
    deload: bool = attrs.field(default=False, validator=_instance_of("Week.deload", bool))

    @sessions.validator
    def _check_sessions(self, _attribute: object, sessions: tuple[object, ...]) -> None:
        if not 1 <= len(sessions) <= MAX_SESSIONS_PER_WEEK:
            raise ValidationError("Week.sessions", len(sessions), f"a week holds 1 to {MAX_SESSIONS_PER_WEEK} sessions")
        _items_of("Week.sessions", Session)(self, _attribute, sessions)
        days = [session.weekday for session in self.sessions if session.weekday is not None]
        if len(days) != len(set(days)):
            raise ValidationError("Week.sessions", [day.short for day in days], "two sessions on the same weekday")

    @label.validator
    def _check_label(self, _attribute: object, label: object) -> None:
        check_text("Week.label", label, MAX_LABEL_LENGTH, required=False)


@attrs.frozen(kw_only=True)
class Plan:
    """A multi-week plan of sessions.

    Attributes:
        name: The plan's name.
        weeks: The weeks, in order.
        level: The level the plan was made for, if any.
        forward_speed: The walker's comfortable forward speed the plan was made from, if known.
        start: The date of the first day of week 1, if the plan is scheduled. Each week then runs for 7 days
            from the same weekday, and sessions with a weekday fall on the matching date.
        description: Free text.
        treadmill: The treadmill the plan was made for, if known; its checks use it.
    """

    name: str = attrs.field(validator=_name("Plan.name"))
    weeks: tuple[Week, ...] = attrs.field(converter=_weeks)
    level: Level | None = attrs.field(default=None)
    forward_speed: Speed | None = attrs.field(default=None)
    start: dt.date | None = attrs.field(default=None)
    description: str = attrs.field(default="", validator=_description("Plan.description"))
    treadmill: Treadmill | None = attrs.field(default=None)

    @weeks.validator
    def _check_weeks(self, _attribute: object, weeks: tuple[object, ...]) -> None:
        if not 1 <= len(weeks) <= MAX_WEEKS:
            raise ValidationError("Plan.weeks", len(weeks), f"a plan holds 1 to {MAX_WEEKS} weeks")
        _items_of("Plan.weeks", Week)(self, _attribute, weeks)
        segments = steps = 0
        for week in self.weeks:
            for session in week.sessions:
                counts = session.workout._counts
                segments, steps = segments + counts.segments, steps + counts.steps
        _check_budget("Plan.weeks", _Counts(0, segments, steps), MAX_DOCUMENT_SEGMENTS)

    @property
    def segment_count(self) -> int:
        """How many walked segments every session together expands to (counted, not expanded)."""
        return sum(session.workout.segment_count for _, _, session in self.sessions())

    @level.validator
    def _check_level(self, _attribute: object, level: object) -> None:
        if level is not None and not isinstance(level, Level):
            raise ValidationError("Plan.level", level, "must be a Level or None")

    @forward_speed.validator
    def _check_forward_speed(self, _attribute: object, speed: object) -> None:
        if speed is not None and not isinstance(speed, Speed):
            raise ValidationError("Plan.forward_speed", speed, "must be a Speed or None")

    @treadmill.validator
    def _check_treadmill(self, _attribute: object, treadmill: object) -> None:
        if treadmill is not None and not isinstance(treadmill, Treadmill):
            raise ValidationError("Plan.treadmill", treadmill, "must be a Treadmill or None")

    @start.validator
    def _check_start(self, _attribute: object, start: object) -> None:
        if start is None:
            return
        if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
            raise ValidationError("Plan.start", start, "must be a datetime.date or None")
        first, last = PLAN_DATE_RANGE
        days = 7 * len(self.weeks) - 1
        if not first <= start <= last - dt.timedelta(days=days):
            raise ValidationError(
                "Plan.start",
                start.isoformat(),
                f"a plan must start on or after {first} and end by {last}; this {len(self.weeks)}-week plan "
                f"must start by {last - dt.timedelta(days=days)}",
            )
        for number, week in enumerate(self.weeks, start=1):
            offsets = [_day_offset(start, s.weekday) for s in week.sessions if s.weekday is not None]
            if offsets != sorted(offsets):
                raise ValidationError(
                    f"Plan.weeks[{number - 1}].sessions",
                    [s.weekday.short for s in week.sessions if s.weekday is not None],
                    f"sessions must be listed in date order; week {number} starts on a {start:%A}",
                )

    def session_date(self, week_index: int, session_index: int) -> dt.date | None:
        """The date of a session (both indexes from 0), or None without a start date or weekday."""
        weekday = self.weeks[week_index].sessions[session_index].weekday
        if self.start is None or weekday is None:
            return None
        return self.start + dt.timedelta(days=7 * week_index + _day_offset(self.start, weekday))

    def sessions(self) -> Iterator[tuple[int, int, Session]]:
        """Every session with its week and session number (both from 1)."""
        for week_number, week in enumerate(self.weeks, start=1):
            for session_number, session in enumerate(week.sessions, start=1):
                yield week_number, session_number, session


def _day_offset(start: dt.date, weekday: Weekday) -> int:
    return (weekday - start.weekday()) % 7


# Repeat.steps refers to Repeat itself; resolve the forward reference for attrs' introspection.
attrs.resolve_types(Repeat)
