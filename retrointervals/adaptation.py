"""What the log and the recordings decide for the next week, and the plan made again from there.

The runtime rules of the evidence notes (§9.4: R1 hold, R2 missed sessions and gaps, R4 progress, R5 step back,
R6 stop, R7 order, R8 missing data) as data: each ``DecisionRule`` has an ID, the action it leads to, its text,
and its tag: ``[S]`` from a source, ``[S2]`` from a secondary source, ``[D]`` a design choice of this library. Every
threshold is [D] or [S2], borrowed from other conditions; none was tested in backward walking (notes §7 item 11).
The numbers live in ``RuntimeRules``; a clinician overrides them under ``"runtime"`` in the same rules file
``retrointervals check --rules`` reads (``runtime_rules_from_json``).

``decide`` makes one decision per plan week, in order (R7: R6, then R5, then R2, then R1, then R4; the first that
fires decides). ``adapt`` keeps every week already walked as it was and makes the rest again from the last
decision: the next planned weeks (progress), the last week again (repeat), or a lighter week and then the last week
again (step back). Missed weeks stay in the plan as they were, so the dates of everything after them move on.

The log has no pre-session pain rating, so "settled" means next-morning pain no higher than the green band [D];
the log's one ``stumble`` column tells a stumble, a near-fall and a fall apart. The rules report and adjust; they do
not diagnose. Whenever R6 fires the walker is told to see a clinician before walking again.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
from collections.abc import Callable, Sequence
from fractions import Fraction

import attrs

from retrointervals.errors import ValidationError
from retrointervals.model import MAX_WEEKS, Direction, Plan, Repeat, Session, Step, StepKind, Week, Workout
from retrointervals.plans import DEFAULT_RULES, ProgressionRules, check
from retrointervals.plans.generate import session_code
from retrointervals.plans.loads import SessionShape, WeekLoad, progressed
from retrointervals.review import SessionReview
from retrointervals.sessionlog import Balance, LogEntry, Status, format_session
from retrointervals.units import Duration

__all__ = [
    "DECISION_RULES",
    "DEFAULT_RUNTIME_RULES",
    "Action",
    "Adaptation",
    "Decision",
    "DecisionRule",
    "RuntimeRules",
    "adapt",
    "decide",
    "rules_file",
    "runtime_rules_from_json",
]


class Action(enum.Enum):
    """What the next week does."""

    PROGRESS = "progress"
    REPEAT = "repeat"
    STEP_BACK = "step_back"
    STOP = "stop"


@attrs.frozen
class DecisionRule:
    """One runtime rule: its ID, what it leads to, what it says, and where it comes from."""

    id: str
    action: Action
    text: str
    tag: str
    source: str


#: The runtime rules, in the decision order of R7.
DECISION_RULES: tuple[DecisionRule, ...] = (
    DecisionRule("R6b", Action.STOP, "a fall", "[D]", "fall definition from NCT02688777 [S]"),
    DecisionRule(
        "R6e",
        Action.STOP,
        "red pain in two sessions in a row, or three sessions not settled within 14 days",
        "[D]",
        "pain bands [S2: bim.physio, southsidephysio]",
    ),
    DecisionRule("R6f", Action.STOP, "a third step back within the plan", "[D]", "design choice"),
    DecisionRule(
        "R5a",
        Action.STEP_BACK,
        "a session with red pain (above the amber band) during or after",
        "[S2]",
        "pain-monitoring model, Silbernagel 2007 as quoted [S2]",
    ),
    DecisionRule("R5b", Action.STEP_BACK, "pain not settled by the next morning", "[S2]", "pain-monitoring model [S2]"),
    DecisionRule(
        "R5c",
        Action.STEP_BACK,
        "weekly pain after sessions rising by a point or more",
        "[S2]",
        "pain must not climb week to week [S2]; the 1-point step is [D]",
    ),
    DecisionRule("R5d", Action.STEP_BACK, "effort 16 or more (Borg 6-20)", "[D]", "ACSM intensity bands [S]"),
    DecisionRule("R5e", Action.STEP_BACK, "two stumbles, or a near-fall, in the week", "[D]", "design choice"),
    DecisionRule("R5f", Action.STEP_BACK, "the same week held twice in a row", "[D]", "design choice"),
    DecisionRule(
        "R2c",
        Action.REPEAT,
        "a gap since the last session: 7-13 days repeat, 14-27 step back, 28 or more stop and re-screen",
        "[D]",
        "return-to-training consensus for athletes after 2 weeks off, as analogy [S]",
    ),
    DecisionRule("R2b", Action.REPEAT, "a session of the week was missed (no log, no recording)", "[D]", "design"),
    DecisionRule(
        "R1a",
        Action.REPEAT,
        "a session not complete (partial, skipped, or compliance below the green band)",
        "[D]",
        "design choice",
    ),
    DecisionRule(
        "R1b", Action.REPEAT, "effort 14 or 15 (Borg 6-20)", "[S]", "Cardiac College: do not progress above 13"
    ),
    DecisionRule("R1c", Action.REPEAT, "amber pain (4-5) that settled", "[S2]", "pain-monitoring bands [S2]"),
    DecisionRule("R1d", Action.REPEAT, "one stumble", "[D]", "design choice"),
    DecisionRule(
        "R1h",
        Action.REPEAT,
        "effort or pain unknown (no log entry, or an empty rating): rule R8",
        "[D]",
        "a recording alone never progresses a plan",
    ),
    DecisionRule(
        "R4c",
        Action.REPEAT,
        "effort above 11 before a week that raises speed or incline",
        "[D]",
        "Cardiac College < 11 for progressing intensity; ACSM light 9-11 [S]",
    ),
    DecisionRule(
        "R4",
        Action.PROGRESS,
        "every session complete, effort at most 13, pain green and settled, no stumble",
        "[S]",
        "Cardiac College progress gate (RPE <= 13) [S]; green pain only is [D]",
    ),
)
_RULES_BY_ID = {rule.id: rule for rule in DECISION_RULES}


@attrs.frozen(kw_only=True)
class RuntimeRules:
    """The numbers of the runtime rules (evidence notes §6.6 ``runtime``); all [D] or [S2] unless noted."""

    #: Pain bands on 0-10: green at most this [S2] ...
    pain_green_max: int = 3
    #: ... amber at most this [S2]; above is red.
    pain_amber_max: int = 5
    #: Weekly rise of mean pain after sessions that steps back, points (R5c).
    weekly_pain_rise: float = 1.0
    #: Highest effort (Borg 6-20) that still progresses (R4) [S: Cardiac College].
    rpe_progress_max: int = 13
    #: Highest effort before a week that raises speed or incline (R4c).
    rpe_intensity_max: int = 11
    #: Effort at or above this steps back (R5d).
    rpe_step_back_min: int = 16
    #: Sessions with a stumble in a week that step back (R5e); one holds (R1d).
    stumbles_step_back: int = 2
    #: Step backs before a stop (R6f): the third one stops.
    step_backs_before_stop: int = 3
    #: Red sessions in a row that stop (R6e).
    red_sessions_stop: int = 2
    #: Sessions not settled within ``unsettled_window_days`` that stop (R6e).
    unsettled_stop: int = 3
    unsettled_window_days: int = 14
    #: Gap rule R2c, days since the last session walked.
    gap_repeat_days: int = 7
    gap_step_back_days: int = 14
    gap_stop_days: int = 28
    #: Compliance below this counts as an incomplete session (R1a); the green band's edge.
    compliance_complete: float = 0.8


DEFAULT_RUNTIME_RULES = RuntimeRules()


def runtime_rules_from_json(text: str | bytes, source: str = "") -> RuntimeRules:
    """The ``"runtime"`` object of a rules file (other keys belong to ``check``), over the defaults.

    Raises:
        FormatError: Not JSON, or an unknown setting or a value of the wrong kind (the message names it).
    """
    from retrointervals._rules_file import runtime_from_json  # noqa: PLC0415 - it imports this module

    return runtime_from_json(text, source)


def rules_file(text: str | bytes, source: str = "") -> tuple[ProgressionRules, RuntimeRules]:
    """Both halves of a clinician's rules file: the progression settings ``check`` reads, and ``"runtime"``.

    Raises:
        FormatError: The file is not valid (the message names the setting).
    """
    from retrointervals.plans.levels import rules_from_json  # noqa: PLC0415

    runtime = runtime_rules_from_json(text, source)
    data = json.loads(text)
    data.pop("runtime", None)
    return rules_from_json(json.dumps(data), source), runtime


@attrs.frozen
class Decision:
    """The decision for the week after ``week``.

    Attributes:
        week: The plan week decided on, from 1.
        action: What the next week does.
        rules: The IDs of the rules that decided it.
        reasons: Why, in words, one per rule.
    """

    week: int
    action: Action
    rules: tuple[str, ...]
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """The documented JSON object (``decision`` in ``retrointervals review --json``)."""
        return {
            "week": self.week,
            "action": self.action.value,
            "rules": list(self.rules),
            "reasons": list(self.reasons),
        }


@attrs.define
class _History:
    actions: list[Action] = attrs.Factory(list)
    red_streak: int = 0
    unsettled: list[dt.date] = attrs.Factory(list)
    passed_pain_after: float | None = None


def _settled(review: SessionReview, rules: RuntimeRules) -> bool | None:
    entry = review.entry
    if entry is None or entry.pain_next_morning is None:
        return None
    return entry.pain_next_morning <= rules.pain_green_max


def _raises_intensity(plan: Plan, week: int) -> bool:
    """Whether the plan's week after ``week`` raises backward speed or incline."""
    if week >= len(plan.weeks):
        return False
    before, after = (_load(plan.weeks[index]) for index in (week - 1, week))
    return bool(progressed(before, before, after) & {"speed", "incline"})


def _load(week: Week) -> WeekLoad:
    return WeekLoad.of_sessions([SessionShape.of(session.workout) for session in week.sessions], week.deload)


def decide(
    plan: Plan,
    reviews: Sequence[SessionReview],
    *,
    today: dt.date | None = None,
    rules: RuntimeRules = DEFAULT_RUNTIME_RULES,
) -> tuple[Decision, ...]:
    """One decision per week walked so far, in order (the last one decides the next week).

    Args:
        plan: The plan.
        reviews: Reviews of its sessions (``review_session``); a session with none counts as missed.
        today: Decides which weeks are over (all of a week's dates before today) and the gap rule R2c; without
            it, or for a plan without dates, the weeks up to the last one reviewed count as walked.
        rules: The runtime rules' numbers.
    """
    by_session = {review.session: review for review in reviews}
    count = _weeks_walked(plan, by_session, today)
    history = _History()
    decisions = []
    for week in range(1, count + 1):
        sessions = [
            by_session.get(format_session(week, number)) or _missed(plan, week, number)
            for number in range(1, len(plan.weeks[week - 1].sessions) + 1)
        ]
        decision = _decide_week(plan, week, sessions, history, rules)
        if week == count and today is not None:
            decision = _gap(decision, reviews, today, rules)
        history.actions.append(decision.action)
        decisions.append(decision)
    return tuple(decisions)


def _weeks_walked(plan: Plan, reviews: dict[str, SessionReview], today: dt.date | None) -> int:
    reviewed = [review.week for review in reviews.values() if not review.missed]
    last_reviewed = max(reviewed, default=0)
    if today is None or plan.start is None:
        return min(last_reviewed, len(plan.weeks))
    over = 0
    for index in range(len(plan.weeks)):
        dates = [plan.session_date(index, number) for number in range(len(plan.weeks[index].sessions))]
        if all(date is not None and date < today for date in dates):
            over = index + 1
    return over


def _missed(plan: Plan, week: int, number: int) -> SessionReview:
    from retrointervals.review import review_session  # noqa: PLC0415 - review imports nothing from here

    return review_session(plan, week, number)


Fire = Callable[[str, str], None]


def _decide_week(
    plan: Plan, week: int, sessions: list[SessionReview], history: _History, rules: RuntimeRules
) -> Decision:
    fired: dict[Action, list[tuple[str, str]]] = {action: [] for action in Action}

    def fire(rule_id: str, reason: str) -> None:
        fired[_RULES_BY_ID[rule_id].action].append((rule_id, reason))

    entries = [review.entry for review in sessions if review.entry is not None]
    _pain_rules(sessions, history, rules, fire)
    _balance_rules(entries, rules, fire)
    _effort_rules(plan, week, entries, rules, fire)
    after = [e.pain_after for e in entries if e.pain_after is not None]
    if after and history.passed_pain_after is not None:
        rise = sum(after) / len(after) - history.passed_pain_after
        if rise >= rules.weekly_pain_rise:
            fire("R5c", f"mean pain after sessions rose by {rise:.1f} points")
    _completeness_rules(sessions, rules, fire)
    step_backs = history.actions.count(Action.STEP_BACK) + 1
    if fired[Action.STEP_BACK] and step_backs >= rules.step_backs_before_stop:
        fire("R6f", f"this would be step back number {step_backs}")
    if not fired[Action.STEP_BACK] and fired[Action.REPEAT] and history.actions[-1:] == [Action.REPEAT]:
        fire("R5f", f"week {week} would be held a second time in a row")
    for action in (Action.STOP, Action.STEP_BACK, Action.REPEAT):
        if fired[action]:
            return _decision(week, action, fired[action])
    if after:
        history.passed_pain_after = sum(after) / len(after)
    return _decision(week, Action.PROGRESS, [("R4", "every session complete, green, settled and logged")])


def _pain_rules(sessions: list[SessionReview], history: _History, rules: RuntimeRules, fire: Fire) -> None:
    """R5a, R5b, R6e and R1c, session by session: red streaks and unsettled mornings carry over weeks."""
    for review in sessions:
        entry = review.entry
        pain = entry.pain_band_value if entry is not None else None
        red = pain is not None and pain > rules.pain_amber_max
        history.red_streak = history.red_streak + 1 if red else (0 if pain is not None else history.red_streak)
        if red:
            fire("R5a", f"{review.session}: pain {pain}/10 is above {rules.pain_amber_max}")
            if history.red_streak >= rules.red_sessions_stop:
                fire("R6e", f"red pain in {history.red_streak} sessions in a row")
        settled = _settled(review, rules)
        if settled is False and entry is not None:
            fire("R5b", f"{review.session}: pain {entry.pain_next_morning}/10 the next morning")
            history.unsettled.append(entry.date)
            window = [d for d in history.unsettled if (entry.date - d).days < rules.unsettled_window_days]
            if len(window) >= rules.unsettled_stop:
                fire("R6e", f"{len(window)} sessions not settled within {rules.unsettled_window_days} days")
        if pain is not None and rules.pain_green_max < pain <= rules.pain_amber_max and settled:
            fire("R1c", f"{review.session}: amber pain {pain}/10")


def _balance_rules(entries: list[LogEntry], rules: RuntimeRules, fire: Fire) -> None:
    """R6b, R5e and R1d."""
    falls = [e for e in entries if e.stumble is Balance.FALL]
    if falls:
        fire("R6b", f"{falls[0].session}: a fall")
    near_falls = [e for e in entries if e.stumble is Balance.NEAR_FALL]
    stumbles = [e for e in entries if e.stumble is Balance.STUMBLE]
    if near_falls or len(stumbles) >= rules.stumbles_step_back:
        fire("R5e", f"{len(stumbles)} stumble(s) and {len(near_falls)} near-fall(s) this week")
    elif stumbles:
        fire("R1d", f"{stumbles[0].session}: a stumble")


def _effort_rules(plan: Plan, week: int, entries: list[LogEntry], rules: RuntimeRules, fire: Fire) -> None:
    """R5d, R1b and R4c on the week's highest effort."""
    top = max((e.rpe for e in entries if e.rpe is not None), default=None)
    if top is None:
        return
    if top >= rules.rpe_step_back_min:
        fire("R5d", f"effort {top} (Borg 6-20)")
    elif top > rules.rpe_progress_max:
        fire("R1b", f"effort {top} (Borg 6-20)")
    elif top > rules.rpe_intensity_max and _raises_intensity(plan, week):
        fire("R4c", f"effort {top} before a week that raises speed or incline")


def _completeness_rules(sessions: list[SessionReview], rules: RuntimeRules, fire: Fire) -> None:
    """R2b, R1a and R1h (R8)."""
    for review in sessions:
        entry = review.entry
        if review.missed:
            fire("R2b", f"{review.session}: missed (no log entry, no recording)")
            continue
        status = entry.status if entry is not None else None
        if status is not None and status is not Status.DONE:
            fire("R1a", f"{review.session}: {status.value}")
        elif review.compliance < rules.compliance_complete:
            fire("R1a", f"{review.session}: compliance {review.compliance:.2f}")
        if entry is None:
            fire("R1h", f"{review.session}: recorded but not logged, so effort and pain are unknown")
        elif entry.rpe is None or entry.pain_next_morning is None or entry.pain_after is None:
            fire("R1h", f"{review.session}: effort or pain not logged")


def _decision(week: int, action: Action, fired: list[tuple[str, str]]) -> Decision:
    ids = tuple(dict.fromkeys(rule_id for rule_id, _ in fired))
    return Decision(week, action, ids, tuple(reason for _, reason in fired))


def _gap(decision: Decision, reviews: Sequence[SessionReview], today: dt.date, rules: RuntimeRules) -> Decision:
    dates = [review.walked_date for review in reviews if review.walked_date is not None]
    if not dates or decision.action is Action.STOP:
        return decision
    days = (today - max(dates)).days
    order = [Action.STOP, Action.STEP_BACK, Action.REPEAT, Action.PROGRESS]
    if days >= rules.gap_stop_days:
        action = Action.STOP
        reason = f"{days} days since the last session: re-screen and start the level again (E7)"
    elif days >= rules.gap_step_back_days:
        action, reason = Action.STEP_BACK, f"{days} days since the last session"
    elif days >= rules.gap_repeat_days:
        action, reason = Action.REPEAT, f"{days} days since the last session"
    else:
        return decision
    if order.index(action) > order.index(decision.action):
        return decision
    if action is decision.action:
        return Decision(decision.week, action, (*decision.rules, "R2c"), (*decision.reasons, reason))
    return Decision(decision.week, action, ("R2c",), (reason,))


# --- adapting the plan ----------------------------------------------------------------------------------------


@attrs.frozen
class Adaptation:
    """The adapted plan and how it came about.

    Attributes:
        plan: The new plan, or None when the decision is to stop (no session is offered until a clinician says so).
        decision: The decision applied (None when no week has been walked yet).
        decisions: Every week's decision, in order.
        walked_weeks: How many weeks stay as they were.
        notes: Anything the walker should know, in words.
    """

    plan: Plan | None
    decision: Decision | None
    decisions: tuple[Decision, ...]
    walked_weeks: int
    notes: tuple[str, ...] = ()


def adapt(
    plan: Plan,
    reviews: Sequence[SessionReview],
    today: dt.date | None = None,
    *,
    rules: RuntimeRules = DEFAULT_RUNTIME_RULES,
    progression: ProgressionRules = DEFAULT_RULES,
) -> Adaptation:
    """Keep the weeks walked, make the rest again from the last decision; the result passes ``check``.

    Raises:
        ValidationError: The plan breaks a progression rule already, or has no level or forward speed.
    """
    if check(plan, rules=progression):
        raise ValidationError("plan", plan.name, "breaks the progression rules already; run `retrointervals check`")
    decisions = decide(plan, reviews, today=today, rules=rules)
    if not decisions:
        return Adaptation(plan, None, (), 0, ("no week walked yet: the plan stays as it is",))
    decision = decisions[-1]
    walked = len(decisions)
    if decision.action is Action.STOP:
        note = "stop and see a clinician before walking again; the plan resumes only when they say so"
        return Adaptation(None, decision, decisions, walked, (note,))
    applied = {Action.REPEAT: _REPEAT_LABEL, Action.STEP_BACK: _STEP_BACK_LABEL}.get(decision.action)
    if walked < len(plan.weeks) and applied is not None and plan.weeks[walked].label == applied:
        # This decision was applied by an earlier run: adapting twice must not add the week twice.
        return Adaptation(plan, decision, decisions, walked, ("already adapted to this decision",))
    prefix = list(plan.weeks[:walked])
    last = plan.weeks[walked - 1]
    inserted: list[Week] = []
    if decision.action is Action.STEP_BACK:
        lighter = _lighter(last, plan, progression)
        inserted = [lighter, _again(last)] if lighter is not None else [_again(last)]
    elif decision.action is Action.REPEAT:
        inserted = [_again(last)]
    rest = [*inserted, *plan.weeks[walked:]]
    candidates = [rest, _deloads_in_place(prefix, rest, plan, progression), inserted[:1], []]
    notes: list[str] = []
    for choice, future in enumerate(candidates):
        weeks = (prefix + [_renumbered(week, walked + offset + 1) for offset, week in enumerate(future)])[:MAX_WEEKS]
        adapted = attrs.evolve(plan, weeks=weeks)
        if check(adapted, rules=progression):
            continue
        if choice == 1:
            notes.append("a lighter week was placed where the level needs a deload week (rule W5)")
        elif choice > 1 and len(weeks) < walked + len(rest):
            notes.append(
                "the rest of the plan could not follow the progression rules after this change and was left out: "
                "adapt again after the next week, or make a new plan (retrointervals plan)"
            )
        return Adaptation(adapted, decision, decisions, walked, tuple(notes))
    raise AssertionError("unreachable: the walked weeks alone pass check")  # pragma: no cover


def _deloads_in_place(prefix: list[Week], rest: list[Week], plan: Plan, progression: ProgressionRules) -> list[Week]:
    """``rest`` with a lighter week wherever the level wants a deload week (rule W5), and no deload twice in a row.

    Repeating or stepping back moves the planned deload weeks later; the level's fixed deload weeks then need one.
    """
    if plan.level is None:
        return rest
    deload_weeks = progression.level(plan.level).deload_weeks
    weeks = list(prefix)
    for week in rest:
        if len(weeks) + 1 in deload_weeks and not week.deload:
            before = weeks[-1]
            lighter = _lighter(before, plan, progression)
            if lighter is not None:
                weeks.append(attrs.evolve(lighter, label="deload"))
                if progressed(_load(before), _load(before), _load(week)) & {"speed", "incline"}:
                    weeks.append(_again(before))  # after a deload only the volume may rise (W2)
        if week.deload and weeks[-1].deload:
            continue
        weeks.append(week)
    return weeks[len(prefix) :]


_REPEAT_LABEL = "repeat"
_STEP_BACK_LABEL = "step back"


def _again(week: Week) -> Week:
    """The week once more; a deload week repeated is a plain week (rule W5 wants a deload lighter than before)."""
    return attrs.evolve(week, label=_REPEAT_LABEL, deload=False)


#: A session tag in a workout name, as the generator writes it (``W01S1``) or as a person might (``W1 S1``).
_NAME_NUMBER = re.compile(r"W\s*\d+\s*S\s*\d+", re.IGNORECASE)
_DESCRIPTION_NUMBER = re.compile(r"^Week \d+")


def _renumbered(week: Week, number: int) -> Week:
    """The week as week ``number``: each workout's session tag is the generator's (``session_code``)."""
    sessions = []
    for index, session in enumerate(week.sessions, start=1):
        workout = session.workout
        name = _NAME_NUMBER.sub(session_code(number, index), workout.name, count=1)
        description = _DESCRIPTION_NUMBER.sub(f"Week {number}", workout.description, count=1)
        sessions.append(attrs.evolve(session, workout=attrs.evolve(workout, name=name, description=description)))
    return attrs.evolve(week, sessions=sessions)


def _lighter(week: Week, plan: Plan, progression: ProgressionRules) -> Week | None:
    """The week with less backward time (a deload's 60-80 %, same speed and incline), or None if none fits."""
    if plan.level is None:
        return None
    level = progression.level(plan.level)
    low, high = progression.deload_range
    sessions: list[Session] = []
    for session in week.sessions:
        shape = _bouts_of(session.workout)
        if shape is None:
            return None
        bouts, bout = shape
        # Backward time by its one definition (timeline.walks_backward): slow turns walk backward too, stopped
        # turns do not; the session's own turns (the plan's turn mode) stay as they are.
        total = int(session.workout.backward_time.exact)
        turn_back = Fraction(total - bouts * bout, bouts)
        options = [
            (n * (s + turn_back), n, s)
            for n in range(level.bouts[0], level.bouts[1] + 1)
            for s in range(progression.granularity_s, bout + 1, progression.granularity_s)
            if low * total <= n * (s + turn_back) <= high * total
        ]
        if not options:
            return None
        _, count, seconds = max(options)
        workout = _with_bouts(session.workout, count, seconds)
        if workout is None:
            return None
        sessions.append(attrs.evolve(session, workout=workout))
    return Week(sessions, label=_STEP_BACK_LABEL, deload=True)


def _bouts_of(workout: Workout) -> tuple[int, int] | None:
    """(bouts, bout seconds) of a workout shaped as the generator makes them, else None."""
    bouts = [s for s in workout.timeline if s.step.direction is Direction.BACKWARD and s.step.kind is StepKind.ACTIVE]
    lengths = {segment.duration.exact for segment in bouts}
    if not bouts or len(lengths) != 1:
        return None
    (length,) = lengths
    return (len(bouts), int(length)) if Fraction(length).denominator == 1 else None


def _with_bouts(workout: Workout, count: int, seconds: int) -> Workout | None:
    """The generator's session shape with ``count`` bouts of ``seconds``.

    That shape is: warm-up, (turn, bout, turn, recovery) repeated, turn, bout, turn, cool-down.
    """
    steps = workout.steps
    if len(steps) != 6 or not isinstance(steps[1], Repeat) or len(steps[1].steps) != 4:
        return None
    turn_in, bout, turn_out, recovery = steps[1].steps
    last = steps[3]
    if not isinstance(bout, Step) or not isinstance(last, Step):
        return None
    shorter = attrs.evolve(bout, length=Duration.seconds(seconds))
    group: list[Step | Repeat] = [turn_in, shorter, turn_out, recovery]
    middle: list[Step | Repeat] = [Repeat(count - 1, group)] if count - 1 >= 2 else group * (count - 1)
    lighter = attrs.evolve(workout, steps=[steps[0], *middle, steps[2], shorter, steps[4], steps[5]])
    # The generator's description names the dose: say the new one.
    description = _DESCRIPTION_LABEL.sub(rf"\1 ({_STEP_BACK_LABEL})", lighter.description, count=1)
    description = _DESCRIPTION_BOUTS.sub(f"{count} x {Duration.seconds(seconds)} backward", description, count=1)
    description = _DESCRIPTION_TOTAL.sub(f"{lighter.backward_time} of backward walking", description, count=1)
    return attrs.evolve(lighter, description=description)


_DESCRIPTION_LABEL = re.compile(r"^(Week \d+) \([^)]*\)")
_DESCRIPTION_BOUTS = re.compile(r"\d+ x \S+ backward")
_DESCRIPTION_TOTAL = re.compile(r"\S+ of backward walking")
