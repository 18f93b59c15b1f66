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

from retrointervals import __version__
from retrointervals.errors import RetroIntervalsError
from retrointervals.safety import SAFETY_NOTE

__all__ = ["build_parser", "main"]

PROG = "retrointervals"
_FORMAT_NAMES = ("json", "tcx", "fit", "zwo", "qz")


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
