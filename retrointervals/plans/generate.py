"""The plan generator: deterministic multi-week backward-walking plans that obey every progression rule.

Each session is a forward warm-up, a main set of backward bouts with forward recovery between them and a slow
transition step on each side of every bout, and a forward cool-down. Weeks follow the level's table (evidence
notes §6.3); a plan longer than the table continues the progression, one variable at a time, until the level's
caps and then holds, with a deload week whenever one is due.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from fractions import Fraction

import attrs

from retrointervals.errors import ValidationError
from retrointervals.model import Direction, Level, Plan, Repeat, Session, Step, StepKind, Week, Weekday, Workout
from retrointervals.plans.levels import DEFAULT_RULES, LevelRules, ProgressionRules, TurnMode, WeekSpec
from retrointervals.plans.loads import WeekLoad, progressed, progression_runs, reference_index, speed_text
from retrointervals.treadmill import DEFAULT, Treadmill
from retrointervals.units import Duration, Incline, Rounding, Speed

__all__ = ["generate_plan", "session_code", "workout_name"]


def session_code(week_number: int, session_number: int) -> str:
    """The plan's tag for a session, ``W01S1``: the week zero-padded so that names sort (W01S1 before W10S1)."""
    return f"W{week_number:02d}S{session_number}"


def workout_name(week_number: int, session_number: int) -> str:
    """The name the generator gives a session's workout, ``Retro W01S1``; ``adapt`` renames weeks with it."""
    return f"Retro {session_code(week_number, session_number)}"


_PROGRESSIONS = ("volume", "speed", "incline")


@attrs.frozen
class _Week:
    """A concrete week: bouts on the machine's grid."""

    bouts: int
    bout_s: int
    speed: Speed
    incline: Incline
    label: str
    deload: bool = False
    #: Seconds walked backward in each turn-around out of a bout (0 with the belt stopped), counted in B.
    turn_back_s: int = 0

    @property
    def backward_s(self) -> int:
        """B: every second walked backward in a session, turns included."""
        return self.bouts * (self.bout_s + self.turn_back_s)

    def load(self) -> WeekLoad:
        return WeekLoad(
            Fraction(self.backward_s), self.speed.exact_kmh, self.incline.tenths / Fraction(10), self.deload
        )


def generate_plan(
    level: Level | str,
    forward_speed: Speed,
    treadmill: Treadmill = DEFAULT,
    *,
    weeks: int | None = None,
    sessions_per_week: int | None = None,
    start: dt.date | None = None,
    rules: ProgressionRules = DEFAULT_RULES,
    name: str | None = None,
    turn: TurnMode | str | None = None,
) -> Plan:
    """Make a plan for a level from the walker's comfortable forward speed on their treadmill.

    The same inputs always give the same plan. Speeds use the treadmill's unit: backward speeds and inclines
    are snapped down to its increments, forward speeds to the nearest.

    Args:
        level: ``rehab``, ``beginner``, ``intermediate`` or ``advanced`` (or a ``Level``).
        forward_speed: The walker's comfortable forward speed on this treadmill, measured after 3-5 minutes of
            walking at a preferred pace (2.0-6.5 km/h).
        treadmill: The treadmill profile; the default is 0.8-16 km/h, incline 0-10 %, with handrails.
        weeks: Plan length; the level's default when None. Shorter plans stop early, longer ones continue the
            progression up to the level's caps and then hold.
        sessions_per_week: Within the level's bounds; the level's lowest when None.
        start: The date of the first session; sessions then get dates (and weekdays from that day).
        rules: The progression rules and level parameters to follow.
        name: The plan's name; a descriptive default when None.
        turn: How the walker turns around: ``stop`` (the default at every level: stop the belt, turn, restart;
            the step ends on the lap button) or ``slow`` (the belt keeps running slowly, both hands on the rails;
            only for intermediate and advanced plans on a treadmill with handrails). No study compared the two.

    Raises:
        ValidationError: The inputs cannot make a safe plan (the message says which input and why): forward speed
            outside 2.0-6.5 km/h or outside the treadmill's range, a treadmill whose slowest speed is above the
            level's backward speed, a treadmill without handrails for rehab or beginner, a length or frequency
            outside the level's bounds, slow turns where the level or the treadmill does not allow them.
    """
    chosen = _level(level)
    level_rules = rules.level(chosen)
    speed_kmh = _check_forward_speed(forward_speed, treadmill, rules)
    if not treadmill.handrails and chosen in (Level.REHAB, Level.BEGINNER):
        raise ValidationError(
            "treadmill", treadmill.name, f"a {chosen.value} plan needs a treadmill with handrails to hold (rule R3)"
        )
    week_count = level_rules.weeks if weeks is None else weeks
    low, high = rules.plan_weeks_range
    if type(week_count) is not int or not low <= week_count <= high:
        raise ValidationError("weeks", weeks, f"must be a whole number from {low} to {high}")
    sessions = level_rules.sessions_per_week[0] if sessions_per_week is None else sessions_per_week
    fewest, most = level_rules.sessions_per_week
    if type(sessions) is not int or not fewest <= sessions <= most:
        allowed = str(fewest) if fewest == most else f"{fewest} to {most}"
        raise ValidationError("sessions_per_week", sessions_per_week, f"a {chosen.value} plan has {allowed}")
    if start is not None and type(start) is not dt.date:
        raise ValidationError("start", start, "must be a datetime.date")
    mode = _turn_mode(turn, level_rules, treadmill)

    planner = _Planner(level_rules, rules, treadmill, speed_kmh, mode)
    plan_weeks = planner.weeks(week_count)
    first_day = start.weekday() if start is not None else Weekday.MONDAY
    days = [Weekday((first_day + offset) % 7) for offset in rules.days(sessions)]
    built = [
        Week(
            [Session(planner.workout(week, number, session), day) for session, day in enumerate(days, start=1)],
            label=week.label,
            deload=week.deload,
        )
        for number, week in enumerate(plan_weeks, start=1)
    ]
    return Plan(
        name=name or f"{chosen.value.capitalize()} backward walking, {week_count} weeks",
        weeks=built,
        level=chosen,
        forward_speed=forward_speed,
        start=start,
        description=planner.describe(forward_speed),
        treadmill=treadmill,
    )


def _turn_mode(turn: TurnMode | str | None, level: LevelRules, treadmill: Treadmill) -> TurnMode:
    if turn is None:
        return TurnMode.STOP
    mode = next((m for m in TurnMode if turn is m or str(turn).strip().lower() == m.value), None)
    if mode is None:
        raise ValidationError("turn", turn, f"must be one of {', '.join(m.value for m in TurnMode)}")
    if mode is TurnMode.SLOW and not level.slow_turns_allowed:
        raise ValidationError(
            "turn",
            mode.value,
            f"a {level.level.value} plan turns with the belt stopped (slow turns start at intermediate)",
        )
    if mode is TurnMode.SLOW and not treadmill.handrails:
        raise ValidationError(
            "turn", mode.value, f"turning on a moving belt needs handrails to hold; {treadmill.name} has none"
        )
    return mode


def _level(level: Level | str) -> Level:
    if isinstance(level, Level):
        return level
    for member in Level:
        if member.value == str(level).strip().lower():
            return member
    raise ValidationError("level", level, f"must be one of {', '.join(member.value for member in Level)}")


def _check_forward_speed(forward_speed: Speed, treadmill: Treadmill, rules: ProgressionRules) -> Fraction:
    if not isinstance(forward_speed, Speed):
        raise ValidationError("forward_speed", forward_speed, "must be a Speed, e.g. Speed.kmh(4.5)")
    low, high = rules.forward_speed_range_kmh
    if not low <= forward_speed.exact_kmh <= high:
        unit = forward_speed.unit  # an mph walker reads mph
        lowest = speed_text(low, unit).removesuffix(f" {unit.value}")
        raise ValidationError(
            "forward_speed",
            str(forward_speed),
            f"must be a comfortable walking speed of {lowest} to {speed_text(high, unit)}",
        )
    if not treadmill.fits_speed(forward_speed):
        raise ValidationError(
            "forward_speed",
            str(forward_speed),
            f"is outside the treadmill's range ({treadmill.min_speed} to {treadmill.max_speed})",
        )
    return forward_speed.exact_kmh


class _Planner:
    """Turns a level's week table into concrete weeks and workouts for one walker and treadmill."""

    def __init__(
        self, level: LevelRules, rules: ProgressionRules, treadmill: Treadmill, forward_kmh: Fraction, turn: TurnMode
    ) -> None:
        self.level = level
        self.rules = rules
        self.treadmill = treadmill
        self.forward_kmh = forward_kmh
        self.turn = turn
        slow_low = rules.slow_turn_range_s[0]
        #: Seconds walked backward in each turn out of a bout: a slow turn is walked, a stopped one is not.
        self.turn_back_s = slow_low if turn is TurnMode.SLOW else 0
        self.notes: list[str] = []

    def week(
        self, bouts: int, bout_s: int, speed: Speed, incline: Incline, *, label: str, deload: bool = False
    ) -> _Week:
        return _Week(bouts, bout_s, speed, incline, label, deload, self.turn_back_s)

    def backward(self, bouts: int, bout_s: int) -> int:
        """B for bouts of this length, turns included."""
        return bouts * (bout_s + self.turn_back_s)

    def show(self, kmh: Fraction) -> str:
        """A speed in the treadmill's unit."""
        return speed_text(kmh, self.treadmill.unit)

    # --- speeds and inclines ---------------------------------------------------------------------

    def down(self, kmh: Fraction) -> Speed:
        """A speed snapped down to the machine's grid; never below its slowest (callers check that first)."""
        if kmh < self.treadmill.min_speed.exact_kmh:
            return self.treadmill.min_speed
        return self.treadmill.snap_speed(kmh, Rounding.DOWN)

    def nearest(self, kmh: Fraction) -> Speed:
        """A forward speed: the nearest setting, but never above F (S2, S3) nor below the machine's slowest."""
        speed = self.treadmill.snap_speed(kmh, Rounding.NEAREST)
        if speed.exact_kmh > self.forward_kmh:
            speed = self.down(kmh)
        return max(speed, self.treadmill.min_speed)

    def speed_ceiling(self, incline: Incline) -> Fraction:
        """The fastest backward speed rule S7 (and S8 on steep inclines) allows, km/h."""
        return self.level.backward_speed_ceiling(
            self.forward_kmh, self.treadmill.max_speed.exact_kmh, Fraction(incline.tenths, 10)
        )

    def backward_speed(self, fraction: Fraction, incline: Incline, before: Speed | None) -> Speed:
        """The backward speed for a fraction of F: capped, snapped down, and within one weekly step (W6)."""
        target = min(fraction * self.forward_kmh, self.speed_ceiling(incline))
        if target >= self.treadmill.min_speed.exact_kmh:
            speed = self.down(target)
            if before is not None:
                step = self.rules.speed_step_limit(self.forward_kmh)
                speed = max(min(speed, self.down(before.exact_kmh + step)), before)
            return speed
        if before is not None:
            return before  # raised to the treadmill's slowest already (below); speeds never fall (W3)
        # Rule R3: never silently raise the speed. The treadmill's slowest is used only when it is still within
        # the level's speed band; otherwise this treadmill cannot run this level.
        if self.treadmill.min_speed.exact_kmh > self.speed_ceiling(incline):
            raise ValidationError(
                "treadmill",
                f"{self.treadmill.name}, slowest {self.treadmill.min_speed}",
                f"is faster than the {self.level.level.value} backward speed of at most "
                f"{self.show(self.speed_ceiling(incline))} for this forward speed (rule R3)",
            )
        self.notes.append(f"backward speed raised to the treadmill's slowest, {self.treadmill.min_speed}")
        return self.treadmill.min_speed

    def incline(self, percent: Fraction) -> Incline:
        wanted = min(percent, self.level.incline_max_pct)
        snapped = self.treadmill.snap_incline(wanted)
        if snapped.tenths < wanted * 10:
            note = f"incline limited to {snapped} by the treadmill"
            if note not in self.notes:
                self.notes.append(note)
        return snapped

    # --- weeks -----------------------------------------------------------------------------------

    def weeks(self, count: int) -> list[_Week]:
        result: list[_Week] = []
        for spec in self.level.table[:count]:
            week = self.from_spec(spec, result[-1] if result else None)
            # A clinician's own rules may be tighter than the evidence table: then progress as past the table.
            result.append(week if self.fits(week, result) else self.next_week(result))
        while len(result) < count:
            result.append(self.next_week(result))
        return result

    def fits(self, week: _Week, weeks: list[_Week]) -> bool:
        """Whether a table week keeps the caps and the week-to-week rules after ``weeks``."""
        level, rules = self.level, self.rules
        backward = week.backward_s
        if not (level.bouts[0] <= week.bouts <= level.bouts[1] and week.bout_s <= level.bout_cap_s):
            return False
        if backward > level.session_cap_s or week.bout_s % rules.granularity_s:
            return False
        completed = level.completed_weeks_before + len(weeks)
        if week.incline.tenths and (completed < rules.incline_after_weeks or not level.beginner_completed_before):
            return False
        if not weeks:
            return week.bouts >= 2 and not week.deload and backward <= level.entry.backward_s
        before = weeks[-1]
        reference = weeks[reference_index([w.deload for w in weeks], len(weeks))]
        if week.deload:
            lowest, highest = rules.deload_bounds(before.backward_s)
            return lowest <= backward <= highest and (week.speed, week.incline) == (before.speed, before.incline)
        loads = [w.load() for w in [*weeks, week]]
        return (
            backward >= before.backward_s
            and backward <= rules.volume_limit(reference.backward_s)
            and len(progressed(before.load(), before.load(), week.load())) <= 1
            and progression_runs(loads, rules.deload_from_s)[-1] <= rules.deload_after_weeks
        )

    def from_spec(self, spec: WeekSpec, before: _Week | None) -> _Week:
        incline = self.incline(spec.incline_pct)
        speed = self.backward_speed(spec.fraction, incline, before.speed if before else None)
        if before is not None and spec.label != "speed":
            # One variable at a time (W2): the speed rises only in speed weeks, even if an earlier speed week
            # could not take the whole step (W6).
            speed = before.speed
        label = spec.label
        if before is not None and label != "deload":
            rises = progressed(
                before.load(), before.load(), self.week(spec.bouts, spec.bout_s, speed, incline, label="").load()
            )
            label = "hold" if not rises else label
        return self.week(spec.bouts, spec.bout_s, speed, incline, label=label, deload=spec.deload)

    def first_week(self, spec: WeekSpec) -> _Week:
        """Week 1 when the table's first week does not fit the rules: the most volume the caps allow, flat."""
        limit = min(spec.backward_s, self.level.session_cap_s)
        options = [(self.backward(n, s), -n, n, s) for n, s in self.bout_options() if self.backward(n, s) <= limit]
        _, _, bouts, bout_s = max(options) if options else (0, 0, self.level.bouts[0], self.rules.granularity_s)
        level = self.level
        inclined_ok = level.beginner_completed_before and level.completed_weeks_before >= self.rules.incline_after_weeks
        incline = self.incline(spec.incline_pct) if inclined_ok else Incline.flat()
        return self.week(bouts, bout_s, self.backward_speed(spec.fraction, incline, None), incline, label="start")

    def next_week(self, weeks: list[_Week]) -> _Week:
        """The week after ``weeks`` when the plan runs past the level's table (or the table does not fit)."""
        if not weeks:
            return self.first_week(self.level.table[0])
        before = weeks[-1]
        reference = weeks[reference_index([week.deload for week in weeks], len(weeks))]
        due = len(weeks) + 1 in self.level.deload_weeks
        if not before.deload and (due or self.progression_run(weeks) >= self.rules.deload_after_weeks):
            deload = self.deload(before)
            if deload is not None:
                return deload
            if due:  # W5 requires it: refuse rather than make a plan that breaks a rule
                raise ValidationError(
                    "rules",
                    f"week {len(weeks) + 1}",
                    f"the {self.level.level.value} level's deload week does not fit its bouts and caps"
                    + (" with slow turns (try turning with the belt stopped)" if self.turn_back_s else ""),
                )
        # After a deload only the volume may rise (W2 compares with the deload week, whose B was lower).
        order = ("volume",) if before.deload else self.rotation(weeks)
        for kind in order:
            week = {"volume": self.more_volume, "speed": self.faster, "incline": self.steeper}[kind](
                reference, before, len(weeks) + 1
            )
            if week is not None:
                return week
        return attrs.evolve(reference, label="hold", deload=False)

    def rotation(self, weeks: list[_Week]) -> tuple[str, ...]:
        last = next((week.label for week in reversed(weeks) if week.label in _PROGRESSIONS), "incline")
        start = (_PROGRESSIONS.index(last) + 1) % len(_PROGRESSIONS)
        return _PROGRESSIONS[start:] + _PROGRESSIONS[:start]

    def progression_run(self, weeks: list[_Week]) -> int:
        """Consecutive progression weeks at B >= the deload threshold, ending with the last week (rule W5)."""
        return progression_runs([week.load() for week in weeks], self.rules.deload_from_s)[-1]

    def bout_options(self) -> Iterator[tuple[int, int]]:
        """Every (bouts, bout seconds) the level allows, on the time grid."""
        grain = self.rules.granularity_s
        lowest, highest = self.level.bouts
        yield from itertools.product(range(lowest, highest + 1), range(grain, self.level.bout_cap_s + 1, grain))

    def more_volume(self, reference: _Week, before: _Week, _number: int) -> _Week | None:
        b_ref = reference.backward_s
        limit = min(Fraction(self.level.session_cap_s), self.rules.volume_limit(b_ref))
        options = [
            (self.backward(n, s), -n, n, s) for n, s in self.bout_options() if b_ref < self.backward(n, s) <= limit
        ]
        if not options:
            return None
        _, _, bouts, bout_s = max(options)
        return self.week(bouts, bout_s, before.speed, before.incline, label="volume")

    def faster(self, reference: _Week, before: _Week, _number: int) -> _Week | None:
        step = self.rules.speed_step_limit(self.forward_kmh)
        speed = self.down(min(before.speed.exact_kmh + step, self.speed_ceiling(before.incline)))
        if speed <= before.speed:
            return None
        return self.week(reference.bouts, reference.bout_s, speed, before.incline, label="speed")

    def steeper(self, reference: _Week, before: _Week, number: int) -> _Week | None:
        level = self.level
        completed = level.completed_weeks_before + number - 1
        if not level.beginner_completed_before or completed < self.rules.incline_after_weeks:
            return None
        incline = self.incline(before.incline.tenths / Fraction(10) + self.rules.incline_step_pct)
        if before.speed.exact_kmh > self.speed_ceiling(incline):  # S8: steep only when slow enough
            incline = self.incline(level.incline_threshold_pct or Fraction(0))
        if incline <= before.incline:
            return None
        return self.week(reference.bouts, reference.bout_s, before.speed, incline, label="incline")

    def deload(self, before: _Week) -> _Week | None:
        lowest, highest = self.rules.deload_bounds(before.backward_s)
        options = [
            (self.backward(n, s), -n, n, s) for n, s in self.bout_options() if lowest <= self.backward(n, s) <= highest
        ]
        if not options:
            return None
        _, _, bouts, bout_s = max(options)
        return self.week(bouts, bout_s, before.speed, before.incline, label="deload", deload=True)

    # --- workouts --------------------------------------------------------------------------------

    def workout(self, week: _Week, week_number: int, session_number: int) -> Workout:
        level = self.level
        rules = self.rules
        rails = self.treadmill.handrails
        hold_in_bouts = rails and level.handrails_in_week(week_number)
        turn_speed = min(max(self.treadmill.min_speed, self.down(rules.transition_max_kmh)), week.speed)
        recovery_s = max(level.recovery_s, week.bout_s) if level.recovery_at_least_bout else level.recovery_s
        rail_cue = "hold the rails" if hold_in_bouts else ("light touch on the rails" if rails else "stay centred")

        def forward(kind: StepKind, seconds: int, speed: Speed, cue: str) -> Step:
            return Step(direction=Direction.FORWARD, kind=kind, length=Duration.seconds(seconds), speed=speed, cue=cue)

        def turn(direction: Direction, face: str) -> Step:
            stopped = self.turn is TurnMode.STOP
            if stopped:
                hold = ", hold the rails" if rails else ", stand still"
                cue = f"Stop the belt{hold}, turn to face {face}, restart at {turn_speed}, then press lap"
            else:
                cue = f"Slow belt: both hands on the rails, turn to face {face}"
            return Step(
                direction=direction,
                kind=StepKind.TRANSITION,
                length=Duration.seconds(rules.stopped_turn_s if stopped else rules.slow_turn_range_s[0]),
                speed=turn_speed,
                incline=week.incline,
                hold_handrails=rails,
                cue=cue,
                until_lap=stopped,
                belt_stopped=stopped,
            )

        turn_in = turn(Direction.FORWARD, "the back")
        bout = Step(
            direction=Direction.BACKWARD,
            kind=StepKind.ACTIVE,
            length=Duration.seconds(week.bout_s),
            speed=week.speed,
            incline=week.incline,
            hold_handrails=hold_in_bouts,
            cue=f"Walk backward: toes first, knees soft, feet mid-belt, eyes ahead, {rail_cue}",
        )
        turn_out = turn(Direction.BACKWARD, "forward")
        recovery = forward(StepKind.RECOVERY, recovery_s, self.nearest(self.forward_kmh), "Walk forward and recover")
        warmup = forward(
            StepKind.WARMUP,
            rules.warmup_s,
            self.nearest(rules.warmup_fraction * self.forward_kmh),
            "Safety key clipped? Warm up walking forward",
        )
        cooldown = forward(
            StepKind.COOLDOWN,
            rules.cooldown_s,
            self.nearest(rules.cooldown_fraction * self.forward_kmh),
            "Cool down walking forward",
        )
        steps: list[Step | Repeat] = [warmup, Repeat(week.bouts - 1, [turn_in, bout, turn_out, recovery])]
        steps += [turn_in, bout, turn_out, cooldown]
        incline_text = f" at {week.incline} incline" if week.incline.tenths else ""
        turns = (
            "turn with the belt stopped"
            if self.turn is TurnMode.STOP
            else f"turn on the slow belt ({Duration.seconds(self.turn_back_s)} backward each, counted)"
        )
        return Workout(
            workout_name(week_number, session_number),
            steps,
            f"Week {week_number} ({week.label}): {week.bouts} x {Duration.seconds(week.bout_s)} backward at "
            f"{week.speed}{incline_text}, {Duration.seconds(week.backward_s)} of backward walking; {turns}.",
        )

    def describe(self, forward_speed: Speed) -> str:
        level = self.level
        rails = self.treadmill.handrails
        turns = (
            "Turn around with the belt stopped: stop it, turn, restart it slowly, then press lap."
            if self.turn is TurnMode.STOP
            else "Turn around on the slow belt with both hands on the rails."
        )
        support = (
            "Hold the handrails whenever a step says so."
            if rails
            else (
                "This treadmill has no handrails: practise backward walking overground first, with a walking "
                "stick or next to a wall-mounted support (Blog A's advice), and keep a partner beside the machine."
            )
        )
        lines = [
            (
                f"{level.level.value.capitalize()} level for a comfortable forward speed of "
                f"{self.show(forward_speed.exact_kmh)} on the {self.treadmill.name} treadmill ({self.treadmill})."
            ),
            (
                f"Backward speed starts near {float(level.entry.fraction):.2f} of the forward speed and never "
                f"exceeds {self.show(level.backward_cap_kmh)}; at most {Duration.seconds(level.session_cap_s)} of "
                "backward walking per session (every second walked backward counts, turns included)."
            ),
            turns,
            support,
            (
                "Form (Blog B, a blog post): feet about shoulder-width apart in the middle of the belt, knees a "
                "little bent, trunk braced, eyes straight ahead, not over your shoulder; a partner beside the "
                "machine at first, never behind it."
            ),
            (
                "Made by retrointervals from published backward-walking studies and two blog posts; the plan "
                "itself has not been tested in a trial. Not medical advice."
            ),
        ]
        lines.extend(f"Note: {note}." for note in self.notes)
        return "\n".join(lines)
