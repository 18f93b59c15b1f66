"""The ``retrointervals`` command line: a thin layer over the public API.

Errors are printed as one line on stderr without a traceback; the exit status is 1 for bad input (or a broken
rule, an invalid file) and 2 for a wrong command line (argparse's convention). Heavy modules (lxml, fitdecode)
are imported only by the commands that need them, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from retrointervals import __version__
from retrointervals.errors import FormatError, OutputExistsError, RetroIntervalsError, ValidationError
from retrointervals.safety import SAFETY_NOTE

if TYPE_CHECKING:
    from retrointervals.export import ExportedFile
    from retrointervals.formats import Change, ReadOptions
    from retrointervals.model import Plan
    from retrointervals.plans import ProgressionRules
    from retrointervals.review import SessionReview
    from retrointervals.treadmill import Treadmill

__all__ = ["build_parser", "main"]

PROG = "retrointervals"
_FORMAT_NAMES = ("json", "tcx", "fit", "zwo", "qz", "intervals")  # export.PLAN_FORMATS
#: How the command line words what would let a file be read (``FormatError.needs``): by its own flags.
_REMEDIES = {
    "lossy": "use --lossy to get the closest workout and the list of changes",
    "speed": "give the belt speed for such steps with --speed SPEED",
    "race_pace": "give your race pace with --race-pace MM:SS",
    "zwo_durations": "say which with --zwo-durations seconds or --zwo-durations metres",
}


def _say(text: str = "") -> None:
    print(text)


def _safety() -> None:
    _say()
    _say(textwrap.fill(SAFETY_NOTE, width=100))


# --- commands -----------------------------------------------------------------------------------------


def _treadmill(value: str) -> Treadmill:
    """A preset by name, or a treadmill JSON file."""
    from retrointervals.treadmill import TREADMILLS, read_treadmill  # noqa: PLC0415

    if value in TREADMILLS:
        return TREADMILLS[value]
    if not Path(value).is_file():
        raise RetroIntervalsError(
            f"--treadmill: {value!r} is neither a preset ({', '.join(TREADMILLS)}) nor a treadmill JSON file"
        )
    return read_treadmill(value)


#: The flag of ``plan`` that gives each parameter of ``generate_plan``, for messages.
_PLAN_FLAGS = {
    "level": "--level",
    "forward_speed": "--speed",
    "treadmill": "--treadmill",
    "weeks": "--weeks",
    "sessions_per_week": "--sessions-per-week",
    "start": "--start",
    "turn": "--turn",
}


def _plan(arguments: argparse.Namespace) -> int:
    from retrointervals.export import export_plan  # noqa: PLC0415
    from retrointervals.plans import check, generate_plan  # noqa: PLC0415
    from retrointervals.units import Speed, SpeedUnit  # noqa: PLC0415

    treadmill = _treadmill(arguments.treadmill)
    # --speed is read in the treadmill's unit (an mph console shows mph) unless --unit says otherwise.
    unit = {"kmh": SpeedUnit.KMH, "mph": SpeedUnit.MPH}.get(arguments.unit or "", treadmill.unit)
    speed = Speed.kmh(arguments.speed) if unit is SpeedUnit.KMH else Speed.mph(arguments.speed)
    try:
        plan = generate_plan(
            arguments.level,
            speed,
            treadmill,
            weeks=arguments.weeks,
            sessions_per_week=arguments.sessions_per_week,
            start=arguments.start,
            turn=arguments.turn,
        )
    except ValidationError as error:  # the generator names its parameters; the command line names its flags
        raise ValidationError(_PLAN_FLAGS.get(error.field, error.field), error.value, error.problem) from None
    violations = check(plan)
    if violations:  # the generator guarantees none; say so loudly if that ever breaks
        raise RetroIntervalsError(f"internal error: the generated plan breaks {violations[0]}")
    files = export_plan(plan, arguments.out, formats=arguments.formats, overwrite=arguments.force, time=arguments.time)
    first = plan.weeks[0].sessions[0].workout
    _say(f"{plan.name}: {len(plan.weeks)} weeks, {sum(len(w.sessions) for w in plan.weeks)} sessions")
    _say(f"week 1: {first.description.split(': ', 1)[-1]}")
    _say(f"wrote {len(files)} files to {arguments.out}/ (start with README.txt and plan.html)")
    _say_adapted(files)
    _say_undated(plan)
    _safety()
    return 0


def _read_options(arguments: argparse.Namespace) -> ReadOptions:
    """The read options of ``show``, ``convert`` and ``validate`` from their flags."""
    from retrointervals.formats import Policy, ReadOptions  # noqa: PLC0415
    from retrointervals.units import Rounding, Speed, SpeedUnit  # noqa: PLC0415

    unit = SpeedUnit.MPH if arguments.unit == "mph" else SpeedUnit.KMH
    speed = Speed.of(arguments.speed, unit, Rounding.NEAREST) if arguments.speed is not None else None
    race = None
    if arguments.race_pace is not None:  # seconds per km (or per mile) -> the race speed Power multiplies
        race = Speed.of(Fraction(3600, arguments.race_pace), unit, Rounding.NEAREST)
    return ReadOptions(
        policy=Policy.LOSSY if arguments.lossy else Policy.STRICT,
        speed=speed,
        race_speeds=race,
        zwo_durations=arguments.zwo_durations,
    )


def _say_changes(what: str, changes: Sequence[Change]) -> None:
    for change in changes:
        _say(f"  {what}: {change}")


def _say_adapted(files: Sequence[ExportedFile]) -> None:
    """Per format, how many details it could not carry (README.txt lists them), e.g. stop-to-turn steps in ZWO."""
    counts: dict[str, int] = {}
    for entry in files:
        if entry.changes:
            counts[entry.format] = counts.get(entry.format, 0) + len(entry.changes)
    if counts:
        shown = ", ".join(f"{name} {count}" for name, count in counts.items())
        _say(f"details some formats cannot carry were adapted ({shown}); README.txt says what and how")


def _say_undated(plan: Plan, needs: str = "--start YYYY-MM-DD") -> None:
    if plan.start is None:
        _say(f"no calendar (plan.ics), watch schedule (fit/schedule.fit) or intervals.icu events: they need {needs}")


def _read_plan(path: str | Path, single_workout: str) -> Plan:
    """The plan in the file ``path``; a file holding a single workout is refused with ``single_workout``."""
    from retrointervals import formats  # noqa: PLC0415
    from retrointervals.model import Plan  # noqa: PLC0415

    document = formats.read(path)
    if not isinstance(document, Plan):
        raise FormatError(single_workout, str(path))
    return document


def _rules(arguments: argparse.Namespace) -> ProgressionRules:
    """The progression rules: the defaults, or a clinician's rules file given with ``--rules``."""
    from retrointervals._rules_file import read_rules  # noqa: PLC0415
    from retrointervals.plans import DEFAULT_RULES  # noqa: PLC0415

    return read_rules(arguments.rules) if arguments.rules else DEFAULT_RULES


def _export(arguments: argparse.Namespace) -> int:
    from retrointervals.export import export_plan  # noqa: PLC0415
    from retrointervals.plans import check  # noqa: PLC0415

    document = _read_plan(arguments.plan, "holds a single workout; export writes the files of a plan")
    rules = _rules(arguments)
    if document.level is not None and document.forward_speed is not None:
        violations = check(document, rules=rules)
        for violation in violations:
            _say(str(violation))
        if violations:
            _say(f"{document.name}: {len(violations)} violation(s); nothing written (fix the plan, then export)")
            return 1
    else:
        _say(f"{document.name}: no level or forward speed, so the progression rules were not checked")
    files = export_plan(
        document, arguments.out, formats=arguments.formats, overwrite=arguments.force, time=arguments.time
    )
    _say(f"wrote {len(files)} files to {arguments.out}/ (start with README.txt and plan.html)")
    _say_adapted(files)
    _say_undated(document, "a start date in the plan file")
    _safety()
    return 0


def _convert(arguments: argparse.Namespace) -> int:
    from retrointervals import formats  # noqa: PLC0415

    options = _read_options(arguments)
    decoded = formats.read_with_changes(arguments.input, options=options)
    changes = formats.write(decoded.document, arguments.output, policy=options.policy, overwrite=arguments.force)
    _say(f"wrote {arguments.output}")
    _say_changes("changed reading", decoded.changes)
    _say_changes("changed writing", changes)
    return 0


def _show(arguments: argparse.Namespace) -> int:
    from retrointervals import formats  # noqa: PLC0415
    from retrointervals.model import Workout  # noqa: PLC0415
    from retrointervals.render.text import ascii_profile, plan_table, workout_table  # noqa: PLC0415

    decoded = formats.read_with_changes(arguments.file, options=_read_options(arguments))
    document = decoded.document
    if isinstance(document, Workout):
        _say(workout_table(document))
        _say()
        _say(ascii_profile(document))
    else:
        _say(plan_table(document))
    if decoded.changes:
        _say()
        _say(f"{len(decoded.changes)} change(s) made reading {arguments.file}:")
        _say_changes("changed", decoded.changes)
    _safety()
    return 0


def _check(arguments: argparse.Namespace) -> int:
    from retrointervals.plans import check  # noqa: PLC0415

    document = _read_plan(arguments.plan, "holds a single workout; the progression rules apply to plans")
    rules = _rules(arguments)
    violations = check(document, rules=rules)
    for violation in violations:
        _say(str(violation))
    rule_count = len({violation.rule for violation in violations})
    _say(
        f"{document.name}: {len(violations)} violation(s) of {rule_count} rule(s)"
        if violations
        else f"{document.name}: follows every progression rule"
    )
    return 1 if violations else 0


def _validate(arguments: argparse.Namespace) -> int:
    """Valid in its own format (exit 0, else 1), and, apart from that, usable as a treadmill workout as it is."""
    import attrs  # noqa: PLC0415

    from retrointervals import formats  # noqa: PLC0415
    from retrointervals._files import read_bounded  # noqa: PLC0415
    from retrointervals.formats import Policy, ZwoDurations  # noqa: PLC0415
    from retrointervals.units import Speed  # noqa: PLC0415

    info = formats.format_for_path(arguments.file)
    module = formats.load(info)
    data = read_bounded(arguments.file)
    problems: list[str] = []
    if info.capabilities.validation:
        try:
            problems = module.validate(data)  # type: ignore[attr-defined]  # declared by the capability
        except FormatError as error:  # a file of the format that is no workout (a TCX activity): one line
            _say(f"{arguments.file}: {error.describe(_REMEDIES)}")
            return 1
    options = _read_options(arguments)
    # Valid in its own format: the file reads when every answer only the walker knows is supplied.
    placeholder = attrs.evolve(
        options,
        policy=Policy.LOSSY,
        speed=options.speed or Speed.kmh(2),
        race_speeds=options.race_speeds or Speed.kmh(10),
        zwo_durations=options.zwo_durations or ZwoDurations.SECONDS,
    )
    if not problems:
        try:
            module.decode(data, arguments.file, options=placeholder)
        except FormatError as error:
            problems = [error.describe(_REMEDIES)]
    for problem in problems:
        _say(problem)
    if problems:
        _say(f"{arguments.file}: invalid {info.title}, {len(problems)} problem(s)")
        return 1
    try:  # usable as it is: with only what the command line gave
        decoded = module.decode(data, arguments.file, options=options)
    except FormatError as error:
        _say(f"{arguments.file}: valid {info.title}, but not usable as a treadmill workout as it is:")
        _say(f"  {error.describe(_REMEDIES)}")
        return 0
    _say_changes("changed", decoded.changes)
    with_changes = f" with the {len(decoded.changes)} change(s) above" if decoded.changes else ""
    _say(f"{arguments.file}: valid {info.title}, usable as a treadmill workout{with_changes}")
    return 0


def _chart(arguments: argparse.Namespace) -> int:
    from retrointervals import formats  # noqa: PLC0415
    from retrointervals._files import write_atomic  # noqa: PLC0415
    from retrointervals.model import Workout  # noqa: PLC0415
    from retrointervals.render.svg import plan_chart, workout_chart  # noqa: PLC0415

    document = formats.read(arguments.file)
    svg = workout_chart(document) if isinstance(document, Workout) else plan_chart(document)
    write_atomic(arguments.output, svg.encode("utf-8"), overwrite=arguments.force)
    _say(f"wrote {arguments.output}")
    return 0


def _levels(_arguments: argparse.Namespace) -> int:
    from retrointervals.plans import DEFAULT_RULES  # noqa: PLC0415
    from retrointervals.plans.loads import speed_text  # noqa: PLC0415
    from retrointervals.units import Duration, SpeedUnit  # noqa: PLC0415

    rules = DEFAULT_RULES
    for parameters in rules.levels.values():
        table = parameters.table
        low, high = parameters.fraction_band
        fewest, most = parameters.sessions_per_week
        cap = parameters.backward_cap_kmh
        turns = (
            "stopped belt; slow belt if you ask, with handrails" if parameters.slow_turns_allowed else "stopped belt"
        )
        _say(parameters.level.value)
        _say(f"  for: {parameters.who}")
        _say(
            f"  {parameters.weeks} weeks, {fewest if fewest == most else f'{fewest} to {most}'} sessions a week"
            f"{' on non-consecutive days' if parameters.nonconsecutive_days else ''}"
        )
        _say(
            f"  backward walking per session: {Duration.seconds(table[0].backward_s)} in week 1, up to "
            f"{Duration.seconds(max(week.backward_s for week in table))} in the level's table "
            f"(cap {Duration.seconds(parameters.session_cap_s)}; longer plans grow toward the cap); "
            f"{parameters.bouts[0]} to {parameters.bouts[1]} bouts of at most {Duration.seconds(parameters.bout_cap_s)}"
        )
        _say(
            f"  backward speed: {float(low):.2f} to {float(high):.2f} times your forward speed, at most "
            f"{speed_text(cap, SpeedUnit.KMH)} ({speed_text(cap, SpeedUnit.MPH)}); incline up to "
            f"{float(parameters.incline_max_pct):g} %; turning: {turns}"
        )
        rails = "needs handrails" if parameters.handrail_weeks != 0 else "handrails optional"
        _say(f"  treadmill: {rails}")
        for line in parameters.evidence:
            _say(f"  - {line}")
    _say()
    _say("[S] a published study, [S2] a secondary source or one of the two seed blog posts, [D] a design choice.")
    _say("No trial tested these plans; see docs/progression.md.")
    _safety()
    return 0


# --- session log, review, adapt -------------------------------------------------------------------------------


def _today() -> dt.date:
    return dt.datetime.now().astimezone().date()


def _load_plan(folder: Path) -> Plan:
    """The plan of a plan folder (its ``plan.json``)."""
    path = folder / "plan.json"
    if not path.is_file():
        raise FormatError("no plan.json here: give the folder `retrointervals plan --out` wrote", str(folder))
    return _read_plan(path, "holds a single workout, not a plan")


def _log(arguments: argparse.Namespace) -> int:
    import attrs  # noqa: PLC0415

    from retrointervals.errors import ValidationError  # noqa: PLC0415
    from retrointervals.sessionlog import LOG_FILE, Balance, LogEntry, Status, add_entry, read_log  # noqa: PLC0415

    folder = Path(arguments.plan_dir)
    plan = _load_plan(folder)
    entry_path = folder / LOG_FILE
    given = LogEntry(date=arguments.date or _today(), session=arguments.session)
    week, number = given.week_and_session
    if week > len(plan.weeks) or number > len(plan.weeks[week - 1].sessions):
        raise ValidationError("SESSION", arguments.session, f"the plan has no such session ({plan.name})")
    old = next((entry for entry in read_log(entry_path) if entry.session == given.session), None)
    changes: dict[str, object] = {
        "date": arguments.date,
        "status": Status(arguments.status) if arguments.status else None,
        "rpe": arguments.rpe,
        "pain_during": arguments.pain_during,
        "pain_after": arguments.pain_after,
        "pain_next_morning": arguments.pain_next_morning,
        "stumble": Balance(arguments.stumble) if arguments.stumble else None,
        "handrails": arguments.handrails,
        "backward_minutes": arguments.backward_minutes,
        "notes": arguments.notes,
    }
    flags = {"rpe": "--rpe", "pain_during": "--pain-during", "pain_after": "--pain-after"}
    flags |= {"pain_next_morning": "--pain-next-morning", "backward_minutes": "--backward-minutes", "notes": "--notes"}
    try:
        entry = attrs.evolve(old or given, **{name: value for name, value in changes.items() if value is not None})  # type: ignore[arg-type]  # each flag has its field's type
    except ValidationError as error:
        raise ValidationError(flags.get(error.field, error.field), error.value, error.problem) from None
    add_entry(entry_path, entry)
    _say(f"{'updated' if old else 'added'} {entry.session} ({entry.date}) in {entry_path}")
    return 0


def _reviews(plan: Plan, folder: Path, paths: Sequence[str], session: str | None) -> tuple[SessionReview, ...]:
    from retrointervals.activity import read_activity  # noqa: PLC0415
    from retrointervals.review import review_activity, review_many, review_plan  # noqa: PLC0415
    from retrointervals.sessionlog import LOG_FILE, read_log  # noqa: PLC0415

    entries = read_log(folder / LOG_FILE)
    if not paths:
        recordings = folder / "recordings"
        paths = sorted(str(p) for p in recordings.glob("*") if p.suffix.lower() in (".fit", ".tcx"))
    if session or len(paths) < 8:
        reviewed = [
            review_activity(plan, read_activity(path), entries, session=session, recording=path) for path in paths
        ]
    else:
        many, problems = review_many(plan, paths, entries)
        for problem in problems:
            print(f"{PROG}: skipped {problem}", file=sys.stderr)
        reviewed = list(many)
    return review_plan(plan, entries, reviewed)


def _review(arguments: argparse.Namespace) -> int:
    import json  # noqa: PLC0415

    from retrointervals.adaptation import decide  # noqa: PLC0415
    from retrointervals.review import BANDS, SETTLE_S  # noqa: PLC0415

    folder = Path(arguments.plan_dir)
    plan = _load_plan(folder)
    reviews = _reviews(plan, folder, arguments.activities, arguments.session)
    decisions = decide(plan, reviews, today=arguments.today or _today())
    decision = decisions[-1] if decisions else None
    if arguments.json:
        document = {
            "plan": plan.name,
            "sessions": [review.to_json() for review in reviews],
            "decision": decision.to_json() if decision else None,
            "bands": {name: lowest for lowest, name in BANDS},
            "settle_min_s": SETTLE_S,
            "safety": SAFETY_NOTE,
        }
        _say(json.dumps(document, indent=2))
        return 0
    for review in reviews:
        _say(_review_text(review))
    if not reviews:
        _say("nothing to review yet: log a session (retrointervals log) or give a recording")
    if decision is not None:
        _say(f"week {decision.week} decides the next week: {decision.action.value.replace('_', ' ')}")
        for rule, reason in zip(decision.rules, decision.reasons, strict=False):
            _say(f"  {rule}: {reason}")
        extra = decision.reasons[len(decision.rules) :]
        for reason in extra:
            _say(f"  also: {reason}")
        if decision.action.value == "stop":
            _say("  Stop and see a clinician before walking again.")
    _safety()
    return 0


def _review_text(review: SessionReview) -> str:
    def clock(seconds: float) -> str:
        whole = round(seconds)
        return f"{whole // 60}:{whole % 60:02d}"

    when = f"planned {review.planned_date}" if review.planned_date else "undated"
    if review.walked_date:
        when += f", walked {review.walked_date}"
    lines = [f"{review.session} ({when})"]
    if review.recorded:
        lines.append(f"  recording {review.recording}: matched by {review.matched_by}, aligned by {review.aligned_by}")
    lines.append(
        f"  time {clock(review.walked_s)} of {clock(review.planned_s)}; backward {clock(review.backward_walked_s)} "
        f"of {clock(review.backward_planned_s)}"
    )
    if review.backward_walked_kmh is not None:
        lines.append(
            f"  backward speed {review.backward_walked_kmh:.2f} km/h, planned {review.backward_planned_kmh:.2f} km/h"
        )
    lines.append(f"  compliance {review.compliance:.2f} ({review.band})")
    if review.recorded:
        lines.append(f"  {review.settle_records} record(s) left out while the belt changed speed")
    entry = review.entry
    if entry is not None:
        row = entry.row()
        shown = ", ".join(f"{name} {value}" for name, value in row.items() if value and name not in ("date", "session"))
        lines.append(f"  log: {shown}")
    lines.extend(f"  note: {note}" for note in review.notes)
    return "\n".join(lines)


def _adapt(arguments: argparse.Namespace) -> int:
    from retrointervals._files import read_bounded  # noqa: PLC0415
    from retrointervals.adaptation import DEFAULT_RUNTIME_RULES, adapt, rules_file  # noqa: PLC0415
    from retrointervals.export import export_plan  # noqa: PLC0415
    from retrointervals.plans import DEFAULT_RULES  # noqa: PLC0415

    folder = Path(arguments.plan_dir)
    plan = _load_plan(folder)
    progression, runtime = DEFAULT_RULES, DEFAULT_RUNTIME_RULES
    if arguments.rules:
        progression, runtime = rules_file(read_bounded(arguments.rules), arguments.rules)
    reviews = _reviews(plan, folder, (), None)
    result = adapt(plan, reviews, arguments.today or _today(), rules=runtime, progression=progression)
    decision = result.decision
    if decision is None:
        _say("no week walked yet: the plan stays as it is")
        return 0
    _say(f"week {decision.week}: {decision.action.value.replace('_', ' ')} ({', '.join(decision.rules)})")
    for reason in decision.reasons:
        _say(f"  {reason}")
    for note in result.notes:
        _say(f"note: {note}")
    if result.plan is None:
        _say("The files were not changed. Stop and see a clinician before walking again.")
        _safety()
        return 1
    # the weeks walked stay as they were, so their reviews still name the right sessions: chart them in plan.html
    files = export_plan(result.plan, folder, overwrite=True, time=_calendar_time(folder), reviews=reviews)
    _say(f"{result.walked_weeks} week(s) walked kept; {len(result.plan.weeks)} weeks in the plan now")
    _say(f"rewrote {len(files)} files in {folder}/")
    _safety()
    return 0


def _calendar_time(folder: Path) -> dt.time | None:
    """The time of day ``plan --time`` gave the sessions in the folder's ``plan.ics``, so that ``adapt`` keeps it."""
    from retrointervals._files import read_bounded  # noqa: PLC0415
    from retrointervals.plan_calendar import calendar_time_of_day  # noqa: PLC0415

    path = folder / "plan.ics"
    if not path.is_file():
        return None
    return calendar_time_of_day(read_bounded(path))


def _walk(arguments: argparse.Namespace) -> int:
    from retrointervals.live.simulator import parse_fault  # noqa: PLC0415
    from retrointervals.live.walk import WalkOptions, load_session, walk  # noqa: PLC0415

    options = WalkOptions(
        simulate=arguments.simulate,
        speedup=arguments.speedup,
        faults=tuple(parse_fault(text) for text in arguments.simulate_fault),
        assume_yes=arguments.yes,
        record=arguments.record,
        trace=arguments.trace,
        device=arguments.device,
        overwrite=arguments.force,
        speak=arguments.speak,
        link=arguments.simulate_link,
    )
    workout = load_session(arguments.target, arguments.session)
    _say(f"{workout.name}: {workout.total_time}, {len(workout.timeline)} steps, {workout.direction_changes} turns")
    log = walk(workout, options)
    if arguments.record is not None and log.moved:
        _say(f"recorded {arguments.record}")
    if arguments.trace is not None:
        _say(f"trace in {arguments.trace}")
    _safety()
    return 0 if log.completed else 1


def _probe(arguments: argparse.Namespace) -> int:
    import json  # noqa: PLC0415

    from retrointervals.live.walk import probe, profile_json, treadmill_profile  # noqa: PLC0415

    info = probe(simulate=arguments.simulate, device=arguments.device)
    _say(json.dumps(profile_json(treadmill_profile(info, arguments.name)), indent=2))
    return 0


# --- argument parsing ---------------------------------------------------------------------------------


def _date(text: str) -> dt.date:
    from retrointervals.limits import PLAN_DATE_RANGE, echo  # noqa: PLC0415

    try:
        date = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        date = None
    if date is None:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {echo(text)}")
    first, last = PLAN_DATE_RANGE
    if not first <= date <= last:
        raise argparse.ArgumentTypeError(f"plans are dated from {first} to {last}, not {text}")
    return date


def _time_of_day(text: str) -> dt.time:
    """``plan --time HH:MM``: ``plan_dates.parse_time_of_day``, its error in the command line's words."""
    from retrointervals.errors import ValidationError  # noqa: PLC0415
    from retrointervals.limits import echo  # noqa: PLC0415
    from retrointervals.plan_dates import parse_time_of_day  # noqa: PLC0415

    try:
        return parse_time_of_day(text)
    except ValidationError:
        raise argparse.ArgumentTypeError(
            f"expected a time of day as HH:MM (00:00 to 23:59), not {echo(text)}"
        ) from None


def _speed(text: str) -> float:
    try:
        value = float(text) if len(text) <= 20 else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value * 10 - round(value * 10)) > 1e-9:
        raise argparse.ArgumentTypeError(f"give the speed with at most one decimal, e.g. 4.5 (not {text[:20]!r})")
    return value


def _pace(text: str) -> int:
    """``MM:SS`` as whole seconds (per km, or per mile with ``--unit mph``)."""
    minutes, _, seconds = text.strip().partition(":")
    if not (minutes.isdigit() and seconds.isdigit() and len(seconds) == 2 and int(seconds) < 60):
        raise argparse.ArgumentTypeError(f"expected a pace as MM:SS, e.g. 6:00, not {text!r}")
    total = int(minutes) * 60 + int(seconds)
    if not 60 <= total <= 3600:
        raise argparse.ArgumentTypeError(f"expected a pace from 1:00 to 60:00, not {text!r}")
    return total


def _reading_flags(parser: argparse.ArgumentParser) -> None:
    """The flags of the commands that read other tools' files: show, convert and validate."""
    parser.add_argument("--lossy", action="store_true", help="read (and write) the closest workout; list every change")
    parser.add_argument("--speed", type=float, metavar="SPEED", help="belt speed for steps that carry none")
    parser.add_argument(
        "--race-pace", type=_pace, metavar="PACE", help="reference pace of relative run ZWOs, MM:SS per km (or mile)"
    )
    parser.add_argument("--unit", choices=("kmh", "mph"), default="kmh", help="unit of --speed and --race-pace")
    parser.add_argument(
        "--zwo-durations",
        choices=("seconds", "metres", "meters"),
        help="how to read a run ZWO without durationType (default: from the file's own text)",
    )


def _formats(text: str) -> tuple[str, ...]:
    names = tuple(name.strip().lower() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in _FORMAT_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from {','.join(_FORMAT_NAMES)}, not {text!r}")
    return names


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    example: str,
    run: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(run=run)
    return parser


def _add_review_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The commands of the walk-log-review-adapt loop: log, review, adapt."""
    log = _command(
        commands,
        "log",
        "add or update a session in the plan folder's log (log.csv)",
        f"{PROG} log my-plan W2S1 --rpe 11 --pain-during 2 --pain-after 1 --pain-next-morning 0 --handrails",
        _log,
    )
    log.add_argument("plan_dir", metavar="PLAN_DIR")
    log.add_argument("session", metavar="SESSION", help="the session as the plan names it, e.g. W2S1")
    log.add_argument("--date", type=_date, help="the day it was walked, YYYY-MM-DD (default: today)")
    log.add_argument("--status", choices=("done", "partial", "skipped"), help="(default: done)")
    log.add_argument("--rpe", type=int, metavar="N", help="effort of the hardest backward bout, Borg 6-20")
    log.add_argument("--pain-during", type=int, metavar="N", help="worst pain during, 0-10")
    log.add_argument("--pain-after", type=int, metavar="N", help="pain after the cool-down, 0-10")
    log.add_argument("--pain-next-morning", type=int, metavar="N", help="pain the next morning, 0-10")
    log.add_argument(
        "--stumble",
        nargs="?",
        const="yes",
        choices=("no", "yes", "near-fall", "fall"),
        help="a stumble (or say near-fall, fall)",
    )
    log.add_argument("--handrails", action=argparse.BooleanOptionalAction, help="held the rails in backward bouts")
    log.add_argument("--backward-minutes", type=float, metavar="MIN", help="minutes walked backward")
    log.add_argument("--notes", metavar="TEXT")

    review = _command(
        commands,
        "review",
        "compare recordings and the log with the plan, and say what the next week should do",
        f"{PROG} review my-plan ~/Downloads/walk.fit --session W2S1",
        _review,
    )
    review.add_argument("plan_dir", metavar="PLAN_DIR")
    review.add_argument("activities", metavar="ACTIVITY", nargs="*", help=".fit or .tcx (default: PLAN_DIR/recordings)")
    review.add_argument("--session", metavar="W1S1", help="the session the recording is (when it cannot be told)")
    review.add_argument("--today", type=_date, help=argparse.SUPPRESS)
    review.add_argument("--json", action="store_true", help="print JSON (see docs/review.md)")

    adapt = _command(
        commands,
        "adapt",
        "make the rest of the plan again from the log and recordings, and rewrite its folder",
        f"{PROG} adapt my-plan",
        _adapt,
    )
    adapt.add_argument("plan_dir", metavar="PLAN_DIR")
    adapt.add_argument("--rules", metavar="FILE", help="JSON rules file (as for check; runtime numbers under runtime)")
    adapt.add_argument("--today", type=_date, help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Backward (retro) and forward treadmill walking intervals: plans, files for apps and watches.",
        epilog=f"example:\n  {PROG} plan --level beginner --speed 4.5 --out my-plan\n\n"
        + textwrap.fill(SAFETY_NOTE, 79),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    plan = _command(
        commands,
        "plan",
        "make a plan and write every file for it into a folder",
        f"{PROG} plan --level rehab --speed 2.2 --unit mph --treadmill mph --start 2026-12-01 --out knee-plan",
        _plan,
    )
    plan.add_argument(
        "--level",
        required=True,
        choices=("rehab", "beginner", "intermediate", "advanced"),
        help="rehab, beginner, intermediate or advanced (see the levels command)",
    )
    plan.add_argument(
        "--speed",
        required=True,
        type=_speed,
        help="your comfortable forward walking speed on this treadmill: 2.0-6.5 km/h (1.25-4.04 mph), "
        "read in the treadmill's unit unless --unit says otherwise",
    )
    plan.add_argument("--unit", choices=("kmh", "mph"), help="unit of --speed: kmh or mph (default: the treadmill's)")
    plan.add_argument(
        "--treadmill",
        default="default",
        metavar="NAME|FILE",
        help="default (0.8-16 km/h, handrails), mph (0.5-10 mph, handrails), walking-pad (0.6-6 km/h, no "
        "handrails), or a treadmill JSON file (see docs/concepts.md); default: default",
    )
    plan.add_argument(
        "--turn",
        choices=("stop", "slow"),
        help="how to turn around: stop (stop the belt, turn, restart; the default at every level) or slow "
        "(slow belt, hands on the rails; intermediate and advanced, treadmills with handrails)",
    )
    plan.add_argument("--weeks", type=int, metavar="1-16", help="plan length, 1-16 (default: the level's)")
    plan.add_argument(
        "--sessions-per-week",
        type=int,
        metavar="N",
        help="rehab and beginner 3, intermediate 3-4, advanced 3-5 (default: the level's lowest)",
    )
    plan.add_argument("--start", type=_date, help="date of the first session, YYYY-MM-DD")
    plan.add_argument(
        "--time", type=_time_of_day, metavar="HH:MM", help="time of day of the sessions in plan.ics (default: all-day)"
    )
    plan.add_argument(
        "--formats",
        type=_formats,
        default=_FORMAT_NAMES,
        help=f"comma-separated, from {','.join(_FORMAT_NAMES)} (default: all)",
    )
    plan.add_argument("--out", required=True, type=Path, help="output folder (must be empty unless --force)")
    plan.add_argument(
        "--force",
        action="store_true",
        help="replace the plan retrointervals wrote in --out before (log.csv and recordings/ are kept; "
        "anything else in it stops the run)",
    )

    export = _command(
        commands,
        "export",
        "check an edited plan file, then write every file for it into a folder",
        f"{PROG} export my-plan/plan.json --out my-plan-2",
        _export,
    )
    export.add_argument("plan", metavar="PLAN", help="a plan file (plan.json, or any format that holds a plan)")
    export.add_argument("--out", required=True, type=Path, help="output folder (must be empty unless --force)")
    export.add_argument(
        "--formats",
        type=_formats,
        default=_FORMAT_NAMES,
        help=f"comma-separated, from {','.join(_FORMAT_NAMES)} (default: all)",
    )
    export.add_argument(
        "--time", type=_time_of_day, metavar="HH:MM", help="time of day of the sessions in plan.ics (default: all-day)"
    )
    export.add_argument("--rules", metavar="FILE", help="JSON overriding rule settings (see docs/progression.md)")
    export.add_argument("--force", action="store_true", help="write into a folder that is not empty")

    convert = _command(
        commands,
        "convert",
        "convert a workout or plan file to another format, by extension",
        f"{PROG} convert intervals.zwo intervals.fit",
        _convert,
    )
    convert.add_argument("input", metavar="IN")
    convert.add_argument("output", metavar="OUT")
    _reading_flags(convert)
    convert.add_argument("--force", action="store_true", help="replace OUT if it exists")

    show = _command(
        commands,
        "show",
        "print a workout or plan file as a table with totals and a speed profile",
        f"{PROG} show workout.zwo --lossy --speed 4 --race-pace 6:00",
        _show,
    )
    show.add_argument("file", metavar="FILE")
    _reading_flags(show)

    check = _command(
        commands,
        "check",
        "check a plan against the progression rules (exit 1 when a rule is broken)",
        f"{PROG} check my-plan/plan.json --rules clinic-rules.json",
        _check,
    )
    check.add_argument("plan", metavar="PLAN")
    check.add_argument("--rules", metavar="FILE", help="JSON overriding rule settings (see docs/progression.md)")

    validate = _command(
        commands,
        "validate",
        "check that a file is valid in its format (exit 1 when not, listing every problem), and usable on a treadmill",
        f"{PROG} validate my-plan/plan.tcx",
        _validate,
    )
    validate.add_argument("file", metavar="FILE")
    _reading_flags(validate)

    chart = _command(
        commands,
        "chart",
        "draw a workout or plan as an SVG chart",
        f"{PROG} chart my-plan/fit/week01-session1.fit -o week1.svg",
        _chart,
    )
    chart.add_argument("file", metavar="FILE")
    chart.add_argument("-o", "--output", required=True, metavar="OUT.svg")
    chart.add_argument("--force", action="store_true", help="replace OUT.svg if it exists")

    _command(commands, "levels", "list the plan levels with their parameters and evidence", f"{PROG} levels", _levels)

    _add_review_commands(commands)

    _add_live_commands(commands)
    return parser


def _add_live_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``walk`` and ``probe``: a live session on a Bluetooth (FTMS) treadmill, real or simulated."""
    walk = _command(
        commands,
        "walk",
        "walk a session live: drive a Bluetooth (FTMS) treadmill step by step, stopping it on any fault",
        f"{PROG} walk my-plan --session W1S1 --simulate --speedup 60 --yes --record s.fit",
        _walk,
    )
    walk.add_argument("target", metavar="PLAN_DIR|WORKOUT", help="a plan folder (with plan.json) or a workout file")
    walk.add_argument("--session", metavar="W1S1", help="the session of the plan: week and number")
    walk.add_argument("--simulate", action="store_true", help="drive a simulated treadmill, not a real one")
    walk.add_argument("--speedup", type=float, default=1.0, metavar="N", help="run the simulator N times faster")
    walk.add_argument(
        "--simulate-fault",
        action="append",
        default=[],
        metavar="disconnect@S|control-lost@S",
        help="make the simulator fail at S seconds (repeatable)",
    )
    walk.add_argument(
        "--simulate-link",
        choices=("bumble", "memory"),
        default="bumble",
        help="the simulator's link: a virtual Bluetooth link (default) or none",
    )
    walk.add_argument("--yes", action="store_true", help="confirm the start without asking (only with --simulate)")
    walk.add_argument("--record", type=Path, metavar="OUT.fit", help="record the session as a FIT activity")
    walk.add_argument("--trace", type=Path, metavar="FILE", help="write every command and answer as JSON lines")
    walk.add_argument("--device", metavar="NAME|ADDRESS", help="the treadmill to use (default: the first found)")
    walk.add_argument("--speak", action="store_true", help="speak the cues (espeak-ng or spd-say)")
    walk.add_argument("--force", action="store_true", help="replace OUT.fit and the trace file if they exist")

    probe = _command(
        commands,
        "probe",
        "print a treadmill's speed and incline ranges as a treadmill profile (JSON); nothing moves",
        f"{PROG} probe --device 'Treadmill 123'",
        _probe,
    )
    probe.add_argument("--device", metavar="NAME|ADDRESS", help="the treadmill to read (default: the first found)")
    probe.add_argument("--simulate", action="store_true", help="read the simulated treadmill")
    probe.add_argument("--name", default="probed", help="the profile's name (default: probed)")


def _describe(error: Exception) -> str:
    """One line for an error: ours say it all; the system's name the file and say what happened, in plain words."""
    if isinstance(error, FormatError):
        return error.describe(_REMEDIES)  # the fix in the command line's own flags
    if isinstance(error, RetroIntervalsError) or not isinstance(error, OSError):
        return str(error)
    reason = error.strerror or (os.strerror(error.errno) if error.errno else str(error))
    return f"{error.filename}: {reason}" if error.filename is not None else reason


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    arguments = build_parser().parse_args(argv)
    try:
        status: int = arguments.run(arguments)
    except BrokenPipeError:
        # The reader went away (`retrointervals show x | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OutputExistsError as error:
        what = "already exists and is not empty" if arguments.command == "plan" else "already exists"
        print(f"{PROG}: error: {error.path} {what}; add --force to replace it", file=sys.stderr)
        return 1
    except (RetroIntervalsError, OSError) as error:
        print(f"{PROG}: error: {_describe(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return status
