"""Plain-text tables of workouts and plans for the terminal."""

from __future__ import annotations

from collections.abc import Iterator

from retrointervals.model import Plan, Repeat, Step, Workout

__all__ = ["plan_table", "workout_table"]

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
            str(item.length),
            str(item.speed),
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
