"""The e-mail body's visual editor, driven as a user does: typing, selecting, the toolbar and its
shortcuts, a link, a bulleted list, a logo from a PNG file; the template saved and read back with
its image, the preview showing it, the message and the .eml files carrying it; the HTML view for
imported pages with a style sheet; a site's signature written in the compact editor."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QFileDialog, QInputDialog
from test_email_richtext import png
from test_email_send import settings_for
from test_email_send_dialog import open_dialog, use_settings
from test_email_settings_and_log import open_settings

from app.errors import CibleError
from app.export.email.library import list_templates
from app.export.email.message import build
from app.export.email.settings import load_settings
from app.export.email.templates import compile_template
from app.ui.email.editor import SOURCE, VISUAL, EmailBodyEditor

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


def click(qtbot, editor: EmailBodyEditor, action) -> None:
    qtbot.mouseClick(editor.toolbar.widgetForAction(action), LEFT)


def select(editor: EmailBodyEditor, text: str) -> None:
    """Select *text* in the visual view, as a user drags over it."""
    edit = editor.visual_edit
    found = edit.document().find(text)
    assert not found.isNull(), text
    edit.setTextCursor(found)


def body_of(html: str) -> str:
    return html.split("<body>", 1)[1]


def test_write_with_the_toolbar_save_reload_preview_and_send_the_logo(
    qtbot, mail_db, manager, smtp_server, tmp_path, monkeypatch
) -> None:
    database, _ids = mail_db
    use_settings(database, settings_for(smtp_server.port))
    dialog = open_dialog(qtbot, database, manager)
    editor = dialog.body_editor
    assert editor.tabs.currentIndex() == VISUAL and not editor.note_label.isVisible()
    # a new e-mail, typed in the Text view
    dialog.name_edit.setText("Logo et lien")
    editor.visual_edit.selectAll()
    qtbot.keyClick(editor.visual_edit, Qt.Key.Key_Delete)
    editor.visual_edit.setFocus()
    qtbot.keyClicks(editor.visual_edit, "Bonjour ")
    helpers = dialog.field_menu.actions()[0].menu()
    next(a for a in helpers.actions() if a.objectName() == "field:letter.opening").trigger()
    qtbot.keyClicks(editor.visual_edit, ", votre visite approche.")
    qtbot.keyClick(editor.visual_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.visual_edit, "Prenez rendez-vous en ligne.")
    # bold by the toolbar button, italic by Ctrl+I
    select(editor, "Bonjour")
    click(qtbot, editor, editor.bold_action)
    assert editor.bold_action.isChecked()
    select(editor, "en ligne")
    qtbot.keyClick(editor.visual_edit, Qt.Key.Key_I, CTRL)
    # a link by Ctrl+K: the address asked in a dialog, with a merge field in it
    select(editor, "rendez-vous")
    monkeypatch.setattr(
        QInputDialog, "getText", lambda *a, **k: ("https://garage.example/rdv?immat={immatriculation}", True)
    )
    qtbot.keyClick(editor.visual_edit, Qt.Key.Key_K, CTRL)
    # a bulleted list
    cursor = editor.visual_edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    editor.visual_edit.setTextCursor(cursor)
    qtbot.keyClick(editor.visual_edit, Qt.Key.Key_Return)
    click(qtbot, editor, editor.list_action)
    qtbot.keyClicks(editor.visual_edit, "vidange")
    qtbot.keyClick(editor.visual_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.visual_edit, "pneus")
    qtbot.keyClick(editor.visual_edit, Qt.Key.Key_Return)
    qtbot.keyClick(editor.visual_edit, Qt.Key.Key_Return)  # an empty item ends the list
    assert not editor.list_action.isChecked()
    # undo and redo
    qtbot.keyClicks(editor.visual_edit, "zut")
    click(qtbot, editor, editor.undo_action)
    assert "zut" not in editor.visual_edit.toPlainText()
    click(qtbot, editor, editor.redo_action)
    assert "zut" in editor.visual_edit.toPlainText()
    click(qtbot, editor, editor.undo_action)
    # the logo, from a PNG file chosen in the file dialog
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(300, 80))
    cursor = editor.visual_edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    editor.visual_edit.setTextCursor(cursor)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(logo), ""))
    click(qtbot, editor, editor.logo_action)
    (cid,) = editor.images
    assert editor.visual_edit.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(f"cid:{cid}")) is not None

    body = dialog.body
    for gone in ("DOCTYPE", "qrichtext", "-qt-", "margin", "<span", "style=\""):
        assert gone not in body_of(body), gone
    assert "<b>Bonjour</b> «Formule d’appel», votre visite approche." in body
    assert '<a href="https://garage.example/rdv?immat={immatriculation}">rendez-vous</a>' in body
    assert "<i>en ligne</i>" in body
    assert "<ul><li>vidange</li><li>pneus</li></ul>" in body
    assert f'<img src="cid:{cid}" width="300" height="80">' in body

    # the preview shows the image and the merged text
    dialog.subject_edit.setText("Votre visite")
    dialog.update_preview()
    qtbot.waitUntil(lambda: "Dear Sir" in dialog.preview_html.toPlainText(), timeout=20_000)
    preview = dialog.preview_html.document()
    assert preview.resource(QTextDocument.ResourceType.ImageResource, QUrl(f"cid:{cid}")) is not None
    assert f'src="cid:{cid}"' in dialog.preview_html.toHtml()
    # the message as it leaves: multipart/related, the <img> pointing at the image part
    r = dialog.current_recipient()
    built = build(dialog.compiled, r.values, to_address=r.address, to_name=r.name,
                  sender=dialog.settings.sender_for(r.site_code), kind=dialog.kind)
    message = email.message_from_bytes(built.content, policy=email.policy.default)
    image = next(p for p in message.walk() if p.get_content_maintype() == "image")
    assert image["Content-ID"] == f"<{cid}>" and image.get_payload(decode=True) == logo.read_bytes()
    assert re.search(rf'src="cid:{re.escape(cid)}"', message.get_body(("html",)).get_content())

    # saved with the template, read back with it
    dialog.save_current_template()
    qtbot.waitUntil(lambda: dialog.template_combo.findText("Logo et lien") >= 0, timeout=20_000)
    with database.session() as session:
        saved = next(t for t in list_templates(session) if t.name == "Logo et lien")
    assert saved.images == {cid: (logo.read_bytes(), "png")} and saved.html == body
    # another template, then this one again: the Text view shows it with its image
    dialog.select_template("Merci de votre visite")
    assert editor.images == {}
    dialog.template_combo.activated.emit(dialog.template_combo.findText("Logo et lien"))
    assert editor.tabs.currentIndex() == VISUAL
    assert editor.visual_edit.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(f"cid:{cid}")) is not None
    assert f'src="cid:{cid}"' in editor.visual_edit.toHtml()
    assert dialog.body == body  # unchanged: given back as stored

    # sent through the server: every message has the image part
    qtbot.waitUntil(lambda: not dialog.busy and dialog.send_button.isEnabled(), timeout=20_000)
    monkeypatch.setattr(dialog, "_ask_confirmation", lambda: True)
    with qtbot.waitSignal(dialog.sent, timeout=30_000):
        qtbot.mouseClick(dialog.send_button, LEFT)
    received = smtp_server.handler.messages
    assert len(received) == 3
    for message in received:
        part = next(p for p in message.walk() if p.get_content_maintype() == "image")
        assert part["Content-ID"] == f"<{cid}>"


def test_views_keep_the_content_and_a_style_sheet_stays_in_html(qtbot, mail_db, manager, tmp_path) -> None:
    database, _ids = mail_db
    dialog = open_dialog(qtbot, database, manager)
    editor = dialog.body_editor
    dialog.select_template("Merci de votre visite")
    select(editor, "Merci")
    qtbot.keyClick(editor.visual_edit, Qt.Key.Key_B, CTRL)
    # to the HTML view: the clean HTML of what the Text view shows
    editor.tabs.setCurrentIndex(SOURCE)
    source = editor.html_edit.toPlainText()
    assert "<b>Merci</b>" in source and "-qt-" not in source and source == dialog.body
    # edited there, back to the Text view: kept
    editor.html_edit.setPlainText(source.replace("</body>", "<p><i>PS : à bientôt</i></p>\n</body>"))
    editor.tabs.setCurrentIndex(VISUAL)
    assert "PS : à bientôt" in editor.visual_edit.toPlainText()
    assert "<b>Merci</b>" in dialog.body and "<p><i>PS : à bientôt</i></p>" in dialog.body
    # the win-back starter needs its style sheet (a button): HTML view, and the window says why
    dialog.select_template("Reconquête avec prise de rendez-vous")
    assert editor.tabs.currentIndex() == SOURCE and not editor.tabs.isTabEnabled(VISUAL)
    assert editor.note_label.isVisible() and "class attributes" in editor.note_label.text()
    # an imported page with its own <style>: the same
    page = tmp_path / "Hiver.html"
    page.write_text("<html><head><style>p{color:#123}</style></head><body><p>Offre {nom}</p></body></html>", "utf-8")
    assert dialog.import_html(str(page))
    assert editor.tabs.currentIndex() == SOURCE and "style sheet" in editor.note_label.text()
    assert dialog.body.startswith("<html><head><style>p{color:#123}")  # untouched
    # removing the style sheet opens the Text view again
    editor.html_edit.setPlainText("<p>Offre {nom}</p>")
    assert editor.tabs.isTabEnabled(VISUAL) and not editor.note_label.isVisible()
    # the toolbar works on the HTML view too
    editor.html_edit.selectAll()
    click(qtbot, editor, editor.italic_action)
    assert dialog.body == "<i><p>Offre {nom}</p></i>"


def test_a_logo_too_large_or_not_an_image_is_one_line_and_nothing_is_inserted(
    qtbot, mail_db, manager, tmp_path, monkeypatch
) -> None:
    database, _ids = mail_db
    dialog = open_dialog(qtbot, database, manager)
    editor = dialog.body_editor
    dialog.select_template("Merci de votre visite")
    before = dialog.body
    big = tmp_path / "photo.png"
    big.write_bytes(png(extra=500_000))
    text = tmp_path / "notes.png"
    text.write_bytes(b"not an image")
    for path, expected in [
        (big, "The image photo.png is too large (501 KB, at most 291 KB in an e-mail): choose a smaller one."),
        (text, "notes.png is not a PNG, JPEG or GIF image."),
    ]:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, p=path, **k: (str(p), ""))
        click(qtbot, editor, editor.logo_action)
        assert dialog.error_label.text() == expected
        assert editor.images == {} and dialog.body == before


@pytest.mark.parametrize("site", ["", "TRS"])
def test_a_sites_signature_in_the_compact_editor_shows_in_the_preview(qtbot, mail_db, manager, site) -> None:
    database, _ids = mail_db
    use_settings(database, settings_for(2525))
    settings = open_settings(qtbot, database, manager)
    settings.tabs.setCurrentIndex(1)
    if site:
        settings.site_combo.setCurrentIndex(settings.site_combo.findData(site))
        settings.own_sender_check.setChecked(True)
    editor = settings.signature_editor
    assert editor.compact and editor.toolbar.widgetForAction(editor.logo_action) is None
    editor.visual_edit.setFocus()
    qtbot.keyClicks(editor.visual_edit, "Jean Dupont")
    qtbot.keyClick(editor.visual_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor.visual_edit, "Chef d'atelier")
    select(editor, "Jean Dupont")
    click(qtbot, editor, editor.bold_action)
    with qtbot.waitSignal(settings.saved, timeout=20_000):
        settings.buttons.button(settings.buttons.StandardButton.Save).click()
    with database.session() as session:
        saved = load_settings(session)
    signature = saved.sender_for("TRS").signature_html
    assert signature == "<p><b>Jean Dupont</b><br>Chef d'atelier</p>"
    assert saved.default.signature_html == ("" if site else signature)
    # the e-mail window's preview shows it, in both parts
    dialog = open_dialog(qtbot, database, manager)
    assert "Jean Dupont" in dialog.preview_html.toPlainText()
    assert "**Jean Dupont**" in dialog.preview_text.toPlainText()
    assert "<b>Jean Dupont</b>" in dialog.preview_html.toHtml() or "font-weight:700" in dialog.preview_html.toHtml()
    # open again: the signature is back in the Text view
    again = open_settings(qtbot, database, manager)
    again.site_combo.setCurrentIndex(again.site_combo.findData("TRS"))
    assert again.signature_editor.visual_edit.toPlainText() == "Jean Dupont\nChef d'atelier"
    assert again.signature_editor.html() == signature


def test_the_editor_alone_round_trips_merge_fields(qtbot) -> None:
    editor = EmailBodyEditor()
    qtbot.addWidget(editor)
    editor.set_html("<p>«Formule d'appel», {nom} et «Site - Lien de réservation»</p>")
    editor.visual_edit.document().setModified(True)  # as after typing
    html = editor.html()
    assert "qrichtext" not in html
    assert body_of(html) == "\n<p>«Formule d'appel», {nom} et «Site - Lien de réservation»</p>\n</body></html>"
    assert compile_template("Objet", html).keys == ["letter.opening", "customer.last_name", "customer.site_booking_url"]
    # half a merge field in bold: it would be sent as typed, so the e-mail is refused, one line
    found = editor.visual_edit.document().find("«Formule")
    editor.visual_edit.setTextCursor(found)
    editor.bold_action.trigger()
    with pytest.raises(CibleError, match=r"^The merge field «Formule d'appel» is cut by formatting"):
        compile_template("Objet", editor.html())
    editor.undo()
    # the booking link as a link's address, by Ctrl+K
    editor.visual_edit.setFocus()
    select(editor, "et")
    editor.insert_link("«Site - Lien de réservation»")
    assert '<a href="«Site - Lien de réservation»">et</a>' in editor.html()
    assert [s.key for s in compile_template("Objet", editor.html()).slots].count("customer.site_booking_url") == 2


#: A 1×1 GIF (Qt reads GIF but does not write it).
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def test_pasting_brings_only_the_editors_tags_and_a_pasted_picture_is_an_image_of_the_email(qtbot, qapp, tmp_path) -> None:
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QColor, QImage

    editor = EmailBodyEditor()
    qtbot.addWidget(editor)
    editor.show()
    editor.visual_edit.setFocus()
    page = QMimeData()
    page.setHtml(
        '<h1 style="font-family:Comic Sans MS;color:red">Offre d’hiver</h1>'
        '<p style="color:#f00;margin:40px">Pour <span style="font-weight:bold">{nom}</span> '
        '<img src="https://tracker.example/pixel.png"></p>'
        "<table><tr><td>Pneus</td><td>-20 %</td></tr></table>"
    )
    page.setText("Offre d’hiver")
    qapp.clipboard().setMimeData(page)
    qtbot.keyClick(editor.visual_edit, Qt.Key.Key_V, CTRL)
    body = body_of(editor.html())
    assert "<p><b>Offre d’hiver</b></p>" in body and "<p>Pour <b>{nom}</b>" in body
    assert "Pneus -20 %" in editor.visual_edit.toPlainText()
    for gone in ("tracker", "Comic", "color", "margin", "<table", "<td", "<h1"):
        assert gone not in body, gone
    # a picture (a logo copied from a program): stored as the e-mail's image
    picture = QImage(40, 20, QImage.Format.Format_RGB32)
    picture.fill(QColor("#0b5cab"))
    copied = QMimeData()
    copied.setImageData(picture)
    qapp.clipboard().setMimeData(copied)
    qtbot.keyClick(editor.visual_edit, Qt.Key.Key_V, CTRL)
    (cid,) = editor.images
    data, subtype = editor.images[cid]
    assert subtype == "png" and data.startswith(b"\x89PNG")
    assert f'<img src="cid:{cid}" width="40" height="20">' in editor.html()
    # an image file dropped or pasted from the file manager: like "Logo…"
    logo = tmp_path / "logo.gif"
    logo.write_bytes(GIF)
    dropped = QMimeData()
    dropped.setUrls([QUrl.fromLocalFile(str(logo))])
    dropped.setText(str(logo))
    qapp.clipboard().setMimeData(dropped)
    qtbot.keyClick(editor.visual_edit, Qt.Key.Key_V, CTRL)
    assert sorted(subtype for _data, subtype in editor.images.values()) == ["gif", "png"]
    assert str(logo) not in editor.visual_edit.toPlainText()
    # a signature has no images: a pasted picture is not taken
    signature = EmailBodyEditor(compact=True)
    qtbot.addWidget(signature)
    signature.show()
    signature.visual_edit.setFocus()
    copied = QMimeData()  # the clipboard deleted the one it had
    copied.setImageData(picture)
    qapp.clipboard().setMimeData(copied)
    qtbot.keyClick(signature.visual_edit, Qt.Key.Key_V, CTRL)
    assert signature.images == {} and "<img" not in signature.visual_edit.toHtml()


def test_through_brevo_the_window_says_the_logo_is_an_attachment(qtbot, mail_db, manager) -> None:
    from app.export.email.richtext import house_document

    database, _ids = mail_db
    use_settings(database, settings_for(2525, route="brevo"))
    dialog = open_dialog(qtbot, database, manager)
    dialog.select_template("Merci de votre visite")
    dialog.update_preview()
    assert "attachment" not in dialog.route_label.text()
    dialog.set_body(house_document('<p><img src="cid:l@cible"> Bonjour</p>'), {"l@cible": (png(), "png")})
    dialog.update_preview()
    assert "the logo arrives as an attachment" in dialog.route_label.text()


_LINE = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="{}«»\u2028\u2029"),
    max_size=25,
)
_FIELD = st.sampled_from(["{nom}", "{marque}", "«Formule d'appel»", "«Formule d’appel»", "{immatriculation}", ""])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.tuples(_LINE, _FIELD, _LINE), min_size=1, max_size=4), bold=st.booleans())
def test_what_is_typed_comes_back_in_the_html_with_its_merge_fields(qtbot, lines, bold) -> None:
    """For any text typed in the Text view (one paragraph a line, merge fields in it), the
    stored HTML has the same paragraphs, the same text and the same merge fields."""
    import lxml.html

    editor = EmailBodyEditor()
    qtbot.addWidget(editor)
    editor.clear()
    typed = ["".join(parts) for parts in lines]
    editor.visual_edit.insertPlainText("\n".join(typed))
    if bold:
        editor.visual_edit.selectAll()
        editor.bold_action.trigger()
    html = editor.html()
    if not "".join(typed).strip():
        assert html == ""
        return
    assert "qrichtext" not in html and "-qt-" not in html and "<span" not in html
    root = lxml.html.document_fromstring(html)
    paragraphs = ["".join(p.itertext()) for p in root.iter("p")]
    assert paragraphs == typed
    compiled = compile_template("Objet", html)
    assert [s.name for s in compiled.slots] == [f.strip("{}«»") for _a, f, _b in lines if f]
