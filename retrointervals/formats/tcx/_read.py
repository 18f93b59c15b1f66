"""Reading: lenient, hardened, every change reported; our notes section and plan extension restored."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from fractions import Fraction
from pathlib import Path

import attrs
from lxml import etree

from retrointervals._files import read_bounded
from retrointervals.errors import FormatError, ValidationError
from retrointervals.formats import Decoded, ReadOptions, steptext
from retrointervals.formats._shared import clean_text, length_of, step_from_text
from retrointervals.formats._xml import (
    ElementReader,
    attributes,
    children,
    collapse,
    first_child,
    local_name,
    parse,
    parse_number,
    plain_text,
    text_of,
)
from retrointervals.formats.tcx._extension import (
    PlanAttributes,
    SessionAttributes,
    TreadmillAttributes,
    WeekAttributes,
    structure_attributes,
)
from retrointervals.formats.tcx._shared import (
    KIND_OF_INTENSITY,
    MARKER_LINE,
    NAME_LINE,
    PART_LINE,
    PLAN_NAMESPACE,
    STEP_LINE,
    Document,
)
from retrointervals.limits import (
    MAX_DOCUMENT_STEPS,
    TCX_ELEMENTS_PER_STEP,
    DocumentBudget,
    check_date,
    echo,
)
from retrointervals.model import (
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    MAX_SESSIONS_PER_WEEK,
    MAX_WEEKS,
    Plan,
    Repeat,
    Session,
    Step,
    StepKind,
    Week,
    Weekday,
    Workout,
)
from retrointervals.treadmill import Treadmill
from retrointervals.units import Distance, Duration, Incline, Rounding, Speed, SpeedUnit

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
    root = parse(data, source, allow_undeclared_prefixes=True, max_elements=MAX_DOCUMENT_STEPS * TCX_ELEMENTS_PER_STEP)
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
    matches = list(MARKER_LINE.finditer(notes))
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
        if found := NAME_LINE.match(line):
            name = found.group(1)
        elif found := PART_LINE.match(line):
            part = (int(found.group(1)), int(found.group(2)))
        elif found := STEP_LINE.match(line):
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


#: A step's own StepId, which the key of a repeated step leaves out (any prefix, any spacing).
_STEP_ID = re.compile(rb"<(?:\w+:)?StepId>\s*(\d{1,9})\s*</(?:\w+:)?StepId>")


@functools.lru_cache(maxsize=1024)  # bounded: the keys come from the file
def _band_from_text(low: str, high: str, unit: SpeedUnit) -> tuple[Speed, bool] | None:
    """``_band_speed`` of a band as written, or None when its values are not numbers."""
    values = [parse_number(text) for text in (low, high)]
    if not all(isinstance(value, Fraction) for value in values):
        return None
    return _band_speed(Fraction(values[0]), Fraction(values[1]), unit)


@functools.lru_cache(maxsize=1024)  # bounded: the keys come from the file
def _band_speed(low: Fraction, high: Fraction, unit: SpeedUnit) -> tuple[Speed, bool] | None:
    """The speed in the middle of a band, and whether it is that speed (None outside the model's range)."""
    centre = (low + high) / 2
    try:
        speed = Speed.from_mps(centre, unit)
    except ValidationError:
        return None
    return speed, abs(speed.exact_mps - centre) <= _BAND_TOLERANCE_MPS


class _Reader(ElementReader):
    def __init__(self, source: str, options: ReadOptions) -> None:
        super().__init__(source, options)
        self.budget = DocumentBudget()  # every workout of the file counts: a plan is one document

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
        where = self.where(element)
        name = clean_text(self.log, section.name or tcx_name or f"Workout {index}", MAX_NAME_LENGTH, "name", where)
        dates = tuple(self.date(date) for date in children(element, "ScheduledOn"))
        with self.building(element):
            workout = Workout(
                name if name.strip() else f"Workout {index}",
                items,
                clean_text(self.log, description, MAX_DESCRIPTION_LENGTH, "description", where, keep="\n\t"),
            )
        self.budget.spend(where, segments=workout.segment_count)
        return _Read(tcx_name, workout, section.part, dates)

    def date(self, element: etree._Element) -> dt.date:
        text = (element.text or "").strip()
        with self.building(element):  # xs:date may carry a time zone after the day
            return check_date("ScheduledOn", text[:10])

    def whole(self, element: etree._Element | None, what: str, parent: etree._Element) -> int:
        if element is None:
            raise FormatError(f"missing <{what}>", self.where(parent))
        value = self.number(element.text or "", what, element)
        if value.denominator != 1:
            raise FormatError(f"{what} must be a whole number, not {echo(element.text)}", self.where(element))
        return int(value)

    def item(self, element: etree._Element, section: _Section) -> list[Step | Repeat]:
        self.budget.spend(self.where(element), steps=1)
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
            raise FormatError(f"unknown step type {echo(kind)}", self.where(element))
        return [self.known_step(element, section)]

    def known_step(self, element: etree._Element, section: _Section) -> Step:
        """A step that reads as an earlier one (a repeat, unrolled) gives the same step: read it once."""
        found = _STEP_ID.search(text := etree.tostring(element, with_tail=False))
        number_ = int(found.group(1)) if found else 0
        key = (_STEP_ID.sub(b"", text), section.notes.get(number_), number_ in section.mph)
        return self.once(key, lambda: self.step(element, section))

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
            kind=KIND_OF_INTENSITY.get(intensity, StepKind.ACTIVE),
            where=where,
            log=self.log,
        )
        length, until_lap = self.length(element, shown, text)
        unit = SpeedUnit.MPH if step_id in section.mph else SpeedUnit.KMH
        speed = self.speed(element, shown, unit)
        with self.building(element):
            incline = text.incline if text.incline is not None else Incline.flat()
            return step_from_text(text, length, speed, incline, until_lap=until_lap, log=self.log, where=where)

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
            if value.denominator == 1 and value > 0:
                with self.building(duration):
                    return length_of(value, by_distance=kind == "Distance_t"), False
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
        ends = _ENDS.get(kind, f"by {echo(kind)}")
        self.log.hit(
            where, f"{shown} ends {ends}; the model ends a step after a time or a distance", f"used {DEFAULT_LENGTH}"
        )
        return DEFAULT_LENGTH, False

    def number_in(self, parent: etree._Element, tag: str) -> Fraction:
        element = first_child(parent, tag)
        if element is None:
            raise FormatError(f"missing <{tag}>", self.where(parent))
        return self.number(element.text or "", tag, element)

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
            }.get(kind, f"a {echo(kind)} target")
            if kind == "Speed_t" and zone is not None:
                zone_kind = _xsi_type(zone)
                low = first_child(zone, "LowInMetersPerSecond")
                high = first_child(zone, "HighInMetersPerSecond")
                if zone_kind in (None, "CustomSpeedZone_t") and low is not None and high is not None:
                    found = _band_from_text(low.text or "", high.text or "", unit)
                    if found is not None and found[1]:
                        return found[0]  # our own band (or an exact one): the usual case, from the cache
                    low_mps = self.number(low.text or "", "LowInMetersPerSecond", low)
                    high_mps = self.number(high.text or "", "HighInMetersPerSecond", high)
                    return self.band_speed(low_mps, high_mps, unit, zone)
                what = "a predefined speed zone of the watch's settings"
        where = self.where(step)
        if self.options.speed is None:
            self.log.hit(where, f"{shown} has {what}, not a belt speed", "needs a belt speed")
            raise FormatError(f"{shown} has {what}, and a treadmill step needs a belt speed", where, needs="speed")
        self.log.hit(where, f"{shown} has {what}, not a belt speed", f"used the given speed {self.options.speed}")
        return self.options.speed

    def band_speed(self, low: Fraction, high: Fraction, unit: SpeedUnit, zone: etree._Element) -> Speed:
        """The speed in the middle of a band: ours is the exact speed; another tool's is rounded (a change)."""
        found = _band_speed(low, high, unit)
        centre = (low + high) / 2
        if found is None:
            with self.building(zone):  # outside the model's range: let the model say so
                Speed.from_mps(centre, unit)
            raise AssertionError(centre)  # pragma: no cover - the line above raises
        speed, exact = found
        if not exact:
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
        plan_budget = DocumentBudget()  # a session may name the same workout many times
        found = structure_attributes(element, PlanAttributes, self.where(element))
        weeks = []
        for week_number, week_element in enumerate(children(element, "Week"), start=1):
            if week_number > MAX_WEEKS:  # refused before reading the rest: a file may hold millions
                raise FormatError(f"the plan has more than {MAX_WEEKS} weeks", self.where(week_element))
            sessions = []
            for session_number, session_element in enumerate(children(week_element, "Session"), start=1):
                if session_number > MAX_SESSIONS_PER_WEEK:
                    raise FormatError(
                        f"a week of the plan has more than {MAX_SESSIONS_PER_WEEK} sessions",
                        self.where(session_element),
                    )
                session_fields = structure_attributes(session_element, SessionAttributes, self.where(session_element))
                reference = session_fields.workout
                if reference not in by_name:
                    raise FormatError(
                        f"the plan names a workout {echo(reference)} the file does not hold",
                        self.where(session_element),
                    )
                with self.building(session_element):
                    sessions.append(Session(by_name[reference], session_fields.weekday))
                plan_budget.spend(self.where(session_element), segments=by_name[reference].segment_count)
            week_fields = structure_attributes(week_element, WeekAttributes, self.where(week_element))
            with self.building(week_element):
                weeks.append(Week(sessions, label=week_fields.label, deload=week_fields.deload))
        description = text_of(first_child(element, "Description")) or ""
        treadmill_element = first_child(element, "Treadmill")
        treadmill = self.treadmill(treadmill_element) if treadmill_element is not None else None
        with self.building(element):
            forward = None if found.forwardSpeed is None else Speed.of(found.forwardSpeed, found.forwardSpeedUnit)
            return Plan(
                name=found.name or "Plan",
                weeks=weeks,
                level=found.level,
                forward_speed=forward,
                start=found.start,
                description=description,
                treadmill=treadmill,
            )

    def treadmill(self, element: etree._Element) -> Treadmill:
        found = structure_attributes(element, TreadmillAttributes, self.where(element))
        with self.building(element):
            return Treadmill(
                name=found.name,
                unit=found.unit,
                min_speed=Speed.of(found.minSpeed, found.unit),
                max_speed=Speed.of(found.maxSpeed, found.unit),
                speed_increment_tenths=found.speedIncrementTenths,
                min_incline=Incline.percent(found.minIncline),
                max_incline=Incline.percent(found.maxIncline),
                incline_increment_tenths=found.inclineIncrementTenths,
                handrails=found.has_handrails,
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
        self.log.hit(
            self.where(root),
            "the workouts have no distinct dates (ScheduledOn) to place them in weeks",
            f"grouped {MAX_SESSIONS_PER_WEEK} a week in file order",
        )
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
