"""``python -m app send-email``: a real send to a local server, .eml files, bad input."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

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
