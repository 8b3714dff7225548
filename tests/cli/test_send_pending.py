"""``python -m app send-pending``: due messages, statuses, STOP, report import, bad input."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "export" / "sms"))

from smskit import PHONES, SmsProvider, build_sms_sample, everyone, save_sms_settings  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.__main__ import main  # noqa: E402
from app.models import Customer  # noqa: E402
from app.models.sms import SmsMessage, SmsStatus  # noqa: E402
from app.query.targetfile import save_target_file  # noqa: E402


@pytest.fixture
def setup(database, tmp_path):
    ids = build_sms_sample(database)
    save_sms_settings(database)
    target = tmp_path / "tous.json"
    save_target_file(everyone(), target)
    return database, ids, str(database.path), str(target)


def schedule(path: str, target: str) -> None:
    later = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%d") + " 11:00"
    args = ["send-sms", target, "--db", path, "--text", "Prête", "--kind", "service", "--at", later]
    assert main(args) == 0


def time_passes(db) -> None:
    with db.session() as s:
        for m in s.scalars(select(SmsMessage)):
            # due a minute ago (older than the settings' expire_days, they would expire)
            m.scheduled_for = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=1)


def test_deferred_messages_go_when_due_and_statuses_are_read(setup, capsys) -> None:
    db, ids, path, target = setup
    with SmsProvider() as provider:
        save_sms_settings(db, gateway="http", http=provider.config(auth="none"))
        schedule(path, target)
        assert main(["send-pending", "--db", path]) == 0
        out = capsys.readouterr().out
        assert "sent 0, exported 0, failed 0, cancelled 0" in out
        assert provider.state.posts() == []

        time_passes(db)
        provider.state.replies = [{"from": PHONES["rossi"], "text": "STOP", "date": "2026-11-20"}]
        assert main(["send-pending", "--db", path]) == 0
        out = capsys.readouterr().out
        # the STOP waiting at the provider is read first: Rossi gets nothing
        assert "replies read before sending: 1 STOP" in out
        assert "sent 6, exported 0, failed 0" in out
        assert "statuses: 0 updated, 0 STOP" in out
        assert len(provider.state.delivered) == 6
        assert PHONES["rossi"] not in provider.state.phones_delivered()
    with db.session() as s:
        statuses = {m.phone: m.status for m in s.scalars(select(SmsMessage))}
        assert statuses.pop(PHONES["rossi"]) is SmsStatus.CANCELLED
        assert set(statuses.values()) == {SmsStatus.SENT}
        rossi = s.get(Customer, ids["rossi"])
        assert rossi.optout_sms and rossi.optout_sms_date == dt.date(2026, 11, 20)


def test_report_import_for_the_outbox(setup, capsys, tmp_path) -> None:
    db, ids, path, target = setup
    schedule(path, target)
    time_passes(db)
    assert main(["send-pending", "--db", path]) == 0
    assert "exported 7" in capsys.readouterr().out
    report = tmp_path / "rapport.csv"
    report.write_text(
        f"numero,statut\n{PHONES['dupre']},delivered\n{PHONES['tamm']},STOP\n", encoding="utf-8"
    )
    assert main(["send-pending", "--db", path, "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "report: 1 statuses updated, 1 STOP" in out
    with db.session() as s:
        delivered = [
            m.phone for m in s.scalars(select(SmsMessage)) if m.status is SmsStatus.DELIVERED
        ]
        assert delivered == [PHONES["dupre"]]
        assert s.get(Customer, ids["tamm"]).optout_sms


def test_messages_waiting_too_long_expire_and_are_named(setup, capsys, tmp_path) -> None:
    db, _, path, target = setup
    save_sms_settings(db, gateway="outbox", outbox_dir=str(tmp_path), expire_days=3)
    schedule(path, target)
    with db.session() as s:  # the computer was off for ten days after their time
        for m in s.scalars(select(SmsMessage)):
            m.scheduled_for = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=10)
    assert main(["send-pending", "--db", path, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "7 waiting messages expired (their time was past by more than 3 days)" in out
    assert "exported 0" in out and not list(tmp_path.glob("cible-sms-outbox-*"))
    with db.session() as s:
        assert {m.status for m in s.scalars(select(SmsMessage))} == {SmsStatus.EXPIRED}


def test_gateway_down_exits_1(setup, capsys) -> None:
    db, _, path, target = setup
    with SmsProvider() as provider:
        save_sms_settings(db, gateway="http", http=provider.config(auth="none", retries=0))
        schedule(path, target)
        time_passes(db)
        provider.state.script = ["503"] * 10
        assert main(["send-pending", "--db", path]) == 1
    err = capsys.readouterr().err
    assert "unavailable" in err and "stay pending" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "the following arguments are required: --db"),
        (["--db", "{missing}"], "No database at"),
        (["--db", "{db}", "--report", "{missing}"], "No report file at"),
    ],
)
def test_bad_input_exits_2(setup, capsys, tmp_path, args, message) -> None:
    _, _, path, _ = setup
    args = [a.format(missing=str(tmp_path / "nope"), db=path) for a in args]
    assert main(["send-pending", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
