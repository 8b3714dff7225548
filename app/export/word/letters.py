"""Writing letters: one copy of the template's body per letter, each its own section."""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml.ns import qn
from lxml import etree

from app.export.word.compute import Letter
from app.export.word.errors import MergeError, _report
from app.export.word.template import LetterTemplate
from app.export.word.xml import (
    R_ID,
    W_FTR_REF,
    W_HDR_REF,
    W_P,
    W_PPR,
    W_SECTPR,
    WP_DOCPR,
    _fill,
)
from app.i18n import _


def _write_atomically(document: Any, out: Path) -> None:
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise MergeError(
            _("Cannot write {path}: the folder {folder} does not exist.").format(
                path=out, folder=folder
            )
        )
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise MergeError(
            _("Cannot write {path}: {detail}.").format(path=out, detail=error.strerror or error)
        ) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        document.save(str(tmp))
        os.replace(tmp, out)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise MergeError(
            _("Cannot write {path}: {detail}.").format(path=out, detail=error.strerror or error)
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class _StoryCopies:
    """Per-letter copies of the headers and footers that hold merge fields."""

    def __init__(self, template: LetterTemplate) -> None:
        self.template = template
        self.part = template.document.part
        self.stories = [s for s in template.stories if s.has_fields]
        self.counter = 0
        used = {str(p.partname) for p in self.part.package.iter_parts()}
        self.used_names = used

    def __bool__(self) -> bool:
        return bool(self.stories)

    def make(self, values: Sequence[str]) -> dict[str, str]:
        """Copies of the field-bearing stories for one letter: old rId → new rId."""
        from docx.parts.hdrftr import FooterPart, HeaderPart

        mapping = {}
        for story in self.stories:
            self.counter += 1
            header = story.reltype == RT.HEADER
            kind = "header" if header else "footer"
            name = f"/word/{kind}_cible{self.counter}.xml"
            element = copy.deepcopy(story.part.element)
            _fill(element, values)
            cls = HeaderPart if header else FooterPart
            new_part = cls(PackURI(name), story.part.content_type, element, self.part.package)
            for rel_id, rel in story.part.rels.items():
                target = rel.target_ref if rel.is_external else rel.target_part
                new_part.rels.add_relationship(rel.reltype, target, rel_id, rel.is_external)
            new_id = f"rIdCible{self.counter}"
            self.part.rels.add_relationship(story.reltype, new_part, new_id)
            mapping[story.rel_id] = new_id
        return mapping


def _remap(sect_pr: etree._Element, mapping: dict[str, str]) -> None:
    for ref in sect_pr:
        if ref.tag in (W_HDR_REF, W_FTR_REF) and ref.get(R_ID) in mapping:
            ref.set(R_ID, mapping[ref.get(R_ID)])


# sectPr children that come after pgNumType (schema order)
_AFTER_PGNUMTYPE = (
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
)


def _restart_numbering(sect_pr: etree._Element) -> None:
    pg = sect_pr.find(qn("w:pgNumType"))
    if pg is None:
        pg = etree.Element(qn("w:pgNumType"))
        # schema order: ... pgSz, pgMar, paperSrc, pgBorders, lnNumType, pgNumType, cols ...
        anchor = None
        for name in _AFTER_PGNUMTYPE:
            anchor = sect_pr.find(qn(name))
            if anchor is not None:
                break
        if anchor is not None:
            anchor.addprevious(pg)
        else:
            sect_pr.append(pg)
    pg.set(qn("w:start"), "1")


def _end_section(letter_elements: list[etree._Element], sect_pr: etree._Element, body) -> None:
    """Make the letter's last paragraph end a section (next page) with *sect_pr*."""
    last = letter_elements[-1] if letter_elements else None
    if last is None or last.tag != W_P:
        last = etree.SubElement(body, W_P)
    ppr = last.find(W_PPR)
    if ppr is None:
        ppr = etree.Element(W_PPR)
        last.insert(0, ppr)
    old = ppr.find(W_SECTPR)
    if old is not None:
        ppr.remove(old)
    # sectPr comes after every other pPr child except pPrChange
    change = ppr.find(qn("w:pPrChange"))
    if change is not None:
        change.addprevious(sect_pr)
    else:
        ppr.append(sect_pr)


def write_letters(
    template: LetterTemplate,
    letters: Sequence[Letter],
    values: Callable[[Letter], list[str]],
    out: str | os.PathLike[str],
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """One letter per item of *letters* into *out* (see the module docstring)."""
    out = Path(out)
    document = template.document
    body = document.element.body
    for child in list(body):
        body.remove(child)
    if template.sect_pr is None:
        template.sect_pr = etree.Element(W_SECTPR)
    final_sect = template.sect_pr
    stories = _StoryCopies(template)
    total = len(letters)
    content = template.content
    has_tokens = template._has_tokens
    has_drawings = template._has_drawings
    has_sections = template._has_sections
    drawing_id = 1000
    if total > 1:
        _restart_numbering(final_sect)  # every letter's section is a copy of this one
    for n, letter in enumerate(letters, start=1):
        if n % 20 == 1:
            _report(progress, cancelled, n - 1, total, "")
        texts = values(letter)
        copies = []
        mapping = stories.make(texts) if stories else {}
        for i, element in enumerate(content):
            c = element.__deepcopy__(None)  # lxml's own: no copy-module overhead
            if has_tokens[i]:
                _fill(c, texts)
            if has_drawings[i]:
                for doc_pr in c.iter(WP_DOCPR):
                    drawing_id += 1
                    doc_pr.set("id", str(drawing_id))
            if mapping and has_sections[i]:  # section breaks inside the template
                for inner in c.iter(W_SECTPR):
                    _remap(inner, mapping)
            body.append(c)
            copies.append(c)
        if n < total:
            sect = final_sect.__deepcopy__(None)
            if mapping:
                _remap(sect, mapping)
            _end_section(copies, sect, body)
        elif mapping:
            _remap(final_sect, mapping)
    body.append(final_sect)
    for story in stories.stories:  # every letter has its own copy: the original goes
        if not document.element.xpath(f'//*[@r:id="{story.rel_id}"]'):
            document.part.rels.pop(story.rel_id, None)
    _report(progress, cancelled, total, total, "")
    _write_atomically(document, out)
