"""Writing letters: one copy of the template's body per letter, each its own section."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml.ns import qn
from lxml import etree

from app import files
from app.export.word.compute import Letter
from app.export.word.errors import MergeError, _report
from app.export.word.template import LetterTemplate
from app.export.word.xml import (
    _TOKEN,
    R_ID,
    W_FTR_REF,
    W_HDR_REF,
    W_P,
    W_PPR,
    W_SECTPR,
    W_T,
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
        with files.atomic_path(out) as tmp:
            document.save(str(tmp))
    except OSError as error:
        raise MergeError(
            _("Cannot write {path}: {detail}.").format(path=out, detail=error.strerror or error)
        ) from None


class _StoryCopies:
    """Per-letter copies of the headers and footers that hold merge fields."""

    def __init__(self, template: LetterTemplate) -> None:
        self.template = template
        self.part = template.document.part
        self.stories = [s for s in template.stories if s.has_fields]
        self.counter = 0
        used = {str(p.partname) for p in self.part.package.iter_parts()}
        self.used_names = used
        #: The tokens each story prints, and the copies made so far by the values they print:
        #: letters whose header says the same (the site's letterhead) share one copy.
        self.tokens = {
            s.rel_id: sorted(
                {
                    int(m.group(1))
                    for t in s.part.element.iter(W_T)
                    if t.text
                    for m in _TOKEN.finditer(t.text)
                }
            )
            for s in self.stories
        }
        self.made: dict[tuple[str, tuple[str, ...]], str] = {}

    def __bool__(self) -> bool:
        return bool(self.stories)

    def make(self, values: Sequence[str]) -> dict[str, str]:
        """The field-bearing stories for one letter, filled (a copy made once per distinct
        text): old rId → new rId."""
        from docx.parts.hdrftr import FooterPart, HeaderPart

        mapping = {}
        for story in self.stories:
            key = (story.rel_id, tuple(values[i] for i in self.tokens[story.rel_id]))
            if key in self.made:
                mapping[story.rel_id] = self.made[key]
                continue
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
            self.made[key] = new_id
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


_BEFORE_TYPE = {
    qn("w:headerReference"),
    qn("w:footerReference"),
    qn("w:footnotePr"),
    qn("w:endnotePr"),
}


def _starts_a_page(sect_pr: etree._Element) -> None:
    """The section starts on a new page, whatever the template said (Word often writes
    ``continuous`` for the last section: letters would run together)."""
    kind = sect_pr.find(qn("w:type"))
    if kind is not None:
        if kind.get(qn("w:val")) in ("evenPage", "oddPage"):
            return
        sect_pr.remove(kind)
    kind = etree.Element(qn("w:type"))
    kind.set(qn("w:val"), "nextPage")
    index = 0
    for i, child in enumerate(sect_pr):
        if child.tag in _BEFORE_TYPE:
            index = i + 1
    sect_pr.insert(index, kind)


W_NUMID, W_VAL = qn("w:numId"), qn("w:val")


class _ListRestarts:
    """Numbered lists start again at 1 in each letter: each letter gets its own copy of the
    list definitions (``w:num``) it uses, with a start override on every level."""

    def __init__(self, template: LetterTemplate) -> None:
        self.ordered: dict[str, etree._Element] = {}
        self.has_lists = [False] * len(template.content)
        used = set()
        for i, element in enumerate(template.content):
            for num_id in element.iter(W_NUMID):
                if num_id.getparent().tag == qn("w:numPr"):
                    used.add(num_id.get(W_VAL))
                    self.has_lists[i] = True
        if not used:
            return
        try:
            self.root = template.document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in self.root.iter(qn("w:abstractNum"))}
        self.starts: dict[str, list[tuple[str, str]]] = {}
        for num in self.root.iter(qn("w:num")):
            num_id = num.get(qn("w:numId"))
            if num_id not in used:
                continue
            ref = num.find(qn("w:abstractNumId"))
            definition = abstract.get(ref.get(W_VAL) if ref is not None else None)
            if definition is None:
                continue
            levels = []
            for lvl in definition.iter(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                if fmt is not None and fmt.get(W_VAL) in ("bullet", "none"):
                    continue
                start = lvl.find(qn("w:start"))
                levels.append(
                    (lvl.get(qn("w:ilvl")), start.get(W_VAL) if start is not None else "1")
                )
            if levels:
                self.ordered[num_id] = num
                self.starts[num_id] = levels
        self.next_id = 1 + max(
            (int(n.get(qn("w:numId"))) for n in self.root.iter(qn("w:num"))), default=0
        )

    def __bool__(self) -> bool:
        return bool(self.ordered)

    def make(self) -> dict[str, str]:
        """New list definitions for one letter: old numId → new numId."""
        mapping = {}
        for num_id, num in self.ordered.items():
            new = num.__deepcopy__(None)
            new.set(qn("w:numId"), str(self.next_id))
            for override in new.findall(qn("w:lvlOverride")):
                new.remove(override)
            for ilvl, start in self.starts[num_id]:
                override = etree.SubElement(new, qn("w:lvlOverride"))
                override.set(qn("w:ilvl"), ilvl)
                etree.SubElement(override, qn("w:startOverride")).set(W_VAL, start)
            self.root.append(new)
            mapping[num_id] = str(self.next_id)
            self.next_id += 1
        return mapping


class _NoteCopies:
    """Each letter gets its own copies of the footnotes and endnotes it refers to, merged."""

    def __init__(self, template: LetterTemplate) -> None:
        self.notes = []
        self.has_notes = [False] * len(template.content)
        for notes in template.notes:
            tag = qn(f"w:{notes.kind}Reference")
            referenced = set()
            for i, element in enumerate(template.content):
                for ref in element.iter(tag):
                    referenced.add(ref.get(qn("w:id")))
                    self.has_notes[i] = True
            if not referenced:
                continue
            by_id = {
                n.get(qn("w:id")): n
                for n in notes.root.iter(qn(f"w:{notes.kind}"))
                if n.get(qn("w:id")) in referenced
            }
            next_id = 1 + max((int(n.get(qn("w:id"))) for n in notes.root), default=0)
            self.notes.append([notes, tag, by_id, next_id])

    def __bool__(self) -> bool:
        return bool(self.notes)

    def copy_for(self, element: etree._Element, texts: Sequence[str]) -> None:
        for entry in self.notes:
            notes, tag, by_id, next_id = entry
            for ref in element.iter(tag):
                original = by_id.get(ref.get(qn("w:id")))
                if original is None:
                    continue
                note = original.__deepcopy__(None)
                note.set(qn("w:id"), str(next_id))
                _fill(note, texts)
                notes.root.append(note)
                ref.set(qn("w:id"), str(next_id))
                next_id += 1
            entry[3] = next_id

    def finish(self) -> None:
        for notes, _tag, by_id, _next in self.notes:
            for original in by_id.values():  # every letter has its own copy
                notes.root.remove(original)
            notes.save()


def _page_texts(
    template: LetterTemplate, group: Sequence[Letter], values: Callable[[Letter], list[str]]
) -> list[str]:
    """The tokens' texts for a page showing several records (a Word label sheet with NEXT)."""
    per_record = [values(letter) for letter in group]
    return [
        per_record[ref.record][i] if ref.record < len(per_record) else ""
        for i, ref in enumerate(template.refs)
    ]


def write_letters(
    template: LetterTemplate,
    letters: Sequence[Letter],
    values: Callable[[Letter], list[str]],
    out: str | os.PathLike[str],
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """One letter per item of *letters* into *out* (see the package docstring).

    A template with NEXT fields (a Word label sheet) takes one record more after each NEXT:
    a page then shows several records."""
    out = Path(out)
    document = template.document
    body = document.element.body
    for child in list(body):
        body.remove(child)
    if template.sect_pr is None:
        template.sect_pr = etree.Element(W_SECTPR)
    final_sect = template.sect_pr
    stories = _StoryCopies(template)
    content = template.content
    has_tokens = template._has_tokens
    has_drawings = template._has_drawings
    has_sections = template._has_sections
    per_page = getattr(template, "records_per_page", 1)
    lists = _ListRestarts(template)
    has_lists = lists.has_lists
    notes = _NoteCopies(template)
    has_notes = notes.has_notes
    first_sect = next((s for c in content for s in c.iter(W_SECTPR)), final_sect)
    _starts_a_page(first_sect)  # each letter starts on a new page
    drawing_id = 1000
    pages = [letters[i : i + per_page] for i in range(0, len(letters), per_page)]
    total = len(pages)
    if total > 1:
        _restart_numbering(final_sect)  # every letter's section is a copy of this one
    for n, group in enumerate(pages, start=1):
        if n % 20 == 1:
            _report(progress, cancelled, (n - 1) * per_page, len(letters), "")
        texts = values(group[0]) if per_page == 1 else _page_texts(template, group, values)
        copies = []
        mapping = stories.make(texts) if stories else {}
        numbers = lists.make() if lists and n > 1 else {}
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
            if numbers and has_lists[i]:
                for num_id in c.iter(W_NUMID):
                    if num_id.get(W_VAL) in numbers:
                        num_id.set(W_VAL, numbers[num_id.get(W_VAL)])
            if has_notes[i]:
                notes.copy_for(c, texts)
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
    if notes:
        notes.finish()
    for story in stories.stories:  # every letter has its own copy: the original goes
        if not document.element.xpath(f'//*[@r:id="{story.rel_id}"]'):
            document.part.rels.pop(story.rel_id, None)
    _report(progress, cancelled, len(letters), len(letters), "")
    _write_atomically(document, out)
