"""Native JSON (``retrointervals/1``): reading and writing a whole generated 8-week plan, and one workout.

Run it from the repository root::

    python benchmarks/native_json.py            # a few seconds
    python benchmarks/native_json.py --quick    # checks that it runs (numbers mean nothing)
    python benchmarks/native_json.py --before 9552c47   # side by side with native.py as of that commit (git)

Prints the median and best time per call of ``native.to_json`` and ``native.from_json`` for the advanced 8-week
plan (``generate_plan("advanced", Speed.kmh(5.0))``, 24 sessions) and the one-workout workload of ``workload.py``,
and the JSON parsing alone (``json.loads`` of the same text) as the floor that any codec pays. With ``--before REV``,
the ``native.py`` of that git revision (9552c47 is the last hand-made codec) is loaded beside the current one and
measured in the same rounds, alternating, with the ratio current / before.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from workload import build_workout  # noqa: E402 - after the path is set, to run from a checkout

from retrointervals import Speed  # noqa: E402
from retrointervals.formats import native  # noqa: E402
from retrointervals.plans import generate_plan  # noqa: E402


def _time(actions: dict[str, Callable[[], object]], rounds: int, number: int) -> dict[str, tuple[float, float]]:
    """Median and best seconds per call of each action: ``rounds`` rounds of ``number`` calls, alternating."""
    per_call: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            start = time.perf_counter()
            for _ in range(number):
                action()
            per_call[name].append((time.perf_counter() - start) / number)
    return {name: (statistics.median(times), min(times)) for name, times in per_call.items()}


def _module_at(revision: str) -> ModuleType:
    """``retrointervals/formats/native.py`` as of a git revision, imported under another name."""
    source = subprocess.run(  # noqa: S603 - a fixed git command; the revision is the caller's own
        ["git", "show", f"{revision}:retrointervals/formats/native.py"],  # noqa: S607 - git from PATH
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as file:
        file.write(source)
    spec = importlib.util.spec_from_file_location("retrointervals.formats._native_before", file.name)
    assert spec is not None  # noqa: S101
    assert spec.loader is not None  # noqa: S101
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    Path(file.name).unlink()
    return module


def main() -> None:
    """Measure and print one Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one short round: checks that everything runs")
    parser.add_argument("--before", metavar="REV", help="also measure native.py as of this git revision")
    arguments = parser.parse_args()
    rounds, plan_number, workout_number = (1, 1, 1) if arguments.quick else (9, 10, 200)
    codecs: dict[str, ModuleType] = {"current": native}
    if arguments.before:
        codecs["before"] = _module_at(arguments.before)
    plan = generate_plan("advanced", Speed.kmh(5.0))
    workout = build_workout()
    print("| document | operation | " + " | ".join(f"{name} median ms | {name} best ms" for name in codecs), end="")
    print(" | current / before (median) |" if arguments.before else " |")
    print("|---|---|" + "---|---|" * len(codecs) + ("---|" if arguments.before else ""))
    for name, document, number in (("8-week plan", plan, plan_number), ("1 workout", workout, workout_number)):
        text = native.to_json(document)
        for codec in codecs.values():
            assert codec.to_json(document) == text  # noqa: S101 - the same bytes, or the comparison means nothing
            assert codec.from_json(text) == document  # noqa: S101
        operations: list[tuple[str, dict[str, Callable[[], object]]]] = [
            ("write (to_json)", {key: (lambda c=c, d=document: c.to_json(d)) for key, c in codecs.items()}),
            ("read (from_json)", {key: (lambda c=c, t=text: c.from_json(t)) for key, c in codecs.items()}),
            ("json.loads alone", {"current": lambda t=text: json.loads(t)}),
        ]
        for operation, actions in operations:
            results = _time(actions, rounds, number)
            cells = " | ".join(
                f"{results[key][0] * 1e3:.3f} | {results[key][1] * 1e3:.3f}" if key in results else "| "
                for key in codecs
            )
            ratio = ""
            if "before" in results:
                ratio = f" {results['current'][0] / results['before'][0]:.2f}x |"
            elif arguments.before:
                ratio = " |"
            print(f"| {name} ({len(text) // 1024} KB) | {operation} | {cells} |{ratio}")


if __name__ == "__main__":
    main()
