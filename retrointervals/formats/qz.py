"""qdomyos-zwift (QZ) treadmill programs: ``<rows><row .../></rows>`` files that QZ plays on a Bluetooth treadmill.

Writing. One ``<row>`` per step, in walking order (repeats unrolled through ``timeline.flatten``: QZ reads
``<repeat>`` only since 2.18.11, and one level deep). The root ``<rows>`` has no attributes (QZ up to 2.21.5 would
read an attribute there as a row). Attributes, as QZ's ``trainprogram::loadXML`` reads them
(cagnulein/qdomyos-zwift, ``src/trainprogram.cpp``):

- ``duration="HH:MM:SS"``: the step's time; for a distance step, its expected time at its speed (QZ shows it);
  for a step that ends on the lap button, its expected time;
- ``distance``: kilometres, only on distance steps (QZ then ends the row on distance, not time);
- ``speed``: km/h, always, as exact decimal text (QZ has no mph form). A speed given in mph is written as its
  exact km/h value (2.3 mph is ``3.7014912``), so QZ sets the same belt speed, and ``ri_unit="mph"`` says so;
- ``inclination``: percent, on every row (a row without it leaves the incline unchanged in QZ);
- ``forcespeed="1"``: QZ sets the belt speed at the start of the row;
- ``lapbutton="1"`` on a step that ends on the lap button: QZ builds from 2026-06-25 wait for the Lap button; older
  QZ ignores the attribute and plays the row for its ``duration``, the expected time;
- ``ri_label`` and ``ri_note``: the step-text label and note (``"BW active"``, ``"BACKWARD, hold rails. Long
  steps"``, see ``steptext``). QZ ignores attributes it does not know (and drops them when it saves a program
  again); our reader restores direction, kind, handrails, cue and lap-button steps from them.

QZ shows what a row's ``<textevent timeoffset message>`` children say (as pop-ups, spoken when its text-to-speech
setting is on) since 2.20.22. ``write_workout(..., announce=True)`` adds one to every row where the walker turns
around or takes or lets go of the rails. It is off by default because QZ before 2.20.22 reads such a child as an
extra row without speed or duration. Without it QZ never shows the direction: tell the walker another way (the
printed plan, or the ZWO or FIT file).

Limits (``Policy.STRICT`` raises, ``Policy.LOSSY`` writes the closest program and lists the change): QZ cannot stop
the belt, so a stop-to-turn step (``belt_stopped``) becomes a lap-button row at its restart speed. The format has no
workout name (reading names the workout after the file).

Reading takes QZ's own files too, and reports every change (``decode``): rows without our attributes read as
forward active steps; a row without ``inclination`` keeps the previous incline, as in QZ; ``<repeat times="N">``
becomes a repeat; a ``speedfrom``/``speedto`` ramp becomes one step at its average speed; speeds off the 0.1 km/h
grid are rounded, inclines outside the model's range are cut, and an exact mph value without ``ri_unit`` is read as
mph (a guess) -- each a change. Rows with only heart-rate targets need ``ReadOptions.speed``; bike rows (power,
resistance, cadence only) are refused: a belt speed is never invented.
"""

from __future__ import annotations

import functools
import os
import re
from fractions import Fraction
from pathlib import Path

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
    steptext,
    write_workout_file,
)
from retrointervals.formats._shared import length_of, only_workout, step_from_text
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
from retrointervals.limits import MAX_WORKOUT_SEGMENTS, QZ_ELEMENTS_PER_ROW, echo
from retrointervals.model import (
    MAX_NAME_LENGTH,
    MAX_REPEAT_COUNT,
    Plan,
    Repeat,
    Step,
    StepKind,
    Workout,
)
from retrointervals.timeline import flatten
from retrointervals.units import (
    Distance,
    Duration,
    Incline,
    Rounding,
    Speed,
    SpeedUnit,
)

__all__ = ["EXTENSION", "decode", "read", "read_bytes", "write", "write_workout"]

EXTENSION = ".xml"

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{1,2}):(\d{1,2})\s*$")
_MAX_CLOCK_SECONDS = 24 * 3600 - 1
_SPEED_PLACES = 8  # exact for every step of 0.1 km/h or 0.1 mph (1 mph = 1.609344 km/h)
_BIKE_FIELDS = ("power", "powerzone", "resistance", "cadence")
_HEART_RATE_FIELDS = ("zonehr", "hrmin", "hrmax", "hrabove", "hrbelow")
#: Elements a row may hold on average, counting its text events (QZ files have one or two).
#: A lap-button row without a duration: the expected time a lossy read gives it.
_DEFAULT_LAP_SECONDS = 60


# --- writing -----------------------------------------------------------------------------------


def write_workout(workout: Workout, *, policy: Policy = Policy.STRICT, announce: bool = False) -> Encoded:
    """The workout as the bytes of a QZ treadmill program.

    Args:
        workout: The workout.
        policy: What to do with a stop-to-turn step, which QZ cannot play (see the module docstring).
        announce: Add a text event to every row where the walker turns around or takes or lets go of the rails
            (QZ 2.20.22 and later show and speak them; older QZ misreads them, hence off by default).

    Raises:
        FormatLimitError: Under ``Policy.STRICT``, the workout has a stop-to-turn step.
    """
    log = ChangeLog(policy)
    root = etree.Element("rows")  # no attributes: QZ would read an element with attributes as a row
    steps = [item for item in flatten(workout.steps, 0) if isinstance(item, Step)]
    previous: Step | None = None
    for number_, step in enumerate(steps, start=1):
        if step.belt_stopped:
            log.hit(
                f"workout {workout.name!r}, row {number_}",
                "QZ cannot stop the belt",
                f"written as a row that waits for the lap button with the belt at {step.speed}",
            )
        row = etree.SubElement(root, "row")
        # A distance row ends on its distance; its duration is QZ's estimate, which QTime caps below 24 hours.
        seconds = min(round(step.duration.exact), _MAX_CLOCK_SECONDS)
        row.set("duration", f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}")
        if isinstance(step.length, Distance):
            row.set("distance", decimal(step.length.exact / 1000, 3))
        row.set("speed", decimal(step.speed.exact_kmh, _SPEED_PLACES))
        row.set("inclination", f"{step.incline.in_percent:g}")
        row.set("forcespeed", "1")
        if step.until_lap:
            row.set("lapbutton", "1")
        row.set("ri_label", steptext.label(step))
        row.set("ri_note", steptext.note(step))
        if step.speed.unit is SpeedUnit.MPH:
            row.set("ri_unit", "mph")
        said = steptext.spoken(step, previous) if announce else None
        if said is not None:
            event = etree.SubElement(row, "textevent")
            event.set("timeoffset", "0")
            event.set("message", said)
        previous = step
    return Encoded(serialize(root), tuple(log.changes))


def write(
    document: Workout | Plan,
    path: str | os.PathLike[str],
    *,
    policy: Policy = Policy.STRICT,
    overwrite: bool = False,
    announce: bool = False,
) -> tuple[Change, ...]:
    """Write a workout to a QZ program file (``.xml``), atomically; refuse to replace a file unless ``overwrite``.

    Raises:
        FormatError: ``document`` is a plan: a QZ program holds one workout (use ``formats.plan_files``).
    """
    encode = functools.partial(write_workout, policy=Policy.of(policy), announce=announce)
    return write_workout_file(document, path, encode, "qz", overwrite=overwrite)


# --- reading -----------------------------------------------------------------------------------


def decode(data: bytes, source: str = "", *, options: ReadOptions | None = None) -> Decoded:
    """Read a QZ treadmill program as a workout (named after ``source``'s file name), with every change made.

    Raises:
        FormatError: The file is not a QZ program, a bike program, or a row cannot become a treadmill step; the
            message names the line.
        FormatLimitError: Under ``Policy.STRICT``, the read would change something (see the module docstring).
    """
    reader = _Reader(source, options or ReadOptions())
    workout = reader.workout(parse(data, source, max_elements=MAX_WORKOUT_SEGMENTS * QZ_ELEMENTS_PER_ROW))
    return Decoded(workout, tuple(reader.log.changes))


def read_bytes(data: bytes, source: str = "", *, options: ReadOptions | None = None) -> Workout:
    """Read a QZ treadmill program as a workout; see ``decode``, which also gives the changes."""
    return only_workout(decode(data, source, options=options))


def read(path: str | os.PathLike[str], *, options: ReadOptions | None = None) -> Workout:
    """Read a QZ program file (at most 16 MiB); see ``decode``."""
    return read_bytes(read_bounded(path), str(path), options=options)


@functools.lru_cache(maxsize=1024)  # bounded: the keys come from the file
def _speed_of_row(kmh: Fraction, *, mph: bool) -> tuple[Speed, str | None] | None:
    """A row's speed, and the limit it hit when it is not exactly that (None outside the model's range).

    With ``ri_unit="mph"`` the speed is mph; otherwise km/h, or mph when the value is exactly an mph speed and not a
    km/h one (QZ programs hold km/h only, so that is a guess).
    """
    try:
        if mph:
            speed = Speed.of(kmh / SpeedUnit.MPH.in_kmh, SpeedUnit.MPH, Rounding.NEAREST)
            return speed, None if speed.exact_kmh == kmh else "belt speeds are multiples of 0.1 mph"
        rounded = Speed.kmh(kmh, Rounding.NEAREST)
        if rounded.exact_kmh == kmh:
            return rounded, None
        in_mph = Speed.of(kmh / SpeedUnit.MPH.in_kmh, SpeedUnit.MPH, Rounding.NEAREST)
    except ValidationError:
        return None
    if in_mph.exact_kmh == kmh:
        return in_mph, "QZ programs hold km/h only, so the unit is lost"
    return rounded, "belt speeds are multiples of 0.1 km/h"


class _Reader(ElementReader):
    def __init__(self, source: str, options: ReadOptions) -> None:
        super().__init__(source, options)
        self.incline = Incline.flat()
        self.rows = 0

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
            tag = local_name(str(element.tag))
            fields = attributes(element)
            if tag == "repeat":
                items.extend(self.repeat(element, fields, inside_repeat=inside_repeat))
            elif tag == "textevent":
                continue  # shown by QZ 2.20.22 and later; a row's own text events are read with the row
            elif fields:  # QZ reads every other element with attributes as a row
                self.rows += 1
                if self.rows > MAX_WORKOUT_SEGMENTS:  # each row walks at least one segment
                    raise FormatError(
                        f"the program has more than {MAX_WORKOUT_SEGMENTS} rows (MAX_WORKOUT_SEGMENTS; see limits.md)",
                        self.where(element),
                    )
                items.append(self.known_row(element, fields))
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

    def known_row(self, element: etree._Element, fields: dict[str, str]) -> Step:
        """A row that reads as an earlier one (a repeat, unrolled) gives the same step: read it once."""
        events = tuple(tuple(attributes(event).items()) for event in children(element))
        key = (tuple(fields.items()), events, self.incline)
        step = self.once(key, lambda: self.row(element, fields))
        self.incline = step.incline
        return step

    def row(self, element: etree._Element, fields: dict[str, str]) -> Step:
        where = self.where(element)
        foreign = [
            str(attributes(event).get("message", ""))
            for event in children(element, "textevent", ignore_case=True)
            if "ri_note" not in fields
        ]
        kmh = self.speed_kmh(fields, where, foreign)
        lap = fields.get("lapbutton", "").strip() == "1"
        length = self.length(fields, where, until_lap=lap)
        if "inclination" in fields:
            self.incline = self.incline_from(fields["inclination"], "inclination", element)
        text = steptext.decode(
            fields.get("ri_label"),
            fields.get("ri_note"),
            kind=StepKind.ACTIVE,
            where=where,
            log=self.log,
            foreign=foreign,
            joiner=" / ",
        )
        speed = self.speed(kmh, fields, where)
        if text.until_lap and not lap:
            lap = True  # the note says so; QZ before its lap-button rows played the expected time
        if lap and isinstance(length, Distance):
            self.log.hit(where, "a step that ends on the lap button has an expected time", "read as a timed row")
            length = Duration(max(round(speed.time_for(length).exact), 1))
        with self.building(element):
            return step_from_text(text, length, speed, self.incline, until_lap=lap, log=self.log, where=where)

    def speed_kmh(self, fields: dict[str, str], where: Place, foreign: list[str]) -> Fraction:
        if "speed" in fields and number(fields["speed"], "speed", where) > 0:
            return number(fields["speed"], "speed", where)
        if "speedfrom" in fields and "speedto" in fields:
            ends = [number(fields[key], key, where) for key in ("speedfrom", "speedto")]
            if ends[0] != ends[1]:
                ramp = f"Ramp from {float(ends[0]):.1f} to {float(ends[1]):.1f} km/h"
                self.log.hit(where, "the model holds one speed per step, not a ramp", f"read as one step: {ramp}")
                foreign.insert(0, ramp)
            return sum(ends, Fraction(0)) / 2
        heart_rate = any(key in fields for key in _HEART_RATE_FIELDS)
        if not heart_rate and any(key in fields for key in _BIKE_FIELDS):
            raise FormatError(
                "this is a bike program: the row has power, resistance or cadence and no speed; only treadmill "
                "programs can become treadmill walks",
                where,
            )
        if self.options.speed is None:
            what = "a heart-rate target" if heart_rate else "no speed"
            raise FormatError(f"the row has {what}, and a treadmill step needs a belt speed", where, needs="speed")
        self.log.hit(where, "the row has no belt speed", f"used the given speed {self.options.speed}")
        return self.options.speed.exact_kmh

    def speed(self, kmh: Fraction, fields: dict[str, str], where: Place) -> Speed:
        mph = fields.get("ri_unit", "").strip().lower() == "mph"
        found = _speed_of_row(kmh, mph=mph)
        if found is None:
            with self.building_at(where):  # outside the model's range: let the model say so
                Speed.kmh(kmh, Rounding.NEAREST)
            raise AssertionError(kmh)  # pragma: no cover - the line above raises
        speed, limit = found
        if limit is not None:
            what = f"read {decimal(kmh, _SPEED_PLACES)} km/h as {speed}"
            self.log.hit(where, limit, f"{what}, the mph speed it is exactly (a guess)" if "unit" in limit else what)
        return speed

    def length(self, fields: dict[str, str], where: Place, *, until_lap: bool) -> Duration | Distance:
        # QZ: a row with a distance above 0 ends on distance (km), any other row on its duration.
        if "distance" in fields and not until_lap:
            kilometres = number(fields["distance"], "distance", where)
            if kilometres > 0:
                try:
                    metres = Distance.metres(kilometres * 1000, Rounding.NEAREST)
                except ValidationError as error:
                    raise FormatError(str(error), where) from None
                if metres.exact != kilometres * 1000:
                    shown = decimal(kilometres, 6)
                    self.log.hit(where, "step distances are whole metres", f"read {shown} km as {metres}")
                return metres
        text = fields.get("duration", "")
        if until_lap and not text.strip():
            self.log.hit(
                where,
                "a lap-button row without a duration has no expected time",
                f"used {_DEFAULT_LAP_SECONDS} s as its expected time",
            )
            return Duration(_DEFAULT_LAP_SECONDS)
        clock = _CLOCK.match(text)
        if clock is None:
            raise FormatError(f"duration must be HH:MM:SS, not {echo(text)}", where)
        hours, minutes, seconds = (int(part) for part in clock.groups())
        if minutes > 59 or seconds > 59:
            raise FormatError(f"duration must be HH:MM:SS, not {echo(text)}", where)
        total = hours * 3600 + minutes * 60 + seconds
        if total == 0:
            raise FormatError("the row lasts 00:00:00", where)
        return length_of(total, by_distance=False)
