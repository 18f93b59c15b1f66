"""File formats: one module per format, a registry by file extension, and one capability table.

Every format module offers the same small API:

- ``write_workout(workout, *, policy=Policy.STRICT) -> Encoded``: one workout as the bytes of one file;
- ``write(document, path, *, policy=Policy.STRICT, overwrite=False) -> tuple[Change, ...]``: to a file,
  atomically (formats that hold one workout per file refuse a ``Plan`` here; see ``plan_files``);
- ``read_bytes(data, source="") -> Workout | Plan`` and ``read(path) -> Workout | Plan``.

Readers of formats that can hold what the model cannot (FIT) also take ``policy=`` (``STRICT`` raises
``FormatLimitError``, ``LOSSY`` reads the closest document) and offer
``read_bytes_with_changes(data, source, *, policy) -> (document, changes)``.

Formats that hold a whole plan in one file (native JSON, TCX) also offer ``write_plan(plan, *, policy=...)``.

Modules are imported on demand (``load``), so ``import retrointervals`` never imports lxml or fitdecode.
"""

from __future__ import annotations

import enum
import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import attrs

from retrointervals.errors import FormatError

if TYPE_CHECKING:
    from retrointervals.model import Plan, Workout

__all__ = [
    "FORMATS",
    "Capabilities",
    "Change",
    "Encoded",
    "FormatInfo",
    "FormatModule",
    "Policy",
    "format_for_path",
    "load",
    "plan_files",
    "read",
    "session_file_stem",
    "write",
    "write_workout_file",
]


class Policy(enum.Enum):
    """What a writer does with something its format cannot carry."""

    #: Raise ``FormatLimitError`` naming the step and the limit; write nothing.
    STRICT = "strict"
    #: Write the closest valid file and report every change made (``Encoded.changes``).
    LOSSY = "lossy"


@attrs.frozen
class Change:
    """One thing a ``LOSSY`` write changed to fit the format.

    Attributes:
        where: The place, e.g. ``"workout 'Week 1 A', step 3"``.
        what: What was changed and why, e.g. ``"name shortened to 15 characters (TCX limit)"``.
    """

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@attrs.frozen
class Encoded:
    """The bytes of one file, with what a ``LOSSY`` write had to change (empty when nothing was lost)."""

    data: bytes
    changes: tuple[Change, ...] = ()


@attrs.frozen
class Capabilities:
    """What a format can carry. Direction is never lost in our own files: see ``direction_via``."""

    #: Where the walking direction travels (no format has a direction field of its own).
    direction_via: str
    #: Whether the treadmill incline is kept.
    incline: bool
    #: Whether a step may be given by distance (otherwise only by time).
    distance_steps: bool
    #: Whether repeats are kept as repeats (otherwise unrolled).
    repeats: bool
    #: Whether repeats may nest inside repeats.
    nested_repeats: bool
    #: Whether workout and step names are kept (and any length limit).
    names: str
    #: Whether step cues are kept.
    cues: bool
    #: Whether one file holds a whole plan (otherwise one file per session).
    whole_plan: bool
    #: Whether absolute belt speeds are kept exactly at display resolution.
    exact_speeds: bool


@attrs.frozen
class FormatInfo:
    """A registered format."""

    name: str
    title: str
    extensions: tuple[str, ...]
    module: str
    capabilities: Capabilities
    #: Which apps and devices read it.
    apps: str


class FormatModule(Protocol):
    """The API every format module offers (see the module docstring)."""

    def write_workout(self, workout: Workout, *, policy: Policy = ...) -> Encoded: ...  # noqa: D102

    def write(  # noqa: D102
        self, document: Workout | Plan, path: str | os.PathLike[str], *, policy: Policy = ..., overwrite: bool = ...
    ) -> tuple[Change, ...]: ...

    def read_bytes(self, data: bytes, source: str = ...) -> Workout | Plan: ...  # noqa: D102

    def read(self, path: str | os.PathLike[str]) -> Workout | Plan: ...  # noqa: D102


# The one capability table. Each format module follows its row; docs/formats.md explains each cell.
FORMATS: dict[str, FormatInfo] = {
    info.name: info
    for info in (
        FormatInfo(
            name="json",
            title="retrointervals JSON",
            extensions=(".json",),
            module="retrointervals.formats.native",
            capabilities=Capabilities(
                direction_via="a field",
                incline=True,
                distance_steps=True,
                repeats=True,
                nested_repeats=True,
                names="yes",
                cues=True,
                whole_plan=True,
                exact_speeds=True,
            ),
            apps="retrointervals itself (lossless)",
        ),
        FormatInfo(
            name="tcx",
            title="Garmin TCX workouts",
            extensions=(".tcx",),
            module="retrointervals.formats.tcx",
            capabilities=Capabilities(
                direction_via="step names (BW/FW prefix) and workout notes",
                incline=True,
                distance_steps=True,
                repeats=True,
                nested_repeats=True,
                names="at most 15 characters (full name kept in the notes)",
                cues=True,
                whole_plan=True,
                exact_speeds=True,
            ),
            apps="Garmin Connect / Training Center, watches via import, many training tools",
        ),
        FormatInfo(
            name="zwo",
            title="Zwift workout (run)",
            extensions=(".zwo",),
            module="retrointervals.formats.zwo",
            capabilities=Capabilities(
                direction_via="text events",
                incline=True,
                distance_steps=True,
                repeats=False,
                nested_repeats=False,
                names="workout name only",
                cues=True,
                whole_plan=False,
                exact_speeds=True,
            ),
            apps="Zwift (run), qdomyos-zwift, intervals.icu, zwo editors",
        ),
        FormatInfo(
            name="qz",
            title="qdomyos-zwift treadmill program",
            extensions=(".xml",),
            module="retrointervals.formats.qz",
            capabilities=Capabilities(
                direction_via="row attributes QZ ignores (ri_label, ri_note); QZ shows no direction",
                incline=True,
                distance_steps=True,
                repeats=False,
                nested_repeats=False,
                names="no",
                cues=True,
                whole_plan=False,
                exact_speeds=True,
            ),
            apps="qdomyos-zwift (QZ), which drives Bluetooth treadmills",
        ),
        FormatInfo(
            name="fit",
            title="FIT workout",
            extensions=(".fit",),
            module="retrointervals.formats.fit",
            capabilities=Capabilities(
                direction_via="step names and notes",
                incline=True,
                distance_steps=True,
                repeats=True,
                nested_repeats=True,
                names="yes",
                cues=True,
                whole_plan=False,
                exact_speeds=True,
            ),
            apps="Garmin and other watches (GARMIN/NEWFILES), Garmin Connect, many training tools",
        ),
    )
}


def format_for_path(path: str | os.PathLike[str]) -> FormatInfo:
    """The registered format of a file name, by its extension.

    Raises:
        FormatError: No format uses that extension.
    """
    suffix = Path(path).suffix.lower()
    for info in FORMATS.values():
        if suffix in info.extensions:
            return info
    known = ", ".join(extension for info in FORMATS.values() for extension in info.extensions)
    raise FormatError(f"unknown file extension {suffix or '(none)'!r}; known: {known}", str(path))


def load(info: FormatInfo | str) -> FormatModule:
    """Import a format's module (by ``FormatInfo`` or name)."""
    if isinstance(info, str):
        if info not in FORMATS:
            raise FormatError(f"unknown format {info!r}; known: {', '.join(FORMATS)}")
        info = FORMATS[info]
    module: FormatModule = importlib.import_module(info.module)
    return module


def write_workout_file(
    document: Workout | Plan,
    path: str | os.PathLike[str],
    encode: Callable[[Workout], Encoded],
    name: str,
    *,
    overwrite: bool,
) -> tuple[Change, ...]:
    """Write one workout with a format's ``encode``, atomically: the shared body of the one-workout formats' ``write``.

    Raises:
        FormatError: ``document`` is a plan; ``plan_files(plan, name)`` gives one file per session instead.
        OutputExistsError: ``path`` exists and ``overwrite`` is false.
    """
    from retrointervals._files import write_atomic  # noqa: PLC0415 - keep this package's import light
    from retrointervals.model import Plan  # noqa: PLC0415

    if isinstance(document, Plan):
        example = session_file_stem(1, 1) + FORMATS[name].extensions[0]
        raise FormatError(
            f"a {FORMATS[name].title} file holds one workout, not a plan; use retrointervals.formats.plan_files"
            f"(plan, {name!r}), which gives one file per session ({example}, ...)",
            str(path),
        )
    encoded = encode(document)
    write_atomic(path, encoded.data, overwrite=overwrite)
    return encoded.changes


def session_file_stem(week_number: int, session_number: int) -> str:
    """The stable, sortable base name of one session's file, e.g. ``"week01-session2"`` (numbers from 1)."""
    return f"week{week_number:02d}-session{session_number}"


def plan_files(
    plan: Plan, info: FormatInfo | str, *, policy: Policy = Policy.STRICT
) -> tuple[tuple[str, Encoded], ...]:
    """A plan as the files of one format: ``(file name, Encoded)`` pairs.

    Formats that hold a whole plan give one file, ``plan<ext>``; the others one file per session, named by
    ``session_file_stem``.
    """
    if isinstance(info, str):
        info = FORMATS[info] if info in FORMATS else format_for_path(f"x.{info}")
    module = load(info)
    extension = info.extensions[0]
    if info.capabilities.whole_plan:
        write_plan = getattr(module, "write_plan")  # noqa: B009 - only whole-plan formats have it
        encoded: Encoded = write_plan(plan, policy=policy)
        return ((f"plan{extension}", encoded),)
    return tuple(
        (f"{session_file_stem(week, number)}{extension}", module.write_workout(session.workout, policy=policy))
        for week, number, session in plan.sessions()
    )


def read(path: str | os.PathLike[str]) -> Workout | Plan:
    """Read a workout or plan from any supported file, choosing the format by its extension."""
    return load(format_for_path(path)).read(path)


def write(
    document: Workout | Plan, path: str | os.PathLike[str], *, policy: Policy = Policy.STRICT, overwrite: bool = False
) -> tuple[Change, ...]:
    """Write a workout or plan to any supported file, choosing the format by its extension.

    Returns:
        What a ``LOSSY`` write had to change (empty under ``STRICT``, which raises instead).
    """
    return load(format_for_path(path)).write(document, path, policy=policy, overwrite=overwrite)
