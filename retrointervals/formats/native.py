"""The native retrointervals JSON format: lossless and versioned.

A document is an object with ``"format": "retrointervals/1"`` and exactly one of ``"workout"`` or ``"plan"``.
Field names carry their units (``duration_s``, ``distance_m``, ``speed_kmh`` or ``speed_mph``, ``incline_pct``),
and speeds keep the unit they were given in, so writing and reading a workout or plan gives it back unchanged.
See ``docs/concepts.md`` for the full field list. Optional fields (descriptions, incline, handrails, cues,
week labels, weekdays, plan level, forward speed and start date) may be left out when reading; unknown fields,
missing required fields, wrong types and unknown versions are refused with ``FormatError`` naming the place.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import TypeVar

from retrointervals._files import read_bounded, write_atomic
from retrointervals._json import JSONValue, load_json
from retrointervals.errors import FormatError, ValidationError
from retrointervals.formats import Change, Decoded, Encoded, Policy, ReadOptions
from retrointervals.limits import MAX_DOCUMENT_SEGMENTS, MAX_DOCUMENT_STEPS, check_date, echo
from retrointervals.model import Direction, Level, Plan, Repeat, Session, Step, StepKind, Week, Weekday, Workout
from retrointervals.treadmill import Treadmill
from retrointervals.units import Distance, Duration, Incline, Rounding, Speed, SpeedUnit, snap, to_fraction

__all__ = [
    "EXTENSION",
    "FORMAT_ID",
    "decode",
    "from_json",
    "read",
    "read_bytes",
    "to_json",
    "write",
    "write_plan",
    "write_workout",
]

FORMAT_ID = "retrointervals/1"
EXTENSION = ".json"

#: JSON nesting of a valid document is bounded by the model's repeat depth; this is far beyond it.
_MAX_JSON_DEPTH = 64
#: Most JSON values (objects, arrays, numbers, strings...) a document may hold: a step is at most 9 values, so this
#: is far above any document within the step budget, and far below what would exhaust memory while parsing.
MAX_JSON_VALUES = 12 * MAX_DOCUMENT_STEPS + 100_000

Document = Workout | Plan
E = TypeVar("E", Direction, StepKind, Level, SpeedUnit)


# --- writing -----------------------------------------------------------------------------------


def to_json(document: Document) -> str:
    """The document as retrointervals JSON text (UTF-8 friendly, indented, ending in a newline)."""
    if isinstance(document, Workout):
        body: dict[str, JSONValue] = {"format": FORMAT_ID, "workout": _encode_workout(document)}
    elif isinstance(document, Plan):
        body = {"format": FORMAT_ID, "plan": _encode_plan(document)}
    else:
        raise TypeError(f"expected a Workout or a Plan, got {type(document).__name__}")
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def write(
    document: Document, path: str | os.PathLike[str], *, policy: Policy = Policy.STRICT, overwrite: bool = False
) -> tuple[Change, ...]:
    """Write the document to ``path`` atomically; refuse to replace a file unless ``overwrite``.

    The format is lossless, so ``policy`` never matters and nothing is ever changed.
    """
    del policy  # lossless: nothing to decide
    write_atomic(path, to_json(document).encode("utf-8"), overwrite=overwrite)
    return ()


def write_workout(workout: Workout, *, policy: Policy = Policy.STRICT) -> Encoded:
    """The workout as the bytes of a JSON file (lossless, so ``policy`` never matters)."""
    del policy
    return Encoded(to_json(workout).encode("utf-8"))


def write_plan(plan: Plan, *, policy: Policy = Policy.STRICT) -> Encoded:
    """The plan as the bytes of a JSON file (lossless, so ``policy`` never matters)."""
    del policy
    return Encoded(to_json(plan).encode("utf-8"))


def _encode_speed(speed: Speed, prefix: str) -> dict[str, JSONValue]:
    suffix = "kmh" if speed.unit is SpeedUnit.KMH else "mph"
    return {f"{prefix}_{suffix}": speed.value}


def _encode_item(item: Step | Repeat) -> dict[str, JSONValue]:
    if isinstance(item, Repeat):
        return {"repeat": item.count, "steps": [_encode_item(child) for child in item.steps]}
    length: dict[str, JSONValue] = (
        {"duration_s": int(item.length.exact)}
        if isinstance(item.length, Duration)
        else {"distance_m": int(item.length.exact)}
    )
    return {
        "direction": item.direction.value,
        "kind": item.kind.value,
        **length,
        **_encode_speed(item.speed, "speed"),
        "incline_pct": item.incline.in_percent,
        "hold_handrails": item.hold_handrails,
        "cue": item.cue,
        **({"until_lap": True} if item.until_lap else {}),
        **({"belt_stopped": True} if item.belt_stopped else {}),
    }


def _encode_workout(workout: Workout) -> dict[str, JSONValue]:
    return {
        "name": workout.name,
        "description": workout.description,
        "steps": [_encode_item(item) for item in workout.steps],
    }


def _encode_treadmill(treadmill: Treadmill) -> dict[str, JSONValue]:
    return {
        "name": treadmill.name,
        "unit": treadmill.unit.value,
        "min_speed": treadmill.min_speed.value,
        "max_speed": treadmill.max_speed.value,
        "speed_increment": treadmill.speed_increment_tenths / 10,
        "min_incline_pct": treadmill.min_incline.in_percent,
        "max_incline_pct": treadmill.max_incline.in_percent,
        "incline_increment_pct": treadmill.incline_increment_tenths / 10,
        "handrails": treadmill.handrails,
    }


def _encode_plan(plan: Plan) -> dict[str, JSONValue]:
    body: dict[str, JSONValue] = {
        "name": plan.name,
        "description": plan.description,
        "level": plan.level.value if plan.level else None,
    }
    if plan.forward_speed is not None:
        body.update(_encode_speed(plan.forward_speed, "forward_speed"))
    body["start"] = plan.start.isoformat() if plan.start else None
    if plan.treadmill is not None:
        body["treadmill"] = _encode_treadmill(plan.treadmill)
    body["weeks"] = [
        {
            "label": week.label,
            "deload": week.deload,
            "sessions": [
                {
                    "weekday": session.weekday.short if session.weekday is not None else None,
                    "workout": _encode_workout(session.workout),
                }
                for session in week.sessions
            ],
        }
        for week in plan.weeks
    ]
    return body


# --- reading -----------------------------------------------------------------------------------


def from_json(text: str | bytes, source: str = "") -> Document:
    """Read a workout or plan from retrointervals JSON text.

    Args:
        text: The document.
        source: Where it came from (a file name), used in error messages.

    Raises:
        FormatError: The text is not valid JSON, not a retrointervals/1 document, or describes an invalid
            workout or plan; the message names the place (``$.workout.steps[2].speed_kmh``) and the problem.
    """
    data = load_json(text, source, MAX_JSON_VALUES, f"of any document within the limit of {MAX_DOCUMENT_STEPS} steps")
    return _Decoder(source).document(data)


def read(path: str | os.PathLike[str]) -> Document:
    """Read a workout or plan from a retrointervals JSON file (at most 16 MiB)."""
    return from_json(read_bounded(path), source=str(path))


def read_bytes(data: bytes, source: str = "") -> Document:
    """Read a workout or plan from the bytes of a retrointervals JSON file."""
    return from_json(data, source)


def decode(data: bytes, source: str = "", *, options: ReadOptions | None = None) -> Decoded:
    """The format door every module has: the document, and no changes (native JSON is lossless)."""
    del options  # nothing to decide: the file says everything
    return Decoded(from_json(data, source))


class _Missing(enum.Enum):
    """No default: the field is required."""

    MISSING = 0


_MISSING = _Missing.MISSING
_T = TypeVar("_T")


class _Object:
    """A JSON object being read: typed field access, with every unread field reported as unknown."""

    def __init__(self, data: JSONValue, path: str, where: str) -> None:
        if not isinstance(data, dict):
            raise FormatError(f"expected an object, got {_json_type(data)}", f"{where}{path}")
        self.data = data
        self.path = path
        self.where = where
        self.seen: set[str] = set()

    def error(self, key: str | None, problem: str) -> FormatError:
        return FormatError(problem, f"{self.where}{self.path}{'.' + key if key else ''}")

    def get(self, key: str) -> JSONValue:
        """The value of a required field."""
        self.seen.add(key)
        if key not in self.data:
            raise self.error(None, f"missing field {key!r}")
        return self.data[key]

    def present(self, key: str) -> bool:
        """Whether an optional field is given (a null counts as not given); marks it as read."""
        self.seen.add(key)
        return self.data.get(key) is not None

    def typed(self, key: str, kinds: tuple[type[_T], ...], name: str, default: _T | _Missing = _MISSING) -> _T:
        if not isinstance(default, _Missing) and key not in self.data:
            self.seen.add(key)
            return default
        value = self.get(key)
        if isinstance(value, bool) is not (bool in kinds) or not isinstance(value, kinds):
            raise self.error(key, f"expected {name}, got {_json_type(value)}")
        if isinstance(value, float) and value in (float("inf"), float("-inf")):
            raise self.error(key, "the number is too large")
        return value

    def string(self, key: str, default: str | _Missing = _MISSING) -> str:
        return self.typed(key, (str,), "a string", default)

    def optional_string(self, key: str) -> str | None:
        return self.string(key) if self.present(key) else None

    def number(self, key: str) -> float:
        return self.typed(key, (int, float), "a number")

    def boolean(self, key: str, default: bool) -> bool:
        return self.typed(key, (bool,), "true or false", default)

    def array(self, key: str) -> list[JSONValue]:
        return self.typed(key, (list,), "an array")

    def choice(self, key: str, enum: type[E]) -> E:
        value = self.string(key)
        for member in enum:
            if member.value == value:
                return member
        allowed = ", ".join(repr(member.value) for member in enum)
        raise self.error(key, f"unknown value {echo(value)}; expected one of {allowed}")

    def one_of(self, *keys: str) -> str:
        present = [key for key in keys if key in self.data]
        if len(present) != 1:
            raise self.error(None, f"needs exactly one of {', '.join(keys)}, found {len(present)}")
        return present[0]

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise self.error(echo(unknown[0])[1:-1], f"unknown field {echo(unknown[0])}")

    def child(self, key: str) -> _Object:
        return _Object(self.get(key), f"{self.path}.{key}", self.where)

    def children(self, key: str) -> Iterator[tuple[str, JSONValue]]:
        for index, value in enumerate(self.array(key)):
            yield f"{self.path}.{key}[{index}]", value


class _Decoder:
    def __init__(self, source: str) -> None:
        self.where = f"{source}: " if source else ""
        self.depth = 0
        # Counted while structuring, so that a document beyond the budget is refused as soon as it passes it.
        self.steps = 0
        self.segments = 0

    @contextmanager
    def building(self, path: str) -> Iterator[None]:
        """Report a model ValidationError at the JSON path of the object being built."""
        try:
            yield
        except ValidationError as error:
            raise FormatError(str(error), f"{self.where}{path}") from error

    def document(self, data: JSONValue) -> Document:
        top = _Object(data, "$", self.where)
        found = top.get("format") if top.present("format") else None
        if found != FORMAT_ID:
            if found is None:
                raise top.error(None, f'not a retrointervals document (no "format": "{FORMAT_ID}")')
            raise top.error("format", f"unsupported format {echo(found)}; this version reads {FORMAT_ID!r}")
        key = top.one_of("workout", "plan")
        reader: Callable[[_Object], Document] = self.workout if key == "workout" else self.plan
        result = reader(top.child(key))
        top.finish()
        return result

    def speed(self, fields: _Object, prefix: str) -> Speed:
        key = fields.one_of(f"{prefix}_kmh", f"{prefix}_mph")
        unit = SpeedUnit.KMH if key.endswith("kmh") else SpeedUnit.MPH
        value = fields.number(key)
        with self.building(f"{fields.path}.{key}"):
            return Speed.of(value, unit)

    def item(self, data: JSONValue, path: str) -> Step | Repeat:
        self.depth += 1
        if self.depth > _MAX_JSON_DEPTH:
            raise FormatError("repeats nested too deeply", f"{self.where}{path}")
        self.steps += 1
        if self.steps > MAX_DOCUMENT_STEPS:
            raise FormatError(f"the document holds more than {MAX_DOCUMENT_STEPS} steps (the limit)", self.where + path)
        fields = _Object(data, path, self.where)
        if "repeat" in fields.data:
            count = fields.typed("repeat", (int,), "a whole number")
            steps = [self.item(value, child) for child, value in fields.children("steps")]
            fields.finish()
            self.depth -= 1
            with self.building(path):
                return Repeat(count, steps)
        direction = fields.choice("direction", Direction)
        kind = fields.choice("kind", StepKind)
        length_key = fields.one_of("duration_s", "distance_m")
        length_value = fields.number(length_key)
        speed = self.speed(fields, "speed")
        incline = fields.typed("incline_pct", (int, float), "a number", 0)
        handrails = fields.boolean("hold_handrails", default=False)
        cue = fields.optional_string("cue")
        until_lap = fields.boolean("until_lap", default=False)
        belt_stopped = fields.boolean("belt_stopped", default=False)
        fields.finish()
        self.depth -= 1
        with self.building(path):
            length = Duration.seconds(length_value) if length_key == "duration_s" else Distance.metres(length_value)
            return Step(
                direction=direction,
                kind=kind,
                length=length,
                speed=speed,
                incline=Incline.percent(incline),
                hold_handrails=handrails,
                cue=cue,
                until_lap=until_lap,
                belt_stopped=belt_stopped,
            )

    def workout(self, fields: _Object) -> Workout:
        name = fields.string("name")
        description = fields.string("description", "")
        steps = [self.item(value, path) for path, value in fields.children("steps")]
        fields.finish()
        with self.building(fields.path):
            workout = Workout(name, steps, description)
        self.segments += workout.segment_count
        if self.segments > MAX_DOCUMENT_SEGMENTS:
            raise FormatError(
                f"the document expands to more than {MAX_DOCUMENT_SEGMENTS} walked segments (the limit)",
                self.where + fields.path,
            )
        return workout

    def plan(self, fields: _Object) -> Plan:
        name = fields.string("name")
        description = fields.string("description", "")
        level = fields.choice("level", Level) if fields.present("level") else None
        forward_speed = None
        if "forward_speed_kmh" in fields.data or "forward_speed_mph" in fields.data:
            forward_speed = self.speed(fields, "forward_speed")
        start = self.date(fields, "start")
        treadmill = self.treadmill(fields.child("treadmill")) if fields.present("treadmill") else None
        weeks = [self.week(_Object(value, path, self.where)) for path, value in fields.children("weeks")]
        fields.finish()
        with self.building(fields.path):
            return Plan(
                name=name,
                weeks=weeks,
                level=level,
                forward_speed=forward_speed,
                start=start,
                description=description,
                treadmill=treadmill,
            )

    def treadmill(self, fields: _Object) -> Treadmill:
        name = fields.string("name")
        unit = fields.choice("unit", SpeedUnit)
        numbers = {
            key: fields.number(key)
            for key in (
                "min_speed",
                "max_speed",
                "speed_increment",
                "min_incline_pct",
                "max_incline_pct",
                "incline_increment_pct",
            )
        }
        handrails = fields.boolean("handrails", default=True)
        fields.finish()
        with self.building(fields.path):
            return Treadmill(
                name=name,
                unit=unit,
                min_speed=Speed.of(numbers["min_speed"], unit),
                max_speed=Speed.of(numbers["max_speed"], unit),
                speed_increment_tenths=snap(
                    to_fraction(numbers["speed_increment"], "speed_increment") * 10,
                    Fraction(1),
                    Rounding.EXACT,
                    "Treadmill.speed_increment",
                    numbers["speed_increment"],
                ),
                min_incline=Incline.percent(numbers["min_incline_pct"]),
                max_incline=Incline.percent(numbers["max_incline_pct"]),
                incline_increment_tenths=Incline.percent(numbers["incline_increment_pct"]).tenths,
                handrails=handrails,
            )

    def date(self, fields: _Object, key: str) -> dt.date | None:
        text = fields.optional_string(key)
        if text is None:
            return None
        with self.building(f"{fields.path}.{key}"):
            return check_date("Plan.start", text)

    def week(self, fields: _Object) -> Week:
        label = fields.string("label", "")
        deload = fields.boolean("deload", default=False)
        sessions = [self.session(_Object(value, path, self.where)) for path, value in fields.children("sessions")]
        fields.finish()
        with self.building(fields.path):
            return Week(sessions, label=label, deload=deload)

    def session(self, fields: _Object) -> Session:
        day_text = fields.optional_string("weekday")
        with self.building(f"{fields.path}.weekday"):
            weekday = None if day_text is None else Weekday.parse(day_text)
        workout = self.workout(fields.child("workout"))
        fields.finish()
        return Session(workout, weekday)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
