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
import functools
import importlib.resources
import os
import re
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import attrs
from lxml import etree

from retrointervals import __version__
from retrointervals._files import read_bounded, write_atomic
from retrointervals.errors import FormatError, ValidationError
from retrointervals.formats import Change, Encoded, Policy
from retrointervals.formats._conventions import NoteFields, parse_step_label, parse_step_note, step_label, step_note
from retrointervals.formats._xml import (
    ElementReader,
    LimitReport,
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
    MAX_SESSIONS_PER_WEEK,
    MAX_WEEKS,
    Direction,
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
    report = LimitReport(policy)
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
    report = LimitReport(policy)
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

    def __init__(self, report: LimitReport) -> None:
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
    report: LimitReport,
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
    entries: Sequence[_Entry], sport: str, report: LimitReport, plan_element: etree._Element | None = None
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


def _workout_element(parent: etree._Element, entry: _Entry, sport: str, report: LimitReport) -> None:
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

    def __init__(self, where: str, report: LimitReport) -> None:
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
        _sub(element, "Name", step_label(item))
        self.length(element, item, where)
        _sub(element, "Intensity", _INTENSITY[item.kind])
        zone = _sub(_sub(element, "Target", xsi_type="Speed_t"), "SpeedZone", xsi_type="CustomSpeedZone_t")
        _sub(zone, "ViewAs", "Speed")
        low, high = _band_text(item.speed)
        _sub(zone, "LowInMetersPerSecond", low)
        _sub(zone, "HighInMetersPerSecond", high)
        mph = item.speed.unit is SpeedUnit.MPH
        if mph or item.hold_handrails or item.incline.tenths or item.cue:
            self.lines.append(f"step {step_id}{' mph' if mph else ''}: {step_note(item)}")

    def length(self, element: etree._Element, step: Step, where: str) -> None:
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


def read_bytes(data: bytes, source: str = "", *, default_speed: Speed | None = None) -> Document:
    """Read the workouts of a TCX file: one workout gives a ``Workout``, several a ``Plan``.

    Args:
        data: The file's bytes.
        source: Where they came from (a file name), used in error messages and as a plan's name.
        default_speed: The belt speed for steps whose file gives none (no target, heart rate, cadence, predefined
            zones). Without it such steps are refused.

    Raises:
        FormatError: The file is not well-formed, not a TCX workout file, or holds a step retrointervals cannot
            represent; the message names the line.
    """
    root = parse(data, source, allow_undeclared_prefixes=True)
    return _Reader(source, default_speed).document(root)


def read(path: str | os.PathLike[str], *, default_speed: Speed | None = None) -> Document:
    """Read a TCX file (at most 16 MiB); see ``read_bytes``."""
    return read_bytes(read_bounded(path), source=str(path), default_speed=default_speed)


@attrs.frozen
class _Section:
    """What our section of a workout's notes says."""

    name: str | None = None
    part: tuple[int, int] | None = None
    notes: dict[int, NoteFields] = attrs.field(factory=dict)
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
    step_notes: dict[int, NoteFields] = {}
    mph: set[int] = set()
    for line in notes[marker.end() :].split("\n")[1:]:
        if found := _NAME_LINE.match(line):
            name = found.group(1)
        elif found := _PART_LINE.match(line):
            part = (int(found.group(1)), int(found.group(2)))
        elif found := _STEP_LINE.match(line):
            step_id = int(found.group(1))
            fields = parse_step_note(found.group(3))
            if fields is not None:
                step_notes[step_id] = fields
            if found.group(2):
                mph.add(step_id)
    return description, _Section(name, part, step_notes, frozenset(mph))


def _xsi_type(element: etree._Element) -> str | None:
    value = attributes(element).get("type")
    return local_name(value.strip()) if value else None


class _Reader(ElementReader):
    def __init__(self, source: str, default_speed: Speed | None) -> None:
        super().__init__(source)
        if default_speed is not None and not isinstance(default_speed, Speed):
            raise ValidationError("default_speed", default_speed, "must be a Speed or None")
        self.default_speed = default_speed

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
        notes = first_child(element, "Notes")
        with self.building(notes if notes is not None else element):  # a note's incline may be out of range
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
        step_id_element = first_child(element, "StepId")
        step_id = self.whole(step_id_element, "StepId", element) if step_id_element is not None else 0
        shown = f"step {step_id}" if step_id else "a step"
        name = collapse(text_of(first_child(element, "Name")) or "")
        label = parse_step_label(name) if name else None
        note = section.notes.get(step_id) if label is not None else None
        intensity = (text_of(first_child(element, "Intensity")) or "").strip().lower()
        direction, kind = (
            label if label is not None else (Direction.FORWARD, _KIND_OF_INTENSITY.get(intensity, StepKind.ACTIVE))
        )
        length = self.length(element, shown)
        unit = SpeedUnit.MPH if step_id in section.mph and label is not None else SpeedUnit.KMH
        speed = self.speed(element, shown, unit)
        cue = note.cue if note is not None else (plain_text(name, MAX_CUE_LENGTH) if name and label is None else None)
        with self.building(element):
            return Step(
                direction=note.direction if note is not None else direction,
                kind=kind,
                length=length,
                speed=speed,
                incline=note.incline if note is not None else Incline.flat(),
                hold_handrails=note.hold_handrails if note is not None else False,
                cue=cue,
            )

    def length(self, step: etree._Element, shown: str) -> Duration | Distance:
        duration = first_child(step, "Duration")
        if duration is None:
            raise FormatError(f"{shown} has no <Duration>", self.where(step))
        kind = _xsi_type(duration)
        if kind is None:
            kind = "Time_t" if first_child(duration, "Seconds") is not None else "Distance_t"
        with self.building(duration):
            if kind == "Time_t":
                value = self.number_in(duration, "Seconds")
                return Duration.seconds(value, Rounding.NEAREST)
            if kind == "Distance_t":
                value = self.number_in(duration, "Meters")
                return Distance.metres(value, Rounding.NEAREST)
        ends = {
            "HeartRateAbove_t": "when the heart rate rises above a value",
            "HeartRateBelow_t": "when the heart rate falls below a value",
            "CaloriesBurned_t": "after a number of calories",
            "UserInitiated_t": "when the lap button is pressed",
        }.get(kind, f"by {kind!r}")
        raise FormatError(f"{shown} ends {ends}; a treadmill step needs a time or a distance", self.where(duration))

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
                    with self.building(zone):
                        return Speed.from_mps((low_mps + high_mps) / 2, unit)
                what = "a predefined speed zone of the watch's settings"
        if self.default_speed is not None:
            return self.default_speed
        raise FormatError(
            f"{shown} has {what}, but a treadmill step needs a belt speed; "
            "pass default_speed=Speed.kmh(...) to read such steps at a speed you choose",
            self.where(step),
        )

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
        with self.building(element):
            level = Level(found["level"]) if "level" in found else None
            start = dt.date.fromisoformat(found["start"]) if "start" in found else None
            forward = None
            if "forwardspeed" in found:
                forward_unit = SpeedUnit(found.get("forwardspeedunit", "km/h"))
                forward = Speed.of(number(found["forwardspeed"], "forwardSpeed", self.where(element)), forward_unit)
            return Plan(
                name=found.get("name", "") or "Plan",
                weeks=weeks,
                level=level,
                forward_speed=forward,
                start=start,
                description=description,
                treadmill=treadmill,
            )

    def treadmill(self, element: etree._Element) -> Treadmill:
        found = attributes(element)
        where = self.where(element)

        def value(key: str) -> Fraction:
            return number(found.get(key.lower(), ""), key, where)

        with self.building(element):
            unit = SpeedUnit(found.get("unit", ""))
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
