"""The session log: log.csv reading, writing and updating."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrointervals import strategies as ris
from retrointervals.errors import FormatError, ValidationError
from retrointervals.sessionlog import (
    COLUMNS,
    Balance,
    LogEntry,
    Status,
    add_entry,
    format_log,
    parse_log,
    parse_session,
    read_log,
)

DAY = dt.date(2026, 12, 1)


def test_sessions_are_named_like_the_plan():
    assert parse_session("W2S1") == (2, 1)
    assert parse_session("w02s3") == (2, 3)
    assert parse_session("W2 S1") == (2, 1)
    assert LogEntry(date=DAY, session="w2 s1").session == "W2S1"
    for bad in ("2-1", "W0S1", "WS", ""):
        with pytest.raises(ValidationError, match="W2S1"):
            parse_session(bad)


def test_add_or_update_never_loses_an_entry(tmp_path):
    path = tmp_path / "log.csv"
    add_entry(path, LogEntry(date=DAY, session="W1S2", rpe=11))
    add_entry(path, LogEntry(date=DAY, session="W1S1", pain_after=2, stumble=Balance.NEAR_FALL))
    entries = add_entry(path, LogEntry(date=DAY + dt.timedelta(days=1), session="W1S2", rpe=12, handrails=True))
    assert [e.session for e in entries] == ["W1S1", "W1S2"]
    assert read_log(path) == entries
    assert read_log(path)[1].rpe == 12
    assert read_log(path)[0].stumble is Balance.NEAR_FALL
    assert path.read_text().splitlines()[0] == ",".join(COLUMNS)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_a_missing_log_is_empty(tmp_path):
    assert read_log(tmp_path / "log.csv") == ()


@pytest.mark.parametrize(
    ("text", "place", "problem"),
    [
        ("date,session,rpe\n2026-12-01,W1S1,5\n", "row 2, column rpe", "6 to 20"),
        ("date,session,pain_after\n2026-12-01,W1S1,eleven\n", "row 2, column pain_after", "whole number"),
        ("date,session\n2026-13-01,W1S1\n", "row 2, column date", "YYYY-MM-DD"),
        ("date,session,status\n2026-12-01,W1S1,ok\n\n2026-12-01,W1S2,done\n", "row 2, column status", "done"),
        ("date,session,handrails\n2026-12-01,W1S1,maybe\n", "row 2, column handrails", "yes or no"),
        ("date,session,pain\n", "row 1", "unknown column 'pain'"),
        ("date,status\n", "row 1", "'session' column is missing"),
        ("date,session\n2026-12-01,W1S1\n2026-12-02,W1S1\n", "row 3", "two rows"),
        ("date,session\n2026-12-01,X\n", "row 2, column session", "W2S1"),
    ],
)
def test_bad_rows_name_the_row_and_column(text, place, problem):
    with pytest.raises(FormatError, match=problem) as caught:
        parse_log(text.encode(), "log.csv")
    assert f"log.csv, {place}" in str(caught.value)


def test_spreadsheet_bom_and_column_order_are_accepted():
    entries = parse_log("\ufeffsession,notes,date,status\nW1S1,ok,2026-12-01,partial\n".encode())
    assert entries == (LogEntry(date=DAY, session="W1S1", status=Status.PARTIAL, notes="ok"),)


@given(st.lists(ris.log_entries(), max_size=8, unique_by=lambda entry: entry.session))
def test_a_log_reads_back_as_written(entries):
    assert parse_log(format_log(entries)) == tuple(sorted(entries, key=lambda e: (*e.week_and_session, e.date)))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"date,session,notes\n2026-12-01,W1S1," + b"x" * 200_000 + b"\n", "not readable as CSV"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_hostile_logs_are_refused_in_one_line(data, problem):
    with pytest.raises(FormatError, match=problem):
        parse_log(data)


def test_a_log_over_the_size_bound_is_refused(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(b"date,session\n" + b"\n" * (3 * 1024 * 1024))
    with pytest.raises(FormatError, match="larger than"):
        read_log(path)
