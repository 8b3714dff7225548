"""Fixtures for the targeting window: the seed's small dealership, a task manager, helpers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from app.models.db import open_database

_spec = importlib.util.spec_from_file_location(
    "query_sample_data", Path(__file__).parents[2] / "query" / "conftest.py"
)
_sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sample)  # type: ignore[union-attr]
build_sample = _sample.build_sample


@pytest.fixture(autouse=True)
def _in_english(english):
    yield


@pytest.fixture
def sample_db(tmp_path):
    """(database, ids): the hand-built dealership of tests/query, in this test's own file."""
    db = open_database(tmp_path / "sample.sqlite")
    ids = build_sample(db)
    yield db, ids
    db.dispose()
