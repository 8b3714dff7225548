"""Processing runs: outputs, never twice, crash and resume, overlap, cap, calls, bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from sqlalchemy import func, select

from app.models.activity import ContactHistory
from app.models.email import EmailMessage
from app.models.enums import BasisKind, Channel, ContactChannel
from app.models.permissions import record_basis
from app.models.programs import ContactStatus, ProgramContact, ProgramRun, ProgramType, RunResult
from app.models.sms import SmsBatch, SmsMessage, SmsStatus
from app.programs import list_programs, run_program, runner, set_paused
from app.programs.dashboard import due_programs
from app.programs.runner import RunCancelled
from tests.programs.conftest import TODAY, D, add_program, configure_channels, refuse

SMS_ONLY = {"sms": "Bonjour {nom}, le CT de votre {modèle} arrive."}


def _count(database, model, *where) -> int:
    with database.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _contacts(database) -> list[tuple[int, str | None, str]]:
    with database.session() as s:
        return [
            (c.customer_id, c.channel, c.status.value)
            for c in s.scalars(select(ProgramContact).order_by(ProgramContact.id))
        ]


@pytest.fixture
def ct_shop(shop):
    """Four customers with a CT due on 09/04/2027 (contact today), each with another channel."""
    configure_channels(shop.s)
    people = {
        "SMS": shop.customer("SMS", preferred="sms"),
        "MAIL": shop.customer("MAIL", preferred="email"),
        "LETTRE": shop.customer("LETTRE", preferred="post"),
        "REFUS": shop.customer("REFUS", preferred="sms"),
    }
    refuse(shop.s, people["REFUS"], Channel.SMS)
    refuse(shop.s, people["REFUS"], Channel.EMAIL)
    refuse(shop.s, people["REFUS"], Channel.POST)
    for c in people.values():
        shop.vehicle(c, inspection_due_date=D(2027, 4, 9))
    program = add_program(shop.s, ProgramType.INSPECTION)  # channels sms,email,post
    shop.s.commit()
    return shop, people, program.id


def test_a_run_writes_each_channel_and_records_every_contact(ct_shop, database, out_dir) -> None:
    shop, people, pid = ct_shop
    report = run_program(database, pid, TODAY, out_dir=out_dir, lang="en")
    assert report.result is RunResult.DONE
    assert report.due == 4 and report.contacted == 3 and report.left_out == 1
    channels = {c: o.count for c, o in report.outputs.items()}
    assert channels == {"sms": 1, "email": 1, "post": 1}
    why = dict(report.left_out_list)[people["REFUS"].id]
    assert "refused SMS" in why and "refused e-mail" in why and "refused post" in why
    by_customer = {cid: (ch, st) for cid, ch, st in _contacts(database)}
    assert by_customer == {
        people["SMS"].id: ("sms", "pending"),
        people["MAIL"].id: ("email", "pending"),
        people["LETTRE"].id: ("post", "letter"),
    }
    # the SMS and the e-mail are in their journals, waiting for their senders
    with database.session() as s:
        sms = s.scalars(select(SmsMessage)).one()
        assert sms.customer_id == people["SMS"].id and "STOP au 36111" in sms.text
        assert s.scalars(select(EmailMessage)).one().customer_id == people["MAIL"].id
        contact = s.scalars(select(ProgramContact).where(ProgramContact.channel == "sms")).one()
        assert contact.sms_message_id == sms.id
    # the letters document and the labels, through the letters' writer
    files = report.outputs["post"].files
    assert len(files) == 2 and all(Path(f).is_file() for f in files)
    text = "\n".join(p.text for p in Document(files[0]).paragraphs)
    assert "LETTRE" in text and "MAIL" not in text
    assert _count(database, ContactHistory, ContactHistory.channel == ContactChannel.POST) == 1


def test_never_twice_a_rerun_contacts_nobody(ct_shop, database, out_dir) -> None:
    _shop, _people, pid = ct_shop
    run_program(database, pid, TODAY, out_dir=out_dir)
    again = run_program(database, pid, TODAY, out_dir=out_dir)
    later = run_program(database, pid, TODAY + dt.timedelta(days=3), out_dir=out_dir)
    # the customer who refused everything is still due (nobody was contacted): tried again
    assert again.due == 1 and again.contacted == 0 and again.left_out == 1
    assert later.due == 1 and later.contacted == 0
    assert _count(database, ProgramContact) == 3
    assert _count(database, SmsMessage) == 1 and _count(database, EmailMessage) == 1


def test_two_overlapping_programs_never_remind_twice(ct_shop, database, out_dir) -> None:
    shop, _people, pid = ct_shop
    with database.session() as s:
        other = add_program(s, ProgramType.INSPECTION, name="CT bis", channels="email,sms,post")
        other_id = other.id
    run_program(database, pid, TODAY, out_dir=out_dir)
    second = run_program(database, other_id, TODAY, out_dir=out_dir)
    assert second.due == 1 and second.contacted == 0
    assert _count(database, ProgramContact) == 3


def test_the_database_refuses_a_second_contact_for_one_event(ct_shop, database) -> None:
    from sqlalchemy.exc import IntegrityError

    shop, people, _pid = ct_shop
    row = dict(
        customer_id=people["SMS"].id, vehicle_key=7, event_kind="inspection_due",
        event_date=D(2027, 4, 9), contact_date=TODAY, status=ContactStatus.LETTER,
    )  # fmt: skip
    with database.session() as s:
        s.add(ProgramContact(**row))
    with pytest.raises(IntegrityError), database.session() as s:
        s.add(ProgramContact(**row))


def test_a_crash_between_the_journal_and_the_files_is_finished_by_the_next_run(
    ct_shop, database, out_dir, monkeypatch
) -> None:
    _shop, _people, pid = ct_shop

    def crash(*args, **kwargs):
        raise SystemExit("the power went off")

    with monkeypatch.context() as m, pytest.raises(SystemExit):
        m.setattr(runner, "_phase2", crash)
        run_program(database, pid, TODAY, out_dir=out_dir)
    with database.session() as s:
        run = s.scalars(select(ProgramRun)).one()
        assert run.result is RunResult.RUNNING
    assert not out_dir.exists() or not list(out_dir.iterdir())
    report = run_program(database, pid, TODAY, out_dir=out_dir)
    assert report.resumed_run_id is not None and report.contacted == 0
    letters = sorted(out_dir.glob("*lettres.docx"))
    assert len(letters) == 1
    with database.session() as s:
        first = s.get(ProgramRun, report.resumed_run_id)
        assert first.result is RunResult.DONE
    assert _count(database, ProgramContact) == 3 and _count(database, SmsMessage) == 1
    assert _count(database, ContactHistory, ContactHistory.channel == ContactChannel.POST) == 1


def test_cancelled_before_writing_leaves_nothing(ct_shop, database, out_dir) -> None:
    _shop, _people, pid = ct_shop
    with pytest.raises(RunCancelled):
        run_program(database, pid, TODAY, out_dir=out_dir, cancelled=lambda: True)
    assert _count(database, ProgramContact) == 0 and _count(database, SmsMessage) == 0
    assert _count(database, ProgramRun) == 0


def test_dry_run_writes_nothing(ct_shop, database, out_dir) -> None:
    _shop, _people, pid = ct_shop
    report = run_program(database, pid, TODAY, out_dir=out_dir, dry_run=True)
    assert report.result is RunResult.DRY_RUN and report.contacted == 3
    assert _count(database, ProgramContact) == 0 and _count(database, ProgramRun) == 0
    assert not out_dir.exists()


def test_the_monthly_cap_counts_pending_messages_of_every_send(ct_shop, database, out_dir) -> None:
    shop, people, pid = ct_shop
    with database.session() as s:
        batch = SmsBatch(user="u", campaign="Promo", kind="marketing", body="x", gateway="outbox",
                         funnel="[]")  # fmt: skip
        s.add(batch)
        s.flush()
        for i in range(3):
            s.add(
                SmsMessage(
                    batch_id=batch.id, customer_id=people["SMS"].id, customer_name="SMS",
                    phone="+33600000000", text="x", encoding="GSM-7", segments=1,
                    idempotency_key=f"k{i}", status=SmsStatus.SCHEDULED, market="FR",
                    scheduled_for=dt.datetime(2027, 3, 20, 10), user="u",
                )
            )  # fmt: skip
        s.add(ContactHistory(customer_id=people["SMS"].id, channel=ContactChannel.POST,
                             contacted_at=dt.datetime(2027, 3, 2, 9), campaign="Lettre"))  # fmt: skip
    report = run_program(database, pid, TODAY, out_dir=out_dir, lang="en")
    why = dict(report.left_out_list)[people["SMS"].id]
    assert "4 marketing contacts this month already (the cap is 4)" in why
    assert people["SMS"].id not in {cid for cid, _ch, _st in _contacts(database)}


def test_control_group_is_recorded_and_not_contacted(shop, database, out_dir) -> None:
    configure_channels(shop.s)
    for i in range(40):
        c = shop.customer(f"CLIENT{i}", preferred="email")
        shop.vehicle(c, inspection_due_date=D(2027, 4, 9))
    pid = add_program(shop.s, ProgramType.INSPECTION, control_percent=50).id
    shop.s.commit()
    report = run_program(database, pid, TODAY, out_dir=out_dir)
    assert 5 < report.control < 35 and report.control + report.contacted == 40
    with database.session() as s:
        control = s.scalars(select(ProgramContact).where(ProgramContact.is_control)).all()
        assert {c.status for c in control} == {ContactStatus.CONTROL}
        held = {c.customer_id for c in control}
        assert not held & set(s.scalars(select(EmailMessage.customer_id)))


# --- calls (COMPLIANCE §7) -------------------------------------------------------------------


@pytest.fixture
def call_shop(shop):
    configure_channels(shop.s)
    names = ["CONSENT", "CONTRAT", "SANS", "QUATRE", "REFUSAPPEL", "LIGNE"]
    people = {n: shop.customer(n, email=False, basis=False) for n in names}
    record_basis(
        shop.s, people["CONSENT"], Channel.PHONE_MOBILE, BasisKind.CONSENT, D(2026, 9, 1), "t"
    )
    for n in ("QUATRE", "REFUSAPPEL", "LIGNE"):
        record_basis(shop.s, people[n], Channel.PHONE_MOBILE, BasisKind.CONSENT, D(2026, 9, 1), "t")
    refuse(shop.s, people["LIGNE"], Channel.PHONE_MOBILE)
    refuse(shop.s, people["LIGNE"], Channel.PHONE_HOME)
    for c in people.values():
        v = shop.vehicle(c)
        delivered = D(2026, 9, 10)  # six months ago
        shop.sale(c, v, order=D(2026, 8, 1), delivery=delivered)
    # a contract in progress: financing running
    from app.models.activity import VehicleSale

    sale = shop.s.scalars(
        select(VehicleSale).where(VehicleSale.customer_id == people["CONTRAT"].id)
    ).one()
    sale.financing_type, sale.financing_end = "loan", D(2030, 9, 10)
    for day in (D(2027, 2, 20), D(2027, 2, 25), D(2027, 3, 1), D(2027, 3, 5)):
        shop.s.add(ContactHistory(customer_id=people["QUATRE"].id, channel=ContactChannel.PHONE,
                                  contacted_at=dt.datetime.combine(day, dt.time(11))))  # fmt: skip
    shop.s.add(ContactHistory(customer_id=people["REFUSAPPEL"].id, channel=ContactChannel.PHONE,
                              contacted_at=dt.datetime(2027, 2, 1, 11), outcome="Pas intéressé"))  # fmt: skip
    program = add_program(shop.s, ProgramType.COURTESY_6M, channels="phone")
    shop.s.commit()
    return shop, people, program.id


def test_call_list_follows_the_call_rules_and_says_why(call_shop, database, out_dir) -> None:
    _shop, people, pid = call_shop
    report = run_program(database, pid, TODAY, out_dir=out_dir, lang="en")
    why = dict(report.left_out_list)
    assert set(why) == {people[n].id for n in ("SANS", "QUATRE", "REFUSAPPEL", "LIGNE")}
    assert (
        "no consent to calls and no contract in progress (since 11/08/2026)"
        in why[people["SANS"].id]
    )
    assert "4 calls in the last 30 days (at most 4)" in why[people["QUATRE"].id]
    assert (
        "refused during a call on 01/02/2027: not before 02/04/2027" in why[people["REFUSAPPEL"].id]
    )
    assert (
        "numbers on the phone suppression list" in why[people["LIGNE"].id]
        or "no phone number" in why[people["LIGNE"].id]
    )
    (path,) = report.outputs["phone"].files
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[0] == "Customer" and header[-1] == "Script"
    names = {r[0] for r in body}
    assert names == {"M. CONSENT Jean", "M. CONTRAT Jean"}
    consent = next(r for r in body if r[0] == "M. CONSENT Jean")
    assert "RENAULT CLIO" in consent[1] and "6 months after delivery" in consent[2]
    assert consent[3] and consent[3].startswith("06")
    assert "10/03/2027" in consent[6] and "10:00–13:00" in consent[6]
    assert "Bonjour M. CONSENT" in consent[7] and "CLIO" in consent[7]


def test_calls_wait_for_the_next_calling_day(call_shop, database, out_dir) -> None:
    _shop, people, pid = call_shop
    saturday = D(2027, 3, 13)
    report = run_program(database, pid, saturday, out_dir=out_dir, lang="en")
    (path,) = report.outputs["phone"].files
    rows = list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))[1:]
    assert rows and all("15/03/2027" in r[6] for r in rows)  # Monday


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("templates", "channels", "reason"),
    [
        ({"post": "missing.docx"}, "post", "the letter template"),
        ({"sms": "Bonjour {inconnu}"}, "sms", "Unknown merge field {inconnu}"),
        ({"email": {"subject": "", "html": "<p>x</p>"}}, "email", "no subject"),
        ({}, "sms", "no template for SMS"),
    ],
)
def test_a_broken_program_is_skipped_with_its_reason_and_nothing_is_sent(
    ct_shop, database, out_dir, templates, channels, reason
) -> None:
    _shop, _people, pid = ct_shop
    with database.session() as s:
        from app.models.programs import Program

        p = s.get(Program, pid)
        p.templates = json.dumps(templates)
        p.channels = channels
    (line,) = list_programs(database, TODAY, lang="en")
    assert reason in line.status
    report = run_program(database, pid, TODAY, out_dir=out_dir, lang="en")
    assert report.result is RunResult.SKIPPED and reason in report.message
    assert _count(database, ProgramContact) == 0 and _count(database, SmsMessage) == 0
    assert _count(database, EmailMessage) == 0 and not out_dir.exists()
    with database.session() as s:
        run = s.scalars(select(ProgramRun)).one()
        assert run.result is RunResult.SKIPPED and reason in run.message


def test_a_broken_letter_template_is_refused(ct_shop, database, out_dir, tmp_path) -> None:
    _shop, _people, pid = ct_shop
    broken = tmp_path / "cassé.docx"
    broken.write_bytes(b"PK\x03\x04 not really a docx")
    with database.session() as s:
        from app.models.programs import Program

        p = s.get(Program, pid)
        p.templates = json.dumps({"post": str(broken)})
        p.channels = "post"
    report = run_program(database, pid, TODAY, out_dir=out_dir, lang="en")
    assert report.result is RunResult.SKIPPED and "letter" in report.message


def test_no_sms_settings_and_no_mail_server_are_reasons(shop, database, out_dir) -> None:
    c = shop.customer("X")
    shop.vehicle(c, inspection_due_date=D(2027, 4, 9))
    pid = add_program(shop.s, ProgramType.INSPECTION, channels="sms,email").id
    shop.s.commit()
    report = run_program(database, pid, TODAY, out_dir=out_dir, lang="en")
    assert report.result is RunResult.SKIPPED
    assert "set the sender name in the SMS settings" in report.message
    assert "Set the mail server" in report.message
    assert _count(database, ProgramContact) == 0


# --- dashboard ----------------------------------------------------------------------------------


def test_dashboard_lines_pause_and_due_programs(ct_shop, database, out_dir) -> None:
    _shop, _people, pid = ct_shop
    (line,) = list_programs(database, TODAY)
    assert line.due_this_month == 4 and line.due_next_month == 0
    assert line.next_processing == TODAY and line.owner == "Sophie" and line.last_result is None
    assert due_programs(database, TODAY) == [pid]
    set_paused(database, pid, True)
    assert due_programs(database, TODAY) == []
    (line,) = list_programs(database, TODAY)
    assert line.paused and line.next_processing is None
    set_paused(database, pid, False)
    run_program(database, pid, TODAY, out_dir=out_dir)
    (line,) = list_programs(database, TODAY)
    assert line.last_result is RunResult.DONE and line.due_this_month == 1  # the refuser
    assert due_programs(database, TODAY) == []


def test_a_large_run_is_written_in_chunks_one_customer_in_one_chunk(
    ct_shop, database, out_dir, monkeypatch
) -> None:
    shop, _people, pid = ct_shop
    from app.models.dealership import Site

    with database.session() as s:
        more = type(shop).__new__(type(shop))  # the fixture's module: its numbering goes on
        more.s, more.site = s, s.get(Site, shop.site.id)
        for i in range(5):
            c = more.customer(f"LOT{i}", preferred="sms")
            for _ in range(2):
                more.vehicle(c, inspection_due_date=D(2027, 4, 9))
    monkeypatch.setattr(runner, "CHUNK", 3)
    report = run_program(database, pid, TODAY, out_dir=out_dir, lang="en")
    # one SMS per customer: the second car of each LOT customer is left out, not sent twice
    assert report.outputs["sms"].count == 6
    assert report.outputs["sms"].funnel[0] == "Rows in the target: 11"
    with database.session() as s:
        assert len(s.scalars(select(SmsBatch)).all()) >= 3
        assert len({m.customer_id for m in s.scalars(select(SmsMessage))}) == 6
        assert s.scalar(select(func.count()).select_from(SmsMessage)) == 6
