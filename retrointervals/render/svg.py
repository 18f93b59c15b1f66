"""SVG charts: a workout's belt speed and incline over time, and a plan's backward minutes per session.

The charts are built with ``lxml.etree`` (no plotting library) and read only the model: a workout chart draws
``workout.timeline`` segment by segment, so it shows exactly what every exporter writes. Exact values are
converted to float only to place them on the page.

Accessibility and print: backward walking is shown by colour *and* by a hatch pattern, every chart has a
``<title>`` and a ``<desc>``, and each drawn segment or bar carries a tooltip ``<title>``.

Stable hooks for tests and for your own styling (classes and ``data-`` attributes):

- workout chart: ``rect.segment.forward`` / ``rect.segment.backward`` with ``data-start-s``, ``data-end-s``,
  ``data-speed`` (in the chart's unit, ``data-speed-unit`` on the root), ``data-incline-pct``, ``data-kind``;
  ``rect.plot-area`` (the drawing box); ``g.speed-axis[data-max]``, ``g.time-axis[data-max-s][data-unit]``,
  ``g.incline-axis[data-min][data-max]``; ``polyline.incline``; ``text.step-label``.
- plan chart: ``rect.session`` (plus ``deload`` in deload weeks) with ``data-week``, ``data-session``,
  ``data-backward-s``, ``data-total-s``; ``rect.deload-band`` per deload week, with ``text.deload-label`` where
  the word fits; ``g.minutes-axis[data-max]``.

The incline line and its axis (on the right) are drawn only when some step has a non-zero incline: a flat
workout gets a wider speed plot, and its description says "flat".
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from fractions import Fraction

import attrs
from lxml import etree

from retrointervals.errors import ValidationError
from retrointervals.formats.steptext import label as step_label
from retrointervals.model import Plan, Week, Workout
from retrointervals.timeline import Segment
from retrointervals.units import Duration, Speed, SpeedUnit

__all__ = [
    "SVG_NAMESPACE",
    "plan_chart",
    "plan_chart_element",
    "workout_chart",
    "workout_chart_element",
]

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_NS = f"{{{SVG_NAMESPACE}}}"

# Colour-blind-safe and print-friendly: light blue forward, orange with dark hatching backward.
FORWARD_FILL = "#9ecae1"
FORWARD_STROKE = "#3182bd"
BACKWARD_FILL = "#fdae6b"
BACKWARD_STROKE = "#a63603"
DELOAD_FILL = "#ffffff"
DELOAD_BAND = "#eeeeee"
INCLINE_COLOUR = "#54278f"
INK = "#222222"
GRID = "#dddddd"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

_MIN_WIDTH = 240
_MIN_HEIGHT = 160
_ID_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
# Rough width of one character of the 11 px font, to decide whether a label fits its block.
_CHAR_WIDTH_PX = 6.2
# The same for the 15 px bold title font.
_TITLE_CHAR_WIDTH_PX = 9.0
# Pixels per axis tick, at most: keeps tick labels apart.
_PX_PER_VALUE_TICK = 36
_PX_PER_TIME_TICK = 70


# --- numbers and ticks ------------------------------------------------------------------------------


def _number(value: float, decimals: int = 2) -> str:
    """A compact decimal for coordinates and labels: ``12``, ``12.5``, ``0.25``; never ``-0``."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _seconds(duration: Duration) -> str:
    """Exact seconds as text: an integer when whole, else the nearest float."""
    exact = duration.exact
    return str(exact.numerator) if exact.denominator == 1 else repr(float(exact))


def _nice_step(span: float, max_ticks: int) -> float:
    """The smallest 1-2-5 step that divides ``span`` into at most ``max_ticks`` intervals."""
    if span <= 0:
        return 1.0
    raw = span / max(max_ticks, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))


def _ticks(low: float, high: float, step: float) -> list[float]:
    """The multiples of ``step`` from ``low`` to ``high``."""
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(index * step, 9) for index in range(first, last + 1)]


@attrs.frozen
class _Scale:
    """A value axis: round ``low`` and ``high`` around the data, ticks every ``step``."""

    low: float
    high: float
    step: float

    @classmethod
    def around(cls, values: Iterable[float], pixels: float) -> _Scale:
        """A scale from min(0, values) to max(values), rounded out to ticks at most 36 px apart."""
        values = list(values)
        low, high = min(0.0, *values), max(*values, 0.0)
        if high <= low:
            high = low + 1.0
        step = _nice_step(high - low, max(2, int(pixels // _PX_PER_VALUE_TICK)))
        return cls(math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step, step)

    def ticks(self) -> list[float]:
        """The tick values."""
        return _ticks(self.low, self.high, self.step)


@attrs.frozen
class _Frame:
    """The plot area inside the chart: a left edge, a top edge, a width and a height in pixels."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        """The right edge."""
        return self.left + self.width

    @property
    def base(self) -> float:
        """The bottom edge (the zero line of the value axes)."""
        return self.top + self.height

    def y(self, value: float, scale: _Scale) -> float:
        """The vertical position of ``value`` on ``scale``."""
        return self.base - self.height * (value - scale.low) / (scale.high - scale.low)


# --- SVG building blocks ----------------------------------------------------------------------------


def _check_size(name: str, width: object, height: object) -> None:
    for field, value, minimum in (("width", width, _MIN_WIDTH), ("height", height, _MIN_HEIGHT)):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValidationError(f"{name}.{field}", value, f"must be a whole number of pixels, at least {minimum}")


def _check_prefix(name: str, prefix: object) -> None:
    if not isinstance(prefix, str) or not _ID_PREFIX.match(prefix):
        raise ValidationError(
            f"{name}.id_prefix", prefix, "must start with a letter and hold only letters, digits, '-' and '_'"
        )


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """Append an SVG element; keyword names such as ``class_`` and ``data_start_s`` become ``class``, ``data-start-s``.

    Names in camelCase (``viewBox``, ``patternUnits``) pass through unchanged.
    """
    element = etree.SubElement(parent, _NS + tag)
    for key, value in attributes.items():
        element.set(key.rstrip("_").replace("_", "-"), value)
    if text is not None:
        element.text = text
    return element


def _text(
    parent: etree._Element,
    x: float,
    y: float,
    content: str,
    *,
    size: int = 11,
    anchor: str = "start",
    fill: str = INK,
    **extra: str,
) -> etree._Element:
    return _sub(
        parent, "text", content, x=_number(x), y=_number(y), font_size=str(size), text_anchor=anchor, fill=fill, **extra
    )


def _line(parent: etree._Element, x1: float, y1: float, x2: float, y2: float, **extra: str) -> etree._Element:
    return _sub(parent, "line", x1=_number(x1), y1=_number(y1), x2=_number(x2), y2=_number(y2), **extra)


def _box(parent: etree._Element, x: float, y: float, width: float, height: float, **extra: str) -> etree._Element:
    return _sub(parent, "rect", x=_number(x), y=_number(y), width=_number(width), height=_number(height), **extra)


@attrs.frozen
class _Chart:
    """What every chart starts with: its size, id prefix, title and description."""

    kind: str
    width: int
    height: int
    prefix: str
    title: str
    description: str

    def root(self, **attributes: str) -> etree._Element:
        """The ``<svg>`` element with its accessible title and description."""
        svg = etree.Element(_NS + "svg", nsmap={None: SVG_NAMESPACE})  # type: ignore[dict-item]  # stubs lack None
        for key, value in {
            "width": str(self.width),
            "height": str(self.height),
            "viewBox": f"0 0 {self.width} {self.height}",
            "role": "img",
            "aria-labelledby": f"{self.prefix}title {self.prefix}desc",
            "class": f"retrointervals-chart {self.kind}",
            "font-family": FONT,
            **{key.replace("_", "-"): value for key, value in attributes.items()},
        }.items():
            svg.set(key, value)
        _sub(svg, "title", self.title, id=f"{self.prefix}title")
        _sub(svg, "desc", self.description, id=f"{self.prefix}desc")
        return svg


def _hatch(defs: etree._Element, pattern_id: str, background: str, ink: str, spacing: float = 6) -> None:
    """A diagonal hatch on a solid background, so backward blocks differ by more than colour."""
    pattern = _sub(
        defs,
        "pattern",
        id=pattern_id,
        patternUnits="userSpaceOnUse",
        width=_number(spacing),
        height=_number(spacing),
        patternTransform="rotate(45)",
    )
    _box(pattern, 0, 0, spacing, spacing, fill=background)
    _line(pattern, 0, 0, 0, spacing, stroke=ink, stroke_width="2")


#: A legend entry: its text, the swatch's tag ("rect", "line", or "" for an italic note without a swatch) and
#: the swatch's attributes (for a note, only its "class" is used).
_Entry = tuple[str, str, dict[str, str]]


def _heading(svg: etree._Element, frame: _Frame, title: str, entries: Sequence[_Entry]) -> None:
    """The chart's visible title, its legend below it, and the plot area's frame."""
    # A long name is shortened on the picture only; the <title> element keeps it whole.
    fits = max(8, int((frame.right - frame.left) / _TITLE_CHAR_WIDTH_PX))
    shown = title if len(title) <= fits else title[: fits - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"
    _text(svg, frame.left, 20, shown, size=15, font_weight="bold", class_="chart-title")
    legend = _sub(svg, "g", class_="legend")
    cursor = frame.left
    for label, tag, swatch in entries:
        if tag == "line":
            _line(legend, cursor, 37.5, cursor + 14, 37.5, stroke_width="2", **swatch)
        elif tag == "rect":
            _box(legend, cursor, 32, 14, 11, **swatch)
        if tag:
            cursor += 19
            _text(legend, cursor, 42, label)
        else:
            _text(legend, cursor, 42, label, font_style="italic", class_=swatch.get("class", "legend-note"))
        cursor += len(label) * _CHAR_WIDTH_PX + 18
    _box(svg, frame.left, frame.top, frame.width, frame.height, fill="#ffffff", stroke="#999999", class_="plot-area")


def _value_axis(svg: etree._Element, frame: _Frame, scale: _Scale, label: str, class_: str) -> etree._Element:
    """A left-hand value axis with grid lines."""
    axis = _sub(svg, "g", class_=f"axis {class_}", data_min=_number(scale.low, 6), data_max=_number(scale.high, 6))
    for tick in scale.ticks():
        y = frame.y(tick, scale)
        _line(axis, frame.left, y, frame.right, y, stroke=GRID, class_="grid")
        _text(axis, frame.left - 6, y + 4, _number(tick), anchor="end", class_="tick-label")
    _vertical_label(axis, 16, frame.top + frame.height / 2, label)
    return axis


def _vertical_label(parent: etree._Element, x: float, y: float, content: str, fill: str = INK) -> None:
    rotate = f"rotate(-90 {_number(x)} {_number(y)})"
    _text(parent, x, y, content, anchor="middle", fill=fill, transform=rotate, class_="axis-label")


# --- workout chart ----------------------------------------------------------------------------------


def _chart_unit(workout: Workout) -> tuple[SpeedUnit, bool]:
    """The unit to plot in: the steps' own unit, or km/h when they mix units (then ``True``)."""
    units = {step.speed.unit for step in workout.steps_flat()}
    if len(units) == 1:
        return units.pop(), False
    return SpeedUnit.KMH, True


def _speed_in(speed: Speed, unit: SpeedUnit) -> float:
    return speed.value if speed.unit is unit else float(speed.exact_kmh / unit.in_kmh)


def _segment_tooltip(segment: Segment) -> str:
    step = segment.step
    speed = f"belt stopped, restart at {step.speed}" if step.belt_stopped else str(step.speed)
    ends = " (expected; ends on the lap button)" if step.until_lap else ""
    text = f"{step_label(step)}: {segment.start} to {segment.end}{ends}, {speed}, incline {step.incline}"
    if step.hold_handrails:
        text += ", hold the rails"
    return f"{text}. {step.cue}" if step.cue else text


def _workout_description(workout: Workout, unit_text: str, has_incline: bool) -> str:
    timeline = workout.timeline
    inclines = [segment.step.incline.in_percent for segment in timeline]
    incline_text = (
        f"incline from {_number(min(inclines), 1)} to {_number(max(inclines), 1)} %" if has_incline else "flat"
    )
    return (
        f"Belt speed in {unit_text} over {workout.total_time} (minutes:seconds), {len(timeline)} segments: "
        f"backward {workout.backward_time}, forward {workout.total_time - workout.backward_time}, "
        f"{workout.direction_changes} direction changes, {incline_text}. "
        "Backward blocks are orange and hatched; forward blocks are plain blue."
    )


def _time_axis(svg: etree._Element, frame: _Frame, total: Duration) -> None:
    """Ticks in minutes; in seconds for workouts under two minutes, where minute ticks would be fractions."""
    per_unit, unit = (60, "min") if total.exact >= 120 else (1, "s")
    span = float(total.exact) / per_unit
    step = _nice_step(span, max(2, int(frame.width // _PX_PER_TIME_TICK)))
    axis = _sub(svg, "g", class_="axis time-axis", data_max_s=_seconds(total), data_unit=unit)
    for tick in _ticks(0, span, step):
        x = frame.left + frame.width * tick / span
        _line(axis, x, frame.base, x, frame.base + 5, stroke=INK)
        _text(axis, x, frame.base + 17, _number(tick), anchor="middle", class_="tick-label")
    _text(axis, frame.left + frame.width / 2, frame.base + 34, f"time ({unit})", anchor="middle", class_="axis-label")


def _segments(
    svg: etree._Element, frame: _Frame, workout: Workout, *, unit: SpeedUnit, speeds: _Scale, hatch: str
) -> list[tuple[float, float, str]]:
    """One block per timeline segment; returns (centre x, top y, text) of the step labels that fit."""
    total_s = float(workout.total_time.exact)
    blocks = _sub(svg, "g", class_="segments")
    labels: list[tuple[float, float, str]] = []
    for segment in workout.timeline:
        step = segment.step
        x0 = frame.left + frame.width * float(segment.start.exact) / total_s
        x1 = frame.left + frame.width * float(segment.end.exact) / total_s
        # A stopped belt is drawn at zero: the step's speed is only the one the walker restarts it at.
        speed = 0.0 if step.belt_stopped else _speed_in(step.speed, unit)
        top = frame.y(speed, speeds)
        direction = "backward" if step.is_backward else "forward"
        if step.belt_stopped:
            direction += " belt-stopped"
        if step.until_lap:
            direction += " until-lap"
        block = _box(
            blocks,
            x0,
            top,
            x1 - x0,
            frame.base - top,
            fill=f"url(#{hatch})" if step.is_backward else FORWARD_FILL,
            stroke=BACKWARD_STROKE if step.is_backward else FORWARD_STROKE,
            stroke_width="0.5",
            class_=f"segment {direction}",
            data_start_s=_seconds(segment.start),
            data_end_s=_seconds(segment.end),
            data_speed=repr(speed),
            data_incline_pct=_number(step.incline.in_percent, 1),
            data_kind=step.kind.value,
        )
        _sub(block, "title", _segment_tooltip(segment))
        label = step_label(step)
        if x1 - x0 >= len(label) * _CHAR_WIDTH_PX + 6:
            labels.append(((x0 + x1) / 2, top, label))
    return labels


def _incline(svg: etree._Element, frame: _Frame, workout: Workout) -> None:
    """The incline as a step line on a right-hand axis."""
    timeline = workout.timeline
    scale = _Scale.around((segment.step.incline.in_percent for segment in timeline), frame.height)
    axis = _sub(svg, "g", class_="axis incline-axis", data_min=_number(scale.low, 6), data_max=_number(scale.high, 6))
    _line(axis, frame.right, frame.top, frame.right, frame.base, stroke=INCLINE_COLOUR)
    for tick in scale.ticks():
        y = frame.y(tick, scale)
        _line(axis, frame.right, y, frame.right + 5, y, stroke=INCLINE_COLOUR)
        _text(axis, frame.right + 8, y + 4, _number(tick), fill=INCLINE_COLOUR, class_="tick-label")
    _vertical_label(axis, frame.right + 46, frame.top + frame.height / 2, "incline (%)", INCLINE_COLOUR)
    total_s = float(workout.total_time.exact)
    points = itertools.chain.from_iterable(
        (
            f"{_number(frame.left + frame.width * float(s.start.exact) / total_s)},{_number(y)}",
            f"{_number(frame.left + frame.width * float(s.end.exact) / total_s)},{_number(y)}",
        )
        for s in timeline
        for y in (frame.y(s.step.incline.in_percent, scale),)
    )
    _sub(
        svg,
        "polyline",
        points=" ".join(points),
        fill="none",
        stroke=INCLINE_COLOUR,
        stroke_width="2",
        stroke_linejoin="round",
        class_="incline",
    )


def workout_chart_element(
    workout: Workout, *, width: int = 720, height: int = 260, id_prefix: str = "ri-"
) -> etree._Element:
    """The workout chart as an lxml ``<svg>`` element, to embed in your own document; see ``workout_chart``."""
    _check_size("workout_chart", width, height)
    _check_prefix("workout_chart", id_prefix)
    unit, mixed = _chart_unit(workout)
    unit_text = f"{unit.value} (mph steps converted)" if mixed else unit.value
    has_incline = any(segment.step.incline.tenths for segment in workout.timeline)
    chart = _Chart(
        "workout-chart", width, height, id_prefix, workout.name, _workout_description(workout, unit_text, has_incline)
    )
    svg = chart.root(data_speed_unit=unit.value, data_total_s=_seconds(workout.total_time))
    hatch = f"{id_prefix}backward-hatch"
    _hatch(_sub(svg, "defs"), hatch, BACKWARD_FILL, BACKWARD_STROKE)

    frame = _Frame(left=56, top=54, width=width - 56 - (60 if has_incline else 16), height=height - 54 - 40)
    entries: list[_Entry] = [
        ("forward", "rect", {"fill": FORWARD_FILL, "stroke": FORWARD_STROKE, "class": "legend-swatch forward"}),
        ("backward", "rect", {"fill": f"url(#{hatch})", "stroke": BACKWARD_STROKE, "class": "legend-swatch backward"}),
    ]
    if has_incline:
        entries.append(("incline (%)", "line", {"stroke": INCLINE_COLOUR, "class": "legend-swatch incline"}))
    if mixed:
        entries.append(("mph steps shown in km/h", "", {"class": "unit-note"}))
    _heading(svg, frame, workout.name, entries)

    speeds = _Scale.around((_speed_in(s.step.speed, unit) for s in workout.timeline), frame.height)
    _value_axis(svg, frame, speeds, f"speed ({unit.value})", "speed-axis").set("data-unit", unit.value)
    _time_axis(svg, frame, workout.total_time)
    labels = _segments(svg, frame, workout, unit=unit, speeds=speeds, hatch=hatch)
    if has_incline:
        _incline(svg, frame, workout)

    # Step labels last, so that nothing covers them; a white halo keeps them legible on the hatch.
    label_group = _sub(svg, "g", class_="step-labels")
    for x, top, label in labels:
        y = top + 13 if frame.base - top >= 17 else top - 4
        _text(
            label_group,
            x,
            y,
            label,
            anchor="middle",
            stroke="#ffffff",
            stroke_width="3",
            paint_order="stroke",
            class_="step-label",
        )
    return svg


def workout_chart(workout: Workout, *, width: int = 720, height: int = 260, id_prefix: str = "ri-") -> str:
    """An SVG chart of a workout: belt speed over time as blocks, backward blocks hatched, and the incline.

    One block per segment of ``workout.timeline``, as wide as its time and as tall as its speed. Speeds are
    plotted in the steps' unit, or in km/h (and labelled so) when a workout mixes km/h and mph. The incline is
    drawn as a line on a right-hand axis when some step has a non-zero incline.

    Args:
        workout: The workout to draw.
        width: Width of the chart in pixels (at least 240).
        height: Height of the chart in pixels (at least 160).
        id_prefix: Prefix of the ``id`` attributes in the chart; give each chart of one HTML page its own.

    Returns:
        The SVG document as text (no XML declaration; write it as UTF-8).

    Raises:
        ValidationError: ``width``, ``height`` or ``id_prefix`` is not acceptable.
    """
    element = workout_chart_element(workout, width=width, height=height, id_prefix=id_prefix)
    return etree.tostring(element, encoding="unicode")


# --- plan chart -------------------------------------------------------------------------------------


def _sum(durations: Iterable[Duration]) -> Duration:
    return Duration(sum((duration.exact for duration in durations), Fraction(0)))


def _plan_description(plan: Plan) -> str:
    deload = [str(number) for number, week in enumerate(plan.weeks, start=1) if week.deload]
    workouts = [session.workout for _, _, session in plan.sessions()]
    deload_text = f" Deload weeks: {', '.join(deload)}." if deload else " No deload weeks."
    return (
        f"Backward minutes of each of the {len(workouts)} sessions over {len(plan.weeks)} weeks; "
        f"backward time in all {_sum(w.backward_time for w in workouts)} (hours:minutes:seconds)." + deload_text
    )


@attrs.frozen
class _Slots:
    """Horizontal layout of a plan chart: one slot per session, half a slot between weeks."""

    frame: _Frame
    slot: float

    @classmethod
    def of(cls, frame: _Frame, weeks: Sequence[Week]) -> _Slots:
        """Slots filling ``frame``, with a quarter slot of margin at either end."""
        sessions = sum(len(week.sessions) for week in weeks)
        return cls(frame, frame.width / (sessions + 0.5 * (len(weeks) - 1) + 0.5))

    def week_start(self, weeks: Sequence[Week], index: int) -> float:
        """The left edge of the first slot of week ``index`` (from 0)."""
        before = sum(len(week.sessions) for week in weeks[:index])
        return self.frame.left + self.slot * (0.25 + before + 0.5 * index)


def _week_marks(svg: etree._Element, slots: _Slots, weeks: Sequence[Week]) -> None:
    """Deload bands, week separators and week numbers (thinned out when weeks are narrow)."""
    frame, slot = slots.frame, slots.slot
    marks = _sub(svg, "g", class_="weeks")
    average_week = slot * sum(len(week.sessions) for week in weeks) / len(weeks)
    every = max(1, math.ceil(28 / average_week))
    for index, week in enumerate(weeks):
        x0 = slots.week_start(weeks, index)
        x1 = x0 + slot * len(week.sessions)
        number = str(index + 1)
        if week.deload:
            _box(
                marks,
                x0 - slot * 0.15,
                frame.top + 1,
                x1 - x0 + slot * 0.3,
                frame.height - 1,
                fill=DELOAD_BAND,
                class_="deload-band",
                data_week=number,
            )
            # The word where it fits; narrow weeks keep the band and the lighter bars.
            if x1 - x0 + slot * 0.3 >= 40:
                _text(
                    marks,
                    (x0 + x1) / 2,
                    frame.top + 12,
                    "deload",
                    size=10,
                    anchor="middle",
                    font_style="italic",
                    class_="deload-label",
                    data_week=number,
                )
        if index % every == 0:
            _text(marks, (x0 + x1) / 2, frame.base + 17, number, anchor="middle", class_="tick-label week-number")
        if index:
            separator = x0 - slot * 0.25
            _line(marks, separator, frame.top, separator, frame.base, stroke=GRID, class_="week-separator")
    _text(marks, frame.left + frame.width / 2, frame.base + 34, "week", anchor="middle", class_="axis-label")


def plan_chart_element(
    plan: Plan, *, width: int = 720, height: int = 240, id_prefix: str = "ri-plan-"
) -> etree._Element:
    """The plan chart as an lxml ``<svg>`` element, to embed in your own document; see ``plan_chart``."""
    _check_size("plan_chart", width, height)
    _check_prefix("plan_chart", id_prefix)
    svg = _Chart("plan-chart", width, height, id_prefix, plan.name, _plan_description(plan)).root()
    hatch, deload_hatch = f"{id_prefix}backward-hatch", f"{id_prefix}deload-hatch"
    defs = _sub(svg, "defs")
    _hatch(defs, hatch, BACKWARD_FILL, BACKWARD_STROKE)
    _hatch(defs, deload_hatch, DELOAD_FILL, BACKWARD_FILL, spacing=5)

    frame = _Frame(left=56, top=54, width=width - 56 - 16, height=height - 54 - 40)
    entries: list[_Entry] = [
        (
            "backward minutes per session",
            "rect",
            {"fill": f"url(#{hatch})", "stroke": BACKWARD_STROKE, "class": "legend-swatch backward"},
        ),
    ]
    if any(week.deload for week in plan.weeks):
        deload_swatch = {"fill": f"url(#{deload_hatch})", "stroke": BACKWARD_STROKE, "stroke-dasharray": "2 1"}
        entries.append(("deload week", "rect", {**deload_swatch, "class": "legend-swatch deload"}))
    _heading(svg, frame, plan.name, entries)

    all_backward_min = [float(s.workout.backward_time.exact) / 60 for _, _, s in plan.sessions()]
    # Headroom above the longest bar keeps its value label clear of the "deload" label at the top.
    minutes = _Scale.around([*all_backward_min, max(all_backward_min) * 1.15], frame.height)
    slots = _Slots.of(frame, plan.weeks)
    _week_marks(svg, slots, plan.weeks)
    _value_axis(svg, frame, minutes, "backward (min)", "minutes-axis")

    bars = _sub(svg, "g", class_="sessions")
    bar_width = slots.slot * 0.75
    for index, week in enumerate(plan.weeks):
        for position, session in enumerate(week.sessions):
            workout = session.workout
            backward_min = float(workout.backward_time.exact) / 60
            x = slots.week_start(plan.weeks, index) + slots.slot * position + (slots.slot - bar_width) / 2
            top = frame.y(backward_min, minutes)
            bar = _box(
                bars,
                x,
                top,
                bar_width,
                frame.base - top,
                fill=f"url(#{deload_hatch if week.deload else hatch})",
                stroke=BACKWARD_STROKE,
                stroke_width="0.75",
                class_="session deload" if week.deload else "session",
                data_week=str(index + 1),
                data_session=str(position + 1),
                data_backward_s=_seconds(workout.backward_time),
                data_total_s=_seconds(workout.total_time),
            )
            if week.deload:
                bar.set("stroke-dasharray", "2 1")
            tooltip = f"Week {index + 1}, session {position + 1}: {workout.name}. Backward {workout.backward_time}"
            _sub(bar, "title", f"{tooltip} of {workout.total_time}")
            if bar_width >= 22:
                _text(
                    bars,
                    x + bar_width / 2,
                    top - 3,
                    _number(backward_min, 1),
                    size=9,
                    anchor="middle",
                    class_="value-label",
                )
    return svg


def plan_chart(plan: Plan, *, width: int = 720, height: int = 240, id_prefix: str = "ri-plan-") -> str:
    """An SVG bar chart of a plan: the backward minutes of each session, grouped by week, deload weeks marked.

    Deload weeks get a grey band with the word "deload", and their bars a lighter hatch with a dashed outline.

    Args:
        plan: The plan to draw.
        width: Width of the chart in pixels (at least 240).
        height: Height of the chart in pixels (at least 160).
        id_prefix: Prefix of the ``id`` attributes in the chart; give each chart of one HTML page its own.

    Returns:
        The SVG document as text (no XML declaration; write it as UTF-8).

    Raises:
        ValidationError: ``width``, ``height`` or ``id_prefix`` is not acceptable.
    """
    element = plan_chart_element(plan, width=width, height=height, id_prefix=id_prefix)
    return etree.tostring(element, encoding="unicode")
