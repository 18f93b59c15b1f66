"""Break exactly one progression rule in a valid plan: the checker's sensitivity, made testable.

``break_rule(rule_id, plan)`` returns a copy of a plan that follows every rule, changed so that it breaks the
given rule, or None when this plan offers no way to break it alone (for example, a one-week plan has no week-to-
week rules to break). ``retrointervals.strategies.rule_breaking_plans`` draws such plans.

Rules that cannot be broken alone in some plans (``ALONE_EXCEPT``):

- W7 in rehab and beginner plans: any incline there also breaks S8 (they must stay flat), so W7 is broken alone
  only at the intermediate and advanced levels.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import attrs

from retrointervals.model import Direction, Level, Plan, Session, Step, StepKind, Weekday, Workout
from retrointervals.plans.levels import DEFAULT_RULES, ProgressionRules
from retrointervals.plans.loads import (
    SessionShape,
    WeekLoad,
    backward_seconds,
    progressed,
    progression_runs,
    reference_index,
)
from retrointervals.treadmill import DEFAULT, Treadmill
from retrointervals.units import Duration, Incline, Rounding, Speed

__all__ = ["ALONE_EXCEPT", "BREAKERS", "break_rule"]

#: Rules that come with another rule in some plans, and why (see the module docstring).
ALONE_EXCEPT: dict[str, str] = {
    "W7": "in rehab and beginner plans any incline also breaks S8, so W7 breaks alone only at higher levels",
}

Breaker = Callable[[Plan, Treadmill, ProgressionRules], Plan | None]


def break_rule(rule: str, plan: Plan, rules: ProgressionRules = DEFAULT_RULES) -> Plan | None:
    """A copy of ``plan`` that breaks ``rule`` (and, except as ``ALONE_EXCEPT`` says, no other), or None."""
    return BREAKERS[rule](plan, plan.treadmill or DEFAULT, rules)


# --- editing helpers ------------------------------------------------------------------------------


def _steps(workout: Workout) -> list[Step]:
    """The workout's steps as walked (the checker reads timelines, so a flat copy checks the same)."""
    return [segment.step for segment in workout.timeline]


def _edit_sessions(
    plan: Plan, weeks: range | list[int], edit: Callable[[list[Step]], list[Step] | None]
) -> Plan | None:
    """Apply ``edit`` to the flat steps of every session of the given weeks (indexes from 0)."""
    new_weeks = list(plan.weeks)
    for index in weeks:
        week = plan.weeks[index]
        sessions = []
        for session in week.sessions:
            steps = edit(_steps(session.workout))
            if steps is None:
                return None
            workout = Workout(session.workout.name, steps, session.workout.description)
            sessions.append(Session(workout, session.weekday))
        new_weeks[index] = attrs.evolve(week, sessions=sessions)
    return attrs.evolve(plan, weeks=new_weeks)


def _bout_indexes(steps: list[Step]) -> list[int]:
    return [i for i, s in enumerate(steps) if s.direction is Direction.BACKWARD and s.kind is not StepKind.TRANSITION]


def _shift_speed(steps: list[Step], increments: int, treadmill: Treadmill) -> list[Step] | None:
    result = list(steps)
    for index in _bout_indexes(steps):
        tenths = steps[index].speed.tenths + increments * treadmill.speed_increment_tenths
        if tenths <= 0:
            return None
        speed = Speed(tenths, steps[index].speed.unit)
        if not treadmill.fits_speed(speed):
            return None
        result[index] = attrs.evolve(steps[index], speed=speed)
    return result


def _loads(plan: Plan) -> list[WeekLoad]:
    return [
        WeekLoad.of_sessions([SessionShape.of(s.workout) for s in week.sessions], week.deload) for week in plan.weeks
    ]


def _level(plan: Plan, rules: ProgressionRules) -> tuple[Level, Fraction]:
    if plan.level is None or plan.forward_speed is None:
        raise ValueError("rules can be broken only in plans with a level and a forward speed")
    return plan.level, plan.forward_speed.exact_kmh


def _ceiling(plan: Plan, treadmill: Treadmill, rules: ProgressionRules) -> Fraction:
    level, forward = _level(plan, rules)
    return rules.level(level).backward_speed_ceiling(forward, treadmill.max_speed.exact_kmh)


# --- one breaker per rule ---------------------------------------------------------------------------


def _s1(plan: Plan, _treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
    level, _ = _level(plan, rules)
    cap = rules.level(level).bout_cap_s

    def drop_last_turn(steps: list[Step]) -> list[Step] | None:
        bouts = _bout_indexes(steps)
        last = bouts[-1]
        result = steps[: last + 1] + steps[last + 2 :]
        walked = int(backward_seconds(steps[last + 1]))
        if walked:  # a slow turn was walked backward: keep backward time by lengthening the shortest bout
            shortest = min(bouts, key=lambda i: steps[i].duration.exact)
            seconds = int(steps[shortest].duration.exact) + walked
            if seconds > cap:
                return None
            result[shortest] = attrs.evolve(steps[shortest], length=Duration.seconds(seconds))
        return result

    return _edit_sessions(plan, [0], drop_last_turn)


def _end_length(kind: StepKind, minimum: Callable[[ProgressionRules], int]) -> Breaker:
    def breaker(plan: Plan, _treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
        seconds = minimum(rules) - rules.granularity_s

        def shorten(steps: list[Step]) -> list[Step]:
            return [attrs.evolve(s, length=Duration.seconds(seconds)) if s.kind is kind else s for s in steps]

        return _edit_sessions(plan, [0], shorten)

    return breaker


def _s4(plan: Plan, _treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
    level, _ = _level(plan, rules)
    cap = rules.level(level).bout_cap_s
    grain = rules.granularity_s

    def lengthen_first(steps: list[Step]) -> list[Step] | None:
        bouts = _bout_indexes(steps)
        first, last = bouts[0], bouts[-1]
        moved = cap + grain - int(steps[first].duration.exact)
        remaining = int(steps[last].duration.exact) - moved
        if remaining < grain:
            return None
        result = list(steps)
        result[first] = attrs.evolve(steps[first], length=Duration.seconds(cap + grain))
        result[last] = attrs.evolve(steps[last], length=Duration.seconds(remaining))
        # Rehab wants recovery at least as long as the bout before it (S5): lengthen that recovery too.
        recovery = next(i for i in range(first + 1, len(steps)) if steps[i].kind is StepKind.RECOVERY)
        longer = max(int(steps[recovery].duration.exact), cap + grain)
        result[recovery] = attrs.evolve(steps[recovery], length=Duration.seconds(longer))
        return result

    return _edit_sessions(plan, [len(plan.weeks) - 1], lengthen_first)


def _recoveries(change: int, below_minimum: bool) -> Breaker:
    def breaker(plan: Plan, _treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
        level, _ = _level(plan, rules)
        if not below_minimum and len(plan.weeks) < 2:
            return None
        minimum = rules.level(level).recovery_s

        def edit(steps: list[Step]) -> list[Step]:
            return [
                attrs.evolve(
                    s,
                    length=Duration.seconds(
                        (minimum - rules.granularity_s) if below_minimum else int(s.duration.exact) + change
                    ),
                )
                if s.kind is StepKind.RECOVERY
                else s
                for s in steps
            ]

        return _edit_sessions(plan, [0], edit)

    return breaker


def _s6(plan: Plan, treadmill: Treadmill, _rules: ProgressionRules) -> Plan | None:
    def split_first_bout(steps: list[Step]) -> list[Step] | None:
        first = _bout_indexes(steps)[0]
        bout = steps[first]
        slower = (
            Speed(bout.speed.tenths - treadmill.speed_increment_tenths, bout.speed.unit)
            if (bout.speed.tenths > treadmill.speed_increment_tenths)
            else None
        )
        if slower is None or slower < treadmill.min_speed:
            return None
        head = attrs.evolve(bout, length=Duration.seconds(15))
        tail = attrs.evolve(bout, length=Duration.seconds(int(bout.duration.exact) - 15), speed=slower)
        return [*steps[:first], head, tail, *steps[first + 1 :]]

    return _edit_sessions(plan, [0], split_first_bout)


def _s7(plan: Plan, treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
    ceiling = _ceiling(plan, treadmill, rules)
    level, forward = _level(plan, rules)
    parameters = rules.level(level)
    loads = _loads(plan)
    fastest = max(load.speed_kmh for load in loads)
    increments = int((ceiling - fastest) / treadmill.speed_increment_kmh) + 1
    entry = max(parameters.entry_speed_ceiling(forward, treadmill.max_speed.exact_kmh), treadmill.min_speed.exact_kmh)
    if loads[0].speed_kmh + increments * treadmill.speed_increment_kmh > entry:
        # Any speed above the ceiling in week 1 is also above the entry dose (W10): break S7's other limit, a
        # forward speed F above the accepted range (every limit that grows with F only loosens).
        highest = rules.forward_speed_range_kmh[1]
        above = Speed(int(highest / treadmill.unit.in_kmh * 10) + 1, treadmill.unit)
        return attrs.evolve(plan, forward_speed=above)
    threshold = parameters.incline_threshold_pct
    if threshold is not None and any(load.incline_pct > threshold for load in loads):
        return None  # S8 would break too (speed limit on steep inclines)
    return _edit_sessions(plan, range(len(plan.weeks)), lambda steps: _shift_speed(steps, increments, treadmill))


def _s8(plan: Plan, treadmill: Treadmill, _rules: ProgressionRules) -> Plan | None:
    # A decline while walking backward: lower every bout (and the turn before it) by one incline step.
    step = treadmill.incline_increment_tenths
    if treadmill.min_incline.tenths > -step or min(load.incline_pct for load in _loads(plan)) > 0:
        return None  # no decline possible, or no flat bout to tilt down

    def lower(steps: list[Step]) -> list[Step]:
        result = list(steps)
        for index in _bout_indexes(steps):
            for target in (index - 1, index, index + 1):
                if target == index or steps[target].kind is StepKind.TRANSITION:
                    result[target] = attrs.evolve(steps[target], incline=Incline(steps[index].incline.tenths - step))
        return result

    return _edit_sessions(plan, range(len(plan.weeks)), lower)


def _s9(plan: Plan, treadmill: Treadmill, _rules: ProgressionRules) -> Plan | None:
    if not treadmill.handrails:
        return None

    def let_go(steps: list[Step]) -> list[Step]:
        return [
            attrs.evolve(s, hold_handrails=False, cue="Turn around") if s.kind is StepKind.TRANSITION else s
            for s in steps
        ]

    return _edit_sessions(plan, [0], let_go)


def _w1(plan: Plan, _treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
    # The week's last session is one time step shorter: backward time falls within the week.
    week = plan.weeks[0]
    if len(week.sessions) < 2:
        return None
    last = week.sessions[-1]
    steps = _steps(last.workout)
    first = _bout_indexes(steps)[0]
    seconds = int(steps[first].duration.exact) - rules.granularity_s
    if seconds < rules.granularity_s:
        return None
    shorter = [*steps[:first], attrs.evolve(steps[first], length=Duration.seconds(seconds)), *steps[first + 1 :]]
    workout = Workout(last.workout.name, shorter, last.workout.description)
    sessions = [*week.sessions[:-1], Session(workout, last.weekday)]
    return attrs.evolve(plan, weeks=[attrs.evolve(week, sessions=sessions), *plan.weeks[1:]])


def _rising_week(plan: Plan, variable: str, alone: bool = True) -> int | None:
    """The index of the first week (from 1) in which ``variable`` alone rose."""
    loads = _loads(plan)
    for index in range(1, len(loads)):
        reference = loads[reference_index([load.deload for load in loads], index)]
        rises = progressed(loads[index - 1], reference, loads[index])
        if variable in rises and (not alone or len(rises) == 1) and not loads[index].deload:
            return index
    return None


def _raise_from(plan: Plan, treadmill: Treadmill, rules: ProgressionRules, week: int, increments: int) -> Plan | None:
    changed = _edit_sessions(plan, range(week, len(plan.weeks)), lambda s: _shift_speed(s, increments, treadmill))
    if changed is None or max(load.speed_kmh for load in _loads(changed)) > _ceiling(plan, treadmill, rules):
        return None
    return changed


def _w2(plan: Plan, treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
    week = _rising_week(plan, "B")
    _, forward = _level(plan, rules)
    if week is None or treadmill.speed_increment_kmh > rules.speed_step_limit(forward):
        return None
    return _raise_from(plan, treadmill, rules, week, 1)


def _w3(plan: Plan, treadmill: Treadmill, _rules: ProgressionRules) -> Plan | None:
    if len(plan.weeks) < 2:
        return None
    loads = _loads(plan)
    increments = int((loads[-1].speed_kmh - loads[-2].speed_kmh) / treadmill.speed_increment_kmh) + 1
    return _edit_sessions(plan, [len(plan.weeks) - 1], lambda steps: _shift_speed(steps, -increments, treadmill))


def _w4(plan: Plan, _treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
    # Lengthen the last week's bouts, one time step at a time, until backward time passes the weekly cap.
    level, _ = _level(plan, rules)
    parameters = rules.level(level)
    index = len(plan.weeks) - 1
    loads = _loads(plan)
    if index < 1 or loads[index].deload or progressed(loads[index - 1], loads[index - 1], loads[index]) - {"B"}:
        return None
    limit = rules.volume_limit(loads[reference_index([load.deload for load in loads], index)].backward_s)
    grain = rules.granularity_s

    def longer_bouts(steps: list[Step]) -> list[Step] | None:
        result = list(steps)
        backward = SessionShape.of(Workout("x", result)).backward_s
        bouts = _bout_indexes(result)
        turn = 0
        while backward <= limit:
            target = bouts[turn % len(bouts)]
            seconds = int(result[target].duration.exact) + grain
            if seconds <= parameters.bout_cap_s:
                result[target] = attrs.evolve(result[target], length=Duration.seconds(seconds))
                turn += 1
            elif len(bouts) < parameters.bouts[1]:  # every bout at its cap: one more bout instead
                first = bouts[0]
                result = result[: first - 1] + result[first - 1 : first + 3] + result[first - 1 :]
                bouts = _bout_indexes(result)
            else:
                return None
            backward = SessionShape.of(Workout("x", result)).backward_s
        if backward > parameters.session_cap_s:
            return None
        if parameters.recovery_at_least_bout:  # rehab: recovery at least as long as the bout before it (S5)
            longest = max(int(result[i].duration.exact) for i in bouts)
            result = [
                attrs.evolve(s, length=Duration.seconds(max(longest, int(s.duration.exact))))
                if s.kind is StepKind.RECOVERY
                else s
                for s in result
            ]
        return result

    changed = _edit_sessions(plan, [index], longer_bouts)
    if changed is None or progression_runs(_loads(changed), rules.deload_from_s)[-1] > rules.deload_after_weeks:
        return None
    return changed


def _w5(plan: Plan, _treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
    index = next((i for i, week in enumerate(plan.weeks) if week.deload and i > 0), None)
    if index is None:
        return None

    def shorten_first(steps: list[Step]) -> list[Step]:
        first = _bout_indexes(steps)[0]
        seconds = int(steps[first].duration.exact) - rules.granularity_s
        return [*steps[:first], attrs.evolve(steps[first], length=Duration.seconds(seconds)), *steps[first + 1 :]]

    before = plan.weeks[index - 1]
    copied = attrs.evolve(plan.weeks[index], sessions=before.sessions)
    with_copy = attrs.evolve(plan, weeks=[*plan.weeks[:index], copied, *plan.weeks[index + 1 :]])
    return _edit_sessions(with_copy, [index], shorten_first)


def _w6(plan: Plan, treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
    week = _rising_week(plan, "speed")
    if week is None:
        return None
    _, forward = _level(plan, rules)
    loads = _loads(plan)
    limit = rules.speed_step_limit(forward)
    rise = loads[week].speed_kmh - loads[week - 1].speed_kmh
    increments = int((limit - rise) / treadmill.speed_increment_kmh) + 1
    return _raise_from(plan, treadmill, rules, week, increments)


def _w7(plan: Plan, treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
    level, forward = _level(plan, rules)
    parameters = rules.level(level)
    step = treadmill.incline_increment_tenths
    if level in (Level.REHAB, Level.BEGINNER) or not treadmill.has_incline:
        return None
    if level is Level.INTERMEDIATE:
        weeks: range | list[int] = range(len(plan.weeks))  # an incline before week 5 is too early
    else:
        rising = _rising_week(plan, "incline")
        if rising is None:
            return None
        weeks = range(rising, len(plan.weeks))

    def steeper(steps: list[Step]) -> list[Step] | None:
        result = list(steps)
        for index in _bout_indexes(steps):
            incline = Incline(steps[index].incline.tenths + step)
            if not treadmill.fits_incline(incline) or incline.tenths > parameters.incline_max_pct * 10:
                return None
            threshold, fraction = parameters.incline_threshold_pct, parameters.fraction_above_incline
            if (
                threshold is not None
                and fraction is not None
                and incline.tenths > threshold * 10
                and (steps[index].speed.exact_kmh > fraction * forward)
            ):
                return None
            for target in (index - 1, index, index + 1):  # the bout and its turns (T3)
                result[target] = attrs.evolve(steps[target], incline=incline)
        return result

    return _edit_sessions(plan, weeks, steeper)


def _w8(plan: Plan, _treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
    level, _ = _level(plan, rules)
    parameters = rules.level(level)
    week = plan.weeks[0]
    if parameters.nonconsecutive_days:
        base = plan.start.weekday() if plan.start is not None else 0
        offsets = (0, 1, 3, 5, 6)[: len(week.sessions)]
        sessions = [Session(s.workout, Weekday((base + o) % 7)) for s, o in zip(week.sessions, offsets, strict=False)]
    else:
        extra = parameters.sessions_per_week[1] + 1 - len(week.sessions)
        if len(week.sessions) + extra > 7:
            return None
        sessions = [Session(s.workout) for s in week.sessions] + [Session(week.sessions[-1].workout)] * extra
    return attrs.evolve(plan, weeks=[attrs.evolve(week, sessions=sessions), *plan.weeks[1:]])


def _h1(plan: Plan, treadmill: Treadmill, _rules: ProgressionRules) -> Plan | None:
    speeds = [seg.step.speed for w in plan.weeks for s in w.sessions for seg in s.workout.timeline]
    backward = [
        seg.step.speed
        for w in plan.weeks
        for s in w.sessions
        for seg in s.workout.timeline
        if seg.step.direction is Direction.BACKWARD
    ]
    fastest = max(speeds)
    lower = Speed(fastest.tenths - treadmill.speed_increment_tenths, treadmill.unit)
    if fastest.unit is not treadmill.unit or lower <= max(backward) or lower <= treadmill.min_speed:
        return None
    return attrs.evolve(plan, treadmill=attrs.evolve(treadmill, max_speed=lower))


def _h2(plan: Plan, treadmill: Treadmill, _rules: ProgressionRules) -> Plan | None:
    other = next(unit for unit in type(treadmill.unit) if unit is not treadmill.unit)

    def other_unit(steps: list[Step]) -> list[Step] | None:
        result = []
        for step in steps:
            if step.kind is StepKind.RECOVERY:
                converted = step.speed.to(other, Rounding.DOWN)
                if not treadmill.fits_speed(converted):
                    return None
                step = attrs.evolve(step, speed=converted)  # noqa: PLW2901 - the edited copy replaces it
            result.append(step)
        return result

    return _edit_sessions(plan, [0], other_unit)


def _s10(plan: Plan, _treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
    # One bout too many: split bouts in two (same backward time, one more bout each time) past the level's most.
    level, _ = _level(plan, rules)
    most = rules.level(level).bouts[1]
    grain = rules.granularity_s

    def split(steps: list[Step]) -> list[Step] | None:
        result = list(steps)
        while len(_bout_indexes(result)) <= most:
            longest = max(_bout_indexes(result), key=lambda i: (result[i].duration.exact, -i))
            seconds = int(result[longest].duration.exact)
            walked = int(backward_seconds(result[longest + 1]))  # a slow turn adds backward time: keep B
            if seconds - walked < 2 * grain:
                return None
            bout = result[longest]
            head = attrs.evolve(bout, length=Duration.seconds(seconds - grain - walked))
            tail = attrs.evolve(bout, length=Duration.seconds(grain))
            turn_in, turn_out, recovery = result[longest - 1], result[longest + 1], result[longest + 2]
            if recovery.kind is not StepKind.RECOVERY:
                recovery = next(s for s in result if s.kind is StepKind.RECOVERY)
            group = [head, turn_out, recovery, turn_in, tail]
            result = [*result[:longest], *group, *result[longest + 1 :]]
        return result

    return _edit_sessions(plan, [len(plan.weeks) - 1], split)


def _t3(plan: Plan, treadmill: Treadmill, _rules: ProgressionRules) -> Plan | None:
    # Level the turn out of every inclined bout: the incline changes during the turn.
    if all(load.incline_pct == 0 for load in _loads(plan)) or treadmill.min_incline.tenths > 0:
        return None

    def level_turns(steps: list[Step]) -> list[Step]:
        result = list(steps)
        for index in _bout_indexes(steps):
            if steps[index].incline.tenths:
                result[index + 1] = attrs.evolve(steps[index + 1], incline=Incline.flat())
        return result

    weeks = [i for i, load in enumerate(_loads(plan)) if load.incline_pct > 0]
    return _edit_sessions(plan, weeks[:1], level_turns)


def _t4(plan: Plan, _treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
    # Make the turn into every bout last too long: past the stopped-belt limit, or the slow-turn range.
    def longer(steps: list[Step]) -> list[Step]:
        result = list(steps)
        for index in _bout_indexes(steps):
            turn = steps[index - 1]
            limit = rules.stopped_turn_max_s if turn.belt_stopped else rules.slow_turn_range_s[1]
            if turn.direction is Direction.FORWARD:
                result[index - 1] = attrs.evolve(turn, length=Duration.seconds(limit + rules.granularity_s))
        return result

    return _edit_sessions(plan, [0], longer)


def _t7(plan: Plan, treadmill: Treadmill, _rules: ProgressionRules) -> Plan | None:
    # A recovery cue that says to hold the rails on a step that does not ask for them (or on a machine without).
    def contradict(steps: list[Step]) -> list[Step]:
        return [
            attrs.evolve(s, cue="Walk forward, hold the rails", hold_handrails=False)
            if s.kind is StepKind.RECOVERY
            else s
            for s in steps
        ]

    del treadmill  # either way the cue contradicts the step
    return _edit_sessions(plan, [0], contradict)


def _w10(plan: Plan, _treadmill: Treadmill, rules: ProgressionRules) -> Plan | None:
    # Lengthen week 1's bouts by one time step: more backward time than the level's first week.
    level, _ = _level(plan, rules)
    parameters = rules.level(level)
    loads = _loads(plan)
    grain = rules.granularity_s

    def lengthen(steps: list[Step]) -> list[Step] | None:
        result = list(steps)
        for index in _bout_indexes(steps):
            seconds = int(steps[index].duration.exact) + grain
            if seconds > parameters.bout_cap_s:
                return None
            result[index] = attrs.evolve(steps[index], length=Duration.seconds(seconds))
        return result

    changed = _edit_sessions(plan, [0], lengthen)
    if changed is None:
        return None
    first = _loads(changed)[0]
    if first.backward_s > parameters.session_cap_s or (len(loads) > 1 and first.backward_s > loads[1].backward_s):
        return None
    if parameters.recovery_at_least_bout and any(
        s.duration.exact > parameters.recovery_s
        for s in _steps(changed.weeks[0].sessions[0].workout)
        if s.direction is Direction.BACKWARD and s.kind is StepKind.ACTIVE
    ):
        return None
    runs = progression_runs(_loads(changed), rules.deload_from_s)
    if max(runs, default=0) > rules.deload_after_weeks:
        return None
    return changed


#: One breaker per rule ID.
BREAKERS: dict[str, Breaker] = {
    "S1": _s1,
    "S2": _end_length(StepKind.WARMUP, lambda rules: rules.warmup_min_s),
    "S3": _end_length(StepKind.COOLDOWN, lambda rules: rules.cooldown_min_s),
    "S4": _s4,
    "S5": _recoveries(0, below_minimum=True),
    "S6": _s6,
    "S7": _s7,
    "S8": _s8,
    "S9": _s9,
    "S10": _s10,
    "T3": _t3,
    "T4": _t4,
    "T7": _t7,
    "W1": _w1,
    "W2": _w2,
    "W3": _w3,
    "W4": _w4,
    "W5": _w5,
    "W6": _w6,
    "W7": _w7,
    "W8": _w8,
    "W9": _recoveries(15, below_minimum=False),
    "W10": _w10,
    "H1": _h1,
    "H2": _h2,
}
