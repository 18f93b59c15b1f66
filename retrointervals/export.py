"""Write everything a walker needs for a plan into one folder: every file format, the report and a README.

The layout (``formats`` chooses which of the format files are written)::

    README.txt          which file goes to which app, and how
    plan.html           the printable report with a checkbox per session
    plan.json           the plan in retrointervals' own lossless format
    plan.tcx            every session as a Garmin TCX workout, with dates when the plan has them
    plan.ics            every session in a phone calendar (with a start date)
    fit/week01-session1.fit ...   one FIT workout per session, for watches
    fit/schedule.fit    the sessions on a Garmin watch's calendar (with a start date)
    zwo/week01-session1.zwo ...   one Zwift run workout per session (also read by qdomyos-zwift)
    qz/week01-session1.xml  ...   one qdomyos-zwift treadmill program per session
    intervals/week01-session1.txt ...   one intervals.icu workout text per session
    intervals/events.json         the whole plan for intervals.icu's calendar (with a start date)
    .retrointervals-manifest.json the list of files above, so that a new version replaces exactly them

The dated files (``plan.ics``, ``fit/schedule.fit``, ``intervals/``) come from
``retrointervals.plan_dates.dated_plan_files`` (see ``docs/dates.md``); ``formats`` leaves out the intervals.icu
files (``"intervals"``) and the watch schedule with the FIT files (``"fit"``).

The folder is written as a whole: the files are made in memory first (``plan_entries``), then the new folder is
built beside the old one and swapped in (see ``docs/limits.md``). The walker's own ``log.csv`` and
``recordings/`` are carried over unchanged; anything else the program did not write stops the export.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from retrointervals._files import MANIFEST_NAME, FolderRules, replace_folder
from retrointervals.errors import FormatError
from retrointervals.formats import FORMATS, Change, Policy, plan_files
from retrointervals.model import Plan
from retrointervals.safety import SAFETY_NOTE

if TYPE_CHECKING:
    from retrointervals.review import SessionReview

__all__ = [
    "ALL_FORMATS",
    "LOG_FILE",
    "MANIFEST_NAME",
    "PLAN_FORMATS",
    "RECORDINGS_FOLDER",
    "ExportedFile",
    "PlanEntry",
    "export_plan",
    "plan_entries",
    "write_plan_folder",
]

#: Every format written through ``formats.plan_files``, in the order they are written.
ALL_FORMATS: tuple[str, ...] = ("json", "tcx", "fit", "zwo", "qz")
#: Every name ``formats`` takes, and the default: the formats above, then ``intervals`` (the intervals.icu texts
#: and events, which ``plan_dates.dated_plan_files`` writes together with the calendar).
PLAN_FORMATS: tuple[str, ...] = (*ALL_FORMATS, "intervals")
#: The walker's session log in a plan folder: the walker's data, carried over unchanged by every new export.
LOG_FILE = "log.csv"
#: The walker's recordings in a plan folder: carried over unchanged, like the log.
RECORDINGS_FOLDER = "recordings"

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

# What versions before the manifest wrote: recognised (only) in a folder without a manifest.
_LEGACY = re.compile(
    r"(README\.txt|plan\.html|plan\.json|plan\.tcx"
    r"|fit/week\d{2,3}-session\d\.fit|zwo/week\d{2,3}-session\d\.zwo|qz/week\d{2,3}-session\d\.xml)"
)
#: What a plan folder may hold besides the files this program lists in its manifest.
PLAN_FOLDER = FolderRules(
    keep=frozenset({LOG_FILE, RECORDINGS_FOLDER}), legacy=lambda path: bool(_LEGACY.fullmatch(path))
)


@attrs.frozen
class ExportedFile:
    """One written file, with what a lossy format had to change."""

    path: Path
    format: str
    changes: tuple[Change, ...] = ()


@attrs.frozen
class PlanEntry:
    """One file of a plan folder, made in memory before anything is written.

    Attributes:
        path: Where it goes in the folder, as a relative POSIX path (``fit/week01-session1.fit``).
        data: Its bytes.
        format: The format name (``json``, ``fit``...), or ``html`` and ``readme`` for the report and README.
        changes: What a lossy format had to change.
    """

    path: str
    data: bytes
    format: str
    changes: tuple[Change, ...] = ()


def plan_entries(
    plan: Plan,
    *,
    formats: Sequence[str] = PLAN_FORMATS,
    policy: Policy = Policy.LOSSY,
    time: dt.time | None = None,
    reviews: Sequence[SessionReview] = (),
) -> list[PlanEntry]:
    """Every file of a plan folder, in memory: the format files, the dated files, ``plan.html``, ``README.txt``.

    The dated files are those of ``plan_dates.dated_plan_files``: ``plan.ics`` and, with ``"fit"`` in
    ``formats``, ``fit/schedule.fit`` when the plan has a start date; with ``"intervals"`` in ``formats``,
    ``intervals/weekNN-sessionN.txt`` always and ``intervals/events.json`` with a start date. Their README lines go
    into README.txt, and what a lossy intervals.icu text had to change into the entries' changes.

    Args:
        plan: The plan.
        formats: Which of ``PLAN_FORMATS`` to write.
        policy: What a format does with what it cannot carry.
        time: The time of day of the sessions in ``plan.ics``; all-day events when None.
        reviews: Reviews of recorded sessions: ``plan.html`` then shows a walked-and-planned chart per recording.

    Raises:
        FormatError: A format is unknown (or, under ``STRICT``, cannot carry the plan).
    """
    from retrointervals.plan_dates import dated_plan_files  # noqa: PLC0415 - the calendar only when exporting

    unknown = [name for name in formats if name not in PLAN_FORMATS]
    if unknown:
        raise FormatError(f"unknown format {unknown[0]!r}; known: {', '.join(PLAN_FORMATS)}")
    entries: list[PlanEntry] = []
    for name in (name for name in ALL_FORMATS if name in formats):
        prefix = "" if FORMATS[name].capabilities.whole_plan else f"{name}/"
        for file_name, encoded in plan_files(plan, name, policy=policy):
            entries.append(PlanEntry(f"{prefix}{file_name}", encoded.data, name, encoded.changes))
    fit_files = {entry.path.removeprefix("fit/"): entry.data for entry in entries if entry.format == "fit"}
    dated = dated_plan_files(
        plan,
        time=time,
        policy=policy,
        schedule="fit" in formats,
        intervals="intervals" in formats,
        fit_files=fit_files,
    )
    changes = dated.changes  # the intervals.icu texts' changes, reported once, with the first text
    for path, data in dated.files:
        entries.append(PlanEntry(path, data, _dated_format(path), changes if path.endswith(".txt") else ()))
        if path.endswith(".txt"):
            changes = ()
    from retrointervals.render.html import plan_report  # noqa: PLC0415 - lxml only when exporting

    entries.append(PlanEntry("plan.html", plan_report(plan, reviews=reviews).encode("utf-8"), "html"))
    entries.append(PlanEntry("README.txt", _readme(plan, entries, dated.readme).encode("utf-8"), "readme"))
    return entries


def _dated_format(path: str) -> str:
    """The ``PlanEntry.format`` of a dated file: ``ics``, ``fit-schedule``, ``intervals`` or ``intervals-events``."""
    if path.endswith(".ics"):
        return "ics"
    if path.startswith("fit/"):
        return "fit-schedule"
    return "intervals-events" if path.endswith(".json") else "intervals"


def write_plan_folder(
    entries: Sequence[PlanEntry], folder: str | os.PathLike[str], *, overwrite: bool = False
) -> tuple[ExportedFile, ...]:
    """Write ``entries`` as the whole plan folder ``folder``, replacing a previous one as one piece.

    The new folder is built beside ``folder`` under a hidden name, flushed to disk and swapped in: a reader, a
    crash, a full disk or a killed process leaves the previous folder or the new one, never a mix. The previous
    folder's ``log.csv`` and ``recordings/`` are carried over unchanged.

    Raises:
        OutputExistsError: ``folder`` is not empty and ``overwrite`` is false.
        ForeignFileError: ``folder`` holds a file or link this program did not write (nothing is deleted).
        OutputBusyError: another run is writing ``folder`` now.
        OutputError: the system refused (full disk, no permission): the message names the file and the reason.
    """
    target = replace_folder(
        folder, [(entry.path, entry.data) for entry in entries], overwrite=overwrite, rules=PLAN_FOLDER
    )
    return tuple(
        ExportedFile(target.joinpath(*entry.path.split("/")), entry.format, entry.changes) for entry in entries
    )


def export_plan(
    plan: Plan,
    folder: str | os.PathLike[str],
    *,
    formats: Sequence[str] = PLAN_FORMATS,
    overwrite: bool = False,
    policy: Policy = Policy.LOSSY,
    time: dt.time | None = None,
    reviews: Sequence[SessionReview] = (),
) -> tuple[ExportedFile, ...]:
    """Write a plan's files, report and README as the folder ``folder`` (created if missing).

    Args:
        plan: The plan.
        folder: The output folder.
        formats: Which of ``PLAN_FORMATS`` to write; the report, README and (with a start date) ``plan.ics`` are
            always written.
        overwrite: Replace a folder that already holds a plan written by this program (its manifest lists the
            files); anything else in it stops the export, and ``log.csv`` and ``recordings/`` are kept.
        policy: What a format does with what it cannot carry; ``LOSSY`` (the default) writes the closest valid
            file and reports the changes, which the README lists.
        time: The time of day of the sessions in ``plan.ics`` (floating local time); all-day events when None.
        reviews: Reviews of recorded sessions: the report shows what was walked next to what was planned.

    Raises:
        OutputExistsError: ``folder`` is not empty and ``overwrite`` is false.
        ForeignFileError: ``folder`` holds a file or link this program did not write.
        OutputBusyError: another run is writing ``folder`` now.
        OutputError: the system refused to write (full disk, read-only folder).
        FormatError: A format is unknown (or, under ``STRICT``, cannot carry the plan).
        ValidationError: ``time`` has a time zone.
    """
    entries = plan_entries(plan, formats=formats, policy=policy, time=time, reviews=reviews)
    return write_plan_folder(entries, folder, overwrite=overwrite)


def _readme(plan: Plan, written: list[PlanEntry], dated: Sequence[str] = ()) -> str:
    lines = [plan.name, "=" * len(plan.name), "", *textwrap.wrap(SAFETY_NOTE, 100), ""]
    lines += ["plan.html", "  Open in a browser and print it: the plan, a chart per session and a box to tick.", ""]
    for name in ALL_FORMATS:
        files = [f for f in written if f.format == name]
        if not files:
            continue
        info = FORMATS[name]
        shown = files[0].path if len(files) == 1 else f"{name}/ ({len(files)} files, one per session)"
        lines += [f"{shown}: {info.title}", f"  For: {info.apps}."]
        lines += textwrap.wrap(_HOW_TO[name], 100, initial_indent="  ", subsequent_indent="  ")
        lines += _changes_lines([change for f in files for change in f.changes])
        lines.append("")
    for paragraph in dated:
        # Never split a word: the paragraphs hold paths, a URL and a command to copy.
        wrapped = textwrap.wrap(paragraph, 100, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)
        lines += [*wrapped, ""]
    text_changes = [change for f in written if f.format == "intervals" for change in f.changes]
    if text_changes:
        lines += ["intervals/ (intervals.icu workout text)", *_changes_lines(text_changes), ""]
    lines += ["Made by retrointervals. Check the plan: retrointervals check plan.json", ""]
    return "\n".join(lines)


def _changes_lines(changes: Sequence[Change]) -> list[str]:
    if not changes:
        return []
    return [
        f"  {len(changes)} thing(s) this format cannot carry were adapted, for example:",
        *(f"  - {change}" for change in changes[:5]),
    ]
