"""The import's database: a SQLite file, or the PostgreSQL server of ``CIBLE_TEST_DATABASE_URL``.

.ci/run runs the engine's tests (tests/query) and the import's (tests/dms/test_load*.py) a second
time on a throwaway PostgreSQL cluster, with ``CIBLE_TEST_DATABASE_URL`` set, as
tests/query/conftest.py does. Here every test that asks for ``database`` then gets that server
with its schema emptied and migrated again; :func:`snapshot` reads every table the same way on
both, so "nothing changed" is checked on PostgreSQL too (on SQLite the tests compare the file's
bytes, which is stronger).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from app.models.base import Base
from app.models.db import Database, open_database


def server_url() -> str | None:
    """The PostgreSQL test database, when the tests run on one."""
    return os.environ.get("CIBLE_TEST_DATABASE_URL") or None


def fresh_database(path: Path) -> Database:
    """An empty, migrated database: on the test server (its schema dropped first) when
    ``CIBLE_TEST_DATABASE_URL`` is set, else a SQLite file at *path*."""
    url = server_url()
    if url is None:
        return open_database(path)
    scratch = create_engine(url)
    try:
        with scratch.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        scratch.dispose()
    return open_database(url)


def snapshot(database: Database) -> list:
    """Every row of every table, in primary-key order (the same on SQLite and PostgreSQL)."""
    rows = []
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            rows.append((table.name, [tuple(r) for r in connection.execute(query)]))
    return rows


def fingerprint(database: Database, db_path: Path):
    """What must not change: the SQLite file's bytes, or the server's :func:`snapshot`."""
    if server_url() is None:
        database.dispose()
        return db_path.read_bytes()
    return snapshot(database)


sqlite_only = pytest.mark.skipif(
    server_url() is not None, reason="runs a command on a SQLite file (run on SQLite in CI)"
)


@pytest.fixture
def database(db_path: Path):
    """An empty, migrated database (on the PostgreSQL test server when one is given)."""
    db = fresh_database(db_path)
    yield db
    db.dispose()
