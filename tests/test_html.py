"""The plan report: a self-contained, printable HTML page whose numbers are the model's own."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from fractions import Fraction

import lxml.html
from hypothesis import given
from lxml import etree

from retrointervals import (
    Direction,
    Distance,
    Duration,
    Level,
    Plan,
    Session,
    Speed,
    Step,
    StepKind,
    Week,
    Weekday,
    Workout,
)
from retrointervals import strategies as ris
from retrointervals.render.html import LOG_FIELDS, plan_report
from retrointervals.safety import SAFETY_NOTE

# Small plans keep the ci profile quick (generating a plan means generating each session's workout): two weeks
# put ordinary and deload weeks side by side; the default workouts of ris.plans() are small. See test_svg.py.
SMALL_PLANS = ris.plans(max_weeks=2)


def parse(text: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(text)


def with_class(root: etree._Element, tag: str, *classes: str) -> list[etree._Element]:
    return [e for e in root.iter(tag) if set(classes) <= set((e.get("class") or "").split())]


def text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def cell(row: etree._Element, name: str) -> etree._Element:
    (found,) = with_class(row, "td", name)
    return found


def seconds(element: etree._Element) -> Fraction:
    return Fraction(element.get("data-seconds") or "")


def total(durations: Iterable[Duration]) -> Duration:
    return Duration(sum((d.exact for d in durations), Fraction(0)))


def summary_value(root: etree._Element, field: str) -> etree._Element:
    (found,) = root.xpath(f"//dl[@class='summary']/dd[@data-field='{field}']")
    return found


def walk(direction: Direction, seconds: int, kmh: float = 3.0) -> Step:
    return Step(direction=direction, kind=StepKind.ACTIVE, length=Duration.seconds(seconds), speed=Speed.kmh(kmh))


def example_plan(name: str = "Four weeks", description: str = "") -> Plan:
    a = Workout(
        "Intervals A", [walk(Direction.FORWARD, 300), walk(Direction.BACKWARD, 120), walk(Direction.FORWARD, 60)]
    )
    b = Workout("Intervals B", [walk(Direction.BACKWARD, 240, 2.0), walk(Direction.FORWARD, 300)])
    return Plan(
        name=name,
        weeks=[
            Week([Session(a, Weekday.MONDAY), Session(b, Weekday.THURSDAY)], label="start"),
            Week([Session(a, Weekday.MONDAY), Session(b, Weekday.WEDNESDAY), Session(a, Weekday.FRIDAY)]),
            Week([Session(a, Weekday.TUESDAY)], label="deload", deload=True),
        ],
        level=Level.BEGINNER,
        forward_speed=Speed.kmh(4.5),
        start=dt.date(2025, 3, 3),
        description=description,
    )


# --- properties ---------------------------------------------------------------------------------------------


@given(SMALL_PLANS)
def test_the_report_holds_every_session_with_the_models_totals(plan: Plan) -> None:
    text = plan_report(plan)
    root = parse(text)
    sessions = list(plan.sessions())

    # One log row and one checkbox per session, in order; one steps table and chart per distinct workout.
    rows = with_class(root, "tr", "session")
    assert [(r.get("data-week"), r.get("data-session")) for r in rows] == [(str(w), str(s)) for w, s, _ in sessions]
    boxes = root.xpath("//input[@type='checkbox']")
    assert len(boxes) == len(sessions)
    assert all(box.xpath("ancestor::tr[contains(@class, 'session')]") for box in boxes)
    assert_one_chart_per_distinct_workout(root, plan)

    for row, (week, number, session) in zip(rows, sessions, strict=True):
        fields = [c.get("data-field") for c in with_class(row, "td", "log")]
        assert sorted(fields) == sorted(f for f, _ in LOG_FIELDS)
        workout = session.workout
        assert text_of(cell(row, "workout-name")) == " ".join(workout.name.split())
        assert cell(row, "workout-name").text == workout.name
        assert cell(row, "total-time").text == str(workout.total_time)
        assert seconds(cell(row, "total-time")) == _float_fraction(workout.total_time.exact)
        assert cell(row, "backward-time").text == str(workout.backward_time)
        assert seconds(cell(row, "backward-time")) == _float_fraction(workout.backward_time.exact)
        assert cell(row, "direction-changes").text == str(workout.direction_changes)
        date = plan.session_date(week - 1, number - 1)
        day = cell(row, "day").text or ""
        if date is not None:
            assert day.endswith(date.isoformat())
        elif session.weekday is not None:
            assert day == session.weekday.name.title()

    # The plan's totals.
    workouts = [session.workout for _, _, session in sessions]
    assert seconds(summary_value(root, "backward-time")) == _float_fraction(
        total(w.backward_time for w in workouts).exact
    )
    assert (summary_value(root, "backward-time").text or "").startswith(str(total(w.backward_time for w in workouts)))
    assert summary_value(root, "weeks").text == str(len(plan.weeks))
    assert summary_value(root, "sessions").text == str(len(sessions))
    counts = sorted({len(week.sessions) for week in plan.weeks})
    expected = str(counts[0]) if len(counts) == 1 else f"{counts[0]} to {counts[-1]}"
    assert summary_value(root, "sessions-per-week").text == expected
    assert root.findtext(".//h1") == plan.name
    assert root.findtext(".//head/title") == f"{plan.name}: treadmill plan"

    # Deload weeks are marked.
    sections = with_class(root, "section", "week")
    assert [s.get("data-week") for s in sections] == [str(n) for n in range(1, len(plan.weeks) + 1)]
    for section, week in zip(sections, plan.weeks, strict=True):
        assert ("deload" in (section.get("class") or "").split()) is week.deload
        assert bool(with_class(section, "span", "deload")) is week.deload
        week_total = with_class(section, "tr", "week-total")[0]
        assert seconds(cell(week_total, "backward-time")) == _float_fraction(
            total(s.workout.backward_time for s in week.sessions).exact
        )

    assert_self_contained(text, root)


def assert_one_chart_per_distinct_workout(root: etree._Element, plan: Plan) -> None:
    first_of: dict[object, Workout] = {}
    for _, _, session in plan.sessions():
        first_of.setdefault(session.workout.steps, session.workout)
    charts = root.xpath("//figure[contains(@class, 'session-chart')]/svg")
    assert len(charts) == len(first_of) == len(with_class(root, "table", "steps"))
    assert len(root.xpath("//figure[contains(@class, 'plan-chart')]/svg")) == 1
    for chart, workout in zip(charts, first_of.values(), strict=True):
        # The chart is its workout's own: one backward block per backward segment.
        backward = chart.xpath(".//rect[contains(@class, 'segment') and contains(@class, 'backward')]")
        assert len(backward) == sum(s.step.is_backward for s in workout.timeline)
        assert chart.findtext("title") == workout.name


def _float_fraction(exact: Fraction) -> Fraction:
    """What the page writes for an exact number of seconds: the integer, or the nearest float."""
    return exact if exact.denominator == 1 else Fraction(repr(float(exact)))


def assert_self_contained(text: str, root: etree._Element) -> None:
    """No scripts, no event handlers, nothing loaded from elsewhere, unique ids."""
    assert text.startswith("<!DOCTYPE html>")
    assert root.xpath("//script | //link | //iframe | //object | //embed | //img | //base") == []
    for element in root.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            if name.lower() in ("href", "src", "xlink:href", "action", "srcset"):
                raise AssertionError(f"{name}={value}")
    style = "".join(root.xpath("//style/text()"))
    assert "@import" not in style
    assert re.search(r"url\(\s*['\"]?(?!#)", style) is None  # only url(#pattern) references, if any
    assert "@font-face" not in style
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids))
    for reference in re.findall(r"url\(#([^)]*)\)", text):
        assert reference in ids


# --- examples -------------------------------------------------------------------------------------------------


def test_a_known_plan_report() -> None:
    plan = example_plan()
    root = parse(plan_report(plan))
    assert root.get("lang") == "en"
    assert root.xpath("//head/meta[@charset='utf-8']")
    assert summary_value(root, "level").text == "beginner"
    assert summary_value(root, "forward-speed").text == "4.5 km/h"
    assert summary_value(root, "weeks").text == "3"
    assert summary_value(root, "sessions-per-week").text == "1 to 3"
    # Backward: 2 + 4 + 2 + 4 + 2 + 2 = 16 minutes; in all 8 + 9 + 8 + 9 + 8 + 8 = 50 minutes.
    assert summary_value(root, "backward-time").text == "16:00 (16 min)"
    assert summary_value(root, "total-time").text == "50:00 (50 min)"
    assert summary_value(root, "deload-weeks").text == "3"
    assert summary_value(root, "start").text == "Monday 2025-03-03"
    days = [cell(row, "day").text for row in with_class(root, "tr", "session")]
    assert days == [
        "Mon 2025-03-03",
        "Thu 2025-03-06",
        "Mon 2025-03-10",
        "Wed 2025-03-12",
        "Fri 2025-03-14",
        "Tue 2025-03-18",
    ]
    headings = [text_of(h) for h in root.xpath("//section[contains(@class, 'week')]/h2")]
    assert headings == ["Week 1: start", "Week 2", "Week 3: deload deload week"]
    (deload_section,) = with_class(root, "section", "deload")
    assert deload_section.get("data-week") == "3"
    assert len(root.xpath("//input[@type='checkbox']")) == 6


def test_the_safety_note_is_shown_in_full_before_the_weeks() -> None:
    root = parse(plan_report(example_plan()))
    (aside,) = with_class(root, "aside", "safety")
    assert text_of(aside) == SAFETY_NOTE
    order = [e for e in root.iter() if e.tag in ("aside", "section")]
    assert order[0] is aside


def test_user_text_is_escaped_and_round_trips() -> None:
    name = "<script>alert(\"x\")</script> & 'q'"
    description = "Line <one> & \"two\"\nLine 'three' </p>"
    plan = example_plan(name=name, description=description)
    text = plan_report(plan)
    assert "<script" not in text
    assert "'three' </p>" not in text
    root = parse(text)
    assert root.xpath("//script") == []
    assert root.findtext(".//h1") == name
    assert root.findtext(".//head/title") == f"{name}: treadmill plan"
    (paragraph,) = with_class(root, "p", "description")
    assert paragraph.text == description
    assert root.xpath("//svg[contains(@class, 'plan-chart')]/title/text()") == [name]


def test_a_week_label_and_workout_text_are_escaped() -> None:
    workout = Workout('A & B <"c">', [walk(Direction.BACKWARD, 60)], description="Go <slow> & steady")
    plan = Plan(name="P", weeks=[Week([Session(workout)], label="<b>bold</b> & co")])
    root = parse(plan_report(plan))
    assert text_of(root.xpath("//section[contains(@class, 'week')]/h2")[0]) == "Week 1: <b>bold</b> & co"
    assert root.xpath("//section//h2/b") == []
    assert cell(with_class(root, "tr", "session")[0], "workout-name").text == 'A & B <"c">'
    assert with_class(root, "p", "workout-description")[0].text == "Go <slow> & steady"


def test_fractional_times_keep_their_exact_seconds() -> None:
    distance = Step(
        direction=Direction.BACKWARD, kind=StepKind.ACTIVE, length=Distance.metres(100), speed=Speed.kmh(2.2)
    )
    workout = Workout("By distance", [distance])
    root = parse(plan_report(Plan(name="P", weeks=[Week([Session(workout)])])))
    row = with_class(root, "tr", "session")[0]
    assert workout.backward_time.exact.denominator != 1
    assert seconds(cell(row, "backward-time")) == _float_fraction(workout.backward_time.exact)
    assert cell(row, "backward-time").text == str(workout.backward_time)
    assert cell(row, "day").text == "any day"


def test_the_page_prints_cleanly() -> None:
    root = parse(plan_report(example_plan()))
    style = "".join(root.xpath("//style/text()"))
    assert "@page" in style
    assert "@media print" in style
    assert re.search(r"figure \{[^}]*page-break-inside: avoid", style)
    assert re.search(r"tr \{[^}]*page-break-inside: avoid", style)
    # Charts scale to the page width (A4 and Letter alike) instead of overflowing it.
    assert re.search(r"figure svg \{[^}]*width: 100%", style)
    for svg in root.xpath("//svg"):
        assert svg.get("viewbox")


# --- the printout is the plan -----------------------------------------------------------------------------------


def test_the_report_carries_every_instruction_of_a_generated_plan() -> None:
    from retrointervals.plans import generate_plan  # noqa: PLC0415
    from retrointervals.safety import FORM_CUES, RED_FLAGS, SCREENING_QUESTIONS, STOP_SIGNS  # noqa: PLC0415

    plan = generate_plan("rehab", Speed.kmh(4.0), weeks=4)
    root = parse(plan_report(plan))
    page = text_of(root)
    # Who the level is for, what to check first, when to stop, how to turn, the form cues.
    assert "Who the rehab level is for:" in page
    for text in (*SCREENING_QUESTIONS, *RED_FLAGS, *FORM_CUES):
        assert " ".join(text.split()) in page
    assert all(sign in page for sign in STOP_SIGNS)
    assert "Turn around with the belt stopped" in page
    assert "No study has tested how to turn around" in page
    # Every step of the first session, compactly: direction, time, speed, incline, rails, cue.
    (first_table, *_) = with_class(root, "table", "steps")
    headings = [th.text for th in first_table.iter("th")]
    assert headings == ["step", "direction", "time", "speed", "incline", "rails", "cue"]
    rows = [[text_of(td) for td in row.iter("td")] for row in with_class(first_table, "tr", "step")]
    turn = rows[1]
    assert turn[:4] == ["turn", "forward", "about 0:30, until lap", "belt stopped, restart at 1.0 km/h"]
    assert turn[4:6] == ["0.0 %", "hold"]
    assert turn[6].startswith("Stop the belt")
    bout = rows[2]
    assert bout[:6] == ["bout", "backward", "0:30", "1.6 km/h", "0.0 %", "hold"]
    # Identical sessions once: the three sessions of a week share one table.
    assert len(with_class(root, "table", "steps")) == len(plan.weeks)
    # The CERT description for researchers.
    (cert,) = with_class(root, "section", "cert")
    cert_text = text_of(cert)
    for item in ("1 Equipment", "7a Progression rules", "8 Each exercise", "13 Dosage", "16b Delivered as planned"):
        assert item in cert_text
    assert "S10" in cert_text
    assert "stopped belt" in cert_text


def test_a_report_for_a_treadmill_without_rails_never_says_to_hold_them() -> None:
    from retrointervals.plans import generate_plan  # noqa: PLC0415
    from retrointervals.treadmill import WALKING_PAD  # noqa: PLC0415

    root = parse(plan_report(generate_plan("advanced", Speed.kmh(4.5), WALKING_PAD, weeks=2)))
    page = text_of(root).lower()
    assert "hold the rails" not in page
    assert "hold the handrails" not in page
    assert "walking stick" in page
    assert "wall-mounted support" in page
    for table in with_class(root, "table", "steps"):
        assert "rails" not in [th.text for th in table.iter("th")]


def test_an_mph_plan_report_speaks_mph() -> None:
    from retrointervals.plans import generate_plan  # noqa: PLC0415
    from retrointervals.treadmill import MPH  # noqa: PLC0415

    page = text_of(parse(plan_report(generate_plan("beginner", Speed.mph(2.8), MPH, weeks=2))))
    assert "km/h" not in page
    assert "mph" in page


def test_a_kmh_forward_speed_on_an_mph_treadmill_is_shown_in_mph() -> None:
    from retrointervals.plans import generate_plan  # noqa: PLC0415
    from retrointervals.treadmill import MPH  # noqa: PLC0415

    root = parse(plan_report(generate_plan("rehab", Speed.kmh(3.5), MPH, weeks=1)))
    assert summary_value(root, "forward-speed").text == "2.17 mph"
    assert "km/h" not in text_of(root)
