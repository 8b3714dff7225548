"""Opening databases: locations, upgrades with backups, and every kind of bad input."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from app.errors import DatabaseError
from app.models import db as dbmod
from app.models.db import (
    alembic_config,
    head_revision,
    is_network_path,
    make_engine,
    open_database,
    resolve_url,
    sqlite_url,
)


def test_resolve_url_prefers_argument_then_environment_then_default(tmp_path: Path) -> None:
    env = {"CIBLE_DATABASE_URL": "postgresql+psycopg://u:p@db.example/cible"}
    assert resolve_url(tmp_path / "a.sqlite", env).database == str(tmp_path / "a.sqlite")
    assert resolve_url(None, env).get_backend_name() == "postgresql"
    default = resolve_url(None, {})
    assert default.database == str(dbmod.default_db_path())
    assert "Cible" in default.database


def test_new_database_is_wal_with_foreign_keys_and_at_head(db_path: Path) -> None:
    database = open_database(db_path)
    try:
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert (
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                == head_revision()
            )
        assert database.backup is None
    finally:
        database.dispose()


def test_older_database_is_backed_up_then_upgraded(db_path: Path) -> None:
    engine = make_engine(sqlite_url(db_path))
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(text("INSERT INTO site (code, name, country) VALUES ('A', 'Garage A', 'FR')"))
    engine.dispose()
    database = open_database(db_path)
    try:
        assert database.backup is not None and database.backup.exists()
        assert database.backup.name.startswith("cible.backup-")
        with sqlite3.connect(database.backup) as copy:
            assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
            assert copy.execute("SELECT name FROM site").fetchall() == [("Garage A",)]
        with database.engine.connect() as conn:
            assert (
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                == head_revision()
            )
    finally:
        database.dispose()


def test_a_backup_is_written_under_a_temporary_name_and_an_interrupted_one_is_removed(
    db_path: Path, monkeypatch
) -> None:
    """A file named like a backup always is one: the copy is renamed only when complete."""
    import subprocess
    import sys

    from app import files

    open_database(db_path).dispose()
    if sys.platform != "win32":
        os.chmod(db_path, 0o640)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stamp = dbmod.dt.datetime(2026, 11, 22, 10, 15)
    name = "cible.backup-20261122-101500.sqlite"
    interrupted = files.temp_name(db_path.with_name(name), pid=dead.pid)
    interrupted.write_bytes(b"SQLite format 3\x00 half")
    Path(f"{interrupted}-journal").write_bytes(b"j")
    seen: list[list[str]] = []
    real_connect = sqlite3.connect

    def connect(target, *args, **kwargs):  # what the folder holds while the copy is written
        seen.append(sorted(p.name for p in db_path.parent.iterdir()))
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(dbmod.sqlite3, "connect", connect)
    backup = dbmod.backup_sqlite(db_path, stamp)
    assert backup == db_path.with_name(name) and name not in seen[-1]
    assert [p.name for p in db_path.parent.iterdir() if ".cible-" in p.name] == []
    with real_connect(backup) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone()
    if sys.platform != "win32":
        assert os.stat(backup).st_mode & 0o777 == 0o640


def _unchanged(path: Path, before: bytes) -> bool:
    return path.read_bytes() == before


def test_not_a_sqlite_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("Liste des clients à relancer\n")
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not a Cible database"):
        open_database(path)
    assert _unchanged(path, before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not a Cible database.*invoices"):
        open_database(path)
    assert _unchanged(path, before)


def test_newer_schema_is_refused(db_path: Path) -> None:
    open_database(db_path).dispose()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="newer version of Cible"):
        open_database(db_path)
    assert _unchanged(db_path, before)


def test_corrupt_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="damaged|Cannot use|not a Cible"):
        open_database(path)
    assert _unchanged(path, before)


def test_read_only_location_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, for whom nothing is read-only: simulate what os.access reports.
    folder = tmp_path / "ro"
    folder.mkdir()
    monkeypatch.setattr(dbmod.os, "access", lambda p, mode: False)
    with pytest.raises(DatabaseError, match="read-only"):
        open_database(folder / "new.sqlite")
    assert list(folder.iterdir()) == []


def test_missing_database_without_create(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="No database at"):
        open_database(tmp_path / "missing.sqlite", create=False)
    assert not (tmp_path / "missing.sqlite").exists()


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="is a folder"):
        open_database(tmp_path)


def test_network_paths_are_detected(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert is_network_path(Path(r"\\serveur\partage\cible.sqlite"))
    assert is_network_path(Path("//serveur/partage/cible.sqlite"))
    assert not is_network_path(tmp_path / "local.sqlite")


def test_network_share_opens_with_a_warning(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dbmod, "is_network_path", lambda p: True)
    database = open_database(db_path)
    try:
        assert any("network share" in w for w in database.warnings)
    finally:
        database.dispose()
