"""Reading recorded activities: our own encoded recordings, the corpus, and refusals."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from recordings import record_session

from retrointervals.activity import Recorder, read_activity
from retrointervals.activity import fit as activity_fit
from retrointervals.activity import model as activity_model
from retrointervals.activity import tcx as activity_tcx
from retrointervals.errors import FormatError
from retrointervals.formats import fit as workout_fit
from retrointervals.plans import generate_plan
from retrointervals.units import Speed

START = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def workout():
    plan = generate_plan("beginner", Speed.kmh(4.5), weeks=1, start=START.date())
    return plan.weeks[0].sessions[0].workout


def test_a_watch_recording_keeps_laps_steps_and_the_workout_name(workout):
    activity = activity_fit.read_bytes(record_session(workout, START))
    assert activity.workout_name == workout.name
    assert activity.recorder is Recorder.DEVICE
    assert activity.sport == "walking"
    assert activity.sub_sport == "treadmill"
    assert activity.laps_point_to_steps
    assert len(activity.laps) == len(workout.timeline)
    assert activity.duration_s == pytest.approx(workout.total_time.in_seconds)
    assert len(activity.records) == round(workout.total_time.in_seconds)
    assert activity.start == START
    assert activity.has_speed
    assert not activity.has_incline


def test_a_qdomyos_zwift_recording_is_running_without_a_name(workout):
    activity = activity_fit.read_bytes(record_session(workout, START, recorder="qz", laps="none"))
    assert activity.recorder is Recorder.QDOMYOS_ZWIFT
    assert (activity.sport, activity.sub_sport) == ("running", "virtual_activity")
    assert activity.workout_name is None
    assert len(activity.laps) == 1
    assert activity.laps[0].trigger == "session_end"
    assert not activity.laps_point_to_steps
    assert activity.records[1].time_s == 1.0


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[:-40], "damaged FIT file"),
        (lambda data: data[:-1] + bytes([data[-1] ^ 0xFF]), "checksum"),
        (lambda data: b"not a fit file at all", "not a FIT file"),
    ],
)
def test_damaged_files_are_refused_with_one_line(workout, damage, message):
    with pytest.raises(FormatError, match=message) as caught:
        activity_fit.read_bytes(damage(record_session(workout, START)), "walk.fit")
    assert "\n" not in str(caught.value)


def test_other_sports_and_workout_files_are_refused(workout):
    with pytest.raises(FormatError, match="a cycling activity"):
        activity_fit.read_bytes(record_session(workout, START, recorder="qz", sport="cycling"))
    with pytest.raises(FormatError, match="is a workout, not a recorded activity"):
        activity_fit.read_bytes(workout_fit.write_workout(workout).data)


def test_records_are_bounded(workout, monkeypatch):
    monkeypatch.setattr(activity_fit, "MAX_RECORDS", 100)
    with pytest.raises(FormatError, match="more than 100 records"):
        activity_fit.read_bytes(record_session(workout, START))
    assert activity_model.MAX_RECORDS == 48 * 3600


def test_only_fit_and_tcx_are_read(tmp_path):
    path = tmp_path / "walk.gpx"
    path.write_text("<gpx/>")
    with pytest.raises(FormatError, match=r"\.fit or \.tcx"):
        read_activity(path)


TCX = """<?xml version="1.0"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
<Activities><Activity Sport="{sport}"><Id>2026-12-01T08:00:00Z</Id>
<Lap StartTime="2026-12-01T08:00:00Z"><TotalTimeSeconds>60</TotalTimeSeconds><DistanceMeters>50</DistanceMeters>
<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod><Track>
<Trackpoint><Time>2026-12-01T08:00:00Z</Time><DistanceMeters>0</DistanceMeters></Trackpoint>
<Trackpoint><Time>2026-12-01T08:00:30Z</Time><DistanceMeters>25</DistanceMeters></Trackpoint>
</Track></Lap></Activity></Activities></TrainingCenterDatabase>"""


def test_a_tcx_activity_is_read():
    activity = activity_tcx.read_bytes(TCX.format(sport="Other").encode())
    assert (activity.sport, activity.source, activity.duration_s, activity.distance_m) == ("other", "tcx", 60, 50)
    assert [lap.trigger for lap in activity.laps] == ["manual"]
    assert [record.time_s for record in activity.records] == [0.0, 30.0]


def test_tcx_refusals():
    with pytest.raises(FormatError, match="a Biking activity"):
        activity_tcx.read_bytes(TCX.format(sport="Biking").encode())
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><TrainingCenterDatabase/>'
    with pytest.raises(FormatError, match="DOCTYPE"):
        activity_tcx.read_bytes(hostile)
    with pytest.raises(FormatError, match="holds no activity"):
        activity_tcx.read_bytes(b"<TrainingCenterDatabase/>")


# --- the corpus ---------------------------------------------------------------------------------------------


def _garmin_totals(path: Path) -> tuple[float, float] | None:
    from garmin_fit_sdk import Decoder, Stream  # noqa: PLC0415 - test-only dependency

    messages, errors = Decoder(Stream.from_byte_array(bytearray(path.read_bytes()))).read()
    if errors:
        return None  # the SDK cannot decode it (compressed timestamps); fitdecode can
    sessions = messages.get("session_mesgs", [])
    return (
        sum(s.get("total_timer_time", 0) for s in sessions),
        sum(s.get("total_distance", 0) for s in sessions),
    )


def _tcx_totals(path: Path) -> tuple[float, float]:
    root = ET.fromstring(path.read_bytes())  # noqa: S314 - our own corpus, compared only
    laps = [element for element in root.iter() if element.tag.rsplit("}", 1)[-1] == "Lap"]

    def child(lap: ET.Element, name: str) -> float:
        return sum(float(c.text or 0) for c in lap if c.tag.rsplit("}", 1)[-1] == name)

    return sum(child(lap, "TotalTimeSeconds") for lap in laps), sum(child(lap, "DistanceMeters") for lap in laps)


def test_every_corpus_activity_is_read_or_refused_and_totals_agree(corpus):
    files = sorted((corpus / "fit" / "activities").glob("*.fit")) + sorted(
        (corpus / "tcx" / "activities").glob("*.tcx")
    )
    assert files
    read = refused = compared = 0
    for path in files:
        try:
            activity = read_activity(path)
        except FormatError as error:
            assert "\n" not in str(error)
            assert str(path) in str(error)
            refused += 1
            continue
        read += 1
        expected = _garmin_totals(path) if path.suffix == ".fit" else _tcx_totals(path)
        if expected is not None:
            compared += 1
            assert activity.duration_s == pytest.approx(expected[0], abs=0.01), path.name
            assert activity.distance_m == pytest.approx(expected[1], abs=0.01), path.name
    assert read >= 10
    assert refused >= 3  # a cycling, two multisport files and one without a session
    assert compared >= read - 1


def test_corpus_negative_files_are_refused(corpus):
    for path in [
        *sorted((corpus / "tcx" / "workouts").glob("*.tcx")),
        corpus / "tcx" / "other" / "tcx__spec_data_courses_brighton-beach.tcx",
        *sorted((corpus / "fit" / "workouts").glob("*.fit")),
        # A zero header CRC means "no header CRC" in the FIT protocol: that file is valid and read.
        *sorted(path for path in (corpus / "fit" / "invalid").glob("*.fit") if "ZeroHeaderCrc" not in path.name),
    ]:
        with pytest.raises(FormatError) as caught:
            read_activity(path)
        assert "\n" not in str(caught.value)
