"""Fixtures of the SMS window tests: the sample dealership, a task runner, English."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "export" / "sms"))

from smskit import build_sms_sample, save_sms_settings  # noqa: E402

from app import i18n  # noqa: E402
from app.ui.tasks import TaskManager  # noqa: E402


@pytest.fixture
def manager(qapp):
    runner = TaskManager()
    yield runner
    assert runner.shutdown(10_000), "a task did not stop"


@pytest.fixture
def english():
    before = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture
def sms_db(database, english):
    ids = build_sms_sample(database)
    save_sms_settings(database)
    return database, ids
