"""Build .docx templates for the mail merge tests from raw WordprocessingML runs.

Word writes merge fields in several ways; the tests write each of them by hand:
``simple`` (w:fldSimple), ``complex`` (w:fldChar begin / w:instrText / separate / end, the
instruction itself split over runs), and placeholders split across runs (``run`` pieces).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

W = nsdecls("w")


def run(text: str, *, bold: bool = False, italic: bool = False) -> str:
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def simple(name: str, switches: str = "\\* MERGEFORMAT") -> str:
    quoted = f'"{name}"' if " " in name else name
    instr = escape(f" MERGEFIELD {quoted} {switches} ", {'"': "&quot;"})
    return (
        f'<w:fldSimple w:instr="{instr}"><w:r><w:rPr><w:b/></w:rPr>'
        f"<w:t>«{escape(name)}»</w:t></w:r></w:fldSimple>"
    )


def complex_field(name: str, switches: str = "\\* MERGEFORMAT") -> str:
    quoted = f'"{name}"' if " " in name else name
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> MERGEFIELD </w:instrText></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{escape(quoted)} {escape(switches)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:rPr><w:i/></w:rPr><w:t>«{escape(name)}»</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def paragraph(*parts: str) -> str:
    return f"<w:p {W}>{''.join(parts)}</w:p>"


def tiny_png() -> bytes:
    """A 2×2 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def make_template(
    path: Path,
    paragraphs: list[str],
    *,
    header: list[str] | None = None,
    footer: list[str] | None = None,
    image: bool = False,
) -> Path:
    """A .docx whose body is *paragraphs* (XML from :func:`paragraph`)."""
    doc = Document()
    body = doc.element.body
    sect = body[-1]
    for xml in paragraphs:
        sect.addprevious(parse_xml(xml))
    if image:
        png = path.with_suffix(".png")
        png.write_bytes(tiny_png())
        doc.add_picture(str(png))
    for story, xmls in ((doc.sections[0].header, header), (doc.sections[0].footer, footer)):
        if xmls:
            element = story._element
            for p in list(element):
                element.remove(p)
            for xml in xmls:
                element.append(parse_xml(xml))
    doc.save(str(path))
    return path


def if_field(left_field: str, op: str, right: str, then: str, otherwise: str) -> str:
    """``{ IF { MERGEFIELD left_field } op "right" "then" "otherwise" \\* MERGEFORMAT }`` as Word
    writes it: the nested field inside the IF's instruction, the IF's cached result after."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>'
        + complex_field(left_field, "")
        + f'<w:r><w:instrText xml:space="preserve"> {escape(op)} "{escape(right)}" '
        f'"{escape(then)}" "{escape(otherwise)}" \\* MERGEFORMAT </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{escape(otherwise)}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
