"""The e-mail window: e-mails whose required merge field is empty are listed in the funnel and
left out unless "Send them anyway" is ticked; the site details shown empty are named."""

from __future__ import annotations

from sqlalchemy import update
from test_email_send import settings_for
from test_email_send_dialog import choose, funnel_rows, open_dialog, qtbot_left, use_settings

from app.models.dealership import Site


def test_an_empty_booking_link_is_listed_and_sent_only_when_ticked(
    qtbot, mail_db, manager, smtp_server, monkeypatch
) -> None:
    database, _ids = mail_db
    use_settings(database, settings_for(smtp_server.port))
    with database.session() as session:  # the site's booking link is not filled in
        session.execute(update(Site).values(booking_url=None))
    dialog = open_dialog(qtbot, database, manager)
    assert not dialog.send_empty_check.isVisibleTo(dialog)  # the CT starter has no link
    assert not dialog.site_label.isVisibleTo(dialog)
    choose(qtbot, dialog, "Reconquête avec prise de rendez-vous")
    # the site's fields were not read yet: the recipients are read again
    qtbot.waitUntil(lambda: "customer.site_booking_url" in dialog._loaded_keys, timeout=20_000)
    dialog.update_preview()
    rows = dict(funnel_rows(dialog))
    assert rows["With a marketing legal basis for e-mail"] == "4 (−1)"
    assert rows["Required merge fields filled"] == "0 (−4)"
    assert rows["One e-mail per address"] == "0"
    tree = dialog.funnel_tree
    filled = next(
        tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(0) == "Required merge fields filled"
    )  # fmt: skip
    assert filled.child(0).text(0) == (
        "Dupré Jean (jean.dupre@example.fr): required field empty: «Site - Booking link»"
    )
    assert dialog.recipient_combo.count() == 0 and not dialog.send_button.isEnabled()
    assert dialog.send_empty_check.isVisibleTo(dialog)
    # Martin-Bis shares Martin's address: three e-mails would go
    assert dialog.send_empty_check.text() == (
        "Send them anyway: 3 e-mails with an empty merge field"
    )
    assert dialog.site_label.isVisibleTo(dialog)
    assert dialog.site_label.text() == (
        "3 e-mails show an empty «Site - Booking link»: fill in the site's details "
        "(File › Sites… in Cible)."
    )
    dialog.grab().save("/tmp/ee/empty_fields.png")
    qtbot.mouseClick(dialog.send_empty_check, qtbot_left())
    assert dialog.send_empty_check.isChecked()
    dialog.update_preview()  # the pause after a change
    rows = dict(funnel_rows(dialog))
    assert rows["Required merge fields filled (empty ones sent too)"] == "4"
    assert rows["One e-mail per address"] == "3 (−1)"
    assert dialog.recipient_combo.count() == 3 and dialog.send_button.isEnabled()
    details = dialog.confirmation_details()
    assert "3 e-mails are sent with an empty merge field." in details
    assert "3 e-mails show an empty «Site - Booking link»" in details
    monkeypatch.setattr(dialog, "_ask_confirmation", lambda: True)
    with qtbot.waitSignal(dialog.sent, timeout=30_000) as sent:
        qtbot.mouseClick(dialog.send_button, qtbot_left())
    assert sent.args[0].summary.sent == 3
    assert sorted(smtp_server.handler.recipients()) == [
        "contact@roux.example", "jean.dupre@example.fr", "martin@example.fr"
    ]
    # untick: left out again at the next change of the text
    qtbot.mouseClick(dialog.send_empty_check, qtbot_left())
    dialog.update_preview()
    assert dict(funnel_rows(dialog))["Required merge fields filled"] == "0 (−4)"
    assert not dialog.send_button.isEnabled()


def test_a_link_field_filled_for_everyone_drops_nobody(qtbot, mail_db, manager) -> None:
    """{prénom} may be empty in the text, not in a link; the step follows the text typed."""
    database, _ids = mail_db
    dialog = open_dialog(qtbot, database, manager)
    dialog.subject_edit.setText("Bonjour {prénom}")
    dialog.body_edit.setPlainText("<p>Bonjour {prénom} {nom}</p>")
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        dialog.update_preview()  # {prénom} was not read yet
    dialog.update_preview()
    assert dict(funnel_rows(dialog))["Required merge fields filled"] == "4"
    assert not dialog.send_empty_check.isVisibleTo(dialog)
    dialog.body_edit.setPlainText('<p><a href="https://x.example/?p={prénom}">lien</a></p>')
    dialog.update_preview()
    assert dict(funnel_rows(dialog))["Required merge fields filled"] == "1 (−3)"
    assert dialog.send_empty_check.text() == "Send them anyway: 2 e-mails with an empty merge field"


def test_in_french(qtbot, mail_db, manager, qapp) -> None:
    from app import i18n
    from app.ui.i18n import install_translators

    database, _ids = mail_db
    with database.session() as session:
        session.execute(update(Site).values(booking_url=None))
    i18n.set_language("fr")
    install_translators("fr", qapp)
    dialog = open_dialog(qtbot, database, manager)
    choose(qtbot, dialog, "Reconquête avec prise de rendez-vous")
    qtbot.waitUntil(lambda: "customer.site_booking_url" in dialog._loaded_keys, timeout=20_000)
    dialog.update_preview()
    assert dict(funnel_rows(dialog))["Champs de fusion obligatoires remplis"] == "0 (−4)"
    assert dialog.send_empty_check.text() == (
        "Les envoyer quand même : 3 e-mails avec un champ de fusion vide"
    )
    assert dialog.site_label.text() == (
        "3 e-mails affichent un champ «Site - Lien de réservation» vide : complétez les "
        "coordonnées du site (Fichier › Sites… dans Cible)."
    )
    tree = dialog.funnel_tree
    filled = next(
        tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(0) == "Champs de fusion obligatoires remplis"
    )  # fmt: skip
    assert filled.child(0).text(0).endswith(
        ": champ obligatoire vide : «Site - Lien de réservation»"
    )
    dialog.grab().save("/tmp/ee/empty_fields_fr.png")
