"""Read recorded TCX activities (Garmin Connect and other exports) into an ``Activity``.

Parsing goes through the project's hardened XML parser (``retrointervals.formats._xml.parse``: size bound, no
DOCTYPE, no entities, no network). Elements are matched by local name, so files rewritten without their
namespace (as some tools do) are read too. A TCX lap carries no workout-step reference, so reviews align TCX laps
by order and time only.

Refused with one ``FormatError`` line: courses, workout files, files with several activities or a multisport
session, activities of another sport (``Biking``), and anything above the bounds. TCX has no walking sport:
walks are exported as ``Other``, which is read as such.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from typing import TYPE_CHECKING

from retrointervals._files import read_bounded
from retrointervals.activity.model import MAX_LAPS, MAX_RECORDS, Activity, Lap, Record
from retrointervals.errors import FormatError

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["read", "read_bytes"]

_SPORTS = {"Running": "running", "Other": "other"}


def read(path: str | os.PathLike[str]) -> Activity:
    """Read a TCX activity file.

    Raises:
        FormatError: The file is not a readable walking or running activity (the message says why).
    """
    return read_bytes(read_bounded(path), str(path))


def read_bytes(data: bytes, source: str = "") -> Activity:
    """Read a TCX activity from bytes; ``source`` names it in error messages."""
    from retrointervals.formats._xml import parse  # noqa: PLC0415 - lxml only when reading XML

    return _Reader(source).activity(parse(data, source, allow_undeclared_prefixes=True))


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.records: list[Record] = []

    @staticmethod
    def kids(element: etree._Element, name: str) -> list[etree._Element]:
        from retrointervals.formats._xml import local_name  # noqa: PLC0415

        return [child for child in element if local_name(str(child.tag)) == name]

    def text(self, element: etree._Element, name: str) -> str | None:
        found = self.kids(element, name)
        return found[0].text.strip() if found and found[0].text else None

    def extension(self, element: etree._Element, group: str, name: str) -> float | None:
        value = None
        for extensions in self.kids(element, "Extensions"):
            for values in self.kids(extensions, group):
                value = _float(self.text(values, name), self.source)
        return value

    def the_activity(self, root: etree._Element) -> etree._Element:
        source, kids = self.source, self.kids
        if not str(root.tag).endswith("TrainingCenterDatabase"):
            raise FormatError("not a TCX file (the root is not TrainingCenterDatabase)", source)
        sections = {str(child.tag).rsplit("}", 1)[-1] for child in root}
        activities = [a for section in kids(root, "Activities") for a in kids(section, "Activity")]
        if any(kids(section, "MultiSportSession") for section in kids(root, "Activities")):
            raise FormatError("a multisport TCX file; record one treadmill walk per file", source)
        if not activities:
            if "Courses" in sections:
                raise FormatError("this TCX file is a course, not a recorded activity", source)
            if "Workouts" in sections:
                raise FormatError("this TCX file holds workouts, not a recorded activity", source)
            raise FormatError("this TCX file holds no activity", source)
        if len(activities) > 1:
            raise FormatError(f"this TCX file holds {len(activities)} activities; one recorded walk per file", source)
        return activities[0]

    def activity(self, root: etree._Element) -> Activity:
        source = self.source
        activity = self.the_activity(root)
        sport_name = activity.get("Sport", "")
        sport = _SPORTS.get(sport_name)
        if sport is None:
            raise FormatError(f"a {sport_name or 'sport-less'} activity, not a walk or run on a treadmill", source)
        laps_xml = self.kids(activity, "Lap")
        if not laps_xml:
            raise FormatError("this TCX activity has no laps", source)
        if len(laps_xml) > MAX_LAPS:
            raise FormatError(f"more than {MAX_LAPS} laps", source)
        start = _time(laps_xml[0].get("StartTime") or self.text(activity, "Id"), source)
        laps = [self.lap(lap_xml, start) for lap_xml in laps_xml]
        duration = sum(lap.duration_s for lap in laps)
        last = max((record.time_s for record in self.records), default=duration)
        return Activity(
            start=start,
            duration_s=duration,
            elapsed_s=max(duration, last),
            distance_m=sum(lap.distance_m or 0.0 for lap in laps),
            sport=sport,
            source="tcx",
            laps=tuple(laps),
            records=tuple(self.records),
        )

    def lap(self, lap_xml: etree._Element, start: dt.datetime) -> Lap:
        source = self.source
        began = _time(lap_xml.get("StartTime"), source)
        for track in self.kids(lap_xml, "Track"):
            for point in self.kids(track, "Trackpoint"):
                if len(self.records) >= MAX_RECORDS:
                    raise FormatError(f"more than {MAX_RECORDS} track points", source)
                when = self.text(point, "Time")
                if when is not None:
                    self.records.append(
                        Record(
                            (_time(when, source) - start).total_seconds(),
                            self.extension(point, "TPX", "Speed"),
                            _float(self.text(point, "DistanceMeters"), source),
                        )
                    )
        return Lap(
            start_s=(began - start).total_seconds(),
            duration_s=_float(self.text(lap_xml, "TotalTimeSeconds"), source) or 0.0,
            distance_m=_float(self.text(lap_xml, "DistanceMeters"), source),
            avg_speed_mps=self.extension(lap_xml, "LX", "AvgSpeed"),
            trigger=(self.text(lap_xml, "TriggerMethod") or "unknown").lower(),
        )


def _time(value: str | None, source: str) -> dt.datetime:
    if not value:
        raise FormatError("a lap or track point has no time", source)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise FormatError(f"not a time: {value!r}", source) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def _float(value: str | None, source: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise FormatError(f"not a number: {value!r}", source) from None
    if not math.isfinite(number):
        raise FormatError(f"not a finite number: {value!r}", source)
    return number
