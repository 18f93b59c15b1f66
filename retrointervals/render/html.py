"""The printable plan report: one self-contained HTML page that is enough to walk the plan safely.

The page holds the plan's summary, who the level is for, what to check before starting (screening questions and
red flags), when to stop a session, how to turn around and the form cues, every session's steps in a compact
table (identical sessions shown once), a log row per session to fill in, and the plan's exercise description
along the CERT items for researchers.

It has inline CSS and inline SVG only: no scripts, no external files, no web fonts, nothing fetched from a network.
It prints in black and white on A4 and Letter (a 4-week plan on at most 4 pages; session charts are screen-only)
and needs no sideways scrolling on a 390 px wide phone (tables stack into labelled rows). The page is built with
``lxml.etree``, so every piece of user text is escaped by the serializer, never pasted into markup.

Stable hooks: ``section.week`` (plus ``deload``) with ``data-week``; ``table.steps`` with ``data-sessions``;
``tr.session`` with ``data-week`` and ``data-session``, cells ``td.total-time``, ``td.backward-time`` (with exact
``data-seconds``), ``td.direction-changes`` and one empty ``td.log`` per log field (``data-field`` = the session log
column: ``date``, ``status``, ``backward_minutes``, ``rpe``, ``pain_during``, ``pain_after``, ``pain_next_morning``,
``stumble``, ``notes``); ``input.done`` per session; ``dl.summary`` with ``data-field`` on each value;
``aside.safety``; ``section.before-you-start``, ``section.stop``, ``section.cert``; ``figure.plan-chart`` and
``figure.session-chart`` (one per distinct workout); with reviews, ``section.walked`` holding a
``figure.review-chart`` with ``data-session`` per reviewed recording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from lxml import etree

from retrointervals import __version__
from retrointervals.model import Direction, Plan, Repeat, Session, Step, StepKind, Week, Weekday, Workout
from retrointervals.plans.levels import DEFAULT_RULES, ProgressionRules
from retrointervals.plans.loads import speed_text
from retrointervals.render.svg import plan_chart_element, workout_chart_element
from retrointervals.safety import FORM_CUES, RED_FLAGS, SAFETY_NOTE, SCREENING_QUESTIONS, STOP_SIGNS
from retrointervals.units import Duration

if TYPE_CHECKING:
    from retrointervals.review import SessionReview

__all__ = ["LOG_FIELDS", "plan_report"]

# Session charts are screen-only and low, so that the printout stays compact.
_WORKOUT_CHART_HEIGHT = 160

#: The session log's fields, in order: (column name, heading). The names are the session log's (``log.csv``)
#: column names (``retrointervals.sessionlog.COLUMNS``): ``status`` is ticked here as "done".
LOG_FIELDS: tuple[tuple[str, str], ...] = (
    ("date", "date"),
    ("status", "done"),
    ("backward_minutes", "backward minutes"),
    ("rpe", "effort RPE Borg 6-20"),
    ("pain_during", "pain during 0-10"),
    ("pain_after", "pain after 0-10"),
    ("pain_next_morning", "pain next morning 0-10"),
    ("stumble", "stumble or near-fall"),
    ("notes", "notes"),
)

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  margin: 0 auto; padding: 1rem; max-width: 52rem; color: #000; background: #fff; line-height: 1.35;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  overflow-wrap: break-word;
}
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.15rem; margin: 1.25rem 0 .4rem; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 1rem; margin: .6rem 0 .3rem; break-after: avoid; page-break-after: avoid; }
p, ul, ol { margin: .3rem 0; }
ul, ol { padding-left: 1.2rem; }
.tag { font-size: .8rem; font-weight: normal; border: 1px solid #000; border-radius: .25rem; padding: 0 .35rem;
  margin-left: .5rem; vertical-align: middle; font-style: italic; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: 0 0 .6rem; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; }
.description { white-space: pre-line; margin: 0 0 .6rem; }
aside.safety { border: 2px solid #000; border-left-width: .5rem; padding: .5rem .8rem; margin: .6rem 0 1rem;
  font-weight: 600; break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; width: 100%; margin: .2rem 0 .6rem; }
th, td { border: 1px solid #000; padding: .15rem .35rem; text-align: left; vertical-align: top; }
thead th { font-weight: 700; border-bottom-width: 2px; }
tr { break-inside: avoid; page-break-inside: avoid; }
tfoot td { font-weight: 600; }
.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.day { white-space: nowrap; }
td.done, th.done { text-align: center; width: 2.5rem; }
input.done { width: 1.1rem; height: 1.1rem; margin: 0; }
td.log { min-width: 2.2rem; }
table.steps tr.repeat td { font-style: italic; border-bottom: none; }
table.steps tr.in-repeat td:first-child { padding-left: 1rem; }
figure { margin: 0 0 .6rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: .85rem; margin-top: .15rem; }
.workout-description { white-space: pre-line; font-size: .9rem; margin: .2rem 0; }
.same { font-style: italic; }
section.cert dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; font-size: .85rem; }
section.cert dt { font-weight: 600; }
section.cert dd { margin: 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
footer { margin-top: 1rem; font-size: .8rem; }
@page { size: auto; margin: 9mm 9mm; }
/* A phone: tables become labelled rows, so nothing scrolls sideways. */
@media (max-width: 40rem) {
  body { padding: .5rem; }
  table, thead, tbody, tfoot, tr, th, td { display: block; width: auto; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr { border: 1px solid #000; margin: 0 0 .4rem; }
  td { border: none; border-bottom: 1px dotted #000; text-align: left; white-space: normal; }
  td::before { content: attr(data-label); font-weight: 600; margin-right: .4rem; }
  td.done, th.done { width: auto; text-align: left; }
  dl.summary, section.cert dl { grid-template-columns: 1fr; }
}
@media print {
  html { font-size: 8pt; }
  body { max-width: none; padding: 0; font-size: 1rem; line-height: 1.2; }
  table.steps, table.sessions { table-layout: fixed; }
  th, td { padding: .3mm 1mm; }
  table.steps th.col-step { width: 14mm; } table.steps th.col-direction { width: 14mm; }
  table.steps th.col-time { width: 21mm; } table.steps th.col-speed { width: 33mm; }
  table.steps th.col-incline { width: 10mm; } table.steps th.col-rails { width: 8mm; }
  table.sessions { font-size: 7pt; }
  .workout-description { font-size: 1rem; }
  table.sessions th { font-weight: 600; }
  table.sessions th.col-done { width: 7mm; } table.sessions th.col-session { width: 5mm; }
  table.sessions th.col-planned-day { width: 17mm; } table.sessions th.col-workout { width: 16mm; }
  table.sessions th.col-total-time, table.sessions th.col-backward-planned { width: 10mm; }
  table.sessions th.col-turns { width: 7mm; } table.sessions th.col-date { width: 14mm; }
  table.sessions th.log { width: 11mm; } table.sessions th.col-notes { width: auto; }
  tr.session td { height: 7mm; }
  section.cert dl { font-size: 7pt; }
  * { color: #000 !important; background: none !important; }
  h1 { font-size: 14pt; }
  h2 { font-size: 11pt; margin-top: .6rem; }
  h3 { font-size: 9pt; }
  figure.session-chart { display: none; }
  figure.review-chart { break-inside: avoid; page-break-inside: avoid; }
  figure.review-chart svg { max-height: 30mm; width: auto; max-width: 100%; }
  figure.plan-chart svg { max-height: 38mm; width: auto; max-width: 100%; }
  /* A plain square box that prints the same everywhere; filled when ticked on screen before printing. */
  input.done { -webkit-appearance: none; appearance: none; border: 1.5px solid #000; border-radius: 0;
    width: 3.5mm; height: 3.5mm; }
  input.done:checked { background: #000 !important; }
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


def _forward(plan: Plan) -> str:
    """The comfortable forward speed in the treadmill console's unit (an mph plan speaks mph)."""
    speed = plan.forward_speed
    if speed is None:
        return ""
    if plan.treadmill is not None and speed.unit is not plan.treadmill.unit:
        return speed_text(speed.exact_kmh, plan.treadmill.unit)
    return str(speed)


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
        rows.append(("Comfortable forward speed", "forward-speed", _forward(plan), {}))
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


def _list(parent: etree._Element, items: Iterable[str], tag: str = "ul") -> None:
    listing = _el(parent, tag)
    for item in items:
        _el(listing, "li", item)


def _has_rails(plan: Plan) -> bool:
    return plan.treadmill.handrails if plan.treadmill is not None else True


def _stopped_turns(plan: Plan) -> bool:
    return any(segment.step.belt_stopped for _, _, session in plan.sessions() for segment in session.workout.timeline)


def _before_you_start(body: etree._Element, plan: Plan, rules: ProgressionRules) -> None:
    section = _el(body, "section", class_="before-you-start")
    _el(section, "h2", "Before you start")
    if plan.level is not None:
        who = rules.level(plan.level).who
        if who:
            paragraph = _el(section, "p")
            _el(paragraph, "strong", f"Who the {plan.level.value} level is for:").tail = f" {who}."
    _el(section, "p", "Ask a clinician before starting if you answer yes to any of these:")
    _list(section, SCREENING_QUESTIONS, "ol")
    _el(section, "p", "Red flags: see a clinician and do not start (or stop) if you have any of these:")
    _list(section, RED_FLAGS)


def _how_to_walk(body: etree._Element, plan: Plan) -> None:
    section = _el(body, "section", class_="stop")
    _el(section, "h2", "When to stop, turning around, form")
    paragraph = _el(section, "p")
    _el(paragraph, "strong", "Stop the session").tail = (
        " and see a clinician before the next one if you notice: " + "; ".join(STOP_SIGNS) + "."
    )
    rails = _has_rails(plan)
    if _stopped_turns(plan):
        turning = (
            "Turn around with the belt stopped: stop the belt, "
            + ("hold the handrails, " if rails else "stand still, ")
            + "turn to face the other way, start the belt again at the slow speed shown, then press lap. "
            "No study has tested how to turn around on a treadmill; stopping the belt is this plan's choice."
        )
    else:
        turning = (
            "Turn around on the slow belt with both hands on the handrails. No study has tested how to turn around "
            "on a treadmill; slow turns are an opt-in choice."
        )
    _el(section, "p", turning)
    if not rails:
        _el(
            section,
            "p",
            "This treadmill has no handrails. Practise backward walking overground first, with a walking stick or "
            "next to a wall-mounted support (advice from a blog post), and keep a partner beside the machine.",
        )
    _el(section, "p", "Form (from a blog post, adapted to a treadmill):")
    _list(section, FORM_CUES)


def _step_cells(step: Step, rails: bool) -> list[tuple[str, str]]:
    """The columns of a step row: (label, text)."""
    kinds = {
        StepKind.WARMUP: "warm-up",
        StepKind.COOLDOWN: "cool-down",
        StepKind.TRANSITION: "turn",
        StepKind.RECOVERY: "recovery",
        StepKind.ACTIVE: "bout",
    }
    length = str(step.length)
    if step.until_lap:
        length = f"about {length}, until lap"
    speed = f"belt stopped, restart at {step.speed}" if step.belt_stopped else str(step.speed)
    cells = [
        ("step", kinds.get(step.kind, step.kind.value)),
        ("direction", "backward" if step.direction is Direction.BACKWARD else "forward"),
        ("time", length),
        ("speed", speed),
        ("incline", str(step.incline)),
        ("rails", "hold" if step.hold_handrails else "-"),
        ("cue", step.cue or ""),
    ]
    return cells if rails else [cell for cell in cells if cell[0] != "rails"]


def _step_rows(tbody: etree._Element, items: Iterable[Step | Repeat], rails: bool, depth: int = 0) -> None:
    for item in items:
        if isinstance(item, Repeat):
            row = _el(tbody, "tr", class_="repeat")
            _el(row, "td", f"repeat {item.count} times:", colspan="7" if rails else "6", data_label="")
            _step_rows(tbody, item.steps, rails, depth + 1)
            continue
        row = _el(tbody, "tr", class_="step in-repeat" if depth else "step")
        for label, text in _step_cells(item, rails):
            _el(row, "td", text, data_label=label)


def _steps_table(parent: etree._Element, workout: Workout, sessions: str, rails: bool) -> None:
    """The workout's steps, repeats as written; no rails column for a treadmill without handrails."""
    table = _el(parent, "table", class_="steps", data_sessions=sessions)
    _el(table, "caption", f"Steps of {sessions}", class_="visually-hidden")
    header = _el(_el(table, "thead"), "tr")
    columns = ("step", "direction", "time", "speed", "incline", "rails", "cue")
    for text in columns if rails else tuple(c for c in columns if c != "rails"):
        _el(header, "th", text, scope="col", class_=f"col-{text}")
    _step_rows(_el(table, "tbody"), workout.steps, rails)


def _session_row(tbody: etree._Element, plan: Plan, week_index: int, session_index: int, session: Session) -> None:
    workout = session.workout
    week_number, session_number = str(week_index + 1), str(session_index + 1)
    row = _el(tbody, "tr", class_="session", data_week=week_number, data_session=session_number)
    box = _el(
        _el(row, "td", class_="done log", data_label="done", data_field="status"),
        "input",
        type="checkbox",
        class_="done",
        id=f"done-w{week_number}-s{session_number}",
    )
    box.set("aria-label", f"Week {week_number}, session {session_number} done")
    _el(row, "td", session_number, class_="number session-number", data_label="session")
    _el(
        row,
        "td",
        _day(plan.session_date(week_index, session_index), session.weekday),
        class_="day",
        data_label="planned day",
    )
    _el(row, "td", workout.name, class_="workout-name", data_label="workout")
    _el(
        row,
        "td",
        str(workout.total_time),
        class_="number total-time",
        data_seconds=_seconds(workout.total_time),
        data_label="total time",
    )
    _el(
        row,
        "td",
        str(workout.backward_time),
        class_="number backward-time",
        data_seconds=_seconds(workout.backward_time),
        data_label="backward planned",
    )
    _el(row, "td", str(workout.direction_changes), class_="number direction-changes", data_label="turns")
    for field, heading in LOG_FIELDS:
        if field != "status":
            _el(row, "td", "", class_="log", data_field=field, data_label=heading)


def _week(
    body: etree._Element, plan: Plan, week_index: int, week: Week, shown: dict[tuple[Step | Repeat, ...], str]
) -> None:
    number = str(week_index + 1)
    section = _el(body, "section", class_="week deload" if week.deload else "week", data_week=number)
    heading = _el(section, "h2", f"Week {number}: {week.label}" if week.label else f"Week {number}")
    if week.deload:
        heading.text = f"{heading.text} "  # keeps the words apart for screen readers and copy-paste
        _el(heading, "span", "deload week", class_="tag deload")

    # Each distinct workout once: identical sessions share one steps table, later weeks point back to it.
    groups: dict[tuple[Step | Repeat, ...], list[int]] = {}
    for session_index, session in enumerate(week.sessions):
        groups.setdefault(session.workout.steps, []).append(session_index + 1)
    for steps, numbers in groups.items():
        workout = week.sessions[numbers[0] - 1].workout
        which = ", ".join(str(n) for n in numbers)
        label = f"week {number}, session{'s' if len(numbers) > 1 else ''} {which}"
        if steps in shown:
            _el(section, "p", f"Sessions {which}: the same steps as {shown[steps]}.", class_="same")
            continue
        shown[steps] = label
        _el(section, "h3", f"Steps of {label}")
        if workout.description:
            _el(section, "p", workout.description, class_="workout-description")
        _steps_table(section, workout, label, _has_rails(plan))
        figure = _el(section, "figure", class_="session-chart", data_session=str(numbers[0]))
        figure.append(
            workout_chart_element(workout, height=_WORKOUT_CHART_HEIGHT, id_prefix=f"w{number}s{numbers[0]}-")
        )
        _el(figure, "figcaption", f"Week {number}, session {which}: {workout.name}")

    table = _el(section, "table", class_="sessions")
    _el(table, "caption", f"Log of week {number}: fill in after each session", class_="visually-hidden")
    header = _el(_el(table, "thead"), "tr")
    columns = [
        ("done", "done"),
        ("session", "number"),
        ("planned day", ""),
        ("workout", ""),
        ("total time", "number"),
        ("backward planned", "number"),
        ("turns", "number"),
        *((heading, "log") for field, heading in LOG_FIELDS if field != "status"),
    ]
    for text, class_ in columns:
        name = "col-" + text.split(" 0-10")[0].split(" RPE")[0].replace(" ", "-")
        _el(header, "th", text, scope="col", class_=f"{class_} {name}".strip())
    tbody = _el(table, "tbody")
    for session_index, session in enumerate(week.sessions):
        _session_row(tbody, plan, week_index, session_index, session)
    footer = _el(_el(table, "tfoot"), "tr", class_="week-total")
    _el(footer, "td", "week total", colspan="4", data_label="")
    total = _sum(session.workout.total_time for session in week.sessions)
    backward = _sum(session.workout.backward_time for session in week.sessions)
    _el(footer, "td", str(total), class_="number total-time", data_seconds=_seconds(total), data_label="total time")
    _el(
        footer,
        "td",
        str(backward),
        class_="number backward-time",
        data_seconds=_seconds(backward),
        data_label="backward planned",
    )
    changes = sum(session.workout.direction_changes for session in week.sessions)
    _el(footer, "td", str(changes), class_="number direction-changes", data_label="turns")
    _el(footer, "td", "", colspan=str(len(LOG_FIELDS) - 1), data_label="")


def _cert(body: etree._Element, plan: Plan, rules: ProgressionRules) -> None:
    """The plan's exercise description along the CERT items (Slade 2016), as far as the plan holds them."""
    from retrointervals.plans.rules import RULES  # noqa: PLC0415 - the report needs the rule IDs only here

    section = _el(body, "section", class_="cert")
    _el(section, "h2", "For researchers: the exercise as CERT describes it")
    treadmill = str(plan.treadmill) if plan.treadmill is not None else "not recorded"
    workouts = [session.workout for _, _, session in plan.sessions()]
    per_week = _sessions_per_week(plan)
    backward = [str(week.sessions[0].workout.backward_time) for week in plan.weeks if week.sessions]
    level = rules.level(plan.level) if plan.level is not None else None
    turn = "stopped belt (ends on the lap button)" if _stopped_turns(plan) else "slow belt, hands on the rails"
    items = [
        ("1 Equipment", f"Treadmill {treadmill}; safety key clipped on."),
        ("2 Provider", "Self-selected by the walker from retrointervals' levels; no clinician named in the plan."),
        ("3 Individual or group", "Individual."),
        ("4 Supervision and delivery", "Unsupervised as generated; printed plan and device files."),
        ("5 Adherence", "The session log above: " + ", ".join(h for _, h in LOG_FIELDS) + "."),
        ("6 Motivation", "None built in."),
        ("7a Progression rules", "Rules " + ", ".join(RULES) + " (docs/progression.md), checked before export."),
        (
            "7b Progression as planned",
            "; ".join(f"week {n}: {w.label or '-'}" for n, w in enumerate(plan.weeks, start=1)) + ".",
        ),
        (
            "8 Each exercise",
            f"Every step in the tables above (direction, time, speed, incline, rails, cue); turns: {turn}.",
        ),
        ("9 Home programme", "Meant for home or gym use; where it was walked is not recorded."),
        ("10 Non-exercise components", "The safety note, screening questions, stop signs and form cues above."),
        ("11 Adverse events", "Logged per session: pain during, after and next morning, stumbles and near-falls."),
        ("12 Setting", "Not recorded (note home, gym or clinic in the log)."),
        (
            "13 Dosage",
            f"{len(plan.weeks)} weeks, {per_week} sessions a week, {len(workouts)} in all; backward time per session "
            f"by week: {', '.join(backward)}"
            + (f"; comfortable forward speed {_forward(plan)}" if plan.forward_speed is not None else "")
            + "; intended effort light (talking in full sentences).",
        ),
        ("14a Generic or tailored", "Tailored."),
        ("14b How tailored", "To the walker's forward speed and the treadmill's speed, incline and handrails."),
        (
            "15 Starting level",
            f"{plan.level.value if plan.level else 'not recorded'}"
            + (f": {level.who}" if level is not None and level.who else "")
            + ". Screening answers are not recorded in the plan.",
        ),
        ("16a Adherence assessment", "Planned vs logged backward minutes per session."),
        ("16b Delivered as planned", "Compare the log with the planned times above."),
    ]
    listing = _el(section, "dl")
    for term, value in items:
        _el(listing, "dt", term)
        _el(listing, "dd", value)


def _time(seconds: float) -> str:
    return str(Duration.seconds(round(seconds)))


def _walked(body: etree._Element, reviews: Sequence[SessionReview]) -> None:
    """A chart per reviewed recording: what was walked next to what was planned."""
    recorded = [review for review in reviews if review.recorded]
    if not recorded:
        return
    from retrointervals.review import review_chart  # noqa: PLC0415 - only when there are reviews

    section = _el(body, "section", class_="walked")
    _el(section, "h2", "Walked and planned")
    for review in recorded:
        figure = _el(section, "figure", class_="review-chart", data_session=review.session)
        figure.append(etree.fromstring(review_chart(review).encode("utf-8")))
        walked_on = f", walked {review.walked_date.isoformat()}" if review.walked_date else ""
        _el(
            figure,
            "figcaption",
            f"{review.session}{walked_on}: {_time(review.walked_s)} of {_time(review.planned_s)} walked, backward "
            f"{_time(review.backward_walked_s)} of {_time(review.backward_planned_s)}, compliance "
            f"{review.compliance:.2f} ({review.band}).",
        )


def plan_report(plan: Plan, rules: ProgressionRules = DEFAULT_RULES, *, reviews: Sequence[SessionReview] = ()) -> str:
    """The plan as one self-contained, printable HTML page: enough to walk every session safely.

    The page shows the plan's summary (name, level, comfortable forward speed, weeks, sessions per week, total
    backward time, start date), the safety note, who the level is for, the screening questions and red flags,
    when to stop, how to turn around and the form cues, a chart of the backward minutes of every session, and each
    week's steps (identical sessions once) and log rows (date, done, backward minutes, effort, pain during, after
    and next morning, stumble or near-fall, notes), then the CERT description for researchers.

    Args:
        plan: The plan to report.
        rules: The rules the plan was made with, for the levels' descriptions.
        reviews: Reviews of recorded sessions (``retrointervals.review``); each one with a recording gets a chart of
            what was walked next to what was planned, in a section after the plan chart (``adapt`` passes them).

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
    _before_you_start(body, plan, rules)
    _how_to_walk(body, plan)

    overview = _el(body, "section", class_="overview")
    _el(overview, "h2", "Backward minutes per session")
    figure = _el(overview, "figure", class_="plan-chart")
    figure.append(plan_chart_element(plan))
    _el(figure, "figcaption", "Backward walking in each session, week by week; deload weeks are shaded.")
    _walked(body, reviews)

    shown: dict[tuple[Step | Repeat, ...], str] = {}
    for week_index, week in enumerate(plan.weeks):
        _week(body, plan, week_index, week, shown)

    _cert(body, plan, rules)
    _el(body, "footer", f"Made with retrointervals {__version__}. Tick each session when you have done it.")
    return etree.tostring(html, method="html", encoding="unicode", doctype="<!DOCTYPE html>") + "\n"
