"""SVG charts: every block, bar, line and label is where the model says, and the markup is safe and accessible."""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from retrointervals import (
    Direction,
    Duration,
    Incline,
    Plan,
    Session,
    Speed,
    SpeedUnit,
    Step,
    StepKind,
    ValidationError,
    Week,
    Workout,
)
from retrointervals import strategies as ris
from retrointervals.formats._conventions import step_label
from retrointervals.render.svg import SVG_NAMESPACE, plan_chart, workout_chart

NS = f"{{{SVG_NAMESPACE}}}"
# Coordinates are written with two decimals.
PX = 0.011
# Plans are the slow thing to generate (every session is a whole workout); two weeks are enough to have
# week separators and deload and ordinary weeks side by side. The default workouts of ris.plans() are small
# (max_segments=12). Passing workout= would trip a HypothesisWarning in ris.weeks (`workout or ...` calls
# bool() on a strategy), reported to the lead.
SMALL_PLANS = ris.plans(max_weeks=2)


def parse(text: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(text.encode("utf-8"), parser)


def with_class(root: etree._Element, tag: str, *classes: str) -> list[etree._Element]:
    return [e for e in root.iter(NS + tag) if set(classes) <= set(e.get("class", "").split())]


def one(root: etree._Element, tag: str, *classes: str) -> etree._Element:
    found = with_class(root, tag, *classes)
    assert len(found) == 1, (tag, classes, len(found))
    return found[0]


def number(element: etree._Element, name: str) -> float:
    value = element.get(name)
    assert value is not None, (element.tag, name)
    return float(value)


def plot_box(root: etree._Element) -> tuple[float, float, float, float]:
    area = one(root, "rect", "plot-area")
    return number(area, "x"), number(area, "y"), number(area, "width"), number(area, "height")


def step(
    direction: Direction = Direction.FORWARD,
    seconds: int = 60,
    speed: Speed | None = None,
    *,
    incline: float = 0,
    kind: StepKind = StepKind.ACTIVE,
    cue: str | None = None,
) -> Step:
    return Step(
        direction=direction,
        kind=kind,
        length=Duration.seconds(seconds),
        speed=speed or Speed.kmh(3.0),
        incline=Incline.percent(incline),
        cue=cue,
    )


def plotted_speed(speed: Speed, unit: SpeedUnit) -> float:
    return float(speed.exact_kmh / unit.in_kmh)


# --- workout chart: blocks ----------------------------------------------------------------------------


@given(ris.workouts())
def test_one_block_per_segment_in_time_order_sized_by_time_and_speed(workout: Workout) -> None:
    root = parse(workout_chart(workout))
    blocks = with_class(root, "rect", "segment")
    timeline = workout.timeline
    assert len(blocks) == len(timeline)
    left, top, width, height = plot_box(root)
    total = workout.total_time.exact
    unit = SpeedUnit(root.get("data-speed-unit"))
    speed_max = number(one(root, "g", "speed-axis"), "data-max")
    assert number(one(root, "g", "time-axis"), "data-max-s") == float(total)
    for block, segment in zip(blocks, timeline, strict=True):
        direction, other = ("backward", "forward") if segment.step.is_backward else ("forward", "backward")
        classes = block.get("class", "").split()
        assert direction in classes
        assert other not in classes
        assert number(block, "data-start-s") == float(segment.start.exact)
        assert number(block, "data-end-s") == float(segment.end.exact)
        assert block.get("data-kind") == segment.step.kind.value
        assert abs(number(block, "x") - (left + width * float(segment.start.exact / total))) <= PX
        assert abs(number(block, "width") - width * float(segment.duration.exact / total)) <= 2 * PX
        speed = plotted_speed(segment.step.speed, unit)
        assert number(block, "data-speed") == speed
        assert speed <= speed_max
        assert abs(number(block, "height") - height * speed / speed_max) <= PX
        assert abs(number(block, "y") + number(block, "height") - (top + height)) <= 2 * PX
    backward = with_class(root, "rect", "segment", "backward")
    backward_segments = [s for s in timeline if s.step.is_backward]
    assert len(backward) == len(backward_segments)
    starts = [number(block, "data-start-s") for block in backward]
    assert starts == sorted(starts) == [float(s.start.exact) for s in backward_segments]
    # Backward differs by a hatch pattern, not by colour alone.
    for block in backward:
        assert block.get("fill") == "url(#ri-backward-hatch)"
    for block in with_class(root, "rect", "segment", "forward"):
        assert not block.get("fill", "").startswith("url(")


def test_blocks_of_a_known_workout_sit_where_expected() -> None:
    workout = Workout(
        "Known",
        [step(seconds=300, speed=Speed.kmh(4.0)), step(Direction.BACKWARD, 120, Speed.kmh(2.0)), step(seconds=180)],
    )
    root = parse(workout_chart(workout, width=656, height=254))
    left, _top, width, height = plot_box(root)
    assert (left, width, height) == (56, 584, 160)  # 656 - 56 - 16 wide, 254 - 54 - 40 high: no incline axis
    blocks = with_class(root, "rect", "segment")
    assert [number(b, "x") for b in blocks] == [56, 56 + 292, 56 + 292 + 116.8]
    assert [number(b, "width") for b in blocks] == [292, 116.8, 175.2]
    assert number(one(root, "g", "speed-axis"), "data-max") == 4
    assert [number(b, "height") for b in blocks] == [160, 80, 120]
    assert [b.get("class") for b in blocks] == ["segment forward", "segment backward", "segment forward"]


def test_a_repeat_is_drawn_once_per_pass_from_the_timeline() -> None:
    from retrointervals import Repeat  # noqa: PLC0415

    body = [step(Direction.BACKWARD, 30), step(seconds=30)]
    workout = Workout("Reps", [step(seconds=60), Repeat(3, body)])
    root = parse(workout_chart(workout))
    backward = with_class(root, "rect", "segment", "backward")
    assert [b.get("data-start-s") for b in backward] == ["60", "120", "180"]
    assert [b.get("data-end-s") for b in backward] == ["90", "150", "210"]


def test_the_hatch_pattern_is_defined_once_and_shown_in_the_legend() -> None:
    workout = Workout("W", [step(), step(Direction.BACKWARD)])
    root = parse(workout_chart(workout, id_prefix="x-"))
    patterns = {p.get("id"): p for p in root.iter(NS + "pattern")}
    assert set(patterns) == {"x-backward-hatch"}
    assert len(list(patterns["x-backward-hatch"].iter(NS + "line"))) == 1  # the hatch stroke
    assert one(root, "rect", "segment", "backward").get("fill") == "url(#x-backward-hatch)"
    legend = one(root, "g", "legend")
    assert one(legend, "rect", "legend-swatch", "backward").get("fill") == "url(#x-backward-hatch)"
    assert [t.text for t in legend.iter(NS + "text")] == ["forward", "backward"]


# --- workout chart: incline, units, axes, labels ------------------------------------------------------


@given(ris.workouts())
def test_the_incline_line_follows_the_inclines_and_labels_sit_on_their_steps(workout: Workout) -> None:
    root = parse(workout_chart(workout))
    assert_step_labels_sit_on_wide_enough_blocks_of_their_step(root, workout)
    lines = with_class(root, "polyline", "incline")
    if not any(segment.step.incline.tenths for segment in workout.timeline):
        assert lines == []
        assert with_class(root, "g", "incline-axis") == []
        assert "flat" in (root.findtext(NS + "desc") or "")
        return
    left, top, width, height = plot_box(root)
    axis = one(root, "g", "incline-axis")
    low, high = number(axis, "data-min"), number(axis, "data-max")
    points = [tuple(map(float, point.split(","))) for point in (lines[0].get("points") or "").split()]
    assert len(points) == 2 * len(workout.timeline)
    total = workout.total_time.exact
    for index, segment in enumerate(workout.timeline):
        percent = segment.step.incline.in_percent
        assert low <= percent <= high
        y = top + height - height * (percent - low) / (high - low)
        (x0, y0), (x1, y1) = points[2 * index], points[2 * index + 1]
        assert x0 == pytest.approx(left + width * float(segment.start.exact / total), abs=PX)
        assert x1 == pytest.approx(left + width * float(segment.end.exact / total), abs=PX)
        assert y0 == y1 == pytest.approx(y, abs=PX)
        block = with_class(root, "rect", "segment")[index]
        assert number(block, "data-incline-pct") == percent


def test_the_incline_axis_spans_a_decline_and_a_climb() -> None:
    workout = Workout("Hills", [step(incline=-2.5), step(incline=0), step(incline=6)])
    root = parse(workout_chart(workout))
    axis = one(root, "g", "incline-axis")
    assert number(axis, "data-min") <= -2.5 < 6 <= number(axis, "data-max")
    ys = [float(p.split(",")[1]) for p in (one(root, "polyline", "incline").get("points") or "").split()]
    assert ys[0] == ys[1] > ys[2] == ys[3] > ys[4] == ys[5]  # higher incline, higher on the page
    assert any(t.text == "incline (%)" for t in root.iter(NS + "text"))


@pytest.mark.parametrize(
    ("speeds", "unit", "note"),
    [
        ((Speed.kmh(3.0), Speed.kmh(2.0)), "km/h", False),
        ((Speed.mph(2.0), Speed.mph(1.2)), "mph", False),
        ((Speed.mph(2.0), Speed.kmh(2.0)), "km/h", True),
    ],
)
def test_speeds_are_plotted_in_the_steps_unit_or_km_h_when_mixed(
    speeds: tuple[Speed, Speed], unit: str, note: bool
) -> None:
    workout = Workout("Units", [step(speed=speeds[0]), step(Direction.BACKWARD, speed=speeds[1])])
    root = parse(workout_chart(workout))
    assert root.get("data-speed-unit") == unit
    assert one(root, "g", "speed-axis").get("data-unit") == unit
    assert f"speed ({unit})" in [t.text for t in root.iter(NS + "text")]
    assert bool(with_class(root, "text", "unit-note")) is note
    plotted = [number(b, "data-speed") for b in with_class(root, "rect", "segment")]
    assert plotted == pytest.approx([plotted_speed(s, SpeedUnit(unit)) for s in speeds])
    if note:
        assert plotted[0] == pytest.approx(3.218688)  # 2 mph in km/h, exact to the float


def tick_values(axis: etree._Element) -> list[float]:
    return [float(t.text or "") for t in with_class(axis, "text", "tick-label")]


@given(
    ris.workouts(),
    st.integers(240, 1200),
    st.integers(160, 600),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,8}", fullmatch=True),
)
def test_axes_title_description_and_ids(workout: Workout, width: int, height: int, prefix: str) -> None:
    text = workout_chart(workout, width=width, height=height, id_prefix=prefix)
    root = parse(text)
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == (
        str(width),
        str(height),
        f"0 0 {width} {height}",
    )
    left, top, plot_width, plot_height = plot_box(root)
    assert left + plot_width <= width
    assert top + plot_height <= height

    time_axis = one(root, "g", "time-axis")
    times = tick_values(time_axis)
    per_unit = 60 if time_axis.get("data-unit") == "min" else 1
    assert per_unit == (60 if workout.total_time.exact >= 120 else 1)
    assert times[0] == 0
    assert times[-1] * per_unit <= float(workout.total_time.exact) * (1 + 1e-9)
    speeds = tick_values(one(root, "g", "speed-axis"))
    assert speeds[0] == 0
    assert speeds[-1] == number(one(root, "g", "speed-axis"), "data-max")
    for ticks in (times, speeds):
        gaps = [b - a for a, b in itertools.pairwise(ticks)]
        assert all(gap > 0 for gap in gaps)
        assert all(abs(gap - gaps[0]) <= 0.011 for gap in gaps)
    labels = [t.text for t in with_class(time_axis, "text", "tick-label")]
    assert len(set(labels)) == len(labels)

    assert root.tag == NS + "svg"
    assert root.findtext(NS + "title") == workout.name
    description = root.findtext(NS + "desc") or ""
    assert str(workout.total_time) in description
    assert f"{workout.direction_changes} direction changes" in description
    assert root.get("role") == "img"
    ids = [e.get("id") for e in root.iter() if e.get("id") is not None]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(prefix) for i in ids if i)
    assert set((root.get("aria-labelledby") or "").split()) <= set(ids)
    for reference in re.findall(r"url\(#([^)]*)\)", text):
        assert reference in ids
    assert_no_external_references(root)


def test_the_time_axis_counts_minutes_in_round_steps() -> None:
    workout = Workout("Half hour", [step(seconds=1800)])
    axis = one(parse(workout_chart(workout)), "g", "time-axis")
    assert tick_values(axis) == [0, 5, 10, 15, 20, 25, 30]
    assert "time (min)" in [t.text for t in axis.iter(NS + "text")]


def assert_step_labels_sit_on_wide_enough_blocks_of_their_step(root: etree._Element, workout: Workout) -> None:
    blocks = with_class(root, "rect", "segment")
    for label in with_class(root, "text", "step-label"):
        x = number(label, "x")
        owners = [
            (block, segment)
            for block, segment in zip(blocks, workout.timeline, strict=True)
            if number(block, "x") - PX <= x <= number(block, "x") + number(block, "width") + PX
        ]
        assert any(step_label(segment.step) == label.text for _, segment in owners)
        assert any(number(block, "width") >= 6.2 * len(label.text or "") for block, _ in owners)


def test_the_example_workout_labels_its_long_steps() -> None:
    workout = Workout(
        "Labels", [step(seconds=600, kind=StepKind.WARMUP), step(Direction.BACKWARD, 5), step(seconds=600)]
    )
    labels = [t.text for t in with_class(parse(workout_chart(workout)), "text", "step-label")]
    assert labels == ["FW warmup", "FW active"]  # the 5-second block is too narrow for a label


# --- workout chart: accessibility, escaping, safety -----------------------------------------------------


def assert_no_external_references(root: etree._Element) -> None:
    for element in root.iter():
        assert not isinstance(element.tag, str) or etree.QName(element).localname not in ("script", "image")
        for name, value in element.attrib.items():
            assert not etree.QName(name).localname.startswith("on")
            if etree.QName(name).localname in ("href", "src"):
                raise AssertionError(f"{name}={value}")


def test_user_text_is_escaped_and_round_trips() -> None:
    name = "<script>alert(\"x\")</script> & 'q'"
    cue = 'Hold <rails> & "smile"'
    workout = Workout(name, [step(Direction.BACKWARD, cue=cue)])
    text = workout_chart(workout)
    assert "<script" not in text
    root = parse(text)
    assert root.findtext(NS + "title") == name
    assert one(root, "text", "chart-title").text == name
    tooltip = one(root, "rect", "segment").findtext(NS + "title") or ""
    assert tooltip.endswith(f". {cue}")
    assert list(root.iter(NS + "script")) == []


@pytest.mark.parametrize(
    ("keywords", "field"),
    [
        ({"width": 100}, "workout_chart.width"),
        ({"height": 20}, "workout_chart.height"),
        ({"width": 300.5}, "workout_chart.width"),
        ({"id_prefix": "1abc"}, "workout_chart.id_prefix"),
        ({"id_prefix": 'a"><script>'}, "workout_chart.id_prefix"),
    ],
)
def test_bad_sizes_and_prefixes_are_refused(keywords: dict[str, object], field: str) -> None:
    workout = Workout("W", [step()])
    with pytest.raises(ValidationError) as raised:
        workout_chart(workout, **keywords)  # type: ignore[arg-type]
    assert raised.value.field == field


# --- plan chart -------------------------------------------------------------------------------------------


@given(SMALL_PLANS)
def test_one_bar_per_session_in_order_and_deload_weeks_marked(plan: Plan) -> None:
    root = parse(plan_chart(plan))
    assert root.findtext(NS + "title") == plan.name
    bars = with_class(root, "rect", "session")
    sessions = list(plan.sessions())
    assert [(b.get("data-week"), b.get("data-session")) for b in bars] == [(str(w), str(s)) for w, s, _ in sessions]
    _left, top, _width, height = plot_box(root)
    minutes_max = number(one(root, "g", "minutes-axis"), "data-max")
    xs = [number(bar, "x") for bar in bars]
    assert xs == sorted(xs)
    for bar, (_, _, session) in zip(bars, sessions, strict=True):
        backward = session.workout.backward_time.exact
        assert number(bar, "data-backward-s") == float(backward)
        assert number(bar, "data-total-s") == float(session.workout.total_time.exact)
        assert abs(number(bar, "height") - height * float(backward / 60) / minutes_max) <= PX
        assert abs(number(bar, "y") + number(bar, "height") - (top + height)) <= 2 * PX

    deload_weeks = [str(n) for n, week in enumerate(plan.weeks, start=1) if week.deload]
    assert [band.get("data-week") for band in with_class(root, "rect", "deload-band")] == deload_weeks
    for bar in bars:
        is_deload = bar.get("data-week") in deload_weeks
        assert ("deload" in (bar.get("class") or "").split()) is is_deload
        assert (bar.get("fill") == "url(#ri-plan-deload-hatch)") is is_deload
    assert bool(with_class(root, "rect", "legend-swatch", "deload")) is bool(deload_weeks)
    # Few weeks: every deload band is wide enough for its word.
    assert [label.get("data-week") for label in with_class(root, "text", "deload-label")] == deload_weeks
    assert_no_external_references(root)


def test_a_known_plan_chart() -> None:
    short = Workout("Short", [step(Direction.BACKWARD, 120), step(seconds=60)])
    long = Workout("Long", [step(Direction.BACKWARD, 300), step(seconds=60)])
    plan = Plan(
        name="Known plan",
        weeks=[Week([Session(short), Session(long)]), Week([Session(short)], deload=True)],
    )
    root = parse(plan_chart(plan))
    bars = with_class(root, "rect", "session")
    assert [number(b, "data-backward-s") for b in bars] == [120, 300, 120]
    heights = [number(b, "height") for b in bars]
    assert heights[0] == pytest.approx(heights[1] * 2 / 5, abs=PX)
    assert heights[2] == pytest.approx(heights[0], abs=PX)
    assert tick_values(one(root, "g", "minutes-axis"))[-1] >= 5
    assert [t.text for t in with_class(root, "text", "week-number")] == ["1", "2"]
    assert [t.text for t in with_class(root, "text", "deload-label")] == ["deload"]
    assert "Deload weeks: 2." in (root.findtext(NS + "desc") or "")


def test_a_long_plan_thins_out_week_numbers_and_keeps_every_bar() -> None:
    workout = Workout("W", [step(Direction.BACKWARD, 90)])
    plan = Plan(name="Two years", weeks=[Week([Session(workout)] * 3, deload=n % 4 == 3) for n in range(104)])
    root = parse(plan_chart(plan))
    assert len(with_class(root, "rect", "session")) == 312
    assert len(with_class(root, "rect", "deload-band")) == 26
    numbers = [int(t.text or "") for t in with_class(root, "text", "week-number")]
    assert numbers[0] == 1
    assert 2 <= len(numbers) < 104
    assert with_class(root, "text", "deload-label") == []  # too narrow for the word; the band remains


def test_a_plan_without_backward_walking_still_has_an_axis() -> None:
    workout = Workout("Forward only", [step(seconds=600)])
    root = parse(plan_chart(Plan(name="Flat", weeks=[Week([Session(workout)])])))
    assert number(one(root, "g", "minutes-axis"), "data-max") >= 1
    assert number(one(root, "rect", "session"), "height") == 0


def test_plan_chart_exact_fractions_survive_in_data_attributes() -> None:
    from retrointervals import Distance  # noqa: PLC0415

    odd = attrs.evolve(step(Direction.BACKWARD), length=Distance.metres(100), speed=Speed.kmh(2.2))
    workout = Workout("Odd", [odd])
    assert workout.backward_time.exact.denominator != 1
    bar = one(parse(plan_chart(Plan(name="P", weeks=[Week([Session(workout)])]))), "rect", "session")
    assert Fraction(bar.get("data-backward-s") or "") == pytest.approx(workout.backward_time.exact)


def test_a_long_name_is_shortened_on_the_picture_only() -> None:
    name = "A very long workout name " * 3
    workout = Workout(name.strip(), [step()])
    root = parse(workout_chart(workout, width=400))
    assert root.findtext(NS + "title") == workout.name
    shown = one(root, "text", "chart-title").text or ""
    assert shown.endswith("\N{HORIZONTAL ELLIPSIS}")
    assert workout.name.startswith(shown[:-1])
    assert len(shown) * 9 <= 400 - 56


def test_a_stopped_belt_turn_is_drawn_at_zero_and_says_it_ends_on_lap() -> None:
    from retrointervals.plans import generate_plan  # noqa: PLC0415

    workout = generate_plan("rehab", Speed.kmh(4.0), weeks=1).weeks[0].sessions[0].workout
    root = parse(workout_chart(workout))
    stopped = [e for e in root.iter() if "belt-stopped" in (e.get("class") or "").split()]
    assert stopped
    assert len(stopped) == sum(seg.step.belt_stopped for seg in workout.timeline)
    for block in stopped:
        assert float(block.get("data-speed") or "nan") == 0.0
        assert "until-lap" in (block.get("class") or "").split()
        title = block.findtext(f"{{{SVG_NAMESPACE}}}title") or ""
        assert "belt stopped, restart at 1.0 km/h" in title
        assert "ends on the lap button" in title
