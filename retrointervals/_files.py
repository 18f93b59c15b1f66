"""File reading and writing shared by every format: bounded reads and atomic writes."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from retrointervals.errors import FormatError, OutputExistsError

__all__ = ["MAX_INPUT_BYTES", "read_bounded", "write_atomic"]

#: The largest file any reader accepts. Workout files are kilobytes; this refuses hostile giants early.
MAX_INPUT_BYTES = 16 * 1024 * 1024


def read_bounded(path: str | os.PathLike[str], limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a whole file, refusing one larger than ``limit`` bytes without reading it all."""
    with Path(path).open("rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise FormatError(f"file is larger than the {limit} bytes a workout file may have", str(path))
    return data


def check_size(data: bytes | str, source: str, limit: int = MAX_INPUT_BYTES) -> None:
    """Refuse in-memory input larger than ``limit``."""
    if len(data) > limit:
        raise FormatError(f"input is larger than the {limit} bytes a workout file may have", source)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A reader never sees a half-written file, and a crash leaves the old file (if any) in place.

    Raises:
        OutputExistsError: ``path`` exists and ``overwrite`` is false.
    """
    target = Path(path)
    if not overwrite and target.exists():
        raise OutputExistsError(str(target))
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temporary = Path(name)
    try:
        temporary.chmod(0o666 & ~_umask())  # mkstemp makes 0600; give the file the user's usual mode
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if overwrite:
            temporary.replace(target)
        else:
            # link() fails if the target appeared meanwhile, so a racing writer's file is never clobbered.
            try:
                target.hardlink_to(temporary)
            except FileExistsError:
                raise OutputExistsError(str(target)) from None
            except OSError:  # file systems without hard links
                if target.exists():
                    raise OutputExistsError(str(target)) from None
                temporary.replace(target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return target
