"""Validation against our schema of the TCX workout subset retrointervals writes."""

from __future__ import annotations

import functools
import importlib.resources

from lxml import etree

from retrointervals.errors import FormatError
from retrointervals.formats._xml import (
    log_entries,
    parse,
)

# --- validation --------------------------------------------------------------------------------


@functools.cache
def _schema() -> etree.XMLSchema:
    resource = importlib.resources.files("retrointervals.formats").joinpath("schemas").joinpath("tcx-workouts.xsd")
    return etree.XMLSchema(parse(resource.read_bytes(), "tcx-workouts.xsd"))


def validate(data: bytes) -> list[str]:
    """Check a TCX document against our schema of the TCX workout subset retrointervals writes.

    The schema (``retrointervals/formats/schemas/tcx-workouts.xsd``) is ours, not Garmin's: a document it accepts
    is valid for Garmin's TrainingCenterDatabase v2 too, so you can check files without Garmin's schema. Files
    using parts of TCX we never write (activities, heart-rate targets, ...) are reported as problems.

    Returns:
        Every problem found, as ``"line N: message"``; an empty list when the document is valid.
    """
    try:
        root = parse(data, "document")
    except FormatError as error:
        return [str(error)]
    schema = _schema()
    if schema.validate(root.getroottree()):
        return []
    return [f"line {line}: {message}" for _, line, message in log_entries(schema.error_log)]
