"""Side-by-side benchmarks of retrointervals and the tools a user would otherwise pick, with the speed targets.

Run it from the repository root (about a minute and a half on a 2-core machine; ``--quick`` takes seconds)::

    pip install -e '.[bench]'        # fit-tool and garmin-fit-sdk, the peers
    python benchmarks/run.py          # one table: median, best, ratio to retrointervals, targets met/missed
    python benchmarks/run.py --markdown > table.md

Method (see README.md): every measurement is a batch of N calls timed with ``time.perf_counter`` with the garbage
collector paused (as ``timeit`` does), after warm-up calls. The contenders of one comparison run interleaved in
rounds (retrointervals, peer, peer, ...; the order rotates each round), so a noisy neighbour slows them alike;
each ratio is the median of the per-round ratios. Import and ``--help`` costs are measured in fresh interpreters,
interleaved the same way.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import workload

# --- what is compared ---------------------------------------------------------------------------

Timed = Callable[[], object]  # one unit of work, called N times per batch


@dataclass(frozen=True)
class Contender:
    """One tool's way of doing a benchmark's work: ``setup()`` prepares and returns the function to time."""

    tool: str
    setup: Callable[[], Timed]
    ours: bool = False
    #: The module a peer needs; the contender is shown as "not installed" without it.
    requires: str | None = None


@dataclass(frozen=True)
class Target:
    """A speed target: on our own time (``max_ms``) or on a ratio to another contender."""

    text: str
    max_ms: float | None = None
    #: (contender tool, lowest allowed ratio tool time / our time).
    min_ratio: tuple[str, float] | None = None


@dataclass(frozen=True)
class Benchmark:
    key: str
    title: str
    contenders: tuple[Contender, ...]
    iterations: int
    targets: tuple[Target, ...] = ()


# --- retrointervals' side -------------------------------------------------------------------------


def _ours_fit_encode() -> Timed:
    from retrointervals.formats import fit  # noqa: PLC0415 - imported when the benchmark is prepared

    workout = workload.build_workout()
    fit.write_workout(workout)  # builds the CRC table on first use
    return lambda: fit.write_workout(workout)


def _ours_fit_decode() -> Timed:
    from retrointervals.formats import fit  # noqa: PLC0415

    data = fit.write_workout(workload.build_workout()).data
    return lambda: fit.read_bytes(data)


def _writer(module_name: str) -> Callable[[], Timed]:
    def setup() -> Timed:
        from retrointervals.formats import load  # noqa: PLC0415

        module = load(module_name)
        workout = workload.build_workout()
        return lambda: module.write_workout(workout)

    return setup


def _reader(module_name: str) -> Callable[[], Timed]:
    def setup() -> Timed:
        from retrointervals.formats import load  # noqa: PLC0415

        module = load(module_name)
        data = module.write_workout(workload.build_workout()).data
        return lambda: module.read_bytes(data)

    return setup


def whole_plan() -> object:
    """Generate and check the 8-week advanced plan, then write it in every format (LOSSY)."""
    from retrointervals import Speed  # noqa: PLC0415
    from retrointervals.formats import FORMATS, Policy, plan_files  # noqa: PLC0415
    from retrointervals.plans import check, generate_plan  # noqa: PLC0415

    plan = generate_plan("advanced", Speed.kmh(5.0))
    violations = check(plan)
    files = [plan_files(plan, name, policy=Policy.LOSSY) for name in FORMATS]
    return violations, files


def _ours_whole_plan() -> Timed:
    whole_plan()  # imports lxml, fitdecode and every format module once
    return whole_plan


# --- the peers --------------------------------------------------------------------------------------


def _garmin_encode() -> Timed:
    from garmin_fit_sdk import Encoder, Profile  # noqa: PLC0415

    numbers = Profile["mesg_num"]
    file_id_num, workout_num, step_num = numbers["FILE_ID"], numbers["WORKOUT"], numbers["WORKOUT_STEP"]
    fields = workload.fit_fields(workload.build_workout())
    # Plain dicts with numeric enums, built once: the Encoder's fastest input.
    file_id = {
        "type": workload.FILE_TYPE_WORKOUT,
        "manufacturer": workload.MANUFACTURER_DEVELOPMENT,
        "product": workload.PRODUCT_ID,
        "serial_number": fields.serial_number,
        "time_created": fields.time_created_fit,
    }
    header = {
        "wkt_name": fields.name,
        "sport": workload.SPORT_RUNNING,
        "sub_sport": workload.SUB_SPORT_TREADMILL,
        "num_valid_steps": len(fields.steps),
        "wkt_description": fields.description,
    }
    steps: list[dict[str, Any]] = []
    for step in fields.steps:
        message: dict[str, Any] = {
            "message_index": step.message_index,
            "duration_type": step.duration_type,
            "duration_value": step.duration_value,  # raw: the Encoder ignores sub-fields (formats.md 3.5)
            "target_type": step.target_type,
            "target_value": step.target_value,
        }
        if step.name is not None:
            message |= {
                "wkt_step_name": step.name,
                "custom_target_value_low": step.low_mm_s,
                "custom_target_value_high": step.high_mm_s,
                "intensity": step.intensity,
                "notes": step.notes,
            }
        steps.append(message)

    def encode() -> bytes:
        encoder = Encoder()
        encoder.on_mesg(file_id_num, file_id)
        encoder.on_mesg(workout_num, header)
        for message in steps:
            encoder.on_mesg(step_num, message)
        data: bytes = encoder.close()
        return data

    return encode


def _fit_tool_messages(fields: workload.FitFields) -> list[Any]:
    """fit-tool's typed messages, with its sub-field setters (they apply the profile's scales)."""
    from fit_tool.profile.messages.file_id_message import FileIdMessage  # noqa: PLC0415
    from fit_tool.profile.messages.workout_message import WorkoutMessage  # noqa: PLC0415
    from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage  # noqa: PLC0415
    from fit_tool.profile.profile_type import (  # noqa: PLC0415
        FileType,
        Intensity,
        Sport,
        SubSport,
        WorkoutStepDuration,
        WorkoutStepTarget,
    )

    file_id = FileIdMessage()
    file_id.type = FileType.WORKOUT
    file_id.manufacturer = workload.MANUFACTURER_DEVELOPMENT
    file_id.product = workload.PRODUCT_ID
    file_id.serial_number = fields.serial_number
    file_id.time_created = fields.time_created_unix_ms  # fit-tool takes ms since the Unix epoch
    header = WorkoutMessage()
    header.workout_name = fields.name
    header.sport = Sport.RUNNING
    header.sub_sport = SubSport.TREADMILL
    header.num_valid_steps = len(fields.steps)
    header.workout_description = fields.description
    messages: list[Any] = [file_id, header]
    for step in fields.steps:
        message = WorkoutStepMessage()
        message.message_index = step.message_index
        message.duration_type = WorkoutStepDuration(step.duration_type)
        message.target_type = WorkoutStepTarget(step.target_type)
        if step.name is None:
            message.duration_step = step.duration_value
            message.target_repeat_steps = step.target_value
        else:
            message.workout_step_name = step.name
            message.duration_time = step.duration_value / 1000
            message.target_speed_zone = 0
            message.custom_target_speed_low = step.low_mm_s / 1000 if step.low_mm_s is not None else None
            message.custom_target_speed_high = step.high_mm_s / 1000 if step.high_mm_s is not None else None
            message.intensity = Intensity(step.intensity)
            message.notes = step.notes
        messages.append(message)
    return messages


def _fit_tool_string_size(fields: workload.FitFields) -> int:
    """``min_string_size`` that fits every step name and note: one workout_step definition, as retrointervals."""
    texts = [text for step in fields.steps for text in (step.name, step.notes) if text]
    return max(len(text.encode()) for text in texts) + 1


def _fit_tool_encode(method: str) -> Callable[[], Timed]:
    def setup() -> Timed:
        from fit_tool.fit_file_builder import FitFileBuilder  # noqa: PLC0415

        fields = workload.fit_fields(workload.build_workout())
        string_size = _fit_tool_string_size(fields)

        def encode() -> bytes:
            # The messages are built inside the loop: the builder binds each message to its definition.
            builder = FitFileBuilder(auto_define=True, min_string_size=string_size)
            builder.add_all(_fit_tool_messages(fields))
            data: bytes = builder.build().to_bytes() if method == "build" else builder.build_bytes()
            return data

        return encode

    return setup


def _garmin_decode() -> Timed:
    from garmin_fit_sdk import Decoder, Stream  # noqa: PLC0415

    from retrointervals.formats import fit  # noqa: PLC0415

    data = fit.write_workout(workload.build_workout()).data

    def decode() -> object:
        messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
        if errors:
            raise RuntimeError(errors)
        return messages

    return decode


def _fit_tool_decode() -> Timed:
    from fit_tool.fit_file import FitFile  # noqa: PLC0415

    from retrointervals.formats import fit  # noqa: PLC0415

    data = fit.write_workout(workload.build_workout()).data
    return lambda: FitFile.from_bytes(data)


RETROINTERVALS = "retrointervals"
FIT_TOOL_BUILD = "fit-tool build().to_bytes()"
FIT_TOOL_BUILD_BYTES = "fit-tool build_bytes()"
GARMIN_ENCODER = "garmin-fit-sdk Encoder"
FITDECODE_ALONE = "fitdecode FitReader alone"


def _fitdecode_alone() -> Callable[[], Timed]:
    def setup() -> Timed:
        import fitdecode  # noqa: PLC0415

        from retrointervals.formats import fit  # noqa: PLC0415

        data = fit.write_workout(workload.build_workout()).data

        def decode() -> int:
            # The settings retrointervals' reader uses: no data processor, CRC and malformed data raise.
            count = 0
            with fitdecode.FitReader(
                data,
                processor=None,
                check_crc=fitdecode.CrcCheck.RAISE,
                error_handling=fitdecode.ErrorHandling.RAISE,
            ) as reader:
                for _frame in reader:
                    count += 1
            return count

        return decode

    return setup


def _fitdecode_defaults() -> Timed:
    import fitdecode  # noqa: PLC0415

    from retrointervals.formats import fit  # noqa: PLC0415

    data = fit.write_workout(workload.build_workout()).data

    def decode() -> int:
        with fitdecode.FitReader(data) as reader:
            return sum(1 for _frame in reader)

    return decode


def _read_against_write(name: str, title: str, iterations: int) -> Benchmark:
    """Reading a workout against writing the same workout: reading costs at most 1.5 x writing."""
    writing = f"retrointervals {title} write (same workout)"
    return Benchmark(
        f"{name}-read",
        f"{title} read, 1 workout",
        (Contender(RETROINTERVALS, _reader(name), ours=True), Contender(writing, _writer(name))),
        iterations,
        # Our read time is at most 1.5 x our write time: write time / read time >= 1 / 1.5.
        (Target(f"<= 1.5x {title} write", min_ratio=(writing, 1 / 1.5)),),
    )


def benchmarks(scale: float = 1.0) -> tuple[Benchmark, ...]:
    """Every in-process comparison; ``scale`` shrinks the iteration counts (``--quick``)."""

    def n(iterations: int) -> int:
        return max(1, round(iterations * scale))

    return (
        Benchmark(
            "fit-encode",
            "FIT encode, 1 workout",
            (
                Contender(RETROINTERVALS, _ours_fit_encode, ours=True),
                Contender(GARMIN_ENCODER, _garmin_encode, requires="garmin_fit_sdk"),
                Contender(FIT_TOOL_BUILD, _fit_tool_encode("build"), requires="fit_tool"),
                Contender(FIT_TOOL_BUILD_BYTES, _fit_tool_encode("build_bytes"), requires="fit_tool"),
            ),
            n(200),
            (
                Target("<= 0.25 ms", max_ms=0.25),
                Target(">= 6x faster than garmin-fit-sdk", min_ratio=(GARMIN_ENCODER, 6.0)),
                Target(">= 25x faster than fit-tool build()", min_ratio=(FIT_TOOL_BUILD, 25.0)),
                Target(">= 25x faster than fit-tool build_bytes()", min_ratio=(FIT_TOOL_BUILD_BYTES, 25.0)),
            ),
        ),
        Benchmark(
            "fit-decode",
            "FIT decode, 1 workout",
            (
                Contender(RETROINTERVALS, _ours_fit_decode, ours=True),
                Contender(FITDECODE_ALONE, _fitdecode_alone(), requires="fitdecode"),
                Contender("fitdecode FitReader, defaults", _fitdecode_defaults, requires="fitdecode"),
                Contender("garmin-fit-sdk Decoder", _garmin_decode, requires="garmin_fit_sdk"),
                Contender("fit-tool FitFile.from_bytes", _fit_tool_decode, requires="fit_tool"),
            ),
            n(200),
            # Our time is at most fitdecode's own iteration of the same bytes: fitdecode's time / ours >= 1.
            (Target("at or below fitdecode alone", min_ratio=(FITDECODE_ALONE, 1.0)),),
        ),
        Benchmark(
            "tcx-write",
            "TCX write, 1 workout",
            (Contender(RETROINTERVALS, _writer("tcx"), ours=True),),
            n(200),
            (Target("<= 1 ms", max_ms=1.0),),
        ),
        _read_against_write("tcx", "TCX", n(200)),
        Benchmark(
            "zwo-write",
            "ZWO write, 1 workout",
            (Contender(RETROINTERVALS, _writer("zwo"), ours=True),),
            n(200),
            (Target("<= 0.5 ms", max_ms=0.5),),
        ),
        _read_against_write("zwo", "ZWO", n(200)),
        _read_against_write("qz", "QZ", n(200)),
        Benchmark(
            "whole-plan",
            "Whole plan: generate + check + 5 formats",
            (Contender(RETROINTERVALS, _ours_whole_plan, ours=True),),
            # About 0.1 s per call: 7 rounds of 30 calls keep the whole run under 3 minutes (README.md).
            n(30),
            (Target("<= 150 ms", max_ms=150.0),),
        ),
    )


# --- timing -------------------------------------------------------------------------------------------


def time_batch(function: Timed, iterations: int) -> float:
    """Seconds per call of ``iterations`` calls, with the garbage collector paused (as ``timeit`` does)."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(iterations):
            function()
        return (time.perf_counter() - start) / iterations
    finally:
        if enabled:
            gc.enable()


@dataclass
class Row:
    """One contender's result: its batch times (s per call) and the per-round ratios to retrointervals."""

    benchmark: str
    tool: str
    ours: bool = False
    times: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    note: str = ""
    #: Each target on this row: (what was measured against what, met: True / False / None when not measured).
    verdicts: list[tuple[str, bool | None]] = field(default_factory=list)

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.times) * 1000 if self.times else None

    @property
    def best_ms(self) -> float | None:
        return min(self.times) * 1000 if self.times else None

    @property
    def ratio(self) -> float | None:
        return statistics.median(self.ratios) if self.ratios else None


def available(contender: Contender) -> bool:
    """Whether a peer's package is installed."""
    if contender.requires is None:
        return True
    try:
        __import__(contender.requires)
    except ImportError:
        return False
    return True


def prepare(contender: Contender) -> Timed | str:
    """The function to time, after warm-up calls; or why it cannot run."""
    if not available(contender):
        return f"not installed ({contender.requires})"
    try:
        function = contender.setup()
        for _ in range(3):
            function()
    except ImportError as error:  # a format module that is not there yet
        return f"not available ({error})"
    return function


def run_benchmark(benchmark: Benchmark, runs: int) -> list[Row]:
    """Interleaved rounds: each round times every contender once, in an order that rotates between rounds."""
    rows = [Row(benchmark.title, contender.tool, contender.ours) for contender in benchmark.contenders]
    ready: list[tuple[Row, Timed]] = []
    for row, contender in zip(rows, benchmark.contenders, strict=True):
        prepared = prepare(contender)
        if isinstance(prepared, str):
            row.note = prepared
        else:
            ready.append((row, prepared))
    for round_number in range(runs):
        shift = round_number % len(ready) if ready else 0
        order = ready[shift:] + ready[:shift]
        this_round: dict[str, float] = {}
        for row, function in order:
            seconds = time_batch(function, benchmark.iterations)
            row.times.append(seconds)
            this_round[row.tool] = seconds
        if RETROINTERVALS in this_round:
            for row, _ in ready:
                row.ratios.append(this_round[row.tool] / this_round[RETROINTERVALS])
    judge(benchmark, rows)
    return rows


def judge(benchmark: Benchmark, rows: list[Row]) -> None:
    """Write each target's verdict on the row it concerns."""
    by_tool = {row.tool: row for row in rows}
    ours = by_tool.get(RETROINTERVALS)
    for target in benchmark.targets:
        if target.max_ms is not None:
            row = ours
            value = ours.median_ms if ours else None
            verdict = None if value is None else value <= target.max_ms
            shown = _ms(value) if value is not None else "not measured"
        else:
            assert target.min_ratio is not None  # noqa: S101 - a target has one of the two
            tool, lowest = target.min_ratio
            row = by_tool.get(tool)
            value = row.ratio if row else None
            verdict = None if value is None else value >= lowest
            if value is None:
                shown = "not measured"
            elif lowest < 1:  # an overhead target: show our time as a multiple of the other's
                shown = f"{1 / value:.2f}x"
            else:
                shown = f"{value:.1f}x"
        if row is None:
            continue
        row.verdicts.append((f"{target.text}: {shown}", verdict))


# --- fresh interpreters ---------------------------------------------------------------------------

_IMPORT_TIMER = "import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
#: (row name, statement): attrs is the reference of the target; the last row is what using the model costs.
IMPORTS = (
    ("import attrs", "import attrs"),
    (RETROINTERVALS, "import retrointervals"),
    ("from retrointervals import Workout, Step, Speed", "from retrointervals import Workout, Step, Speed"),
)


def _python(*arguments: str) -> list[str]:
    # -I: isolated from PYTHON* variables, the user site and the current directory.
    return [sys.executable, "-I", *arguments]


def _timed_run(command: Sequence[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603 - our own commands
    return time.perf_counter() - start, done.stdout


def import_costs(runs: int) -> list[Row]:
    """``import attrs`` vs ``import retrointervals``: the import alone, timed inside fresh interpreters.

    Each interpreter times only its import statement (``time.perf_counter`` around it), so interpreter start,
    which is the same for all and noisy, is left out. The statements take turns (the order rotates), after one
    unmeasured warm-up each (so all read compiled ``.pyc`` files).
    """
    title = "import, fresh interpreter"
    rows = [Row(title, name, ours=name == RETROINTERVALS) for name, _ in IMPORTS]
    commands = [_python("-c", _IMPORT_TIMER.format(statement=statement)) for _, statement in IMPORTS]
    for command in commands:
        _timed_run(command)
    for round_number in range(runs):
        shift = round_number % len(commands)
        seconds: dict[int, float] = {}
        for index in [*range(shift, len(commands)), *range(shift)]:
            seconds[index] = float(_timed_run(commands[index])[1])
        for index, row in enumerate(rows):
            row.times.append(seconds[index])
            row.ratios.append(seconds[index] / seconds[1])
    attrs_row, ours = rows[0], rows[1]
    # The target is on retrointervals / attrs, the inverse of attrs' ratio column.
    ratio = 1 / attrs_row.ratio if attrs_row.ratio else float("nan")
    ours.verdicts.append((f"<= 1.2x import attrs: {ratio:.2f}x", ratio <= 1.2))
    model = rows[2]
    if model.ratio is not None:
        model.note = f"{model.ratio * ratio:.2f}x import attrs (no target)"
    return rows


def help_command() -> list[str]:
    """The ``retrointervals --help`` command: the console script next to this Python, else ``-m``."""
    script = Path(sys.executable).with_name("retrointervals")
    return [str(script), "--help"] if script.exists() else [sys.executable, "-m", "retrointervals", "--help"]


def help_costs(runs: int) -> list[Row]:
    """Wall time of ``retrointervals --help``, and of a bare interpreter start for comparison."""
    title = "CLI wall time"
    command = help_command()
    shown = "retrointervals --help" if command[1] == "--help" else "python -m retrointervals --help"
    rows = [Row(title, shown, ours=True), Row(title, "python -c pass (interpreter start)")]
    commands = (command, [sys.executable, "-c", "pass"])
    for each in commands:
        _timed_run(each)
    for _ in range(runs):
        seconds = [_timed_run(each)[0] for each in commands]
        for row, value in zip(rows, seconds, strict=True):
            row.times.append(value)
            row.ratios.append(value / seconds[0])
    ours, bare = rows
    if ours.median_ms is not None and bare.median_ms is not None:
        ours.note = f"{ours.median_ms - bare.median_ms:.0f} ms over interpreter start (no target)"
    return rows


def peak_memory() -> float:
    """Peak traced memory (MiB) of one whole-plan export, after a warm-up call (imports excluded)."""
    whole_plan()
    gc.collect()
    tracemalloc.start()
    try:
        whole_plan()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


# --- checks and report ------------------------------------------------------------------------------


def same_content() -> str:
    """Decode every encoder's output with fitdecode and compare the messages: the tools encode the same thing."""
    import fitdecode  # noqa: PLC0415

    def content(data: bytes) -> list[tuple[str, dict[str, object]]]:
        messages = []
        with fitdecode.FitReader(data, processor=None, check_crc=fitdecode.CrcCheck.RAISE) as reader:
            for frame in reader:
                if frame.frame_type == fitdecode.FIT_FRAME_DATA:
                    values = {item.name: item.raw_value for item in frame.fields if item.raw_value is not None}
                    messages.append((frame.name, values))
        return messages

    encoders = next(bench for bench in benchmarks() if bench.key == "fit-encode").contenders
    reference: list[tuple[str, dict[str, object]]] | None = None
    sizes = []
    for contender in encoders:
        if not available(contender):
            continue
        encoded = contender.setup()()
        data = encoded.data if contender.ours else encoded  # type: ignore[attr-defined]
        assert isinstance(data, bytes)  # noqa: S101
        messages = content(data)
        if reference is None:
            reference = messages
        elif messages != reference:
            raise AssertionError(f"{contender.tool} encodes different content from retrointervals")
        sizes.append(f"{contender.tool} {len(data)} B")
    return "same decoded content from every encoder (" + ", ".join(sizes) + ")"


def cpu_name() -> str:
    """The CPU model from /proc/cpuinfo, with the count of logical CPUs."""
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return platform.processor() or platform.machine()
    models = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return f"{models[0] if models else platform.machine()}, {os.cpu_count()} logical CPUs"


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


def versions() -> str:
    """The versions of the packages measured."""
    names = ("retrointervals", "attrs", "lxml", "fitdecode", "garmin-fit-sdk", "fit-tool")
    return ", ".join(f"{name} {_version(name)}" for name in names)


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f} ms" if value < 10 else f"{value:.1f} ms"


def _ratio(row: Row) -> str:
    if row.ours:
        return "1 (reference)"
    return "-" if row.ratio is None else f"{row.ratio:.2f}x"


_STATUS = {True: " met", False: " MISSED", None: ""}
COLUMNS = ("benchmark", "tool", "median", "best", "time / retrointervals", "target")


def cells(row: Row) -> tuple[str, ...]:
    return (
        row.benchmark,
        row.tool,
        _ms(row.median_ms) if row.times else row.note,
        _ms(row.best_ms),
        _ratio(row) if not row.note or row.times else "-",
        "; ".join(f"{text}{_STATUS[met]}" for text, met in row.verdicts) or (row.note if row.times else ""),
    )


def format_table(rows: Sequence[Row], *, markdown: bool = False) -> str:
    """The results as an aligned text table, or a Markdown table."""
    table = [COLUMNS, *(cells(row) for row in rows)]
    if markdown:
        lines = ["| " + " | ".join(line) + " |" for line in table]
        lines.insert(1, "|" + "|".join("---" for _ in COLUMNS) + "|")
        return "\n".join(lines)
    widths = [max(len(line[column]) for line in table) for column in range(len(COLUMNS))]
    lines = ["  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip() for line in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="few iterations: checks that everything runs")
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown")
    parser.add_argument("--runs", type=int, default=None, help="rounds per comparison (default 7; 2 with --quick)")
    arguments = parser.parse_args(argv)
    runs = arguments.runs or (2 if arguments.quick else 7)
    scale = 0.02 if arguments.quick else 1.0
    started = time.perf_counter()
    load_before = os.getloadavg()

    print(f"CPU: {cpu_name()}")
    print(f"Python {platform.python_version()} ({platform.python_implementation()}), {platform.platform()}")
    print(f"Versions: {versions()}")
    print(f"Workload: {workload.describe()}; plan: 8-week advanced, 24 sessions")
    print(f"Check: {same_content()}")
    print(f"Method: median of {runs} interleaved rounds per comparison; iterations per round below", flush=True)
    if arguments.quick:
        print("--quick: a handful of iterations, to check that everything runs; the numbers mean nothing")

    rows: list[Row] = []
    for benchmark in benchmarks(scale):
        rows.extend(run_benchmark(benchmark, runs))
        print(f"  {benchmark.title}: {benchmark.iterations} iterations x {runs} rounds", file=sys.stderr, flush=True)
    subprocess_runs = 3 if arguments.quick else 15
    rows.extend(import_costs(subprocess_runs))
    rows.extend(help_costs(max(3, subprocess_runs // 2 + 1)))
    memory = peak_memory()

    print()
    print(format_table(rows, markdown=arguments.markdown))
    print()
    print(f"Peak memory of the whole-plan export (tracemalloc, imports excluded): {memory:.1f} MiB")
    verdicts = [(row, text, met) for row in rows for text, met in row.verdicts]
    print(f"Targets: {sum(met is True for _, _, met in verdicts)} of {len(verdicts)} met")
    for row, text, met in verdicts:
        if met is not True:
            print(f"  {'MISSED' if met is False else 'not measured'}: {row.benchmark}, {row.tool}: {text}")
    load_after = os.getloadavg()
    print(
        f"Load average (1 min) before / after: {load_before[0]:.2f} / {load_after[0]:.2f} on {os.cpu_count()} CPUs; "
        f"run took {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
