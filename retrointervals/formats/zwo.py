"""Zwift workout files (ZWO) for running, as treadmill walks: written for exact speeds, read leniently.

Writing. ``sportType`` is ``run``; ``durationType`` is always written; every step is a ``SteadyState`` block
with a whole-number ``Duration`` (ZWO cannot nest, so repeats are unrolled through ``timeline.flatten``; see
below for why ``IntervalsT`` is not used). Speeds are ZWO ``Power`` values: fractions of a reference speed of
10 km/h (6:00 min/km). The file says so twice:

- ``<thresholdSecPerKm>360</thresholdSecPerKm>``, which qdomyos-zwift (QZ) uses for ``SteadyState`` blocks;
- ``pace="1"`` (5 km pace; indexes 0-4 are mile, 5 km, 10 km, half marathon, marathon): in Zwift, set your 5 km
  time to 30:00 and the speeds are right there too.

QZ computes a block's belt speed as ``(60.0 / (thresholdSecPerKm / Power)) * 60.0`` in double precision, and
several of its treadmill drivers cut (not round) the result to 0.1 km/h. ``Power`` is therefore written as the
shortest decimal for which that arithmetic gives the planned speed exactly or just above it (by less than
0.001 km/h; we aim within 0.000001): 3.5 km/h is ``Power="0.35000001"``, since ``0.35`` gives 3.4999999999999996
and the belt would run at 3.4 km/h. Our reader takes such values back to the exact speed without reporting a change.

QZ ignores ``thresholdSecPerKm`` in ``IntervalsT`` blocks (it uses the user's race-pace settings there), so
two-phase repeats are written as ``SteadyState`` blocks as well: absolute speeds matter more than a compact file.

Each block carries ``Incline`` (a fraction, ``0.025`` for 2.5 %, which QZ applies; written on every block so the
incline goes back to 0) and one text event at offset 0, which QZ (2.20.13 and later) shows and can speak: a short
announcement when the walker turns around or takes or lets go of the rails (``steptext.spoken``), then the
step's label, speed and note: ``"Turn around: walk backward, hold the rails. BW active at 2.0 km/h: BACKWARD,
hold rails"``. Our reader restores direction, kind, handrails, incline, cue, lap-button steps and the speed unit
from it.

Limits (``Policy.STRICT`` raises ``FormatLimitError``, ``Policy.LOSSY`` writes the closest file and lists the
change): a ZWO file is either all time or all distance (``durationType``), so a workout mixing both has its
distance steps written as times; QZ reads a 1-second (or 1-metre) run block as a power target, so such steps are
lengthened to 2; ZWO has no block that waits for the lap button or stops the belt, so such steps become blocks
of their expected time at their (restart) speed.

Reading accepts the variants real files use and reports every change (``decode``): any case of element and
attribute names, legacy ``PowerLow``/``PowerHigh`` and ``PowerOnLow``... attributes (averaged), ``textevent``/
``TextEvent``/``TextNotification``, ``pace`` outside 0-4 (read as ``DEFAULT_PACE_INDEX``). Ramps (``Warmup``,
``Cooldown``, ``Ramp``) become one step at their average speed. Speeds come from ``thresholdSecPerKm`` when the
file has it; otherwise from ``ReadOptions.race_speeds``: a belt speed is never invented. A run file without
``durationType`` is read in seconds or metres as its own text shows (``"400 meters"``, ``"4 minutes"`` matching
its blocks, or ``distoffset`` text events), reported as a change; where the text does not tell, the reader
refuses and asks for ``ReadOptions.zwo_durations``. Bike workouts are refused.
"""

from __future__ import annotations

import functools
import os
import re
from fractions import Fraction
from pathlib import Path

import attrs
from lxml import etree

from retrointervals._files import read_bounded
from retrointervals.errors import FormatError, Place, ValidationError
from retrointervals.formats import (
    Change,
    ChangeLog,
    Decoded,
    Encoded,
    Policy,
    ReadOptions,
    ZwoDurations,
    steptext,
    write_workout_file,
)
from retrointervals.formats._shared import clean_text, length_of, only_workout, step_from_text
from retrointervals.formats._xml import (
    ElementReader,
    attributes,
    children,
    decimal,
    first_child,
    local_name,
    number,
    parse,
    parse_number,
    plain_text,
    serialize,
)
from retrointervals.limits import MAX_NUMBER_CHARACTERS, MAX_WORKOUT_SEGMENTS, ZWO_ELEMENTS_PER_BLOCK, echo
from retrointervals.model import (
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    MAX_REPEAT_COUNT,
    MAX_STEP_SECONDS,
    Plan,
    Repeat,
    Step,
    StepKind,
    Workout,
)
from retrointervals.timeline import flatten
from retrointervals.units import (
    Distance,
    Incline,
    Rounding,
    Speed,
    SpeedUnit,
)

__all__ = [
    "DEFAULT_PACE_INDEX",
    "EXTENSION",
    "PACE_INDEX",
    "REFERENCE_SPEED",
    "THRESHOLD_SEC_PER_KM",
    "decode",
    "qz_belt_kmh",
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

_POWER_PLACES = 12
#: How far above the exact speed our Power values put QZ's belt speed, at most (we aim far closer).
_QZ_AIM_KMH = Fraction(1, 10**6)
#: How far above a speed the reader takes a block's speed back to it without a change (the issue's bound).
_QZ_MARGIN_KMH = Fraction(1, 1000)
_PACE_NAMES = ("1 mile", "5 km", "10 km", "half marathon", "marathon")
# Our text event: any short announcement, then the label, speed and note (older files: longer announcements).
_MESSAGE = re.compile(r"(?:^|\s)(?P<label>(?:FW|BW) [a-z]+) at \d+\.\d (?P<unit>km/h|mph): (?P<note>.+)$", re.DOTALL)
# Quantities in free text: ASCII digits, at most 9 and not the tail of a longer number (int() refuses huge ones).
_METRES = re.compile(
    r"(?<![\d.])(\d{1,9}(?:\.\d{1,9})?)\s*(km|kilometers?|kilometres?|m|meters?|metres?)\b", re.IGNORECASE | re.ASCII
)
_SECONDS = re.compile(
    r"(?<![\d.])(\d{1,9})(?::(\d\d))?\s*(h|hours?|min|mins|minutes?|s|secs?|seconds?)\b", re.IGNORECASE | re.ASCII
)
#: The paces in seconds per km a block without Power may give instead of a race index (1:00 to 60:00 a km).
_MIN_PACE_S, _MAX_PACE_S = 60, 3600
#: Elements a block may hold on average, counting its text events (the busiest real files have about 9).
_WHOLE = re.compile(r"^\s*[-+]?\d{1,9}\s*$", re.ASCII)
_EVENTS = ("textevent", "textnotification")
_KINDS = {"warmup": StepKind.WARMUP, "cooldown": StepKind.COOLDOWN, "ramp": StepKind.ACTIVE}


# --- writing -----------------------------------------------------------------------------------


def write_workout(workout: Workout, *, policy: Policy = Policy.STRICT) -> Encoded:
    """The workout as the bytes of a run ZWO file.

    Raises:
        FormatLimitError: Under ``Policy.STRICT``, when the workout mixes time and distance steps, has a
            1-second (or 1-metre) step, or a step that ends on the lap button.
    """
    report = ChangeLog(policy)
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
    encode = functools.partial(write_workout, policy=Policy.of(policy))
    return write_workout_file(document, path, encode, "zwo", overwrite=overwrite)


def qz_belt_kmh(power: str, threshold_sec_per_km: int = THRESHOLD_SEC_PER_KM) -> float:
    """The belt speed qdomyos-zwift computes for a run ``SteadyState`` block, in its own double arithmetic."""
    return (60.0 / (threshold_sec_per_km / float(power))) * 60.0


@functools.cache
def _power(speed: Speed) -> str:
    """The shortest ``Power`` text for which QZ's arithmetic gives ``speed`` exactly or just above it."""
    target = speed.exact_kmh
    exact = target / REFERENCE_SPEED.exact_kmh
    for places in range(1, _POWER_PLACES + 1):
        scale = 10**places
        low = -(-exact.numerator * scale // exact.denominator)  # the ceiling: never below the speed
        for candidate in (low, low + 1):
            text = decimal(Fraction(candidate, scale), places)
            belt = Fraction(qz_belt_kmh(text))
            if target <= belt < target + _QZ_AIM_KMH:
                return text
    raise AssertionError(f"no Power for {speed}")  # pragma: no cover - every model speed has one (tested)


@functools.cache
def _incline(incline: Incline) -> str:
    return decimal(Fraction(incline.tenths, 1000), 4)


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _blocks(workout: Workout, report: ChangeLog, where: str) -> tuple[list[tuple[Step, int]], bool]:
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
            f"{converted} distance steps written as times at their speed, to the nearest second (at most 6 hours)",
        )
        blocks = [
            (
                step,
                min(max(round(step.duration.exact), 1), MAX_STEP_SECONDS)
                if isinstance(step.length, Distance)
                else length,
            )
            for step, length in blocks
        ]
    unit = "metre" if by_distance else "second"
    for number_, (step, length) in enumerate(blocks, start=1):
        if step.until_lap:
            report.hit(
                f"{where}, block {number_}",
                "ZWO has no block that waits for the lap button",
                f"written as a block of its expected time, {length} s; the text event says to press lap",
            )
        if step.belt_stopped:
            report.hit(
                f"{where}, block {number_}",
                "ZWO cannot stop the belt",
                f"written as a block at the restart speed {step.speed}; the text event says to stop the belt",
            )
        if length == 1:
            report.hit(
                f"{where}, block {number_}",
                f"qdomyos-zwift reads a 1-{unit} run block as a power target, not a speed",
                f"lengthened to 2 {unit}s",
            )
            blocks[number_ - 1] = (step, 2)
    return blocks, by_distance


def _message(step: Step, previous: Step | None) -> str:
    """The text event of a block: a short spoken announcement, if any, then the label, speed and note."""
    said = steptext.spoken(step, previous)
    text = f"{steptext.label(step)} at {step.speed}: {steptext.note(step)}"
    return f"{said} {text}" if said else text


# --- reading -----------------------------------------------------------------------------------


def decode(data: bytes, source: str = "", *, options: ReadOptions | None = None) -> Decoded:
    """Read a run ZWO file as a workout, with every change the read made.

    Args:
        data: The file's bytes.
        source: Where they came from (a file name), used in error messages.
        options: The policy, the race speeds that ``Power`` multiplies in files without ``thresholdSecPerKm``,
            a speed for free-run blocks, and how to take durations when the file has no ``durationType``.

    Raises:
        FormatError: The file is empty, not a ZWO file, a bike workout, has no ``<workout>``, a block
            retrointervals cannot represent, or needs an option it was not given (``FormatError.needs``); the
            message names the line.
        FormatLimitError: Under ``Policy.STRICT``, the read would change something.
    """
    reader = _Reader(source, options or ReadOptions())
    workout = reader.workout(parse(data, source, max_elements=MAX_WORKOUT_SEGMENTS * ZWO_ELEMENTS_PER_BLOCK))
    return Decoded(workout, tuple(reader.log.changes))


def read_bytes(data: bytes, source: str = "", *, options: ReadOptions | None = None) -> Workout:
    """Read a run ZWO file as a workout; see ``decode``, which also gives the changes."""
    return only_workout(decode(data, source, options=options))


def read(path: str | os.PathLike[str], *, options: ReadOptions | None = None) -> Workout:
    """Read a ZWO file (at most 16 MiB); see ``decode``."""
    return read_bytes(read_bounded(path), str(path), options=options)


@attrs.frozen
class _Phase:
    """One stretch of a block as read: how long, how fast (as km/h), its kind and its text events."""

    length: Fraction
    kmh: Fraction
    kind: StepKind
    messages: tuple[str, ...]
    cue_prefix: str | None = None


def _is_whole_number(text: str) -> bool:
    """Plain ASCII digits, few enough to convert (``isdigit`` alone takes "²" and Python refuses huge ones)."""
    return text.isascii() and text.isdigit() and len(text) <= MAX_NUMBER_CHARACTERS


def _lengths(body: etree._Element) -> set[int]:
    found = set()
    for block in children(body):
        for key, value in attributes(block).items():
            whole = value.strip()
            if key in ("duration", "onduration", "offduration") and _is_whole_number(whole):
                found.add(int(whole))
    return found


def _elements(root: etree._Element) -> list[etree._Element]:
    """Every element under ``root`` (comments were removed by the parser)."""
    return list(root.iter())


def _evidence(root: etree._Element, body: etree._Element) -> tuple[ZwoDurations, str] | None:
    """Seconds or metres, from the file's own text, when it tells: quantities in its text that match its blocks.

    ``"1.00 km warming up"`` with a block of 1000 says metres; ``"3 x 4 minutes"`` with blocks of 240 says seconds;
    ``distoffset`` text events say metres. None when the file says neither, or both.
    """
    texts = [" ".join(str(part) for part in element.itertext()) for element in children(root) if element is not body]
    texts.extend(attributes(event).get("message", "") for event in _elements(body))
    lengths = _lengths(body)
    metres: list[str] = []
    seconds: list[str] = []
    for text in texts:
        for match in _METRES.finditer(text):
            value: Fraction | int = Fraction(match.group(1)) * (1000 if match.group(2).lower().startswith("k") else 1)
            if Fraction(value).denominator == 1 and int(value) in lengths:
                metres.append(match.group(0))
        for match in _SECONDS.finditer(text):
            unit = match.group(3).lower()
            whole = int(match.group(1))
            seconds_value = whole * 3600 if unit.startswith("h") else whole * 60 if unit.startswith("m") else whole
            if match.group(2) and unit.startswith("m"):
                seconds_value = whole * 60 + int(match.group(2))
            if seconds_value in lengths:
                seconds.append(match.group(0))
    by_offset = any("distoffset" in attributes(event) for event in _elements(body))
    if (metres or by_offset) and not seconds:
        return ZwoDurations.METRES, repr(metres[0]) if metres else "text events placed by distoffset"
    if seconds and not metres and not by_offset:
        return ZwoDurations.SECONDS, repr(seconds[0])
    return None


@functools.lru_cache(maxsize=1024)  # bounded: the keys come from the file
def _relative_kmh(power: Fraction, threshold: Fraction) -> Fraction:
    """QZ's belt speed of a ``SteadyState``, exactly: ``Power`` x 3600 / ``thresholdSecPerKm``."""
    return power * 3600 / threshold


@functools.lru_cache(maxsize=1024)  # bounded: the keys come from the file
def _our_message(text: str) -> tuple[str, str, SpeedUnit] | None:
    """The label, note and speed unit of one of our text events, or None for other text."""
    found = _MESSAGE.search(text)
    if found is None:
        return None
    unit = SpeedUnit.MPH if found.group("unit") == "mph" else SpeedUnit.KMH
    return found.group("label"), found.group("note"), unit


@functools.lru_cache(maxsize=1024)  # bounded: the keys come from the file
def _nearest_speed(kmh: Fraction, unit: SpeedUnit) -> tuple[Speed, bool] | None:
    """The speed nearest ``kmh`` in ``unit``, and whether it is that speed (or our QZ-safe value just above it)."""
    try:
        speed = Speed.of(kmh / unit.in_kmh, unit, Rounding.NEAREST)
    except ValidationError:
        return None
    return speed, 0 <= kmh - speed.exact_kmh < _QZ_MARGIN_KMH


class _Reader(ElementReader):
    def __init__(self, source: str, options: ReadOptions) -> None:
        super().__init__(source, options)
        self.by_distance = False
        self.threshold: Fraction | None = None
        self.incline = Incline.flat()
        self.blocks = 0

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
                raise FormatError(f"thresholdSecPerKm must be above 0, not {echo(threshold)}", self.where(root))
            self.threshold = value
        self.check_sport(root, body)
        self.by_distance = self.durations(root, body)
        items: list[Step | Repeat] = []
        for block in children(body):
            self.blocks += 1
            if self.blocks > MAX_WORKOUT_SEGMENTS:  # each block walks at least one segment
                raise FormatError(
                    f"the workout has more than {MAX_WORKOUT_SEGMENTS} blocks (MAX_WORKOUT_SEGMENTS; see limits.md)",
                    self.where(block),
                )
            items.extend(self.block(block))
        if not items:
            raise FormatError("the <workout> element holds no blocks", self.where(body))
        fallback = Path(self.source).stem if self.source else "ZWO workout"
        where = self.where(root)
        name = clean_text(self.log, self.text(root, "name") or "", MAX_NAME_LENGTH, "workout name", where)
        description = clean_text(
            self.log, self.text(root, "description") or "", MAX_DESCRIPTION_LENGTH, "description", where, keep="\n\t"
        )
        with self.building(root):
            return Workout(name if name.strip() else plain_text(fallback, MAX_NAME_LENGTH), items, description)

    def durations(self, root: etree._Element, body: etree._Element) -> bool:
        """Whether the blocks are in metres: as ``durationType`` says, or the options, or the file's own text."""
        duration_type = (self.text(root, "durationType") or "").strip().lower()
        if duration_type:
            return "distance" in duration_type
        if self.options.zwo_durations is not None:
            return self.options.zwo_durations is ZwoDurations.METRES
        found = _evidence(root, body)
        if found is None:
            raise FormatError(
                "this run ZWO has no durationType and its text does not show whether its durations are seconds or "
                "metres (QZ takes metres, most editors seconds)",
                self.where(root),
                needs="zwo_durations",
            )
        choice, reason = found
        self.log.hit(
            self.where(root),
            "the file has no durationType, so seconds or metres is a reading of its text",
            f"read its durations as {choice.value}, as its text says ({reason})",
        )
        return choice is ZwoDurations.METRES

    def text(self, root: etree._Element, tag: str) -> str | None:
        element = first_child(root, tag, ignore_case=True)
        return None if element is None else "".join(str(part) for part in element.itertext())

    def check_sport(self, root: etree._Element, body: etree._Element) -> None:
        sport = (self.text(root, "sportType") or "").strip().lower()
        if sport == "run":
            return
        if sport:
            raise FormatError(
                f"this is a {sport if len(sport) <= MAX_NUMBER_CHARACTERS else 'non-run'} workout (sportType "
                f"{echo(sport)}); only run workouts can become treadmill walks",
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
        # A block that reads as an earlier one (a repeat, unrolled) gives the same steps: read it once. The key
        # is the block's own text: its attributes and those of its children (text events).
        events = tuple((child.tag, tuple(child.attrib.items())) for child in element)
        key = (tag, tuple(fields.items()), events, self.incline)
        items, self.incline = self.once(
            key, lambda: self.new_block_and_incline(element, tag, fields, self.messages(element))
        )
        return list(items)

    def new_block_and_incline(
        self, element: etree._Element, tag: str, fields: dict[str, str], messages: list[tuple[Fraction, str]]
    ) -> tuple[tuple[Step | Repeat, ...], Incline]:
        items = self.new_block(element, tag, fields, messages)
        return tuple(items), self.incline

    def new_block(
        self, element: etree._Element, tag: str, fields: dict[str, str], messages: list[tuple[Fraction, str]]
    ) -> list[Step | Repeat]:
        where = self.where(element)
        if tag in _EVENTS or tag == "gameplayevent":
            return []  # text shown between blocks: no walking in it
        if tag == "steadystate":
            phase = _Phase(
                self.length(fields, "duration", element),
                self.block_kmh(fields, ("power",), ("powerlow", "powerhigh"), element),
                StepKind.ACTIVE,
                tuple(m for _, m in messages),
            )
            return [self.step(phase, fields, element, where)]
        if tag in _KINDS:
            low = self.block_kmh(fields, ("powerlow", "power"), (), element)
            high = self.block_kmh(fields, ("powerhigh", "power"), (), element)
            prefix = None
            if low != high:
                prefix = f"Ramp from {float(low):.1f} to {float(high):.1f} km/h"
                self.log.hit(where, "the model holds one speed per step, not a ramp", f"read as one step: {prefix}")
            phase = _Phase(
                self.length(fields, "duration", element),
                (low + high) / 2,
                _KINDS[tag],
                tuple(m for _, m in messages),
                prefix,
            )
            return [self.step(phase, fields, element, where)]
        if tag == "intervalst":
            return self.intervals(element, fields, messages)
        if tag in ("freeride", "maxeffort"):
            shown = local_name(str(element.tag))
            if self.options.speed is None:
                raise FormatError(
                    f"<{shown}> has no speed target (free run), and a treadmill step needs a belt speed",
                    where,
                    needs="speed",
                )
            self.log.hit(where, f"<{shown}> has no speed target", f"used the given speed {self.options.speed}")
            phase = _Phase(
                self.length(fields, "duration", element),
                self.options.speed.exact_kmh,
                StepKind.ACTIVE,
                tuple(m for _, m in messages),
            )
            return [self.step(phase, fields, element, where)]
        raise FormatError(f"unknown ZWO block <{local_name(str(element.tag))}>", where)

    def intervals(
        self, element: etree._Element, fields: dict[str, str], messages: list[tuple[Fraction, str]]
    ) -> list[Step | Repeat]:
        repeat_text = fields.get("repeat", "1")
        count = int(self.number(repeat_text, "Repeat", element)) if repeat_text.strip() else 1
        if count > MAX_REPEAT_COUNT:
            raise FormatError(f"Repeat is at most {MAX_REPEAT_COUNT}, not {count}", self.where(element))
        on_length = self.length(fields, "onduration", element)
        off_length = self.length(fields, "offduration", element)

        # Text events count across repeats from the block's start: fold them into one period.
        period = on_length + off_length
        on_messages = tuple(text for offset, text in messages if offset % period < on_length)
        off_messages = tuple(text for offset, text in messages if offset % period >= on_length)
        on_kmh = self.block_kmh(fields, ("onpower",), ("poweronlow", "poweronhigh"), element)
        off_kmh = self.block_kmh(fields, ("offpower",), ("powerofflow", "poweroffhigh"), element)
        where = self.where(element)
        on = self.step(_Phase(on_length, on_kmh, StepKind.ACTIVE, on_messages), fields, element, where)
        off = self.step(_Phase(off_length, off_kmh, StepKind.RECOVERY, off_messages), fields, element, where)
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
            offset = self.number(offset_text, "timeoffset", event) if offset_text.strip() else Fraction(0)
            found.append((offset, fields.get("message", "")))
        return found

    def length(self, fields: dict[str, str], key: str, element: etree._Element) -> Fraction:
        if key not in fields:
            raise FormatError(f"the block has no {key} attribute", self.where(element))
        exact = self.number(fields[key], key, element)
        value = Fraction(int(exact))
        if value <= 0:
            raise FormatError(f"{key} must be at least 1, not {echo(fields[key])}", self.where(element))
        if value != exact:  # Zwift truncates durations to whole units; so do we, and say so
            unit = "metres" if self.by_distance else "seconds"
            cut = f"{key} {fields[key].strip()} cut to {value}"
            self.log.hit(self.where(element), f"block lengths are whole {unit}", cut)
        return value

    def block_kmh(
        self, fields: dict[str, str], keys: tuple[str, ...], legacy: tuple[str, ...], element: etree._Element
    ) -> Fraction:
        """A block's speed in km/h: its Power times the reference speed, or its pace (a guess).

        A block without any Power whose ``pace`` is not a race index but seconds per km (as some converters write)
        reads at that pace, reported as a guess.
        """
        if not any(key in fields for key in (*keys, *legacy)):
            pace = parse_number(fields.get("pace", ""))
            if isinstance(pace, Fraction) and _MIN_PACE_S <= pace <= _MAX_PACE_S:
                self.log.hit(
                    self.where(element),
                    "the block has no Power, and its pace is not a race index (0-4)",
                    f"read pace {fields['pace'].strip()} as seconds per km, {float(3600 / pace):.1f} km/h (a guess)",
                )
                return 3600 / pace
        return self.kmh(self.power(fields, keys, legacy, element), fields, element)

    def power(
        self, fields: dict[str, str], keys: tuple[str, ...], legacy: tuple[str, ...], element: etree._Element
    ) -> Fraction:
        for key in keys:
            if key in fields:
                return self.number(fields[key], key, element)
        if legacy and all(key in fields for key in legacy):
            values = [self.number(fields[key], key, element) for key in legacy]
            if values[0] != values[1]:
                self.log.hit(
                    self.where(element),
                    f"the model holds one speed per step, not {legacy[0]} to {legacy[1]}",
                    "read at their average, as GoldenCheetah does",
                )
            return sum(values, Fraction(0)) / len(values)
        raise FormatError(f"the block has no {' or '.join(keys + legacy)} attribute", self.where(element))

    def pace_index(self, fields: dict[str, str]) -> int:
        text = fields.get("pace", "")
        if _WHOLE.match(text) and 0 <= int(text) < len(_PACE_NAMES):
            return int(text)
        return DEFAULT_PACE_INDEX

    def kmh(self, power: Fraction, fields: dict[str, str], element: etree._Element) -> Fraction:
        if self.threshold is not None:
            return _relative_kmh(power, self.threshold)
        index = self.pace_index(fields)
        if self.options.race_speeds is None:
            raise FormatError(
                f"speeds in this file are fractions of your {_PACE_NAMES[index]} race pace and it has no "
                "thresholdSecPerKm",
                self.where(element),
                needs="race_pace",
            )
        return power * self.options.race_speeds[index].exact_kmh

    def speed(self, kmh: Fraction, unit: SpeedUnit, where: Place) -> Speed:
        found = _nearest_speed(kmh, unit)
        if found is None:
            with self.building_at(where):  # out of the model's range: let the model say so
                Speed.of(kmh / unit.in_kmh, unit, Rounding.NEAREST)
            raise AssertionError(kmh)  # pragma: no cover - the line above raises
        speed, close = found
        if not close:  # our own Power values put QZ just above the speed (see the module docstring): not a change
            self.log.hit(
                where, f"belt speeds are multiples of 0.1 {unit.value}", f"read {float(kmh):.4f} km/h as {speed}"
            )
        return speed

    def step(self, phase: _Phase, fields: dict[str, str], element: etree._Element, where: Place) -> Step:
        ours = next((found for text in phase.messages if (found := _our_message(text))), None)
        foreign = [] if ours else [text for text in (phase.cue_prefix, *phase.messages) if text]
        text = steptext.decode(
            ours[0] if ours else None,
            ours[1] if ours else None,
            kind=phase.kind,
            where=where,
            log=self.log,
            foreign=foreign,
            joiner=" / ",
        )
        if ours:
            unit = ours[2]
        else:  # speeds relative to race paces given in mph are mph speeds
            relative = self.threshold is None and self.options.race_speeds is not None
            unit = self.options.race_speeds[0].unit if relative and self.options.race_speeds else SpeedUnit.KMH
        if "incline" in fields:
            self.incline = self.incline_from(fields["incline"], "Incline", element, scale=100)
        elif text.incline is not None:
            self.incline = text.incline
        # else: no incline in the file keeps the previous one, as QZ does.
        lap = text.note.lap_expected if text.note is not None else None
        with self.building(element):
            length = length_of(phase.length, by_distance=self.by_distance)
            if lap is not None and length != lap:
                lap = None  # the block is not the expected time our note says: not our lap step
            speed = self.speed(phase.kmh, unit, where)
            return step_from_text(
                text, length, speed, self.incline, until_lap=lap is not None, log=self.log, where=where
            )
