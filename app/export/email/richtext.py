"""The e-mail body written in the window's visual editor: clean HTML in, clean HTML out. No Qt.

The visual editor (a Qt rich-text document) produces its own HTML: a ``<!DOCTYPE>``, a
``qrichtext`` meta, a style sheet of its own, margins and ``-qt-*`` properties on every
paragraph, ``<span style="font-weight:700">`` for bold. None of that belongs in an e-mail.
:func:`clean_editor_html` keeps only what the editor's toolbar makes — paragraphs, line breaks,
bold, italic, underline, links, lists, images — as plain tags, inside one small house style
(:data:`HOUSE_STYLE`, the font and the space after a paragraph, inlined when the template is
compiled). Merge fields are text (``«Nom»``, ``{nom}``) and pass through unchanged.

:func:`visual_obstacle` tells whether an HTML e-mail (an imported file, a template written as
HTML) can be shown in the visual editor without losing anything: a style sheet of its own,
classes, inline styles or a layout (tables, ``<div>``) would be lost, so such an e-mail stays in
the HTML view. :func:`editor_body` is what the editor loads.

Images are stored with the template and shown by content id (``<img src="cid:…">``):
:func:`check_image` reads an image file's bytes (PNG, JPEG or GIF, under the size cap) and
:func:`referenced_cids` lists the images an HTML body shows.
"""

from __future__ import annotations

import html
import re
import secrets

import lxml.html
from lxml import etree

from app.export.email.templates import EmailTemplateError
from app.i18n import _, format_count

#: The style of an e-mail written in the visual editor (the font, the space after a paragraph).
HOUSE_STYLE = "body{font-family:Arial,sans-serif;font-size:14px;color:#222}p{margin:0 0 12px}"
#: The starters' style sheet before the visual editor: read as the house style (its only other
#: rule is for ``class="button"``, which the visual editor never has).
_LEGACY_STYLE = (
    "body{font-family:Arial,sans-serif;font-size:14px;color:#222}"
    "p{margin:0 0 12px} a.button{background:#0b5cab;color:#fff;padding:8px 14px;"
    "text-decoration:none;border-radius:4px}"
)
#: What the visual editor shows of a paragraph (the same space as :data:`HOUSE_STYLE`).
EDITOR_STYLE_SHEET = "p { margin-top: 0px; margin-bottom: 12px; }"

#: Tags the visual editor keeps, and the attributes it keeps on them.
_KEPT: dict[str, frozenset[str]] = {
    "p": frozenset(),
    "br": frozenset(),
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "a": frozenset({"href"}),
    "ul": frozenset(),
    "ol": frozenset(),
    "li": frozenset(),
    "img": frozenset({"src", "alt", "width", "height"}),
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_DOCUMENT_TAGS = {"html", "head", "body", "meta", "title", "style"}
_BLOCKS = {"p", "ul", "ol", "li", "body"}
_BOLD = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)\b", re.IGNORECASE)
_ITALIC = re.compile(r"font-style\s*:\s*italic\b", re.IGNORECASE)
_UNDERLINE = re.compile(r"text-decoration\s*:[^;]*\bunderline\b", re.IGNORECASE)

#: Image types an e-mail may show inline: the first bytes of the file → MIME subtype.
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
#: The room a message needs besides its images (HTML, text, headers): see ``estimated_size``.
_ROOM_FOR_TEXT = 12_000


def _squeeze(css: str) -> str:
    return re.sub(r"\s+", "", css or "").rstrip(";").lower()


_HOUSE_STYLES = {_squeeze(HOUSE_STYLE), _squeeze(_LEGACY_STYLE)}


def _parse(source: str) -> etree._Element | None:
    if not source.strip():
        return None
    try:
        return lxml.html.document_fromstring(source)
    except (etree.ParserError, ValueError):
        return None


def _body(root: etree._Element) -> etree._Element:
    body = root.find("body")
    return body if body is not None else root


def _inline_wrappers(style: str, in_link: bool) -> list[str]:
    tags = []
    if _BOLD.search(style):
        tags.append("b")
    if _ITALIC.search(style):
        tags.append("i")
    if _UNDERLINE.search(style) and not in_link:  # a link is underlined by the mail client
        tags.append("u")
    return tags


def _wrap_content(element: etree._Element, tags: list[str]) -> None:
    """Put *element*'s content (text and children) inside nested *tags*."""
    if not tags or (not element.text and len(element) == 0):
        return
    outer = inner = etree.Element(tags[0])
    for tag in tags[1:]:
        child = etree.SubElement(inner, tag)
        inner = child
    inner.text, element.text = element.text, None
    for child in list(element):
        inner.append(child)  # moves it, with its tail
    element.append(outer)


def _in_link(element: etree._Element) -> bool:
    return any(str(a.tag).lower() == "a" for a in element.iterancestors())


def _strip_blank_text(element: etree._Element) -> None:
    """Drop the line breaks between blocks that the editor's HTML carries (not text)."""
    for el in element.iter():
        tag = str(el.tag).lower()
        if tag in _BLOCKS - {"p", "li"} and el.text and not el.text.strip():
            el.text = None
        if el is not element and el.tail and not el.tail.strip():
            parent = el.getparent()
            if parent is not None and str(parent.tag).lower() in _BLOCKS - {"p", "li"}:
                el.tail = None


_URL_MARK = re.compile(r"Xcib1eU(\d+)Ucib1eX")


def _tostring(element: etree._Element) -> str:
    """*element* as HTML, its links and image sources as written: lxml would percent-encode
    what is not ASCII there, and a merge field such as «Site - Lien de réservation» in a link
    would no longer be one."""
    values: list[str] = []
    for el in element.iter():
        if not isinstance(el.tag, str):
            continue
        for name in ("href", "src"):
            value = el.get(name)
            if value is not None:
                values.append(value)
                el.set(name, f"Xcib1eU{len(values) - 1}Ucib1eX")
    text = lxml.html.tostring(element, encoding="unicode")
    return _URL_MARK.sub(lambda m: html.escape(values[int(m.group(1))], quote=True), text)


def _fragment(body: etree._Element) -> str:
    parts = [_tostring(child).strip() for child in body]
    if body.text and body.text.strip():
        parts.insert(0, html.escape(body.text.strip(), quote=False))
    return "\n".join(p for p in parts if p)


def clean_fragment(source: str, *, images: set[str] | None = None) -> str:
    """The visual editor's HTML (or any HTML) as the plain tags the editor makes, without the
    document around them: ``<p>…</p>`` lines. With *images* (content ids), an image that is
    not one of them is dropped (HTML pasted from a web page)."""
    root = _parse(source)
    if root is None:
        return ""
    body = _body(root)
    if images is not None:
        for img in list(body.iter("img")):
            src = (img.get("src") or "").strip()
            if not (src.lower().startswith("cid:") and src[4:] in images):
                img.drop_tree()
    for comment in list(body.iter(etree.Comment, etree.ProcessingInstruction)):
        comment.drop_tree()  # keeps the text after it
    # inline styles become tags, from the innermost element out
    for element in reversed(list(body.iter())):
        if not isinstance(element.tag, str) or element is body:
            continue
        tag = element.tag.lower()
        style = element.get("style", "")
        if tag != "img":
            _wrap_content(element, _inline_wrappers(style, tag == "a" or _in_link(element)))
        if tag == "span" or tag not in _KEPT:
            if tag in _HEADINGS:  # a title: a bold paragraph
                _wrap_content(element, ["b"])
            if tag in _HEADINGS or tag in {"div", "blockquote", "pre", "tr"}:
                element.tag = "p"
                element.attrib.clear()
                continue
            if tag in {"td", "th"}:  # a cell: its text, then a space
                element.tail = " " + (element.tail or "")
            if tag in {"script", "style", "head", "title", "meta"}:
                element.drop_tree()
                continue
            element.drop_tag()
            continue
        for name in list(element.attrib):
            if name.lower() not in _KEPT[tag]:
                del element.attrib[name]
    for element in reversed(list(body.iter("b", "i", "u", "strong", "em"))):
        if not (element.text or "").strip() and all(c.tag == "br" and not (c.tail or "").strip() for c in element):
            element.drop_tag()  # an empty line's formatting: nothing to format
    _strip_blank_text(body)
    return _fragment(body)


def house_document(fragment: str) -> str:
    """*fragment* inside the house document: the one style sheet, then the body."""
    return (
        f"<html><head><style>{HOUSE_STYLE}</style></head><body>\n{fragment}\n</body></html>"
    )


def clean_editor_html(qt_html: str) -> str:
    """The HTML Cible stores and sends for what the visual editor shows (see the module
    docstring); empty when the editor holds no text and no image."""
    fragment = clean_fragment(qt_html)
    root = _parse(fragment)
    if root is None or (not "".join(root.itertext()).strip() and root.find(".//img") is None):
        return ""
    return house_document(fragment)


def visual_obstacle(source: str) -> str | None:
    """``None`` when the visual editor shows *source* without losing anything; else what would
    be lost: ``"style"`` (a style sheet of its own), ``"unreadable"``, ``"attribute:NAME"`` or
    ``"tag:NAME"``."""
    if not source.strip():
        return None
    root = _parse(source)
    if root is None:
        return "unreadable"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "style":
            if _squeeze(element.text or "") not in _HOUSE_STYLES:
                return "style"
            continue
        if tag in _DOCUMENT_TAGS:
            continue
        if tag not in _KEPT:
            return f"tag:{tag}"
        for name in element.attrib:
            if name.lower() not in _KEPT[tag]:
                return f"attribute:{name.lower()}"
    return None


def editor_body(source: str) -> str:
    """What the visual editor loads for *source* (which :func:`visual_obstacle` accepts): the
    body, without the house style sheet."""
    root = _parse(source)
    if root is None:
        return ""
    body = _body(root)
    inner = [_tostring(child) for child in body]
    return html.escape(body.text or "", quote=False) + "".join(inner)


# --- images ----------------------------------------------------------------------------------


def image_subtype(data: bytes) -> str | None:
    """``png``, ``jpeg`` or ``gif`` from the file's first bytes; ``None`` for anything else."""
    for magic, subtype in _IMAGE_MAGIC:
        if data.startswith(magic):
            return subtype
    return None


def check_image(data: bytes, name: str, max_bytes: int) -> str:
    """Check an image for an e-mail; return its MIME subtype. :class:`EmailTemplateError` with
    one line when it is not a PNG, JPEG or GIF image or when it alone would make the e-mail
    larger than *max_bytes* (sent in base64: 4/3 of its size)."""
    subtype = image_subtype(data)
    if subtype is None:
        raise EmailTemplateError(
            _("{name} is not a PNG, JPEG or GIF image.").format(name=name)
        )
    room = max(0, max_bytes - _ROOM_FOR_TEXT) * 3 // 4
    if len(data) > room:
        raise EmailTemplateError(
            _(
                "The image {name} is too large ({size} KB, at most {limit} KB in an e-mail): "
                "choose a smaller one."
            ).format(
                name=name,
                size=format_count((len(data) + 999) // 1000),
                limit=format_count(room // 1000),
            )
        )
    return subtype


def new_cid() -> str:
    """A content id for an image of a template (unique, an ``addr-spec`` as RFC 2392 wants)."""
    return f"logo-{secrets.token_hex(6)}@cible"


def referenced_cids(source: str) -> list[str]:
    """The content ids of the images *source* shows (``<img src="cid:…">``), each once."""
    root = _parse(source)
    if root is None:
        return []
    found = []
    for img in root.iter("img"):
        src = (img.get("src") or "").strip()
        if src.lower().startswith("cid:"):
            found.append(src[4:])
    return list(dict.fromkeys(found))
