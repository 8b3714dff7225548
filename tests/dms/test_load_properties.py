"""Hypothesis: re-importing a file changes nothing; a refusal Cible holds is never lost."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.dms.fields import FileKind, suggest_mapping
from app.dms.load import import_file
from app.dms.sniff import sniff
from app.models.dealership import Customer
from app.models.enums import Channel
from app.models.permissions import record_refusal
from tests.dms.conftest import fingerprint, fresh_database

TODAY = dt.date(2026, 12, 2)
HEADER = "N° client;Site;Civilité;Nom;Prénom;CP;Ville;Portable;E-mail;Refus SMS;Refus e-mail"
names = st.sampled_from(["DUPRÉ", "MARTIN", "Lefèvre", "", "O'NEIL", "GIRARD"])
rows = st.lists(
    st.tuples(
        st.integers(1, 30),  # customer number (duplicates allowed)
        st.sampled_from(["TRS", "BLO", ""]),
        st.sampled_from(["M.", "Mme", "Madame", "XYZ", ""]),
        names,
        names,
        st.sampled_from(["37000", "3700", "ABCDE", ""]),
        st.sampled_from(["Tours", "Blois", "Chambray-lès-Tours", ""]),
        st.sampled_from(["06 12 34 56 78", "0247612210", "12", ""]),
        st.sampled_from(["a@b.fr", "pas un mail", ""]),
        st.sampled_from(["O", "N", ""]),
        st.sampled_from(["Oui", "Non", ""]),
    ),
    min_size=1,
    max_size=25,
)


def _write(path: Path, data) -> Path:
    lines = [HEADER] + [";".join(str(c) for c in row) for row in data]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def _import(database, path: Path):
    layout = sniff(path)
    mapping = suggest_mapping(list(layout.headers), FileKind.CUSTOMERS)
    return import_file(database, path, FileKind.CUSTOMERS, mapping, layout=layout, today=TODAY)


def _dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=rows)
def test_reimport_is_a_no_op(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("noop")
    path = _write(folder / "clients.csv", data)
    db_path = folder / "cible.sqlite"
    database = fresh_database(db_path)
    try:
        first = _import(database, path)
        before = fingerprint(database, db_path)
        second = _import(database, path)
        assert (second.new, second.updated) == (0, 0)
        assert second.unchanged == first.new + first.updated + first.unchanged
        assert fingerprint(database, db_path) == before
    finally:
        database.dispose()


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=rows,
    channel=st.sampled_from([Channel.SMS, Channel.EMAIL, Channel.POST, Channel.PHONE_MOBILE]),
    day=st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)),
)
def test_a_refusal_is_never_lost(tmp_path_factory, data, channel, day):
    folder = tmp_path_factory.mktemp("refusal")
    database = fresh_database(folder / "cible.sqlite")
    try:
        _import(database, _write(folder / "a.csv", data))
        with database.session() as session:
            refused = {}
            for customer in session.scalars(select(Customer)):
                record_refusal(session, customer, channel, day, "Saisie Cible", "anne")
                refused[customer.id] = customer.optout_sms, customer.optout_email
        # Any later file, saying "no refusal" or nothing about it.
        later = [(*row[:9], "N", "Non") for row in data]
        _import(database, _write(folder / "b.csv", later))
        with database.session() as session:
            for customer in session.scalars(select(Customer)):
                if customer.id in refused:
                    assert getattr(customer, f"optout_{channel.value}") is True
                    assert getattr(customer, f"optout_{channel.value}_date") >= day
    finally:
        database.dispose()
