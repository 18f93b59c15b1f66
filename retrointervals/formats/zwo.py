"""Zwift workout files (ZWO) for running, as treadmill walks: written for exact speeds, read leniently.

Writing. ``sportType`` is ``run``; ``durationType`` is always written; every step is a ``SteadyState`` block
with a whole-number ``Duration`` (ZWO cannot nest, so repeats are unrolled through ``timeline.flatten``; see
below for why ``IntervalsT`` is not used). Speeds are ZWO ``Power`` values: fractions of a reference speed of
10 km/h (6:00 min/km), written exactly (3.7 km/h is ``Power="0.37"``). The file says so twice:

- ``<thresholdSecPerKm>360</thresholdSecPerKm>``, which qdomyos-zwift (QZ) uses for ``SteadyState`` blocks, so QZ
  sets the belt to exactly the planned speed;
- ``pace="1"`` (5 km pace; indexes 0-4 are mile, 5 km, 10 km, half marathon, marathon): in Zwift, set your 5 km
  time to 30:00 and the speeds are exact there too.

QZ ignores ``thresholdSecPerKm`` in ``IntervalsT`` blocks (it uses the user's race-pace settings there), so
two-phase repeats are written as ``SteadyState`` blocks as well: absolute speeds matter more than a compact file.

Each block carries ``Incline`` (a fraction, ``0.025`` for 2.5 %, which QZ applies; written on every block so the
incline goes back to 0) and one text event. The text announces every turn and incline change, then gives the
step's label, speed and note: ``"Turn around: walk backward, hold the rails. BW active at 2.0 km/h: BACKWARD,
hold rails"``. Our reader restores direction, kind, handrails, incline, cue and speed unit from it.

A ZWO file is either all time or all distance (``durationType``): a workout mixing both is refused under
``Policy.STRICT``; under ``Policy.LOSSY`` its distance steps become times at their speed. QZ reads a 1-second
(or 1-metre) run block as a power target, so such steps are refused (STRICT) or lengthened to 2 (LOSSY).

Reading accepts the variants real files use: any case of element and attribute names, legacy
``PowerLow``/``PowerHigh`` and ``PowerOnLow``... attributes (averaged), ``textevent``/``TextEvent``/
``TextNotification``, missing ``durationType`` (time unless ``default_duration_type`` says otherwise) and
``pace`` outside 0-4 (read as ``DEFAULT_PACE_INDEX``). Ramps (``Warmup``, ``Cooldown``, ``Ramp``) become one step
at their average speed, with a cue saying so. Speeds come from ``thresholdSecPerKm`` when the file has it;
otherwise you must pass your ``race_speeds``: a belt speed is never invented. Bike workouts are refused.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import attrs
from lxml import etree

from retrointervals._files import read_bounded
from retrointervals.errors import FormatError, ValidationError
from retrointervals.formats import Change, Encoded, Policy, write_workout_file
from retrointervals.formats._conventions import parse_step_label, parse_step_note, step_label, step_note
from retrointervals.formats._xml import (
    ElementReader,
    LimitReport,
    attributes,
    children,
    decimal,
    first_child,
    local_name,
    number,
    parse,
    plain_text,
    serialize,
)
from retrointervals.model import (
    MAX_CUE_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    Direction,
    Plan,
    Repeat,
    Step,
    StepKind,
    Workout,
)
from retrointervals.timeline import flatten
from retrointervals.units import Distance, Duration, Incline, Rounding, Speed, SpeedUnit

__all__ = [
    "DEFAULT_PACE_INDEX",
    "EXTENSION",
    "PACE_INDEX",
    "REFERENCE_SPEED",
    "THRESHOLD_SEC_PER_KM",
    "read",
    "read_bytes",
    "write",
    "write_workout",
]

EXTENSION = ".zwo"
#: ``Power="1"`` in our files: 10 km/h, a pace of 6:00 per km.
REFERENCE_SPEED = Speed.kmh(10)
#: The reference speed as ZWO's ``thresholdSecPerKm`` (a whole number, so apps compute speeds exactly).
THRESHOLD_SEC_PER_KM = 360
#: The race pace our blocks name: 1 = 5 km (0 mile, 2 10 km, 3 half marathon, 4 marathon).
PACE_INDEX = 1
#: The pace index assumed when reading a block with no ``pace``, or one outside 0-4: the mile, as Zwift's own files.
DEFAULT_PACE_INDEX = 0
#: Seconds a text event stays on screen (Zwift's most common value).
TEXT_SECONDS = 10

_POWER_PLACES = 10
_PACE_NAMES = ("1 mile", "5 km", "10 km", "half marathon", "marathon")
_MESSAGE = re.compile(
    r"^(?:(?:Turn around: w|W)alk (?:backward|forward)(?:, hold the rails)?\.\s+)?"
    r"(?:Incline -?\d+(?:\.\d+)?%\.\s+)?"
    r"(?P<label>(?:FW|BW) [a-z]+) at \d+\.\d (?P<unit>km/h|mph): (?P<note>.+)$",
    re.DOTALL,
)
_WHOLE = re.compile(r"^\s*[-+]?\d+\s*$")
_EVENTS = ("textevent", "textnotification")
_KINDS = {"warmup": StepKind.WARMUP, "cooldown": StepKind.COOLDOWN, "ramp": StepKind.ACTIVE}


# --- writing -----------------------------------------------------------------------------------


def write_workout(workout: Workout, *, policy: Policy = Policy.STRICT) -> Encoded:
    """The workout as the bytes of a run ZWO file.

    Raises:
        FormatLimitError: Under ``Policy.STRICT``, when the workout mixes time and distance steps or has a
            1-second (or 1-metre) step.
    """
    report = LimitReport(policy)
    where = f"workout {workout.name!r}"
    blocks, by_distance = _blocks(workout, report, where)

    root = etree.Element("workout_file")
    _sub(root, "author", "retrointervals")
    _sub(root, "name", workout.name)
    _sub(root, "description", workout.description)
    _sub(root, "sportType", "run")
    _sub(root, "durationType", "distance" if by_distance else "time")
    _sub(root, "thresholdSecPerKm", str(THRESHOLD_SEC_PER_KM))
    tags = _sub(root, "tags")
    backward = any(step.is_backward for step, _ in blocks)
    for tag in ("retrointervals", "treadmill", *(("retro", "backward") if backward else ())):
        _sub(tags, "tag").set("name", tag)
    body = _sub(root, "workout")
    previous: Step | None = None
    for step, length in blocks:
        block = _sub(body, "SteadyState")
        block.set("Duration", str(length))
        block.set("Power", _power(step.speed))
        block.set("pace", str(PACE_INDEX))
        block.set("Incline", _incline(step.incline))
        event = _sub(block, "textevent")
        event.set("distoffset" if by_distance else "timeoffset", "0")
        event.set("duration", str(TEXT_SECONDS))
        event.set("message", _message(step, previous))
        previous = step
    return Encoded(serialize(root), tuple(report.changes))


def write(
    document: Workout | Plan,
    path: str | os.PathLike[str],
    *,
    policy: Policy = Policy.STRICT,
    overwrite: bool = False,
) -> tuple[Change, ...]:
    """Write a workout to a ZWO file, atomically; refuse to replace a file unless ``overwrite``.

    Raises:
        FormatError: ``document`` is a plan: ZWO holds one workout per file (use ``formats.plan_files``).
    """
    return write_workout_file(
        document, path, lambda workout: write_workout(workout, policy=policy), "zwo", overwrite=overwrite
    )


@functools.cache
def _power(speed: Speed) -> str:
    return decimal(speed.exact_kmh / REFERENCE_SPEED.exact_kmh, _POWER_PLACES)


@functools.cache
def _incline(incline: Incline) -> str:
    return decimal(Fraction(incline.tenths, 1000), 4)


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _blocks(workout: Workout, report: LimitReport, where: str) -> tuple[list[tuple[Step, int]], bool]:
    """The workout's steps in walking order, each with the whole-number length of its block.

    Also returns whether the blocks are measured in metres (``durationType`` distance) rather than seconds.
    """
    steps = [item for item in flatten(workout.steps, 0) if isinstance(item, Step)]
    blocks = [(step, int(step.length.exact)) for step in steps]
    by_distance = all(isinstance(step.length, Distance) for step in steps)
    if not by_distance and any(isinstance(step.length, Distance) for step in steps):
        converted = sum(isinstance(step.length, Distance) for step in steps)
        report.hit(
            where,
            "a ZWO file measures every block in time or every block in distance (durationType)",
            f"{converted} distance steps written as times at their speed, to the nearest second",
        )
        blocks = [
            (step, max(round(step.duration.exact), 1) if isinstance(step.length, Distance) else length)
            for step, length in blocks
        ]
    unit = "metre" if by_distance else "second"
    for number_, (step, length) in enumerate(blocks, start=1):
        if length == 1:
            report.hit(
                f"{where}, block {number_}",
                f"qdomyos-zwift reads a 1-{unit} run block as a power target, not a speed",
                f"lengthened to 2 {unit}s",
            )
            blocks[number_ - 1] = (step, 2)
    return blocks, by_distance


def _message(step: Step, previous: Step | None) -> str:
    """The text event of a block: turn and incline announcements, then the label, speed and note."""
    parts = []
    turning = step.direction is not (previous.direction if previous is not None else Direction.FORWARD)
    if turning:
        walk = f"walk {step.direction.value}{', hold the rails' if step.hold_handrails else ''}."
        parts.append(f"Turn around: {walk}" if previous is not None else walk.capitalize())
    if step.incline != (previous.incline if previous is not None else Incline.flat()):
        parts.append(f"Incline {step.incline.in_percent:g}%.")
    parts.append(f"{step_label(step)} at {step.speed}: {step_note(step)}")
    return " ".join(parts)


# --- reading -----------------------------------------------------------------------------------


def read_bytes(
    data: bytes,
    source: str = "",
    *,
    race_speeds: Sequence[Speed] | None = None,
    default_duration_type: str = "time",
) -> Workout:
    """Read a run ZWO file as a workout.

    Args:
        data: The file's bytes.
        source: Where they came from (a file name), used in error messages.
        race_speeds: Your race speeds for the mile, 5 km, 10 km, half marathon and marathon (pace indexes 0-4),
            which ZWO ``Power`` values multiply. Needed only for files without ``thresholdSecPerKm``. To read
            every ``Power="1"`` as one speed, pass that speed five times.
        default_duration_type: ``"time"`` or ``"distance"``: how to read durations when the file does not say.

    Raises:
        FormatError: The file is empty, not a ZWO file, a bike workout, has no ``<workout>``, or a block
            retrointervals cannot represent; the message names the line.
    """
    return _Reader(source, race_speeds, default_duration_type).workout(parse(data, source))


def read(
    path: str | os.PathLike[str],
    *,
    race_speeds: Sequence[Speed] | None = None,
    default_duration_type: str = "time",
) -> Workout:
    """Read a ZWO file (at most 16 MiB); see ``read_bytes``."""
    return read_bytes(
        read_bounded(path), str(path), race_speeds=race_speeds, default_duration_type=default_duration_type
    )


@attrs.frozen
class _Phase:
    """One stretch of a block as read: how long, how fast (as a Power), its kind and its text events."""

    length: Fraction
    power: Fraction
    kind: StepKind
    messages: tuple[str, ...]
    cue_prefix: str | None = None


class _Reader(ElementReader):
    def __init__(self, source: str, race_speeds: Sequence[Speed] | None, default_duration_type: str) -> None:
        super().__init__(source)
        if race_speeds is not None:
            race_speeds = tuple(race_speeds)
            if len(race_speeds) != len(_PACE_NAMES) or not all(isinstance(s, Speed) for s in race_speeds):
                raise ValidationError("race_speeds", race_speeds, "must be five Speeds: mile, 5 km, 10 km, half, full")
        if default_duration_type not in ("time", "distance"):
            raise ValidationError("default_duration_type", default_duration_type, "must be 'time' or 'distance'")
        self.race_speeds = race_speeds
        self.by_distance = default_duration_type == "distance"
        self.threshold: Fraction | None = None
        self.incline = Incline.flat()

    def workout(self, root: etree._Element) -> Workout:
        if local_name(str(root.tag)).lower() != "workout_file":
            raise FormatError(
                f"not a ZWO file: the root element is <{local_name(str(root.tag))}>, not <workout_file>",
                self.where(root),
            )
        body = first_child(root, "workout", ignore_case=True)
        if body is None:
            raise FormatError("the file has no <workout> element, so it holds no blocks", self.where(root))
        threshold = self.text(root, "thresholdSecPerKm")
        if threshold is not None and threshold.strip():
            element = first_child(root, "thresholdsecperkm", ignore_case=True)
            value = number(threshold, "thresholdSecPerKm", self.where(element if element is not None else root))
            if value <= 0:
                raise FormatError(f"thresholdSecPerKm must be above 0, not {threshold!r}", self.where(root))
            self.threshold = value
        self.check_sport(root, body)
        duration_type = (self.text(root, "durationType") or "").strip().lower()
        if duration_type:
            self.by_distance = "distance" in duration_type
        items: list[Step | Repeat] = []
        for block in children(body):
            items.extend(self.block(block))
        if not items:
            raise FormatError("the <workout> element holds no blocks", self.where(body))
        fallback = Path(self.source).stem if self.source else "ZWO workout"
        name = plain_text(self.text(root, "name") or "", MAX_NAME_LENGTH)
        description = plain_text(self.text(root, "description") or "", MAX_DESCRIPTION_LENGTH, single_line=False)
        with self.building(root):
            return Workout(name if name.strip() else plain_text(fallback, MAX_NAME_LENGTH), items, description)

    def text(self, root: etree._Element, tag: str) -> str | None:
        element = first_child(root, tag, ignore_case=True)
        return None if element is None else "".join(str(part) for part in element.itertext())

    def check_sport(self, root: etree._Element, body: etree._Element) -> None:
        sport = (self.text(root, "sportType") or "").strip().lower()
        if sport == "run":
            return
        if sport:
            raise FormatError(
                f"this is a {sport} workout (sportType {sport!r}); only run workouts can become treadmill walks",
                self.where(root),
            )
        paced = any("pace" in attributes(block) for block in children(body))
        if self.threshold is None and not paced:
            raise FormatError(
                "the file has no <sportType>, so Zwift reads it as a bike workout; only run workouts can become "
                "treadmill walks",
                self.where(root),
            )

    def block(self, element: etree._Element) -> list[Step | Repeat]:
        tag = local_name(str(element.tag)).lower()
        fields = attributes(element)
        messages = self.messages(element)
        if tag in _EVENTS or tag == "gameplayevent":
            return []  # text shown between blocks: no walking in it
        if tag == "steadystate":
            power = self.power(fields, ("power",), ("powerlow", "powerhigh"), element)
            phase = _Phase(
                self.length(fields, "duration", element), power, StepKind.ACTIVE, tuple(m for _, m in messages)
            )
            return [self.step(phase, fields, element)]
        if tag in _KINDS:
            low = self.power(fields, ("powerlow", "power"), (), element)
            high = self.power(fields, ("powerhigh", "power"), (), element)
            prefix = None
            if low != high:
                ends = [self.kmh(power, fields, element) for power in (low, high)]
                prefix = f"Ramp from {float(ends[0]):.1f} to {float(ends[1]):.1f} km/h"
            phase = _Phase(
                self.length(fields, "duration", element),
                (low + high) / 2,
                _KINDS[tag],
                tuple(m for _, m in messages),
                prefix,
            )
            return [self.step(phase, fields, element)]
        if tag == "intervalst":
            return self.intervals(element, fields, messages)
        if tag in ("freeride", "maxeffort"):
            raise FormatError(
                f"<{local_name(str(element.tag))}> has no speed target (free run); a treadmill step needs a belt speed",
                self.where(element),
            )
        raise FormatError(f"unknown ZWO block <{local_name(str(element.tag))}>", self.where(element))

    def intervals(
        self, element: etree._Element, fields: dict[str, str], messages: list[tuple[Fraction, str]]
    ) -> list[Step | Repeat]:
        repeat_text = fields.get("repeat", "1")
        count = int(number(repeat_text, "Repeat", self.where(element))) if repeat_text.strip() else 1
        on_length = self.length(fields, "onduration", element)
        off_length = self.length(fields, "offduration", element)
        on_power = self.power(fields, ("onpower",), ("poweronlow", "poweronhigh"), element)
        off_power = self.power(fields, ("offpower",), ("powerofflow", "poweroffhigh"), element)
        # Text events count across repeats from the block's start: fold them into one period.
        period = on_length + off_length
        on_messages = tuple(text for offset, text in messages if offset % period < on_length)
        off_messages = tuple(text for offset, text in messages if offset % period >= on_length)
        on = self.step(_Phase(on_length, on_power, StepKind.ACTIVE, on_messages), fields, element)
        off = self.step(_Phase(off_length, off_power, StepKind.RECOVERY, off_messages), fields, element)
        if count <= 1:
            return [on, off]
        with self.building(element):
            return [Repeat(count, [on, off])]

    def messages(self, element: etree._Element) -> list[tuple[Fraction, str]]:
        found = []
        for event in children(element):
            if local_name(str(event.tag)).lower() not in _EVENTS:
                continue
            fields = attributes(event)
            offset_text = fields.get("timeoffset", fields.get("distoffset", "0"))
            offset = number(offset_text, "timeoffset", self.where(event)) if offset_text.strip() else Fraction(0)
            found.append((offset, fields.get("message", "")))
        return found

    def length(self, fields: dict[str, str], key: str, element: etree._Element) -> Fraction:
        if key not in fields:
            raise FormatError(f"the block has no {key} attribute", self.where(element))
        # Zwift truncates durations to whole units; so do we.
        value = Fraction(int(number(fields[key], key, self.where(element))))
        if value <= 0:
            raise FormatError(f"{key} must be at least 1, not {fields[key]!r}", self.where(element))
        return value

    def power(
        self, fields: dict[str, str], keys: tuple[str, ...], legacy: tuple[str, ...], element: etree._Element
    ) -> Fraction:
        for key in keys:
            if key in fields:
                return number(fields[key], key, self.where(element))
        if legacy and all(key in fields for key in legacy):
            values = [number(fields[key], key, self.where(element)) for key in legacy]
            return sum(values, Fraction(0)) / len(values)  # GoldenCheetah averages legacy pairs too
        raise FormatError(f"the block has no {' or '.join(keys + legacy)} attribute", self.where(element))

    def pace_index(self, fields: dict[str, str]) -> int:
        text = fields.get("pace", "")
        if _WHOLE.match(text) and 0 <= int(text) < len(_PACE_NAMES):
            return int(text)
        return DEFAULT_PACE_INDEX

    def kmh(self, power: Fraction, fields: dict[str, str], element: etree._Element) -> Fraction:
        if self.threshold is not None:
            return power * 3600 / self.threshold
        index = self.pace_index(fields)
        if self.race_speeds is None:
            raise FormatError(
                f"speeds in this file are fractions of your {_PACE_NAMES[index]} race pace and it has no "
                "thresholdSecPerKm; pass race_speeds=(mile, 5 km, 10 km, half marathon, marathon speeds) to read it",
                self.where(element),
            )
        return power * self.race_speeds[index].exact_kmh

    def step(self, phase: _Phase, fields: dict[str, str], element: etree._Element) -> Step:
        ours = next((found for text in phase.messages if (found := _MESSAGE.match(text))), None)
        label = parse_step_label(ours.group("label")) if ours else None
        with self.building(element):  # a note's incline may be out of range
            note = parse_step_note(ours.group("note")) if ours else None
        unit = SpeedUnit.MPH if ours and ours.group("unit") == "mph" else SpeedUnit.KMH
        kmh = self.kmh(phase.power, fields, element)
        if "incline" in fields:
            fraction = number(fields["incline"], "Incline", self.where(element))
            with self.building(element):
                self.incline = Incline.percent(fraction * 100, Rounding.NEAREST)
        elif note is not None:
            self.incline = note.incline
        # else: no incline in the file keeps the previous one, as QZ does.
        if label is not None and note is not None:
            direction, kind = note.direction, label[1]
            rails, cue = note.hold_handrails, note.cue
        else:
            direction, kind, rails = Direction.FORWARD, phase.kind, False
            texts = [text.strip() for text in (phase.cue_prefix, *phase.messages) if text and text.strip()]
            cue = plain_text(" / ".join(texts), MAX_CUE_LENGTH) if texts else None
        with self.building(element):
            length: Duration | Distance = Distance(phase.length) if self.by_distance else Duration(phase.length)
            return Step(
                direction=direction,
                kind=kind,
                length=length,
                speed=Speed.of(kmh / unit.in_kmh, unit, Rounding.NEAREST),
                incline=self.incline,
                hold_handrails=rails,
                cue=cue,
            )
