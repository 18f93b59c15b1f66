"""A plan folder is written as a whole: interrupted, raced, full or refused, it is the old plan or the new one."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from retrointervals import Speed, _files
from retrointervals.cli import main
from retrointervals.errors import ForeignFileError, OutputBusyError, OutputError, OutputExistsError
from retrointervals.export import LOG_FILE, MANIFEST_NAME, RECORDINGS_FOLDER, export_plan, plan_entries
from retrointervals.model import Plan
from retrointervals.plans import generate_plan

ADVANCED = generate_plan("advanced", Speed.kmh(5.0), weeks=3, sessions_per_week=4)
REHAB = generate_plan("rehab", Speed.kmh(3.0), weeks=2)
FORMATS = ("json", "fit", "zwo")  # enough files to interrupt at many points, quick to make


class Killed(BaseException):
    """A simulated kill -9: a BaseException, so the writer's own clean-up for errors does not run."""


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes); folders only through their files."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def expected(plan: Plan, folder: Path) -> dict[str, bytes]:
    """What ``folder`` holds after exporting ``plan`` into it (computed in a scratch folder)."""
    scratch = folder.parent / f"scratch-{plan.level.value if plan.level else 'plan'}"
    if not scratch.exists():
        export_plan(plan, scratch, formats=FORMATS)
    return snapshot(scratch)


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


def _count_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    calls = [0]
    original = getattr(_files, name)

    def counting(*arguments: object, **keywords: object) -> object:
        calls[0] += 1
        return original(*arguments, **keywords)

    monkeypatch.setattr(_files, name, counting)
    return calls


def _fail_at(
    monkeypatch: pytest.MonkeyPatch, name: str, number: int, error: Callable[[], BaseException]
) -> Iterator[None]:
    original = getattr(_files, name)
    calls = [0]

    def failing(*arguments: object, **keywords: object) -> object:
        calls[0] += 1
        if calls[0] == number:
            raise error()
        return original(*arguments, **keywords)

    monkeypatch.setattr(_files, name, failing)
    yield


def test_force_from_a_longer_plan_to_a_shorter_one_leaves_exactly_the_new_plan(out: Path) -> None:
    export_plan(ADVANCED, out, formats=FORMATS)
    assert len(list((out / "fit").iterdir())) == 12
    export_plan(REHAB, out, formats=FORMATS, overwrite=True)
    assert snapshot(out) == expected(REHAB, out)
    assert len(list((out / "fit").iterdir())) == 6
    assert siblings(out) == []
    assert MANIFEST_NAME in snapshot(out)


def test_without_force_a_folder_that_is_not_empty_is_refused_untouched(out: Path) -> None:
    export_plan(ADVANCED, out, formats=FORMATS)
    before = snapshot(out)
    with pytest.raises(OutputExistsError):
        export_plan(REHAB, out, formats=FORMATS)
    assert snapshot(out) == before


def test_an_empty_folder_is_used_without_force(out: Path) -> None:
    out.mkdir()
    export_plan(REHAB, out, formats=FORMATS)
    assert snapshot(out) == expected(REHAB, out)


def test_log_and_recordings_survive_a_re_export_unchanged(out: Path) -> None:
    export_plan(ADVANCED, out, formats=FORMATS)
    (out / LOG_FILE).write_text("date,session\n2026-12-01,W01S1\n", encoding="utf-8")
    (out / RECORDINGS_FOLDER / "week1").mkdir(parents=True)
    (out / RECORDINGS_FOLDER / "week1" / "s1.csv").write_bytes(b"\x00\x01 recording")
    (out / RECORDINGS_FOLDER / "link").symlink_to("week1")  # the walker's own link: carried, not followed
    user = {name: data for name, data in snapshot(out).items() if name.split("/")[0] in (LOG_FILE, RECORDINGS_FOLDER)}
    export_plan(REHAB, out, formats=FORMATS, overwrite=True)
    assert snapshot(out) == {**expected(REHAB, out), **user}
    assert (out / RECORDINGS_FOLDER / "link").readlink() == Path("week1")
    export_plan(ADVANCED, out, formats=FORMATS, overwrite=True)
    assert snapshot(out) == {**expected(ADVANCED, out), **user}


def test_files_it_did_not_write_are_refused_by_name_and_kept(out: Path) -> None:
    export_plan(ADVANCED, out, formats=FORMATS)
    (out / "fit" / "my-own.fit").write_bytes(b"mine")
    before = snapshot(out)
    with pytest.raises(ForeignFileError, match=r"my-own\.fit") as caught:
        export_plan(REHAB, out, formats=FORMATS, overwrite=True)
    assert "overwrite" not in str(caught.value)
    assert snapshot(out) == before
    assert siblings(out) == []


def test_a_folder_it_did_not_make_is_refused_even_when_empty(out: Path) -> None:
    export_plan(ADVANCED, out, formats=FORMATS)
    (out / "notes").mkdir()
    with pytest.raises(ForeignFileError, match="a folder retrointervals did not make"):
        export_plan(REHAB, out, formats=FORMATS, overwrite=True)
    assert (out / "notes").is_dir()


def test_a_symlinked_subfolder_is_refused_and_never_followed(out: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "week01-session1.fit").write_bytes(b"not ours to delete")
    export_plan(ADVANCED, out, formats=("json",))
    (out / "fit").symlink_to(elsewhere)
    with pytest.raises(ForeignFileError, match="link"):
        export_plan(REHAB, out, formats=FORMATS, overwrite=True)
    assert snapshot(elsewhere) == {"week01-session1.fit": b"not ours to delete"}
    assert (out / "fit").is_symlink()


def test_a_linked_target_and_a_file_target_are_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(OutputError, match="link"):
        export_plan(REHAB, tmp_path / "link", formats=FORMATS, overwrite=True)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="not a folder"):
        export_plan(REHAB, tmp_path / "file", formats=FORMATS, overwrite=True)
    assert list(real.iterdir()) == []


def test_a_folder_from_before_manifests_is_recognised_by_its_layout(out: Path) -> None:
    export_plan(ADVANCED, out, formats=FORMATS)
    (out / MANIFEST_NAME).unlink()
    export_plan(REHAB, out, formats=FORMATS, overwrite=True)
    assert snapshot(out) == expected(REHAB, out)


def _interruption_points(monkeypatch: pytest.MonkeyPatch, out: Path) -> int:
    calls = _count_calls(monkeypatch, "_write_file")
    export_plan(REHAB, out.parent / "count", formats=FORMATS)
    monkeypatch.undo()
    return calls[0]


@pytest.mark.parametrize("fresh", [True, False], ids=["new-folder", "replacing"])
def test_a_kill_at_any_file_write_leaves_the_old_plan_or_the_new_one(
    out: Path, monkeypatch: pytest.MonkeyPatch, fresh: bool
) -> None:
    writes = _interruption_points(monkeypatch, out)
    assert writes > 10
    for number in range(1, writes + 1):
        if not fresh:
            export_plan(ADVANCED, out, formats=FORMATS, overwrite=True)
        old = snapshot(out)
        with monkeypatch.context() as patch:
            _fail_at(patch, "_write_file", number, Killed).send(None)
            with pytest.raises(Killed):
                export_plan(REHAB, out, formats=FORMATS, overwrite=True)
        assert snapshot(out) == old, number  # the swap had not happened: the old plan, whole
        assert siblings(out) == [".out.retrointervals-new"]  # the sign of an interrupted run
        export_plan(REHAB, out, formats=FORMATS, overwrite=True)  # the next run cleans up and succeeds
        assert snapshot(out) == expected(REHAB, out)
        assert siblings(out) == []


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_kill_during_the_swap_leaves_the_old_plan_or_the_new_one(
    out: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    if not exchange:
        monkeypatch.setattr(_files, "_exchange", lambda _first, _second: False)
    renames: list[tuple[str, str]] = []
    original_rename = Path.rename

    for kill_after in range(4):

        def rename(self: Path, target: str | os.PathLike[str], *, _limit: int = kill_after) -> Path:
            if len(renames) >= _limit:
                raise Killed
            renames.append((self.name, str(target)))
            return original_rename(self, target)

        export_plan(ADVANCED, out, formats=FORMATS, overwrite=True)
        old, new = snapshot(out), expected(REHAB, out)
        renames.clear()
        with monkeypatch.context() as patch:
            patch.setattr(Path, "rename", rename)
            patch.setattr(_files, "remove_ours", _killing)
            with pytest.raises(Killed):
                export_plan(REHAB, out, formats=FORMATS, overwrite=True)
        now = snapshot(out)
        assert now in (old, new, {}), kill_after
        if now == {}:  # only between the two renames, and then the old folder is there under its hidden name
            assert not exchange
            assert ".out.retrointervals-old" in siblings(out)
        _files.recover(out, _plan_rules())
        assert snapshot(out) in (old, new)
        export_plan(REHAB, out, formats=FORMATS, overwrite=True)
        assert snapshot(out) == new
        assert siblings(out) == []


def _killing(*_arguments: object) -> list[Path]:
    raise Killed


def _plan_rules() -> _files.FolderRules:
    from retrointervals.export import PLAN_FOLDER  # noqa: PLC0415

    return PLAN_FOLDER


def test_a_second_run_while_one_is_writing_gets_a_clear_error_and_writes_nothing(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export_plan(ADVANCED, out, formats=FORMATS)
    import threading  # noqa: PLC0415

    outcomes: list[BaseException] = []
    original = _files._write_file
    once = threading.Lock()  # files are written by several threads: race only once

    def write_and_race(path: Path, data: bytes, **options: bool) -> None:
        if once.acquire(blocking=False):
            try:  # a second run starts while the first is writing
                export_plan(REHAB, out, formats=FORMATS, overwrite=True)
            except OutputBusyError as error:
                outcomes.append(error)
        original(path, data, **options)

    monkeypatch.setattr(_files, "_write_file", write_and_race)
    export_plan(ADVANCED, out, formats=FORMATS, overwrite=True)
    assert len(outcomes) == 1
    assert "another retrointervals run" in str(outcomes[0])
    assert snapshot(out) == expected(ADVANCED, out)
    assert siblings(out) == []


def test_concurrent_threads_never_mix_two_plans(out: Path) -> None:
    import threading  # noqa: PLC0415

    plans = [ADVANCED, REHAB] * 3
    results: list[object] = []
    barrier = threading.Barrier(len(plans))

    def run(plan: Plan) -> None:
        barrier.wait()
        try:
            export_plan(plan, out, formats=FORMATS, overwrite=True)
            results.append(plan.level)
        except OutputBusyError as error:
            results.append(error)

    threads = [threading.Thread(target=run, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert any(not isinstance(result, BaseException) for result in results)
    assert snapshot(out) in (expected(ADVANCED, out), expected(REHAB, out))
    assert siblings(out) == []


@pytest.mark.parametrize(
    ("failure", "reason"),
    [(errno.ENOSPC, "no space left on device"), (errno.EROFS, "read-only file system"), (errno.EACCES, "denied")],
)
def test_the_cli_on_a_full_disk_or_a_read_only_folder_says_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], failure: int, reason: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "--level", "rehab", "--speed", "3", "--out", "knee", "--formats", "json,fit"]) == 0
    before = snapshot(tmp_path / "knee")
    capsys.readouterr()
    original_write = os.write
    calls = [0]

    def write(descriptor: int, data: bytes) -> int:
        calls[0] += 1
        if calls[0] == 4:
            raise OSError(failure, os.strerror(failure))
        return original_write(descriptor, data)

    monkeypatch.setattr(os, "write", write)
    status = main(["plan", "--level", "beginner", "--speed", "4", "--out", "knee", "--force", "--formats", "json,fit"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert status == 1
    assert err.count("\n") == 1, err
    # Files are written by several threads, so which one meets the full disk varies: it is always named, in knee/.
    assert re.match(r"retrointervals: error: could not write knee/[\w./-]+: ", err), err
    assert reason in err
    assert "retrointervals-new" not in err
    assert "overwrite" not in err
    assert snapshot(tmp_path / "knee") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["knee"]


def test_the_cli_when_the_folder_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)

    def refuse(self: Path, *_arguments: object, **_keywords: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    status = main(["plan", "--level", "rehab", "--speed", "3", "--out", "knee"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert status == 1
    assert err == "retrointervals: error: could not write knee: read-only file system\n"
    assert list(tmp_path.iterdir()) == []


def test_the_cli_speaks_in_flags_when_the_folder_is_not_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "knee").mkdir()
    (tmp_path / "knee" / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["plan", "--level", "rehab", "--speed", "3", "--out", "knee"]) == 1
    assert capsys.readouterr().err == (
        "retrointervals: error: knee already exists and is not empty; add --force to replace it\n"
    )
    assert main(["plan", "--level", "rehab", "--speed", "3", "--out", "knee", "--force"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("retrointervals: error: will not replace knee: knee/notes.txt is a file")
    assert (tmp_path / "knee" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_entries_are_made_before_anything_is_written(tmp_path: Path) -> None:
    entries = plan_entries(REHAB, formats=FORMATS)
    assert [entry.path for entry in entries][-2:] == ["plan.html", "README.txt"]
    assert not (tmp_path / "out").exists()


_KILL_CHILD = """
import os, signal, sys
from retrointervals import Speed, _files
from retrointervals.export import export_plan
from retrointervals.plans import generate_plan

target, kill_at = sys.argv[1], int(sys.argv[2])
original, calls = _files._write_file, [0]
def write(path, data, **options):
    calls[0] += 1
    if calls[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    original(path, data, **options)
_files._write_file = write
export_plan(generate_plan("rehab", Speed.kmh(3.0), weeks=2), target, formats=("json", "fit", "zwo"), overwrite=True)
"""


@pytest.mark.parametrize("kill_at", [1, 2, 9, 15])
def test_a_real_kill_9_leaves_the_old_plan_and_the_next_run_cleans_up(out: Path, kill_at: int) -> None:
    import signal  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    export_plan(ADVANCED, out, formats=FORMATS)
    old = snapshot(out)
    root = Path(__file__).resolve().parent.parent
    environment = {**os.environ, "PYTHONPATH": str(root)}
    ran = subprocess.run(
        [sys.executable, "-c", _KILL_CHILD, str(out), str(kill_at)], env=environment, check=False, timeout=120
    )
    assert ran.returncode == -signal.SIGKILL
    assert snapshot(out) == old
    export_plan(REHAB, out, formats=FORMATS, overwrite=True)
    assert snapshot(out) == expected(REHAB, out)
    assert siblings(out) == []


def _exit_status(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exit_:  # argparse refuses the command line with status 2
        return int(exit_.code or 0)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("9999-12-31", (2, "plans are dated from 2000-01-01 to 2200-12-31")),
        ("1999-12-31", (2, "plans are dated from 2000-01-01")),
        ("2200-12-01", (1, "end by 2200-12-31")),  # in range, but the plan's last week is not
        ("2026-02-30", (2, "YYYY-MM-DD")),
    ],
)
def test_the_cli_refuses_a_start_out_of_range_before_writing_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], start: str, expected: tuple
) -> None:
    monkeypatch.chdir(tmp_path)
    status = _exit_status(["plan", "--level", "rehab", "--speed", "3", "--start", start, "--out", "knee"])
    err = capsys.readouterr().err
    assert (status, expected[1] in err) == (expected[0], True), err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_cli_asks_for_one_decimal_in_its_own_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _exit_status(["plan", "--level", "rehab", "--speed", "4.55", "--out", "knee"]) == 2
    err = capsys.readouterr().err
    assert "at most one decimal" in err
    assert "rounding" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_failed_flush_of_the_new_folder_leaves_the_old_plan(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if _files._syncfs() is None:
        pytest.skip("the one-call flush (syncfs) is Linux's; elsewhere every file is flushed as it is written")
    export_plan(ADVANCED, out, formats=FORMATS, overwrite=True)
    old = snapshot(out)

    def fail(_syncfs: object, folder: Path) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(folder))

    monkeypatch.setattr(_files, "_flush_file_system", fail)
    with pytest.raises(OutputError, match="input/output error"):
        export_plan(REHAB, out, formats=FORMATS, overwrite=True)
    assert snapshot(out) == old  # nothing was swapped in: the files might not be on disk
    assert siblings(out) == []
