"""qdomyos-zwift (QZ) treadmill programs: ``<rows><row .../></rows>`` files that QZ plays on a Bluetooth treadmill.

Writing. One ``<row>`` per step, in walking order (repeats unrolled through ``timeline.flatten``: older QZ versions
read a ``<repeat>`` element as a broken row). Attributes, as QZ's ``trainprogram::loadXML`` reads them
(cagnulein/qdomyos-zwift, ``src/trainprogram.cpp``):

- ``duration="HH:MM:SS"``: the step's time; for a distance step, its expected time at its speed (QZ shows it);
- ``distance``: kilometres, only on distance steps (QZ then ends the row on distance, not time);
- ``speed``: km/h, always. A speed given in mph is written as its exact km/h value (2.3 mph is ``3.7014912``),
  so QZ sets the same belt speed; reading gives km/h rounded to 0.1 km/h;
- ``inclination``: percent, on every row (a row without it leaves the incline unchanged in QZ);
- ``forcespeed="1"``: QZ sets the belt speed at the start of the row;
- ``ri_label`` and ``ri_note``: the direction label and note of the step (``"BW active"``, ``"BACKWARD, hold
  rails. Long steps"``). QZ reads only the attributes it knows, so it ignores these, and QZ itself never shows
  the direction: tell the walker another way (a printed plan, or the ZWO or FIT file). Our reader restores
  direction, kind, handrails and cue from them.

The format has no workout name: reading names the workout after the file. Nothing else is lost.

Reading takes QZ's own files too: rows without our attributes read as forward active steps; a row without
``inclination`` keeps the previous incline, as in QZ; ``<repeat times="N">`` (newer QZ) becomes a repeat; a
``speedfrom``/``speedto`` ramp becomes one step at its average speed with a cue saying so. Rows without a speed
(bike programs: power, resistance, cadence) are refused: a belt speed is never invented.
"""

from __future__ import annotations

import os
import re
from fractions import Fraction
from pathlib import Path

from lxml import etree

from retrointervals._files import read_bounded
from retrointervals.errors import FormatError, ValidationError
from retrointervals.formats import Change, Encoded, Policy, write_workout_file
from retrointervals.formats._conventions import parse_step_label, parse_step_note, step_label, step_note
from retrointervals.formats._xml import (
    ElementReader,
    attributes,
    children,
    decimal,
    local_name,
    number,
    parse,
    plain_text,
    serialize,
)
from retrointervals.model import (
    MAX_CUE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_REPEAT_COUNT,
    Direction,
    Plan,
    Repeat,
    Step,
    StepKind,
    Workout,
)
from retrointervals.timeline import flatten
from retrointervals.units import Distance, Duration, Incline, Rounding, Speed

__all__ = ["EXTENSION", "read", "read_bytes", "write", "write_workout"]

EXTENSION = ".xml"

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{1,2}):(\d{1,2})\s*$")
_MAX_CLOCK_SECONDS = 24 * 3600 - 1
_SPEED_PLACES = 8  # exact for every step of 0.1 km/h or 0.1 mph (1 mph = 1.609344 km/h)


# --- writing -----------------------------------------------------------------------------------


def write_workout(workout: Workout, *, policy: Policy = Policy.STRICT) -> Encoded:
    """The workout as the bytes of a QZ treadmill program.

    No workout hits a limit of the format, so ``policy`` never matters and nothing is ever changed.
    """
    del policy  # nothing to decide
    root = etree.Element("rows")  # no attributes: QZ would read an element with attributes as a row
    steps = [item for item in flatten(workout.steps, 0) if isinstance(item, Step)]
    for step in steps:
        row = etree.SubElement(root, "row")
        # A distance row ends on its distance; its duration is QZ's estimate, which QTime caps below 24 hours.
        seconds = min(round(step.duration.exact), _MAX_CLOCK_SECONDS)
        row.set("duration", f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}")
        if isinstance(step.length, Distance):
            row.set("distance", decimal(step.length.exact / 1000, 3))
        row.set("speed", decimal(step.speed.exact_kmh, _SPEED_PLACES))
        row.set("inclination", f"{step.incline.in_percent:g}")
        row.set("forcespeed", "1")
        row.set("ri_label", step_label(step))
        row.set("ri_note", step_note(step))
    return Encoded(serialize(root))


def write(
    document: Workout | Plan,
    path: str | os.PathLike[str],
    *,
    policy: Policy = Policy.STRICT,
    overwrite: bool = False,
) -> tuple[Change, ...]:
    """Write a workout to a QZ program file (``.xml``), atomically; refuse to replace a file unless ``overwrite``.

    Raises:
        FormatError: ``document`` is a plan: a QZ program holds one workout (use ``formats.plan_files``).
    """
    return write_workout_file(
        document, path, lambda workout: write_workout(workout, policy=policy), "qz", overwrite=overwrite
    )


# --- reading -----------------------------------------------------------------------------------


def read_bytes(data: bytes, source: str = "") -> Workout:
    """Read a QZ treadmill program as a workout (named after ``source``'s file name).

    Raises:
        FormatError: The file is not a QZ program, or a row cannot become a treadmill step; the message names
            the line.
    """
    return _Reader(source).workout(parse(data, source))


def read(path: str | os.PathLike[str]) -> Workout:
    """Read a QZ program file (at most 16 MiB); see ``read_bytes``."""
    return read_bytes(read_bounded(path), str(path))


class _Reader(ElementReader):
    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.incline = Incline.flat()

    def workout(self, root: etree._Element) -> Workout:
        if local_name(str(root.tag)) != "rows":
            raise FormatError(
                f"not a qdomyos-zwift program: the root element is <{local_name(str(root.tag))}>, not <rows>",
                self.where(root),
            )
        items = self.items(root, inside_repeat=False)
        if not items:
            raise FormatError("the program has no rows", self.where(root))
        name = plain_text(Path(self.source).stem if self.source else "", MAX_NAME_LENGTH).strip() or "QZ program"
        with self.building(root):
            return Workout(name, items)

    def items(self, parent: etree._Element, *, inside_repeat: bool) -> list[Step | Repeat]:
        items: list[Step | Repeat] = []
        for element in children(parent):
            fields = attributes(element)
            if local_name(str(element.tag)) == "repeat":
                items.extend(self.repeat(element, fields, inside_repeat=inside_repeat))
            elif fields:  # QZ reads every other element with attributes as a row
                items.append(self.row(element, fields))
            else:
                items.extend(self.items(element, inside_repeat=inside_repeat))
        return items

    def repeat(self, element: etree._Element, fields: dict[str, str], *, inside_repeat: bool) -> list[Step | Repeat]:
        if inside_repeat:
            raise FormatError("QZ cannot nest <repeat> elements", self.where(element))
        times = number(fields.get("times", ""), "repeat times", self.where(element))
        if times.denominator != 1 or not 1 <= times <= MAX_REPEAT_COUNT:
            raise FormatError(f"repeat times must be a whole number from 1 to {MAX_REPEAT_COUNT}", self.where(element))
        body = self.items(element, inside_repeat=True)
        if times == 1 or not body:
            return body
        with self.building(element):
            return [Repeat(int(times), body)]

    def row(self, element: etree._Element, fields: dict[str, str]) -> Step:
        where = self.where(element)
        cue_texts = []
        if "speed" in fields:
            speed_kmh = number(fields["speed"], "speed", where)
        elif "speedfrom" in fields and "speedto" in fields:
            ends = [number(fields[key], key, where) for key in ("speedfrom", "speedto")]
            speed_kmh = sum(ends, Fraction(0)) / 2
            cue_texts.append(f"Ramp from {float(ends[0]):.1f} to {float(ends[1]):.1f} km/h")
        else:
            raise FormatError(
                "the row has no speed (power, resistance and cadence rows are for bikes); "
                "a treadmill step needs a belt speed",
                where,
            )
        length = self.length(fields, where)
        if "inclination" in fields:
            with self.building(element):
                self.incline = Incline.percent(number(fields["inclination"], "inclination", where), Rounding.NEAREST)
        label = parse_step_label(fields.get("ri_label", ""))
        with self.building(element):  # a note's incline may be out of range
            note = parse_step_note(fields.get("ri_note", ""))
        direction, kind, rails, cue = Direction.FORWARD, StepKind.ACTIVE, False, None
        if label is not None and note is not None:
            direction, kind, rails, cue = note.direction, label[1], note.hold_handrails, note.cue
        elif cue_texts:
            cue = plain_text(" / ".join(cue_texts), MAX_CUE_LENGTH)
        with self.building(element):
            return Step(
                direction=direction,
                kind=kind,
                length=length,
                speed=Speed.kmh(speed_kmh, Rounding.NEAREST),
                incline=self.incline,
                hold_handrails=rails,
                cue=cue,
            )

    def length(self, fields: dict[str, str], where: str) -> Duration | Distance:
        # QZ: a row with a distance above 0 ends on distance (km), any other row on its duration.
        if "distance" in fields:
            kilometres = number(fields["distance"], "distance", where)
            if kilometres > 0:
                try:
                    return Distance.metres(kilometres * 1000, Rounding.NEAREST)
                except ValidationError as error:
                    raise FormatError(str(error), where) from None
        clock = _CLOCK.match(fields.get("duration", ""))
        if clock is None:
            raise FormatError(f"duration must be HH:MM:SS, not {fields.get('duration', '')!r}", where)
        hours, minutes, seconds = (int(part) for part in clock.groups())
        if minutes > 59 or seconds > 59:
            raise FormatError(f"duration must be HH:MM:SS, not {fields['duration']!r}", where)
        total = hours * 3600 + minutes * 60 + seconds
        if total == 0:
            raise FormatError("the row lasts 00:00:00", where)
        return Duration(total)
