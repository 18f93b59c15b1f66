"""The ``retrointervals`` command line: a thin layer over the public API.

Errors are printed as one line on stderr without a traceback; the exit status is 1 for bad input (or a broken
rule, an invalid file) and 2 for a wrong command line (argparse's convention). Heavy modules (lxml, fitdecode)
are imported only by the commands that need them, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from retrointervals import __version__
from retrointervals.errors import FormatError, RetroIntervalsError
from retrointervals.safety import SAFETY_NOTE

if TYPE_CHECKING:
    from retrointervals.formats import Change, ReadOptions

__all__ = ["build_parser", "main"]

PROG = "retrointervals"
_FORMAT_NAMES = ("json", "tcx", "fit", "zwo", "qz")
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


def _plan(arguments: argparse.Namespace) -> int:
    from retrointervals.export import export_plan  # noqa: PLC0415
    from retrointervals.plans import check, generate_plan  # noqa: PLC0415
    from retrointervals.treadmill import TREADMILLS  # noqa: PLC0415
    from retrointervals.units import Speed  # noqa: PLC0415

    speed = Speed.kmh(arguments.speed) if arguments.unit == "kmh" else Speed.mph(arguments.speed)
    plan = generate_plan(
        arguments.level,
        speed,
        TREADMILLS[arguments.treadmill],
        weeks=arguments.weeks,
        sessions_per_week=arguments.sessions_per_week,
        start=arguments.start,
    )
    violations = check(plan)
    if violations:  # the generator guarantees none; say so loudly if that ever breaks
        raise RetroIntervalsError(f"internal error: the generated plan breaks {violations[0]}")
    files = export_plan(plan, arguments.out, formats=arguments.formats, overwrite=arguments.force)
    changed = sum(len(f.changes) for f in files)
    first = plan.weeks[0].sessions[0].workout
    _say(f"{plan.name}: {len(plan.weeks)} weeks, {sum(len(w.sessions) for w in plan.weeks)} sessions")
    _say(f"week 1: {first.description.split(': ', 1)[-1]}")
    _say(f"wrote {len(files)} files to {arguments.out}/ (start with README.txt and plan.html)")
    if changed:
        _say(f"{changed} detail(s) that some formats cannot carry were adapted; README.txt lists them")
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
    from retrointervals import formats  # noqa: PLC0415
    from retrointervals.errors import FormatError  # noqa: PLC0415
    from retrointervals.model import Plan  # noqa: PLC0415
    from retrointervals.plans import DEFAULT_RULES, check  # noqa: PLC0415
    from retrointervals.plans.levels import rules_from_json  # noqa: PLC0415

    document = formats.read(arguments.plan)
    if not isinstance(document, Plan):
        raise FormatError("holds a single workout; the progression rules apply to plans", arguments.plan)
    rules = DEFAULT_RULES
    if arguments.rules:
        rules = rules_from_json(Path(arguments.rules).read_bytes(), arguments.rules)
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
        problems = module.validate(data)  # type: ignore[attr-defined]  # declared by the capability
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

    for parameters in DEFAULT_RULES.levels.values():
        table = parameters.table
        first, last = table[0], table[-1]
        low, high = parameters.fraction_band
        sessions = parameters.sessions_per_week
        _say(f"{parameters.level.value}")
        _say(
            f"  {parameters.weeks} weeks, {sessions[0]}{'-' + str(sessions[1]) if sessions[1] != sessions[0] else ''}"
            f" sessions a week{' on non-consecutive days' if parameters.nonconsecutive_days else ''}"
        )
        _say(
            f"  backward per session: {first.backward_s // 60:g} -> {last.backward_s // 60:g} min "
            f"(cap {parameters.session_cap_s // 60} min), bouts up to {parameters.bout_cap_s // 60:g} min"
        )
        _say(
            f"  backward speed: {float(low):.2f}-{float(high):.2f} x your forward speed, at most "
            f"{float(parameters.backward_cap_kmh):g} km/h; incline up to {float(parameters.incline_max_pct):g} %"
        )
        _say(f"  evidence: {_EVIDENCE[parameters.level.value]}")
    _say()
    _say("Numbers are design choices grounded in the studies above; see docs/progression.md.")
    _safety()
    return 0


_EVIDENCE = {
    "rehab": "Alghadir 2019 (knee OA, 10 min x 3/wk x 6 wk); Athletico (2-5 -> 5-10 min); Fritz 2013",
    "beginner": "Whitley & Dufek 2011 (10-15 min x 4/wk x 4 wk); Dufek 2011; Heath 2001 (15 min x 3/wk x 4 wk)",
    "intermediate": "Cha 2016 (20 min x 5/wk x 4 wk); Hao 2011 (25 min)",
    "advanced": "Rose 2018 and Chang 2021 (30 min); Cha 2016 (10 % incline); Hooper 2004 (5-10 %)",
}


# --- argument parsing ---------------------------------------------------------------------------------


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {text!r}") from None


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
    plan.add_argument("--level", required=True, choices=("rehab", "beginner", "intermediate", "advanced"))
    plan.add_argument("--speed", required=True, type=float, help="your comfortable forward walking speed")
    plan.add_argument("--unit", choices=("kmh", "mph"), default="kmh", help="unit of --speed (default kmh)")
    plan.add_argument("--treadmill", choices=("default", "mph", "walking-pad"), default="default")
    plan.add_argument("--weeks", type=int, help="plan length (default: the level's)")
    plan.add_argument("--sessions-per-week", type=int, help="(default: the level's lowest)")
    plan.add_argument("--start", type=_date, help="date of the first session, YYYY-MM-DD")
    plan.add_argument("--formats", type=_formats, default=_FORMAT_NAMES, help="comma-separated (default: all)")
    plan.add_argument("--out", required=True, type=Path, help="output folder (must be empty unless --force)")
    plan.add_argument("--force", action="store_true", help="write into a folder that is not empty")

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    arguments = build_parser().parse_args(argv)
    try:
        status: int = arguments.run(arguments)
    except BrokenPipeError:
        # The reader went away (`retrointervals show x | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (RetroIntervalsError, OSError) as error:
        message: object = error
        if isinstance(error, OSError) and error.strerror:
            message = f"{error.filename}: {error.strerror}"
        elif isinstance(error, FormatError):
            message = error.describe(_REMEDIES)  # the fix in the command line's own flags
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return status
