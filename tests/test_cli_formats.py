"""The command line on other tools' files: --lossy, --speed, --race-pace, --zwo-durations, messages in flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrointervals import Speed
from retrointervals.cli import main
from retrointervals.formats import ReadOptions, fit, zwo

RUN_ZWO = b"""<workout_file><name>Track</name><sportType>run</sportType>
<description>Warm up 1.00 km, then 400 m fast</description><workout>
<SteadyState Duration="1000" Power="0.5" pace="1"/><SteadyState Duration="400" Power="0.9" pace="1"/>
</workout></workout_file>"""
UNCLEAR_ZWO = RUN_ZWO.replace(b"Warm up 1.00 km, then 400 m fast", b"Easy")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_show_names_the_flag_each_refusal_needs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "track.zwo"
    path.write_bytes(RUN_ZWO)
    status, _, err = run(capsys, "show", str(path))
    assert status == 1
    assert err.count("\n") == 1
    assert "--lossy" in err  # the seconds-or-metres reading is a change: strict refuses it
    status, _, err = run(capsys, "show", str(path), "--lossy")
    assert status == 1
    assert "give your race pace with --race-pace MM:SS" in err
    assert "race_speeds" not in err
    assert "ReadOptions" not in err
    status, out, _ = run(capsys, "show", str(path), "--lossy", "--race-pace", "6:00")
    assert status == 0
    assert "read its durations as metres, as its text says ('1.00 km')" in out
    assert "1.00 km" in out
    unclear = tmp_path / "unclear.zwo"
    unclear.write_bytes(UNCLEAR_ZWO)
    status, _, err = run(capsys, "show", str(unclear), "--lossy", "--race-pace", "6:00")
    assert status == 1
    assert "--zwo-durations seconds or --zwo-durations metres" in err
    status, out, _ = run(capsys, "show", str(unclear), "--race-pace", "6:00", "--zwo-durations", "seconds")
    assert status == 0
    assert "16:40" in out  # 1000 + 400 seconds, as asked, and nothing else changed: strict is enough


def test_race_pace_per_mile_and_speed_in_mph(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "track.zwo"
    path.write_bytes(UNCLEAR_ZWO)
    status, out, _ = run(
        capsys, "show", str(path), "--race-pace", "10:00", "--unit", "mph", "--zwo-durations", "seconds"
    )
    assert status == 0, out
    assert "3.0 mph" in out  # 0.5 x 6.0 mph (a 10:00 mile)
    with pytest.raises(SystemExit) as caught:  # argparse's convention for a wrong command line
        main(["show", str(path), "--race-pace", "6", "--zwo-durations", "seconds"])
    assert caught.value.code == 2
    assert "expected a pace as MM:SS" in capsys.readouterr().err


def test_convert_lists_the_changes_of_the_read_and_of_the_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "track.zwo"
    source.write_bytes(RUN_ZWO)
    target = tmp_path / "track.tcx"
    status, out, _ = run(capsys, "convert", str(source), str(target), "--lossy", "--race-pace", "6:00")
    assert status == 0
    assert "changed reading:" in out
    assert "read its durations as metres" in out
    assert target.exists()
    workout = zwo.read_bytes(RUN_ZWO, options=ReadOptions(policy="lossy", race_speeds=Speed.kmh(10)))
    long_name = tmp_path / "long.fit"
    fit.write(workout.__class__("A name longer than fifteen", workout.steps), long_name)
    status, out, _ = run(capsys, "convert", str(long_name), str(tmp_path / "long.tcx"), "--lossy")
    assert status == 0
    assert "changed writing:" in out
    assert "TCX workout names are 1 to 15 characters" in out


def test_validate_tells_valid_from_usable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "heart.fit"
    from garmin_fit_sdk import Encoder, Profile  # noqa: PLC0415 - test-only dependency

    encoder = Encoder()
    encoder.on_mesg(Profile["mesg_num"]["FILE_ID"], {"type": "workout", "manufacturer": "garmin", "serial_number": 1})
    encoder.on_mesg(Profile["mesg_num"]["WORKOUT"], {"wkt_name": "Heart", "sport": "running", "num_valid_steps": 1})
    step = {"message_index": 0, "duration_type": "time", "duration_value": 600000, "target_type": "heart_rate",
            "target_value": 2}  # fmt: skip
    encoder.on_mesg(Profile["mesg_num"]["WORKOUT_STEP"], step)
    path.write_bytes(bytes(encoder.close()))
    status, out, _ = run(capsys, "validate", str(path))
    assert status == 0  # a valid FIT workout is not "invalid" because it has a heart-rate target
    assert out.splitlines()[0].endswith("valid FIT workout, but not usable as a treadmill workout as it is:")
    assert "use --lossy" in out
    status, out, _ = run(capsys, "validate", str(path), "--lossy")
    assert status == 0
    assert "give the belt speed for such steps with --speed SPEED" in out
    status, out, _ = run(capsys, "validate", str(path), "--lossy", "--speed", "4")
    assert status == 0
    assert out.splitlines()[-1].endswith("valid FIT workout, usable as a treadmill workout with the 1 change(s) above")
    broken = tmp_path / "broken.fit"
    broken.write_bytes(path.read_bytes()[:-3])
    status, out, _ = run(capsys, "validate", str(broken))
    assert status == 1
    assert out.splitlines()[-1].endswith("invalid FIT workout, 1 problem(s)")


TCX_HEART_RATE = (
    b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
    b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Workouts><Workout Sport="Running"><Name>Heart</Name>'
    b'<Step xsi:type="Step_t"><StepId>1</StepId><Duration xsi:type="Time_t"><Seconds>600</Seconds></Duration>'
    b'<Intensity>Active</Intensity><Target xsi:type="HeartRate_t"><HeartRateZone xsi:type="PredefinedHeartRateZone_t">'
    b"<Number>2</Number></HeartRateZone></Target></Step></Workout></Workouts></TrainingCenterDatabase>"
)


def test_validate_tells_a_valid_tcx_with_heart_rate_targets_from_a_usable_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "heart.tcx"
    path.write_bytes(TCX_HEART_RATE)
    status, out, _ = run(capsys, "validate", str(path))
    assert status == 0  # valid for Garmin's schema, so valid TCX: not "invalid" for its heart-rate target
    assert out.splitlines()[0].endswith("valid Garmin TCX workouts, but not usable as a treadmill workout as it is:")
    status, out, _ = run(capsys, "validate", str(path), "--lossy", "--speed", "4")
    assert status == 0
    assert "valid Garmin TCX workouts, usable as a treadmill workout" in out.splitlines()[-1]
    broken = tmp_path / "broken.tcx"
    broken.write_bytes(TCX_HEART_RATE.replace(b"<Number>2</Number>", b"<Number>6</Number>"))
    status, out, _ = run(capsys, "validate", str(broken))
    assert status == 1
    assert out.splitlines()[-1].endswith("invalid Garmin TCX workouts, 1 problem(s)")


def test_validate_says_a_tcx_activity_is_not_a_workout_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "run.tcx"
    path.write_bytes(
        b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        b"<Activities/></TrainingCenterDatabase>"
    )
    status, out, err = run(capsys, "validate", str(path))
    assert status == 1
    assert (out, err) == (f"{path}: a TCX activity/course, not a workout file\n", "")


def test_bike_files_are_refused_in_one_line_whatever_the_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bike.zwo"
    path.write_bytes(b"<workout_file><sportType>bike</sportType><workout><SteadyState Duration='60' Power='1'/>"
                     b"</workout></workout_file>")  # fmt: skip
    status, _, err = run(capsys, "show", str(path), "--lossy", "--speed", "4", "--race-pace", "6:00")
    assert status == 1
    assert (
        err
        == "retrointervals: error: "
        + str(path)
        + ", line 1: this is a bike workout (sportType 'bike'); only run workouts can become treadmill walks\n"
    )


def test_a_run_zwo_paced_in_seconds_per_km_reads_with_the_durations_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "paced.zwo"
    path.write_bytes(
        b"<workout_file><name>Paced</name><sportType>run</sportType><workout>"
        b'<SteadyState Duration="600" pace="360"/><SteadyState Duration="300" pace="300"/></workout></workout_file>'
    )
    status, _, err = run(capsys, "show", str(path), "--lossy")
    assert status == 1
    assert "--zwo-durations" in err  # no text says whether 600 is seconds or metres
    status, out, _ = run(capsys, "show", str(path), "--lossy", "--zwo-durations", "seconds")
    assert status == 0
    assert "read pace 360 as seconds per km, 10.0 km/h (a guess)" in out
    assert "15:00" in out
