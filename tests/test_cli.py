"""The command line: version, show, and one-line errors with the right exit status."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings

from retrointervals import Plan, __version__
from retrointervals import strategies as ris
from retrointervals.cli import main
from retrointervals.formats import native

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "backward-intervals.json")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"retrointervals {__version__}"


def test_show_workout_prints_steps_totals_and_the_safety_note(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", EXAMPLE]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Backward intervals, beginner\n")
    assert "repeat 4x:" in out
    assert out.count("BACKWARD") == 2
    assert "total 24:00, 1.33 km; backward 7:00 (237 m); 8 direction changes" in out
    assert "safety key" in out
    assert "manual allows walking\nbackward" in out or "manual allows walking backward" in out


@settings(max_examples=10)
@given(ris.plans(max_weeks=3))
def test_show_plan_lists_every_session(plan: Plan) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.json"
        native.write(plan, path)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["show", str(path)]) == 0
    lines = out.getvalue().split("\n")
    assert lines[0].startswith(plan.name)
    header = next(i for i, line in enumerate(lines) if re.match(r"week\s+session\s+date\s", line))
    rows = lines[header + 1 : lines.index("", header)]
    sessions = list(plan.sessions())
    assert len(rows) == len(sessions)
    for row, (_, _, session) in zip(rows, sessions, strict=True):
        assert session.workout.name in row
        assert re.search(rf"\s{session.workout.total_time}\s+{session.workout.backward_time}\s", row)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "No such file or directory"),
        ("{", "not valid JSON"),
        ('{"format": "retrointervals/9", "workout": {}}', "unsupported format"),
    ],
)
def test_bad_input_is_one_line_on_stderr_with_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, expected: str
) -> None:
    path = tmp_path / "in.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["show", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("retrointervals: error: ")
    assert expected in captured.err
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_help_shows_an_example_and_the_safety_note(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "example: retrointervals show" in out
    assert "safety key" in out


def test_python_dash_m_and_the_console_script_work() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "retrointervals", "show", EXAMPLE], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    assert "direction changes" in ran.stdout
    script = Path(sys.executable).parent / "retrointervals"
    if script.exists():
        ran = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
        assert ran.stdout.strip() == f"retrointervals {__version__}"
