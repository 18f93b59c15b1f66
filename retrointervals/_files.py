"""File reading and writing shared by every format: bounded reads and atomic writes."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import json
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import cast

import attrs

from retrointervals.errors import (
    ForeignFileError,
    FormatError,
    OutputBusyError,
    OutputError,
    OutputExistsError,
    RetroIntervalsError,
)
from retrointervals.limits import MAX_INPUT_BYTES

if sys.platform != "win32":
    import fcntl

__all__ = ["MAX_INPUT_BYTES", "FolderRules", "read_bounded", "replace_folder", "write_atomic"]


def read_bounded(path: str | os.PathLike[str], limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a whole file, refusing one larger than ``limit`` bytes without reading it all.

    Works on files of unknown size too (``/dev/zero``, pipes): it stops reading one byte past the limit.
    """
    with Path(path).open("rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise FormatError(f"file is larger than the {limit} bytes an input file may have", str(path))
    return data


def check_size(data: bytes | str, source: str, limit: int = MAX_INPUT_BYTES) -> None:
    """Refuse in-memory input larger than ``limit``."""
    if len(data) > limit:
        raise FormatError(f"input is larger than the {limit} bytes an input file may have", source)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A reader never sees a half-written file, and a crash leaves the old file (if any) in place.

    Raises:
        OutputExistsError: ``path`` exists and ``overwrite`` is false.
        OutputError: the system refused (full disk, read-only folder): names ``path``, never the temporary file.
    """
    target = Path(path)
    if not overwrite and target.exists():
        raise OutputExistsError(str(target))
    try:
        return _write_atomic(target, data, overwrite=overwrite)
    except RetroIntervalsError:
        raise
    except OSError as error:
        raise output_error(target, error) from None


def _write_atomic(target: Path, data: bytes, *, overwrite: bool) -> Path:
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temporary = Path(name)
    try:
        temporary.chmod(0o666 & ~_umask())  # mkstemp makes 0600; give the file the user's usual mode
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if overwrite:
            temporary.replace(target)
        else:
            # link() fails if the target appeared meanwhile, so a racing writer's file is never clobbered.
            try:
                target.hardlink_to(temporary)
            except FileExistsError:
                raise OutputExistsError(str(target)) from None
            except OSError:  # file systems without hard links
                if target.exists():
                    raise OutputExistsError(str(target)) from None
                temporary.replace(target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return target


# --- whole folders ----------------------------------------------------------------------------------------------

#: The file in a folder this program wrote that lists every file it wrote there (relative POSIX paths).
MANIFEST_NAME = ".retrointervals-manifest.json"
MANIFEST_FORMAT = "retrointervals-manifest/1"
# Names beside the target folder, derived from its name: the lock, the folder being built, the folder replaced.
_LOCK, _NEW, _OLD = "lock", "new", "old"


def sibling(target: Path, role: str) -> Path:
    """The hidden name beside ``target`` used for ``role`` (``lock``, ``new`` or ``old``)."""
    return target.parent / f".{target.name}.retrointervals-{role}"


def _reason(error: OSError) -> str:
    """What happened, in plain words: ``no space left on device``."""
    text = error.strerror or (os.strerror(error.errno) if error.errno else str(error))
    return text[:1].lower() + text[1:]


def output_error(path: str | os.PathLike[str], error: OSError) -> OutputError:
    """An ``OutputError`` naming ``path`` (the user's target, never a temporary file) and what happened."""
    return OutputError(str(path), _reason(error), error.errno)


@contextlib.contextmanager
def folder_lock(target: Path) -> Iterator[None]:
    """Hold the lock of ``target`` (a file beside it) for one run; another run gets ``OutputBusyError`` at once."""
    path = sibling(target, _LOCK)
    busy = OutputBusyError(str(target), "another retrointervals run is writing this folder now; try again later")
    for _attempt in range(5):
        if sys.platform == "win32":  # pragma: no cover - an exclusive lock file, left behind only by a crash
            try:
                descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                busy.reason += f" (if none is, delete {path})"
                raise busy from None
            break
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise busy from None
        try:
            same = os.path.samestat(os.fstat(descriptor), path.stat())
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(descriptor)  # the run before us removed the file we locked: lock the new one
    else:
        raise busy
    try:
        yield
    finally:
        # Removed while still held, so the next run locks a fresh file (it checks it locked the file on disk).
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(descriptor)


def _write_file(path: Path, data: bytes, *, flush: bool = True) -> None:
    """Create ``path`` (never following a link, never replacing a file) with ``data``, flushed to disk.

    ``flush=False`` leaves the flush to the caller, who flushes the whole file system afterwards.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
        if flush:
            os.fsync(descriptor)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from None  # name the file: write() does not
    finally:
        os.close(descriptor)


def _write_and_sync(item: tuple[Path, bytes]) -> None:
    _write_file(*item)


def _write_unflushed(item: tuple[Path, bytes]) -> None:
    _write_file(*item, flush=False)


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """Linux's ``syncfs(fd)``: one call flushes every file and folder of the file system that holds ``fd``."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):  # pragma: no cover - a C library without syncfs
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return cast("Callable[[int], int]", function)


def _flush_file_system(syncfs: Callable[[int], int], folder: Path) -> None:
    """Flush the file system that holds ``folder`` (its files and folders included) in one call."""
    descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        if syncfs(descriptor) != 0:
            number = ctypes.get_errno()
            raise OSError(number, os.strerror(number), str(folder))
    finally:
        os.close(descriptor)


def _sync_folder(path: Path) -> None:
    """Flush a folder's entries to disk (where the system allows opening folders)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - Windows cannot open folders
        return
    try:
        os.fsync(descriptor)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(descriptor)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # noqa: PLC0415 - only when swapping folders

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    at_cwd, rename_exchange = -100, 2
    if function(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(number, os.strerror(number), str(second))


def _swap(new: Path, target: Path, *, exists: bool) -> None:
    """Put the folder ``new`` at ``target``; the previous ``target`` (if any) ends at ``new`` or at the old name.

    With an atomic exchange a reader sees the previous folder or the new one, never none. Without it (other
    systems), the previous folder is renamed to the ``old`` name first: for a moment there is no ``target``, and
    the ``old`` folder is the sign; the next run puts it back if the run stopped there.
    """
    if not exists:
        new.rename(target)
    elif not _exchange(new, target):
        target.rename(sibling(target, _OLD))
        new.rename(target)
    _sync_folder(target.parent)


def _manifest(folder: Path) -> frozenset[str] | None:
    """The files a folder's manifest lists, or None without a readable one."""
    path = folder / MANIFEST_NAME
    try:
        if path.is_symlink() or not path.is_file():
            return None
        data = json.loads(read_bounded(path))
    except (OSError, ValueError, FormatError):
        return None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT or not isinstance(data.get("files"), list):
        return None
    return frozenset(name for name in data["files"] if isinstance(name, str))


def manifest_bytes(files: Iterable[str]) -> bytes:
    """The manifest of a folder holding ``files``."""
    body = {"format": MANIFEST_FORMAT, "files": sorted(files)}
    return (json.dumps(body, indent=1) + "\n").encode("utf-8")


@attrs.frozen
class FolderRules:
    """What a program-written folder may hold besides its listed files.

    Attributes:
        keep: Top-level names of the user's own data, carried over unchanged into every new version.
        legacy: Whether a relative path is one this program wrote before it kept manifests.
    """

    keep: frozenset[str]
    legacy: Callable[[str], bool]


def _walk(folder: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every entry under ``folder`` (relative POSIX path, entry), parents first, never following links."""
    stack = [("", folder)]
    while stack:
        prefix, current = stack.pop()
        with os.scandir(current) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                relative = f"{prefix}{entry.name}"
                yield relative, entry
                if entry.is_dir(follow_symlinks=False):
                    stack.append((f"{relative}/", Path(entry.path)))


def check_replaceable(target: Path, rules: FolderRules) -> list[str]:
    """The user's data to carry over from ``target``; refuses if it holds anything this program did not write.

    Raises:
        ForeignFileError: naming the first file (or link, or folder) not written by this program.
    """
    ours = _manifest(target)
    carried: list[str] = []
    for relative, entry in _walk(target):
        top = relative.split("/", 1)[0]
        if top in rules.keep:
            if relative == top:
                carried.append(top)
            continue
        if entry.is_symlink():
            raise ForeignFileError(str(target), str(target / relative), "a link retrointervals did not make")
        if entry.is_dir(follow_symlinks=False):
            if ours is not None and not any(name.startswith(f"{relative}/") for name in ours):
                raise ForeignFileError(str(target), str(target / relative), "a folder retrointervals did not make")
            continue  # without a manifest, a folder is judged by what it holds
        if relative == MANIFEST_NAME or (relative in ours if ours is not None else rules.legacy(relative)):
            continue
        raise ForeignFileError(str(target), str(target / relative), "a file retrointervals did not write")
    return carried


def _carry(source: Path, destination: Path) -> None:
    """Put the user's ``source`` (file, link or folder) at ``destination`` unchanged: hard links where possible."""
    if source.is_symlink():
        destination.symlink_to(source.readlink())
    elif source.is_dir():
        destination.mkdir()
        shutil.copystat(source, destination, follow_symlinks=False)
        for child in sorted(source.iterdir()):
            _carry(child, destination / child.name)
    else:
        try:
            os.link(source, destination, follow_symlinks=False)
        except OSError:  # file systems without hard links
            shutil.copy2(source, destination, follow_symlinks=False)


def _same(first: Path, second: Path) -> bool:
    try:
        one, other = os.lstat(first), os.lstat(second)
    except OSError:
        return False
    if stat.S_ISLNK(one.st_mode) and stat.S_ISLNK(other.st_mode):
        return first.readlink() == second.readlink()
    return os.path.samestat(one, other)


def remove_ours(folder: Path, target: Path, rules: FolderRules) -> list[Path]:
    """Delete from ``folder`` what this program wrote and the user's data that ``target`` holds too (linked).

    Never follows a link. Returns what was kept (anything else); the folder itself goes when nothing is kept.
    """
    ours = _manifest(folder)
    kept: list[Path] = []
    doomed: list[Path] = []
    folders: list[Path] = []
    for relative, entry in _walk(folder):
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            folders.append(path)
            continue
        top = relative.split("/", 1)[0]
        mine = relative == MANIFEST_NAME or (relative in ours if ours is not None else rules.legacy(relative))
        if (top not in rules.keep and mine and not entry.is_symlink()) or (
            top in rules.keep and _same(path, target / relative)
        ):
            doomed.append(path)
        else:
            kept.append(path)
    # Removing files is slow on some file systems, and threads remove them side by side.
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in pool.map(Path.unlink, doomed):
            pass
    for path in reversed(folders):  # children before their folders
        with contextlib.suppress(OSError):  # it holds something kept
            path.rmdir()
    if not kept:
        with contextlib.suppress(FileNotFoundError):
            folder.rmdir()
    return kept


def recover(target: Path, rules: FolderRules) -> None:
    """Clean up after a run that was interrupted (killed, power cut): the target ends as a whole folder.

    If it stopped between the two renames of a swap, the previous folder is put back. A folder being built is
    removed. Whatever an interrupted run leaves that it did not write (never expected) is moved aside, not deleted.
    """
    new, old = sibling(target, _NEW), sibling(target, _OLD)
    if old.exists() and not os.path.lexists(target):
        old.rename(target)  # stopped between the renames: the previous folder comes back
        _sync_folder(target.parent)
    for leftover in (new, old):
        if leftover.is_symlink():
            leftover.unlink()
        elif leftover.exists() and remove_ours(leftover, target, rules):
            leftover.rename(leftover.with_name(f"{leftover.name}-kept-{os.getpid()}-{time.time_ns()}"))


def replace_folder(
    target: str | os.PathLike[str], files: Sequence[tuple[str, bytes]], *, overwrite: bool, rules: FolderRules
) -> Path:
    """Write ``files`` (relative POSIX path, bytes) as the whole folder ``target``, replacing it as one.

    The new folder is built beside the target under a hidden name, flushed to disk, and swapped in, so that a
    reader, a crash or a full disk leaves the previous folder or the new one. A manifest lists what was written.
    The user's data named by ``rules.keep`` is carried over unchanged. One run at a time per folder.

    Raises:
        OutputExistsError: ``target`` holds something and ``overwrite`` is false.
        ForeignFileError: ``target`` holds a file or link this program did not write.
        OutputBusyError: another run is writing ``target`` now.
        OutputError: the system refused (full disk, read-only folder...): names the target file and the reason.
    """
    folder = Path(os.path.normpath(target))  # '..' resolved by name only: a linked target is never followed
    if folder.name in ("", ".", ".."):
        raise OutputError(str(target), "give the folder by its name (not . or ..)")
    names = [relative for relative, _ in files]
    for relative in names:
        parts = relative.split("/")
        if relative.startswith("/") or any(part in ("", ".", "..") for part in parts) or parts[0] in rules.keep:
            raise ValueError(f"not a relative path of a file this program writes: {relative!r}")
    if len(set(names)) != len(names) or MANIFEST_NAME in names:
        raise ValueError("the file list names a file twice, or the manifest")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise output_error(folder, error) from None
    try:
        with folder_lock(folder):
            recover(folder, rules)
            carried = _check_target(folder, overwrite=overwrite, rules=rules)
            new = sibling(folder, _NEW)
            try:
                _build(new, folder, files, carried)
            except Exception:
                # A full disk or a refusal: take the half-built folder away now (a killed run leaves it for the
                # next run, which removes it).
                with contextlib.suppress(OSError):
                    recover(folder, rules)
                raise
            exists = os.path.lexists(folder)
            try:
                _swap(new, folder, exists=exists)
            except Exception:
                with contextlib.suppress(OSError):
                    recover(folder, rules)  # the previous folder back, the new one removed
                raise
            if exists:
                leftover = new if new.exists() else sibling(folder, _OLD)
                if remove_ours(leftover, folder, rules):
                    leftover.rename(leftover.with_name(f"{leftover.name}-kept-{os.getpid()}-{time.time_ns()}"))
    except RetroIntervalsError:
        raise
    except OSError as error:
        raise output_error(_target_of(error, folder), error) from None
    return folder


def _target_of(error: OSError, folder: Path) -> Path:
    """The user's path an error is about: a file in the folder being built is named as in the target folder."""
    name = error.filename
    if not isinstance(name, str):
        return folder
    new = str(sibling(folder, _NEW))
    if name == new or name.startswith(new + os.sep):
        return Path(str(folder) + name[len(new) :])
    if name.startswith(str(folder.parent / f".{folder.name}.retrointervals-")):
        return folder
    return Path(name)


def _check_target(folder: Path, *, overwrite: bool, rules: FolderRules) -> list[str]:
    try:
        status = os.lstat(folder)
    except FileNotFoundError:
        return []
    if stat.S_ISLNK(status.st_mode):
        raise OutputError(str(folder), "it is a link; give the folder it points to")
    if not stat.S_ISDIR(status.st_mode):
        raise OutputError(str(folder), "it exists and is not a folder")
    if not any(folder.iterdir()):
        return []
    if not overwrite:
        raise OutputExistsError(str(folder))
    return check_replaceable(folder, rules)


def _build(new: Path, folder: Path, files: Sequence[tuple[str, bytes]], carried: Sequence[str]) -> None:
    try:
        new.mkdir()
    except FileExistsError:
        raise OutputBusyError(str(folder), "another retrointervals run is writing this folder now") from None
    with contextlib.suppress(OSError):
        shutil.copymode(folder, new)  # the replaced folder's permissions, when there was one
    # The manifest goes first: it names what to clean up after an interrupted run.
    items = [(new / MANIFEST_NAME, manifest_bytes(name for name, _ in files))]
    items += [(new / relative, data) for relative, data in files]
    folders = {new}
    for relative, _ in files:
        parent = (new / relative).parent
        if parent not in folders:
            parent.mkdir(parents=True, exist_ok=True)
            folders.add(parent)
    for name in carried:
        _carry(folder / name, new / name)
    # Where the system offers it (Linux), the files are written, then the whole file system is flushed in one call:
    # the same durability before the swap as a flush per file, at a fraction of the cost. Elsewhere, written and
    # flushed by a few threads at once, so that the system commits the files in groups instead of one by one.
    # Either way the build stays all-or-nothing, since the swap comes after.
    # Creating files is the slow part on some file systems, and threads create them side by side.
    with ThreadPoolExecutor(max_workers=8) as pool:
        syncfs = _syncfs()
        if syncfs is not None:
            for _ in pool.map(_write_unflushed, items):
                pass
            _flush_file_system(syncfs, new)
            return
        for _ in pool.map(_write_and_sync, items):
            pass
        for _ in pool.map(_sync_folder, folders):
            pass
