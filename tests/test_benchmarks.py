"""Smoke test of benchmarks/run.py: every measurement still runs, so the benchmark code cannot rot.

Nothing here is timed or compared with a threshold: ``python benchmarks/run.py`` does that. The peers (fit-tool,
garmin-fit-sdk; ``pip install -e '.[bench]'``) are exercised only when they are installed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from retrointervals import Repeat, Workout
from retrointervals.formats import fit

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def run() -> Iterator[ModuleType]:
    """benchmarks/run.py, imported as a module (it imports its sibling workload.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCHMARKS))
        import run as module  # noqa: PLC0415 - importable only with benchmarks/ on the path

        yield module
    for name in ("run", "workload"):
        sys.modules.pop(name, None)


def test_the_workout_is_the_one_described(run: ModuleType) -> None:
    workout = run.workload.build_workout()
    assert isinstance(workout, Workout)
    assert isinstance(workout.steps[1], Repeat)
    assert workout.steps[1].count == 4
    assert len(workout.steps[1].steps) == 4
    assert len(workout.steps) == 1 + 1 + 13 + 1  # warm-up, block, ladder, cool-down
    fields = run.workload.fit_fields(workout)
    assert len(fields.steps) == 20  # including the repeat step
    assert [step.name is None for step in fields.steps].count(True) == 1
    assert all(step.low_mm_s is not None for step in fields.steps if step.name is not None)
    assert fit.read_bytes(fit.write_workout(workout).data) == workout


def test_the_plan_has_24_sessions(run: ModuleType) -> None:
    assert sum(1 for _ in run.workload.build_plan().sessions()) == 24


def _measure_each(run: ModuleType, ours: bool) -> None:
    """Prepare (with its warm-up calls) and time once every contender of every benchmark."""
    for benchmark in run.benchmarks(scale=0):
        assert benchmark.iterations == 1
        contenders = tuple(contender for contender in benchmark.contenders if contender.ours is ours)
        rows = run.run_benchmark(run.Benchmark(benchmark.key, benchmark.title, contenders, 1, benchmark.targets), 1)
        for row, contender in zip(rows, contenders, strict=True):
            if run.available(contender):
                assert len(row.times) == 1, f"{benchmark.title}, {row.tool}: {row.note}"
                assert row.times[0] > 0


def test_every_retrointervals_measurement_runs_once(run: ModuleType) -> None:
    _measure_each(run, ours=True)


def test_every_peer_measurement_runs_once(run: ModuleType) -> None:
    pytest.importorskip("fit_tool")
    pytest.importorskip("garmin_fit_sdk")
    _measure_each(run, ours=False)


def test_peers_encode_the_same_content(run: ModuleType) -> None:
    pytest.importorskip("fit_tool")
    pytest.importorskip("garmin_fit_sdk")
    assert run.same_content().startswith("same decoded content")


def test_the_table_shows_ratios_and_verdicts(run: ModuleType) -> None:
    benchmark = run.Benchmark(
        "x",
        "X",
        (),
        1,
        (run.Target("<= 1 ms", max_ms=1.0), run.Target(">= 6x faster", min_ratio=("peer", 6.0))),
    )
    ours = run.Row("X", run.RETROINTERVALS, ours=True, times=[0.0005, 0.0004], ratios=[1.0, 1.0])
    peer = run.Row("X", "peer", times=[0.002, 0.002], ratios=[4.0, 5.0])
    run.judge(benchmark, [ours, peer])
    assert ours.verdicts == [("<= 1 ms: 0.450 ms", True)]
    assert peer.verdicts == [(">= 6x faster: 4.5x", False)]
    table = run.format_table([ours, peer])
    assert "1 (reference)" in table
    assert "4.50x" in table
    assert "<= 1 ms: 0.450 ms met" in table
    assert ">= 6x faster: 4.5x MISSED" in table
    markdown = run.format_table([ours, peer], markdown=True)
    assert markdown.splitlines()[1].startswith("|---")


def test_fresh_interpreter_commands_run(run: ModuleType) -> None:
    rows = run.import_costs(1)
    assert [row.tool for row in rows][:2] == ["import attrs", run.RETROINTERVALS]
    assert all(len(row.times) == 1 for row in rows)
    assert "import attrs" in rows[1].verdicts[0][0]
    help_rows = run.help_costs(1)
    assert len(help_rows[0].times) == 1
    assert run.peak_memory() > 0
