"""How Cible writes a file: complete or not at all, with the user's permissions. Pure Python.

Every file Cible writes (workbooks, letters, labels and PDFs, starter templates, target files,
SMS outboxes and log exports, run-target's output, the demo database, the backup taken before an
upgrade) goes through this module:

* The content is written to a temporary file **next to the output**, named after it, the host
  and the process: ``.liste.xlsx.cible-<host>-<pid>-<random>.tmp``. Customer data never goes to
  the shared temporary folder; a writer that needs a scratch folder (rows streamed before they
  are spliced into a workbook, LibreOffice's output and profile) gets one next to the output
  with the same naming (:func:`scratch_folder`).
* When the writer's block completes, the file is flushed and fsynced, given its permissions and
  moved over the output with :func:`os.replace` (atomic on one file system); the folder is then
  fsynced where the system allows it. On any exception — ``KeyboardInterrupt`` included — the
  temporary file is removed and the output is left exactly as it was. A killed process cannot
  run that cleanup: see below.
* Permissions: a replaced file keeps its mode; a new one gets the user's usual permissions
  (``0o666`` less the umask), not the private ``0o600`` of :func:`tempfile.mkstemp`, so
  colleagues on a shared folder can open it. The temporary file itself is private.
* Leftovers: :func:`clean_leftovers` removes the temporary files, scratch folders and SQLite
  companions (``-journal``, ``-wal``, ``-shm``) of writers that are gone — same host and the
  process no longer runs, or older than :data:`LEFTOVER_AGE` whatever the host. A colleague's
  file being written on a shared folder (another host, recent) is never touched. Every write
  calls it on the output's folder first.

Forms: :func:`atomic_write` yields an open file (binary or text); :func:`atomic_path` yields the
temporary *path*, for libraries that write to a file name themselves (XlsxWriter, openpyxl,
python-docx, SQLite). Errors are :class:`OSError`; callers turn them into their own messages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
import shutil
import socket
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

#: A leftover older than this is removed whatever host wrote it (its writer is surely gone).
LEFTOVER_AGE = dt.timedelta(days=1)

#: What SQLite adds next to a database file (rollback journal, write-ahead log, shared memory).
SQLITE_COMPANIONS = ("-journal", "-wal", "-shm")

_MARK = "cible"
#: Longest part of the output's name kept in a temporary name (file names stop at 255 bytes).
_NAME_BYTES = 120
_LEFTOVER = re.compile(
    r"^\.(?P<name>.+)\.cible-(?P<host>[A-Za-z0-9_.-]+)-(?P<pid>\d+)-(?P<token>[0-9a-f]{8})"
    r"\.(?:tmp|scratch)(?P<companion>-journal|-wal|-shm)?$"
)


# --- names --------------------------------------------------------------------------------------


def host_name() -> str:
    """This computer's name as it appears in temporary names (letters, digits, ``_.-``)."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", socket.gethostname() or "host")
    return name[:63] or "host"


def _name_part(name: str) -> str:
    raw = name.encode("utf-8")
    if len(raw) <= _NAME_BYTES:
        return name
    return raw[:_NAME_BYTES].decode("utf-8", errors="ignore")


def temp_name(
    target: str | os.PathLike[str],
    *,
    kind: str = "tmp",
    host: str | None = None,
    pid: int | None = None,
) -> Path:
    """A temporary name next to *target*: ``.NAME.cible-HOST-PID-RANDOM.tmp`` (or ``.scratch``)."""
    target = Path(target)
    token = secrets.token_hex(4)
    host = host if host is not None else host_name()
    pid = pid if pid is not None else os.getpid()
    return target.with_name(f".{_name_part(target.name)}.{_MARK}-{host}-{pid}-{token}.{kind}")


def _folder(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


# --- permissions --------------------------------------------------------------------------------


def current_umask(folder: str | os.PathLike[str] | None = None) -> int:
    """The process's umask, read without changing it (``os.umask`` would, for every thread).

    Linux gives it in ``/proc/self/status``; elsewhere a probe file is created in *folder* (the
    current folder by default) with mode ``0o666`` and the mode it got is read back.
    """
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    probe = temp_name(Path(folder or ".") / "umask")
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        mode = stat.S_IMODE(os.fstat(fd).st_mode)
    finally:
        os.close(fd)
        os.unlink(probe)
    return 0o666 & ~mode


def file_mode(target: str | os.PathLike[str]) -> int:
    """The mode a new version of *target* gets: the existing file's, or ``0o666 & ~umask``."""
    target = Path(target)
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask(_folder(target))


# --- leftovers ----------------------------------------------------------------------------------


def pid_running(pid: int) -> bool:
    """Whether a process with this id runs on this computer (when unsure: yes)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate it on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # ERROR_ACCESS_DENIED: it exists
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's process
        return True
    return True


def _newest_mtime(path: Path) -> float:
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        with contextlib.suppress(OSError):
            for entry in os.scandir(path):
                with contextlib.suppress(OSError):
                    newest = max(newest, entry.stat(follow_symlinks=False).st_mtime)
    return newest


def is_abandoned(path: str | os.PathLike[str], *, now: float | None = None) -> bool:
    """Whether *path*, named like a Cible temporary file, was left by a writer that is gone."""
    path = Path(path)
    match = _LEFTOVER.match(path.name)
    if match is None:
        return False
    try:
        age = (now if now is not None else dt.datetime.now().timestamp()) - _newest_mtime(path)
    except OSError:  # gone meanwhile, or unreadable: leave it
        return False
    if age > LEFTOVER_AGE.total_seconds():
        return True
    return match["host"] == host_name() and not pid_running(int(match["pid"]))


def clean_leftovers(where: str | os.PathLike[str], *, now: float | None = None) -> list[Path]:
    """Remove the abandoned temporary files and folders of Cible writers in a folder.

    *where* is a folder, or an output file (then its folder is cleaned). Only names of this
    module's scheme are considered, and only those whose writer is gone (see
    :func:`is_abandoned`); SQLite's companions of a temporary database go with it. Returns what
    was removed; files that cannot be removed are left (another time).
    """
    where = Path(where)
    folder = where if where.is_dir() else _folder(where)
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(folder) if _LEFTOVER.match(e.name)]
    except OSError:
        return removed
    for entry in entries:
        path = Path(entry.path)
        if not is_abandoned(path, now=now):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            continue
        removed.append(path)
    return removed


def remove_sqlite(path: str | os.PathLike[str]) -> None:
    """Remove a SQLite file Cible made itself, with its ``-journal``, ``-wal`` and ``-shm``."""
    path = Path(path)
    for candidate in (path, *(path.with_name(path.name + s) for s in SQLITE_COMPANIONS)):
        candidate.unlink(missing_ok=True)


# --- writing ------------------------------------------------------------------------------------


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Make a rename in *folder* durable, where the system allows it (not on Windows)."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb+" if sys.platform == "win32" else "rb") as handle:
        os.fsync(handle.fileno())


def _commit(tmp: Path, target: Path, mode: int) -> None:
    _fsync_file(tmp)
    with contextlib.suppress(OSError):  # a file system without modes (FAT, some shares)
        os.chmod(tmp, mode)
    os.replace(tmp, target)
    fsync_folder(_folder(target))


@contextlib.contextmanager
def atomic_path(
    target: str | os.PathLike[str], *, permissions: int | None = None
) -> Iterator[Path]:
    """A temporary path next to *target*, moved over it when the block completes.

    The path exists (an empty, private file) when the block starts: write to it by name, or
    replace it. Closed files only: the block must close what it opened on the path (for a
    database, dispose of the engine) before it ends. *permissions* override the permissions
    (default: :func:`file_mode`). On any exception the temporary file (and SQLite's companions
    of it) is removed and *target* is untouched.
    """
    target = Path(target)
    folder = _folder(target)
    clean_leftovers(folder)
    tmp = temp_name(target)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield tmp
        _commit(tmp, target, file_mode(target) if permissions is None else permissions)
    finally:
        remove_sqlite(tmp)


@contextlib.contextmanager
def atomic_write(
    target: str | os.PathLike[str],
    mode: str = "wb",
    *,
    encoding: str | None = None,
    newline: str | None = None,
    errors: str | None = None,
    permissions: int | None = None,
) -> Iterator[IO[Any]]:
    """An open file (``"wb"`` or ``"w"``) whose content replaces *target* when the block ends.

    Text mode takes *encoding*, *newline* and *errors* as :func:`open` does. On any exception
    *target* is untouched and nothing is left behind. See :func:`atomic_path`.
    """
    if mode not in ("w", "wb", "wt"):
        raise ValueError(f"atomic_write writes a whole file: mode 'w' or 'wb', not {mode!r}")
    with atomic_path(target, permissions=permissions) as tmp:
        with open(tmp, mode, encoding=encoding, newline=newline, errors=errors) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())


@contextlib.contextmanager
def scratch_folder(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A private scratch folder next to *target* (``.NAME.cible-HOST-PID-RANDOM.scratch``),
    removed with its content when the block ends, whatever happens."""
    target = Path(target)
    clean_leftovers(_folder(target))
    path = temp_name(target, kind="scratch")
    path.mkdir(mode=0o700)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
