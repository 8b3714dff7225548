"""The visual editor's HTML made clean (no Qt here: Qt's own output is pasted as a sample), what
the visual editor can show, and template images: checked, stored with the template, sent as
inline parts whose Content-ID the HTML points to, written into the .eml files."""

from __future__ import annotations

import email
import email.policy
import struct
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mailkit import everyone
from sqlalchemy import func, select
from test_email_send import settings_for

from app.export.email.eml import save_eml
from app.export.email.library import list_templates, save_template
from app.export.email.message import build
from app.export.email.recipients import plan_send
from app.export.email.richtext import (
    HOUSE_STYLE,
    check_image,
    clean_editor_html,
    clean_fragment,
    editor_body,
    house_document,
    referenced_cids,
    visual_obstacle,
)
from app.export.email.templates import STARTERS, EmailTemplateError, compile_template
from app.models.email import EmailKind, EmailTemplate, EmailTemplateImage

#: What Qt 6's rich-text editor gives for two paragraphs, bold, a link, a list and an image.
QT_HTML = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0//EN" "http://www.w3.org/TR/REC-html40/strict.dtd">
<html><head><meta name="qrichtext" content="1" /><meta charset="utf-8" /><style type="text/css">
p, li { white-space: pre-wrap; }
hr { height: 1px; border-width: 0; }
</style></head><body style=" font-family:'Arial'; font-size:14px; font-weight:400; font-style:normal;">
<p style=" margin-top:0px; margin-bottom:12px; margin-left:0px; margin-right:0px; -qt-block-indent:0; text-indent:0px;">«Formule d’appel», {nom}</p>
<p style=" margin-top:0px; margin-bottom:12px; margin-left:0px; margin-right:0px; -qt-block-indent:0; text-indent:0px;">Votre <span style=" font-weight:700;">véhicule</span> <span style=" font-weight:700; font-style:italic;">vite</span> <a href="mailto:a@b.fr?subject=RDV%20{immatriculation}"><span style=" text-decoration: underline; color:#0000ff;">écrivez</span></a></p>
<ul style="margin-top: 0px; margin-bottom: 0px; margin-left: 0px; margin-right: 0px; -qt-list-indent: 1;">
<li style=" margin-top:12px; margin-bottom:0px; margin-left:0px; margin-right:0px; -qt-block-indent:0; text-indent:0px;">un</li>
<li style=" margin-top:0px; margin-bottom:12px; margin-left:0px; margin-right:0px; -qt-block-indent:0; text-indent:0px;"><img src="cid:logo-1@cible" width="20" /> deux</li></ul>
<p style="-qt-paragraph-type:empty; margin-top:0px; margin-bottom:12px; margin-left:0px; margin-right:0px; -qt-block-indent:0; text-indent:0px;"><br /></p>
<p style=" margin-top:0px; margin-bottom:12px; margin-left:0px; margin-right:0px; -qt-block-indent:0; text-indent:0px;"><span style=" text-decoration: underline;">souligné</span></p></body></html>"""


def png(width: int = 4, height: int = 2, extra: int = 0) -> bytes:
    """A real PNG file (*extra* bytes of noise in a private chunk make it as large as asked)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + (chunk(b"noIS", bytes(extra)) if extra else b"")
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_qt_boilerplate_is_stripped_and_the_formatting_kept_as_plain_tags() -> None:
    cleaned = clean_editor_html(QT_HTML)
    for gone in ("DOCTYPE", "qrichtext", "-qt-", "margin-top", "white-space", "<span", "font-family:'Arial'", "color:#0000ff"):
        assert gone not in cleaned
    body = cleaned.split("<body>", 1)[1]
    assert "style=" not in body
    assert "<p>«Formule d’appel», {nom}</p>" in body
    assert "Votre <b>véhicule</b> <b><i>vite</i></b>" in body
    assert '<a href="mailto:a@b.fr?subject=RDV%20{immatriculation}">écrivez</a>' in body
    assert '<ul><li>un</li><li><img src="cid:logo-1@cible" width="20"> deux</li></ul>' in body
    assert "<p><br></p>" in body and "<p><u>souligné</u></p>" in body
    assert cleaned.startswith(f"<html><head><style>{HOUSE_STYLE}</style></head><body>")
    # clean is clean: cleaning again changes nothing
    assert clean_editor_html(cleaned) == cleaned
    # an editor holding nothing gives nothing
    assert clean_editor_html('<html><body><p style="-qt-paragraph-type:empty"><br /></p></body></html>') == ""


def test_what_the_visual_editor_can_show() -> None:
    for name in ("Rappel d’entretien", "Contrôle technique à prévoir", "Merci de votre visite"):
        assert visual_obstacle(STARTERS[name][2]) is None, name
    # the win-back starter's button needs its style sheet: it stays HTML
    assert visual_obstacle(STARTERS["Reconquête avec prise de rendez-vous"][2]) == "attribute:class"
    assert visual_obstacle("<style>p{color:red}</style><p>x</p>") == "style"
    assert visual_obstacle("<table><tr><td>x</td></tr></table>") == "tag:table"
    assert visual_obstacle('<p style="color:red">x</p>') == "attribute:style"
    assert visual_obstacle(house_document("<p>x <b>y</b></p>")) is None
    assert visual_obstacle("") is None
    # what the editor loads: the body, without the house style
    loaded = editor_body(STARTERS["Merci de votre visite"][2])
    assert "<style" not in loaded and loaded.startswith("<p>«Formule d’appel»,</p>")


# no "*" or "_": the plain-text part writes bold as **text**, so a text of stars cannot be told
# from the markers the test removes
_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="<>&{}«»*_"), min_size=1, max_size=30
).filter(str.strip)
_FIELDS = st.sampled_from(["{nom}", "{marque}", "«Formule d'appel»", "«Formule d’appel»", "«Prénom»", "{immatriculation}"])


@given(st.lists(st.tuples(_TEXT, _FIELDS), min_size=1, max_size=5))
def test_merge_fields_and_text_survive_cleaning(pieces) -> None:
    import html

    paragraphs = "".join(
        f'<p style=" margin-top:0px; -qt-block-indent:0;"><span style=" font-weight:700;">{html.escape(t)}</span> {f}</p>'
        for t, f in pieces
    )
    cleaned = clean_editor_html(f"<html><body>{paragraphs}</body></html>")
    compiled = compile_template("Objet", cleaned)
    assert [s.name for s in compiled.slots] == [f.strip("{}«»") for _t, f in pieces]
    text = compiled.render({})[2]
    for t, _f in pieces:
        assert " ".join(t.split()) in " ".join(text.replace("**", "").split())


def test_images_are_checked_with_one_clear_line() -> None:
    assert check_image(png(), "logo.png", 400_000) == "png"
    assert check_image(b"\xff\xd8\xff\xe0" + bytes(100), "logo.jpg", 400_000) == "jpeg"
    assert check_image(b"GIF89a" + bytes(100), "logo.gif", 400_000) == "gif"
    with pytest.raises(EmailTemplateError, match=r"^notes\.txt is not a PNG, JPEG or GIF image\.$"):
        check_image(b"hello", "notes.txt", 400_000)
    big = png(extra=400_000)
    with pytest.raises(EmailTemplateError) as error:
        check_image(big, "photo.png", 400_000)
    assert str(error.value) == (
        "The image photo.png is too large (401 KB, at most 291 KB in an e-mail): choose a smaller one."
    )


def test_the_image_is_sent_inline_with_the_content_id_the_html_points_to(mail_db, tmp_path) -> None:
    database, _ids = mail_db
    logo = png(8, 4)
    body = house_document('<p><img src="cid:logo-ab@cible" alt="Logo" width="8"></p><p>Bonjour {nom}</p>')
    assert referenced_cids(body) == ["logo-ab@cible"]
    compiled = compile_template(
        "Bonjour", body, images={"logo-ab@cible": (logo, "png"), "unused@cible": (png(), "png")}
    )
    assert list(compiled.images) == ["logo-ab@cible"]  # only the images it shows are sent
    settings = settings_for(2525)
    built = build(
        compiled, {}, to_address="a@example.fr", to_name="A", sender=settings.default, kind=EmailKind.SERVICE
    )
    message = email.message_from_bytes(built.content, policy=email.policy.default)
    related = next(p for p in message.walk() if p.get_content_type() == "multipart/related")
    html_part = message.get_body(("html",))
    images = [p for p in message.walk() if p.get_content_maintype() == "image"]
    assert [p.get_content_type() for p in images] == ["image/png"]
    assert images[0] in related.get_payload()
    assert images[0]["Content-ID"] == "<logo-ab@cible>"
    assert images[0].get_payload(decode=True) == logo
    assert 'src="cid:logo-ab@cible"' in html_part.get_content()
    # an image the HTML shows but that is not stored: refused, one line
    with pytest.raises(EmailTemplateError, match="not stored with it"):
        compile_template("Bonjour", body)
    # the .eml files carry it too
    with database.session() as session:
        plan = plan_send(session, everyone(), compiled, EmailKind.SERVICE, settings, lang="fr")
    written = save_eml(plan, settings, tmp_path / "eml")
    assert written
    for path in written:
        saved = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        part = next(p for p in saved.walk() if p.get_content_maintype() == "image")
        assert part["Content-ID"] == "<logo-ab@cible>" and part.get_payload(decode=True) == logo


def test_a_template_keeps_its_images(mail_db) -> None:
    database, _ids = mail_db
    body = house_document('<p><img src="cid:logo-ab@cible"> Bonjour</p>')
    with database.session() as session:
        save_template(
            session, "Avec logo", "service", "Bonjour", body, images={"logo-ab@cible": (png(), "png"), "x@cible": (png(), "png")}
        )
    with database.session() as session:
        saved = next(t for t in list_templates(session) if t.name == "Avec logo")
        assert saved.images == {"logo-ab@cible": (png(), "png")}  # only the one it shows
        # saved again without the image: it goes; with another: it replaces it
        body2 = house_document('<p><img src="cid:logo-cd@cible"> Bonjour</p>')
        save_template(session, "Avec logo", "service", "Bonjour", body2, saved.id, {"logo-cd@cible": (png(2, 2), "png")})
    with database.session() as session:
        rows = session.execute(select(EmailTemplateImage.cid, EmailTemplateImage.data)).all()
        assert rows == [("logo-cd@cible", png(2, 2))]
        session.delete(session.scalar(select(EmailTemplate).where(EmailTemplate.name == "Avec logo")))
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(EmailTemplateImage)) == 0
    # a template showing an image it does not have is not saved
    with database.session() as session, pytest.raises(EmailTemplateError, match="not stored with it"):
        save_template(session, "Sans logo", "service", "Bonjour", body)


def test_the_signature_is_in_both_parts() -> None:
    settings = settings_for(2525)
    settings.default.signature_html = "<p><b>Jean Dupont</b><br>Atelier</p>"
    compiled = compile_template("Bonjour", "<p>Bonjour</p>")
    built = build(compiled, {}, to_address="a@example.fr", to_name="A", sender=settings.default, kind=EmailKind.SERVICE)
    message = email.message_from_bytes(built.content, policy=email.policy.default)
    assert '<div class="signature"><p><b>Jean Dupont</b><br>Atelier</p></div>' in message.get_body(("html",)).get_content()
    assert "**Jean Dupont**" in message.get_body(("plain",)).get_content()
    assert clean_fragment("<p>a <span style='font-weight:600'>b</span></p>") == "<p>a <b>b</b></p>"


def test_a_merge_field_in_a_link_stays_a_merge_field() -> None:
    """lxml writes links percent-encoded («Site - …» would become %C2%ABSite%20-…): not here."""
    qt = '<p style=" margin-top:0px;"><a href="«Site - Lien de réservation»"><span style=" text-decoration: underline;">réserver</span></a> <a href="https://x.fr/r?v={immatriculation}&amp;n=é"><span>x</span></a></p>'
    cleaned = clean_editor_html(qt)
    assert '<a href="«Site - Lien de réservation»">réserver</a>' in cleaned
    assert '<a href="https://x.fr/r?v={immatriculation}&amp;n=é">x</a>' in cleaned
    assert compile_template("Objet", cleaned).keys == ["customer.site_booking_url", "vehicle.plate"]
    assert '<a href="«Site - Lien de réservation»">' in editor_body(cleaned)


def test_a_merge_field_cut_by_formatting_is_refused_and_a_whole_one_is_not() -> None:
    for body, field in [
        ("<p><b>«Formule</b> d'appel», bonjour</p>", "«Formule d'appel»"),
        ('<ul><li>Votre <a href="https://x.fr">{mar</a>que}</li></ul>', "{marque}"),
        ("<p>{nom<i>}</i></p>", "{nom}"),
    ]:
        with pytest.raises(EmailTemplateError) as error:
            compile_template("Objet", body)
        assert str(error.value) == (
            f"The merge field {field} is cut by formatting (bold, italic, a link): format it whole."
        )
    # whole fields in formatting, and braces split over two paragraphs or lines: fine
    assert compile_template("Objet", "<p><b>«Formule d'appel»</b> <i>{nom}</i></p><p>{</p><p>x}</p>").keys == [
        "letter.opening",
        "customer.last_name",
    ]
    assert compile_template("Objet", "<p>a {<br>b}</p>").keys == []
