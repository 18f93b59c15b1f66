"""Review speed: one 60-minute recording at one record per second against fitdecode's bare iteration, side by side;
and a folder of recordings reviewed on one core and on every core (``review_many``).

Targets (issue #13): a review costs at most 1.2x a bare ``fitdecode.FitReader`` loop over the same bytes; reviewing
many recordings uses every core (its speed-up over one process is printed with the core count).

    pip install -e '.[bench]'                   # garmin-fit-sdk writes the recordings (independent encoder)
    python benchmarks/bench_review.py           # about a minute on a 2-core machine
    python benchmarks/bench_review.py --many 1000
    python benchmarks/bench_review.py --quick   # a few seconds: checks that everything runs
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import fitdecode

from retrointervals.activity.fit import read_bytes
from retrointervals.model import Direction, Plan, Repeat, Session, Step, StepKind, Week, Workout
from retrointervals.review import review_activity, review_many
from retrointervals.units import Duration, Speed

START = dt.datetime(2026, 12, 1, 8, tzinfo=dt.timezone.utc)


def sixty_minutes() -> Workout:
    """5 min warm-up, 10 x (15 s turn, 3 min backward, 15 s turn, 90 s forward), 5 min cool-down: 60:00."""

    def step(direction: Direction, kind: StepKind, seconds: int, kmh: float) -> Step:
        return Step(direction=direction, kind=kind, length=Duration.seconds(seconds), speed=Speed.kmh(kmh))

    forward, backward = Direction.FORWARD, Direction.BACKWARD
    bout = [
        step(forward, StepKind.TRANSITION, 15, 1.0),
        step(backward, StepKind.ACTIVE, 180, 2.5),
        step(backward, StepKind.TRANSITION, 15, 1.0),
        step(forward, StepKind.RECOVERY, 90, 4.5),
    ]
    return Workout(
        "Retro W1 S1",
        [step(forward, StepKind.WARMUP, 300, 4.0), Repeat(10, bout), step(forward, StepKind.COOLDOWN, 300, 3.6)],
    )


def recording(workout: Workout, start: dt.datetime, seconds: int | None = None) -> bytes:
    """What a watch following the workout records, written by garmin-fit-sdk's encoder."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from recordings import record_session  # noqa: PLC0415 - the tests' independent recorder

    return record_session(workout, start, stop_after_s=seconds, noise=0.02, accel_kmh_per_s=0.8)


def best_of(function: object, runs: int) -> tuple[float, float]:
    """(best, median) seconds of ``runs`` calls."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()  # type: ignore[operator]
        times.append(time.perf_counter() - began)
    return min(times), statistics.median(times)


def bare_fitdecode(data: bytes) -> None:
    """The bare loop with the settings our reader uses (as in run.py): no data processor, errors raise."""
    with fitdecode.FitReader(
        data, processor=None, check_crc=fitdecode.CrcCheck.RAISE, error_handling=fitdecode.ErrorHandling.RAISE
    ) as reader:
        for _frame in reader:
            pass


def default_fitdecode(data: bytes) -> None:
    """The bare loop with fitdecode's defaults (it converts every date_time), for information."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fitdecode.FitReader(data) as reader:
            for _frame in reader:
                pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--many", type=int, default=200, help="recordings in the folder benchmark (default 200)")
    parser.add_argument("--quick", action="store_true")
    arguments = parser.parse_args()
    runs = 1 if arguments.quick else arguments.runs
    many = 4 if arguments.quick else arguments.many

    workout = sixty_minutes()
    plan = Plan(name="Benchmark", weeks=[Week([Session(workout)])], start=START.date())
    data = recording(workout, START)
    if review_activity(plan, read_bytes(data)).compliance < 0.99:
        raise SystemExit("the benchmark recording does not review as walked exactly")

    # Interleaved rounds, so that a busy moment of the machine hits both alike.
    bare_times, default_times, our_times = [], [], []
    for _ in range(runs):
        bare_times.append(best_of(lambda: bare_fitdecode(data), 1)[0])
        default_times.append(best_of(lambda: default_fitdecode(data), 1)[0])
        our_times.append(best_of(lambda: review_activity(plan, read_bytes(data)), 1)[0])
    bare, bare_median = min(bare_times), statistics.median(bare_times)
    ours, ours_median = min(our_times), statistics.median(our_times)
    defaults = min(default_times)
    ratio = ours / bare
    print(f"60-minute recording: {len(data)} bytes, {round(workout.total_time.in_seconds)} records")
    print(f"  fitdecode bare iteration  best {bare * 1000:8.1f} ms  median {bare_median * 1000:8.1f} ms")
    print(f"  fitdecode, its defaults   best {defaults * 1000:8.1f} ms  (for information)")
    print(f"  read + review             best {ours * 1000:8.1f} ms  median {ours_median * 1000:8.1f} ms")
    print(f"  ratio {ratio:.2f}x (target <= 1.2x): {'met' if ratio <= 1.2 else 'MISSED'}")

    cores = os.cpu_count() or 1
    short = recording(workout, START, seconds=600)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index in range(many):
            path = Path(folder) / f"walk{index:04d}.fit"
            path.write_bytes(short)
            paths.append(path)
        one, _ = best_of(lambda: review_many(plan, paths, workers=1), 1)
        every, _ = best_of(lambda: review_many(plan, paths), 1)
    print(f"{many} recordings of 10 minutes: one process {one:.2f} s, every core ({cores}) {every:.2f} s, ")
    print(f"  speed-up {one / every:.2f}x on {cores} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
