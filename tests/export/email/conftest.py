"""Fixtures of the e-mail tests: the sample dealership and a local SMTP server."""

from __future__ import annotations

import pytest
from mailkit import LocalSmtp, build_email_sample, imap_server  # noqa: F401 (a fixture)


@pytest.fixture
def mail_db(database):
    return database, build_email_sample(database)


@pytest.fixture
def smtp_server():
    with LocalSmtp() as running:
        yield running


@pytest.fixture
def brevo():
    from mailkit import FakeBrevo

    with FakeBrevo() as api:
        yield api


@pytest.fixture(autouse=True)
def _language_restored():
    """A command run with --lang makes its language current: put it back after each test."""
    from app import i18n

    before = i18n.language()
    yield
    i18n.set_language(before)
