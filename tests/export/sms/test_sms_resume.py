"""Never twice, never lost: a sending process killed with SIGKILL mid-send, then resumed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from smskit import everyone, save_sms_settings
from sqlalchemy import func, select

from app.models import ContactHistory, Customer
from app.models.enums import MarketingBasis
from app.models.sms import SmsMessage, SmsStatus
from app.query.targetfile import save_target_file

ROOT = Path(__file__).resolve().parents[3]
EXTRA = 30


def _run(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_killed_mid_send_then_resumed_everyone_gets_exactly_one(sms_db, provider, tmp_path) -> None:
    db, _ = sms_db
    with db.session() as s:
        for i in range(EXTRA):
            s.add(
                Customer(
                    dms_ref=f"X{i}",
                    last_name=f"Client{i:02d}",
                    phone_mobile=f"06 10 00 00 {i:02d}",
                    marketing_basis=MarketingBasis.CONSENT,
                )
            )
    save_sms_settings(db, gateway="http", http=provider.config(auth="none", timeout=30))
    target = tmp_path / "tous.json"
    save_target_file(everyone(), target)
    db_path = str(db.path)
    db.dispose()

    # the provider accepts 9 messages, accepts the 10th and then never answers (it does not
    # honour idempotency keys: a second POST would be a second SMS)
    provider.state.script = ["ok"] * 9 + ["hold"]
    command = (
        "send-sms", str(target), "--db", db_path, "--text", "Votre véhicule est prêt, {nom}.",
        "--kind", "service", "--campaign", "Atelier",
    )  # fmt: skip
    sending = _run(*command)
    try:
        assert provider.state.holding.wait(60), sending.communicate(timeout=10)
        sending.send_signal(signal.SIGKILL)
        sending.wait(30)
    finally:
        if sending.poll() is None:
            sending.kill()
            sending.wait(30)
    assert sending.returncode == -signal.SIGKILL
    provider.state.release.set()

    with db.session() as s:
        rows = s.scalars(select(SmsMessage).order_by(SmsMessage.id)).all()
        total = len(rows)
        statuses = Counter(m.status for m in rows)
        in_flight = [m for m in rows if m.status is SmsStatus.PENDING and m.handed_at is not None]
    assert total == 7 + EXTRA  # the 7 service recipients of the sample + the extra customers
    assert statuses[SmsStatus.SENT] == 9
    assert statuses[SmsStatus.PENDING] == total - 9  # nobody lost: written before sending
    assert len(in_flight) == 1  # the one the provider accepted but the log never heard back
    held_key = in_flight[0].idempotency_key
    assert held_key in provider.state.accepted

    # the same command run again makes no second send: it names the waiting one, exit 2
    rerun = _run(*command)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 2, (out, err)
    assert f"{total - 9} messages of the send of" in err and "--resume-pending" in err
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SmsMessage)) == total

    resuming = _run("send-pending", "--db", db_path)
    out, err = resuming.communicate(timeout=120)
    assert resuming.returncode == 0, err
    # the message in flight is never posted again: the provider, asked by its reference, has it
    assert f"sent {total - 10}," in out
    assert "1 found at the provider" in out

    with db.session() as s:
        rows = s.scalars(select(SmsMessage)).all()
        assert {m.status for m in rows} == {SmsStatus.SENT}
        history = Counter(
            s.scalars(select(ContactHistory.customer_id).where(ContactHistory.channel == "sms"))
        )
        expected_phones = sorted(m.phone for m in rows)
    # every recipient got exactly one SMS: one accepted key per message, one per phone
    assert sorted(provider.state.phones_delivered()) == expected_phones
    assert len(provider.state.delivered) == total
    assert Counter(provider.state.phones_delivered()).most_common(1)[0][1] == 1
    # no message was posted twice (the provider, like the real ones, would have sent it twice)
    posted_keys = Counter(p.headers["Idempotency-Key"] for p in provider.state.posts())
    assert set(posted_keys.values()) == {1} and len(posted_keys) == total
    # and the contact history has one line per customer
    assert set(history.values()) == {1} and len(history) == total
