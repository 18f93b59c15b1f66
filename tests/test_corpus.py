"""Every file of the shared corpus, through the library and the command line: read, with its step count and step
lengths agreeing with an independent reader (garmin-fit-sdk for FIT, the file's own numbers for the XML formats),
or refused in one clear line.

Expectations are per file, by what the file is (its folder, sport, rows...), never by how many files a folder
holds: the corpus grows. Reading uses what ``retrointervals show FILE --lossy --speed 4 --race-pace 6:00`` uses.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest
from conftest import corpus_root
from lxml import etree

from retrointervals import Duration, Plan, Speed, Step, Workout
from retrointervals.cli import main
from retrointervals.errors import FormatError
from retrointervals.formats import Policy, ReadOptions, fit, read_with_changes
from retrointervals.timeline import flatten

OPTIONS = ReadOptions(policy=Policy.LOSSY, speed=Speed.kmh(4), race_speeds=Speed.kmh(10))
FLAGS = ("--lossy", "--speed", "4", "--race-pace", "6:00")
ROOT = corpus_root()
FILES = sorted(p for p in ROOT.rglob("*") if p.is_file() and p.name != "MANIFEST.md") if ROOT is not None else []
#: The length readers give a step that ends on something else than a time or a distance (documented default).
DEFAULT_SECONDS = 60

# What a refusal says, by folder (files elsewhere are refused only for what they are: see ``expected_refusal``).
REFUSED_FOLDERS = {
    "schemas": "unknown file extension",
    "fit/activities": "not a workout file|chained",
    "fit/other": "not a workout file|chained|ends too early|not a FIT file|CRC mismatch|malformed",
    "fit/invalid": "CRC mismatch|not a FIT file|ends too early|not a workout file|malformed",
    "tcx/activities": "no <Workouts>",
    "tcx/other": "no <Workouts>",
    "zwo/bike": "bike workout|the file is empty|has no <workout> element",
}
#: The one run ZWO whose durations its own text does not explain (and whose blocks have no Power at all).
UNDETERMINED_ZWO = "kaiord__packages_core_src_tests_fixtures_zwift-files_WorkoutRunningPace.zwo"

Lengths = list[tuple[str | None, int]]


def _folder(path: Path) -> str:
    assert ROOT is not None
    parts = path.relative_to(ROOT).parts
    return "/".join(parts[:2]) if parts[0] in ("fit", "tcx", "zwo") else parts[0]


def _xml(path: Path) -> etree._Element | None:
    """The file's tree; None when it is not well-formed (an undeclared namespace prefix alone is forgiven)."""
    try:
        return etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as error:
        if "Namespace prefix" not in str(error):
            return None
    return etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False, recover=True))


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def expected_refusal(path: Path) -> str | None:  # noqa: PLR0911 - one answer per kind of file
    """The words of the file's refusal, or None when it is a walking or running workout to read."""
    folder = _folder(path)
    if folder in REFUSED_FOLDERS:
        return REFUSED_FOLDERS[folder]
    if folder == "fit/workouts":
        messages = _garmin(path)
        sport = messages["workout_mesgs"][0].get("sport")
        return "this is a cycling workout" if sport == "cycling" else None
    if folder == "tcx/workouts":
        root = _xml(path)
        if root is None:
            return "not well-formed XML"
        if any(element.get("Sport") == "Biking" for element in root.iter() if _local(element) == "Workout"):
            return "Biking workout"
        return None
    if folder == "zwo/run":
        return "--zwo-durations" if path.name == UNDETERMINED_ZWO else None
    if folder == "qz":
        root = _xml(path)
        assert root is not None
        rows = [row.attrib for row in root.iter("row")]
        bike = all("speed" not in row and ("resistance" in row or "power" in row) for row in rows)
        return "bike program" if bike else None
    raise AssertionError(f"a corpus folder this test does not know: {folder}")


# --- independent readers --------------------------------------------------------------------------


def _garmin(path: Path) -> dict[str, list[dict[str, object]]]:
    from garmin_fit_sdk import Decoder, Stream  # noqa: PLC0415 - test-only dependency

    messages, _ = Decoder(Stream.from_byte_array(bytearray(path.read_bytes()))).read()
    return messages  # type: ignore[no-any-return]


def fit_lengths(path: Path) -> Lengths:
    """Each walked step of a FIT workout, repeats expanded, as garmin-fit-sdk decodes it."""
    walked: list[tuple[int, tuple[str | None, int]]] = []  # (message index of the first step, length)
    steps = sorted(_garmin(path)["workout_step_mesgs"], key=lambda message: int(str(message["message_index"])))
    for index, message in enumerate(steps):
        kind = str(message.get("duration_type"))
        if kind.startswith("repeat"):
            first = int(str(message.get("duration_step", index)))
            count = message.get("repeat_steps") if kind == "repeat_until_steps_cmplt" else 1
            passes = min(max(int(str(count)) if count else 1, 1), 99)
            body = [entry for entry in walked if entry[0] >= first]
            walked.extend(body * (passes - 1))
        elif kind == "time" and message.get("duration_time") is not None:
            walked.append((index, ("s", round(float(str(message["duration_time"]))))))
        elif kind == "distance" and message.get("duration_distance") is not None:
            walked.append((index, ("m", round(float(str(message["duration_distance"]))))))
        else:
            walked.append((index, (None, DEFAULT_SECONDS)))
    return [length for _, length in walked]


def tcx_lengths(path: Path) -> Lengths:
    """Each walked step of every workout of a TCX file, repeats expanded, from its own numbers."""

    def walk(element: etree._Element) -> Lengths:
        children = [child for child in element if _local(child) in ("Step", "Child")]
        if any(_local(child) == "Repetitions" for child in element):
            count = int(next(child for child in element if _local(child) == "Repetitions").text or "1")
            return [length for child in children for length in walk(child)] * count
        duration = next(child for child in element if _local(child) == "Duration")
        values = {_local(child): child.text for child in duration}
        if "Seconds" in values:
            return [("s", round(float(values["Seconds"] or 0)))]
        if "Meters" in values:
            return [("m", round(float(values["Meters"] or 0)))]
        return [(None, DEFAULT_SECONDS)]

    root = _xml(path)
    assert root is not None
    workouts = [element for element in root.iter() if _local(element) == "Workout"]
    return [length for workout in workouts for step in workout if _local(step) == "Step" for length in walk(step)]


def zwo_lengths(path: Path) -> Lengths:
    """Each walked block of a ZWO file, IntervalsT expanded, from its own Duration numbers (seconds or metres)."""
    root = _xml(path)
    assert root is not None
    body = next(element for element in root if _local(element).lower() == "workout")
    lengths: Lengths = []
    for block in body:
        fields = {key.lower(): value for key, value in block.attrib.items()}
        tag = _local(block).lower()
        if tag == "intervalst":
            pair = [(None, int(float(fields["onduration"]))), (None, int(float(fields["offduration"])))]
            lengths.extend(pair * max(int(float(fields.get("repeat", "1") or 1)), 1))
        elif tag not in ("textevent", "textnotification", "gameplayevent"):
            lengths.append((None, int(float(fields["duration"]))))
    return lengths


def qz_lengths(path: Path) -> Lengths:
    """Each row of a QZ program: its distance in metres when it has one, else its HH:MM:SS duration."""
    root = _xml(path)
    assert root is not None
    lengths: Lengths = []
    for row in root.iter("row"):
        if float(row.get("distance", "0")) > 0:
            lengths.append(("m", round(float(row.get("distance", "0")) * 1000)))
        else:
            hours, minutes, seconds = (int(part) for part in row.get("duration", "0:0:0").split(":"))
            lengths.append(("s", hours * 3600 + minutes * 60 + seconds))
    return lengths


INDEPENDENT = {"fit": fit_lengths, "tcx": tcx_lengths, "zwo": zwo_lengths, "qz": qz_lengths}


def our_lengths(document: Workout | Plan) -> Lengths:
    workouts = [document] if isinstance(document, Workout) else [s.workout for _, _, s in document.sessions()]
    found: Lengths = []
    for workout in workouts:
        for step in flatten(workout.steps, 0):
            assert isinstance(step, Step)
            found.append(("s" if isinstance(step.length, Duration) else "m", int(step.length.exact)))
    return found


def agree(theirs: Lengths, ours: Lengths, *, ordered: bool) -> None:
    assert len(ours) == len(theirs), "step count"
    pairs = (
        zip(theirs, ours, strict=True) if ordered else zip(sorted(theirs, key=str), sorted(ours, key=str), strict=True)
    )
    for (unit, value), (our_unit, our_value) in pairs:
        assert our_value == value, (unit, value, our_unit, our_value)
        if unit is not None:
            assert our_unit == unit
    assert sum(value for _, value in ours) == sum(value for _, value in theirs), "total"


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.skipif(ROOT is None, reason="interoperability corpus not found: put shared/ beside the checkout")
@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(ROOT)) if ROOT else str(path))
def test_every_corpus_file_is_read_or_refused_in_one_line(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refusal = expected_refusal(path)
    status = main(["show", str(path), *FLAGS])
    out, err = capsys.readouterr()
    if refusal is not None:
        assert status == 1
        assert len(err.splitlines()) == 1, err
        assert err.startswith("retrointervals: error: ")
        assert re.search(refusal, err), err
        assert "Traceback" not in err
        assert "=" not in err.split("error: ", 1)[1].replace("==", ""), "no Python arguments in messages"
        if "zwo-durations" not in refusal and _folder(path) != "schemas":
            with pytest.raises(FormatError):
                read_with_changes(path, options=OPTIONS)
        if "zwo-durations" in refusal:  # the flag it names reads it
            assert main(["show", str(path), *FLAGS, "--zwo-durations", "seconds"]) == 0
            seconds = attrs.evolve(OPTIONS, zwo_durations="seconds")
            agree(zwo_lengths(path), our_lengths(read_with_changes(path, options=seconds).document), ordered=True)
        return
    assert status == 0, err
    decoded = read_with_changes(path, options=OPTIONS)
    assert "change(s) made reading" in out if decoded.changes else "change(s)" not in out
    kind = path.suffix.lower().lstrip(".")
    kind = "qz" if kind == "xml" else kind
    agree(INDEPENDENT[kind](path), our_lengths(decoded.document), ordered=isinstance(decoded.document, Workout))
    # Strict reading refuses every one of these other tools' files that needed a change.
    if decoded.changes:
        with pytest.raises(FormatError):
            read_with_changes(path, options=ReadOptions(speed=Speed.kmh(4), race_speeds=Speed.kmh(10)))


def test_the_fit_default_length_is_what_the_independent_reader_assumes() -> None:
    assert fit.DEFAULT_LENGTH.exact == DEFAULT_SECONDS
