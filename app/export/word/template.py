"""Reading a template: opening the package (.docx, .dotx) and preparing its parts for merging."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from app.export.word.compute import FieldRef
from app.export.word.errors import MergeError, UnknownMergeFieldError
from app.export.word.fields import resolve_field_name
from app.export.word.parse import _Compiler
from app.export.word.xml import _TOKEN, TOKEN_START, W_SECTPR, W_T, WP_DOCPR, _contains_token
from app.i18n import _
from app.query.target import Target


@dataclass
class _Story:
    """A header or footer part of the template."""

    rel_id: str
    reltype: str
    part: Any
    has_fields: bool


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
        self.refs = compiler.refs
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

    def _refs_in_order(self) -> list[FieldRef]:
        """The fields in reading order: body, then headers and footers."""
        roots = [*self.content, *(story.part.element for story in self.stories)]
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
    def field_names(self) -> list[str]:
        """The merge field names as written in the template, each once, in reading order."""
        seen: dict[str, None] = {}
        for ref in self._refs_in_order():
            if ref.kind != "if":
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
            if ref.kind == "if":
                continue
            ref.key = resolve_field_name(ref.name, preferred)
            if ref.key is None:
                unknown.setdefault(ref.name, None)
            else:
                keys.setdefault(ref.key, None)
        if unknown:
            raise UnknownMergeFieldError(list(unknown))
        return list(keys)


_IF_EXAMPLE = '{ IF { MERGEFIELD Civilité } = "Madame" "Chère Madame" "Cher Monsieur" }'


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 (.doc, .dot)
_DOTX = b"wordprocessingml.template.main+xml"


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
