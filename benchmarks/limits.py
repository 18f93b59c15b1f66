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
   The format readers get their own hostile inputs (``format_inputs``): ZWO, QZ, TCX, FIT and intervals.icu text
   at the size bound, amplifying plans (many workouts nested near the workout budget), and documents at the budget,
   each read leniently (``Policy.LOSSY`` with a belt speed, so that the reader goes as far as it can).
3. **TCX ``validate``** on documents of 1, 2, 4 and 8 MB (valid, duplicate names, a bad value in every step):
   the time should roughly double with the size.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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

from retrointervals import (  # noqa: E402 - after the path is set, to run from a checkout
    Direction,
    Duration,
    Plan,
    Repeat,
    Session,
    Speed,
    Step,
    StepKind,
    Week,
    Workout,
)
from retrointervals.export import plan_entries, write_plan_folder  # noqa: E402
from retrointervals.formats import Policy, fit, intervals, native, qz, tcx, zwo  # noqa: E402
from retrointervals.formats._fit_profile import (  # noqa: E402
    BaseType,
    FileIdField,
    FileType,
    MesgNum,
    WorkoutField,
    WorkoutStepField,
)
from retrointervals.formats._fit_writer import Field, FitWriter  # noqa: E402
from retrointervals.limits import MAX_INPUT_BYTES, MAX_WORKOUT_SEGMENTS  # noqa: E402
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


_FORMAT_READER = """
import sys, time
from retrointervals import Speed, formats
from retrointervals._files import read_bounded
from retrointervals.errors import RetroIntervalsError
from retrointervals.formats import Policy, ReadOptions, intervals
from retrointervals.model import Workout
start = time.perf_counter()
try:
    options = ReadOptions(policy=Policy.LOSSY, speed=Speed.kmh(3.0))
    document = formats.read_with_changes(sys.argv[1], options=options).document
    workouts = [document] if isinstance(document, Workout) else [s.workout for _, _, s in document.sessions()]
    segments = sum(len(workout.timeline) for workout in workouts)
    outcome = f"read, {segments} segments"
except RetroIntervalsError as error:
    outcome = "refused: " + str(error).split(": ", 1)[-1][:90]
elapsed = time.perf_counter() - start
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(f"{elapsed}\\t{int(peak.split()[1]) / 1024}\\t{outcome}")
"""

#: The file name each kind of input is read from (the extension chooses the reader).
_FILE_NAMES = {
    "json": "input.json",
    "rules": "rules.json",
    "zwo": "input.zwo",
    "qz": "input.xml",
    "tcx": "input.tcx",
    "fit": "input.fit",
    "txt": "input.txt",
}

_STEP = Step(direction=Direction.BACKWARD, kind=StepKind.ACTIVE, length=Duration.seconds(60), speed=Speed.kmh(2.0))


def _repeated(text: str, pattern: str, copies: Callable[[str], str], size: int) -> str:
    """``text`` with the first match of ``pattern`` replaced by as many of its ``copies`` as fit in ``size``."""
    found = re.search(pattern, text, re.DOTALL)
    assert found is not None  # noqa: S101 - our own writers' output
    one = found.group(0)
    count = max(1, (size - len(text)) // (len(copies(one)) + 1))
    return text.replace(one, "".join(copies(one) for _ in range(count)), 1)


def _fit_file(steps: int, *, file_type: int = FileType.WORKOUT, message: int = MesgNum.WORKOUT_STEP) -> bytes:
    writer = FitWriter()
    writer.message(MesgNum.FILE_ID, [Field(FileIdField.TYPE, BaseType.ENUM, file_type)])
    writer.message(MesgNum.WORKOUT, [Field(WorkoutField.SPORT, BaseType.ENUM, 1)])
    step = [
        Field(WorkoutStepField.DURATION_TYPE, BaseType.ENUM, 0),
        Field(WorkoutStepField.DURATION_VALUE, BaseType.UINT32, 60_000),
        Field(WorkoutStepField.TARGET_TYPE, BaseType.ENUM, 0),
        Field(WorkoutStepField.CUSTOM_TARGET_VALUE_LOW, BaseType.UINT32, 1000),
        Field(WorkoutStepField.CUSTOM_TARGET_VALUE_HIGH, BaseType.UINT32, 1100),
    ]
    fields = step if message == MesgNum.WORKOUT_STEP else [Field(253, BaseType.UINT32, 1)]
    for _ in range(steps):
        writer.message(message, fields)
    return writer.to_bytes()


def format_inputs(size: int) -> dict[str, tuple[str, bytes]]:
    """Name -> (kind, bytes) of the hostile inputs to the format readers, each at most about ``size`` bytes."""
    size -= 64 * 1024  # room for the document around what is repeated
    nested = Workout("W", [Repeat(99, [Repeat(99, [_STEP])])])
    counter = iter(range(10**9))

    def renamed(one: str) -> str:
        return one.replace("<Name>W</Name>", f"<Name>W{next(counter)}</Name>", 1)

    zwo_text = zwo.write_workout(Workout("W", [_STEP])).data.decode()
    qz_text = qz.write_workout(Workout("W", [_STEP])).data.decode()
    tcx_text = tcx.write_workout(Workout("W", [_STEP])).data.decode()
    budget_plan = Plan(name="P", weeks=[Week([Session(Workout("W", [Repeat(99, [_STEP] * 14)]))] * 7)] * 2)
    txt_step = "- 1m 30:00/km Pace\n"
    inputs: dict[str, tuple[str, bytes]] = {
        "zwo: blocks to the size bound": (
            "zwo",
            _repeated(zwo_text, r"<SteadyState .*?</SteadyState>", str, size).encode(),
        ),
        "zwo: 10,000 blocks (the most)": (
            "zwo",
            zwo.write_workout(Workout("W", [_STEP] * MAX_WORKOUT_SEGMENTS)).data,
        ),
        "zwo: a number of 16 million digits": (
            "zwo",
            zwo_text.replace('Duration="60"', 'Duration="' + "6" * (size - len(zwo_text)) + '"', 1).encode(),
        ),
        "zwo: a description of '1 km 3 min ' without durationType": (
            "zwo",
            zwo_text.replace("<durationType>time</durationType>", "")
            .replace("<description></description>", f"<description>{'1 km 3 min ' * (size // 11 - 100)}</description>")
            .encode(),
        ),
        "zwo: nesting 1 million deep": ("zwo", ("<a>" * (size // 7) + "</a>" * (size // 7)).encode()),
        "qz: rows to the size bound": ("qz", _repeated(qz_text, r"<row [^>]*/>", str, size).encode()),
        "qz: repeats of 99 x 150 rows": (
            "qz",
            _repeated(qz_text, r"<row [^>]*/>", lambda row: f'<repeat times="99">{row * 150}</repeat>', size).encode(),
        ),
        "qz: an attribute of 16 million characters": (
            "qz",
            re.sub(r'speed="[^"]*"', 'speed="' + "9" * (size - len(qz_text)) + '"', qz_text, count=1).encode(),
        ),
        "tcx: a plan of 99 x 99 workouts (amplifying)": (
            "tcx",
            _repeated(tcx.write_workout(nested).data.decode(), r"    <Workout .*?</Workout>\n", renamed, size).encode(),
        ),
        "tcx: steps to the size bound": (
            "tcx",
            _repeated(tcx_text, r"<Step xsi:type=\"Step_t\">.*?</Step>", str, size).encode(),
        ),
        "tcx: workouts of 20 steps to the size bound": (
            "tcx",
            _repeated(
                tcx.write_workout(Workout("W", [_STEP] * 20)).data.decode(),
                r"    <Workout .*?</Workout>\n",
                renamed,
                size,
            ).encode(),
        ),
        "tcx: notes of 16 MiB": (
            "tcx",
            tcx_text.replace(
                "<Name>W</Name>", "<Name>W</Name><Notes>" + "x" * (size - len(tcx_text) - 20) + "</Notes>"
            ).encode(),
        ),
        "tcx: a plan at the budget (19,404 segments)": ("tcx", tcx.write_plan(budget_plan, policy=Policy.LOSSY).data),
        "fit: workout steps to the size bound": ("fit", _fit_file(size // 22)),
        "fit: an activity of messages to the size bound": (
            "fit",
            _fit_file(size // 6, file_type=4, message=MesgNum.WORKOUT),
        ),
        "fit: unknown messages to the size bound": ("fit", _fit_file(size // 6, message=MesgNum.WORKOUT)),
        "fit: 10,000 steps (the most)": ("fit", fit.write_workout(Workout("W", [_STEP] * MAX_WORKOUT_SEGMENTS)).data),
        "txt: blank lines to the size bound": ("txt", b"\n" * size + txt_step.encode()),
        "txt: one line of 16 million words": ("txt", ("- " + "x " * (size // 2 - 10) + "1m\n").encode()),
        "txt: steps to the size bound": ("txt", (txt_step * (size // len(txt_step))).encode()),
        "txt: 99 x steps to the size bound": (
            "txt",
            ("Main set 99x\n" + txt_step * (size // len(txt_step) - 1)).encode(),
        ),
        "txt: a number of 16 million digits": ("txt", ("- " + "1" * (size - 20) + "m 30:00/km Pace\n").encode()),
        "txt: 10,000 steps (the most)": (
            "txt",
            intervals.write_workout(Workout("W", [_STEP] * MAX_WORKOUT_SEGMENTS)).data,
        ),
    }
    return {name: (kind, data) for name, (kind, data) in inputs.items() if len(data) <= MAX_INPUT_BYTES}


def validate_times(sizes_mb: Sequence[int] = (1, 2, 4, 8)) -> list[tuple[str, int, float, int]]:
    """(kind, size in bytes, seconds, problems) of ``tcx.validate`` on documents of each size."""
    text = tcx.write_workout(Workout("W", [Repeat(3, [_STEP, _STEP]), _STEP])).data.decode()
    found = re.search(r"    <Workout .*?</Workout>\n", text, re.DOTALL)
    assert found is not None  # noqa: S101 - our own writer's output
    one = found.group(0)
    kinds: dict[str, Callable[[int], str]] = {
        "valid": lambda i: one.replace("<Name>W</Name>", f"<Name>W{i}</Name>"),
        "duplicate names": lambda _: one,
        "a bad value per step": lambda i: one.replace("<Name>W</Name>", f"<Name>W{i}</Name>").replace(
            "<Seconds>60</Seconds>", "<Seconds>x</Seconds>"
        ),
    }
    rows = []
    for kind, make in kinds.items():
        for megabytes in sizes_mb:
            count = megabytes * 1024 * 1024 // len(one)
            data = text.replace(one, "".join(make(index) for index in range(count))).encode()
            start = time.perf_counter()
            problems = tcx.validate(data)
            rows.append((kind, len(data), time.perf_counter() - start, len(problems)))
    return rows


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
        for name, (kind, data) in {**hostile_inputs(size), **format_inputs(size)}.items():
            path = Path(folder) / _FILE_NAMES[kind]
            path.write_bytes(data)
            script = {"json": _READER, "rules": _RULES_READER}.get(kind, _FORMAT_READER)
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
    print()
    print(f"{'tcx.validate':<24} {'MB':>5} {'seconds':>8} {'s / MB':>7} {'problems':>9}")
    for kind, size_bytes, seconds, problems in validate_times((1, 2) if arguments.quick else (1, 2, 4, 8)):
        megabytes = size_bytes / 1024 / 1024
        print(f"{kind:<24} {megabytes:5.1f} {seconds:8.3f} {seconds / megabytes:7.3f} {problems:9d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
