"""Fixtures of the e-mail window tests: the e-mail core tests' sample dealership, local SMTP,
IMAP (dovecot) and Brevo servers, a keyring in memory, English."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_TESTS = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(_TESTS / "export" / "email"))
sys.path.insert(0, str(_TESTS / "export" / "sms"))

from mailkit import FakeBrevo, LocalSmtp, build_email_sample, imap_server  # noqa: E402, F401

from app import i18n  # noqa: E402


@pytest.fixture
def english(qapp):
    from app.ui.i18n import install_translators

    before = i18n.language()
    i18n.set_language("en")
    install_translators("en", qapp)
    yield
    i18n.set_language(before)
    install_translators("en", qapp)


@pytest.fixture
def mail_db(database, english, memory_keyring):
    return database, build_email_sample(database)


@pytest.fixture
def smtp_server():
    with LocalSmtp() as running:
        yield running


@pytest.fixture
def brevo():
    with FakeBrevo() as api:
        yield api
