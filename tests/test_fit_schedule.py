"""fit/schedule.fit: decoded by two decoders, each entry the file_id of its session's workout file, Garmin-equal."""

from __future__ import annotations

import datetime as dt
import io

import fitdecode
import pytest
from garmin_fit_sdk import Decoder, Encoder, Profile, Stream

from retrointervals.errors import FormatError
from retrointervals.formats import Policy, plan_files, session_file_stem
from retrointervals.formats import _fit_profile as profile
from retrointervals.formats.fit_schedule import (
    MAX_SCHEDULE_ENTRIES,
    file_id_of,
    write_plan_schedule,
)
from retrointervals.model import Plan
from retrointervals.plan_dates import DatedSession, dated_sessions
from retrointervals.plans import generate_plan
from retrointervals.units import Speed

START = dt.date(2026, 3, 2)
_RAW = {
    "apply_scale_and_offset": False,
    "convert_datetimes_to_dates": False,
    "convert_types_to_strings": False,
    "expand_sub_fields": False,
    "expand_components": False,
    "merge_heart_rates": False,
}


def _decode(data: bytes, **options: bool) -> dict[str, list[dict[str, object]]]:
    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(**options)
    assert errors == []
    return messages


def _schedule(plan: Plan, today: dt.date = START) -> tuple[bytes, tuple[DatedSession, ...]]:
    return write_plan_schedule(plan, policy=Policy.LOSSY, today=today)


def test_the_profile_numbers_match_garmins() -> None:
    message = Profile["messages"][profile.SCHEDULE_MESG_NUM]
    assert message["name"] == "schedule"
    assert {number: field["name"] for number, field in message["fields"].items()} == {
        field.value: field.name.lower() for field in profile.ScheduleField
    }
    assert Profile["types"]["schedule"] == {kind.value: kind.name.lower() for kind in profile.Schedule}


def test_every_entry_is_the_file_id_of_its_sessions_workout_file() -> None:
    plan = generate_plan("beginner", Speed.kmh(4.0), start=START)
    data, chosen = _schedule(plan)
    assert [entry.slot for entry in chosen] == [entry.slot for entry in dated_sessions(plan)]
    workouts = dict(plan_files(plan, "fit", policy=Policy.LOSSY))  # exactly the plan folder's files
    messages = _decode(data)
    assert messages["file_id_mesgs"][0]["type"] == "schedules"
    entries = messages["schedule_mesgs"]
    assert len(entries) == len(chosen)
    serials = set()
    for entry, session in zip(entries, chosen, strict=True):
        workout = _decode(workouts[f"{session_file_stem(session.week, session.number)}.fit"].data)
        file_id = workout["file_id_mesgs"][0]
        assert file_id["type"] == "workout"
        for field in ("manufacturer", "product", "serial_number", "time_created"):
            assert entry[field] == file_id[field]
        assert entry["type"] == "workout"
        assert entry["completed"] in (0, False)
        serials.add(entry["serial_number"])
    assert len(serials) == len(entries)  # each session's file has its own identity


def test_fitdecode_reads_it_without_errors() -> None:
    plan = generate_plan("intermediate", Speed.kmh(4.5), start=START)
    data, chosen = _schedule(plan)
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        frames = [frame for frame in reader if isinstance(frame, fitdecode.FitDataMessage)]
    assert [frame.name for frame in frames] == ["file_id"] + ["schedule"] * len(chosen)
    days = [frame.get_raw_value("scheduled_time") // 86400 for frame in frames[1:]]
    assert [dt.date(1989, 12, 31) + dt.timedelta(days=day) for day in days] == [entry.date for entry in chosen]


def test_garmins_encoder_makes_the_same_messages() -> None:
    plan = generate_plan("rehab", Speed.kmh(3.0), start=START)
    data, chosen = _schedule(plan)
    workouts = dict(plan_files(plan, "fit", policy=Policy.LOSSY))
    ours = _decode(data, **_RAW)
    encoder = Encoder()
    encoder.write_mesg({"mesg_num": 0, **ours["file_id_mesgs"][0]})  # the schedule file's own identity
    for session in chosen:
        workout_id = _decode(workouts[f"{session_file_stem(session.week, session.number)}.fit"].data, **_RAW)
        identity = {key: workout_id["file_id_mesgs"][0][key] for key in ("manufacturer", "product", "serial_number")}
        encoder.write_mesg(
            {
                "mesg_num": profile.SCHEDULE_MESG_NUM,
                **identity,
                "time_created": workout_id["file_id_mesgs"][0]["time_created"],
                "completed": 0,  # FIT bool is an enum: false is 0
                "type": 0,
                "scheduled_time": (session.date - dt.date(1989, 12, 31)).days * 86400,
            }
        )
    garmins = encoder.close()
    assert _decode(garmins) == _decode(data)
    assert _decode(garmins, **_RAW) == ours


def test_the_schedule_is_cut_to_what_a_watch_keeps_and_starts_today() -> None:
    plan = generate_plan("advanced", Speed.kmh(5.0), weeks=12, sessions_per_week=4, start=START)
    dated = dated_sessions(plan)
    assert len(dated) > MAX_SCHEDULE_ENTRIES
    data, chosen = _schedule(plan, today=dt.date(2026, 1, 1))
    assert chosen == dated[:MAX_SCHEDULE_ENTRIES]
    assert len(_decode(data)["schedule_mesgs"]) == MAX_SCHEDULE_ENTRIES
    later = dated[10].date
    _, from_later = _schedule(plan, today=later)
    assert from_later[0] == dated[10]
    assert len(from_later) == min(MAX_SCHEDULE_ENTRIES, len(dated) - 10)
    assert _schedule(plan, today=dated[-1].date + dt.timedelta(days=1)) == (b"", ())
    assert _schedule(generate_plan("rehab", Speed.kmh(3.0))) == (b"", ())  # no start date: nothing to schedule


def test_the_same_plan_gives_the_same_bytes() -> None:
    plan = generate_plan("beginner", Speed.kmh(4.0), start=START)
    assert _schedule(plan) == _schedule(plan)


def test_file_id_of_refuses_what_is_not_fit() -> None:
    with pytest.raises(FormatError, match="not a sound FIT file"):
        file_id_of(b"not a fit file at all", "x.fit")
