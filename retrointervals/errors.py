"""The exception hierarchy: every error the library raises on purpose derives from RetroIntervalsError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

__all__ = [
    "ForeignFileError",
    "FormatError",
    "FormatLimitError",
    "LiveSessionError",
    "OutputBusyError",
    "OutputError",
    "OutputExistsError",
    "Place",
    "RetroIntervalsError",
    "ValidationError",
]


class RetroIntervalsError(Exception):
    """Base class of every error raised on purpose by retrointervals."""


class ValidationError(RetroIntervalsError, ValueError):
    """A value is not acceptable for a model field.

    Attributes:
        field: Dotted name of the field, e.g. ``"Step.speed"`` or ``"Repeat.count"``.
        value: The rejected value, as given.
        problem: What is wrong with it, in plain words.
    """

    def __init__(self, field: str, value: object, problem: str) -> None:
        self.field = field
        self.value = value
        self.problem = problem
        from retrointervals.limits import echo  # noqa: PLC0415 - limits raises these errors

        super().__init__(f"{field}: {problem} (got {echo(value)})")


class Place(NamedTuple):
    """Where in a document something is: any of a source (file name), a line, a column, a byte offset, a JSON path.

    Rendered in one style everywhere: ``"plan.tcx, line 3, column 7"``, ``"w.fit, byte 120"``,
    ``"plan.json, $.weeks[0].sessions[1]"``. (A named tuple, so that importing the errors stays light.)
    """

    source: str = ""
    line: int | None = None
    column: int | None = None
    offset: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        parts = [self.source] if self.source else []
        if self.line:
            parts.append(f"line {self.line}")
            if self.column:
                parts.append(f"column {self.column}")
        if self.offset is not None:
            parts.append(f"byte {self.offset}")
        if self.path:
            parts.append(self.path)
        return ", ".join(parts)


class FormatError(RetroIntervalsError, ValueError):
    """A file or document cannot be read or written in the requested format.

    Attributes:
        place: Where the problem is, as fields (``Place``); ``location`` is the same rendered as text (may be
            empty). Older callers may still pass a free-text location, which becomes ``Place(source=text)``.
        problem: What is wrong, in plain words.
        needs: What would let the document be read, when something would: ``"lossy"`` (read or write the closest
            document and list the changes), ``"speed"`` (a belt speed for steps without one), ``"race_pace"``
            (the reference pace of a relative run ZWO) or ``"zwo_durations"`` (whether a ZWO's durations are
            seconds or metres). The command line turns it into the flag to use (``describe``).
    """

    #: How the library words each remedy (``needs``); the command line passes its own flags to ``describe``.
    REMEDIES: Mapping[str, str] = {
        "lossy": "read or write with Policy.LOSSY to get the closest workout and the list of changes",
        "speed": "give a belt speed for such steps: ReadOptions(speed=...)",
        "race_pace": "give your race pace: ReadOptions(race_speeds=...)",
        "zwo_durations": "say whether durations are seconds or metres: ReadOptions(zwo_durations=...)",
    }

    def __init__(self, problem: str, location: str | Place = "", *, needs: str | None = None) -> None:
        self.place = location if isinstance(location, Place) else Place(source=location)
        self.location = str(self.place)
        self.problem = problem
        self.needs = needs
        super().__init__(self.describe(self.REMEDIES))

    @property
    def source(self) -> str:
        """The file or document name, or ``""``."""
        return self.place.source

    @property
    def line(self) -> int | None:
        """The line number, if known."""
        return self.place.line

    @property
    def offset(self) -> int | None:
        """The byte offset, if known."""
        return self.place.offset

    @property
    def path(self) -> str | None:
        """The JSON path, if any."""
        return self.place.path

    def describe(self, remedies: Mapping[str, str]) -> str:
        """The message with the remedy worded by ``remedies`` (e.g. the command line's flags)."""
        text = f"{self.location}: {self.problem}" if self.location else self.problem
        remedy = remedies.get(self.needs) if self.needs else None
        return f"{text} ({remedy})" if remedy else text


class OutputExistsError(RetroIntervalsError, FileExistsError):
    """A file would be overwritten, and overwriting was not asked for."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(f"{path}: already exists (pass overwrite=True, or --force on the command line)")


class FormatLimitError(FormatError):
    """A workout or plan holds something the target format (or the model, when reading) cannot carry.

    Raised under ``Policy.STRICT``; ``Policy.LOSSY`` makes the closest document and lists the change instead.

    Attributes:
        where: The step or workout concerned, e.g. ``"workout 'Week 1 A', step 3"``.
        limit: The format's limit that was hit, e.g. ``"TCX step names are at most 15 characters"``.
    """

    def __init__(self, where: str | Place, limit: str, hint: str | None = None) -> None:
        self.where = str(where)
        self.limit = limit
        if hint is None:
            super().__init__(limit, where, needs="lossy")
        else:
            super().__init__(f"{limit} ({hint})", where)


class OutputError(RetroIntervalsError, OSError):
    """A file or folder could not be written (or replaced).

    The message names the target the user asked for, never a temporary file, and says what happened, e.g.
    ``could not write my-plan/plan.json: no space left on device``.

    Attributes:
        path: The target file or folder.
        reason: What happened, in plain words.
    """

    def __init__(self, path: str, reason: str, error_number: int | None = None) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"could not write {path}: {reason}")
        if error_number is not None:
            self.errno = error_number


class OutputBusyError(OutputError):
    """Another run is writing the same output folder right now; nothing was written by this one."""


class ForeignFileError(OutputError):
    """A folder to replace holds something this program did not write; nothing was deleted or followed.

    Attributes:
        path: The folder.
        found: The file, link or folder that was not written by this program.
    """

    def __init__(self, path: str, found: str, what: str) -> None:
        self.found = found
        super().__init__(path, f"{found} is {what}; move it away first (only files retrointervals wrote are replaced)")
        self.args = (f"will not replace {path}: {self.reason}",)


class LiveSessionError(RetroIntervalsError, RuntimeError):
    """A live treadmill session cannot start or had to stop: the machine refused, the link or control was lost.

    Attributes:
        problem: What happened, in plain words for the walker.
        belt_may_run: True when the program could not confirm that the belt stopped (use the safety key).
    """

    def __init__(self, problem: str, *, belt_may_run: bool = False) -> None:
        self.problem = problem
        self.belt_may_run = belt_may_run
        super().__init__(problem)
