"""Fixtures of the widget tests: a task manager of their own, English translators."""

from __future__ import annotations

import pytest

from app.ui.i18n import install_translators
from app.ui.tasks import TaskManager


@pytest.fixture
def manager(qapp):
    """A background runner for one test; every task must have stopped at its end."""
    runner = TaskManager()
    yield runner
    assert runner.shutdown(20_000), "a task did not stop"


@pytest.fixture
def english(qapp):
    install_translators("en", qapp)
    yield
    install_translators("en", qapp)
