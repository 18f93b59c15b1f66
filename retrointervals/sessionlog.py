"""The session log: ``log.csv`` in the plan folder, one row per session walked, editable in a spreadsheet.

Columns (the header row names them; order is free, every column but ``date`` and ``session`` may be empty):

==================== ========================================================================================
``date``              the day the session was walked, ``YYYY-MM-DD``
``session``           the plan's session, ``W2S1`` = week 2, session 1
``status``            ``done``, ``partial`` (stopped early or bouts left out) or ``skipped`` (the printed plan's
                      "done" box)
``backward_minutes``  minutes walked backward in total
``rpe``               effort of the hardest backward bout on the Borg 6-20 scale (the scale rules R1/R4/R5 use;
                      11 is "light", 13 "somewhat hard")
``pain_during``       worst pain during the session, 0-10 (0 no pain, 10 worst imaginable)
``pain_after``        pain at the end of the cool-down, 0-10
``pain_next_morning`` pain on getting up the next day, 0-10
``stumble``           ``no``; ``yes`` (a misstep recovered without the rails); ``near-fall`` (had to grab the
                      rails or a person, or pulled the safety key); ``fall``
``handrails``         ``yes`` if the handrails were held during backward bouts, ``no`` if not
``notes``             free text, one line
==================== ========================================================================================

The printed plan's log rows (``retrointervals.render.html.LOG_FIELDS``) carry the same names, in the same order
(all but ``session``, which the row already is, and ``handrails``).

Reading refuses bad values with one line naming the row and the column. Writing goes through a temporary file and
a rename (``write_atomic``), and ``add_entry`` keeps every other session's row.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import attrs

from retrointervals._files import read_bounded, write_atomic
from retrointervals._validate import check_text
from retrointervals.errors import FormatError, ValidationError

__all__ = [
    "COLUMNS",
    "LOG_FILE",
    "Balance",
    "LogEntry",
    "Status",
    "add_entry",
    "format_session",
    "parse_session",
    "read_log",
    "write_log",
]

#: The log's file name in the plan folder.
LOG_FILE = "log.csv"
#: The columns, in the order they are written: the printed plan's log rows (``render.html.LOG_FIELDS``) use the
#: same names in the same order, and add none.
COLUMNS = (
    "date",
    "session",
    "status",
    "backward_minutes",
    "rpe",
    "pain_during",
    "pain_after",
    "pain_next_morning",
    "stumble",
    "handrails",
    "notes",
)
#: Most rows a log may hold (years of sessions); bounds a hostile file.
MAX_ENTRIES = 5000
MAX_LOG_BYTES = 2 * 1024 * 1024
MAX_NOTES_LENGTH = 500
RPE_RANGE = (6, 20)
PAIN_RANGE = (0, 10)
MAX_BACKWARD_MINUTES = 600

_SESSION = re.compile(r"^\s*W(?:EEK)?\s*0*(\d{1,3})\s*S(?:ESSION)?\s*0*(\d{1,2})\s*$", re.IGNORECASE)


class Status(enum.Enum):
    """How much of the session was walked."""

    DONE = "done"
    PARTIAL = "partial"
    SKIPPED = "skipped"


class Balance(enum.Enum):
    """The worst balance event of the session (evidence notes §9.2: stumbles, near-falls, falls)."""

    NONE = "no"
    STUMBLE = "yes"
    NEAR_FALL = "near-fall"
    FALL = "fall"


def parse_session(text: str) -> tuple[int, int]:
    """``"W2S1"`` -> ``(2, 1)`` (week and session, from 1); also ``"w02s1"`` and ``"W2 S1"``.

    Raises:
        ValidationError: The text is not a session name.
    """
    match = _SESSION.match(str(text))
    if match is None or int(match.group(1)) < 1 or int(match.group(2)) < 1:
        raise ValidationError("session", text, "expected a session such as W2S1 (week 2, session 1)")
    return int(match.group(1)), int(match.group(2))


def format_session(week: int, session: int) -> str:
    """``(2, 1)`` -> ``"W2S1"``."""
    return f"W{week}S{session}"


def _session(value: str) -> str:
    return format_session(*parse_session(value))


def _stripped(value: str) -> str:
    """Notes without surrounding spaces: a spreadsheet cell keeps none either."""
    return str.strip(value) if type(value) is str else value  # non-text is refused by the validator


def _in_range(field: str, low: int, high: int) -> Callable[[object, object, int | None], None]:
    def validate(_instance: object, _attribute: object, value: int | None) -> None:
        if value is None:
            return
        if type(value) is not int or not low <= value <= high:
            raise ValidationError(field, value, f"must be a whole number from {low} to {high}")

    return validate


@attrs.frozen(kw_only=True)
class LogEntry:
    """One session as the walker reports it (one row of ``log.csv``); see the module for each field."""

    date: dt.date = attrs.field()
    session: str = attrs.field(converter=_session)
    status: Status = attrs.field(default=Status.DONE)
    rpe: int | None = attrs.field(default=None, validator=_in_range("rpe", *RPE_RANGE))
    pain_during: int | None = attrs.field(default=None, validator=_in_range("pain_during", *PAIN_RANGE))
    pain_after: int | None = attrs.field(default=None, validator=_in_range("pain_after", *PAIN_RANGE))
    pain_next_morning: int | None = attrs.field(default=None, validator=_in_range("pain_next_morning", *PAIN_RANGE))
    stumble: Balance = attrs.field(default=Balance.NONE)
    handrails: bool | None = None
    backward_minutes: float | None = attrs.field(default=None)
    notes: str = attrs.field(default="", converter=_stripped)

    @date.validator
    def _check_date(self, _attribute: object, value: object) -> None:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ValidationError("date", value, "must be a date")

    @status.validator
    def _check_status(self, _attribute: object, value: object) -> None:
        if not isinstance(value, Status):
            raise ValidationError("status", value, "must be done, partial or skipped")

    @stumble.validator
    def _check_stumble(self, _attribute: object, value: object) -> None:
        if not isinstance(value, Balance):
            raise ValidationError("stumble", value, "must be no, yes, near-fall or fall")

    @backward_minutes.validator
    def _check_minutes(self, _attribute: object, value: object) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_BACKWARD_MINUTES:
            raise ValidationError("backward_minutes", value, f"must be a number from 0 to {MAX_BACKWARD_MINUTES}")

    @notes.validator
    def _check_notes(self, _attribute: object, value: object) -> None:
        check_text("notes", value, MAX_NOTES_LENGTH, required=False)

    @property
    def week_and_session(self) -> tuple[int, int]:
        """(week, session), both from 1."""
        return parse_session(self.session)

    @property
    def pain_band_value(self) -> int | None:
        """The larger of pain during and after (evidence notes §9.3), if either is known."""
        values = [v for v in (self.pain_during, self.pain_after) if v is not None]
        return max(values) if values else None

    def row(self) -> dict[str, str]:
        """The entry as ``log.csv`` cells."""
        minutes = "" if self.backward_minutes is None else f"{self.backward_minutes:g}"
        handrails = "" if self.handrails is None else ("yes" if self.handrails else "no")
        return {
            "date": self.date.isoformat(),
            "session": self.session,
            "status": self.status.value,
            "rpe": _cell(self.rpe),
            "pain_during": _cell(self.pain_during),
            "pain_after": _cell(self.pain_after),
            "pain_next_morning": _cell(self.pain_next_morning),
            "stumble": self.stumble.value,
            "handrails": handrails,
            "backward_minutes": minutes,
            "notes": self.notes,
        }


def _cell(value: int | None) -> str:
    return "" if value is None else str(value)


def _sort_key(entry: LogEntry) -> tuple[int, int, dt.date]:
    return (*entry.week_and_session, entry.date)


# --- reading ------------------------------------------------------------------------------------------------


def read_log(path: str | os.PathLike[str]) -> tuple[LogEntry, ...]:
    """The entries of a ``log.csv`` (none when the file does not exist), in session order.

    Raises:
        FormatError: A row or cell is not valid; the message names the row (as a spreadsheet numbers it, the
            header being row 1) and the column.
    """
    target = Path(path)
    if not target.exists():
        return ()
    return parse_log(read_bounded(target, MAX_LOG_BYTES), str(target))


def parse_log(data: bytes, source: str = LOG_FILE) -> tuple[LogEntry, ...]:
    """Parse the bytes of a log (UTF-8, with or without the BOM spreadsheets write)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError(f"not UTF-8 text (byte {error.start})", source) from None
    try:
        return _parse_rows(list(csv.reader(io.StringIO(text, newline=""))), source)
    except csv.Error as error:
        raise FormatError(f"not readable as CSV: {error}", source) from None


def _parse_rows(table: list[list[str]], source: str) -> tuple[LogEntry, ...]:
    rows = iter(table)
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        return ()
    names = [cell.strip().lower() for cell in header]
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise FormatError(f"unknown column {unknown[0]!r}; the columns are {', '.join(COLUMNS)}", f"{source}, row 1")
    for required in ("date", "session"):
        if required not in names:
            raise FormatError(f"the {required!r} column is missing", f"{source}, row 1")
    entries: dict[str, LogEntry] = {}
    for number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(entries) >= MAX_ENTRIES:
            raise FormatError(f"more than {MAX_ENTRIES} entries", source)
        if len(cells) > len(names):
            raise FormatError(f"{len(cells)} cells but {len(names)} columns", f"{source}, row {number}")
        entry = _entry(dict(zip(names, (cell.strip() for cell in cells), strict=False)), f"{source}, row {number}")
        if entry.session in entries:
            raise FormatError(f"session {entry.session} has two rows; keep one", f"{source}, row {number}")
        entries[entry.session] = entry
    return tuple(sorted(entries.values(), key=_sort_key))


def _entry(cells: Mapping[str, str], where: str) -> LogEntry:
    def cell(name: str) -> str:
        return cells.get(name, "")

    def column(name: str) -> str:
        return f"{where}, column {name}"

    values: dict[str, object] = {}
    try:
        values["date"] = dt.date.fromisoformat(cell("date"))
    except ValueError:
        raise FormatError(f"expected a date as YYYY-MM-DD, not {cell('date')!r}", column("date")) from None
    values["session"] = cell("session")
    choices: list[tuple[str, type[Status] | type[Balance]]] = [("status", Status), ("stumble", Balance)]
    for name, kind in choices:
        if cell(name):
            found = next((member for member in kind if member.value == cell(name).lower()), None)
            if found is None:
                allowed = ", ".join(member.value for member in kind)
                raise FormatError(f"expected one of {allowed}, not {cell(name)!r}", column(name))
            values[name] = found
    for name in ("rpe", "pain_during", "pain_after", "pain_next_morning"):
        if cell(name):
            if not re.fullmatch(r"\d{1,3}", cell(name)):
                raise FormatError(f"expected a whole number, not {cell(name)!r}", column(name))
            values[name] = int(cell(name))
    if cell("handrails"):
        answer = cell("handrails").lower()
        if answer not in ("yes", "no"):
            raise FormatError(f"expected yes or no, not {cell('handrails')!r}", column("handrails"))
        values["handrails"] = answer == "yes"
    if cell("backward_minutes"):
        try:
            values["backward_minutes"] = float(cell("backward_minutes"))
        except ValueError:
            raise FormatError(
                f"expected a number of minutes, not {cell('backward_minutes')!r}", column("backward_minutes")
            ) from None
    values["notes"] = cell("notes")
    try:
        return LogEntry(**values)  # type: ignore[arg-type]  # each value was checked or is validated here
    except ValidationError as error:
        raise FormatError(f"{error.problem} (got {error.value!r})", column(error.field)) from None


# --- writing ------------------------------------------------------------------------------------------------


def format_log(entries: Iterable[LogEntry]) -> bytes:
    """The CSV text of a log, header first, rows in session order."""
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry in sorted(entries, key=_sort_key):
        writer.writerow(entry.row())
    return stream.getvalue().encode("utf-8")


def write_log(path: str | os.PathLike[str], entries: Iterable[LogEntry]) -> Path:
    """Write a whole log atomically (a reader never sees half a file)."""
    return write_atomic(path, format_log(entries), overwrite=True)


def add_entry(path: str | os.PathLike[str], entry: LogEntry) -> tuple[LogEntry, ...]:
    """Add an entry, or replace the one for the same session; every other row is kept. Returns the new log.

    Raises:
        FormatError: The existing log cannot be read (it is left as it is).
    """
    kept = [old for old in read_log(path) if old.session != entry.session]
    entries = tuple(sorted([*kept, entry], key=_sort_key))
    write_log(path, entries)
    return entries
