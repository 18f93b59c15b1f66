"""Validation of TCX workout documents against our two schemas: every workout document, and the subset we write."""

from __future__ import annotations

import functools
import importlib.resources

from lxml import etree

from retrointervals.errors import FormatError
from retrointervals.formats._xml import (
    log_entries,
    parse,
)
from retrointervals.formats.tcx._shared import NAMESPACE

#: Every TCX workout document (workout lists, folders, all durations and targets): what ``validate`` checks.
ALL_WORKOUTS_SCHEMA = "tcx-workouts-all.xsd"
#: The stricter subset retrointervals writes (time, distance and lap-button steps with speed bands).
WRITTEN_SUBSET_SCHEMA = "tcx-workouts.xsd"

_NOT_WORKOUTS = ("Activities", "Courses", "Folders")


@functools.cache
def _schema(name: str) -> etree.XMLSchema:
    resource = importlib.resources.files("retrointervals.formats").joinpath("schemas").joinpath(name)
    return etree.XMLSchema(parse(resource.read_bytes(), name))


def validate(data: bytes) -> list[str]:
    """Check a TCX workout document against our schema of every TCX workout document.

    The schema (``retrointervals/formats/schemas/tcx-workouts-all.xsd``) is ours, not Garmin's, written from the
    structure of TrainingCenterDatabase v2: it accepts the workout files Garmin's schema accepts, including
    heart-rate, cadence and open targets, heart-rate and calorie durations, predefined zones and workout
    folders. Whether such a file is usable as a treadmill workout is the reader's question (``decode``), not
    this one. What we write meets the stricter subset of ``validate_written``.

    Returns:
        Every problem found, as ``"line N: message"``; an empty list when the document is valid.

    Raises:
        FormatError: The document is a TCX activity or course file (it holds activities, courses or history
            folders and no workouts): not a workout file, so outside what this checks.
    """
    return _problems(data, ALL_WORKOUTS_SCHEMA, refuse_other_kinds=True)


def validate_written(data: bytes) -> list[str]:
    """Check a TCX document against our schema of the stricter subset retrointervals writes.

    The subset (``retrointervals/formats/schemas/tcx-workouts.xsd``) leaves out folders, the durations and
    targets we never write and the other parts of TCX; every document it accepts is valid for Garmin's schema.

    Returns:
        Every problem found, as ``"line N: message"``; an empty list when the document is valid.
    """
    return _problems(data, WRITTEN_SUBSET_SCHEMA, refuse_other_kinds=False)


def _problems(data: bytes, schema_name: str, *, refuse_other_kinds: bool) -> list[str]:
    try:
        root = parse(data, "document")
    except FormatError as error:
        return [str(error)]
    if refuse_other_kinds and _holds_no_workouts(root):
        raise FormatError("a TCX activity/course, not a workout file")
    schema = _schema(schema_name)
    if schema.validate(root.getroottree()):
        return []
    return [f"line {line}: {message}" for _, line, message in log_entries(schema.error_log)]


def _holds_no_workouts(root: etree._Element) -> bool:
    """A TCX document with activities, courses or history but no workouts (which are out of our scope)."""
    if root.tag != f"{{{NAMESPACE}}}TrainingCenterDatabase":
        return False
    parts = {etree.QName(child).localname for child in root.iterchildren(f"{{{NAMESPACE}}}*")}  # no comments
    folders = root.find(f"{{{NAMESPACE}}}Folders")
    has_workout_folders = folders is not None and folders.find(f"{{{NAMESPACE}}}Workouts") is not None
    return "Workouts" not in parts and not has_workout_folders and bool(parts & set(_NOT_WORKOUTS))
