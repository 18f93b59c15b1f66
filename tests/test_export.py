"""Exporting generated plans: every format takes every generated plan without loss, and the folder layout."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings

from retrointervals import Plan, Speed, SpeedUnit, Workout
from retrointervals import strategies as ris
from retrointervals.errors import ForeignFileError, FormatError, FormatLimitError, OutputExistsError
from retrointervals.export import MANIFEST_NAME, PLAN_FORMATS, export_plan
from retrointervals.formats import Policy, load, plan_files
from retrointervals.plans import generate_plan


def _walked(workout: Workout, kmh_only: bool = False) -> list[tuple[object, ...]]:
    """What the walker does, second by second: the timeline's steps without names or repeats.

    ``kmh_only``: speeds as a km/h console shows them (QZ programs are in km/h, so mph plans come back in km/h).
    """
    return [
        (
            s.step.direction,
            s.step.kind,
            s.step.length,
            s.step.speed.to(SpeedUnit.KMH) if kmh_only else s.step.speed,
            s.step.incline,
            s.step.hold_handrails,
        )
        for s in workout.timeline
    ]


@settings(max_examples=40)  # each example writes and reads back every session of a plan in six formats
@given(ris.generated_plans(weeks=ris.st.integers(1, 4)))
def test_every_format_carries_every_generated_plan_strictly(plan: Plan) -> None:
    sessions = [session.workout for _, _, session in plan.sessions()]
    stops_belt = any(s.step.belt_stopped for workout in sessions for s in workout.timeline)
    for name in PLAN_FORMATS:
        if stops_belt and name in _NO_STOPPED_BELT:
            # These formats cannot stop the belt and wait: STRICT refuses, LOSSY says so at every such step.
            with pytest.raises(FormatLimitError):
                plan_files(plan, name, policy=Policy.STRICT)
            files = plan_files(plan, name, policy=Policy.LOSSY)
            changes = [change for _, encoded in files for change in encoded.changes]
            assert changes
            assert all("lap" in str(change) or "belt" in str(change) for change in changes), changes
        else:
            files = plan_files(plan, name, policy=Policy.STRICT)  # STRICT: raises if anything would be lost
        module = load(name)
        if len(files) == 1:
            assert module.read_bytes(files[0][1].data) == plan
            continue
        assert len(files) == len(sessions)
        for (_, encoded), workout in zip(files, sessions, strict=True):
            read = module.read_bytes(encoded.data)
            assert isinstance(read, Workout)
            assert _walked(read, name == "qz") == _walked(workout, name == "qz"), name


#: Formats with no step that stops the belt and waits for the walker (ZWO has no lap-button block; a QZ row keeps
#: the belt moving).
_NO_STOPPED_BELT = ("zwo", "qz")


def test_export_writes_the_documented_layout(tmp_path: Path) -> None:
    plan = generate_plan("intermediate", Speed.kmh(5.0), weeks=2, sessions_per_week=4)
    files = export_plan(plan, tmp_path / "out")
    names = {str(f.path.relative_to(tmp_path / "out")) for f in files}
    stems = [f"week0{w}-session{s}" for w in (1, 2) for s in (1, 2, 3, 4)]
    assert names == {"README.txt", "plan.html", "plan.json", "plan.tcx"} | {
        f"{folder}/{stem}{extension}"
        for folder, extension in (("fit", ".fit"), ("zwo", ".zwo"), ("qz", ".xml"), ("intervals", ".txt"))
        for stem in stems
    }  # fmt: skip  (no start date: no plan.ics, schedule or events)
    # Turning with the belt stopped (the default) is lost only in the formats that cannot wait for the walker.
    assert {f.format for f in files if f.changes} == set(_NO_STOPPED_BELT)
    slow_turns = generate_plan("intermediate", Speed.kmh(5.0), weeks=2, sessions_per_week=4, turn="slow")
    assert all(f.changes == () for f in export_plan(slow_turns, tmp_path / "slow"))


def test_export_refuses_a_folder_that_is_not_empty_and_unknown_formats(tmp_path: Path) -> None:
    plan = generate_plan("beginner", Speed.kmh(4.0), weeks=1)
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        export_plan(plan, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
    with pytest.raises(FormatError, match="unknown format 'pdf'"):
        export_plan(plan, Path(tempfile.mkdtemp()) / "x", formats=["pdf"])
    # --force replaces only what this program wrote: a file of the user's stops it, and stays.
    with pytest.raises(ForeignFileError, match=r"mine\.txt"):
        export_plan(plan, tmp_path, formats=["json"], overwrite=True)
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"
    (tmp_path / "mine.txt").unlink()
    written = export_plan(plan, tmp_path, formats=["json"], overwrite=True)
    assert sorted(f.path.name for f in written) == ["README.txt", "plan.html", "plan.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_NAME, "README.txt", "plan.html", "plan.json"]


def test_the_dated_files_join_the_folder_with_their_readme_lines_and_changes(tmp_path: Path) -> None:
    import datetime as dt  # noqa: PLC0415

    from conftest import step  # noqa: PLC0415

    from retrointervals import Session, Week  # noqa: PLC0415
    from retrointervals.export import plan_entries  # noqa: PLC0415
    from retrointervals.model import Weekday  # noqa: PLC0415

    # A cue word that reads as a length ("5m") is a change for intervals.icu text only.
    workout = Workout("Easy", [step(cue="Walk 5m then stop")])
    plan = Plan(name="Cues", weeks=[Week([Session(workout, weekday=Weekday.MONDAY)])], start=dt.date(2030, 1, 7))
    entries = plan_entries(plan, time=dt.time(6, 45))
    formats = {entry.path: entry.format for entry in entries}
    assert formats["plan.ics"] == "ics"
    assert formats["fit/schedule.fit"] == "fit-schedule"
    assert formats["intervals/week01-session1.txt"] == "intervals"
    assert formats["intervals/events.json"] == "intervals-events"
    assert [entry.path for entry in entries][-2:] == ["plan.html", "README.txt"]
    changed = [entry for entry in entries if entry.changes]
    assert [entry.path for entry in changed] == ["intervals/week01-session1.txt"]  # reported once
    assert b"DTSTART:20300107T064500" in {e.path: e.data for e in entries}["plan.ics"]
    readme = entries[-1].data.decode("utf-8")
    assert "at 06:45 local time" in readme
    assert "intervals/ (intervals.icu workout text)" in readme
    assert "'5m'" in readme  # the change, listed
    written = export_plan(plan, tmp_path / "out", formats=["json", "fit"])
    assert {f.path.relative_to(tmp_path / "out").as_posix() for f in written} >= {"plan.ics", "fit/schedule.fit"}
    assert not (tmp_path / "out" / "intervals").exists()
    with pytest.raises(FormatError, match="known: json, tcx, fit, zwo, qz, intervals"):
        plan_entries(plan, formats=["ics"])
