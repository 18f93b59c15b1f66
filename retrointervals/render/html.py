"""The printable plan report: one self-contained HTML page with the plan's summary, charts and sessions.

The page has inline CSS and inline SVG only: no scripts, no external files, no web fonts, nothing fetched from a
network. It prints cleanly on A4 and Letter (page margins, no page breaks inside a table or a chart), and each
session has a checkbox to tick on screen or on paper. The page is built with ``lxml.etree``, so every piece of
user text (names, labels, descriptions) is escaped by the serializer, never pasted into markup.

Stable hooks: ``section.week`` (plus ``deload``) with ``data-week``; ``tr.session`` with ``data-week`` and
``data-session``, cells ``td.total-time``, ``td.backward-time`` (with exact ``data-seconds``) and
``td.direction-changes``; ``input.done`` per session; ``dl.summary`` with ``data-field`` on each value;
``aside.safety``; ``figure.plan-chart`` and ``figure.session-chart``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction

from lxml import etree

from retrointervals import __version__
from retrointervals.model import Plan, Session, Week, Weekday
from retrointervals.render.svg import plan_chart_element, workout_chart_element
from retrointervals.safety import SAFETY_NOTE
from retrointervals.units import Duration

__all__ = ["plan_report"]

# Report charts are a little lower than the defaults so that a week's table and its charts fit a page.
_WORKOUT_CHART_HEIGHT = 220

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  margin: 0 auto; padding: 1.5rem; max-width: 52rem; color: #111; background: #fff; line-height: 1.4;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
}
h1 { font-size: 1.7rem; margin: 0 0 .75rem; }
h2 { font-size: 1.25rem; margin: 1.75rem 0 .5rem; break-after: avoid; page-break-after: avoid; }
.tag { font-size: .8rem; font-weight: normal; border: 1px solid #555; border-radius: .25rem; padding: 0 .35rem;
  margin-left: .5rem; vertical-align: middle; font-style: italic; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; }
.description { white-space: pre-line; margin: 0 0 1rem; }
aside.safety { border: 2px solid #b30000; border-left-width: .5rem; background: #fff4f4; padding: .75rem 1rem;
  margin: 1rem 0 1.5rem; font-weight: 600; break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; width: 100%; margin: .25rem 0 1rem; break-inside: avoid;
  page-break-inside: avoid; }
th, td { border: 1px solid #888; padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #ececec; }
tfoot td { font-weight: 600; }
.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.day { white-space: nowrap; }
td.done, th.done { text-align: center; width: 3.5rem; }
input.done { width: 1.15rem; height: 1.15rem; margin: 0; }
figure { margin: 0 0 1rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: .9rem; color: #333; margin-top: .2rem; }
.workout-description { white-space: pre-line; font-size: .9rem; margin: .2rem 0 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
footer { margin-top: 2rem; font-size: .8rem; color: #555; }
@page { margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  aside.safety { background: none; }
  thead th { background: none; border-bottom-width: 2px; }
  h2 { margin-top: 1.25rem; }
  /* A plain square box that prints the same everywhere; filled when ticked on screen before printing. */
  input.done { -webkit-appearance: none; appearance: none; border: 1.5px solid #000; border-radius: 0;
    width: 4.5mm; height: 4.5mm; }
  input.done:checked { background: #000; }
}
"""


def _el(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """Append an element; ``class_`` and ``data_week`` keyword names become ``class`` and ``data-week``."""
    element = etree.SubElement(parent, tag)
    for key, value in attributes.items():
        element.set(key.rstrip("_").replace("_", "-"), value)
    if text is not None:
        element.text = text
    return element


def _sum(durations: Iterable[Duration]) -> Duration:
    return Duration(sum((duration.exact for duration in durations), Fraction(0)))


def _seconds(duration: Duration) -> str:
    exact = duration.exact
    return str(exact.numerator) if exact.denominator == 1 else repr(float(exact))


def _minutes(duration: Duration) -> str:
    """Minutes to one decimal, without a trailing ``.0``: ``"96 min"``, ``"12.5 min"``."""
    text = f"{float(duration.exact) / 60:.1f}".removesuffix(".0")
    return f"{text} min"


def _day(date: dt.date | None, weekday: Weekday | None) -> str:
    if date is not None:
        return f"{Weekday(date.weekday()).short.title()} {date.isoformat()}"
    return weekday.name.title() if weekday is not None else "any day"


def _sessions_per_week(plan: Plan) -> str:
    counts = [len(week.sessions) for week in plan.weeks]
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low} to {high}"


def _summary(body: etree._Element, plan: Plan) -> None:
    header = _el(body, "header")
    _el(header, "h1", plan.name)
    workouts = [session.workout for _, _, session in plan.sessions()]
    backward = _sum(workout.backward_time for workout in workouts)
    total = _sum(workout.total_time for workout in workouts)
    rows: list[tuple[str, str, str, dict[str, str]]] = []
    if plan.level is not None:
        rows.append(("Level", "level", plan.level.value, {}))
    if plan.forward_speed is not None:
        rows.append(("Comfortable forward speed", "forward-speed", str(plan.forward_speed), {}))
    rows.extend(
        [
            ("Weeks", "weeks", str(len(plan.weeks)), {}),
            ("Sessions per week", "sessions-per-week", _sessions_per_week(plan), {}),
            ("Sessions in all", "sessions", str(len(workouts)), {}),
            (
                "Backward time in all",
                "backward-time",
                f"{backward} ({_minutes(backward)})",
                {"data-seconds": _seconds(backward)},
            ),
            ("Walking time in all", "total-time", f"{total} ({_minutes(total)})", {"data-seconds": _seconds(total)}),
        ]
    )
    deload = [str(number) for number, week in enumerate(plan.weeks, start=1) if week.deload]
    if deload:
        rows.append(("Deload weeks", "deload-weeks", ", ".join(deload), {}))
    if plan.start is not None:
        start = f"{Weekday(plan.start.weekday()).name.title()} {plan.start.isoformat()}"
        rows.append(("Start", "start", start, {"data-date": plan.start.isoformat()}))
    summary = _el(header, "dl", class_="summary")
    for term, field, value, extra in rows:
        _el(summary, "dt", term)
        value_cell = _el(summary, "dd", value, data_field=field)
        for key, attribute in extra.items():
            value_cell.set(key, attribute)
    if plan.description:
        _el(header, "p", plan.description, class_="description")


def _safety(body: etree._Element) -> None:
    aside = _el(body, "aside", class_="safety", role="note", aria_label="Safety")
    lead, _, rest = SAFETY_NOTE.partition(": ")
    paragraph = _el(aside, "p")
    _el(paragraph, "strong", f"{lead}:" if rest else lead).tail = f" {rest}" if rest else None


def _session_row(tbody: etree._Element, plan: Plan, week_index: int, session_index: int, session: Session) -> None:
    workout = session.workout
    week_number, session_number = str(week_index + 1), str(session_index + 1)
    row = _el(tbody, "tr", class_="session", data_week=week_number, data_session=session_number)
    box = _el(
        _el(row, "td", class_="done"),
        "input",
        type="checkbox",
        class_="done",
        id=f"done-w{week_number}-s{session_number}",
    )
    box.set("aria-label", f"Week {week_number}, session {session_number} done")
    _el(row, "td", session_number, class_="number session-number")
    _el(row, "td", _day(plan.session_date(week_index, session_index), session.weekday), class_="day")
    _el(row, "td", workout.name, class_="workout-name")
    _el(row, "td", str(workout.total_time), class_="number total-time", data_seconds=_seconds(workout.total_time))
    _el(
        row,
        "td",
        str(workout.backward_time),
        class_="number backward-time",
        data_seconds=_seconds(workout.backward_time),
    )
    _el(row, "td", str(workout.direction_changes), class_="number direction-changes")


def _week(body: etree._Element, plan: Plan, week_index: int, week: Week) -> None:
    number = str(week_index + 1)
    section = _el(body, "section", class_="week deload" if week.deload else "week", data_week=number)
    heading = _el(section, "h2", f"Week {number}: {week.label}" if week.label else f"Week {number}")
    if week.deload:
        heading.text = f"{heading.text} "  # keeps the words apart for screen readers and copy-paste
        _el(heading, "span", "deload week", class_="tag deload")

    table = _el(section, "table", class_="sessions")
    _el(table, "caption", f"Sessions of week {number}", class_="visually-hidden")
    header = _el(_el(table, "thead"), "tr")
    for text, class_ in (
        ("done", "done"),
        ("session", "number"),
        ("day", ""),
        ("workout", ""),
        ("total time", "number"),
        ("backward", "number"),
        ("direction changes", "number"),
    ):
        cell = _el(header, "th", text, scope="col")
        if class_:
            cell.set("class", class_)
    tbody = _el(table, "tbody")
    for session_index, session in enumerate(week.sessions):
        _session_row(tbody, plan, week_index, session_index, session)
    footer = _el(_el(table, "tfoot"), "tr", class_="week-total")
    _el(footer, "td", "week total", colspan="4")
    total = _sum(session.workout.total_time for session in week.sessions)
    backward = _sum(session.workout.backward_time for session in week.sessions)
    _el(footer, "td", str(total), class_="number total-time", data_seconds=_seconds(total))
    _el(footer, "td", str(backward), class_="number backward-time", data_seconds=_seconds(backward))
    changes = sum(session.workout.direction_changes for session in week.sessions)
    _el(footer, "td", str(changes), class_="number direction-changes")

    for session_index, session in enumerate(week.sessions):
        workout = session.workout
        figure = _el(section, "figure", class_="session-chart", data_session=str(session_index + 1))
        figure.append(
            workout_chart_element(workout, height=_WORKOUT_CHART_HEIGHT, id_prefix=f"w{number}s{session_index + 1}-")
        )
        caption = _el(figure, "figcaption", f"Week {number}, session {session_index + 1}: {workout.name}")
        if workout.description:
            _el(caption, "p", workout.description, class_="workout-description")


def plan_report(plan: Plan) -> str:
    """The plan as one self-contained, printable HTML page.

    The page shows the plan's summary (name, level, comfortable forward speed, weeks, sessions per week, total
    backward time, start date), the safety note, a chart of the backward minutes of every session, and each
    week as a table of sessions (day, workout, total time, backward time, direction changes, and a checkbox to
    tick when done) followed by the chart of each session's workout.

    Args:
        plan: The plan to report.

    Returns:
        The HTML5 document as text; write it as UTF-8 (the page declares ``<meta charset="utf-8">``).
    """
    html = etree.Element("html", lang="en")
    head = _el(html, "head")
    _el(head, "meta", charset="utf-8")
    _el(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _el(head, "meta", name="generator", content=f"retrointervals {__version__}")
    _el(head, "title", f"{plan.name}: treadmill plan")
    _el(head, "style", _CSS)
    body = _el(html, "body")

    _summary(body, plan)
    _safety(body)

    overview = _el(body, "section", class_="overview")
    _el(overview, "h2", "Backward minutes per session")
    figure = _el(overview, "figure", class_="plan-chart")
    figure.append(plan_chart_element(plan))
    _el(figure, "figcaption", "Backward walking in each session, week by week; deload weeks are shaded.")

    for week_index, week in enumerate(plan.weeks):
        _week(body, plan, week_index, week)

    _el(body, "footer", f"Made with retrointervals {__version__}. Tick each session when you have done it.")
    return etree.tostring(html, method="html", encoding="unicode", doctype="<!DOCTYPE html>") + "\n"
