"""Write everything a walker needs for a plan into one folder: every file format, the report and a README.

The layout (``formats`` chooses which of the format files are written)::

    README.txt          which file goes to which app, and how
    plan.html           the printable report with a checkbox per session
    plan.json           the plan in retrointervals' own lossless format
    plan.tcx            every session as a Garmin TCX workout, with dates when the plan has them
    fit/week01-session1.fit ...   one FIT workout per session, for watches
    zwo/week01-session1.zwo ...   one Zwift run workout per session (also read by qdomyos-zwift)
    qz/week01-session1.xml  ...   one qdomyos-zwift treadmill program per session
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Sequence
from pathlib import Path

import attrs

from retrointervals._files import write_atomic
from retrointervals.errors import FormatError, OutputExistsError
from retrointervals.formats import FORMATS, Change, Policy, plan_files
from retrointervals.model import Plan
from retrointervals.safety import SAFETY_NOTE

__all__ = ["ALL_FORMATS", "ExportedFile", "export_plan"]

#: Every format, in the order they are written.
ALL_FORMATS: tuple[str, ...] = ("json", "tcx", "fit", "zwo", "qz")

_HOW_TO = {
    "json": "Open with retrointervals: `retrointervals show plan.json`, `retrointervals check plan.json`.",
    "tcx": "Import into an app that reads Garmin TCX workouts. Each session is a workout with its own name, or "
    "'W01S2 name' when the name is too long or repeated (TCX names are at most 15 characters).",
    "fit": "Copy a session's file to a Garmin watch's GARMIN/NEWFILES folder over USB (or import it in your watch "
    "app); it appears under Training > Workouts.",
    "zwo": "Zwift: put the files in Documents/Zwift/Workouts/<your id>/. qdomyos-zwift (QZ) opens them too.",
    "qz": "qdomyos-zwift (QZ): load a session's file as a treadmill program; QZ sets the belt speed and incline. "
    "QZ programs cannot say which way to face: follow plan.html for when to walk backward.",
}


@attrs.frozen
class ExportedFile:
    """One written file, with what a lossy format had to change."""

    path: Path
    format: str
    changes: tuple[Change, ...] = ()


def export_plan(
    plan: Plan,
    folder: str | os.PathLike[str],
    *,
    formats: Sequence[str] = ALL_FORMATS,
    overwrite: bool = False,
    policy: Policy = Policy.LOSSY,
) -> tuple[ExportedFile, ...]:
    """Write a plan's files, report and README into ``folder`` (created if missing).

    Args:
        plan: The plan.
        folder: The output folder.
        formats: Which of ``ALL_FORMATS`` to write; the report and README are always written.
        overwrite: Write into a folder that already holds files (replacing ours).
        policy: What a format does with what it cannot carry; ``LOSSY`` (the default) writes the closest valid
            file and reports the changes, which the README lists.

    Raises:
        OutputExistsError: ``folder`` is not empty and ``overwrite`` is false.
        FormatError: A format is unknown (or, under ``STRICT``, cannot carry the plan).
    """
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        raise FormatError(f"unknown format {unknown[0]!r}; known: {', '.join(ALL_FORMATS)}")
    target = Path(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())) and not overwrite:
        raise OutputExistsError(str(target))
    target.mkdir(parents=True, exist_ok=True)
    written: list[ExportedFile] = []
    for name in (name for name in ALL_FORMATS if name in formats):
        subfolder = target if FORMATS[name].capabilities.whole_plan else target / name
        subfolder.mkdir(exist_ok=True)
        for file_name, encoded in plan_files(plan, name, policy=policy):
            path = write_atomic(subfolder / file_name, encoded.data, overwrite=True)
            written.append(ExportedFile(path, name, encoded.changes))
    from retrointervals.render.html import plan_report  # noqa: PLC0415 - lxml only when exporting

    report = write_atomic(target / "plan.html", plan_report(plan).encode("utf-8"), overwrite=True)
    written.append(ExportedFile(report, "html"))
    readme = write_atomic(target / "README.txt", _readme(plan, written).encode("utf-8"), overwrite=True)
    written.append(ExportedFile(readme, "readme"))
    return tuple(written)


def _readme(plan: Plan, written: list[ExportedFile]) -> str:
    lines = [plan.name, "=" * len(plan.name), "", *textwrap.wrap(SAFETY_NOTE, 100), ""]
    lines += ["plan.html", "  Open in a browser and print it: the plan, a chart per session and a box to tick.", ""]
    for name in ALL_FORMATS:
        files = [f for f in written if f.format == name]
        if not files:
            continue
        info = FORMATS[name]
        shown = files[0].path.name if len(files) == 1 else f"{name}/ ({len(files)} files, one per session)"
        lines += [f"{shown}: {info.title}", f"  For: {info.apps}."]
        lines += textwrap.wrap(_HOW_TO[name], 100, initial_indent="  ", subsequent_indent="  ")
        changes = [change for f in files for change in f.changes]
        if changes:
            lines.append(f"  {len(changes)} thing(s) this format cannot carry were adapted, for example:")
            lines += [f"  - {change}" for change in changes[:5]]
        lines.append("")
    lines += ["Made by retrointervals. Check the plan: retrointervals check plan.json", ""]
    return "\n".join(lines)
