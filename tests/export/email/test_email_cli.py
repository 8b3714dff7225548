"""``python -m app send-email``: a real send to a local server, .eml files, bad input."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest
from test_email_send import settings_for

from app.__main__ import main
from app.export.email.settings import save_settings


def _files(tmp_path: Path, html: str) -> tuple[Path, Path]:
    target = tmp_path / "cible.json"
    target.write_text(json.dumps({"format": "cible-target", "grain": "customer"}), encoding="utf-8")
    page = tmp_path / "mail.html"
    page.write_text(html, encoding="utf-8")
    return target, page


def test_send_email_sends_and_eml_writes_one_file_each(mail_db, smtp_server, db_path, tmp_path, capsys) -> None:
    database, _ids = mail_db
    with database.session() as session:
        save_settings(session, settings_for(smtp_server.port))
    target, page = _files(tmp_path, "<p>«Formule d'appel»,</p><p>Votre {marque} vous attend.</p>")
    folder = tmp_path / "eml"
    argv = ["send-email", str(target), "--db", str(db_path), "--html", str(page), "--subject", "Bonjour {nom}"]
    assert main([*argv, "--eml", str(folder), "--lang", "en"]) == 0
    written = sorted(folder.glob("*.eml"))
    assert len(written) == 3 and not smtp_server.handler.messages
    first = email.message_from_bytes(written[0].read_bytes(), policy=email.policy.default)
    assert first["Subject"].startswith("Bonjour ") and first["List-Unsubscribe"]
    assert main([*argv, "--lang", "en"]) == 0, capsys.readouterr().err
    assert len(smtp_server.handler.messages) == 3
    assert "sent 3, failed 0" in capsys.readouterr().out


def test_unknown_merge_field_is_one_line_and_exit_2(mail_db, db_path, tmp_path, capsys) -> None:
    target, page = _files(tmp_path, "<p>Bonjour {pointure}</p>")
    code = main(["send-email", str(target), "--db", str(db_path), "--html", str(page),
                 "--subject", "x", "--lang", "en"])
    out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "«pointure»" in err


def test_a_server_that_cannot_be_reached_exits_1_and_keeps_the_messages(mail_db, db_path, tmp_path, capsys) -> None:
    from mailkit import free_port
    from sqlalchemy import select

    from app.models.email import EmailMessage, EmailStatus

    database, _ids = mail_db
    with database.session() as session:
        save_settings(session, settings_for(free_port()))  # nobody listens there
    target, page = _files(tmp_path, "<p>Bonjour {nom}</p>")
    code = main(["send-email", str(target), "--db", str(db_path), "--html", str(page),
                 "--subject", "x", "--lang", "en"])
    assert code == 1 and "Cannot reach the mail server" in capsys.readouterr().err
    with database.session() as session:
        assert {m.status for m in session.scalars(select(EmailMessage))} == {EmailStatus.PENDING}


def test_a_saved_template_sends_its_logo(mail_db, smtp_server, db_path, tmp_path, capsys) -> None:
    from test_email_richtext import png

    from app.export.email.library import save_template
    from app.export.email.richtext import house_document

    database, _ids = mail_db
    logo = png(6, 3)
    with database.session() as session:
        save_settings(session, settings_for(smtp_server.port))
        save_template(
            session,
            "Avec logo",
            "service",
            "Bonjour {nom}",
            house_document('<p><img src="cid:logo-1@cible" alt="Logo"></p><p>Votre {marque} vous attend.</p>'),
            images={"logo-1@cible": (logo, "png")},
        )
    target, _page = _files(tmp_path, "")
    folder = tmp_path / "eml"
    argv = ["send-email", str(target), "--db", str(db_path), "--template", "Avec logo", "--lang", "en"]
    assert main([*argv, "--eml", str(folder)]) == 0, capsys.readouterr().err
    assert main(argv) == 0, capsys.readouterr().err
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in folder.glob("*.eml")]
    assert len(messages) == len(smtp_server.handler.messages) == 4  # a service e-mail: no legal basis step
    messages += smtp_server.handler.messages
    for message in messages:
        image = next(p for p in message.walk() if p.get_content_maintype() == "image")
        assert image["Content-ID"] == "<logo-1@cible>" and image.get_payload(decode=True) == logo
        assert 'src="cid:logo-1@cible"' in message.get_body(("html",)).get_content()


def _leave_two_waiting(database) -> None:
    """What a crash mid-send leaves: one message sent, the other two pending."""
    import datetime as dt

    from sqlalchemy import select

    from app.models.email import EmailMessage, EmailStatus

    with database.session() as s:
        first = s.scalars(select(EmailMessage).order_by(EmailMessage.id)).first()
        first.status = EmailStatus.SENT
        first.sent_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)


@pytest.mark.parametrize("choice", ["--resume-pending", "--cancel-pending", "--leave-pending"])
def test_e_mails_still_waiting_are_settled_before_a_new_send(
    mail_db, smtp_server, db_path, tmp_path, capsys, choice
) -> None:
    from mailkit import free_port
    from sqlalchemy import func, select

    from app.models.email import EmailBatch, EmailMessage, EmailStatus

    database, _ids = mail_db
    target, page = _files(tmp_path, "<p>Bonjour {nom}</p>")
    argv = ["send-email", str(target), "--db", str(db_path), "--html", str(page),
            "--subject", "x", "--lang", "en"]  # fmt: skip
    with database.session() as session:
        save_settings(session, settings_for(free_port(), recent_days=7))
    assert main(argv) == 1  # nobody listens: the three stay pending
    _leave_two_waiting(database)
    with database.session() as session:
        save_settings(session, settings_for(smtp_server.port, recent_days=7))
    capsys.readouterr()
    # without a choice: exit 2 naming the waiting send, nothing new made, nothing sent
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "2 e-mails of the send of" in err and "are still waiting" in err
    assert "--resume-pending" in err and "--leave-pending" in err
    assert not smtp_server.handler.messages
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(EmailBatch)) == 1
    code = main([*argv, choice])
    out, err = capsys.readouterr()
    assert code == 0, err
    delivered = smtp_server.handler.recipients()
    with database.session() as s:
        old = [m.status for m in s.scalars(
            select(EmailMessage).where(EmailMessage.batch_id == 1).order_by(EmailMessage.id))]
        new = s.scalars(select(EmailMessage).where(EmailMessage.batch_id != 1)).all()
    assert old[0] is EmailStatus.SENT
    if choice == "--resume-pending":
        assert "earlier sends: sent 2, failed 0" in out
        assert old[1:] == [EmailStatus.SENT] * 2 and len(delivered) == 2
        assert new == []  # everyone has had it in the last 7 days
    elif choice == "--cancel-pending":
        assert old[1:] == [EmailStatus.CANCELLED] * 2
        assert len(new) == 2 and len(delivered) == 2  # the new send goes to the two
    else:
        assert old[1:] == [EmailStatus.PENDING] * 2  # left for the window
        assert new == [] and delivered == []  # their e-mail is still waiting: not made again
    assert len(set(delivered)) == len(delivered)  # nobody twice


def test_a_dry_run_names_the_waiting_send_and_settles_nothing(
    mail_db, db_path, tmp_path, capsys
) -> None:
    from mailkit import free_port

    database, _ids = mail_db
    target, page = _files(tmp_path, "<p>Bonjour {nom}</p>")
    argv = ["send-email", str(target), "--db", str(db_path), "--html", str(page),
            "--subject", "x", "--lang", "fr"]  # fmt: skip
    with database.session() as session:
        save_settings(session, settings_for(free_port()))
    assert main(argv) == 1
    capsys.readouterr()
    assert main([*argv, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "3 e-mails de l’envoi du " in out and "sont encore en attente." in out
    assert "Dry run" not in out and "rien n’a été envoyé" in out.lower()
    assert main(argv) == 2  # nothing was settled by the dry run
    err = capsys.readouterr().err
    assert "--leave-pending pour les laisser à send-pending ou la fenêtre" in err


def test_empty_required_fields_are_listed_and_sent_only_when_asked(mail_db, smtp_server, db_path, tmp_path, capsys) -> None:
    """{prénom} may be empty in the text, not in a link; --send-empty-fields sends those too."""
    database, ids = mail_db
    with database.session() as session:
        save_settings(session, settings_for(smtp_server.port))
    target, page = _files(
        tmp_path,
        '<p>Bonjour {prénom} {nom},</p><p><a href="https://tours.example/rdv?p={prénom}">rdv</a></p>',
    )
    argv = ["send-email", str(target), "--db", str(db_path), "--html", str(page),
            "--subject", "Bonjour {nom}", "--lang", "en"]  # fmt: skip
    assert main([*argv, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Required merge fields filled: 1 (-3)" in out
    assert "  - Martin (martin@example.fr): required field empty: «First name»" in out
    assert "  - Transports Roux (contact@roux.example): required field empty: «First name»" in out
    assert "Dry run: nothing was sent." in out and not smtp_server.handler.messages
    assert main([*argv, "--dry-run", "--send-empty-fields"]) == 0
    out = capsys.readouterr().out
    assert "Required merge fields filled (empty ones sent too): 4" in out
    # Martin-Bis shares Martin's address: one e-mail, so two go with the field empty
    assert "2 e-mails are sent with an empty merge field:" in out
    assert "  - Martin-Bis" not in out.split("empty merge field:")[1]
    assert main([*argv, "--send-empty-fields"]) == 0, capsys.readouterr().err
    sent = smtp_server.handler.messages
    assert sorted(m["To"].addresses[0].addr_spec for m in sent) == [
        "contact@roux.example", "jean.dupre@example.fr", "martin@example.fr"
    ]
    links = {m["To"].addresses[0].addr_spec: m.get_body(("html",)).get_content() for m in sent}
    assert 'href="https://tours.example/rdv?p=Jean"' in links["jean.dupre@example.fr"]
    assert 'href="https://tours.example/rdv?p="' in links["martin@example.fr"]


def test_site_details_shown_empty_are_named_in_french(mail_db, db_path, tmp_path, capsys) -> None:
    target, page = _files(tmp_path, "<p>Appelez-nous au «Site - Téléphone».</p>")
    argv = ["send-email", str(target), "--db", str(db_path), "--html", str(page),
            "--subject", "Bonjour {nom}", "--dry-run", "--lang", "fr"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Champs de fusion obligatoires remplis: 0 (-4)" in out
    assert (
        "3 e-mails affichent un champ «Site - Téléphone» vide : complétez les coordonnées du site "
        "(Fichier › Sites… dans Cible)." in out
    )
    assert main([*argv, "--send-empty-fields"]) == 0
    assert "3 e-mails affichent un champ «Site - Téléphone» vide" in capsys.readouterr().out
