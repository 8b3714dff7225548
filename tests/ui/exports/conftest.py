"""Fixtures of the export dialogs' tests."""

from __future__ import annotations

import pytest

from app.models.db import open_database
from tests.export.mailing_sample import build_mailing_sample


@pytest.fixture
def garage(tmp_path):
    """(database, ids): the mailing sample of tests/export, in this test's own file."""
    db = open_database(tmp_path / "garage.sqlite")
    ids = build_mailing_sample(db)
    yield db, ids
    db.dispose()
