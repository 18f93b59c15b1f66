"""The ``retrointervals`` command line: a thin layer over the public API.

Errors are printed as one line on stderr without a traceback; the exit status is 1 for bad input and 2 for
a wrong command line (argparse's convention).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence

from retrointervals import __version__
from retrointervals.errors import RetroIntervalsError
from retrointervals.safety import SAFETY_NOTE

__all__ = ["main"]

PROG = "retrointervals"


def _show(arguments: argparse.Namespace) -> int:
    from retrointervals.formats import native  # noqa: PLC0415 - keep `--help` and `--version` fast
    from retrointervals.model import Workout  # noqa: PLC0415
    from retrointervals.render.text import plan_table, workout_table  # noqa: PLC0415

    document = native.read(arguments.file)
    print(workout_table(document) if isinstance(document, Workout) else plan_table(document))
    print()
    print(textwrap.fill(SAFETY_NOTE, width=100))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Backward (retro) and forward treadmill walking intervals.",
        epilog=f"example: {PROG} show examples/backward-intervals.json\n\n{SAFETY_NOTE}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    show = commands.add_parser(
        "show",
        help="print a workout or plan file as a table with its totals",
        description="Print a workout or plan (retrointervals JSON) as a readable table with its totals.",
        epilog=f"example: {PROG} show examples/backward-intervals.json",
    )
    show.add_argument("file", metavar="FILE.json", help="a retrointervals JSON file")
    show.set_defaults(run=_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    arguments = build_parser().parse_args(argv)
    try:
        status: int = arguments.run(arguments)
    except (RetroIntervalsError, OSError) as error:
        message = f"{error.filename}: {error.strerror}" if isinstance(error, OSError) and error.strerror else error
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return status
