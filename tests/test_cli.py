"""The command line: every command on good and bad input, one-line errors, exit statuses, help with examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from retrointervals import Plan, Speed, Workout, __version__
from retrointervals.cli import main
from retrointervals.formats import native
from retrointervals.plans import generate_plan
from retrointervals.testing.breakers import break_rule

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "backward-intervals.json")
COMMANDS = ("plan", "convert", "show", "check", "validate", "chart", "levels", "export")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def plan_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan") / "out"
    assert main(["plan", "--level", "beginner", "--speed", "4.5", "--start", "2026-11-23", "--out", str(folder)]) == 0
    return folder


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"retrointervals {__version__}"


def test_plan_writes_every_file(plan_folder: Path) -> None:
    names = sorted(str(p.relative_to(plan_folder)) for p in plan_folder.rglob("*") if p.is_file())
    assert {"README.txt", "plan.html", "plan.json", "plan.tcx"} <= set(names)
    for folder, extension in (("fit", ".fit"), ("zwo", ".zwo"), ("qz", ".xml"), ("intervals", ".txt")):
        files = sorted(n for n in names if n.startswith(folder + "/week"))
        assert files == [f"{folder}/week{w:02d}-session{s}{extension}" for w in range(1, 5) for s in range(1, 4)]
    plan = native.read(plan_folder / "plan.json")
    assert isinstance(plan, Plan)
    assert plan == generate_plan("beginner", Speed.kmh(4.5), start=plan.start)
    readme = (plan_folder / "README.txt").read_text(encoding="utf-8")
    assert "GARMIN/NEWFILES" in readme
    assert "qdomyos-zwift" in readme
    assert "safety key" in readme


def test_plan_refuses_a_folder_that_is_not_empty_without_force(
    plan_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (plan_folder / "plan.json").read_bytes()
    status, out, err = run(capsys, "plan", "--level", "rehab", "--speed", "3", "--out", str(plan_folder))
    assert status == 1
    assert out == ""
    assert "already exists" in err
    assert "--force" in err
    assert (plan_folder / "plan.json").read_bytes() == before


def test_plan_with_force_formats_and_mph(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "log.csv").write_text("x", encoding="utf-8")  # the walker's log: kept by --force
    status, out, _ = run(capsys, "plan", "--level", "rehab", "--speed", "2.2", "--unit", "mph", "--treadmill",
                         "mph", "--formats", "fit,json", "--out", str(tmp_path), "--force")  # fmt: skip
    assert status == 0
    assert "6 weeks, 18 sessions" in out
    assert "Safety:" in out
    assert not (tmp_path / "plan.tcx").exists()
    assert len(list((tmp_path / "fit").iterdir())) == 18
    plan = native.read(tmp_path / "plan.json")
    assert isinstance(plan, Plan)
    assert plan.forward_speed == Speed.mph(2.2)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["plan", "--level", "rehab", "--speed", "9", "--out", "x"], "error: --speed: must be"),
        (["plan", "--level", "rehab", "--speed", "3", "--treadmill", "walking-pad", "--out", "x"], "handrails"),
        (["plan", "--level", "rehab", "--speed", "3", "--weeks", "40", "--out", "x"], "error: --weeks: must"),
        (["show", "missing.json"], "No such file or directory"),
        (["show", "notes.docx"], "unknown file extension"),
        (["check", EXAMPLE], "single workout"),
    ],
)
def test_bad_input_is_one_line_on_stderr_with_status_1(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, *argv)
    assert status == 1
    assert out == ""
    assert err.startswith("retrointervals: error: ")
    assert expected in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["plan", "--speed", "4"],
        ["plan", "--level", "expert", "--speed", "4", "--out", "x"],
        ["plan", "--level", "rehab", "--speed", "4", "--start", "tomorrow", "--out", "x"],
        ["plan", "--level", "rehab", "--speed", "4", "--formats", "pdf", "--out", "x"],
        ["chart", "x.json"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_command_shows_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([command, "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert f"example:\n  retrointervals {command}" in out


def test_main_help_lists_commands_and_the_safety_note(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(command in out for command in COMMANDS)
    assert "safety key" in out


def test_show_workout_prints_steps_totals_profile_and_safety(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "show", EXAMPLE)
    assert status == 0
    assert out.startswith("Backward intervals, beginner\n")
    assert "repeat 4x:" in out
    assert "total 24:00, 1.33 km; backward 7:00 (237 m); 8 direction changes" in out
    profile = out[out.index("speed (top: 4.5 km/h)") :]
    assert "B" in profile
    assert "# forward   B backward" in profile
    assert "safety key" in out


@pytest.mark.parametrize("relative", ["plan.json", "plan.tcx", "fit/week01-session1.fit", "zwo/week01-session1.zwo",
                                      "qz/week01-session1.xml"])  # fmt: skip
def test_show_reads_every_format(plan_folder: Path, relative: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "show", str(plan_folder / relative))
    assert status == 0
    assert "24:30" in out  # the first beginner session lasts 24:30 (8 stopped-belt turns expected at 0:30 each)


def test_convert_between_formats(plan_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "session.fit"
    status, out, _ = run(capsys, "convert", str(plan_folder / "zwo" / "week01-session1.zwo"), str(target))
    assert status == 0
    assert f"wrote {target}" in out
    from retrointervals.formats import read  # noqa: PLC0415

    converted, original = read(target), read(plan_folder / "fit" / "week01-session1.fit")
    assert isinstance(converted, Workout)
    assert isinstance(original, Workout)
    assert converted.total_time == original.total_time
    assert [s.step.direction for s in converted.timeline] == [s.step.direction for s in original.timeline]
    status, _, err = run(capsys, "convert", str(plan_folder / "zwo" / "week01-session1.zwo"), str(target))
    assert status == 1
    assert "already exists" in err
    status, _, err = run(capsys, "convert", str(plan_folder / "plan.json"), str(tmp_path / "plan.fit"))
    assert status == 1
    assert "plan_files" in err or "one workout" in err


def test_check_passes_a_generated_plan_and_fails_a_broken_one(
    plan_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "check", str(plan_folder / "plan.json"))
    assert (status, out.strip().splitlines()[-1]) == (
        0,
        "Beginner backward walking, 4 weeks: follows every progression rule",
    )
    plan = native.read(plan_folder / "plan.json")
    assert isinstance(plan, Plan)
    broken = break_rule("W4", plan)
    assert broken is not None
    native.write(broken, tmp_path / "broken.json")
    status, out, _ = run(capsys, "check", str(tmp_path / "broken.json"))
    assert status == 1
    assert out.startswith("W4 (week 4): backward time")
    assert "1 violation(s) of 1 rule(s)" in out


def test_check_with_a_clinics_rules(plan_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"levels": {"beginner": {"session_cap_s": 600}}}), encoding="utf-8")
    status, out, _ = run(capsys, "check", str(plan_folder / "plan.json"), "--rules", str(rules))
    assert status == 1
    assert "S4 (week 4, session 1): 12:00 of backward walking in the session" in out
    assert "is more than the beginner cap of 10:00" in out
    rules.write_text(json.dumps({"levels": {"beginner": {"session_cap": 600}}}), encoding="utf-8")
    status, _, err = run(capsys, "check", str(plan_folder / "plan.json"), "--rules", str(rules))
    assert status == 1
    assert "unknown or fixed setting 'session_cap'" in err


def test_validate(plan_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for relative in ("plan.tcx", "plan.json", "fit/week01-session1.fit", "zwo/week01-session1.zwo"):
        status, out, _ = run(capsys, "validate", str(plan_folder / relative))
        assert status == 0, out
        assert out.strip().endswith(" valid " + out.strip().split(" valid ", 1)[1])
    broken = tmp_path / "broken.tcx"
    broken.write_bytes((plan_folder / "plan.tcx").read_bytes().replace(b"<ViewAs>", b"<Oops/><ViewAs>", 1))
    status, out, _ = run(capsys, "validate", str(broken))
    assert status == 1
    assert "invalid" in out.splitlines()[-1]
    assert len(out.splitlines()) >= 2  # at least one problem line, then the verdict


def test_chart_writes_svg(plan_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for source, name in (("plan.json", "plan.svg"), ("fit/week01-session1.fit", "w.svg")):
        target = tmp_path / name
        status, _, _ = run(capsys, "chart", str(plan_folder / source), "-o", str(target))
        assert status == 0
        root = etree.fromstring(target.read_bytes())
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_levels_lists_every_level_with_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "levels")
    assert status == 0
    for level in ("rehab", "beginner", "intermediate", "advanced"):
        assert f"\n{level}\n" in f"\n{out}"
    assert "Alghadir 2019" in out
    assert "cap 10:00" in out
    # The numbers the plans use: the advanced table peaks at 30 minutes, within its 30-minute cap.
    advanced = out[out.index("\nadvanced\n") :]
    assert "6:00 in week 1" not in advanced
    assert "18:00 in week 1, up to 30:00 in the level's table (cap 30:00" in advanced
    assert "2.5 km/h (1.55 mph)" in out
    assert "a blog post" in out
    assert "[D]" in out


def test_plan_reads_the_speed_in_the_treadmills_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "plan", "--level", "rehab", "--treadmill", "mph", "--speed", "2.8",
                         "--formats", "json", "--out", str(tmp_path / "mph"))  # fmt: skip
    assert status == 0
    plan = native.read(tmp_path / "mph" / "plan.json")
    assert isinstance(plan, Plan)
    assert str(plan.forward_speed) == "2.8 mph"
    assert "km/h" not in out
    assert "1.1 mph" in out
    status, _, _ = run(capsys, "plan", "--level", "rehab", "--treadmill", "mph", "--speed", "4.5", "--unit", "kmh",
                       "--formats", "json", "--out", str(tmp_path / "kmh"))  # fmt: skip
    assert status == 0
    plan = native.read(tmp_path / "kmh" / "plan.json")
    assert isinstance(plan, Plan)
    assert str(plan.forward_speed) == "4.5 km/h"
    status, _, err = run(capsys, "plan", "--level", "rehab", "--treadmill", "mph", "--speed", "4.5",
                         "--out", str(tmp_path / "too-fast"))  # fmt: skip
    assert status == 1
    assert "1.24 to 4.04 mph" in err
    assert "km/h" not in err


def test_plan_with_a_treadmill_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    machine = tmp_path / "treadmill.json"
    machine.write_text(json.dumps({"name": "garage", "unit": "km/h", "speed": {"min": 1.0, "max": 8.0, "step": 0.5},
                                   "handrails": False}), encoding="utf-8")  # fmt: skip
    status, _, err = run(capsys, "plan", "--level", "beginner", "--treadmill", str(machine), "--speed", "4.5",
                         "--out", str(tmp_path / "refused"))  # fmt: skip
    assert status == 1
    assert "handrails" in err
    status, out, _ = run(capsys, "plan", "--level", "advanced", "--treadmill", str(machine), "--speed", "4.5",
                         "--formats", "json", "--out", str(tmp_path / "ok"))  # fmt: skip
    assert status == 0
    plan = native.read(tmp_path / "ok" / "plan.json")
    assert isinstance(plan, Plan)
    assert plan.treadmill is not None
    assert plan.treadmill.name == "garage"
    assert not plan.treadmill.handrails
    assert "rails" not in out.split("Safety:")[0]
    machine.write_text(json.dumps({"unit": "mph", "speed": {"min": 0.5, "max": "fast", "step": 0.1},
                                   "handrails": True}), encoding="utf-8")  # fmt: skip
    status, _, err = run(capsys, "plan", "--level", "advanced", "--treadmill", str(machine), "--speed", "4.5",
                         "--out", str(tmp_path / "bad"))  # fmt: skip
    assert status == 1
    assert "speed.max" in err
    assert "Traceback" not in err
    status, _, err = run(capsys, "plan", "--level", "advanced", "--treadmill", "treadmill-x", "--speed", "4.5",
                         "--out", str(tmp_path / "bad2"))  # fmt: skip
    assert status == 1
    assert "neither a preset" in err


def test_plan_with_slow_turns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = run(capsys, "plan", "--level", "intermediate", "--turn", "slow", "--speed", "4.5",
                       "--formats", "json", "--out", str(tmp_path / "slow"))  # fmt: skip
    assert status == 0
    status, _, err = run(capsys, "plan", "--level", "rehab", "--turn", "slow", "--speed", "4.5",
                         "--out", str(tmp_path / "refused"))  # fmt: skip
    assert status == 1
    assert "belt stopped" in err


def test_export_checks_an_edited_plan_then_writes_the_folder(
    plan_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "export", str(plan_folder / "plan.json"), "--out", str(tmp_path / "again"))
    assert status == 0
    assert {"README.txt", "plan.html", "plan.json"} <= {p.name for p in (tmp_path / "again").iterdir()}
    plan = native.read(plan_folder / "plan.json")
    assert isinstance(plan, Plan)
    broken = break_rule("S4", plan)
    assert broken is not None
    native.write(broken, tmp_path / "edited.json")
    status, out, _ = run(capsys, "export", str(tmp_path / "edited.json"), "--out", str(tmp_path / "refused"))
    assert status == 1
    assert out.startswith("S4 (week ")
    assert "nothing written" in out
    assert not (tmp_path / "refused").exists()


def test_every_plan_option_names_its_choices_and_ranges(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["plan", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for words in ("rehab, beginner, intermediate or advanced", "2.0-6.5 km/h", "1-16", "walking-pad", "stop", "slow",
                  "json,tcx,fit,zwo,qz", "advanced 3-5"):  # fmt: skip
        assert words in out, words


def test_python_dash_m_and_the_console_script_work() -> None:
    ran = subprocess.run([sys.executable, "-m", "retrointervals", "show", EXAMPLE], capture_output=True, text=True,
                         check=False)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert "direction changes" in ran.stdout
    script = Path(sys.executable).parent / "retrointervals"
    if script.exists():
        ran = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
        assert ran.stdout.strip() == f"retrointervals {__version__}"


def test_a_closed_pipe_is_not_an_error() -> None:
    ran = subprocess.run(f"{sys.executable} -m retrointervals levels | head -1", shell=True, capture_output=True,  # noqa: S602
                         text=True, check=False)  # fmt: skip
    assert ran.stdout.strip() == "rehab"
    assert ran.stderr == ""
