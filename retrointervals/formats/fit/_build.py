"""Reading, the model layer: decoded messages to a ``Workout``, every change reported to the read's ``ChangeLog``."""

from __future__ import annotations

from fractions import Fraction

from retrointervals.errors import FormatError, Place, ValidationError
from retrointervals.formats import (
    ChangeLog,
    ReadOptions,
    steptext,
)
from retrointervals.formats._fit_profile import (
    FileIdField,
    FileType,
    Intensity,
    Manufacturer,
    Sport,
    WktStepDuration,
    WktStepTarget,
    WorkoutField,
    WorkoutStepField,
)
from retrointervals.formats._shared import clean_text, repeat_count, step_from_text, whole_length
from retrointervals.formats.fit._decode import Message, Messages
from retrointervals.formats.fit._shared import DEFAULT_LENGTH, DISTANCE, LAP, PRODUCT_ID, SPEED, TIME, own_speed
from retrointervals.limits import MAX_DOCUMENT_STEPS, MAX_WORKOUT_SEGMENTS
from retrointervals.model import (
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    MAX_STEP_METRES,
    MAX_STEP_SECONDS,
    Repeat,
    Step,
    StepKind,
    Workout,
)
from retrointervals.units import Distance, Duration, Incline, Speed, SpeedUnit

# --- reading: building the workout ----------------------------------------------------------------

_REPEATS = frozenset(
    {
        WktStepDuration.REPEAT_UNTIL_STEPS_CMPLT,
        WktStepDuration.REPEAT_UNTIL_TIME,
        WktStepDuration.REPEAT_UNTIL_DISTANCE,
        WktStepDuration.REPEAT_UNTIL_CALORIES,
        WktStepDuration.REPEAT_UNTIL_HR_LESS_THAN,
        WktStepDuration.REPEAT_UNTIL_HR_GREATER_THAN,
        WktStepDuration.REPEAT_UNTIL_POWER_LESS_THAN,
        WktStepDuration.REPEAT_UNTIL_POWER_GREATER_THAN,
        WktStepDuration.REPEAT_UNTIL_POWER_LAST_LAP_LESS_THAN,
        WktStepDuration.REPEAT_UNTIL_MAX_POWER_LAST_LAP_LESS_THAN,
        WktStepDuration.REPEAT_UNTIL_TRAINING_PEAKS_TSS,
    }
)
_KINDS: dict[int, StepKind] = {
    Intensity.ACTIVE.value: StepKind.ACTIVE,
    Intensity.REST.value: StepKind.RECOVERY,
    Intensity.WARMUP.value: StepKind.WARMUP,
    Intensity.COOLDOWN.value: StepKind.COOLDOWN,
    Intensity.RECOVERY.value: StepKind.RECOVERY,
    Intensity.INTERVAL.value: StepKind.ACTIVE,
    Intensity.OTHER.value: StepKind.ACTIVE,
}
_FOOT_SPORTS = frozenset(sport.value for sport in Sport)
#: Names of the FIT sports that are refused, for the message (FIT profile ``sport``).
_SPORT_NAMES = {2: "cycling", 3: "transition", 5: "swimming", 6: "basketball", 7: "soccer", 8: "tennis", 13: "rowing"}
_SPEED_TOLERANCE_MM_S = 1  # a foreign writer's rounding to whole mm/s, and a centre of x.5


def _int(fields: dict[int, object], number: int) -> int | None:
    value = fields.get(number)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(fields: dict[int, object], number: int) -> str | None:
    value = fields.get(number)
    return value if isinstance(value, str) and value else None


def _speed_in(mps: Fraction, unit: SpeedUnit) -> Speed | None:
    """The speed nearest ``mps`` on the grid of ``unit``, or None outside the model's range."""
    try:
        return Speed.from_mps(mps, unit)
    except ValidationError:
        return None


def _enum_name(enum_type: type[WktStepDuration] | type[WktStepTarget], value: int | None) -> str:
    if value is None:
        return "none"
    try:
        return enum_type(value).name.lower()
    except ValueError:
        return f"unknown ({value})"


_FLAT = Incline.flat()


class Builder:
    """Turns decoded messages into a Workout, reporting every change to the read's ``ChangeLog``."""

    def __init__(self, messages: Messages, source: str, options: ReadOptions) -> None:
        self.messages = messages
        self.source = source
        self.options = options
        self.log = ChangeLog(options.policy)
        file_id = messages.file_id.fields if messages.file_id else {}
        self.ours = (
            _int(file_id, FileIdField.MANUFACTURER) == Manufacturer.DEVELOPMENT
            and _int(file_id, FileIdField.PRODUCT) == PRODUCT_ID
        )

    def at(self, offset: int, path: str | None = None) -> Place:
        """The place of a message: its byte offset, and which message it is."""
        return Place(self.source, offset=offset, path=path)

    def workout(self) -> Workout:
        messages = self.messages
        if messages.file_id is None:
            raise FormatError("no file_id message: not a FIT workout file", self.at(0))
        file_type = _int(messages.file_id.fields, FileIdField.TYPE)
        if file_type != FileType.WORKOUT:
            shown = str(messages.file_id.shown.get(FileIdField.TYPE)) if file_type is not None else "untyped"
            if shown.isdigit():
                shown = f"type {shown}"
            raise FormatError(
                f"this is a FIT {shown} file, not a workout file (file_id.type is {file_type}, a workout is 5)",
                self.at(messages.file_id.offset),
            )
        if not messages.workouts:
            raise FormatError("no workout message in this workout file", self.source)
        if len(messages.workouts) > 1:
            raise FormatError("more than one workout message", self.at(messages.workouts[1].offset))
        if not messages.steps:
            raise FormatError("the workout has no steps (no workout_step message)", self.source)
        if len(messages.steps) > MAX_DOCUMENT_STEPS:  # decode_messages stops there already
            raise FormatError(
                f"the workout has more than {MAX_DOCUMENT_STEPS} steps (MAX_DOCUMENT_STEPS; see limits.md)",
                self.at(messages.steps[0].offset),
            )
        header = messages.workouts[0]
        where = self.at(header.offset, "workout")
        sport = _int(header.fields, WorkoutField.SPORT)
        if sport is not None and sport not in _FOOT_SPORTS:
            raise FormatError(
                f"this is a {_SPORT_NAMES.get(sport, f'sport {sport}')} workout, not a running or walking one; only "
                "those can become treadmill walks",
                where,
            )
        name = self.clean(_text(header.fields, WorkoutField.WKT_NAME) or "", MAX_NAME_LENGTH, "workout name", where)
        description = self.clean(
            _text(header.fields, WorkoutField.WKT_DESCRIPTION) or "",
            MAX_DESCRIPTION_LENGTH,
            "description",
            where,
            keep="\n\t",
        )
        items = self.items(self.ordered_steps())
        try:
            return Workout(name if name.strip() else "FIT workout", items, description)
        except ValidationError as error:
            raise FormatError(str(error), where) from None

    def ordered_steps(self) -> list[Message]:
        """The steps in message_index order (which repeat steps refer to)."""
        steps = self.messages.steps
        indexes = [_int(step.fields, WorkoutStepField.MESSAGE_INDEX) for step in steps]
        if all(index is None for index in indexes):
            return steps
        if sorted(index for index in indexes if index is not None) != list(range(len(steps))):
            raise FormatError(
                f"workout_step message_index values are not 0 to {len(steps) - 1}, each once",
                self.at(steps[0].offset),
            )
        by_index = dict(zip(indexes, steps, strict=True))
        return [by_index[index] for index in range(len(steps))]

    def items(self, steps: list[Message]) -> list[Step | Repeat]:
        """Rebuild the (nested) repeats: each repeat step closes the items that start at or after its target."""
        items: list[tuple[int, Step | Repeat]] = []  # (message_index of the item's first step, item)
        walked = 0
        for index, message in enumerate(steps):
            where = self.at(message.offset, f"workout_step {index}")
            duration_type = _int(message.fields, WorkoutStepField.DURATION_TYPE)
            if duration_type not in _REPEATS:
                walked += 1
                if walked > MAX_WORKOUT_SEGMENTS:  # each step walks at least once: refuse before building the rest
                    raise FormatError(
                        f"the workout expands to more than {MAX_WORKOUT_SEGMENTS} walked segments "
                        "(MAX_WORKOUT_SEGMENTS; see limits.md)",
                        where,
                    )
                items.append((index, self.step(message.fields, where)))
                continue
            first = _int(message.fields, WorkoutStepField.DURATION_VALUE)
            if first is None or first >= index:
                raise FormatError(f"the repeat step jumps to step {first}, which is not before it", where)
            body: list[tuple[int, Step | Repeat]] = []
            while items and items[-1][0] >= first:
                body.append(items.pop())
            body.reverse()
            if not body or body[0][0] != first:
                raise FormatError(
                    f"the repeat step jumps back to step {first}, inside another repeat or onto a repeat step", where
                )
            count = self.repeat_count(message.fields, duration_type, where)
            if count == 1:
                items.extend(body)  # one pass is the steps themselves
                continue
            try:
                items.append((first, Repeat(count, [item for _, item in body])))
            except ValidationError as error:
                raise FormatError(str(error), where) from None
        return [item for _, item in items]

    def repeat_count(self, fields: dict[int, object], duration_type: int | None, where: Place) -> int:
        count = _int(fields, WorkoutStepField.TARGET_VALUE)
        if duration_type != WktStepDuration.REPEAT_UNTIL_STEPS_CMPLT:
            self.log.hit(
                where,
                f"the model repeats a fixed number of times, not '{_enum_name(WktStepDuration, duration_type)}'",
                "read as one pass of the repeated steps",
            )
            return 1
        return repeat_count(self.log, count, where)

    def step(self, fields: dict[int, object], where: Place) -> Step:
        name = _text(fields, WorkoutStepField.WKT_STEP_NAME)
        notes = _text(fields, WorkoutStepField.NOTES)
        intensity = _int(fields, WorkoutStepField.INTENSITY)
        text = steptext.decode(
            name,
            notes,
            kind=_KINDS.get(intensity, StepKind.ACTIVE) if intensity is not None else StepKind.ACTIVE,
            where=where,
            log=self.log,
        )
        length, until_lap = self.length(fields, where, text)
        try:
            speed = self.speed(fields, where)
            incline = text.incline if text.incline is not None else _FLAT
            return step_from_text(text, length, speed, incline, until_lap=until_lap, log=self.log, where=where)
        except ValidationError as error:
            raise FormatError(str(error), where) from None

    def length(
        self, fields: dict[int, object], where: Place, text: steptext.StepText
    ) -> tuple[Duration | Distance, bool]:
        """The step's length, and whether it ends on the lap button."""
        duration_type = _int(fields, WorkoutStepField.DURATION_TYPE)
        value = _int(fields, WorkoutStepField.DURATION_VALUE)
        if duration_type == LAP:
            if text.note is not None and text.note.lap_expected is not None:
                return text.note.lap_expected, True
            self.log.hit(
                where,
                "the step ends on the lap button (open duration) without an expected time",
                f"used {DEFAULT_LENGTH.in_seconds:g} s as its expected time",
            )
            return DEFAULT_LENGTH, True
        if duration_type not in (TIME, DISTANCE) or value is None:
            self.log.hit(
                where,
                f"the model ends a step after a time or a distance, not '{_enum_name(WktStepDuration, duration_type)}'"
                + (" without a value" if duration_type in (TIME, DISTANCE) else ""),
                f"used {DEFAULT_LENGTH.in_seconds:g} s instead",
            )
            return DEFAULT_LENGTH, False
        if duration_type == TIME:
            whole_s, rest = divmod(value, 1000)
            if not rest and 1 <= whole_s <= MAX_STEP_SECONDS:
                return Duration(whole_s), False
        else:
            whole_m, rest = divmod(value, 100)
            if not rest and 1 <= whole_m <= MAX_STEP_METRES:
                return Distance(whole_m), False
        by_distance = duration_type != TIME
        exact = Fraction(value, 100 if by_distance else 1000)
        return whole_length(self.log, exact, by_distance=by_distance, where=where), False

    def no_speed(self, where: Place, why: str) -> Speed:
        """The given speed for a step without a usable speed target (a change), or a refusal that asks for one."""
        if self.options.speed is None:
            self.log.hit(where, why, "needs a belt speed")  # under STRICT this refuses first
            raise FormatError(f"{why}, and a treadmill step needs a belt speed", where, needs="speed")
        self.log.hit(where, why, f"used the given speed {self.options.speed}")
        return self.options.speed

    def speed(self, fields: dict[int, object], where: Place) -> Speed:
        target = _int(fields, WorkoutStepField.TARGET_TYPE)
        zone = _int(fields, WorkoutStepField.TARGET_VALUE)
        low = _int(fields, WorkoutStepField.CUSTOM_TARGET_VALUE_LOW)
        high = _int(fields, WorkoutStepField.CUSTOM_TARGET_VALUE_HIGH)
        if target != SPEED:
            return self.no_speed(
                where, f"the step has a '{_enum_name(WktStepTarget, target)}' target, not a belt speed"
            )
        if zone not in (0, None):
            return self.no_speed(where, f"the step targets speed zone {zone} of the device, not a belt speed")
        if low is None or high is None:
            return self.no_speed(where, "the speed target has no custom low and high values")
        if self.ours:
            speed = own_speed(low, high)
            if speed is not None:
                return speed
        return self.foreign_speed(low, high, where)

    def foreign_speed(self, low: int, high: int, where: Place) -> Speed:
        """The centre of another tool's band, in the unit whose 0.1 grid it lies on (km/h when both or neither)."""
        centre = Fraction(low + high, 2000)
        shown = f"{float(centre):.3f} m/s"
        candidates = [speed for unit in SpeedUnit if (speed := _speed_in(centre, unit)) is not None]
        if not candidates:
            return self.no_speed(where, f"the speed target {shown} is outside the model's 0.1 to 30 km/h")
        for candidate in candidates:
            if abs(candidate.exact_mps - centre) * 1000 <= _SPEED_TOLERANCE_MM_S:
                return candidate
        nearest = candidates[0]
        self.log.hit(
            where, f"the speed target {shown} is not a multiple of 0.1 km/h or 0.1 mph", f"used {nearest} instead"
        )
        return nearest

    def clean(self, text: str, max_length: int, what: str, where: Place, keep: str = "") -> str:
        """Text the model accepts (see ``clean_text``); every change reported."""
        return clean_text(self.log, text, max_length, what, where, keep=keep)
