"""Limits and whole-folder writes: the bar of hostile inputs, and what writing a plan folder to disk costs.

Run it from the repository root::

    python benchmarks/limits.py            # about half a minute on a 2-core machine
    python benchmarks/limits.py --quick    # a few seconds: smaller inputs, checks that everything runs

1. **Writing a plan folder.** ``plan_entries(plan)`` builds every file of the advanced 8-week plan in memory
   (json, tcx, fit, zwo, qz, the report and the README: 76 files); ``write_plan_folder`` then builds the new folder
   beside the target, flushes every file and folder to disk, and swaps it in. Target: the whole export (build and
   write) costs at most 1.5x the build alone. The two alternate in rounds; the ratio is the median of the
   per-round ratios.
2. **The bar of inputs.** Each hostile input, up to the 16 MiB size bound, is read by a fresh interpreter
   (``formats.read``, as ``retrointervals show`` does, and the totals of every workout it returns); the wall time
   of the read and the peak resident memory of the process (``VmHWM``; Linux) are printed. Target: every input
   read or refused in under 2 s and 256 MB. The interpreter and its imports count towards the memory (~40 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retrointervals import Speed  # noqa: E402 - after the path is set, to run from a checkout
from retrointervals.export import plan_entries, write_plan_folder  # noqa: E402
from retrointervals.formats import native  # noqa: E402
from retrointervals.limits import MAX_INPUT_BYTES  # noqa: E402
from retrointervals.plans import generate_plan  # noqa: E402

MAX_SECONDS = 2.0
MAX_MEGABYTES = 256
MAX_WRITE_RATIO = 1.5

_READER = """
import sys, time
from retrointervals import formats
from retrointervals.errors import RetroIntervalsError
from retrointervals.model import Workout
start = time.perf_counter()
try:
    document = formats.read(sys.argv[1])
    workouts = [document] if isinstance(document, Workout) else [s.workout for _, _, s in document.sessions()]
    segments = sum(len(workout.timeline) for workout in workouts)
    outcome = f"read, {segments} segments"
except RetroIntervalsError as error:
    outcome = "refused: " + str(error).rsplit(": ", 1)[-1][:70]
elapsed = time.perf_counter() - start
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))  # this process's own peak
print(f"{elapsed}\\t{int(peak.split()[1]) / 1024}\\t{outcome}")
"""

_RULES_READER = _READER.replace(
    "document = formats.read(sys.argv[1])\n    workouts = [document] if isinstance(document, Workout) else "
    "[s.workout for _, _, s in document.sessions()]\n    segments = sum(len(workout.timeline) for workout in "
    'workouts)\n    outcome = f"read, {segments} segments"',
    'from retrointervals._rules_file import read_rules\n    read_rules(sys.argv[1])\n    outcome = "read"',
)


def _step(seconds: int = 60) -> dict[str, object]:
    return {"direction": "backward", "kind": "active", "duration_s": seconds, "speed_kmh": 2.0}


def _document(body: dict[str, object], key: str = "plan") -> str:
    return json.dumps({"format": native.FORMAT_ID, key: body})


def hostile_inputs(size: int) -> dict[str, tuple[str, bytes]]:
    """Name -> (kind, bytes) of every input of the bar, each at most ``size`` bytes."""
    nested_repeats: object = _step()
    for _ in range(8):
        nested_repeats = {"repeat": 99, "steps": [nested_repeats]}
    big_session = {"workout": {"name": "W", "steps": [{"repeat": 99, "steps": [{"repeat": 99, "steps": [_step()]}]}]}}
    budget_week = {"sessions": [{"workout": {"name": "W", "steps": [_step()] * 27}}] * 7}
    flat_steps = max(1, size // (len(json.dumps(_step())) + 2) - 10)
    sessions_beyond = {"name": "P", "weeks": [{"sessions": [big_session] * 7}] * 100}
    inputs: dict[str, tuple[str, bytes]] = {
        "empty arrays": ("json", ("[" + "[]," * (size // 3 - 2) + "[]]").encode()),
        "deep nesting": ("json", ("[" * (size // 2) + "]" * (size // 2)).encode()),
        "one long string": ("json", ('{"format": "' + "x" * (size - 20) + '"}').encode()),
        "long numbers": ("json", ("[" + ",".join(["9" * 4000] * (size // 4001 - 1)) + "]").encode()),
        "objects just under the value count": (
            "json",
            ("[" + "{}," * (native.MAX_JSON_VALUES // 2 - 10) + "{}]").encode(),
        ),
        "texts just under the value count": (
            "json",
            ('["' + "x," * 20 + '"' + ',""' * (native.MAX_JSON_VALUES - 10) + "]").encode(),
        ),
        "many small numbers": ("json", ("[" + "1," * (size // 2 - 2) + "1]").encode()),
        "steps beyond the budget": (
            "json",
            _document({"name": "W", "steps": [_step()] * flat_steps}, "workout").encode(),
        ),
        "nested repeats 99^8": ("json", _document({"name": "W", "steps": [nested_repeats]}, "workout").encode()),
        "sessions beyond the budget": (
            "json",
            _document(sessions_beyond).encode(),
        ),
        "a plan at the budget (19,656 steps)": (
            "json",
            _document({"name": "P", "weeks": [budget_week] * 104}).encode(),
        ),
        "rules: zeros": ("rules", b"\x00" * (size + 1)),
        "rules: deep nesting": ("rules", ("[" * (size // 2) + "]" * (size // 2)).encode()),
        "rules: empty objects": ("rules", ("[" + "{}," * (size // 3 - 2) + "{}]").encode()),
    }
    return {name: (kind, data) for name, (kind, data) in inputs.items() if len(data) <= size + 1}


def bar(size: int) -> list[tuple[str, float, float, str]]:
    """Read each input in a fresh interpreter: (name, seconds, megabytes, outcome)."""
    rows = []
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as folder:
        for name, (kind, data) in hostile_inputs(size).items():
            path = Path(folder) / ("input.json" if kind == "json" else "rules.json")
            path.write_bytes(data)
            script = _READER if kind == "json" else _RULES_READER
            ran = subprocess.run(  # noqa: S603 - our own interpreter and script
                [sys.executable, "-c", script, str(path)],
                env=environment,
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
            if ran.returncode != 0:
                rows.append((name, float("nan"), float("nan"), "CRASHED: " + ran.stderr.strip().splitlines()[-1]))
                continue
            seconds, megabytes, outcome = ran.stdout.strip().split("\t")
            rows.append((f"{name} ({len(data) / 1024 / 1024:.1f} MiB)", float(seconds), float(megabytes), outcome))
    return rows


def write_cost(rounds: int) -> tuple[float, float, float]:
    """Median build time, median write time, and the median per-round ratio of (build + write) to build."""
    plan = generate_plan("advanced", Speed.kmh(5.0))
    builds, writes, ratios = [], [], []
    with tempfile.TemporaryDirectory(dir=ROOT) as folder:  # on the disk of the checkout, not a RAM disk
        target = Path(folder) / "plan"
        write_plan_folder(plan_entries(plan), target, overwrite=True)  # warm-up
        for _ in range(rounds):
            start = time.perf_counter()
            entries = plan_entries(plan)
            build = time.perf_counter() - start
            start = time.perf_counter()
            write_plan_folder(entries, target, overwrite=True)
            write = time.perf_counter() - start
            builds.append(build)
            writes.append(write)
            ratios.append((build + write) / build)
        shutil.rmtree(target)
    return statistics.median(builds), statistics.median(writes), statistics.median(ratios)


def _status(met: bool) -> str:
    return "met" if met else "MISSED"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the write cost and the bar of inputs, each against its target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs and few rounds: checks that it runs")
    arguments = parser.parse_args(argv)
    rounds = 3 if arguments.quick else 15
    size = 256 * 1024 if arguments.quick else MAX_INPUT_BYTES
    build, write, ratio = write_cost(rounds)
    print(f"plan folder: build {build * 1000:.1f} ms, write {write * 1000:.1f} ms, (build + write) / build {ratio:.2f} "
          f"(target <= {MAX_WRITE_RATIO}: {_status(ratio <= MAX_WRITE_RATIO)})")  # fmt: skip
    print()
    print(f"{'input':<48} {'seconds':>8} {'MB':>6}  outcome")
    report: Callable[[float, float], bool] = lambda s, m: s < MAX_SECONDS and m < MAX_MEGABYTES  # noqa: E731
    for name, seconds, megabytes, outcome in bar(size):
        print(f"{name:<48} {seconds:8.2f} {megabytes:6.0f}  {outcome} [{_status(report(seconds, megabytes))}]")
    print(f"\ntargets: each input read or refused in < {MAX_SECONDS} s and < {MAX_MEGABYTES} MB; load average "
          f"{os.getloadavg()[0]:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
