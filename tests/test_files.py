"""app.files: temporary file next to the output, atomic replace, permissions, leftovers."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


# --- killed writers: every kind of file Cible writes ------------------------------------------
#
# COMPLIANCE.md §5: a writer is started in a child process (forked, so it starts at once) and
# SIGKILLed at seeded random moments of its write. The previous file must be intact (or, if the
# kill came after the rename, the new one complete), nothing half-written may appear under the
# final name, and the next run — to completion — must leave only the expected files.


KILL_SEED = 20261122
KILLS_PER_KIND = 3
TODAY = dt.date(2026, 11, 22)


def _everyone():
    from tests.export.mailing_sample import everyone

    return everyone()


def _write_workbook(out: Path, db: Path) -> None:
    from app.export.excel import export_target
    from app.models.db import open_database

    database = open_database(db, upgrade=False)
    try:
        with database.engine.connect() as conn:
            export_target(conn, _everyone(), out, today=TODAY, lang="fr")
    finally:
        database.dispose()


def _write_run_target_csv(out: Path, db: Path) -> None:
    from app.cli import run_target

    target = out.parent.parent / "inputs" / "tous.json"
    assert run_target.main([str(target), "--db", str(db), "--out", str(out), "--lang", "fr"]) == 0


def _write_letters(out: Path, db: Path) -> None:
    from app.export.word import merge_target
    from app.export.word_templates import starter_templates
    from app.models.db import open_database

    database = open_database(db, upgrade=False)
    try:
        with database.engine.connect() as conn:
            merge_target(
                conn, _everyone(), out, template=starter_templates()[0][1], today=TODAY,
                funnel_lang="fr",
            )  # fmt: skip
    finally:
        database.dispose()


def _write_target_file(out: Path, db: Path) -> None:
    from app.query.targetfile import save_target_file

    target = _everyone()
    target.description = "x" * 2_000_000  # big enough to be killed while being written
    save_target_file(target, out)


def _write_outbox(out: Path, db: Path) -> None:
    from app.export.sms.gateway import OutboxGateway, OutgoingSms

    messages = (
        OutgoingSms(f"k{i:06d}", f"+3361234{i:04d}", "Votre véhicule " * 5) for i in range(60_000)
    )
    OutboxGateway(out.parent)._write(out, messages)


def _write_backup(out: Path, db: Path) -> None:
    from app.models.db import backup_sqlite

    assert backup_sqlite(db, dt.datetime(2026, 11, 22, 10, 15)) == out


def _write_demo(out: Path, db: Path) -> None:
    from app.cli import demo

    args = ["--db", str(out), "--customers", "300", "--seed", "1", "--today", TODAY.isoformat()]
    assert demo.main(args) == 0


def _valid_zip(path: Path) -> bool:
    with zipfile.ZipFile(path) as package:
        return package.testzip() is None


def _valid_sqlite(path: Path) -> bool:
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)  # creates no -wal nor -shm
    try:
        return conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def _valid_csv(path: Path) -> bool:
    return path.read_bytes().endswith(b"\n")


def _valid_json(path: Path) -> bool:
    return bool(json.loads(path.read_text(encoding="utf-8")))


@dataclass
class Kind:
    name: str
    write: Callable[[Path, Path], None]
    valid: Callable[[Path], bool]
    beside_db: bool = False  # the output is written next to the database (the backup)
    replaces: bool = True  # False: a new file each time (demo database)


KINDS = [
    Kind("liste.xlsx", _write_workbook, _valid_zip),
    Kind("liste.csv", _write_run_target_csv, _valid_csv),
    Kind("lettres.docx", _write_letters, _valid_zip),
    Kind("cible.json", _write_target_file, _valid_json),
    Kind("cible-sms-outbox-20261122-101500-k000000.csv", _write_outbox, _valid_csv),
    Kind("garage.backup-20261122-101500.sqlite", _write_backup, _valid_sqlite, beside_db=True),
    Kind("cible-demo.sqlite", _write_demo, _valid_sqlite, replaces=False),
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.models.db import open_database
    from app.models.demo import generate_demo

    folder = tmp_path_factory.mktemp("inputs")
    path = folder / "garage.sqlite"
    database = open_database(path)
    try:
        generate_demo(database, 600, 1, today=TODAY)
    finally:
        database.dispose()
    return path


def _child(kind: Kind, out: Path, db: Path, ready: Any) -> None:
    ready.set()
    kind.write(out, db)


def _run(kind: Kind, out: Path, db: Path, kill_after: float | None) -> int | None:
    """Run the writer in a forked child; kill it *kill_after* seconds into its write."""
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    child = context.Process(target=_child, args=(kind, out, db, ready), daemon=True)
    child.start()
    assert ready.wait(30)
    if kill_after is not None:
        time.sleep(kill_after)
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)
    child.join(60)
    return child.exitcode


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="needs fork")
@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_a_killed_writer_leaves_the_old_file_and_its_leftovers_go_next_time(
    kind: Kind, demo_db: Path, tmp_path: Path
) -> None:
    rng = random.Random(f"{KILL_SEED}-{kind.name}")
    if kind.beside_db:  # the backup is written next to its database: work on a copy
        folder = tmp_path / "db"
        folder.mkdir()
        db = folder / demo_db.name
        with sqlite3.connect(demo_db) as source, sqlite3.connect(db) as copy:
            source.backup(copy)
        copy.close()
    else:
        folder = tmp_path / "out"
        folder.mkdir()
        db = demo_db
        inputs = tmp_path / "inputs"
        inputs.mkdir()
        (inputs / "tous.json").write_text(json.dumps(_everyone().to_dict()), encoding="utf-8")
    out = folder / kind.name
    expected = sorted(p.name for p in folder.iterdir()) + [kind.name]
    db_before = _digest(db) if kind.beside_db else None

    # one complete run: the previous file, and how long a write takes
    started = time.monotonic()
    assert _run(kind, out, db, None) == 0
    duration = time.monotonic() - started
    assert kind.valid(out)
    if not kind.replaces or kind.beside_db:
        out.unlink()  # the demo and the backup are new files: start from none
    previous = _digest(out)

    for i in range(KILLS_PER_KIND):  # anywhere, then in the second half (the writing itself)
        code = _run(kind, out, db, rng.uniform(0 if i == 0 else duration / 2, duration))
        assert code in (0, -signal.SIGKILL)
        if _digest(out) != previous:  # killed after the rename (or finished): complete
            assert kind.valid(out)
            if not kind.replaces or kind.beside_db:
                out.unlink()
            previous = _digest(out)
        # otherwise intact, or still absent: nothing half-written under the final name
        if kind.beside_db:
            assert _digest(db) == db_before  # the database itself is never touched

    # the next run completes and removes what the killed ones left
    assert _run(kind, out, db, None) == 0
    assert kind.valid(out)
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(db.name)) == sorted(
        n for n in expected if not n.startswith(db.name)
    )
    assert [p.name for p in folder.iterdir() if ".cible-" in p.name] == []
