"""What was walked: recorded activities (FIT from watches and qdomyos-zwift, TCX exports) as one typed model.

``read_activity(path)`` picks the reader by the file's extension (``.fit`` or ``.tcx``) and returns an
``Activity``; anything that is not a walk or run recording is refused with one ``FormatError`` line.
"""

from __future__ import annotations

import os
from pathlib import Path

from retrointervals.activity.model import MAX_LAPS, MAX_RECORDS, Activity, Lap, Record, Recorder
from retrointervals.errors import FormatError

__all__ = ["MAX_LAPS", "MAX_RECORDS", "Activity", "Lap", "Record", "Recorder", "read_activity"]


def read_activity(path: str | os.PathLike[str]) -> Activity:
    """Read a recorded activity from a ``.fit`` or ``.tcx`` file.

    Raises:
        FormatError: The extension is neither, or the file is not a readable walk or run recording.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".fit":
        from retrointervals.activity import fit  # noqa: PLC0415 - fitdecode only when needed

        return fit.read(path)
    if suffix == ".tcx":
        from retrointervals.activity import tcx  # noqa: PLC0415 - lxml only when needed

        return tcx.read(path)
    raise FormatError("recorded activities are read from .fit or .tcx files", str(path))
