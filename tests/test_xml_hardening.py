"""Every XML reader (TCX, ZWO, QZ) refuses hostile input quickly with FormatError and never raises anything else."""

from __future__ import annotations

import contextlib
import re
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrointervals import FormatError, Workout
from retrointervals import strategies as ris
from retrointervals._files import MAX_INPUT_BYTES
from retrointervals.formats import Policy, _xml, qz, tcx, zwo

READERS: dict[str, Callable[[bytes], object]] = {
    "tcx": tcx.read_bytes,
    "zwo": zwo.read_bytes,
    "qz": qz.read_bytes,
}
PATH_READERS: dict[str, Callable[[Path], object]] = {"tcx": tcx.read, "zwo": zwo.read, "qz": qz.read}
WRITERS = {"tcx": tcx.write_workout, "zwo": zwo.write_workout, "qz": qz.write_workout}

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rows><row duration="00:01:00" speed="&lol9;"/></rows>
"""


def _refuses(read: Callable[[bytes], object], data: bytes) -> FormatError:
    with pytest.raises(FormatError) as caught:
        read(data)
    return caught.value


@pytest.mark.parametrize("name", READERS)
def test_billion_laughs_is_refused_without_expansion(name: str) -> None:
    error = _refuses(READERS[name], BILLION_LAUGHS)
    assert "DOCTYPE" in str(error)
    assert "line 2" in str(error)  # where the DOCTYPE is


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", READERS)
def test_external_entity_is_refused_and_the_file_is_not_read(name: str, secret_file: Path) -> None:
    document = (
        f'<!DOCTYPE rows [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>'
        '<rows><row duration="00:01:00" speed="3" ri_note="&xxe;"/></rows>'
    ).encode()
    error = _refuses(READERS[name], document)
    assert "DOCTYPE" in str(error)
    assert "TOP-SECRET" not in str(error)


def test_the_parser_itself_never_expands_an_external_entity(secret_file: Path) -> None:
    # Below the DOCTYPE refusal: the parser configuration alone must not read the file.
    document = f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]><r>&xxe;</r>'.encode()
    root = _xml._parse_tree(document)
    assert "TOP-SECRET" not in "".join(root.itertext())
    parameter_entity = f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{secret_file.as_uri()}"> %p;]><r/>'.encode()
    assert "TOP-SECRET" not in str(_xml._parse_tree(parameter_entity).getroottree().docinfo.internalDTD)


@pytest.fixture
def listening_socket() -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    yield server
    server.close()


def _connection_attempted(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


@pytest.mark.parametrize("name", READERS)
def test_external_dtd_is_refused_and_never_fetched(name: str, listening_socket: socket.socket) -> None:
    port = listening_socket.getsockname()[1]
    document = f'<!DOCTYPE rows SYSTEM "http://127.0.0.1:{port}/evil.dtd"><rows/>'.encode()
    assert "DOCTYPE" in str(_refuses(READERS[name], document))
    entity = (
        f'<!DOCTYPE rows [<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/evil.dtd"> %remote;]>'
        '<rows><row duration="00:01:00" speed="3"/></rows>'
    ).encode()
    _refuses(READERS[name], entity)
    assert not _connection_attempted(listening_socket)


@pytest.fixture(scope="module")
def huge_document() -> bytes:
    # One 200 MB object, shared by every reader: refused on its size before any parsing.
    return b"<rows>" + b" " * (200 * 1024 * 1024) + b"</rows>"


@pytest.mark.parametrize("name", READERS)
def test_a_200_megabyte_document_is_refused_on_its_size(name: str, huge_document: bytes) -> None:
    assert "larger than" in str(_refuses(READERS[name], huge_document))


@pytest.mark.parametrize("name", PATH_READERS)
def test_a_200_megabyte_file_is_refused_without_reading_it_all(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"huge.{name}"
    with path.open("wb") as stream:  # a sparse file: no 200 MB written or allocated
        stream.write(b"<rows>")
        stream.truncate(200 * 1024 * 1024)
    with pytest.raises(FormatError, match="larger than"):
        PATH_READERS[name](path)
    assert MAX_INPUT_BYTES < 200 * 1024 * 1024


def test_validate_reports_hostile_documents_instead_of_raising() -> None:
    problems = tcx.validate(BILLION_LAUGHS)
    assert len(problems) == 1
    assert "DOCTYPE" in problems[0]


@pytest.mark.parametrize("name", READERS)
def test_malformed_xml_is_reported_with_its_line_and_column(name: str) -> None:
    error = _refuses(READERS[name], b'<?xml version="1.0"?>\n<rows>\n  <row duration="00:01:00"\n</rows>\n')
    assert error.location.startswith("line 4, column")
    assert "not well-formed XML" in error.problem


@pytest.mark.parametrize("name", READERS)
def test_empty_input_says_so(name: str) -> None:
    assert "empty" in str(_refuses(READERS[name], b" \n "))


def _read_or_refuse(data: bytes) -> None:
    """Every reader either reads ``data`` or raises FormatError; anything else fails the test."""
    for read in READERS.values():
        with contextlib.suppress(FormatError):
            read(data)


@given(st.binary(max_size=300))
def test_random_bytes_raise_only_format_error(data: bytes) -> None:
    _read_or_refuse(data)


@st.composite
def _mutated_documents(draw: st.DrawFn) -> bytes:
    name = draw(st.sampled_from(sorted(WRITERS)))
    workout: Workout = draw(ris.workouts(max_segments=8))
    data = bytearray(WRITERS[name](workout, policy=Policy.LOSSY).data)
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 12)))
        data[start:end] = draw(
            st.binary(max_size=8)
            | st.sampled_from([b"<", b">", b"&", b'"', b"-1", b"1e400", b"0", b"99999", b"<Step>", b"</Child>", b"&x;"])
        )
    return bytes(data)


@given(_mutated_documents())
def test_mutated_valid_documents_raise_only_format_error(data: bytes) -> None:
    _read_or_refuse(data)
    assert isinstance(tcx.validate(data), list)


_VALUE = re.compile(rb'="[^"]*"|>[^<]+<')
_ODD_VALUES = st.sampled_from(
    [
        "",
        " ",
        "-1",
        "0",
        "0.0000001",
        "1e400",
        "-1e-400",
        "nan",
        "inf",
        "99999999999999999999",
        "1/2",
        "00:99:00",
        "25:00:00",
        "BW active",
        "BW turn: FORWARD",
        "FORWARD, incline 99%",
        "Repeat_t",
        "Step_t",
        "Time_t",
        "None_t",
        "Speed_t",
        "x:y",
        "\u00e9\u00e9",
        "BACKWARD. " + "x" * 200,
        "1.3 mph",
        "101",
        "2",
        "run",
        "bike",
        "distance",
    ]
)


@st.composite
def _documents_with_odd_values(draw: st.DrawFn) -> bytes:
    """Well-formed documents whose attribute values and texts are replaced by odd ones: the readers' own checks."""
    name = draw(st.sampled_from(sorted(WRITERS)))
    workout: Workout = draw(ris.workouts(max_segments=6))
    data = WRITERS[name](workout, policy=Policy.LOSSY).data
    spots = list(_VALUE.finditer(data, data.index(b"\n")))  # after the XML declaration
    for spot in draw(st.lists(st.sampled_from(spots), min_size=1, max_size=4, unique_by=lambda m: m.start())):
        value = draw(_ODD_VALUES).encode()
        replacement = b'="' + value + b'"' if spot.group().startswith(b"=") else b">" + value + b"<"
        data = data.replace(spot.group(), replacement, 1)
    return data


@given(_documents_with_odd_values())
def test_documents_with_odd_values_raise_only_format_error(data: bytes) -> None:
    _read_or_refuse(data)


# --- bounds the readers keep while reading ---------------------------------------------------------------


@pytest.mark.parametrize("digits", [20, 65, 4_400, 100_000])
def test_numbers_of_any_length_are_format_errors(digits: int) -> None:
    huge = "1" * digits
    documents = [
        f'<rows><row duration="00:01:00" speed="{huge}"/></rows>'.encode(),
        f"<workout_file><sportType>run</sportType><durationType>time</durationType><workout>"
        f'<SteadyState Duration="{huge}" Power="0.3"/></workout></workout_file>'.encode(),
    ]
    for data, read in zip(documents, (qz.read_bytes, zwo.read_bytes), strict=True):
        with pytest.raises(FormatError, match=r"characters, more than any workout number|out of range"):
            read(data)


def test_documents_with_more_steps_than_a_workout_holds_are_refused_while_reading() -> None:
    rows = b'<row duration="00:01:00" speed="3" inclination="0" forcespeed="1"/>' * 10_001
    with pytest.raises(FormatError, match="more than 10000 rows"):
        qz.read_bytes(b"<rows>" + rows + b"</rows>")
    blocks = b'<SteadyState Duration="60" Power="0.3"/>' * 10_001
    header = b"<sportType>run</sportType><durationType>time</durationType><thresholdSecPerKm>360</thresholdSecPerKm>"
    with pytest.raises(FormatError, match="more than 10000 blocks"):
        zwo.read_bytes(b"<workout_file>" + header + b"<workout>" + blocks + b"</workout></workout_file>")


@pytest.mark.parametrize(
    ("attribute", "words"),
    [
        ('level="expert"', "level: unknown value; expected one of 'rehab'"),
        ('start="someday"', r"start: expected a date as YYYY-MM-DD"),
        ('start="9999-12-31"', r"start: must be between 2000-01-01 and 2200-12-31"),
        ('forwardSpeed="4.5" forwardSpeedUnit="knots"', "forwardSpeedUnit: unknown value; expected one of"),
    ],
)
def test_bad_values_in_our_tcx_plan_extension_are_format_errors(attribute: str, words: str) -> None:
    from conftest import step  # noqa: PLC0415

    from retrointervals import Plan, Session, Week  # noqa: PLC0415

    plan = Plan(name="P", weeks=[Week([Session(Workout("W", [step()]))])])
    data = tcx.write_plan(plan).data
    assert tcx.read_bytes(data) == plan
    tampered = data.replace(b' name="P">', f' name="P" {attribute}>'.encode(), 1)
    assert tampered != data
    with pytest.raises(FormatError, match=words):
        tcx.read_bytes(tampered)


def test_documents_with_far_more_elements_than_any_workout_are_refused_before_parsing() -> None:
    # About 14 MB of the smallest blocks, rows or steps: refused by a count of their "<", not by parsing them.
    header = b"<sportType>run</sportType><durationType>time</durationType><thresholdSecPerKm>360</thresholdSecPerKm>"
    blocks = b'<SteadyState Duration="60" Power="0.3"/>' * 350_000
    with pytest.raises(FormatError, match="more than 100000 elements"):
        zwo.read_bytes(b"<workout_file>" + header + b"<workout>" + blocks + b"</workout></workout_file>")
    rows = b'<row duration="00:01:00" speed="3"/>' * 350_000
    with pytest.raises(FormatError, match="more than 50000 elements"):
        qz.read_bytes(b"<rows>" + rows + b"</rows>")
    steps = b"<Step><StepId>1</StepId><Duration><Seconds>60</Seconds></Duration></Step>" * 150_000
    with pytest.raises(FormatError, match="more than 400000 elements"):
        tcx.read_bytes(b"<Workout><Name>W</Name>" + steps + b"</Workout>")
