"""File formats: one module per format, a registry by file extension, and one capability table.

Every format module offers the same doors:

- ``write_workout(workout, *, policy=Policy.STRICT) -> Encoded``: one workout as the bytes of one file;
- ``write(document, path, *, policy=Policy.STRICT, overwrite=False) -> tuple[Change, ...]``: to a file,
  atomically (formats that hold one workout per file refuse a ``Plan`` here; see ``plan_files``);
- ``decode(data, source="", *, options=ReadOptions()) -> Decoded``: the document and every change the read made;
- ``read_bytes(data, source="", *, options=...) -> Workout | Plan`` and ``read(path, *, options=...)``.

One ``Policy`` decides for readers and writers alike: ``STRICT`` raises ``FormatLimitError`` at the first thing
that would change, ``LOSSY`` makes the closest document and lists every change (``Change``). A wrong policy value
is a ``ValidationError`` everywhere (``Policy.of``). ``ReadOptions`` carries the policy and what a reader may need
from the user: a belt speed for steps without one, the race speeds of relative run ZWOs, and whether a ZWO without
``durationType`` is in seconds or metres.

The optional doors are declared in ``Capabilities``: ``whole_plan`` formats also offer
``write_plan(plan, *, policy=...) -> Encoded``; ``validation`` formats offer ``validate(data) -> list[str]``.

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

from retrointervals.errors import FormatError, FormatLimitError, Place, ValidationError
from retrointervals.units import Speed

if TYPE_CHECKING:
    from retrointervals.model import Plan, Workout

__all__ = [
    "FORMATS",
    "Capabilities",
    "Change",
    "ChangeLog",
    "Decoded",
    "Encoded",
    "FormatInfo",
    "FormatModule",
    "Policy",
    "ReadOptions",
    "ZwoDurations",
    "format_for_path",
    "load",
    "plan_files",
    "read",
    "read_with_changes",
    "session_file_stem",
    "write",
    "write_workout_file",
]


class Policy(enum.Enum):
    """What a writer does with something its format cannot carry."""

    #: Raise ``FormatLimitError`` naming the step and the limit; write nothing.
    STRICT = "strict"
    #: Write the closest valid file (or read the closest document) and report every change made.
    LOSSY = "lossy"

    @classmethod
    def of(cls, value: object) -> Policy:
        """``value`` as a Policy: a ``Policy``, or its name ``"strict"`` / ``"lossy"`` in any case.

        Raises:
            ValidationError: Anything else (``True``, ``"loose"``...), naming the accepted values.
        """
        if isinstance(value, Policy):
            return value
        if isinstance(value, str) and value.strip().lower() in ("strict", "lossy"):
            return cls(value.strip().lower())
        raise ValidationError("policy", value, "must be Policy.STRICT or Policy.LOSSY ('strict' or 'lossy')")


class ZwoDurations(enum.Enum):
    """How to take the durations of a run ZWO that has no ``durationType`` (real files exist both ways)."""

    SECONDS = "seconds"
    METRES = "metres"

    @classmethod
    def of(cls, value: object) -> ZwoDurations | None:
        """``value`` as ``ZwoDurations``: a member, its name (``"meters"`` too), or None (decide from the file)."""
        if value is None or isinstance(value, ZwoDurations):
            return value
        names = {"seconds": cls.SECONDS, "time": cls.SECONDS, "metres": cls.METRES, "meters": cls.METRES}
        if isinstance(value, str) and value.strip().lower() in names:
            return names[value.strip().lower()]
        raise ValidationError("zwo_durations", value, "must be 'seconds', 'metres' or None (decide from the file)")


_RACES = 5  # ZWO pace indexes 0-4: mile, 5 km, 10 km, half marathon, marathon


def _race_speeds(value: object) -> tuple[Speed, ...] | None:
    if value is None:
        return None
    if isinstance(value, Speed):
        return (value,) * _RACES
    found = tuple(value) if isinstance(value, tuple | list) else ()
    if len(found) != _RACES or not all(isinstance(speed, Speed) for speed in found):
        raise ValidationError(
            "race_speeds", value, "must be one Speed, or five: mile, 5 km, 10 km, half marathon, marathon"
        )
    return found


def _policy(value: object) -> Policy:
    return Policy.of(value)


def _zwo_durations(value: object) -> ZwoDurations | None:
    return ZwoDurations.of(value)


def _speed_or_none(value: object) -> Speed | None:
    if value is not None and not isinstance(value, Speed):
        raise ValidationError("speed", value, "must be a Speed or None")
    return value


@attrs.frozen(kw_only=True)
class ReadOptions:
    """What every reader accepts: the policy, and what the user knows that a file may not say.

    Attributes:
        policy: ``STRICT`` (default) refuses anything that would change (``FormatLimitError``); ``LOSSY`` reads the
            closest document and lists every change.
        speed: The belt speed for steps that carry none (heart-rate, open or power targets). Without it such steps
            are refused: a belt speed is never invented.
        race_speeds: The race speeds that relative run ZWOs multiply (``Power`` x speed), for the mile, 5 km,
            10 km, half marathon and marathon (pace indexes 0-4); one ``Speed`` means the same for all five.
        zwo_durations: Whether a run ZWO without ``durationType`` is in seconds or metres; None (default) decides
            from the evidence in the file and refuses when it is unclear.
    """

    policy: Policy = attrs.field(default=Policy.STRICT, converter=_policy)
    speed: Speed | None = attrs.field(default=None, converter=_speed_or_none)
    race_speeds: tuple[Speed, ...] | None = attrs.field(default=None, converter=_race_speeds)
    zwo_durations: ZwoDurations | None = attrs.field(default=None, converter=_zwo_durations)


class ChangeLog:
    """The one place a ``Policy`` is applied, by readers and writers alike.

    Under ``Policy.STRICT`` the first change raises ``FormatLimitError``; under ``Policy.LOSSY`` each is recorded
    as a ``Change`` and the caller carries on with the closest valid value.
    """

    def __init__(self, policy: object) -> None:
        self.policy = Policy.of(policy)
        self.changes: list[Change] = []

    def hit(self, where: str | Place, limit: str, what: str) -> None:
        """Record that ``where`` hits ``limit``; ``what`` says what is done about it.

        Raises:
            FormatLimitError: Under ``Policy.STRICT``, naming the place and the limit.
        """
        if self.policy is Policy.STRICT:
            raise FormatLimitError(where, limit)
        self.changes.append(Change(str(where), f"{what} ({limit})"))


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
class Decoded:
    """A document as read, with every change the read made (empty when it is exactly what the file says)."""

    document: Workout | Plan
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
    #: Whether one file holds a whole plan (otherwise one file per session); the module then has ``write_plan``.
    whole_plan: bool
    #: Whether absolute belt speeds are kept exactly at display resolution.
    exact_speeds: bool
    #: Whether the module checks documents against a schema (``validate(data) -> list[str]``).
    validation: bool = False
    #: How a step that ends on the lap button travels (``Step.until_lap``), or what becomes of it.
    lap_steps: str = "kept"


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

    def decode(self, data: bytes, source: str = ..., *, options: ReadOptions = ...) -> Decoded: ...  # noqa: D102

    def read_bytes(self, data: bytes, source: str = ..., *, options: ReadOptions = ...) -> Workout | Plan: ...  # noqa: D102

    def read(self, path: str | os.PathLike[str], *, options: ReadOptions = ...) -> Workout | Plan: ...  # noqa: D102


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
                validation=True,
                lap_steps="kept: a UserInitiated_t duration; the expected time travels in the notes",
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
                lap_steps="lost: a block of the expected time (reported); the text event says so",
            ),
            apps="Zwift (run), qdomyos-zwift, intervals.icu, zwo editors",
        ),
        FormatInfo(
            name="qz",
            title="qdomyos-zwift treadmill program",
            extensions=(".xml",),
            module="retrointervals.formats.qz",
            capabilities=Capabilities(
                direction_via="row attributes QZ ignores (ri_label, ri_note); optional text events QZ shows (2.20.22+)",
                incline=True,
                distance_steps=True,
                repeats=False,
                nested_repeats=False,
                names="no",
                cues=True,
                whole_plan=False,
                exact_speeds=True,
                lap_steps="kept: lapbutton rows (QZ builds from 2026-06-25; older QZ plays the expected time)",
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
                lap_steps="kept: an open duration (lap button); the expected time travels in the notes",
            ),
            apps="Garmin and other watches (GARMIN/NEWFILES), Garmin Connect, many training tools",
        ),
        FormatInfo(
            name="intervals",
            title="intervals.icu workout text",
            extensions=(".txt",),
            module="retrointervals.formats.intervals",
            capabilities=Capabilities(
                direction_via="step cues (BW/FW label first)",
                incline=True,
                distance_steps=True,
                repeats=True,
                nested_repeats=False,
                names="no",
                cues=True,
                whole_plan=False,
                exact_speeds=True,
                lap_steps="kept: 'press lap' after the expected time",
            ),
            apps="intervals.icu's workout builder, which syncs planned workouts to Garmin, Zwift and qdomyos-zwift",
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
    policy = Policy.of(policy)
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


def read_with_changes(path: str | os.PathLike[str], *, options: ReadOptions | None = None) -> Decoded:
    """Read a workout or plan from any supported file (format by extension), with every change the read made."""
    from retrointervals._files import read_bounded  # noqa: PLC0415 - keep this package's import light

    module = load(format_for_path(path))
    return module.decode(read_bounded(path), str(path), options=options or ReadOptions())


def read(path: str | os.PathLike[str], *, options: ReadOptions | None = None) -> Workout | Plan:
    """Read a workout or plan from any supported file, choosing the format by its extension.

    With the default options the read is strict: anything the model cannot hold exactly raises
    ``FormatLimitError``; pass ``ReadOptions(policy=Policy.LOSSY)`` and use ``read_with_changes`` to see the
    changes of a lossy read.
    """
    return read_with_changes(path, options=options).document


def write(
    document: Workout | Plan, path: str | os.PathLike[str], *, policy: Policy = Policy.STRICT, overwrite: bool = False
) -> tuple[Change, ...]:
    """Write a workout or plan to any supported file, choosing the format by its extension.

    Returns:
        What a ``LOSSY`` write had to change (empty under ``STRICT``, which raises instead).

    Raises:
        ValidationError: ``policy`` is not a ``Policy`` (or its name).
    """
    return load(format_for_path(path)).write(document, path, policy=Policy.of(policy), overwrite=overwrite)
