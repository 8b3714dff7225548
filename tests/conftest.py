"""Shared fixtures. Qt runs offscreen; every test gets its own temporary database."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from app.models.db import Database, open_database  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user's data folder or settings; never read CIBLE_DATABASE_URL."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("CIBLE_DATABASE_URL", raising=False)


@pytest.fixture
def memory_keyring():
    """A keyring in memory for the test (the user's real one untouched), put back after."""
    import keyring
    from keyringkit import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cible.sqlite"


@pytest.fixture
def database(db_path: Path):
    """An empty, migrated database in a temporary file."""
    db: Database = open_database(db_path)
    yield db
    db.dispose()
