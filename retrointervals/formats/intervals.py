"""intervals.icu workout text: the ``- 5m 30:00/km Pace`` step syntax, written exactly and read leniently.

intervals.icu (a training calendar that syncs planned workouts to Garmin, Zwift and qdomyos-zwift) describes a
workout in plain text; its syntax guide is summed up in the intervals.icu section of ``docs/dates.md``. This module
writes one workout per text and reads such texts back.

Writing. One line per step, ``- <cue> <length> <pace> Pace``, in walking order:

- the **cue** carries what the syntax has no field for: ``"BW active, hold rails, incline 2.5 percent. Walk
  backward"`` (the direction and kind label of every format, then ``hold rails``, the incline, ``belt stopped``,
  then the step's own cue). The incline is written ``percent``, not ``%``, so that no word of a cue looks like a
  power target; a cue word that looks like a duration or distance (``5m``, ``400mtr``, ``30"``) would end the cue
  early in intervals.icu, so it is refused (``Policy.STRICT``) or put in brackets (``LOSSY``);
- the **length**: whole seconds as ``1h2m5s``/``2m``/``45s``, whole metres as ``400mtr``. ``m`` is minutes in this
  syntax, never metres;
- the **pace**: the belt speed as a whole-second pace per km (km/h speeds) or per mile (mph speeds), e.g. 2.0 km/h
  is ``30:00/km Pace``. Read back and rounded to 0.1, it gives the same speed for every 0.1 km/h step from 0.1 to
  19.1 km/h and every 0.1 mph step of the model (up to 18.6 mph); faster km/h speeds are refused (``STRICT``) or
  written as the nearest pace (``LOSSY``). Paces of an hour or more per unit are written as ``75:00/km`` (minutes
  above 59);
- ``press lap`` when the step ends on the lap button.

Repeats are ``Main set Nx`` header lines with the repeated steps below, with an empty line before and after the
block. The syntax has no nested repeats, so repeats inside repeats are unrolled (``timeline.flatten``): the
timeline is the same.

Reading takes the documented syntax (``- [cue] <duration or distance> [targets]``; ``30s``, ``10m``, ``1h``,
``1m30``, ``1h2m30s``, ``5'``, ``30"``, ``1'30"``; ``500mtr``, ``2km``, ``1mi``; headers ending in ``Nx``).
What the model cannot hold (power, heart-rate or relative-pace targets, pace ranges and ramps, cadence, a pace
without a unit, fractional seconds or metres) is refused under ``Policy.STRICT`` with ``FormatLimitError`` naming
the line; ``Policy.LOSSY`` reads the closest workout and lists every change (``decode``), as every format does
(``formats.ReadOptions``, one ``ChangeLog``). A step without an absolute pace takes the ``ReadOptions.speed`` the
user gives (a reported change) and is refused without one: a belt speed is never invented.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

from retrointervals._files import check_size, read_bounded
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
from retrointervals.formats._conventions import parse_step_label, step_label
from retrointervals.formats._shared import make_step, only_workout, repeat_count, whole_length
from retrointervals.limits import (
    MAX_TEXT_LINE_CHARACTERS,
    MAX_TEXT_LINES,
    MAX_WORKOUT_SEGMENTS,
    DocumentBudget,
    echo,
)
from retrointervals.model import (
    MAX_CUE_LENGTH,
    MAX_NAME_LENGTH,
    Direction,
    Plan,
    Repeat,
    Step,
    StepKind,
    Workout,
)
from retrointervals.plan_dates import dated_sessions, session_title, session_uid
from retrointervals.safety import SAFETY_NOTE
from retrointervals.timeline import flatten
from retrointervals.units import METRES_PER_MILE, Distance, Duration, Incline, Rounding, Speed, SpeedUnit

__all__ = [
    "DEFAULT_SPEED",
    "EVENT_TYPE",
    "EXTENSION",
    "REPEAT_HEADER",
    "decode",
    "events_json",
    "pace_seconds",
    "read",
    "read_bytes",
    "read_bytes_with_changes",
    "read_with_changes",
    "speed_of_pace",
    "write",
    "write_workout",
]

EXTENSION = ".txt"
#: The words before ``Nx`` on a repeat's header line; intervals.icu shows "Main set 1/4" and so on as the cue.
REPEAT_HEADER = "Main set"
#: The intervals.icu sport of our events. ``Run`` takes absolute pace targets and syncs to watches as a run
#: workout, as our FIT and ZWO files are; whether ``Walk`` takes paces was not verified.
EVENT_TYPE = "Run"
#: A slow belt speed, safe whichever way one faces, to pass as ``ReadOptions.speed`` for steps without a pace.
DEFAULT_SPEED = Speed.kmh(2.0)

_PACE_UNIT = {SpeedUnit.KMH: "/km", SpeedUnit.MPH: "/mi"}
#: Metres per pace unit of the syntax.
_PACE_METRES: dict[str, Fraction] = {
    "/km": Fraction(1000),
    "/mi": METRES_PER_MILE,
    "/100m": Fraction(100),
    "/500m": Fraction(500),
    "/400m": Fraction(400),
    "/250m": Fraction(250),
    "/100y": Fraction(9144, 100),
}
_NUMBER = r"\d{1,6}(?:\.\d{1,6})?"
_DURATION = re.compile(
    rf"^(?:(?P<h>{_NUMBER})h)?(?:(?P<m>{_NUMBER})m)?(?:(?P<s>{_NUMBER})s)?$"
    rf"|^(?:(?P<h2>\d{{1,6}})h)?(?P<m2>\d{{1,6}})m(?P<s2>\d{{1,2}})$"
    r"|^(?:(?P<qm>\d{1,6})')?(?:(?P<qs>\d{1,6})\")?$",
    re.IGNORECASE | re.ASCII,  # digits are ASCII digits, as in intervals.icu (JavaScript)
)
_DISTANCE = re.compile(rf"^(?P<n>{_NUMBER})(?P<unit>mtr|km|mi)$", re.IGNORECASE | re.ASCII)
_PACE = re.compile(
    r"(?P<ramp>\bramp\s+)?(?P<a>\d{1,4}:\d{2})(?P<ua>/\d*[a-z]+)?"
    r"(?:\s*-\s*(?P<b>\d{1,4}:\d{2})(?P<ub>/\d*[a-z]+)?)?\s+pace\b",
    re.IGNORECASE | re.ASCII,
)
_PRESS_LAP = re.compile(r"\bpress\s+lap\b", re.IGNORECASE)
_HEADER_REPEAT = re.compile(r"^(?P<title>.*?)\s*(?<![^\s])(?P<count>\d{1,6})x$", re.IGNORECASE | re.ASCII)
_OUR_CUE = re.compile(
    r"^(?P<label>(?:FW|BW) (?:warmup|active|recover|turn|cooldown))"
    r"(?P<rails>, hold rails)?"
    r"(?:, incline (?P<incline>-?\d{1,2}(?:\.\d)?) percent)?"
    r"(?P<stopped>, belt stopped)?"
    r"(?:\. (?P<cue>.+))?$"
)
#: What the model's texts may not hold (control characters, and what XML cannot carry).
_NOT_TEXT = re.compile(r"[\x00-\x1f\ufffe\uffff]")
_SECTION_KINDS = {
    "warmup": StepKind.WARMUP,
    "warm up": StepKind.WARMUP,
    "warm-up": StepKind.WARMUP,
    "cooldown": StepKind.COOLDOWN,
    "cool down": StepKind.COOLDOWN,
    "cool-down": StepKind.COOLDOWN,
}


# --- paces ---------------------------------------------------------------------------------------


def pace_seconds(speed: Speed) -> int:
    """The whole-second pace of ``speed`` per km (km/h speeds) or per mile (mph speeds), rounded half up."""
    exact = Fraction(36000, speed.tenths)  # seconds per unit at speed.tenths / 10 units per hour
    return math.floor(exact + Fraction(1, 2))


def speed_of_pace(seconds: int, unit: SpeedUnit) -> Speed:
    """The speed, on the 0.1 grid of ``unit``, of a whole-second pace per km (km/h) or per mile (mph)."""
    if unit is SpeedUnit.KMH:
        return Speed.from_pace_per_km(seconds, unit, Rounding.NEAREST)
    return Speed.from_pace_per_mile(seconds, unit, Rounding.NEAREST)


def _clock(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}"


# --- writing -------------------------------------------------------------------------------------


def _is_length_word(word: str) -> bool:
    return bool(word) and (_DURATION.match(word) is not None or _DISTANCE.match(word) is not None)


def _safe_cue(cue: str, limits: ChangeLog, where: str) -> str:
    """The step's own cue as written: spacing as intervals.icu keeps it, no word that reads as a length."""
    words = cue.split()
    if " ".join(words) != cue:
        limits.hit(
            where,
            "intervals.icu separates words by single spaces, so a cue's other spacing is not kept",
            "cue spacing made single",
        )
    risky = [word for word in words if _is_length_word(word)]
    if risky:
        limits.hit(
            where,
            f"the cue word {risky[0]!r} reads as the step's length in intervals.icu",
            f"cue words {', '.join(repr(word) for word in risky)} put in brackets",
        )
        words = [f"({word})" if _is_length_word(word) else word for word in words]
    return " ".join(words)


def _unbracket(cue: str) -> str:
    """Our own cue with the brackets ``_safe_cue`` put around length words taken off again."""
    return " ".join(
        word[1:-1] if word.startswith("(") and word.endswith(")") and _is_length_word(word[1:-1]) else word
        for word in cue.split(" ")
    )


def _cue_text(step: Step, limits: ChangeLog, where: str) -> str:
    text = ", ".join([step_label(step), *steptext.qualifiers(step, percent=" percent")])
    return f"{text}. {_safe_cue(step.cue, limits, where)}" if step.cue else text


def _length_text(length: Duration | Distance) -> str:
    whole = length.exact.numerator  # step lengths are whole seconds or whole metres
    if isinstance(length, Distance):
        return f"{whole}mtr"
    hours, rest = divmod(whole, 3600)
    minutes, seconds = divmod(rest, 60)
    return "".join(f"{value}{unit}" for value, unit in ((hours, "h"), (minutes, "m"), (seconds, "s")) if value)


def _step_line(step: Step, limits: ChangeLog, where: str) -> str:
    seconds = pace_seconds(step.speed)
    if speed_of_pace(seconds, step.speed.unit) != step.speed:
        limits.hit(
            where,
            f"a whole-second pace cannot give back {step.speed} exactly (intervals.icu paces are mm:ss)",
            f"{step.speed} written as the pace {_clock(seconds)}{_PACE_UNIT[step.speed.unit]}, which reads as "
            f"{speed_of_pace(seconds, step.speed.unit)}",
        )
    pace = f"{_clock(seconds)}{_PACE_UNIT[step.speed.unit]} Pace"
    lap = " press lap" if step.until_lap else ""
    return f"- {_cue_text(step, limits, where)} {_length_text(step.length)} {pace}{lap}"


def write_workout(workout: Workout, *, policy: Policy = Policy.STRICT) -> Encoded:
    """The workout as intervals.icu workout text (UTF-8, one line per step, LF line ends).

    Raises:
        FormatLimitError: Under ``Policy.STRICT``: a speed no whole-second pace gives back exactly (above
            19.1 km/h), or a cue with a word that reads as a length or with unusual spacing.
    """
    limits = ChangeLog(policy)
    lines: list[str] = []
    number = 0
    for item in flatten(workout.steps, 1):
        if isinstance(item, Repeat):
            if lines and lines[-1]:
                lines.append("")
            lines.append(f"{REPEAT_HEADER} {item.count}x")
            for inner in item.steps:
                assert isinstance(inner, Step)  # noqa: S101 - flatten(..., 1) leaves no repeat inside a repeat
                number += 1
                lines.append(_step_line(inner, limits, f"workout {workout.name!r}, step {number}"))
            lines.append("")
        else:
            number += 1
            lines.append(_step_line(item, limits, f"workout {workout.name!r}, step {number}"))
    while lines and not lines[-1]:
        lines.pop()
    return Encoded(("\n".join(lines) + "\n").encode("utf-8"), tuple(limits.changes))


def write(
    document: Workout | Plan,
    path: str | os.PathLike[str],
    *,
    policy: Policy = Policy.STRICT,
    overwrite: bool = False,
) -> tuple[Change, ...]:
    """Write a workout as an intervals.icu text file, atomically; refuse to replace a file unless ``overwrite``.

    Raises:
        FormatError: ``document`` is a plan: one text holds one workout (``formats.plan_files(plan, "intervals")``
            gives one text per session; ``retrointervals.plan_dates.dated_plan_files`` also the calendar events).
    """
    encode = functools.partial(write_workout, policy=Policy.of(policy))
    return write_workout_file(document, path, encode, "intervals", overwrite=overwrite)


def events_json(
    plan: Plan, *, policy: Policy = Policy.STRICT, texts: Mapping[tuple[int, int], bytes] | None = None
) -> bytes:
    """The plan's dated sessions as the JSON array intervals.icu's bulk-events API takes (UTF-8).

    One ``WORKOUT`` event per session with a date: ``start_date_local`` (the day at ``T00:00:00``: workouts
    have no time there), ``name`` (``"Retro walk W2S1: 4 x 2:00 backward"``), ``type`` ``EVENT_TYPE``, the
    workout text as ``description`` after the safety note, and ``external_id``: the session's
    ``plan_dates.session_uid``, the same when the same or an adapted plan is sent again, so that
    ``POST /api/v1/athlete/0/events/bulk?upsert=true`` updates the events instead of adding new ones. A plan
    without a start date gives an empty array. ``texts`` are the sessions' texts by (week, session number) when
    they are already written (a plan folder has them); otherwise each is written here with ``policy``.

    Raises:
        FormatLimitError: Under ``STRICT``, a session's text cannot be written without loss.
    """
    events = [
        {
            "category": "WORKOUT",
            "start_date_local": f"{entry.date.isoformat()}T00:00:00",
            "name": session_title(entry.session.workout, entry.week, entry.number),
            "type": EVENT_TYPE,
            "description": SAFETY_NOTE
            + "\n\n"
            + (
                texts[entry.week, entry.number]
                if texts is not None
                else write_workout(entry.session.workout, policy=policy).data
            ).decode("utf-8"),
            "external_id": session_uid(plan, entry.week, entry.number),
        }
        for entry in dated_sessions(plan)
    ]
    return (json.dumps(events, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- reading -------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, source: str, options: ReadOptions) -> None:
        self.source = source
        self.options = options
        self.log = ChangeLog(options.policy)

    def where(self, number: int) -> Place:
        return Place(source=self.source, line=number)

    def workout(self, text: str) -> Workout:
        items: list[Step | Repeat] = []
        block: list[Step] | None = None
        count = 1
        header_line = 0
        kind = StepKind.ACTIVE
        segments = 0
        budget = DocumentBudget()
        if text.count("\n") >= MAX_TEXT_LINES:  # refused before splitting it into lines
            raise FormatError(
                f"the text has more than {MAX_TEXT_LINES} lines (MAX_TEXT_LINES; see limits.md)",
                self.where(MAX_TEXT_LINES),
            )

        def close() -> None:
            nonlocal block
            if block is None:
                return
            if not block:
                self.log.hit(self.where(header_line), "the repeat has no steps below it", "ignored the header")
            elif count == 1:
                items.extend(block)
            else:
                items.append(Repeat(count, block))
            block = None

        for number, raw in enumerate(text.split("\n"), start=1):
            if len(raw) > MAX_TEXT_LINE_CHARACTERS:  # refused before its words are split
                raise FormatError(
                    f"the line has more than {MAX_TEXT_LINE_CHARACTERS} characters (MAX_TEXT_LINE_CHARACTERS; see "
                    "limits.md)",
                    self.where(number),
                )
            line = raw.strip()
            if not line:
                close()
                continue
            if line.startswith("-"):
                step = self.step(line[1:].strip(), kind, self.where(number))
                (block if block is not None else items).append(step)
                # Count steps and walked segments as they come, so that a huge text is refused before it is built.
                budget.spend(self.where(number), steps=1)
                segments += count if block is not None else 1
                if segments > MAX_WORKOUT_SEGMENTS:
                    raise FormatError(
                        f"the workout expands to more than {MAX_WORKOUT_SEGMENTS} segments (MAX_WORKOUT_SEGMENTS; "
                        "see limits.md)",
                        self.where(number),
                    )
                continue
            close()
            header = _HEADER_REPEAT.match(line)
            title = header.group("title") if header else line
            kind = _SECTION_KINDS.get(title.strip().lower().rstrip(":"), StepKind.ACTIVE)
            if header:
                budget.spend(self.where(number), steps=1)  # a repeat counts as a step as written
                block, header_line = [], number
                count = repeat_count(self.log, int(header.group("count")), self.where(number))
        close()
        if not items:
            raise FormatError("the text holds no steps (lines starting with '- ')", self.source)
        name = _NOT_TEXT.sub(" ", Path(self.source).stem)[:MAX_NAME_LENGTH] if self.source else ""
        try:
            return Workout(name if name.strip() else "intervals.icu workout", items)
        except ValidationError as error:
            raise FormatError(str(error), self.source) from None

    def step(self, body: str, kind: StepKind, where: Place) -> Step:
        words = body.split()
        index = next((i for i, word in enumerate(words) if _is_length_word(word)), None)
        if index is None:
            raise FormatError(f"the step {body[:60]!r} has no duration or distance (such as 5m, 30s or 400mtr)", where)
        cue = " ".join(words[:index])
        rest = " ".join(words[index + 1 :])
        until_lap = _PRESS_LAP.search(rest) is not None
        length = self.length(words[index], where)
        speed, rest = self.speed(rest, where)
        leftover = _PRESS_LAP.sub(" ", rest).split()
        if leftover:
            self.log.hit(where, f"the model holds a belt speed only, not {echo(' '.join(leftover))}", "ignored it")
        if until_lap and isinstance(length, Distance):
            self.log.hit(
                where, "a step that ends on the lap button needs a time, not a distance", "ignored 'press lap'"
            )
            until_lap = False
        ours = _OUR_CUE.match(cue)
        direction, rails, incline, stopped = Direction.FORWARD, False, Incline.flat(), False
        if ours is not None:
            label = parse_step_label(ours.group("label"))
            assert label is not None  # noqa: S101 - the pattern only matches labels
            direction, kind = label
            rails = ours.group("rails") is not None
            stopped = ours.group("stopped") is not None
            if stopped and not until_lap:
                self.log.hit(where, "a step with the belt stopped ends on the lap button", "read with the belt running")
                stopped = False
            try:
                incline = Incline.percent(float(ours.group("incline") or 0))
            except ValidationError as error:
                raise FormatError(str(error), where) from None
            cue = _unbracket(ours.group("cue") or "")
        if _NOT_TEXT.search(cue):
            self.log.hit(where, "the cue holds control characters or non-characters", "replaced them with spaces")
            cue = _NOT_TEXT.sub(" ", cue).strip()
        if len(cue) > MAX_CUE_LENGTH:
            self.log.hit(
                where, f"the model's cues hold at most {MAX_CUE_LENGTH} characters, not {len(cue)}", "shortened"
            )
            cue = cue[: MAX_CUE_LENGTH - 1].rstrip() + "\u2026"
        try:
            return make_step(direction, kind, length, speed, incline, rails, cue or None, until_lap, stopped)
        except ValidationError as error:
            raise FormatError(str(error), where) from None

    def length(self, word: str, where: Place) -> Duration | Distance:
        distance = _DISTANCE.match(word)
        if distance is not None:
            unit = distance.group("unit").lower()
            scale = {"mtr": Fraction(1), "km": Fraction(1000), "mi": METRES_PER_MILE}[unit]
            return whole_length(self.log, Fraction(distance.group("n")) * scale, by_distance=True, where=where)
        match = _DURATION.match(word)
        assert match is not None  # noqa: S101 - only length words get here
        parts = match.groupdict()
        seconds = Fraction(0)
        for keys, per_unit in ((("h", "h2"), 3600), (("m", "m2", "qm"), 60), (("s", "s2", "qs"), 1)):
            for key in keys:
                if parts[key] is not None:
                    seconds += Fraction(parts[key]) * per_unit
        return whole_length(self.log, seconds, by_distance=False, where=where)

    def speed(self, rest: str, where: Place) -> tuple[Speed, str]:
        pace = _PACE.search(rest)
        if pace is None:
            target = rest.strip() or "no target"
            if self.options.speed is None:
                raise FormatError(
                    f"the step has {target!r} and no absolute pace (such as 30:00/km Pace), and a treadmill step "
                    "needs a belt speed",
                    where,
                    needs="speed",
                )
            self.log.hit(
                where,
                f"the model needs an absolute pace (such as 30:00/km Pace) for the belt speed, not {echo(target)}",
                f"used the given speed {self.options.speed}",
            )
            return self.options.speed, ""  # its words are all named in that one change
        remaining = rest[: pace.start()] + " " + rest[pace.end() :]
        unit_a, unit_b = (pace.group("ua") or "").lower(), (pace.group("ub") or "").lower()
        unit_text = unit_a or unit_b
        if not unit_text:
            self.log.hit(
                where,
                "the pace has no unit (intervals.icu then uses the sport's default from your settings)",
                "read it per km",
            )
            unit_text = "/km"
        if unit_text not in _PACE_METRES or (unit_b and unit_b not in _PACE_METRES):
            raise FormatError(f"unknown pace unit {echo(unit_text)}; known: {', '.join(_PACE_METRES)}", where)
        values = [self.pace_speed(pace.group("a"), unit_a or unit_text, where)]
        if pace.group("b"):
            values.append(self.pace_speed(pace.group("b"), unit_b or unit_text, where))
        kmh = sum(values, Fraction(0)) / len(values)
        if pace.group("ramp") or len(values) > 1:
            self.log.hit(
                where,
                f"the model holds one belt speed, not a pace {'ramp' if pace.group('ramp') else 'range'}",
                "used the speed halfway between its ends",
            )
        unit = SpeedUnit.MPH if unit_text in ("/mi", "/100y") else SpeedUnit.KMH
        try:
            speed = Speed.of(kmh / unit.in_kmh, unit, Rounding.NEAREST)
        except ValidationError:
            raise FormatError(f"the pace {echo(pace.group(0))} is outside the model's 0.1 to 30 km/h", where) from None
        if len(values) == 1 and unit_text in ("/km", "/mi"):
            seconds = self.pace_clock(pace.group("a"), where)
            if pace_seconds(speed) != seconds:
                self.log.hit(
                    where,
                    f"the pace {pace.group('a')}{unit_text} is no 0.1 step of {unit.value}",
                    f"used the nearest speed, {speed}",
                )
        elif len(values) == 1 and speed.exact_kmh != kmh:
            self.log.hit(
                where,
                f"the pace {echo(pace.group(0))} is no 0.1 step of {unit.value}",
                f"used the nearest speed, {speed}",
            )
        return speed, remaining

    def pace_clock(self, text: str, where: Place) -> int:
        minutes, seconds = (int(part) for part in text.split(":"))
        if seconds >= 60:
            raise FormatError(f"the pace {echo(text)} has {seconds} seconds; seconds must be below 60", where)
        total = minutes * 60 + seconds
        if total == 0:
            raise FormatError("a pace of 0:00 is no speed", where)
        return total

    def pace_speed(self, text: str, unit_text: str, where: Place) -> Fraction:
        """km/h of a pace ``m:ss`` per ``unit_text``, exact."""
        return _PACE_METRES[unit_text] * Fraction(36, 10) / self.pace_clock(text, where)


def decode(data: bytes, source: str = "", *, options: ReadOptions | None = None) -> Decoded:
    """Read intervals.icu workout text (named after ``source``'s file name), with every change the read made.

    Our own texts read back with the same timeline under either policy. Texts written for bikes or with relative
    targets hold what the model cannot: ``Policy.STRICT`` refuses with ``FormatLimitError``; ``Policy.LOSSY`` reads
    the closest workout and lists every change. A step without an absolute pace takes ``options.speed``.

    Raises:
        FormatError: The bytes are not UTF-8 text, hold no step, a step has no duration or distance, or a step has
            no absolute pace and ``options.speed`` is None (``needs == "speed"``).
        FormatLimitError: Under ``STRICT``, something the model cannot hold; the message names the line.
    """
    check_size(data, source or "input")
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError("not UTF-8 text", Place(source=source, offset=error.start)) from None
    reader = _Reader(source, options or ReadOptions())
    workout = reader.workout(text.replace("\r\n", "\n").replace("\r", "\n"))
    return Decoded(workout, tuple(reader.log.changes))


def read_bytes(data: bytes, source: str = "", *, options: ReadOptions | None = None) -> Workout:
    """Read intervals.icu workout text (see ``decode``, which also gives the changes)."""
    return only_workout(decode(data, source, options=options))


def read(path: str | os.PathLike[str], *, options: ReadOptions | None = None) -> Workout:
    """Read an intervals.icu text file (at most 16 MiB); see ``decode``."""
    return read_bytes(read_bounded(path), str(path), options=options)


def read_bytes_with_changes(
    data: bytes, source: str = "", *, options: ReadOptions | None = None
) -> tuple[Workout, tuple[Change, ...]]:
    """``decode`` as a ``(workout, changes)`` pair (the older name of the same door)."""
    decoded = decode(data, source, options=options)
    return only_workout(decoded), decoded.changes


def read_with_changes(
    path: str | os.PathLike[str], *, options: ReadOptions | None = None
) -> tuple[Workout, tuple[Change, ...]]:
    """Read an intervals.icu text file from ``path`` with its changes, as a ``(workout, changes)`` pair."""
    return read_bytes_with_changes(read_bounded(path), str(path), options=options)
