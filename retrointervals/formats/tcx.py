"""Garmin TCX workouts (TrainingCenterDatabase v2): files valid by construction, lenient reading.

Writing. Every file validates against Garmin's schema (and against our own description of the subset we write,
``validate``). A workout is one ``<Workout>``; a plan is one file with every session a ``<Workout>``, dated with
``ScheduledOn`` when the plan has dates, and the plan's weeks described in an extension element of our own
namespace that TCX readers skip. Per step:

- the step name is the direction label (``"BW active"``, see ``_conventions``), so the watch shows the direction;
- the duration is ``Time_t`` seconds or ``Distance_t`` metres (both ``unsignedShort``: the model's 6 h and 50 km
  limits are below 65 535);
- the target is a ``CustomSpeedZone_t`` shown as speed: a band of +/- 5 % (``SPEED_BAND``) around the belt speed,
  in metres per second, so its middle is the exact speed;
- the intensity is ``Active`` for warm-up, active and cool-down steps and ``Resting`` for recovery and transition
  steps (TCX has only these two).

Incline, handrails, cues, speeds given in mph, the full workout name and the parts of a split workout have no TCX
field: they travel in the workout ``Notes``, after the description, in a section starting with the line
``-- retrointervals --`` (``step 3: BACKWARD, hold rails, incline 2%. Long steps``). People can read it; our
reader restores everything from it.

TCX limits (``Policy.STRICT`` raises ``FormatLimitError``, ``Policy.LOSSY`` writes the closest valid file and
lists the change): names of at most 15 characters with single spaces, unique in the file (long names are
shortened; the full name stays in the notes); at most 20 step nodes per workout, counting repeats (a longer
workout is split into parts ``"Name 1/2"``, ``"Name 2/2"``, which our reader joins again).

Reading is lenient, as real files need: missing ``xsi:type``, StepId 0, long names, missing ``ViewAs``,
``<Workout>`` fragments, undeclared ``xsi`` prefixes and files whose elements lost their namespace are all read.
Steps without our label read as forward steps whose kind comes from the intensity (``Active`` -> active,
``Resting`` -> recovery) and whose cue is the step name; a speed band reads as the speed in its middle. A step
with no absolute speed (no target, a heart-rate or cadence target, a predefined zone) is refused unless you pass
``default_speed``: a belt speed is never invented.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import importlib.resources
import os
import re
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

import attrs
from lxml import etree

from retrointervals import __version__
from retrointervals._files import read_bounded, write_atomic
from retrointervals.errors import FormatError, Place, ValidationError
from retrointervals.formats import Change, ChangeLog, Decoded, Encoded, Policy, ReadOptions, steptext
from retrointervals.formats._xml import (
    ElementReader,
    attributes,
    children,
    collapse,
    decimal,
    first_child,
    local_name,
    log_entries,
    number,
    parse,
    plain_text,
    serialize,
    text_of,
)
from retrointervals.model import (
    MAX_CUE_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    MAX_SEGMENTS,
    MAX_SESSIONS_PER_WEEK,
    MAX_WEEKS,
    Level,
    Plan,
    Repeat,
    Session,
    Step,
    StepKind,
    Week,
    Weekday,
    Workout,
)
from retrointervals.timeline import flatten
from retrointervals.treadmill import Treadmill
from retrointervals.units import Distance, Duration, Incline, Rounding, Speed, SpeedUnit

__all__ = [
    "EXTENSION",
    "MAX_NAME_LENGTH_TCX",
    "MAX_STEP_NODES",
    "NAMESPACE",
    "NOTES_MARKER",
    "PLAN_NAMESPACE",
    "SPEED_BAND",
    "SPORTS",
    "decode",
    "read",
    "read_bytes",
    "validate",
    "write",
    "write_plan",
    "write_workout",
]

EXTENSION = ".tcx"
NAMESPACE = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NAMESPACE} http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd"
#: Our own namespace for the plan description in the root ``<Extensions>``.
PLAN_NAMESPACE = "urn:retrointervals:tcx-plan:1"
#: The sports TCX knows. There is no walking: Garmin Connect exports walks as ``Other``.
SPORTS = ("Running", "Biking", "Other")
#: Names (workouts and steps) are TCX ``RestrictedToken_t``: 1 to 15 characters.
MAX_NAME_LENGTH_TCX = 15
#: StepId is 1 to 20 and unique in a workout, repeats included.
MAX_STEP_NODES = 20
MAX_UNSIGNED_SHORT = 65_535
#: The speed target is the belt speed +/- this fraction (5 %); the band's middle is the exact speed.
SPEED_BAND = Fraction(5, 100)
#: The line that starts our section of a workout's notes.
NOTES_MARKER = "-- retrointervals --"

_INTENSITY = {
    StepKind.WARMUP: "Active",
    StepKind.ACTIVE: "Active",
    StepKind.COOLDOWN: "Active",
    StepKind.RECOVERY: "Resting",
    StepKind.TRANSITION: "Resting",
}
_KIND_OF_INTENSITY = {"active": StepKind.ACTIVE, "resting": StepKind.RECOVERY}
_MPS_PLACES = 9
_MARKER_LINE = re.compile(rf"^{re.escape(NOTES_MARKER)}$", re.MULTILINE)
_NAME_LINE = re.compile(r"^name: (.+)$")
_PART_LINE = re.compile(r"^part: (\d{1,3})/(\d{1,3})$")
_STEP_LINE = re.compile(r"^step (\d{1,2})( mph)?: (.*)$")

Document = Workout | Plan
_Choice = TypeVar("_Choice", bound=enum.Enum)


# --- writing -----------------------------------------------------------------------------------


@attrs.frozen
class _Entry:
    """One ``<Workout>`` element to write: a workout, or one part of a split one."""

    name: str
    workout: Workout
    items: tuple[Step | Repeat, ...]
    part: int
    parts: int
    dates: tuple[dt.date, ...]
    #: How messages name the workout, e.g. ``"week 1, session 2 ('Retro')"``.
    where: str


def write_workout(workout: Workout, *, policy: Policy = Policy.STRICT, sport: str = "Other") -> Encoded:
    """The workout as the bytes of a TCX file.

    Args:
        workout: The workout.
        policy: What to do with what TCX cannot carry (see the module docstring).
        sport: ``"Other"`` (default: walking, as Garmin Connect files walks), ``"Running"`` or ``"Biking"``.

    Raises:
        FormatLimitError: Under ``Policy.STRICT``, naming the workout or step and the TCX limit.
    """
    report = ChangeLog(policy)
    sport_name = _sport(sport)
    names = _Names(report)
    entries = _entries(workout, report, names, f"workout {workout.name!r}", code=None, dates=())
    root = _document(entries, sport_name, report)
    return Encoded(serialize(root), tuple(report.changes))


def write_plan(plan: Plan, *, policy: Policy = Policy.STRICT, sport: str = "Other") -> Encoded:
    """The whole plan as the bytes of one TCX file: every session a workout, dated when the plan has dates.

    Args:
        plan: The plan.
        policy: What to do with what TCX cannot carry (see the module docstring).
        sport: ``"Other"`` (default), ``"Running"`` or ``"Biking"``.

    Raises:
        FormatLimitError: Under ``Policy.STRICT``, naming the session or step and the TCX limit.
    """
    report = ChangeLog(policy)
    sport_name = _sport(sport)
    names = _Names(report)
    entries: list[_Entry] = []
    # nsmap's None key is the default namespace (lxml-stubs expect str keys only).
    plan_element = etree.Element(f"{{{PLAN_NAMESPACE}}}Plan", nsmap={None: PLAN_NAMESPACE})  # type: ignore[dict-item]
    plan_element.set("name", plan.name)
    if plan.level is not None:
        plan_element.set("level", plan.level.value)
    if plan.start is not None:
        plan_element.set("start", plan.start.isoformat())
    if plan.forward_speed is not None:
        plan_element.set("forwardSpeed", f"{plan.forward_speed.value:.1f}")
        plan_element.set("forwardSpeedUnit", plan.forward_speed.unit.value)
    if plan.description:
        description = etree.SubElement(plan_element, f"{{{PLAN_NAMESPACE}}}Description")
        description.text = plan.description
    if plan.treadmill is not None:
        _treadmill_element(plan_element, plan.treadmill)
    for week_index, week in enumerate(plan.weeks):
        week_element = etree.SubElement(plan_element, f"{{{PLAN_NAMESPACE}}}Week")
        week_element.set("label", week.label)
        week_element.set("deload", "true" if week.deload else "false")
        for session_index, session in enumerate(week.sessions):
            date = plan.session_date(week_index, session_index)
            code = f"W{week_index + 1:02d}S{session_index + 1}"
            where = f"week {week_index + 1}, session {session_index + 1} ({session.workout.name!r})"
            parts = _entries(session.workout, report, names, where, code=code, dates=(date,) if date else ())
            entries.extend(parts)
            session_element = etree.SubElement(week_element, f"{{{PLAN_NAMESPACE}}}Session")
            session_element.set("workout", parts[0].name)
            if session.weekday is not None:
                session_element.set("weekday", session.weekday.short)
    root = _document(entries, sport_name, report, plan_element)
    return Encoded(serialize(root), tuple(report.changes))


def write(
    document: Document,
    path: str | os.PathLike[str],
    *,
    policy: Policy = Policy.STRICT,
    overwrite: bool = False,
    sport: str = "Other",
) -> tuple[Change, ...]:
    """Write a workout or a whole plan to a TCX file, atomically; refuse to replace a file unless ``overwrite``.

    Returns:
        What a ``Policy.LOSSY`` write had to change (empty when nothing was lost).
    """
    policy = Policy.of(policy)
    if isinstance(document, Plan):
        encoded = write_plan(document, policy=policy, sport=sport)
    elif isinstance(document, Workout):
        encoded = write_workout(document, policy=policy, sport=sport)
    else:
        raise TypeError(f"expected a Workout or a Plan, got {type(document).__name__}")
    write_atomic(path, encoded.data, overwrite=overwrite)
    return encoded.changes


def _treadmill_element(parent: etree._Element, treadmill: Treadmill) -> None:
    element = etree.SubElement(parent, f"{{{PLAN_NAMESPACE}}}Treadmill")
    element.set("name", treadmill.name)
    element.set("unit", treadmill.unit.value)
    element.set("minSpeed", f"{treadmill.min_speed.value:.1f}")
    element.set("maxSpeed", f"{treadmill.max_speed.value:.1f}")
    element.set("speedIncrementTenths", str(treadmill.speed_increment_tenths))
    element.set("minIncline", f"{treadmill.min_incline.in_percent:.1f}")
    element.set("maxIncline", f"{treadmill.max_incline.in_percent:.1f}")
    element.set("inclineIncrementTenths", str(treadmill.incline_increment_tenths))
    element.set("handrails", "true" if treadmill.handrails else "false")


def _sport(sport: str) -> str:
    for known in SPORTS:
        if sport.lower() == known.lower():
            return known
    raise ValidationError("sport", sport, f"TCX knows only {', '.join(SPORTS)}")


def _nodes(items: Sequence[Step | Repeat]) -> int:
    """How many TCX step nodes (StepIds) the items need: one per step and one per repeat."""
    return sum(1 + _nodes(item.steps) if isinstance(item, Repeat) else 1 for item in items)


def _split(items: tuple[Step | Repeat, ...]) -> list[tuple[Step | Repeat, ...]]:
    """Pack top-level items into parts of at most 20 step nodes; an item too big on its own is unrolled."""
    pieces: list[Step | Repeat] = []
    for item in items:
        pieces.extend(flatten([item], 0) if _nodes([item]) > MAX_STEP_NODES else [item])
    parts: list[list[Step | Repeat]] = [[]]
    for piece in pieces:
        if parts[-1] and _nodes(parts[-1]) + _nodes([piece]) > MAX_STEP_NODES:
            parts.append([])
        parts[-1].append(piece)
    return [tuple(part) for part in parts]


class _Names:
    """Chooses TCX workout names: at most 15 characters, single spaces, unique in the file."""

    def __init__(self, report: ChangeLog) -> None:
        self.report = report
        self.used: set[str] = set()

    def take(self, full_name: str, where: str, code: str | None, suffix: str) -> str:
        """A name for ``full_name``; ``code`` is ``"W01S2"`` in plans, ``suffix`` ``" 1/2"`` for split parts."""
        base = collapse(full_name)
        name = _fit(base, suffix)
        if code is not None and (name != full_name + suffix or name in self.used):
            # In a plan, a name that must change anyway becomes "W01S2 name", which sorts by date on a watch.
            name = _fit(f"{code} {base}", suffix)
        counter = 2
        while name in self.used:
            name = _fit(base, f" {counter}{suffix}")
            counter += 1
        if name != full_name + suffix:  # the part suffix alone is reported with the split
            self.report.hit(
                where,
                f"TCX workout names are 1 to {MAX_NAME_LENGTH_TCX} characters with single spaces, unique in a file",
                f"named {name!r} (the full name is kept in the notes)",
            )
        self.used.add(name)
        return name


def _fit(base: str, suffix: str) -> str:
    room = MAX_NAME_LENGTH_TCX - len(suffix)
    return (base[:room].rstrip(" ") + suffix).strip(" ") or "Workout"


def _entries(
    workout: Workout,
    report: ChangeLog,
    names: _Names,
    where: str,
    *,
    code: str | None,
    dates: tuple[dt.date, ...],
) -> list[_Entry]:
    parts = [workout.steps]
    if _nodes(workout.steps) > MAX_STEP_NODES:
        parts = _split(workout.steps)
        report.hit(
            where,
            f"a TCX workout holds at most {MAX_STEP_NODES} steps, counting each repeat and the steps inside it",
            f"split into {len(parts)} workouts of at most {MAX_STEP_NODES} steps, named '... 1/{len(parts)}' and so on",
        )
    entries = []
    for number_, items in enumerate(parts, start=1):
        suffix = f" {number_}/{len(parts)}" if len(parts) > 1 else ""
        name = names.take(workout.name, where, code, suffix)
        entries.append(_Entry(name, workout, items, number_, len(parts), dates, where))
    return entries


def _document(
    entries: Sequence[_Entry], sport: str, report: ChangeLog, plan_element: etree._Element | None = None
) -> etree._Element:
    root = etree.Element(_tc("TrainingCenterDatabase"), nsmap={None: NAMESPACE, "xsi": XSI})  # type: ignore[dict-item]
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    workouts = _sub(root, "Workouts")
    for entry in entries:
        _workout_element(workouts, entry, sport, report)
    if plan_element is not None:
        _sub(root, "Extensions").append(plan_element)
    return root


@functools.cache
def _band_text(speed: Speed) -> tuple[str, str]:
    mps = speed.exact_mps
    return decimal(mps * (1 - SPEED_BAND), _MPS_PLACES), decimal(mps * (1 + SPEED_BAND), _MPS_PLACES)


def _tc(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, xsi_type: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _tc(tag))
    if xsi_type is not None:
        element.set(f"{{{XSI}}}type", xsi_type)
    if text is not None:
        element.text = text
    return element


def _workout_element(parent: etree._Element, entry: _Entry, sport: str, report: ChangeLog) -> None:
    element = _sub(parent, "Workout")
    element.set("Sport", sport)
    _sub(element, "Name", entry.name)
    steps = _StepWriter(entry.where, report)
    for item in entry.items:
        steps.add(element, "Step", item)
    for date in entry.dates:
        _sub(element, "ScheduledOn", date.isoformat())
    head: list[str] = []
    if entry.name != entry.workout.name:
        head.append(f"name: {entry.workout.name}")
    if entry.parts > 1:
        head.append(f"part: {entry.part}/{entry.parts}")
    notes = _notes(entry.workout.description, head + steps.lines)
    if notes:
        _sub(element, "Notes", notes)
    _creator(element)


def _notes(description: str, lines: list[str]) -> str:
    """The Notes text: the description, then our section when there is anything to say (or to protect)."""
    if not lines and not _MARKER_LINE.search(description):
        return description
    head = f"{description}\n\n" if description else ""
    return head + NOTES_MARKER + "".join(f"\n{line}" for line in lines)


class _StepWriter:
    """Writes the step nodes of one ``<Workout>`` and collects the note lines of its steps."""

    def __init__(self, where: str, report: ChangeLog) -> None:
        self.report = report
        self.where = where
        self.next_id = 1
        self.lines: list[str] = []

    def add(self, parent: etree._Element, tag: str, item: Step | Repeat) -> None:
        # StepIds are given in document order (pre-order): a repeat before its children.
        step_id = self.next_id
        self.next_id += 1
        if isinstance(item, Repeat):
            element = _sub(parent, tag, xsi_type="Repeat_t")
            _sub(element, "StepId", str(step_id))
            _sub(element, "Repetitions", str(item.count))
            for child in item.steps:
                self.add(element, "Child", child)
            return
        where = f"{self.where}, step {step_id}"
        element = _sub(parent, tag, xsi_type="Step_t")
        _sub(element, "StepId", str(step_id))
        _sub(element, "Name", steptext.label(item))
        self.length(element, item, where)
        _sub(element, "Intensity", _INTENSITY[item.kind])
        zone = _sub(_sub(element, "Target", xsi_type="Speed_t"), "SpeedZone", xsi_type="CustomSpeedZone_t")
        _sub(zone, "ViewAs", "Speed")
        low, high = _band_text(item.speed)
        _sub(zone, "LowInMetersPerSecond", low)
        _sub(zone, "HighInMetersPerSecond", high)
        mph = item.speed.unit is SpeedUnit.MPH
        if mph or item.hold_handrails or item.incline.tenths or item.cue or item.until_lap:
            self.lines.append(f"step {step_id}{' mph' if mph else ''}: {steptext.note(item)}")

    def length(self, element: etree._Element, step: Step, where: str) -> None:
        if step.until_lap:  # the expected time travels in the note line
            _sub(element, "Duration", xsi_type="UserInitiated_t")
            return
        whole = int(step.length.exact)
        unit = "seconds" if isinstance(step.length, Duration) else "metres"
        if whole > MAX_UNSIGNED_SHORT:  # the model's limits (6 h, 50 km) keep below this today
            self.report.hit(
                where,
                f"TCX step lengths are at most {MAX_UNSIGNED_SHORT} {unit}",
                f"shortened to {MAX_UNSIGNED_SHORT} {unit}",
            )
            whole = MAX_UNSIGNED_SHORT
        if isinstance(step.length, Duration):
            _sub(_sub(element, "Duration", xsi_type="Time_t"), "Seconds", str(whole))
        else:
            _sub(_sub(element, "Duration", xsi_type="Distance_t"), "Meters", str(whole))


def _creator(parent: etree._Element) -> None:
    creator = _sub(parent, "Creator", xsi_type="Application_t")
    _sub(creator, "Name", "retrointervals")
    version = _sub(_sub(creator, "Build"), "Version")
    numbers = [int(part) if part.isdigit() else 0 for part in re.split(r"[.+-]", __version__)[:4]]
    numbers += [0] * (4 - len(numbers))
    for tag, value in zip(("VersionMajor", "VersionMinor", "BuildMajor", "BuildMinor"), numbers, strict=True):
        _sub(version, tag, str(min(value, MAX_UNSIGNED_SHORT)))
    _sub(creator, "LangID", "EN")
    _sub(creator, "PartNumber", "000-00000-00")


# --- validation --------------------------------------------------------------------------------


@functools.cache
def _schema() -> etree.XMLSchema:
    resource = importlib.resources.files("retrointervals.formats").joinpath("schemas").joinpath("tcx-workouts.xsd")
    return etree.XMLSchema(parse(resource.read_bytes(), "tcx-workouts.xsd"))


def validate(data: bytes) -> list[str]:
    """Check a TCX document against our schema of the TCX workout subset retrointervals writes.

    The schema (``retrointervals/formats/schemas/tcx-workouts.xsd``) is ours, not Garmin's: a document it accepts
    is valid for Garmin's TrainingCenterDatabase v2 too, so you can check files without Garmin's schema. Files
    using parts of TCX we never write (activities, heart-rate targets, ...) are reported as problems.

    Returns:
        Every problem found, as ``"line N: message"``; an empty list when the document is valid.
    """
    try:
        root = parse(data, "document")
    except FormatError as error:
        return [str(error)]
    schema = _schema()
    if schema.validate(root.getroottree()):
        return []
    return [f"line {line}: {message}" for _, line, message in log_entries(schema.error_log)]


# --- reading -----------------------------------------------------------------------------------


def decode(data: bytes, source: str = "", *, options: ReadOptions | None = None) -> Decoded:
    """Read the workouts of a TCX file with every change the read made (one workout: a ``Workout``; more: a ``Plan``).

    Args:
        data: The file's bytes.
        source: Where they came from (a file name), used in error messages and as a plan's name.
        options: The policy, and the belt speed for steps whose file gives none (no target, heart rate,
            cadence, predefined zones); without one such steps are refused.

    Raises:
        FormatError: The file is not well-formed, not a TCX workout file, holds a step retrointervals cannot
            represent, or needs a belt speed (``needs == "speed"``); the message names the line.
        FormatLimitError: Under ``Policy.STRICT``, the read would change something.
    """
    root = parse(data, source, allow_undeclared_prefixes=True)
    reader = _Reader(source, options or ReadOptions())
    document = reader.document(root)
    return Decoded(document, tuple(reader.log.changes))


def read_bytes(data: bytes, source: str = "", *, options: ReadOptions | None = None) -> Document:
    """Read the workouts of a TCX file; see ``decode``, which also gives the changes."""
    return decode(data, source, options=options).document


def read(path: str | os.PathLike[str], *, options: ReadOptions | None = None) -> Document:
    """Read a TCX file (at most 16 MiB); see ``decode``."""
    return read_bytes(read_bounded(path), str(path), options=options)


@attrs.frozen
class _Section:
    """What our section of a workout's notes says: the full name, the part, and each step's note and unit."""

    name: str | None = None
    part: tuple[int, int] | None = None
    notes: dict[int, str] = attrs.field(factory=dict)
    mph: frozenset[int] = frozenset()


@attrs.frozen
class _Read:
    """One ``<Workout>`` as read, before parts are joined."""

    tcx_name: str
    workout: Workout
    part: tuple[int, int] | None
    dates: tuple[dt.date, ...]


def _split_notes(notes: str) -> tuple[str, _Section]:
    """The description and our section of a workout's notes."""
    matches = list(_MARKER_LINE.finditer(notes))
    if not matches:
        return notes, _Section()
    marker = matches[-1]
    head = notes[: marker.start()]
    if head and not head.endswith("\n\n"):
        return notes, _Section()
    description = head[:-2] if head else ""
    name = None
    part = None
    step_notes: dict[int, str] = {}
    mph: set[int] = set()
    for line in notes[marker.end() :].split("\n")[1:]:
        if found := _NAME_LINE.match(line):
            name = found.group(1)
        elif found := _PART_LINE.match(line):
            part = (int(found.group(1)), int(found.group(2)))
        elif found := _STEP_LINE.match(line):
            step_id = int(found.group(1))
            step_notes[step_id] = found.group(3)
            if found.group(2):
                mph.add(step_id)
    return description, _Section(name, part, step_notes, frozenset(mph))


def _xsi_type(element: etree._Element) -> str | None:
    value = attributes(element).get("type")
    return local_name(value.strip()) if value else None


#: How far the middle of our own speed band may be from the exact speed (it is written to 9 decimals).
_BAND_TOLERANCE_MPS = Fraction(1, 10**6)
#: The expected time a lossy read gives a lap-button step without one, and the time of steps that end on
#: something else than time, distance or the lap button.
DEFAULT_LENGTH = Duration(60)
_ENDS = {
    "HeartRateAbove_t": "when the heart rate rises above a value",
    "HeartRateBelow_t": "when the heart rate falls below a value",
    "CaloriesBurned_t": "after a number of calories",
}


class _Reader(ElementReader):
    def __init__(self, source: str, options: ReadOptions) -> None:
        super().__init__(source)
        self.options = options
        self.log = ChangeLog(options.policy)
        self.steps = 0

    def document(self, root: etree._Element) -> Document:
        kind = local_name(str(root.tag))
        if kind == "TrainingCenterDatabase":
            container = first_child(root, "Workouts")
            if container is None:
                raise FormatError(
                    "this TCX file holds no <Workouts> (activities and courses are not workouts)", self.where(root)
                )
            elements = list(children(container, "Workout"))
        elif kind == "Workouts":
            elements = list(children(root, "Workout"))
        elif kind == "Workout":
            elements = [root]
        else:
            raise FormatError(f"not a TCX workout file: the root element is <{kind}>", self.where(root))
        if not elements:
            raise FormatError("the file holds no workouts", self.where(root))
        read = _join_parts([self.workout(element, index) for index, element in enumerate(elements, start=1)])
        plan = self.plan_extension(root, read) if kind == "TrainingCenterDatabase" else None
        if plan is not None:
            return plan
        if len(read) == 1:
            return read[0].workout
        return self.plan_from_dates(read, root)

    def workout(self, element: etree._Element, index: int) -> _Read:
        tcx_name = collapse(text_of(first_child(element, "Name")) or "")
        if attributes(element).get("sport", "").strip().lower() == "biking":
            raise FormatError(
                f"workout {tcx_name or index} is a Biking workout; only running and other (walking) workouts can "
                "become treadmill walks",
                self.where(element),
            )
        notes = first_child(element, "Notes")
        description, section = _split_notes(text_of(notes) or "")
        items: list[Step | Repeat] = []
        for step in children(element, "Step"):
            items.extend(self.item(step, section))
        if not items:
            raise FormatError("the workout has no steps", self.where(element))
        name = plain_text(section.name or tcx_name or f"Workout {index}", MAX_NAME_LENGTH)
        dates = tuple(self.date(date) for date in children(element, "ScheduledOn"))
        with self.building(element):
            workout = Workout(
                name if name.strip() else f"Workout {index}",
                items,
                plain_text(description, MAX_DESCRIPTION_LENGTH, single_line=False),
            )
        return _Read(tcx_name, workout, section.part, dates)

    def date(self, element: etree._Element) -> dt.date:
        text = (element.text or "").strip()
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            raise FormatError(f"ScheduledOn must be a date (YYYY-MM-DD), not {text!r}", self.where(element)) from None

    def whole(self, element: etree._Element | None, what: str, parent: etree._Element) -> int:
        if element is None:
            raise FormatError(f"missing <{what}>", self.where(parent))
        value = number(element.text or "", what, self.where(element))
        if value.denominator != 1:
            raise FormatError(f"{what} must be a whole number, not {element.text!r}", self.where(element))
        return int(value)

    def item(self, element: etree._Element, section: _Section) -> list[Step | Repeat]:
        self.steps += 1
        if self.steps > MAX_SEGMENTS:
            raise FormatError(f"the file holds more than {MAX_SEGMENTS} steps", self.where(element))
        kind = _xsi_type(element)
        if kind is None:  # lenient: infer the type from the children
            repeat_like = first_child(element, "Repetitions") is not None or first_child(element, "Child") is not None
            kind = "Repeat_t" if repeat_like else "Step_t"
        if kind == "Repeat_t":
            count = self.whole(first_child(element, "Repetitions"), "Repetitions", element)
            items: list[Step | Repeat] = []
            for child in children(element, "Child"):
                items.extend(self.item(child, section))
            if count == 1:
                return items
            with self.building(element):
                return [Repeat(count, items)]
        if kind != "Step_t":
            raise FormatError(f"unknown step type {kind!r}", self.where(element))
        return [self.step(element, section)]

    def step(self, element: etree._Element, section: _Section) -> Step:
        where = self.where(element)
        step_id_element = first_child(element, "StepId")
        step_id = self.whole(step_id_element, "StepId", element) if step_id_element is not None else 0
        shown = f"step {step_id}" if step_id else "a step"
        name = collapse(text_of(first_child(element, "Name")) or "")
        intensity = (text_of(first_child(element, "Intensity")) or "").strip().lower()
        text = steptext.decode(
            name or None,
            section.notes.get(step_id),
            kind=_KIND_OF_INTENSITY.get(intensity, StepKind.ACTIVE),
            where=where,
            log=self.log,
        )
        length, until_lap = self.length(element, shown, text)
        unit = SpeedUnit.MPH if step_id in section.mph else SpeedUnit.KMH
        speed = self.speed(element, shown, unit)
        with self.building(element):
            return Step(
                direction=text.direction,
                kind=text.kind,
                length=length,
                speed=speed,
                incline=text.incline if text.incline is not None else Incline.flat(),
                hold_handrails=text.hold_handrails,
                cue=plain_text(text.cue, MAX_CUE_LENGTH) if text.cue else None,
                until_lap=until_lap,
                belt_stopped=until_lap and text.belt_stopped,
            )

    def length(self, step: etree._Element, shown: str, text: steptext.StepText) -> tuple[Duration | Distance, bool]:
        """The step's length, and whether it ends on the lap button."""
        duration = first_child(step, "Duration")
        if duration is None:
            raise FormatError(f"{shown} has no <Duration>", self.where(step))
        where = self.where(duration)
        kind = _xsi_type(duration)
        if kind is None:
            kind = "Time_t" if first_child(duration, "Seconds") is not None else "Distance_t"
        if kind in ("Time_t", "Distance_t"):
            tag, unit, build = (
                ("Seconds", "s", Duration.seconds) if kind == "Time_t" else ("Meters", "m", Distance.metres)
            )
            value = self.number_in(duration, tag)
            with self.building(duration):
                length: Duration | Distance = build(value, Rounding.NEAREST)
            if length.exact != value:
                self.log.hit(
                    where, f"step lengths are whole {tag.lower()}", f"read {float(value):g} {unit} as {length}"
                )
            return length, False
        if kind == "UserInitiated_t":
            if text.note is not None and text.note.lap_expected is not None:
                return text.note.lap_expected, True
            self.log.hit(
                where,
                f"{shown} ends on the lap button without an expected time",
                f"used {DEFAULT_LENGTH} as its expected time",
            )
            return DEFAULT_LENGTH, True
        ends = _ENDS.get(kind, f"by {kind!r}")
        self.log.hit(
            where, f"{shown} ends {ends}; the model ends a step after a time or a distance", f"used {DEFAULT_LENGTH}"
        )
        return DEFAULT_LENGTH, False

    def number_in(self, parent: etree._Element, tag: str) -> Fraction:
        element = first_child(parent, tag)
        if element is None:
            raise FormatError(f"missing <{tag}>", self.where(parent))
        return number(element.text or "", tag, self.where(element))

    def speed(self, step: etree._Element, shown: str, unit: SpeedUnit) -> Speed:
        target = first_child(step, "Target")
        what = "no target"
        if target is not None:
            kind = _xsi_type(target) or ("Speed_t" if first_child(target, "SpeedZone") is not None else "None_t")
            zone = first_child(target, "SpeedZone")
            what = {
                "None_t": "an open target",
                "HeartRate_t": "a heart-rate target",
                "Cadence_t": "a cadence target",
            }.get(kind, f"a {kind!r} target")
            if kind == "Speed_t" and zone is not None:
                zone_kind = _xsi_type(zone)
                low = first_child(zone, "LowInMetersPerSecond")
                high = first_child(zone, "HighInMetersPerSecond")
                if zone_kind in (None, "CustomSpeedZone_t") and low is not None and high is not None:
                    low_mps = number(low.text or "", "LowInMetersPerSecond", self.where(low))
                    high_mps = number(high.text or "", "HighInMetersPerSecond", self.where(high))
                    return self.band_speed((low_mps + high_mps) / 2, unit, zone)
                what = "a predefined speed zone of the watch's settings"
        where = self.where(step)
        if self.options.speed is None:
            self.log.hit(where, f"{shown} has {what}, not a belt speed", "needs a belt speed")
            raise FormatError(f"{shown} has {what}, and a treadmill step needs a belt speed", where, needs="speed")
        self.log.hit(where, f"{shown} has {what}, not a belt speed", f"used the given speed {self.options.speed}")
        return self.options.speed

    def band_speed(self, centre: Fraction, unit: SpeedUnit, zone: etree._Element) -> Speed:
        """The speed in the middle of a band: ours is the exact speed; another tool's is rounded (a change)."""
        with self.building(zone):
            speed = Speed.from_mps(centre, unit)
        if abs(speed.exact_mps - centre) > _BAND_TOLERANCE_MPS:
            self.log.hit(
                self.where(zone),
                f"belt speeds are multiples of 0.1 {unit.value}",
                f"read the band's middle, {float(centre):.4f} m/s, as {speed}",
            )
        return speed

    def plan_extension(self, root: etree._Element, read: list[_Read]) -> Plan | None:
        extensions = first_child(root, "Extensions")
        element = None
        if extensions is not None:
            element = next(
                (e for e in children(extensions, "Plan") if etree.QName(e).namespace == PLAN_NAMESPACE), None
            )
        if element is None:
            return None
        by_name = {entry.tcx_name: entry.workout for entry in read}
        found = attributes(element)
        weeks = []
        for week_element in children(element, "Week"):
            sessions = []
            for session_element in children(week_element, "Session"):
                session_fields = attributes(session_element)
                reference = session_fields.get("workout", "")
                if reference not in by_name:
                    raise FormatError(
                        f"the plan names a workout {reference!r} the file does not hold", self.where(session_element)
                    )
                weekday = session_fields.get("weekday")
                with self.building(session_element):
                    sessions.append(Session(by_name[reference], Weekday.parse(weekday) if weekday else None))
            week_fields = attributes(week_element)
            with self.building(week_element):
                weeks.append(
                    Week(sessions, label=week_fields.get("label", ""), deload=week_fields.get("deload") == "true")
                )
        description = text_of(first_child(element, "Description")) or ""
        treadmill_element = first_child(element, "Treadmill")
        treadmill = self.treadmill(treadmill_element) if treadmill_element is not None else None
        where = self.where(element)
        forward = None
        if "forwardspeed" in found:
            forward_unit = _choice(SpeedUnit, found.get("forwardspeedunit", "km/h"), "forwardSpeedUnit", where)
            forward = Speed.of(number(found["forwardspeed"], "forwardSpeed", where), forward_unit)
        with self.building(element):
            return Plan(
                name=found.get("name", "") or "Plan",
                weeks=weeks,
                level=_choice(Level, found["level"], "level", where) if "level" in found else None,
                forward_speed=forward,
                start=_iso_date(found["start"], "start", where) if "start" in found else None,
                description=description,
                treadmill=treadmill,
            )

    def treadmill(self, element: etree._Element) -> Treadmill:
        found = attributes(element)
        where = self.where(element)

        def value(key: str) -> Fraction:
            return number(found.get(key.lower(), ""), key, where)

        unit = _choice(SpeedUnit, found.get("unit", ""), "Treadmill unit", where)
        with self.building(element):
            return Treadmill(
                name=found.get("name", ""),
                unit=unit,
                min_speed=Speed.of(value("minSpeed"), unit),
                max_speed=Speed.of(value("maxSpeed"), unit),
                speed_increment_tenths=int(value("speedIncrementTenths")),
                min_incline=Incline.percent(value("minIncline")),
                max_incline=Incline.percent(value("maxIncline")),
                incline_increment_tenths=int(value("inclineIncrementTenths")),
                handrails=found.get("handrails") != "false",
            )

    def plan_from_dates(self, read: list[_Read], root: etree._Element) -> Plan:
        """A plan from workouts of another tool: by their ScheduledOn dates when those allow it, else 7 a week."""
        name = plain_text(Path(self.source).stem if self.source else "", MAX_NAME_LENGTH).strip() or "TCX workouts"
        dates = [entry.dates[0] if entry.dates else None for entry in read]
        known = [date for date in dates if date is not None]
        if len(known) == len(read) and len(set(known)) == len(known):
            start = min(known)
            by_week: dict[int, list[tuple[dt.date, Workout]]] = {}
            for date, entry in zip(known, read, strict=True):
                by_week.setdefault((date - start).days // 7, []).append((date, entry.workout))
            if len(by_week) <= MAX_WEEKS and sorted(by_week) == list(range(len(by_week))):
                weeks = [
                    Week([Session(workout, Weekday(date.weekday())) for date, workout in sorted(by_week[index])])
                    for index in range(len(by_week))
                ]
                with self.building(root):
                    return Plan(name=name, weeks=weeks, start=start)
        workouts = [entry.workout for entry in read]
        if len(workouts) > MAX_WEEKS * MAX_SESSIONS_PER_WEEK:
            raise FormatError(f"the file holds {len(workouts)} workouts, more than a plan can", self.where(root))
        chunks = [
            workouts[index : index + MAX_SESSIONS_PER_WEEK] for index in range(0, len(workouts), MAX_SESSIONS_PER_WEEK)
        ]
        with self.building(root):
            return Plan(name=name, weeks=[Week([Session(workout) for workout in chunk]) for chunk in chunks])


def _choice(kind: type[_Choice], text: str, what: str, where: Place) -> _Choice:
    """A member of an enum from its value in our plan extension, or a ``FormatError`` naming the values."""
    try:
        return kind(text)
    except ValueError:
        known = ", ".join(repr(member.value) for member in kind)
        raise FormatError(f"{what} must be one of {known}, not {text!r}", where) from None


def _iso_date(text: str, what: str, where: Place) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FormatError(f"{what} must be a date (YYYY-MM-DD), not {text!r}", where) from None


def _join_parts(read: list[_Read]) -> list[_Read]:
    """Join the parts of a workout we split (``part: 1/3`` ... ``3/3`` in the notes, in order) into one."""
    joined: list[_Read] = []
    index = 0
    while index < len(read):
        entry = read[index]
        if entry.part is not None and entry.part[0] == 1 and entry.part[1] > 1:
            count = entry.part[1]
            group = read[index : index + count]
            if len(group) == count and all(
                other.part == (number_, count) and other.workout.name == entry.workout.name
                for number_, other in enumerate(group, start=1)
            ):
                steps = tuple(item for other in group for item in other.workout.steps)
                try:
                    workout = Workout(entry.workout.name, steps, entry.workout.description)
                except ValidationError:
                    workout = None
                if workout is not None:
                    joined.append(attrs.evolve(entry, workout=workout))
                    index += count
                    continue
        joined.append(entry)
        index += 1
    return joined
