"""Writing: TCX documents valid by construction, with our notes section and plan extension."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Sequence

import attrs
from lxml import etree

from retrointervals import __version__
from retrointervals._files import write_atomic
from retrointervals.errors import ValidationError
from retrointervals.formats import Change, ChangeLog, Encoded, Policy, steptext
from retrointervals.formats._xml import (
    collapse,
    decimal,
    serialize,
)
from retrointervals.formats.tcx._shared import (
    INTENSITY,
    MARKER_LINE,
    MAX_NAME_LENGTH_TCX,
    MAX_STEP_NODES,
    MAX_UNSIGNED_SHORT,
    MPS_PLACES,
    NAMESPACE,
    NOTES_MARKER,
    PLAN_NAMESPACE,
    SCHEMA_LOCATION,
    SPEED_BAND,
    SPORTS,
    XSI,
    Document,
)
from retrointervals.model import (
    Plan,
    Repeat,
    Step,
    Workout,
)
from retrointervals.plans.generate import session_code
from retrointervals.timeline import flatten
from retrointervals.treadmill import Treadmill
from retrointervals.units import Duration, Speed, SpeedUnit

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
            code = session_code(week_index + 1, session_index + 1)
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
    return decimal(mps * (1 - SPEED_BAND), MPS_PLACES), decimal(mps * (1 + SPEED_BAND), MPS_PLACES)


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
    if not lines and not MARKER_LINE.search(description):
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
        _sub(element, "Intensity", INTENSITY[item.kind])
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
