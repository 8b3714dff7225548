"""app.files: temporary file next to the output, atomic replace, permissions, leftovers."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import files

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_text_file_is_written_and_replaces_the_old_one(tmp_path) -> None:
    out = tmp_path / "liste.csv"
    out.write_text("old", encoding="utf-8")
    with files.atomic_write(out, "w", encoding="utf-8", newline="") as handle:
        handle.write("nouveau;é\r\n")
        # while being written: the old file is still there, the new one has a recognisable name
        assert out.read_text(encoding="utf-8") == "old"
        (tmp,) = [p for p in tmp_path.iterdir() if p != out]
        assert tmp.name.startswith(f".liste.csv.cible-{files.host_name()}-{os.getpid()}-")
        assert tmp.name.endswith(".tmp") and _mode(tmp) & 0o077 == 0 or sys.platform == "win32"
    assert out.read_bytes() == "nouveau;é\r\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["liste.csv"]


def test_a_path_for_libraries_that_write_by_name(tmp_path) -> None:
    out = tmp_path / "a.bin"
    with files.atomic_path(out) as tmp:
        assert tmp.parent == tmp_path and tmp.exists()
        tmp.write_bytes(b"xyz")
    assert out.read_bytes() == b"xyz" and [p.name for p in tmp_path.iterdir()] == ["a.bin"]


@posix_only
def test_a_replaced_file_keeps_its_mode(tmp_path) -> None:
    out = tmp_path / "shared.docx"
    out.write_bytes(b"old")
    os.chmod(out, 0o664)
    with files.atomic_write(out) as handle:
        handle.write(b"new")
    assert _mode(out) == 0o664 and out.read_bytes() == b"new"
    os.chmod(out, 0o600)
    with files.atomic_path(out) as tmp:
        tmp.write_bytes(b"newer")
    assert _mode(out) == 0o600


@posix_only
@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_a_new_file_gets_the_users_usual_permissions(tmp_path, umask) -> None:
    old = os.umask(umask)
    try:
        assert files.current_umask(tmp_path) == umask
        with files.atomic_write(tmp_path / "new.csv", "w", encoding="utf-8") as handle:
            handle.write("x")
        with files.atomic_path(tmp_path / "new.xlsx") as tmp:
            tmp.write_bytes(b"x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new.csv") == 0o666 & ~umask
    assert _mode(tmp_path / "new.xlsx") == 0o666 & ~umask


@posix_only
def test_the_umask_probe_when_proc_is_not_there(tmp_path, monkeypatch) -> None:
    real_open = open

    def no_proc(name, *args, **kwargs):
        if str(name).startswith("/proc/"):
            raise FileNotFoundError(name)
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr("builtins.open", no_proc)
    old = os.umask(0o027)
    try:
        assert 0o666 & ~files.current_umask(tmp_path) == 0o640
    finally:
        os.umask(old)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_an_exception_leaves_the_old_file_and_no_temporary_file(tmp_path, error) -> None:
    out = tmp_path / "liste.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(error):
        with files.atomic_write(out) as handle:
            handle.write(b"half")
            raise error()
    with pytest.raises(error):
        with files.atomic_path(out) as tmp:
            tmp.write_bytes(b"half")
            Path(f"{tmp}-journal").write_bytes(b"j")
            raise error()
    with pytest.raises(error):
        with files.scratch_folder(out) as scratch:
            (scratch / "rows.xml").write_text("<row/>")
            raise error()
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["liste.xlsx"]


def test_a_new_file_that_fails_is_never_created(tmp_path) -> None:
    with pytest.raises(ValueError):
        with files.atomic_write(tmp_path / "new.txt", "w", encoding="utf-8") as handle:
            handle.write("x")
            raise ValueError
    assert list(tmp_path.iterdir()) == []


def test_long_names_still_fit(tmp_path) -> None:
    out = tmp_path / ("é" * 120 + ".xlsx")  # 245 bytes
    with files.atomic_write(out) as handle:
        handle.write(b"x")
    assert out.read_bytes() == b"x"


def _touch(path: Path, age_seconds: float = 0, folder: bool = False) -> Path:
    if folder:
        path.mkdir()
        (path / "rows.xml").write_text("secret")
    else:
        path.write_bytes(b"secret")
    when = time.time() - age_seconds
    if folder:
        os.utime(path / "rows.xml", (when, when))
    os.utime(path, (when, when))
    return path


def test_leftovers_of_a_dead_process_on_this_host_are_removed(tmp_path) -> None:
    out = tmp_path / "liste.xlsx"
    out.write_bytes(b"mine")
    pid = _dead_pid()
    dead = _touch(files.temp_name(out, pid=pid))
    scratch = _touch(files.temp_name(out, kind="scratch", pid=pid), folder=True)
    db = _touch(files.temp_name(tmp_path / "demo.sqlite", pid=pid))
    companions = [_touch(Path(f"{db}{s}")) for s in files.SQLITE_COMPANIONS]
    assert sorted(files.clean_leftovers(out)) == sorted([dead, scratch, db, *companions])
    assert [p.name for p in tmp_path.iterdir()] == ["liste.xlsx"]


def test_a_colleagues_file_in_progress_is_kept_an_old_one_removed(tmp_path) -> None:
    out = tmp_path / "liste.xlsx"
    running = _touch(files.temp_name(out))  # this process: being written
    colleague = _touch(files.temp_name(out, host="PC-ACCUEIL", pid=_dead_pid()), 3600)
    forgotten = _touch(files.temp_name(out, host="PC-ACCUEIL", pid=1234), 2 * 86400)
    old_scratch = _touch(files.temp_name(out, kind="scratch", host="PC-2", pid=1), 2 * 86400, True)
    mine_old = _touch(files.temp_name(out), 2 * 86400)  # a pid reused long after: too old
    others = [_touch(tmp_path / n, 9 * 86400) for n in (".liste.xlsx.abc.tmp", "notes.tmp")]
    assert sorted(files.clean_leftovers(tmp_path)) == sorted([forgotten, old_scratch, mine_old])
    assert sorted(tmp_path.iterdir()) == sorted([running, colleague, *others])


def test_every_write_cleans_the_folder_first(tmp_path) -> None:
    out = tmp_path / "liste.csv"
    dead = _touch(files.temp_name(tmp_path / "other.csv", pid=_dead_pid()))
    with files.atomic_write(out) as handle:
        assert not dead.exists()
        handle.write(b"x")


def test_pid_running() -> None:
    assert files.pid_running(os.getpid())
    assert not files.pid_running(_dead_pid())
    assert not files.pid_running(0)
