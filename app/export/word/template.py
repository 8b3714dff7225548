"""Reading a template: opening the package (.docx, .dotx) and preparing its parts for merging."""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from app.export.word.compute import FieldRef
from app.export.word.errors import MergeError, UnknownMergeFieldError
from app.export.word.fields import resolve_field_name
from app.export.word.parse import _Compiler
from app.export.word.xml import (
    _TOKEN,
    TOKEN_START,
    W_FLDCHAR,
    W_FLDCHARTYPE,
    W_FLDSIMPLE,
    W_INSTR,
    W_INSTR_ATTR,
    W_P,
    W_SECTPR,
    W_T,
    WP_DOCPR,
    _contains_token,
)
from app.i18n import _
from app.query.target import Target


@dataclass
class _Story:
    """A header or footer part of the template."""

    rel_id: str
    reltype: str
    part: Any
    has_fields: bool


@dataclass
class _Notes:
    """The footnotes or endnotes part of the template (python-docx keeps it as bytes)."""

    part: Any
    root: etree._Element
    #: "footnote" or "endnote": the name of its notes and of their references in the text.
    kind: str
    has_fields: bool

    def save(self) -> None:
        self.part._blob = etree.tostring(
            self.root, xml_declaration=True, encoding="UTF-8", standalone=True
        )


_MAIL_MERGE_RELS = ("/mailMergeSource", "/mailMergeHeaderSource", "/recipientData")


def _plain_document(document: Any) -> None:
    """Drop Word's mail-merge settings (``w:mailMerge``: the SQL query, the author's data source
    path) and their relationships: the merged letters are a plain document."""
    settings_part = document.part._settings_part
    element = settings_part.element
    for merge in element.findall(qn("w:mailMerge")):
        element.remove(merge)
    for rel_id, rel in list(settings_part.rels.items()):
        if rel.reltype.endswith(_MAIL_MERGE_RELS):
            settings_part.rels.pop(rel_id)
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith(_MAIL_MERGE_RELS):
            document.part.rels.pop(rel_id)


_NUMPAGES = re.compile(r"\bNUMPAGES\b", re.IGNORECASE)


def _pages_per_letter(roots: list[etree._Element]) -> bool:
    """``NUMPAGES`` (pages of the whole document) becomes ``SECTIONPAGES``: each letter is its
    own section, so "Page 1 of 1" stays true in a one-page letter. Returns whether any was found."""
    found = False
    for root in roots:
        for simple in root.iter(W_FLDSIMPLE):
            instr = simple.get(W_INSTR_ATTR, "")
            if _NUMPAGES.search(instr):
                simple.set(W_INSTR_ATTR, _NUMPAGES.sub("SECTIONPAGES", instr))
                _one_page(list(simple.iter(W_T)))
                found = True
        for instr in root.iter(W_INSTR):
            if instr.text and _NUMPAGES.search(instr.text):
                instr.text = _NUMPAGES.sub("SECTIONPAGES", instr.text)
                _one_page(_cached_result(instr))
                found = True
    return found


def _cached_result(instr: etree._Element) -> list[etree._Element]:
    """The ``w:t`` of the cached result of the complex field whose instruction holds *instr*."""
    texts: list[etree._Element] = []
    run = instr.getparent()
    phase = "instr"
    sibling = run.getnext()
    while sibling is not None:
        for child in sibling.iter(W_FLDCHAR, W_T):
            if child.tag == W_FLDCHAR:
                kind = child.get(W_FLDCHARTYPE)
                if kind == "separate":
                    phase = "result"
                elif kind in ("end", "begin"):
                    return texts
            elif phase == "result":
                texts.append(child)
        sibling = sibling.getnext()
    return texts


def _one_page(texts: list[etree._Element]) -> None:
    """The cached result the template saved ("53": its author's whole merge) becomes 1.
    Word computes SECTIONPAGES when it prints; LibreOffice (7.4) shows the cached result."""
    for i, t in enumerate(texts):
        t.text = "1" if i == 0 else ""


class LetterTemplate:
    """A .docx template read and prepared for merging (its fields turned into tokens).

    The object holds the template's document, which becomes the output: merge it once.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.document = _open_docx(self.path)
        compiler = _Compiler()
        body = self.document.element.body
        compiler.compile(body)
        children = list(body)
        self.sect_pr = children[-1] if children and children[-1].tag == W_SECTPR else None
        self.content = [c for c in children if c is not self.sect_pr]
        self.stories: list[_Story] = []
        part = self.document.part
        for rel_id, rel in list(part.rels.items()):
            if rel.is_external or rel.reltype not in (RT.HEADER, RT.FOOTER):
                continue
            before = len(compiler.refs)
            compiler.compile(rel.target_part.element)
            self.stories.append(
                _Story(rel_id, rel.reltype, rel.target_part, len(compiler.refs) > before)
            )
        self.notes: list[_Notes] = []
        for rel in list(part.rels.values()):
            if rel.is_external or rel.reltype not in (RT.FOOTNOTES, RT.ENDNOTES):
                continue
            notes_part = rel.target_part
            root = etree.fromstring(notes_part.blob)
            before = len(compiler.refs)
            compiler.compile(root)
            kind = "footnote" if rel.reltype == RT.FOOTNOTES else "endnote"
            self.notes.append(_Notes(notes_part, root, kind, len(compiler.refs) > before))
        self.refs = compiler.refs
        inner_sections = any(next(c.iter(W_SECTPR), None) is not None for c in self.content)
        if _pages_per_letter([body, *(story.part.element for story in self.stories)]) and (
            inner_sections
        ):
            compiler.problems.append(
                _(
                    "NUMPAGES in a template with several sections (Cible can count the pages "
                    "of each letter only when the letter is one section)"
                )
            )
        _plain_document(self.document)
        self._number_records(body)
        if compiler.problems:
            shown = "; ".join(compiler.problems[:3])
            raise MergeError(
                _(
                    "{file} has fields the merge cannot compute: {fields}. Use «Name» "
                    "fields, or IF fields of the form {example}."
                ).format(file=self.path.name, fields=shown, example=_IF_EXAMPLE)
            )
        # what each top-level element holds, to skip work on the others per letter
        self._has_tokens = [_contains_token(c) for c in self.content]
        self._has_drawings = [next(c.iter(WP_DOCPR), None) is not None for c in self.content]
        self._has_sections = [next(c.iter(W_SECTPR), None) is not None for c in self.content]

    def _number_records(self, body: etree._Element) -> None:
        """Which record each field of the body shows: one more after each NEXT field."""
        record = 0
        for t in body.iter(W_T):
            if t.text and TOKEN_START in t.text:
                for match in _TOKEN.finditer(t.text):
                    ref = self.refs[int(match.group(1))]
                    ref.record = record
                    for inner in ref.nested():
                        inner.record = record
                    if ref.kind == "next":
                        record += 1
        #: Records per page (1 + the NEXT fields): a Word label sheet shows several.
        self.records_per_page = record + 1

    def _refs_in_order(self) -> list[FieldRef]:
        """The fields in reading order: body, then headers and footers."""
        roots = [
            *self.content,
            *(story.part.element for story in self.stories),
            *(notes.root for notes in self.notes),
        ]
        order: dict[int, None] = {}
        for root in roots:
            for t in root.iter(W_T):
                if t.text and TOKEN_START in t.text:
                    for match in _TOKEN.finditer(t.text):
                        order.setdefault(int(match.group(1)), None)
        found = []
        for i in order:
            found.append(self.refs[i])
            found.extend(self.refs[i].nested())
        return found

    @property
    def placeholders(self) -> list[str]:
        """Text in square brackets left for the author to fill in (``[Nom du garage]``,
        ``[dates]``), each once, in reading order: body, headers and footers, notes."""
        roots = [
            *self.content,
            *(story.part.element for story in self.stories),
            *(notes.root for notes in self.notes),
        ]
        found: dict[str, None] = {}
        seen: set[int] = set()
        for root in roots:
            for p in [root] if root.tag == W_P else root.iter(W_P):
                if id(p) in seen:
                    continue
                inner = list(p.iter(W_P))  # a text box's paragraphs are read on their own
                seen.update(id(x) for x in inner)
                text = "".join(
                    t.text or ""
                    for t in p.iter(W_T)
                    if not any(t in x.iter(W_T) for x in inner[1:])
                )
                for match in _PLACEHOLDER.finditer(_TOKEN.sub(" ", text)):
                    found.setdefault(" ".join(match.group(0).split()), None)
        return list(found)

    @property
    def field_names(self) -> list[str]:
        """The merge field names as written in the template, each once, in reading order."""
        seen: dict[str, None] = {}
        for ref in self._refs_in_order():
            if ref.kind in ("mergefield", "placeholder"):
                seen.setdefault(ref.name, None)
        return list(seen)

    def resolve(self, target: Target | None = None) -> list[str]:
        """Match every field name; :class:`UnknownMergeFieldError` lists those that match nothing.

        Returns the distinct keys used.
        """
        preferred = list(target.columns) if target is not None else []
        unknown: dict[str, None] = {}
        keys: dict[str, None] = {}
        for ref in self._refs_in_order():
            if ref.kind not in ("mergefield", "placeholder"):
                continue
            if ref.name in ("ADDRESSBLOCK", "GREETINGLINE") and ref.key:
                keys.setdefault(ref.key, None)  # Word's blocks: Cible's address and salutation
                continue
            ref.key = resolve_field_name(ref.name, preferred)
            if ref.key is None:
                unknown.setdefault(ref.name, None)
            else:
                keys.setdefault(ref.key, None)
        if unknown:
            raise UnknownMergeFieldError(list(unknown))
        return list(keys)


#: ``[text]`` with at least one letter, on one line: what a template's author left to fill in.
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{0,80}?[^\W\d_][^\[\]\n]{0,80}?\]")

_IF_EXAMPLE = '{ IF { MERGEFIELD Civilité } = "Madame" "Chère Madame" "Cher Monsieur" }'


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 (.doc, .dot)
_DOTX = b"wordprocessingml.template.main+xml"


def _encrypted(path: Path) -> bool:
    """Whether an OLE file is an encrypted Office package (a .docx saved with a password):
    it holds the ``EncryptedPackage`` and ``EncryptionInfo`` streams."""
    try:
        data = path.read_bytes()[: 4 * 1024 * 1024]
    except OSError:
        return False
    return "EncryptedPackage".encode("utf-16-le") in data


def _open_docx(path: Path) -> Any:
    """The template as a python-docx Document; a Word template (.dotx) is read as a document."""
    if not path.exists():
        raise MergeError(_("No template at {path}.").format(path=path))
    if path.is_dir():
        raise MergeError(_("{path} is a folder, not a Word template.").format(path=path))
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise MergeError(
            _("Cannot read {path}: {detail}.").format(path=path, detail=error.strerror or error)
        ) from None
    if head == _OLE_MAGIC and _encrypted(path):
        raise MergeError(
            _(
                "{path} is protected by a password: open it in Word, remove the password "
                "(File › Info › Protect Document › Encrypt with Password, empty), save it and "
                "try again."
            ).format(path=path)
        )
    if head == _OLE_MAGIC:
        raise MergeError(
            _(
                "{path} is an old Word 97-2003 document: open it in Word or LibreOffice and save "
                "it as a Word document (.docx)."
            ).format(path=path)
        )
    if not zipfile.is_zipfile(path):
        raise MergeError(_("{path} is not a Word document (.docx).").format(path=path))
    try:
        with zipfile.ZipFile(path) as package:
            types = package.read("[Content_Types].xml")
            if _DOTX in types:
                data = io.BytesIO()
                with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as copy_:
                    for item in package.infolist():
                        content = package.read(item.filename)
                        if item.filename == "[Content_Types].xml":
                            content = content.replace(_DOTX, b"wordprocessingml.document.main+xml")
                        copy_.writestr(item, content)
                data.seek(0)
                return Document(data)
        return Document(str(path))
    except Exception as error:  # python-docx and zipfile raise several kinds for a bad package
        raise MergeError(
            _("{path} is not a Word document (.docx) that can be read: {detail}").format(
                path=path, detail=error
            )
        ) from None
