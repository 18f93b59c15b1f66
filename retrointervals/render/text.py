"""Plain-text tables of workouts and plans for the terminal."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from fractions import Fraction

from retrointervals.model import Plan, Repeat, Step, Workout
from retrointervals.units import MPS_PER_KMH, Speed, SpeedUnit

__all__ = ["ascii_profile", "plan_table", "totals_line", "workout_table"]

_HEADER = ("#", "step", "direction", "length", "speed", "incline", "rails", "cue")


def _rows(items: tuple[Step | Repeat, ...], indent: str, counter: Iterator[int]) -> Iterator[tuple[str, ...]]:
    for item in items:
        if isinstance(item, Repeat):
            yield ("", f"{indent}repeat {item.count}x:", "", "", "", "", "", "")
            yield from _rows(item.steps, indent + "  ", counter)
            continue
        yield (
            str(next(counter)),
            f"{indent}{item.kind.label}",
            "BACKWARD" if item.is_backward else "forward",
            f"~{item.length} until lap" if item.until_lap else str(item.length),
            f"stopped, restart {item.speed}" if item.belt_stopped else str(item.speed),
            str(item.incline),
            "hold" if item.hold_handrails else "",
            item.cue or "",
        )


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def totals_line(workout: Workout) -> str:
    """One line with the workout's totals."""
    return (
        f"total {workout.total_time}, {workout.total_distance}; backward {workout.backward_time} "
        f"({workout.backward_distance}); {workout.direction_changes} direction changes"
    )


def workout_table(workout: Workout) -> str:
    """The workout's steps as a table (repeats shown once, indented), followed by its totals."""
    counter = iter(range(1, 10**9))
    lines = [workout.name]
    if workout.description:
        lines.append(workout.description)
    lines.append("")
    lines.extend(_table([_HEADER, *_rows(workout.steps, "", counter)]))
    lines.extend(["", totals_line(workout)])
    return "\n".join(lines)


def plan_table(plan: Plan) -> str:
    """The plan's weeks and sessions, one line each, with time and backward time per session."""
    heading = plan.name + (f" ({plan.level.value})" if plan.level else "")
    lines = [heading]
    if plan.forward_speed is not None:
        lines.append(f"comfortable forward speed: {plan.forward_speed}")
    if plan.description:
        lines.append(plan.description)
    rows: list[tuple[str, ...]] = [("week", "session", "date", "workout", "time", "backward", "turns")]
    for week_number, session_number, session in plan.sessions():
        week = plan.weeks[week_number - 1]
        date = plan.session_date(week_number - 1, session_number - 1)
        when = date.isoformat() if date else (session.weekday.short if session.weekday is not None else "")
        week_cell = f"{week_number}{' (deload)' if week.deload else ''}" if session_number == 1 else ""
        workout = session.workout
        rows.append(
            (
                week_cell,
                str(session_number),
                when,
                workout.name,
                str(workout.total_time),
                str(workout.backward_time),
                str(workout.direction_changes),
            )
        )
    lines.append("")
    lines.extend(_table(rows))
    return "\n".join(lines)


def ascii_profile(workout: Workout, width: int = 72, height: int = 8) -> str:
    """Belt speed over time as a text chart: ``#`` forward, ``B`` backward, one column per time slice."""
    segments = workout.timeline
    ends = [segment.end.exact for segment in segments]
    total = ends[-1]
    units = {segment.step.speed.unit for segment in segments}
    unit = units.pop() if len(units) == 1 else SpeedUnit.KMH
    fastest = max(segment.step.speed.exact_kmh for segment in segments)
    columns = []
    for column in range(width):
        moment = total * (2 * column + 1) / (2 * width)
        step = segments[min(bisect.bisect_right(ends, moment), len(segments) - 1)].step
        filled = step.speed.exact_kmh * height / fastest
        columns.append((filled, "B" if step.is_backward else "#"))
    rows = [
        ("|" + "".join(mark if filled >= level - Fraction(1, 2) else " " for filled, mark in columns)).rstrip()
        for level in range(height, 0, -1)
    ]
    top = Speed.from_mps(fastest * MPS_PER_KMH, unit)
    minutes = f"{float(total / 60):.0f} min"
    axis = "+" + "-" * width
    labels = "0" + minutes.rjust(width)
    return "\n".join([f"speed (top: {top})", *rows, axis, labels, "# forward   B backward"])
