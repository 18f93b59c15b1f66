"""The progression rules as data: one function per rule ID, and a checker that explains every violation.

Rule IDs follow the evidence notes §6.4 and §11.3: S1-S10 (each session), T3, T4 and T7 (turning around),
W1-W10 (week to week), H1-H2 (the treadmill).
Every rule is a design choice [D] informed by the evidence named in its docstring; the numbers come from
``ProgressionRules`` so a clinician can tighten or relax them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from fractions import Fraction

import attrs

from retrointervals.errors import ValidationError
from retrointervals.model import Direction, Level, Plan, StepKind
from retrointervals.plans.levels import DEFAULT_RULES, LevelRules, ProgressionRules
from retrointervals.plans.loads import (
    SessionShape,
    WeekLoad,
    progressed,
    progression_runs,
    reference_index,
    rise_names,
    speed_text,
)
from retrointervals.treadmill import DEFAULT, Treadmill
from retrointervals.units import Duration, Speed

__all__ = ["RULES", "Context", "Violation", "check"]


@attrs.frozen
class Violation:
    """One broken rule.

    Attributes:
        rule: The rule ID, e.g. ``"S4"``.
        week: The week, from 1 (None for the whole plan).
        session: The session in the week, from 1 (None for a whole week or plan).
        step: The position in the session's timeline (repeats expanded), from 1 (None for a whole session).
        message: What is wrong, in plain words with the numbers involved.
    """

    rule: str
    week: int | None
    session: int | None
    step: int | None
    message: str

    @property
    def place(self) -> str:
        """Where, e.g. ``"week 2, session 1, step 5"``."""
        parts = [
            f"{name} {value}"
            for name, value in (("week", self.week), ("session", self.session), ("step", self.step))
            if value is not None
        ]
        return ", ".join(parts) or "plan"

    def __str__(self) -> str:
        return f"{self.rule} ({self.place}): {self.message}"


@attrs.frozen
class Context:
    """What every rule reads: the plan, its treadmill and rules, and each session's shape, computed once."""

    plan: Plan
    treadmill: Treadmill
    rules: ProgressionRules
    level: LevelRules
    forward_kmh: Fraction
    #: Per week, per session.
    shapes: tuple[tuple[SessionShape, ...], ...]
    #: Per week.
    loads: tuple[WeekLoad, ...]

    def sessions(self) -> Iterator[tuple[int, int, SessionShape]]:
        """(week number, session number, shape) for every session."""
        for week_number, week in enumerate(self.shapes, start=1):
            for session_number, shape in enumerate(week, start=1):
                yield week_number, session_number, shape

    def forward(self) -> str:
        """The forward speed F, for messages."""
        return self.speed(self.forward_kmh)

    def speed(self, kmh: Fraction) -> str:
        """A speed in the treadmill's unit, for messages (an mph plan speaks mph)."""
        return speed_text(kmh, self.treadmill.unit)


Rule = Callable[[Context], Iterator[Violation]]


def _count(low: int, high: int) -> str:
    """A range in words: ``"3"`` or ``"4 to 6"``."""
    return str(low) if low == high else f"{low} to {high}"


def _time(seconds: Fraction | int) -> str:
    return str(Duration(seconds))


def _pct(value: Fraction) -> str:
    return f"{float(value):g} %"


# --- session rules --------------------------------------------------------------------------------

_SHAPE = re.compile(r"W+T+B+T+(?:R+T+B+T+)*C+")
_TOKEN_NAMES = {"W": "warm-up", "T": "transition", "B": "backward", "R": "forward", "C": "cool-down"}


def s1_shape(context: Context) -> Iterator[Violation]:
    """S1 Shape.

    Forward warm-up, then backward bouts, each with a transition before and after it and forward
    recovery between them, then a forward cool-down; the main set starts and ends with a backward bout. Each
    transition lasts at least 15 s at no more than max(the treadmill's slowest, 1.0 km/h).

    Evidence: the interval format rests only on Blog B's suggestion to fit backward walking into interval training
    (a blog post) [S2]; no study describes how walkers turned around [D].
    """
    rules = context.rules
    turn_limit = max(context.treadmill.min_speed.exact_kmh, rules.transition_max_kmh)
    show = context.speed
    for week, session, shape in context.sessions():
        if not _SHAPE.fullmatch(shape.tokens):
            runs = re.findall(r"(.)\1*", shape.tokens)
            found = ", ".join(_TOKEN_NAMES[token] for token in runs)
            yield Violation(
                "S1",
                week,
                session,
                None,
                "expected warm-up, then transition, backward, transition (with forward recovery between "
                f"bouts), then cool-down; found: {found}",
            )
        for match in re.finditer("T+", shape.tokens):
            turn = shape.segments[match.start() : match.end()]
            seconds = sum((segment.duration.exact for segment in turn), Fraction(0))
            if seconds < rules.transition_s:
                yield Violation(
                    "S1",
                    week,
                    session,
                    match.start() + 1,
                    f"transition of {_time(seconds)} is shorter than {_time(rules.transition_s)}",
                )
            for offset, segment in enumerate(turn):
                if segment.step.speed.exact_kmh > turn_limit:
                    yield Violation(
                        "S1",
                        week,
                        session,
                        match.start() + offset + 1,
                        f"transition at {segment.step.speed} is faster than {show(turn_limit)}",
                    )


def _ends(context: Context, token: str, rule: str, minimum: int, what: str) -> Iterator[Violation]:
    for week, session, shape in context.sessions():
        parts = [(i, s) for i, s in enumerate(shape.segments, start=1) if shape.tokens[i - 1] == token]
        total = sum((s.duration.exact for _, s in parts), Fraction(0))
        if total < minimum:
            yield Violation(rule, week, session, None, f"the {what} lasts {_time(total)}, less than {_time(minimum)}")
        for number, segment in parts:
            step = segment.step
            if step.direction is not Direction.FORWARD:
                yield Violation(rule, week, session, number, f"the {what} must be walked forward")
            if step.speed.exact_kmh > context.forward_kmh:
                yield Violation(
                    rule,
                    week,
                    session,
                    number,
                    f"{what} speed {step.speed} is above the forward speed {context.forward()}",
                )
            if step.incline.tenths != 0:
                yield Violation(rule, week, session, number, f"the {what} must be flat, not at {step.incline}")


def s2_warmup(context: Context) -> Iterator[Violation]:
    """S2 Warm-up.

    Forward, at least 2 minutes (default 5), no faster than F, flat.

    Evidence: Blog A 2-5 min (a blog post) [S2]; efsma 3-5 min; Whitley & Dufek 3-5 min of forward walking;
    NCT05585385 5 min.
    """
    yield from _ends(context, "W", "S2", context.rules.warmup_min_s, "warm-up")


def s3_cooldown(context: Context) -> Iterator[Violation]:
    """S3 Cool-down.

    Forward, at least 3 minutes (default 5), no faster than F, flat.

    Evidence: efsma 3-5 min; NCT05585385 5 min.
    """
    yield from _ends(context, "C", "S3", context.rules.cooldown_min_s, "cool-down")


def s4_caps(context: Context) -> Iterator[Violation]:
    """S4 Caps.

    Each backward bout at most the level's bout cap; backward time per session at most its cap. Backward
    time is every second walked backward, whatever the step is called (a transition walked backward counts).

    Evidence: session caps follow the trial doses: Alghadir 10, Whitley/Heath 15, Cha 20, Chang/Rose 30 minutes.
    """
    level = context.level
    for week, session, shape in context.sessions():
        for bout in shape.bouts:
            if bout.duration_s > level.bout_cap_s:
                yield Violation(
                    "S4",
                    week,
                    session,
                    bout.first + 1,
                    f"backward bout of {_time(bout.duration_s)} is longer than the "
                    f"{level.level.value} cap of {_time(level.bout_cap_s)}",
                )
        if shape.backward_s > level.session_cap_s:
            yield Violation(
                "S4",
                week,
                session,
                None,
                f"{_time(shape.backward_s)} of backward walking in the session (every step walked backward "
                f"counts, turns included) is more than the {level.level.value} cap of {_time(level.session_cap_s)}",
            )


def s5_recovery(context: Context) -> Iterator[Violation]:
    """S5 Recovery.

    Forward recovery between bouts at least the level's minimum; in rehab also at least as long
    as the bout before it; recovery is walked no faster than the forward speed F.

    Evidence: design choice; backward walking costs more than forward walking at the same speed (Flynn 1994,
    Hooper 2004), so recovery is walked forward.
    """
    level = context.level
    for week, session, shape in context.sessions():
        for first, seconds in shape.recoveries:
            if seconds < level.recovery_s:
                yield Violation(
                    "S5",
                    week,
                    session,
                    first + 1,
                    f"recovery of {_time(seconds)} is shorter than {_time(level.recovery_s)}",
                )
            if level.recovery_at_least_bout:
                bout = max((b for b in shape.bouts if b.first < first), key=lambda b: b.first)
                if seconds < bout.duration_s:
                    yield Violation(
                        "S5",
                        week,
                        session,
                        first + 1,
                        f"recovery of {_time(seconds)} is shorter than the bout before it ({_time(bout.duration_s)})",
                    )
        for number, letter in enumerate(shape.tokens, start=1):
            step = shape.segments[number - 1].step
            if letter == "R" and step.speed.exact_kmh > context.forward_kmh:
                yield Violation(
                    "S5",
                    week,
                    session,
                    number,
                    f"forward recovery at {step.speed} is faster than the forward speed {context.forward()}",
                )


def s6_constant_bouts(context: Context) -> Iterator[Violation]:
    """S6 Constant bout settings.

    Speed and incline stay the same during a backward bout; inclines change only
    during forward or transition segments.

    Evidence: PT advice to pick a pace and keep it, because the console is behind a backward walker [S2].
    """
    for week, session, shape in context.sessions():
        for bout in shape.bouts:
            first = bout.segments[0].step
            for offset, segment in enumerate(bout.segments[1:], start=1):
                if segment.step.speed != first.speed or segment.step.incline != first.incline:
                    yield Violation(
                        "S6",
                        week,
                        session,
                        bout.first + offset + 1,
                        f"speed or incline changes during a backward bout (from {first.speed} at "
                        f"{first.incline} to {segment.step.speed} at {segment.step.incline})",
                    )
            if bout.first > 0:
                before = shape.segments[bout.first - 1].step
                if before.incline != first.incline:
                    yield Violation(
                        "S6",
                        week,
                        session,
                        bout.first + 1,
                        f"incline changes from {before.incline} to {first.incline} as the backward bout "
                        "starts; change it during the transition before",
                    )


def s7_speed_bounds(context: Context) -> Iterator[Violation]:
    """S7 Speed bounds.

    The treadmill's slowest <= backward speed <= min(f_max x F, level cap, treadmill's
    fastest), and always below F; F itself within the accepted range (2.0-6.5 km/h).

    Evidence: the fraction bands and caps are design choices anchored on "about half your forward pace" [S2],
    Fritz 2013's 0.6 m/s faller threshold and lab speeds of young adults (3-6.4 km/h) [S].
    """
    level = context.level
    show = context.speed
    low, high = context.rules.forward_speed_range_kmh
    if not low <= context.forward_kmh <= high:
        yield Violation(
            "S7",
            None,
            None,
            None,
            f"the forward speed {context.forward()} is outside the accepted {show(low)} to {show(high)}",
        )
    ceiling = level.backward_speed_ceiling(context.forward_kmh, context.treadmill.max_speed.exact_kmh)
    for week, session, shape in context.sessions():
        for bout in shape.bouts:
            speed = bout.segments[0].step.speed
            number = bout.first + 1
            if speed.exact_kmh > ceiling:
                yield Violation(
                    "S7",
                    week,
                    session,
                    number,
                    f"backward speed {speed} is above {show(ceiling)} (the lowest of "
                    f"{float(level.fraction_band[1]):.2f} times {context.forward()}, the "
                    f"{level.level.value} cap {show(level.backward_cap_kmh)} and the treadmill's "
                    f"{context.treadmill.max_speed})",
                )
            if speed.exact_kmh >= context.forward_kmh:
                yield Violation(
                    "S7",
                    week,
                    session,
                    number,
                    f"backward speed {speed} is not below the forward speed {context.forward()}",
                )
            if speed < context.treadmill.min_speed:
                yield Violation(
                    "S7",
                    week,
                    session,
                    number,
                    f"backward speed {speed} is below the treadmill's slowest {context.treadmill.min_speed}",
                )


def s8_incline_bounds(context: Context) -> Iterator[Violation]:
    """S8 Incline bounds.

    Never a decline while walking backward; every step of a rehab or beginner session flat;
    every step at most 4 % for intermediate and 10 % for advanced; above 5 % the backward speed is at most
    0.60 x F.

    Evidence: Blog B warns that slopes raise fall risk (a blog post) [S2]; Cha 2016 trained at 10 % and 3 km/h;
    Hooper 2004 tested 5-10 % [S].
    """
    level = context.level
    threshold, fraction = level.incline_threshold_pct, level.fraction_above_incline
    for week, session, shape in context.sessions():
        for number, segment in enumerate(shape.segments, start=1):
            step = segment.step
            incline = Fraction(step.incline.tenths, 10)
            backward = step.direction is Direction.BACKWARD
            if incline < 0 and backward:
                yield Violation("S8", week, session, number, f"backward walking on a decline ({step.incline})")
            elif incline > level.incline_max_pct:
                yield Violation(
                    "S8",
                    week,
                    session,
                    number,
                    f"incline {step.incline} is above the {level.level.value} limit of {_pct(level.incline_max_pct)}",
                )
            if backward and threshold is not None and fraction is not None and incline > threshold:
                limit = fraction * context.forward_kmh
                if step.speed.exact_kmh > limit and not step.belt_stopped:
                    yield Violation(
                        "S8",
                        week,
                        session,
                        number,
                        f"above {_pct(threshold)} incline the backward speed must be at most "
                        f"{float(fraction):.2f} times {context.forward()} = {context.speed(limit)}, not "
                        f"{step.speed}",
                    )


def s9_handrails(context: Context) -> Iterator[Violation]:
    """S9 Handrails.

    Backward bouts are walked holding the handrails in every rehab week and in beginner weeks
    1-2; every transition (turning around) holds the rails when the treadmill has them.

    Evidence: press-quoted physical therapists: "hands on rails" [S2]; ASTM F2115 requires handrails [S]. The seed
    blog posts mention a walking stick or cane only, never treadmill rails. The safety key
    is required too; every file and report carries that in the safety note.
    """
    level = context.level
    rails = context.treadmill.handrails
    if not rails and (level.handrail_weeks is None or level.handrail_weeks > 0):
        yield Violation(
            "S9",
            None,
            None,
            None,
            f"a {level.level.value} plan needs a treadmill with handrails; {context.treadmill.name} has none",
        )
        return
    for week, session, shape in context.sessions():
        required = rails and level.handrails_in_week(week)
        for number, segment in enumerate(shape.segments, start=1):
            step = segment.step
            is_bout = shape.tokens[number - 1] == "B"
            if ((required and is_bout) or (rails and step.kind is StepKind.TRANSITION)) and not step.hold_handrails:
                what = "backward walking" if is_bout else "turning around"
                yield Violation("S9", week, session, number, f"hold the handrails while {what} in week {week}")


def s10_bouts(context: Context) -> Iterator[Violation]:
    """S10 Bouts.

    The number of backward bouts per session within the level's range (rehab 4 to 6, beginner 4 to 5,
    intermediate and advanced 4 to 6), so a session has at most two turn-arounds per bout (T6); every bout
    lasts a whole number of time steps (15 s).

    Evidence: design choice [D]; turning around has no evidence at all, so their number is limited (T6).
    """
    level, grain = context.level, context.rules.granularity_s
    low, high = level.bouts
    for week, session, shape in context.sessions():
        if not low <= len(shape.bouts) <= high:
            yield Violation(
                "S10",
                week,
                session,
                None,
                f"{len(shape.bouts)} backward bouts; the {level.level.value} level has {_count(low, high)}",
            )
        for bout in shape.bouts:
            if bout.duration_s % grain:
                yield Violation(
                    "S10",
                    week,
                    session,
                    bout.first + 1,
                    f"backward bout of {_time(bout.duration_s)} is not a whole number of {grain}-second steps",
                )


def t3_quiet_turns(context: Context) -> Iterator[Violation]:
    """T3 Quiet turn-arounds.

    The incline never changes during a turn-around: every transition step has the incline of the
    backward bout it leads into or out of. Incline changes happen while walking forward.

    Evidence: none; turning around has no study at all [D]. An unexpected change of the belt destabilises
    walkers (trip and slip studies use sudden belt changes on purpose) [S].
    """
    for week, session, shape in context.sessions():
        for first, turn in shape.turns:
            neighbours = [i for i in (first - 1, first + len(turn)) if 0 <= i < len(shape.tokens)]
            bout = next((shape.segments[i].step for i in neighbours if shape.tokens[i] == "B"), None)
            if bout is None:
                continue
            for offset, segment in enumerate(turn):
                if segment.step.incline != bout.incline:
                    yield Violation(
                        "T3",
                        week,
                        session,
                        first + offset + 1,
                        f"the incline changes during a turn-around ({segment.step.incline} while the backward "
                        f"bout is at {bout.incline}); change it while walking forward",
                    )


def t4_turn_length(context: Context) -> Iterator[Violation]:
    """T4 Turn-around mode and length.

    A turn-around with the belt stopped ends when the walker presses the lap button and is expected
    to last at most 60 s; one on a slowly moving belt lasts 15 to 30 s and is allowed only where the level
    lets the walker opt in to slow turns (intermediate and advanced) on a treadmill with handrails.

    Evidence: none; no study says how walkers turned around [D]. Belts take time to stop and restart.
    """
    rules, level = context.rules, context.level
    low, high = rules.slow_turn_range_s
    slow_ok = level.slow_turns_allowed and context.treadmill.handrails
    for week, session, shape in context.sessions():
        for first, turn in shape.turns:
            stopped = [segment for segment in turn if segment.step.belt_stopped]
            if stopped:
                for offset, segment in enumerate(turn):
                    if segment.step.belt_stopped and segment.duration.exact > rules.stopped_turn_max_s:
                        yield Violation(
                            "T4",
                            week,
                            session,
                            first + offset + 1,
                            f"a stopped-belt turn-around expected to last {_time(segment.duration.exact)}, more "
                            f"than {_time(rules.stopped_turn_max_s)}",
                        )
                continue
            seconds = sum((segment.duration.exact for segment in turn), Fraction(0))
            if not low <= seconds <= high:
                yield Violation(
                    "T4",
                    week,
                    session,
                    first + 1,
                    f"a turn-around on a moving belt lasts {_time(seconds)}, not {_time(low)} to {_time(high)}",
                )
            if not slow_ok:
                where = f"the {level.level.value} level" if not level.slow_turns_allowed else context.treadmill.name
                yield Violation(
                    "T4",
                    week,
                    session,
                    first + 1,
                    f"a turn-around on a moving belt; {where} needs the belt stopped to turn",
                )


_RAIL_WORDS = re.compile(r"\b(hand)?rails?\b", re.IGNORECASE)
_HOLD_RAILS = re.compile(r"\bhold (the )?(hand)?rails?\b", re.IGNORECASE)


def t7_cues_fit_the_device(context: Context) -> Iterator[Violation]:
    """T7 Cues match the device.

    A treadmill without handrails never gets a cue that mentions rails; a cue that says to hold the
    rails belongs to a step that asks for them (its handrail flag).

    Evidence: none [D]; a walking pad often has no handrails (ASTM F2115 requires them) [S, M].
    """
    rails = context.treadmill.handrails
    for week, session, shape in context.sessions():
        for number, segment in enumerate(shape.segments, start=1):
            step = segment.step
            if step.cue is None:
                continue
            if not rails and _RAIL_WORDS.search(step.cue):
                yield Violation(
                    "T7",
                    week,
                    session,
                    number,
                    f"the cue {step.cue!r} mentions rails; {context.treadmill.name} has none",
                )
            elif _HOLD_RAILS.search(step.cue) and not step.hold_handrails:
                yield Violation(
                    "T7",
                    week,
                    session,
                    number,
                    f"the cue {step.cue!r} says to hold the rails, but the step does not ask for them",
                )


# --- week rules -----------------------------------------------------------------------------------


def w1_sessions_in_week(context: Context) -> Iterator[Violation]:
    """W1 Sessions in a week.

    Every session of a week has the same backward speed and incline, and backward time never falls
    within the week nor rises from one session to the next by more than the weekly volume cap allows (W4).

    Evidence: design choice, so that a week is one step of the progression.
    """
    rules = context.rules
    for week, shapes in enumerate(context.shapes, start=1):
        for session in range(1, len(shapes)):
            before, now = shapes[session - 1], shapes[session]
            if now.backward_s < before.backward_s:
                yield Violation(
                    "W1",
                    week,
                    session + 1,
                    None,
                    f"backward time falls within the week: {_time(before.backward_s)} then {_time(now.backward_s)}",
                )
            elif now.backward_s > rules.volume_limit(before.backward_s):
                yield Violation(
                    "W1",
                    week,
                    session + 1,
                    None,
                    f"backward time jumps within the week from {_time(before.backward_s)} to "
                    f"{_time(now.backward_s)}, more than {_time(rules.volume_limit(before.backward_s))}",
                )
            if (now.speed_kmh, now.incline_pct) != (before.speed_kmh, before.incline_pct):
                yield Violation(
                    "W1",
                    week,
                    session + 1,
                    None,
                    f"backward speed or incline changes within the week ({context.speed(before.speed_kmh)} at "
                    f"{_pct(before.incline_pct)}, then {context.speed(now.speed_kmh)} at {_pct(now.incline_pct)})",
                )


def _week_pairs(context: Context) -> Iterator[tuple[int, WeekLoad, WeekLoad, WeekLoad]]:
    """(week number, week before, last non-deload week before, this week) from week 2 on."""
    loads = context.loads
    deloads = [load.deload for load in loads]
    for index in range(1, len(loads)):
        yield index + 1, loads[index - 1], loads[reference_index(deloads, index)], loads[index]


def w2_one_variable(context: Context) -> Iterator[Violation]:
    """W2 One variable at a time.

    From one week to the next, at most one of backward time, backward speed and
    backward incline rises.

    Evidence: PT advice and Cardiac College: "only make changes in one area at a time" [S, S2].
    """
    for week, before, _, now in _week_pairs(context):
        rises = progressed(before, before, now)
        if len(rises) > 1:
            yield Violation("W2", week, None, None, f"{rise_names(rises)} rise in the same week")


def w3_monotonic(context: Context) -> Iterator[Violation]:
    """W3 Monotonicity.

    Backward time, speed and incline never fall, except backward time in a deload week; speed
    and incline never rise in a deload week.

    Evidence: design choice for a steady progression.
    """
    for week, before, _, now in _week_pairs(context):
        if now.backward_s < before.backward_s and not now.deload:
            yield Violation(
                "W3",
                week,
                None,
                None,
                f"backward time falls from {_time(before.backward_s)} to {_time(now.backward_s)} in a "
                "week that is not a deload week",
            )
        for name, old, new, show in (
            ("speed", before.speed_kmh, now.speed_kmh, context.speed),
            ("incline", before.incline_pct, now.incline_pct, _pct),
        ):
            if new < old:
                yield Violation("W3", week, None, None, f"backward {name} falls from {show(old)} to {show(new)}")
            if new > old and now.deload:
                yield Violation("W3", week, None, None, f"backward {name} rises in a deload week")


def w4_volume_cap(context: Context) -> Iterator[Violation]:
    """W4 Volume cap.

    B <= B_ref + max(25 % of B_ref, 2 minutes), where B_ref is the last week that was not a
    deload (``ProgressionRules.volume_limit``).

    Evidence: forward-running data only: Buist 2008 found +24 %/week no riskier than +10 %, Nielsen 2014 more
    injuries above +30 % [S]; the 2-minute floor follows Blog A's 2-5 -> 5-10 minutes (a blog post) [S2].
    """
    rules = context.rules
    for week, _, reference, now in _week_pairs(context):
        limit = rules.volume_limit(reference.backward_s)
        if now.backward_s > limit:
            yield Violation(
                "W4",
                week,
                None,
                None,
                f"backward time {_time(now.backward_s)} is more than {_time(limit)}: "
                f"{_time(reference.backward_s)} plus {_time(rules.volume_rise(reference.backward_s))}, the larger "
                f"of {float(rules.volume_ratio):.0%} and {_time(rules.volume_floor_s)}",
            )


def w5_deload(context: Context) -> Iterator[Violation]:
    """W5 Deload.

    A deload week has 60-80 % of the week before's backward time; the level's deload weeks
    (intermediate week 4, advanced weeks 4 and 8) are deload weeks; and a deload comes after at most 3
    consecutive progression weeks once backward time reaches 15 minutes.

    Evidence: none specific to backward walking; a common training design choice [D].
    """
    rules = context.rules
    low, high = rules.deload_range
    for week, before, _, now in _week_pairs(context):
        lowest, highest = rules.deload_bounds(before.backward_s)
        if now.deload and not lowest <= now.backward_s <= highest:
            yield Violation(
                "W5",
                week,
                None,
                None,
                f"deload week has {_time(now.backward_s)} backward, not {float(low):.0%}-"
                f"{float(high):.0%} of {_time(before.backward_s)}",
            )
    for week in context.level.deload_weeks:
        if week <= len(context.loads) and not context.loads[week - 1].deload:
            yield Violation("W5", week, None, None, f"week {week} must be a deload week at this level")
    for index, run in enumerate(progression_runs(context.loads, rules.deload_from_s)):
        if run > rules.deload_after_weeks:
            yield Violation(
                "W5",
                index + 1,
                None,
                None,
                f"{run} progression weeks in a row at {_time(rules.deload_from_s)} or more backward "
                f"without a deload (at most {rules.deload_after_weeks})",
            )


def w6_speed_steps(context: Context) -> Iterator[Violation]:
    """W6 Speed steps.

    The backward speed rises by at most 0.05 x F and at most 0.3 km/h a week.

    Evidence: Heath 2001: at a fixed speed, oxygen cost fell 19 % in 4 weeks, so small steps suffice [S].
    """
    rules = context.rules
    limit = rules.speed_step_limit(context.forward_kmh)
    show = context.speed
    for week, before, _, now in _week_pairs(context):
        if now.speed_kmh - before.speed_kmh > limit:
            yield Violation(
                "W6",
                week,
                None,
                None,
                f"backward speed rises by {show(now.speed_kmh - before.speed_kmh)}, more than {show(limit)} in a week",
            )


def w7_incline_steps(context: Context) -> Iterator[Violation]:
    """W7 Incline steps.

    The incline rises by at most 2 percentage points a week, and is above 0 only after 8
    completed backward-walking weeks and the beginner level.

    Evidence: design choice; inclines add cost and fall risk (Blog B, a blog post [S2]; Hooper 2004 +17-20 %
    %HRmax [S]).
    """
    rules = context.rules
    level = context.level
    for week, before, _, now in _week_pairs(context):
        if now.incline_pct - before.incline_pct > rules.incline_step_pct:
            yield Violation(
                "W7",
                week,
                None,
                None,
                f"incline rises by {_pct(now.incline_pct - before.incline_pct)}, more than "
                f"{_pct(rules.incline_step_pct)} in a week",
            )
    for week, load in enumerate(context.loads, start=1):
        completed = level.completed_weeks_before + week - 1
        if load.incline_pct > 0 and (completed < rules.incline_after_weeks or not level.beginner_completed_before):
            yield Violation(
                "W7",
                week,
                None,
                None,
                f"incline {_pct(load.incline_pct)} after {completed} completed backward weeks; inclines "
                f"come only after {rules.incline_after_weeks} weeks and the beginner level",
            )


def w8_frequency(context: Context) -> Iterator[Violation]:
    """W8 Frequency.

    Sessions per week within the level's bounds; in rehab and beginner plans no two sessions on
    consecutive days (so every session needs a weekday).

    Evidence: Alghadir 3/week [S]; ACSM's initial stage, 3 sessions on non-consecutive days [S2].
    """
    level = context.level
    plan = context.plan
    fewest, most = level.sessions_per_week
    base = plan.start.weekday() if plan.start is not None else 0
    days: list[tuple[int, int, int]] = []
    for week_number, week in enumerate(plan.weeks, start=1):
        if not fewest <= len(week.sessions) <= most:
            yield Violation(
                "W8",
                week_number,
                None,
                None,
                f"{len(week.sessions)} sessions; the {level.level.value} level has {_count(fewest, most)}",
            )
        for session_number, session in enumerate(week.sessions, start=1):
            if not level.nonconsecutive_days:
                continue
            if session.weekday is None:
                yield Violation(
                    "W8",
                    week_number,
                    session_number,
                    None,
                    "give every session a weekday, so that no two fall on consecutive days",
                )
                continue
            day = 7 * (week_number - 1) + (session.weekday - base) % 7
            days.append((day, week_number, session_number))
    for (day, _, _), (next_day, week_number, session_number) in itertools.pairwise(days):
        if next_day - day <= 1:
            yield Violation(
                "W8",
                week_number,
                session_number,
                None,
                "backward walking on consecutive days; leave a day between sessions",
            )


def w9_recovery_length(context: Context) -> Iterator[Violation]:
    """W9 Promotion.

    A plan stays within one level, where recovery between bouts never shortens; it may shorten
    only at a level boundary (a new plan for the next level, entered after the last week of this one).

    Evidence: design choice.
    """
    shortest: list[Fraction | None] = []
    for shapes in context.shapes:
        values = [s.shortest_recovery_s for s in shapes if s.shortest_recovery_s is not None]
        shortest.append(min(values) if values else None)
    previous: Fraction | None = None
    for week, value in enumerate(shortest, start=1):
        if value is None:
            continue
        if previous is not None and value < previous:
            yield Violation(
                "W9", week, None, None, f"recovery shortens from {_time(previous)} to {_time(value)} within a level"
            )
        previous = value


def w10_entry_dose(context: Context) -> Iterator[Violation]:
    """W10 Entry dose.

    Week 1 of a plan asks no more than the level's first week: no more backward time, and no faster than
    that week's fraction of F (or the treadmill's slowest, where that is faster). Inclines are rule W7's.

    Evidence: Blog A's short first sessions (2-5 minutes) and Blog B's short start (blog posts) [S2]; the
    numbers are the level's own week 1 [D].
    """
    if not context.loads:
        return
    level, first = context.level, context.loads[0]
    entry = level.entry
    speed_limit = level.entry_speed_ceiling(context.forward_kmh, context.treadmill.max_speed.exact_kmh)
    slowest = context.treadmill.min_speed.exact_kmh
    if first.backward_s > entry.backward_s:
        yield Violation(
            "W10",
            1,
            None,
            None,
            f"week 1 has {_time(first.backward_s)} of backward walking, more than the {level.level.value} "
            f"level's first week ({_time(entry.backward_s)})",
        )
    if first.speed_kmh > max(speed_limit, slowest):
        yield Violation(
            "W10",
            1,
            None,
            None,
            f"week 1 walks backward at {context.speed(first.speed_kmh)}, faster than the {level.level.value} "
            f"level's first week allows ({context.speed(max(speed_limit, slowest))})",
        )


# --- treadmill rules ------------------------------------------------------------------------------


def h1_treadmill_range(context: Context) -> Iterator[Violation]:
    """H1 Treadmill limits.

    Every speed and incline within the treadmill's range, and handrails asked for only
    on a treadmill that has them.

    Evidence: treadmills differ (slowest 0.3-1.6 mph, incline 0-15 % or more); read the limits from the machine
    (FTMS) or ask the user.
    """
    treadmill = context.treadmill
    for week, session, shape in context.sessions():
        for number, segment in enumerate(shape.segments, start=1):
            step = segment.step
            if not treadmill.fits_speed(step.speed):
                yield Violation(
                    "H1",
                    week,
                    session,
                    number,
                    f"speed {step.speed} is outside the treadmill's {treadmill.min_speed} to {treadmill.max_speed}",
                )
            if not treadmill.fits_incline(step.incline):
                yield Violation(
                    "H1",
                    week,
                    session,
                    number,
                    f"incline {step.incline} is outside the treadmill's {treadmill.min_incline} to "
                    f"{treadmill.max_incline}",
                )
            if step.hold_handrails and not treadmill.handrails:
                yield Violation("H1", week, session, number, f"asks to hold handrails; {treadmill.name} has none")


def h2_treadmill_grid(context: Context) -> Iterator[Violation]:
    """H2 Treadmill increments.

    Every speed and incline is one the console can set exactly (backward speeds and
    inclines are rounded down to it, forward speeds to the nearest).

    Evidence: treadmill consoles step by 0.1 km/h or 0.1 mph (some 0.5) and 0.5 % of incline (qdomyos-zwift).
    """
    treadmill = context.treadmill
    for week, session, shape in context.sessions():
        for number, segment in enumerate(shape.segments, start=1):
            step = segment.step
            if not treadmill.on_speed_grid(step.speed):
                yield Violation(
                    "H2",
                    week,
                    session,
                    number,
                    f"speed {step.speed} is not a setting of the treadmill (steps of "
                    f"{Speed(treadmill.speed_increment_tenths, treadmill.unit)})",
                )
            if not treadmill.on_incline_grid(step.incline):
                yield Violation(
                    "H2",
                    week,
                    session,
                    number,
                    f"incline {step.incline} is not a setting of the treadmill (steps of "
                    f"{treadmill.incline_increment_tenths / 10:g} %)",
                )


#: Every rule by ID, in report order.
RULES: dict[str, Rule] = {
    "S1": s1_shape,
    "S2": s2_warmup,
    "S3": s3_cooldown,
    "S4": s4_caps,
    "S5": s5_recovery,
    "S6": s6_constant_bouts,
    "S7": s7_speed_bounds,
    "S8": s8_incline_bounds,
    "S9": s9_handrails,
    "S10": s10_bouts,
    "T3": t3_quiet_turns,
    "T4": t4_turn_length,
    "T7": t7_cues_fit_the_device,
    "W1": w1_sessions_in_week,
    "W2": w2_one_variable,
    "W3": w3_monotonic,
    "W4": w4_volume_cap,
    "W5": w5_deload,
    "W6": w6_speed_steps,
    "W7": w7_incline_steps,
    "W8": w8_frequency,
    "W9": w9_recovery_length,
    "W10": w10_entry_dose,
    "H1": h1_treadmill_range,
    "H2": h2_treadmill_grid,
}


def check(
    plan: Plan,
    treadmill: Treadmill | None = None,
    rules: ProgressionRules = DEFAULT_RULES,
    *,
    level: Level | None = None,
    forward_speed: Speed | None = None,
) -> list[Violation]:
    """Every rule violation of a plan, in rule order (an empty list when the plan follows every rule).

    Args:
        plan: The plan to check (generated or written by hand).
        treadmill: The treadmill to check against; the plan's own, else the default profile.
        rules: The parameters to check against; the evidence defaults unless a clinician sets their own.
        level: The level's rules to apply; the plan's own level when None.
        forward_speed: The walker's comfortable forward speed F; the plan's own when None.

    Raises:
        ValidationError: Neither the plan nor the arguments give a level or a forward speed.
    """
    chosen_level = level or plan.level
    if chosen_level is None:
        raise ValidationError("level", None, "the plan has no level; pass level= to say which level's rules apply")
    speed = forward_speed or plan.forward_speed
    if speed is None:
        raise ValidationError("forward_speed", None, "the plan has no forward speed; pass forward_speed=")
    shapes = tuple(tuple(SessionShape.of(session.workout) for session in week.sessions) for week in plan.weeks)
    context = Context(
        plan=plan,
        treadmill=treadmill or plan.treadmill or DEFAULT,
        rules=rules,
        level=rules.level(chosen_level),
        forward_kmh=speed.exact_kmh,
        shapes=shapes,
        loads=tuple(WeekLoad.of_sessions(s, week.deload) for s, week in zip(shapes, plan.weeks, strict=True)),
    )
    return [violation for rule in RULES.values() for violation in rule(context)]
