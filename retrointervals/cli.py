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
from pathlib import Path
from typing import TYPE_CHECKING

from retrointervals import __version__
from retrointervals.errors import RetroIntervalsError
from retrointervals.safety import SAFETY_NOTE

if TYPE_CHECKING:
    from retrointervals.treadmill import Treadmill

__all__ = ["build_parser", "main"]

PROG = "retrointervals"
_FORMAT_NAMES = ("json", "tcx", "fit", "zwo", "qz")


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


def _plan(arguments: argparse.Namespace) -> int:
    from retrointervals.export import export_plan  # noqa: PLC0415
    from retrointervals.plans import check, generate_plan  # noqa: PLC0415
    from retrointervals.units import Speed, SpeedUnit  # noqa: PLC0415

    treadmill = _treadmill(arguments.treadmill)
    # --speed is read in the treadmill's unit (an mph console shows mph) unless --unit says otherwise.
    unit = {"kmh": SpeedUnit.KMH, "mph": SpeedUnit.MPH}.get(arguments.unit or "", treadmill.unit)
    speed = Speed.kmh(arguments.speed) if unit is SpeedUnit.KMH else Speed.mph(arguments.speed)
    plan = generate_plan(
        arguments.level,
        speed,
        treadmill,
        weeks=arguments.weeks,
        sessions_per_week=arguments.sessions_per_week,
        start=arguments.start,
        turn=arguments.turn,
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


def _export(arguments: argparse.Namespace) -> int:
    from retrointervals import formats  # noqa: PLC0415
    from retrointervals.errors import FormatError  # noqa: PLC0415
    from retrointervals.export import export_plan  # noqa: PLC0415
    from retrointervals.model import Plan  # noqa: PLC0415
    from retrointervals.plans import DEFAULT_RULES, check  # noqa: PLC0415
    from retrointervals.plans.levels import rules_from_json  # noqa: PLC0415

    document = formats.read(arguments.plan)
    if not isinstance(document, Plan):
        raise FormatError("holds a single workout; export writes the files of a plan", arguments.plan)
    rules = DEFAULT_RULES
    if arguments.rules:
        rules = rules_from_json(Path(arguments.rules).read_bytes(), arguments.rules)
    if document.level is not None and document.forward_speed is not None:
        violations = check(document, rules=rules)
        for violation in violations:
            _say(str(violation))
        if violations:
            _say(f"{document.name}: {len(violations)} violation(s); nothing written (fix the plan, then export)")
            return 1
    else:
        _say(f"{document.name}: no level or forward speed, so the progression rules were not checked")
    files = export_plan(document, arguments.out, formats=arguments.formats, overwrite=arguments.force)
    _say(f"wrote {len(files)} files to {arguments.out}/ (start with README.txt and plan.html)")
    _safety()
    return 0


def _convert(arguments: argparse.Namespace) -> int:
    from retrointervals import formats  # noqa: PLC0415

    document = formats.read(arguments.input)
    policy = formats.Policy.LOSSY if arguments.lossy else formats.Policy.STRICT
    changes = formats.write(document, arguments.output, policy=policy, overwrite=arguments.force)
    _say(f"wrote {arguments.output}")
    for change in changes:
        _say(f"  changed: {change}")
    return 0


def _show(arguments: argparse.Namespace) -> int:
    from retrointervals import formats  # noqa: PLC0415
    from retrointervals.model import Workout  # noqa: PLC0415
    from retrointervals.render.text import ascii_profile, plan_table, workout_table  # noqa: PLC0415

    document = formats.read(arguments.file)
    if isinstance(document, Workout):
        _say(workout_table(document))
        _say()
        _say(ascii_profile(document))
    else:
        _say(plan_table(document))
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
    from retrointervals import formats  # noqa: PLC0415
    from retrointervals._files import read_bounded  # noqa: PLC0415

    info = formats.format_for_path(arguments.file)
    module = formats.load(info)
    problems: list[str] = []
    validator: Callable[[bytes], list[str]] | None = getattr(module, "validate", None)
    if validator is not None:
        problems = validator(read_bounded(arguments.file))
    if not problems:
        try:
            module.read(arguments.file)
        except RetroIntervalsError as error:
            problems = [str(error)]
    for problem in problems:
        _say(problem)
    _say(f"{arguments.file}: {'invalid, ' + str(len(problems)) + ' problem(s)' if problems else 'valid'} {info.title}")
    return 1 if problems else 0


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


# --- argument parsing ---------------------------------------------------------------------------------


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {text!r}") from None


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
    plan.add_argument(
        "--level",
        required=True,
        choices=("rehab", "beginner", "intermediate", "advanced"),
        help="rehab, beginner, intermediate or advanced (see the levels command)",
    )
    plan.add_argument(
        "--speed",
        required=True,
        type=float,
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
        "--formats",
        type=_formats,
        default=_FORMAT_NAMES,
        help=f"comma-separated, from {','.join(_FORMAT_NAMES)} (default: all)",
    )
    plan.add_argument("--out", required=True, type=Path, help="output folder (must be empty unless --force)")
    plan.add_argument("--force", action="store_true", help="write into a folder that is not empty")

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
    convert.add_argument("--lossy", action="store_true", help="adapt what OUT's format cannot carry, and list it")
    convert.add_argument("--force", action="store_true", help="replace OUT if it exists")

    show = _command(
        commands,
        "show",
        "print a workout or plan file as a table with totals and a speed profile",
        f"{PROG} show examples/backward-intervals.json",
        _show,
    )
    show.add_argument("file", metavar="FILE")

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
        "check that a file is valid in its format (exit 1 when not, listing every problem)",
        f"{PROG} validate my-plan/plan.tcx",
        _validate,
    )
    validate.add_argument("file", metavar="FILE")

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
        message = f"{error.filename}: {error.strerror}" if isinstance(error, OSError) and error.strerror else error
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return status
