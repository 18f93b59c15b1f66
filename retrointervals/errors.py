"""The exception hierarchy: every error the library raises on purpose derives from RetroIntervalsError."""

from __future__ import annotations

__all__ = [
    "FormatError",
    "FormatLimitError",
    "LiveSessionError",
    "OutputExistsError",
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
        super().__init__(f"{field}: {problem} (got {value!r})")


class FormatError(RetroIntervalsError, ValueError):
    """A file or document cannot be read or written in the requested format.

    Attributes:
        location: Where the problem is, e.g. ``"plan.json, line 3"`` or a JSON path; may be empty.
        problem: What is wrong, in plain words.
    """

    def __init__(self, problem: str, location: str = "") -> None:
        self.location = location
        self.problem = problem
        super().__init__(f"{location}: {problem}" if location else problem)


class OutputExistsError(RetroIntervalsError, FileExistsError):
    """A file would be overwritten, and overwriting was not asked for."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(f"{path}: already exists (pass overwrite=True, or --force on the command line)")


class FormatLimitError(FormatError):
    """A workout or plan holds something the target format cannot carry (raised under ``Policy.STRICT``).

    Attributes:
        where: The step or workout concerned, e.g. ``"workout 'Week 1 A', step 3"``.
        limit: The format's limit that was hit, e.g. ``"TCX step names are at most 15 characters"``.
    """

    def __init__(
        self, where: str, limit: str, hint: str = "use the lossy policy to write the closest valid file"
    ) -> None:
        self.where = where
        self.limit = limit
        super().__init__(f"{limit} ({hint})", where)


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
