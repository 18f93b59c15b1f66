"""Native JSON (``retrointervals/1``): reading and writing a whole generated 8-week plan, and one workout.

Run it from the repository root::

    python benchmarks/native_json.py            # a few seconds
    python benchmarks/native_json.py --quick    # checks that it runs (numbers mean nothing)

Prints the median and best time per call of ``native.to_json`` and ``native.from_json`` for the advanced 8-week
plan (``generate_plan("advanced", Speed.kmh(5.0))``, 24 sessions) and the one-workout workload of ``workload.py``,
and the JSON parsing alone (``json.loads`` of the same text) as the floor that any codec pays.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from workload import build_workout  # noqa: E402 - after the path is set, to run from a checkout

from retrointervals import Speed  # noqa: E402
from retrointervals.formats import native  # noqa: E402
from retrointervals.plans import generate_plan  # noqa: E402


def _time(action: Callable[[], object], rounds: int, number: int) -> tuple[float, float]:
    """Median and best seconds per call over ``rounds`` rounds of ``number`` calls."""
    per_call = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(number):
            action()
        per_call.append((time.perf_counter() - start) / number)
    return statistics.median(per_call), min(per_call)


def main() -> None:
    """Measure and print one Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one short round: checks that everything runs")
    quick = parser.parse_args().quick
    rounds, plan_number, workout_number = (1, 1, 1) if quick else (9, 10, 200)
    plan = generate_plan("advanced", Speed.kmh(5.0))
    workout = build_workout()
    rows = []
    for name, document, number in (("8-week plan", plan, plan_number), ("1 workout", workout, workout_number)):
        text = native.to_json(document)
        assert native.from_json(text) == document  # noqa: S101 - a benchmark of a wrong codec means nothing
        for action, call in (
            ("write (to_json)", lambda document=document: native.to_json(document)),
            ("read (from_json)", lambda text=text: native.from_json(text)),
            ("json.loads alone", lambda text=text: json.loads(text)),
        ):
            median, best = _time(call, rounds, number)
            rows.append(f"| {name} ({len(text) // 1024} KB) | {action} | {median * 1e3:.3f} | {best * 1e3:.3f} |")
    print("| document | operation | median ms | best ms |")
    print("|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
