"""WordprocessingML names and the small XML tools shared by the merge: tokens, runs, text."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence

from docx.oxml.ns import qn
from lxml import etree

W_P, W_R, W_T, W_BR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:br")
W_RPR, W_PPR, W_SECTPR = qn("w:rPr"), qn("w:pPr"), qn("w:sectPr")
W_FLDSIMPLE, W_FLDCHAR, W_INSTR = qn("w:fldSimple"), qn("w:fldChar"), qn("w:instrText")
W_INSTR_ATTR, W_FLDCHARTYPE = qn("w:instr"), qn("w:fldCharType")
W_TBL = qn("w:tbl")
W_HDR_REF, W_FTR_REF = qn("w:headerReference"), qn("w:footerReference")
R_ID = qn("r:id")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
# Marks that must be unique in a document: dropped from the template, whose body is repeated.
_BOOKMARKS = (
    qn("w:bookmarkStart"),
    qn("w:bookmarkEnd"),
    qn("w:commentRangeStart"),
    qn("w:commentRangeEnd"),
    qn("w:commentReference"),
)
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_UNIQUE_ATTRIBUTES = (f"{{{_W14}}}paraId", f"{{{_W14}}}textId")
# Containers whose runs belong to the paragraph around them.
_RUN_CONTAINERS = {
    qn("w:hyperlink"),
    qn("w:smartTag"),
    qn("w:ins"),
    qn("w:customXml"),
    qn("w:sdt"),
    qn("w:sdtContent"),
    qn("w:dir"),
    qn("w:bdo"),
}

TOKEN_START, TOKEN_END = "\ue000", "\ue001"
_TOKEN = re.compile(f"{TOKEN_START}(\\d+){TOKEN_END}")


def _paragraph_runs(p: etree._Element) -> list[etree._Element]:
    """The runs of a paragraph in reading order (not those of text boxes inside it)."""
    runs: list[etree._Element] = []

    def walk(parent: etree._Element) -> None:
        for child in parent:
            if child.tag == W_R:
                runs.append(child)
            elif child.tag in _RUN_CONTAINERS:
                walk(child)

    walk(p)
    return runs


def _token_run(rpr: etree._Element | None, token: str) -> etree._Element:
    run = etree.Element(W_R)
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    t = etree.SubElement(run, W_T)
    t.text = token
    t.set(XML_SPACE, "preserve")
    return run


def _set_text(t: etree._Element, text: str) -> None:
    """Put *text* in the ``w:t``; line breaks become ``w:br`` in the same run."""
    if "\n" not in text:
        t.text = text
        return
    parts = text.split("\n")
    t.text = parts[0]
    run = t.getparent()
    index = run.index(t)
    for part in parts[1:]:
        index += 1
        run.insert(index, etree.Element(W_BR))
        index += 1
        new_t = etree.Element(W_T)
        new_t.set(XML_SPACE, "preserve")
        new_t.text = part
        run.insert(index, new_t)


def _fill(root: etree._Element, values: Sequence[str]) -> None:
    for t in list(root.iter(W_T)):
        text = t.text
        if text and TOKEN_START in text:
            _set_text(t, _TOKEN.sub(lambda m: values[int(m.group(1))], text))


def _contains_token(element: etree._Element) -> bool:
    return any(t.text and TOKEN_START in t.text for t in element.iter(W_T))


def _twips(mm: float) -> int:
    return int(round(mm * 1440 / 25.4))


def _el(tag: str, parent: etree._Element | None = None, **attrs: str) -> etree._Element:
    element = etree.Element(qn(tag)) if parent is None else etree.SubElement(parent, qn(tag))
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element
