"""``python -m app send-sms``: dry run, sending through the outbox and HTTP, bad input."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import keyring
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "export" / "sms"))

from smskit import (  # noqa: E402
    MARKETING_RECIPIENTS,
    PHONES,
    MemoryKeyring,
    SmsProvider,
    build_sms_sample,
    everyone,
    save_sms_settings,
)
from sqlalchemy import func, select  # noqa: E402

from app.__main__ import main  # noqa: E402
from app.export.sms.gateway import store_secret  # noqa: E402
from app.models import ContactHistory, Customer  # noqa: E402
from app.models.sms import SmsBatch, SmsMessage, SmsStatus, SmsTemplate  # noqa: E402
from app.query.targetfile import save_target_file  # noqa: E402

TEXT = "Bonjour {civilité} {nom}, portes ouvertes samedi !"


@pytest.fixture
def setup(database, tmp_path):
    build_sms_sample(database)
    save_sms_settings(database)
    target = tmp_path / "tous.json"
    save_target_file(everyone(), target)
    return database, str(database.path), str(target)


def counts(db) -> tuple[int, int, int]:
    with db.session() as s:
        return (
            s.scalar(select(func.count()).select_from(SmsBatch)),
            s.scalar(select(func.count()).select_from(SmsMessage)),
            s.scalar(select(func.count()).select_from(SmsTemplate)),
        )


def test_dry_run_prints_the_funnel_encoding_segments_and_cost(setup, capsys) -> None:
    db, path, target = setup
    code = main(["send-sms", target, "--db", path, "--text", TEXT, "--dry-run", "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[:11] == [
        "Rows in the target: 13",
        "One SMS per customer: 12 (-1)",
        "With a phone number: 11 (-1)",
        "Valid number: 10 (-1)",
        "Mobile number: 9 (-1)",
        "Not refusing SMS: 8 (-1)",
        "With a marketing legal basis: 7 (-1)",
        "No SMS in the last 7 days: 7 (-0)",
        "Not the same message again: 7 (-0)",
        "Required merge fields filled: 7 (-0)",
        "One SMS per number: 6 (-1)",
    ]
    assert "  - Petit (0612): invalid number: 0612" in lines
    assert "  - Durand (+33247112233): landline: +33247112233" in lines
    assert "Encoding: GSM-7" in lines
    assert "Segments per message: 1 (59/160 GSM-7)" in lines
    assert "You are about to send 6 SMS (6 segments, estimated cost €0.30)" in lines
    assert lines[-1] == "Dry run: nothing was sent."
    assert counts(db) == (0, 0, 0)  # nothing written, not even the starter templates


def test_dry_run_in_french_names_the_character_that_forces_ucs2(setup, capsys) -> None:
    _, path, target = setup
    text = "Votre {modèle} est prêt – à bientôt"
    code = main(
        ["send-sms", target, "--db", path, "--text", text, "--kind", "service", "--dry-run", "--lang", "fr",
         "--send-empty-fields"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "Encodage : UCS-2 (imposé par 'ê' → 'e', '–' → '-', 'ô' → 'o')" in out
    assert "Segments par message : 1 (31/70 UCS-2)" in out
    assert "Vous allez envoyer 7 SMS (7 segments, coût estimé 0,35\u00a0€)" in out


def test_mixed_encodings_are_counted(setup, capsys) -> None:
    db, path, target = setup
    save_sms_settings(db, gsm_safe_values=False)
    with db.session() as s:
        s.scalars(select(Customer).where(Customer.last_name == "Tamm")).one().last_name = "Tõnisson"
    code = main(
        ["send-sms", target, "--db", path, "--text", "Hello {nom}", "--dry-run", "--lang", "en"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Encoding: GSM-7, UCS-2 for 1 SMS (forced by 'õ' → 'o')" in out


def test_template_and_values(setup, capsys) -> None:
    _, path, target = setup
    code = main(
        ["send-sms", target, "--db", path, "--template", "confirmation rdv", "--dry-run",
         "--value", "date rdv=21/05/2026", "--value", "heure rdv=9h30", "--lang", "en"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "le 21/05/2026 à 9h30" in out


def test_send_through_the_outbox(setup, capsys) -> None:
    db, path, target = setup
    text, kind = "Votre véhicule est prêt", "service"  # service: the send window does not apply
    code = main(
        ["send-sms", target, "--db", path, "--text", text, "--kind", kind, "--campaign", "PO mai"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "exported 7, failed 0, cancelled 0, waiting 0" in out
    [outbox] = list((Path(path).parent / "sms-outbox").glob("cible-sms-outbox-*.csv"))
    with outbox.open(encoding="utf-8", newline="") as handle:
        phones = sorted(row["phone"] for row in csv.DictReader(handle))
    with db.session() as s:
        messages = s.scalars(select(SmsMessage)).all()
        assert {m.status for m in messages} == {SmsStatus.EXPORTED}
        assert s.scalar(select(func.count()).select_from(ContactHistory)) == 7
        assert s.scalars(select(SmsBatch.campaign)).all() == ["PO mai"]
    assert phones == sorted(m.phone for m in messages)
    assert set(phones) == {PHONES[k] for k in MARKETING_RECIPIENTS | {"moreau"}}


def test_send_through_http_with_the_keyring(setup, capsys) -> None:
    db, path, target = setup
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        with SmsProvider() as provider:
            settings = save_sms_settings(db, gateway="http", http=provider.config())
            store_secret(settings.http, "api-key")
            code = main(
                ["send-sms", target, "--db", path, "--text", "Votre voiture est prête",
                 "--kind", "service"]
            )  # fmt: skip
            out = capsys.readouterr().out
            assert code == 0, out
            assert "sent 7, exported 0, failed 0" in out
            assert {p.headers["Authorization"] for p in provider.state.posts()} == {
                "Bearer api-key"
            }
            assert PHONES["moreau"] in provider.state.phones_delivered()  # service: no basis needed
    finally:
        keyring.set_keyring(previous)


def test_gateway_down_exits_1_and_keeps_the_messages(setup, capsys) -> None:
    db, path, target = setup
    with SmsProvider() as provider:
        save_sms_settings(db, gateway="http", http=provider.config(auth="none", retries=1))
        provider.state.script = ["503"] * 100
        code = main(["send-sms", target, "--db", path, "--text", "Prête", "--kind", "service"])
    captured = capsys.readouterr()
    assert code == 1
    assert "unavailable: HTTP 503 after 2 attempts" in captured.err
    with db.session() as s:
        assert {m.status for m in s.scalars(select(SmsMessage))} == {SmsStatus.PENDING}


def test_at_schedules_the_send(setup, capsys) -> None:
    db, path, target = setup
    later = (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%d") + " 11:00"
    code = main(
        ["send-sms", target, "--db", path, "--text", "Prête", "--kind", "service", "--at", later]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "waiting 7" in out
    with db.session() as s:
        assert {m.status for m in s.scalars(select(SmsMessage))} == {SmsStatus.SCHEDULED}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "one of the arguments --template --text is required"),
        (["--text", "a", "--template", "b"], "not allowed with argument"),
        (["--template", "Nope"], "No SMS template named 'Nope'"),
        (["--text", "Votre {couleur}"], "Unknown merge field {couleur}"),
        (["--text", "a", "--at", "demain"], "is not a date and time"),
        (["--text", "a", "--at", "2001-01-01 10:00"], "is in the past"),
        (["--template", "VEHICULE TERMINE", "--kind", "service"], "--kind goes with --text"),
        (["--text", "a", "--value", "oops"], "write FIELD=VALUE"),
        (["--text", "RDV {date rdv}", "--kind", "service"], "Give a value for {date rdv}"),
        (["--text", "x" * 2000, "--kind", "service"], "7 messages are longer than 3 segments"),
        (["--text", "x" * 2000, "--dry-run"], "messages are longer than 3 segments (up to 14)"),
        (["--text", "Bonjour {nom", "--kind", "service"], "on its own"),
    ],
)
def test_bad_input_exits_2_with_one_line(setup, capsys, args, message) -> None:
    db, path, target = setup
    code = main(["send-sms", target, "--db", path, *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("cible: error: ")
    assert message in err
    assert counts(db) == (0, 0, 0)


def test_missing_database_and_target(tmp_path, setup, capsys) -> None:
    _, path, target = setup
    assert main(["send-sms", target, "--db", str(tmp_path / "no.sqlite"), "--text", "a"]) == 2
    assert "No database at" in capsys.readouterr().err
    assert main(["send-sms", str(tmp_path / "none.json"), "--db", path, "--text", "a"]) == 2
    assert "No target file at" in capsys.readouterr().err


def test_marketing_without_optout_mention_is_refused(setup, capsys) -> None:
    db, path, target = setup
    save_sms_settings(db, optout_mention="")
    assert main(["send-sms", target, "--db", path, "--text", "Promo"]) == 2
    assert "opt-out mention" in capsys.readouterr().err
    assert counts(db) == (0, 0, 0)


def _leave_half_pending(db) -> None:
    """What a crash mid-send leaves: some messages sent, the rest pending (never handed)."""
    with db.session() as s:
        rows = s.scalars(select(SmsMessage).order_by(SmsMessage.id)).all()
        for m in rows[:3]:
            m.status = SmsStatus.SENT
            m.sent_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)


@pytest.mark.parametrize("choice", ["--resume-pending", "--cancel-pending", "--leave-pending"])
def test_a_rerun_after_a_crash_never_sends_twice(setup, capsys, choice) -> None:
    db, path, target = setup
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    args = ["send-sms", target, "--db", path, "--text", "Votre voiture est prête", "--kind",
            "service"]  # fmt: skip
    try:
        with SmsProvider() as provider:
            save_sms_settings(db, gateway="http", http=provider.config(auth="none"))
            provider.state.script = ["503"] * 100  # the first run sends nothing
            assert main(args) == 1
            _leave_half_pending(db)
            provider.state.script = []
            capsys.readouterr()
            # the same command again: it names the waiting send and makes nothing new
            assert main(args) == 2
            err = capsys.readouterr().err
            assert "4 messages of the send of" in err and "are still waiting" in err
            assert "--resume-pending" in err
            with db.session() as s:
                assert s.scalar(select(func.count()).select_from(SmsBatch)) == 1
            code = main([*args, choice])
            out = capsys.readouterr().out
            assert code == 0, out
            main(["send-pending", "--db", path])
            delivered = provider.state.phones_delivered()
    finally:
        keyring.set_keyring(previous)
    with db.session() as s:
        statuses = [m.status for m in s.scalars(select(SmsMessage).order_by(SmsMessage.id))]
    if choice == "--cancel-pending":
        # the 4 waiting ones cancelled; the new send goes to them (not to the 3 already sent)
        assert statuses[:7].count(SmsStatus.CANCELLED) == 4
        assert len(delivered) == 4
    else:
        assert statuses[:7].count(SmsStatus.SENT) == 7  # resumed now, or by send-pending
        assert len(statuses) == 7  # the new send made no message: everyone has this one
        assert len(delivered) == 4
    assert len(set(delivered)) == len(delivered)  # nobody twice


def test_empty_merge_fields_are_listed_and_sent_only_when_asked(setup, capsys) -> None:
    db, path, target = setup
    args = ["send-sms", target, "--db", path, "--text", "Votre {modèle} est prêt", "--kind",
            "service", "--lang", "en"]  # fmt: skip
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Required merge fields filled: 3 (-5)" in out
    assert "  - Tamm (+37251234567): required field empty: {modèle}" in out.splitlines()
    assert "You are about to send 3 SMS" in out
    assert main([*args, "--dry-run", "--send-empty-fields"]) == 0
    out = capsys.readouterr().out
    assert "Required merge fields filled (empty ones sent too): 8 (-0)" in out
    assert "You are about to send 7 SMS" in out
    assert counts(db)[:2] == (0, 0)


def test_dry_run_through_ovhcloud_counts_its_stop_clause(setup, capsys) -> None:
    db, path, target = setup
    save_sms_settings(db, gateway="ovh", providers={"ovh": {"service": "sms-ab12345-1"}})
    text = "Portes ouvertes samedi " + "x" * 127  # 150 characters
    code = main(["send-sms", target, "--db", path, "--text", text, "--dry-run", "--lang", "en"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert "  STOP:36111" in lines and "  STOP au 36111" not in lines
    assert "The last line, STOP:36111, is added by the provider: counted below." in lines
    assert "Segments per message: 2 (161/306 GSM-7)" in lines
    assert "You are about to send 6 SMS (12 segments, estimated cost €0.60)" in lines
