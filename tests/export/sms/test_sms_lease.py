"""One sender at a time: the lease that keeps the window and send-pending apart."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading

import pytest
from smskit import LATER, NOW, make_batch, save_sms_settings
from sqlalchemy import select

from app.export.sms.gateway import OutboxGateway
from app.export.sms.lease import LEASE_KEY, SendingBusy, SendingLease, pid_alive
from app.export.sms.sender import send_due
from app.models import Setting
from app.models.sms import SmsMessage, SmsStatus


def write_lease(db, host: str, pid: int, until: dt.datetime) -> None:
    value = json.dumps({"owner": "other", "host": host, "pid": pid, "until": until.isoformat()})
    with db.session() as s:
        s.merge(Setting(key=LEASE_KEY, value=value))


def lease_row(db) -> str | None:
    with db.session() as s:
        return s.scalar(select(Setting.value).where(Setting.key == LEASE_KEY))


def statuses(db) -> set[SmsStatus]:
    with db.session() as s:
        return set(s.scalars(select(SmsMessage.status)))


@pytest.fixture
def sleeper():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process
    process.kill()
    process.wait(10)


def test_a_live_sender_of_this_computer_keeps_the_lease(sms_db, tmp_path, sleeper) -> None:
    db, _ = sms_db
    save_sms_settings(db)
    make_batch(db, gateway="outbox")
    lease = SendingLease(db)
    write_lease(db, lease.host, sleeper.pid, dt.datetime.now() + dt.timedelta(minutes=5))
    with pytest.raises(SendingBusy, match=f"process {sleeper.pid}"):
        send_due(db, OutboxGateway(tmp_path), now=LATER)
    assert statuses(db) == {SmsStatus.PENDING}
    assert list(tmp_path.glob("*.csv")) == []
    sleeper.kill()
    sleeper.wait(10)
    assert not pid_alive(sleeper.pid)
    # the sender died: its lease is free at once, no need to wait for it to expire
    assert send_due(db, OutboxGateway(tmp_path), now=LATER).exported == 6
    assert lease_row(db) is None  # released at the end


def test_another_computers_lease_waits_until_it_expires(sms_db, tmp_path) -> None:
    db, _ = sms_db
    save_sms_settings(db)
    make_batch(db, gateway="outbox")
    utc_now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    write_lease(db, "other-pc", 1, utc_now + dt.timedelta(minutes=5))
    with pytest.raises(SendingBusy, match="other-pc"):
        send_due(db, OutboxGateway(tmp_path), now=LATER)
    write_lease(db, "other-pc", 1, utc_now - dt.timedelta(seconds=1))
    assert send_due(db, OutboxGateway(tmp_path), now=LATER).exported == 6


def test_two_senders_at_once_only_one_wins(sms_db) -> None:
    db, _ = sms_db
    barrier = threading.Barrier(4)
    outcomes: list[str] = []
    leases: list[SendingLease] = []

    def take() -> None:
        lease = SendingLease(db)
        barrier.wait(10)
        try:
            lease.acquire()
        except SendingBusy:
            outcomes.append("busy")
        else:
            outcomes.append("won")
            leases.append(lease)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["busy", "busy", "busy", "won"]
    assert json.loads(lease_row(db))["owner"] == leases[0].token
    leases[0].renew(force=True)
    leases[0].release()
    assert lease_row(db) is None


def test_a_lease_taken_over_stops_the_old_sender(sms_db) -> None:
    db, _ = sms_db
    first = SendingLease(db)
    first.acquire()
    write_lease(db, "other-pc", 1, NOW.replace(tzinfo=None) + dt.timedelta(days=3650))
    with pytest.raises(SendingBusy, match="took over"):
        first.renew(force=True)
