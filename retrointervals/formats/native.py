"""The native retrointervals JSON format: lossless and versioned.

A document is an object with ``"format": "retrointervals/1"`` and exactly one of ``"workout"`` or ``"plan"``.
Field names carry their units (``duration_s``, ``distance_m``, ``speed_kmh`` or ``speed_mph``, ``incline_pct``),
and speeds keep the unit they were given in, so writing and reading a workout or plan gives it back unchanged.
See ``docs/concepts.md`` for the full field list. Optional fields (descriptions, incline, handrails, cues,
week labels, weekdays, plan level, forward speed and start date) may be left out when reading; unknown fields,
missing required fields, wrong types and unknown versions are refused with ``FormatError`` naming the place.

Reading and writing go through cattrs, on the converter of ``retrointervals._structure``: the ``_...Doc`` classes
below spell the document, and hooks turn them into the model (counting the document budget first) and back.
"""

from __future__ import annotations

import contextvars
import enum
import functools
import json
import math
import os
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_unstructure_fn
from cattrs.v import transform_error

from retrointervals._files import read_bounded, write_atomic
from retrointervals._json import json_path, load_json
from retrointervals._structure import make_converter
from retrointervals.errors import FormatError, ValidationError
from retrointervals.formats import Change, Decoded, Encoded, Policy, ReadOptions
from retrointervals.limits import MAX_DOCUMENT_SEGMENTS, MAX_DOCUMENT_STEPS, check_date, echo
from retrointervals.model import Direction, Level, Plan, Repeat, Session, Step, StepKind, Week, Weekday, Workout
from retrointervals.treadmill import Treadmill
from retrointervals.units import Distance, Duration, Incline, Rounding, Speed, SpeedUnit, snap, to_fraction

if TYPE_CHECKING:
    import cattrs

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
Item = Step | Repeat
_T = TypeVar("_T")


# --- the document as JSON sees it --------------------------------------------------------------------
#
# The model's classes hold units and checked values; a document spells them as fields that name their units. These
# classes are that spelling, one to one. cattrs structures JSON into them (strict types, unknown fields refused,
# the JSON path of every problem) and unstructures them back; the hooks below turn them into the model and back.
# A field left out when reading takes its default; when writing, only the fields marked ``_OMITTED`` are left out
# at their default (so that files keep the exact shape the hand-made codec of earlier versions wrote).


@attrs.frozen(kw_only=True)
class _StepDoc:
    direction: Direction
    kind: StepKind
    duration_s: float | None = None
    distance_m: float | None = None
    speed_kmh: float | None = None
    speed_mph: float | None = None
    incline_pct: float = 0
    hold_handrails: bool = False
    cue: str | None = None
    until_lap: bool = False
    belt_stopped: bool = False


@attrs.frozen(kw_only=True)
class _RepeatDoc:
    repeat: int
    steps: list[Item]


@attrs.frozen(kw_only=True)
class _WorkoutDoc:
    name: str
    description: str = ""
    steps: list[Item]


@attrs.frozen(kw_only=True)
class _TreadmillDoc:
    name: str
    unit: SpeedUnit
    min_speed: float
    max_speed: float
    speed_increment: float
    min_incline_pct: float
    max_incline_pct: float
    incline_increment_pct: float
    handrails: bool = True


@attrs.frozen(kw_only=True)
class _SessionDoc:
    weekday: str | None = None
    workout: Workout


@attrs.frozen(kw_only=True)
class _WeekDoc:
    label: str = ""
    deload: bool = False
    sessions: list[Session]


@attrs.frozen(kw_only=True)
class _PlanDoc:
    name: str
    description: str = ""
    level: Level | None = None
    forward_speed_kmh: float | None = None
    forward_speed_mph: float | None = None
    start: str | None = None
    treadmill: Treadmill | None = None
    weeks: list[Week]


# The fields left out when writing if they hold their default (the others are always written, as before).
_OMITTED: dict[type, frozenset[str]] = {
    _StepDoc: frozenset({"duration_s", "distance_m", "speed_kmh", "speed_mph", "until_lap", "belt_stopped"}),
    _PlanDoc: frozenset({"forward_speed_kmh", "forward_speed_mph", "treadmill"}),
}


# --- writing -----------------------------------------------------------------------------------


def to_json(document: Document) -> str:
    """The document as retrointervals JSON text (UTF-8 friendly, indented, ending in a newline)."""
    if isinstance(document, Workout):
        key = "workout"
    elif isinstance(document, Plan):
        key = "plan"
    else:
        raise TypeError(f"expected a Workout or a Plan, got {type(document).__name__}")
    body = {"format": FORMAT_ID, key: _converter().unstructure(document, type(document))}
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


def _item_doc(item: Item) -> _StepDoc | _RepeatDoc:
    if isinstance(item, Repeat):
        return _RepeatDoc(repeat=item.count, steps=list(item.steps))
    length = int(item.length.exact)
    kmh = item.speed.unit is SpeedUnit.KMH
    return _StepDoc(
        direction=item.direction,
        kind=item.kind,
        duration_s=length if isinstance(item.length, Duration) else None,
        distance_m=None if isinstance(item.length, Duration) else length,
        speed_kmh=item.speed.value if kmh else None,
        speed_mph=None if kmh else item.speed.value,
        incline_pct=item.incline.in_percent,
        hold_handrails=item.hold_handrails,
        cue=item.cue,
        until_lap=item.until_lap,
        belt_stopped=item.belt_stopped,
    )


def _workout_doc(workout: Workout) -> _WorkoutDoc:
    return _WorkoutDoc(name=workout.name, description=workout.description, steps=list(workout.steps))


def _treadmill_doc(treadmill: Treadmill) -> _TreadmillDoc:
    return _TreadmillDoc(
        name=treadmill.name,
        unit=treadmill.unit,
        min_speed=treadmill.min_speed.value,
        max_speed=treadmill.max_speed.value,
        speed_increment=treadmill.speed_increment_tenths / 10,
        min_incline_pct=treadmill.min_incline.in_percent,
        max_incline_pct=treadmill.max_incline.in_percent,
        incline_increment_pct=treadmill.incline_increment_tenths / 10,
        handrails=treadmill.handrails,
    )


def _session_doc(session: Session) -> _SessionDoc:
    return _SessionDoc(weekday=session.weekday.short if session.weekday is not None else None, workout=session.workout)


def _week_doc(week: Week) -> _WeekDoc:
    return _WeekDoc(label=week.label, deload=week.deload, sessions=list(week.sessions))


def _plan_doc(plan: Plan) -> _PlanDoc:
    speed = plan.forward_speed
    kmh = speed is not None and speed.unit is SpeedUnit.KMH
    return _PlanDoc(
        name=plan.name,
        weeks=list(plan.weeks),
        description=plan.description,
        level=plan.level,
        forward_speed_kmh=speed.value if speed is not None and kmh else None,
        forward_speed_mph=speed.value if speed is not None and not kmh else None,
        start=plan.start.isoformat() if plan.start else None,
        treadmill=plan.treadmill,
    )


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
    where = f"{source}: " if source else ""
    if not isinstance(data, dict):
        raise FormatError(f"expected an object, got {_json_type(data)}", f"{where}$")
    found = data.get("format")
    if found != FORMAT_ID:
        if found is None:
            raise FormatError(f'not a retrointervals document (no "format": "{FORMAT_ID}")', f"{where}$")
        raise FormatError(f"unsupported format {echo(found)}; this version reads {FORMAT_ID!r}", f"{where}$.format")
    present = [key for key in ("workout", "plan") if key in data]
    if len(present) != 1:
        raise FormatError(f"needs exactly one of workout, plan, found {len(present)}", f"{where}$")
    unknown = sorted(set(data) - {"format", *present})
    if unknown:
        raise FormatError(f"unknown field {echo(unknown[0])}", where + json_path("$", unknown[0]))
    kind: type[Document] = Workout if present[0] == "workout" else Plan
    token = _BUDGET.set(_Budget())
    try:
        return _converter().structure(data[present[0]], kind)
    except BaseValidationError as error:
        raise _format_error(error, where, f"$.{present[0]}") from None
    except (_JSONValueError, ValidationError) as error:  # the top object itself
        raise FormatError(str(error), f"{where}$.{present[0]}") from None
    finally:
        _BUDGET.reset(token)


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


class _JSONValueError(ValueError):
    """A problem with one JSON value, said in the words of this format (the place is added from cattrs' path)."""


@attrs.define
class _Budget:
    """What the document being read has used so far: counted while structuring, before anything is built."""

    depth: int = 0
    steps: int = 0
    segments: int = 0


_BUDGET: contextvars.ContextVar[_Budget] = contextvars.ContextVar("native_json_budget")


def _format_error(error: BaseValidationError, where: str, path: str) -> FormatError:
    """The first problem cattrs found, as one FormatError at its JSON path."""
    seen: list[BaseException] = []

    def describe(problem: BaseException, _kind: object) -> str:
        seen.append(problem)
        if isinstance(problem, ForbiddenExtraKeysError):
            return f"unknown field {echo(min(problem.extra_fields))}"
        if isinstance(problem, KeyError):
            return f"missing field {echo(problem.args[0]) if problem.args else ''}"
        return str(problem)

    first = transform_error(error, path=path, format_exception=describe)[0]
    problem, _, place = first.rpartition(" @ ")
    if isinstance(seen[0], ForbiddenExtraKeysError):
        place = json_path(place, min(seen[0].extra_fields))
    elif isinstance(seen[0], KeyError):
        place = place.rpartition(".")[0]  # a missing field is the fault of the object that lacks it
    return FormatError(problem, where + place)


def _at(field: str, error: Exception, kind: type) -> ClassValidationError:
    """``error`` placed at ``field`` of the object being built (so that its JSON path names the field)."""
    _note(error, AttributeValidationNote(f"Building {kind.__name__} @ attribute {field}", field, kind))
    return ClassValidationError(f"While building {kind.__name__}", [error], kind)


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


# --- the hooks: JSON values in this format's words ----------------------------------------------------


def _number(value: object, _kind: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _JSONValueError(f"expected a number, got {_json_type(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _JSONValueError("the number is too large")
    return value


def _whole_number(value: object, _kind: object) -> int:
    if type(value) is not int:
        raise _JSONValueError(f"expected a whole number, got {_json_type(value)}")
    return value


def _boolean(value: object, _kind: object) -> bool:
    if not isinstance(value, bool):
        raise _JSONValueError(f"expected true or false, got {_json_type(value)}")
    return value


def _string(value: object, _kind: object) -> str:
    if not isinstance(value, str):
        raise _JSONValueError(f"expected a string, got {_json_type(value)}")
    return value


def _choice(kind: type[enum.Enum]) -> Any:  # noqa: ANN401 - a cattrs hook
    allowed = ", ".join(repr(member.value) for member in kind)
    members = {member.value: member for member in kind}

    def hook(value: object, _kind: object) -> enum.Enum:
        if not isinstance(value, str):
            raise _JSONValueError(f"expected a string, got {_json_type(value)}")
        member = members.get(value)
        if member is None:
            raise _JSONValueError(f"unknown value {echo(value)}; expected one of {allowed}")
        return member

    return hook


def _object(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise _JSONValueError(f"expected an object, got {_json_type(value)}")
    return value


def _one_of(given: dict[str, object], doc: object, *keys: str) -> str:
    """The one of ``keys`` the object ``given`` holds (a null counts as given, and is refused as not a number)."""
    present = [key for key in keys if key in given]
    if len(present) != 1:
        raise _JSONValueError(f"needs exactly one of {', '.join(keys)}, found {len(present)}")
    if getattr(doc, present[0]) is None:
        raise _at(present[0], _JSONValueError("expected a number, got null"), type(doc))
    return present[0]


def _speed(given: dict[str, object], doc: object, prefix: str) -> Speed:
    key = _one_of(given, doc, f"{prefix}_kmh", f"{prefix}_mph")
    try:
        return Speed.of(getattr(doc, key), SpeedUnit.KMH if key.endswith("kmh") else SpeedUnit.MPH)
    except ValidationError as error:
        raise _at(key, error, type(doc)) from None


def _array(value: object, element: Callable[[object], _T]) -> list[_T]:
    """A JSON array, each value read by ``element``; refuses anything but an array.

    Stops at the first bad value: cattrs' own list hook would go on to the end, reading a document past the budget
    whole.
    """
    if not isinstance(value, list):
        raise _JSONValueError(f"expected an array, got {_json_type(value)}")
    result: list[_T] = []
    try:
        result.extend(element(child) for child in value)
    except (ValueError, BaseValidationError) as error:
        index = len(result)  # the value that failed
        _note(error, IterableValidationNote(f"Structuring item @ index {index}", index, object))
        raise IterableValidationError("While structuring an array", [error], list) from None
    return result


def _note(error: Exception, note: str) -> None:
    """Give ``error`` the one cattrs note that places it (``BaseException.__notes__`` is new in Python 3.11)."""
    setattr(error, "__notes__", [note])  # noqa: B010 - typeshed for Python 3.10 has no __notes__


class _Hooks:
    """The structuring hooks that build the model from the document classes, counting the budget first."""

    def __init__(self, converter: cattrs.Converter) -> None:
        self.converter = converter
        self.structure_step: Any = None  # set once every hook is registered (cattrs builds these eagerly)
        self.structure_repeat: Any = None

    def items(self, value: object, _kind: object) -> list[Item]:
        """A list of steps or repeats."""
        return _array(value, self.item)

    def weeks(self, value: object, _kind: object) -> list[Week]:
        """A list of weeks."""
        return _array(value, lambda week: self.week(week, Week))

    def sessions(self, value: object, _kind: object) -> list[Session]:
        """A list of sessions."""
        return _array(value, lambda session: self.session(session, Session))

    def item(self, value: object) -> Item:
        budget = _BUDGET.get()
        budget.depth += 1
        if budget.depth > _MAX_JSON_DEPTH:
            raise _JSONValueError("repeats nested too deeply")
        budget.steps += 1
        if budget.steps > MAX_DOCUMENT_STEPS:
            raise _JSONValueError(f"the document holds more than {MAX_DOCUMENT_STEPS} steps (the limit)")
        given = _object(value)
        if "repeat" in given:
            repeat = self.structure_repeat(given, _RepeatDoc)
            budget.depth -= 1
            return Repeat(repeat.repeat, repeat.steps)
        doc = self.structure_step(given, _StepDoc)
        budget.depth -= 1
        length_key = _one_of(given, doc, "duration_s", "distance_m")
        speed = _speed(given, doc, "speed")
        try:
            length = Duration.seconds(doc.duration_s) if length_key == "duration_s" else Distance.metres(doc.distance_m)
        except ValidationError as error:
            raise _at(length_key, error, _StepDoc) from None
        return Step(
            direction=doc.direction,
            kind=doc.kind,
            length=length,
            speed=speed,
            incline=Incline.percent(doc.incline_pct),
            hold_handrails=doc.hold_handrails,
            cue=doc.cue,
            until_lap=doc.until_lap,
            belt_stopped=doc.belt_stopped,
        )

    def workout(self, value: object, _kind: object) -> Workout:
        doc = self.converter.structure(_object(value), _WorkoutDoc)
        workout = Workout(doc.name, doc.steps, doc.description)
        budget = _BUDGET.get()
        budget.segments += workout.segment_count
        if budget.segments > MAX_DOCUMENT_SEGMENTS:
            raise _JSONValueError(
                f"the document expands to more than {MAX_DOCUMENT_SEGMENTS} walked segments (the limit)"
            )
        return workout

    def treadmill(self, value: object, _kind: object) -> Treadmill:
        doc = self.converter.structure(_object(value), _TreadmillDoc)
        return Treadmill(
            name=doc.name,
            unit=doc.unit,
            min_speed=Speed.of(doc.min_speed, doc.unit),
            max_speed=Speed.of(doc.max_speed, doc.unit),
            speed_increment_tenths=snap(
                to_fraction(doc.speed_increment, "speed_increment") * 10,
                Fraction(1),
                Rounding.EXACT,
                "Treadmill.speed_increment",
                doc.speed_increment,
            ),
            min_incline=Incline.percent(doc.min_incline_pct),
            max_incline=Incline.percent(doc.max_incline_pct),
            incline_increment_tenths=Incline.percent(doc.incline_increment_pct).tenths,
            handrails=doc.handrails,
        )

    def session(self, value: object, _kind: object) -> Session:
        doc = self.converter.structure(_object(value), _SessionDoc)
        try:
            weekday = None if doc.weekday is None else Weekday.parse(doc.weekday)
        except ValidationError as error:
            raise _at("weekday", error, _SessionDoc) from None
        return Session(doc.workout, weekday)

    def week(self, value: object, _kind: object) -> Week:
        doc = self.converter.structure(_object(value), _WeekDoc)
        return Week(doc.sessions, label=doc.label, deload=doc.deload)

    def plan(self, value: object, _kind: object) -> Plan:
        given = _object(value)
        doc = self.converter.structure(given, _PlanDoc)
        forward_speed = None
        if "forward_speed_kmh" in given or "forward_speed_mph" in given:
            forward_speed = _speed(given, doc, "forward_speed")
        try:
            start = None if doc.start is None else check_date("Plan.start", doc.start)
        except ValidationError as error:
            raise _at("start", error, _PlanDoc) from None
        return Plan(
            name=doc.name,
            weeks=doc.weeks,
            level=doc.level,
            forward_speed=forward_speed,
            start=start,
            description=doc.description,
            treadmill=doc.treadmill,
        )


def _omitting(write: Any, defaults: dict[str, object]) -> Any:  # noqa: ANN401 - a cattrs hook
    """``write`` leaving out the fields that hold their default (``None`` or ``False``), keeping the others' order.

    (cattrs' ``omit_if_default`` would move such fields to the end of the object, changing the written text.)
    """

    def hook(value: object) -> dict[str, object]:
        body: dict[str, object] = write(value)
        for name, default in defaults.items():
            if body[name] is default:
                del body[name]
        return body

    return hook


def _through(to_doc: Callable[[Any], object], unstructure: Callable[[object], object]) -> Callable[[Any], object]:
    """An unstructure hook for a model class: through its document class."""
    return lambda value: unstructure(to_doc(value))


def _is(model: type) -> Any:  # noqa: ANN401 - a cattrs predicate
    # A predicate rather than the class itself: cattrs would resolve the model's annotations, which name types
    # imported only for type checking.
    return lambda kind: kind is model


@functools.cache
def _converter() -> cattrs.Converter:
    """The shared converter (``retrointervals._structure``) with this format's hooks: made once, used per call."""
    converter = make_converter()
    converter.register_structure_hook(float, _number)
    converter.register_structure_hook(int, _whole_number)
    converter.register_structure_hook(bool, _boolean)
    converter.register_structure_hook(str, _string)
    converter.register_structure_hook_factory(
        lambda kind: isinstance(kind, type) and issubclass(kind, enum.Enum), _choice
    )
    hooks = _Hooks(converter)
    converter.register_structure_hook_func(lambda kind: kind == list[Item], hooks.items)
    converter.register_structure_hook_func(lambda kind: kind == list[Week], hooks.weeks)
    converter.register_structure_hook_func(lambda kind: kind == list[Session], hooks.sessions)
    converter.register_structure_hook_func(_is(Workout), hooks.workout)
    converter.register_structure_hook_func(_is(Treadmill), hooks.treadmill)
    converter.register_structure_hook_func(_is(Session), hooks.session)
    converter.register_structure_hook_func(_is(Week), hooks.week)
    converter.register_structure_hook_func(_is(Plan), hooks.plan)
    hooks.structure_step = converter.get_structure_hook(_StepDoc)
    hooks.structure_repeat = converter.get_structure_hook(_RepeatDoc)
    unstructure_doc = converter.unstructure
    converter.register_unstructure_hook_func(lambda kind: kind == Item, lambda item: unstructure_doc(_item_doc(item)))
    documents: tuple[tuple[type, Any], ...] = (
        (Step, _item_doc),
        (Repeat, _item_doc),
        (Workout, _workout_doc),
        (Treadmill, _treadmill_doc),
        (Session, _session_doc),
        (Week, _week_doc),
        (Plan, _plan_doc),
    )
    for model, to_doc in documents:
        converter.register_unstructure_hook_func(_is(model), _through(to_doc, unstructure_doc))
    for doc in (_StepDoc, _RepeatDoc, _WorkoutDoc, _TreadmillDoc, _SessionDoc, _WeekDoc, _PlanDoc):
        write = make_dict_unstructure_fn(doc, converter)
        if doc in _OMITTED:
            write = _omitting(
                write, {field.name: field.default for field in attrs.fields(doc) if field.name in _OMITTED[doc]}
            )
        converter.register_unstructure_hook(doc, write)
    return converter
