"""The exception hierarchy: every error the library raises on purpose derives from RetroIntervalsError."""

from __future__ import annotations

__all__ = [
    "ForeignFileError",
    "FormatError",
    "FormatLimitError",
    "OutputBusyError",
    "OutputError",
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
        from retrointervals.limits import echo  # noqa: PLC0415 - limits raises these errors

        super().__init__(f"{field}: {problem} (got {echo(value)})")


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
