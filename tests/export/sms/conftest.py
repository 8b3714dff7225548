"""Fixtures of the SMS tests: the sample dealership, a local provider, an in-memory keyring."""

from __future__ import annotations

import pytest
from smskit import SmsProvider, build_sms_sample


@pytest.fixture
def sms_db(database):
    """(database, name → customer id) with the SMS sample."""
    return database, build_sms_sample(database)


@pytest.fixture
def provider():
    with SmsProvider() as running:
        yield running
