"""Word mail merge: letters and address labels from ordinary .docx templates. No Qt here.

A template is a .docx made in Word or LibreOffice. Its merge fields can be

* Word's own ``MERGEFIELD`` fields, as "Insérer un champ de fusion" writes them, in the simple
  form (``w:fldSimple``) or the complex one (``w:fldChar`` begin / ``w:instrText`` / separate /
  end); the ``\\* Upper``, ``\\* Lower``, ``\\* Caps``, ``\\* FirstCap``, ``\\b`` (text before)
  and ``\\f`` (text after) switches are honoured;
* ``IF`` fields around merge fields (``{ IF { MERGEFIELD Civilité } = "Madame" "Chère Madame"
  "Cher Monsieur" }``), computed for each letter; other fields (page numbers...) stay as they
  are, and a merge field inside any other field is refused when the template is read;
* ``«Nom»`` or ``{nom}`` placeholders typed in the text, also when Word has split them across
  several runs (the merged value takes the formatting of the placeholder's first character).
  The name touches its marks: French quotation marks with spaces inside (``« Printemps »``)
  are ordinary text.

Field names are matched without case, accents or punctuation against the field catalog (the
key ``customer.last_name``, the part after the dot ``last_name``, the French label ``Nom`` and
the English label ``Last name``; ``Code_postal`` finds ``Code postal``) and against the helper
fields of :data:`HELPERS` (salutation, today's date in words, the vehicle's age...). A name that
matches nothing stops the merge before anything is written (:class:`UnknownMergeFieldError`,
which lists every such name).

The merge (see :func:`merge_target`) runs the postal funnel (:mod:`app.export.postal`), then
builds **one new document**: the template's body is deep-copied once per letter and the merge
fields are replaced in the copies' text nodes (see shared/PERFORMANCE.md: building letters
paragraph by paragraph is quadratic). Each letter is its own section starting on a new page
(page numbers restart at 1), so headers and footers stay, and when they contain merge fields each
letter gets its own merged copy of them. Images, styles and formatting are the template's. The
file is written to a temporary file next to the output and moved into place only when complete:
a cancelled or failed merge leaves an older file untouched.

Labels (:func:`write_labels`) are a table on A4 sheets, one cell per recipient, with fixed row
heights matching common label sheets (:data:`LABEL_LAYOUTS`) and a first-label offset for a
partly used sheet. The label's content is the address block, or the body of a template.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml.ns import qn
from lxml import etree
from sqlalchemy import Connection, insert

from app import files
from app.errors import CibleError
from app.export.postal import PostalFunnel, PostalRecipient, postal_funnel
from app.i18n import (
    _,
    format_count,
    format_date,
    format_number,
    long_date,
    ngettext,
    normalize_language,
)
from app.models.activity import ContactHistory
from app.models.base import utcnow
from app.models.enums import ContactChannel
from app.models.textfold import fold
from app.query.catalog import FIELDS, Field, FieldType, get_field
from app.query.engine import ResultRow, years_since
from app.query.target import Target

__all__ = [
    "HELPERS",
    "LABEL_LAYOUTS",
    "LabelLayout",
    "LetterTemplate",
    "MergeCancelled",
    "MergeError",
    "MergeField",
    "MergeResult",
    "UnknownMergeFieldError",
    "available_merge_fields",
    "convert_to_pdf",
    "formal_salutation",
    "merge_target",
    "pdf_converter",
    "record_mailing",
    "pdf_unavailable_reason",
    "resolve_field_name",
    "write_labels",
    "write_letters",
]

# --- errors ------------------------------------------------------------------------------------


class MergeError(CibleError):
    """The merge cannot be done (bad template, nobody to write to, unwritable output...)."""


class UnknownMergeFieldError(MergeError):
    """The template names merge fields that do not exist; ``names`` lists them as written."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        shown = ", ".join(f"«{n}»" for n in self.names)
        super().__init__(
            ngettext(
                "The template uses {n} merge field that does not exist: {names}. "
                "A new template lists the fields available for this target.",
                "The template uses {n} merge fields that do not exist: {names}. "
                "A new template lists the fields available for this target.",
                len(self.names),
            ).format(n=format_count(len(self.names)), names=shown)
        )


class MergeCancelled(Exception):
    """Raised when the ``cancelled`` callback asks the merge to stop."""


# --- merge fields ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeField:
    """A field a template can use: a catalog field or a helper."""

    key: str
    fr: str
    en: str
    helper: bool = False
    #: More names that find a helper.
    aliases: tuple[str, ...] = ()

    def label(self, lang: str | None = None) -> str:
        return self.fr if normalize_language(lang or "fr") == "fr" else self.en


HELPERS: tuple[MergeField, ...] = (
    MergeField(
        "letter.salutation",
        "Formule de politesse",
        "Salutation",
        True,
        ("Civilité et nom", "Civility and name", "Appellation"),
    ),
    MergeField(
        "letter.opening",
        "Formule d'appel",
        "Opening",
        True,
        ("Madame Monsieur", "Dear"),
    ),
    MergeField(
        "letter.recipient",
        "Destinataire",
        "Recipient",
        True,
        ("Nom complet", "Full name"),
    ),
    MergeField(
        "letter.address_block",
        "Bloc adresse",
        "Address block",
        True,
        ("Adresse complète", "Full address"),
    ),
    MergeField(
        "letter.date",
        "Date du jour",
        "Today's date",
        True,
        ("Date", "Date de la lettre", "Letter date", "Aujourd'hui", "Today"),
    ),
    MergeField(
        "letter.vehicle_age",
        "Âge du véhicule",
        "Vehicle age",
        True,
        ("Age du vehicule en lettres",),
    ),
)
HELPERS_BY_KEY = {h.key: h for h in HELPERS}

#: What a helper needs from the rows (fetched even when the target does not show it).
_HELPER_COLUMNS = {"letter.vehicle_age": ("vehicle.first_registration",)}


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", (fold(name) or "").lower()).strip()


def _build_index() -> list[dict[str, list[str]]]:
    """Name tiers, most exact first: keys, unique key ends, labels, shared key ends."""
    keys: dict[str, list[str]] = {}
    ends: dict[str, list[str]] = {}
    labels: dict[str, list[str]] = {}
    for f in FIELDS.values():
        if not f.displayable:
            continue
        keys.setdefault(_norm(f.key), []).append(f.key)
        ends.setdefault(_norm(f.key.split(".", 1)[1]), []).append(f.key)
        for label in (f.fr, f.en):
            bucket = labels.setdefault(_norm(label), [])
            if f.key not in bucket:
                bucket.append(f.key)
    for h in HELPERS:
        keys.setdefault(_norm(h.key), []).append(h.key)
        ends.setdefault(_norm(h.key.split(".", 1)[1]), []).append(h.key)
        for label in (h.fr, h.en, *h.aliases):
            labels.setdefault(_norm(label), []).insert(0, h.key)  # helpers win over fields
    unique_ends = {k: v for k, v in ends.items() if len(v) == 1}
    shared_ends = {k: v for k, v in ends.items() if len(v) > 1}
    return [keys, unique_ends, labels, shared_ends]


_INDEX = _build_index()


def resolve_field_name(name: str, preferred: Iterable[str] = ()) -> str | None:
    """The catalog or helper key a template's field name means, or ``None``.

    When a name fits several fields (``Date de livraison``), the target's columns
    (``preferred``) win, then the catalog's order.
    """
    norm = _norm(name)
    if not norm:
        return None
    wanted = list(preferred)
    best = None
    for tier in _INDEX:
        candidates = tier.get(norm, [])
        for key in wanted:
            if key in candidates:
                return key
        if best is None and candidates:
            best = candidates[0]
    return best


def available_merge_fields(target: Target) -> list[MergeField]:
    """The fields offered to a template: the target's displayed fields, then the helpers.

    (Any other field of the catalog is accepted too when a template names it.)
    """
    fields = [
        MergeField(f.key, f.fr, f.en)
        for f in (get_field(k) for k in target.columns)
        if f.displayable
    ]
    return fields + list(HELPERS)


# --- helpers' values ---------------------------------------------------------------------------

_CIVILITIES = {
    "MONSIEUR": "Monsieur",
    "M": "Monsieur",
    "MR": "Monsieur",
    "MADAME": "Madame",
    "MME": "Madame",
    "MRS": "Madame",
    "MS": "Madame",
    # "Mademoiselle" is no longer used in French administrative letters (circulaire of 2012)
    "MADEMOISELLE": "Madame",
    "MLLE": "Madame",
    "MELLE": "Madame",
    "MISS": "Madame",
}
_COUPLE = re.compile(r"^(M|MR|MONSIEUR) (ET|&) (MME|MADAME|MRS)$")


@functools.lru_cache(maxsize=256)
def _civility(civility: str) -> str | None:
    """``"Monsieur"``, ``"Madame"``, ``"Monsieur et Madame"`` or ``None`` (company, unknown)."""
    words = re.sub(r"[^A-Z&]+", " ", (fold(civility or "") or "").replace("&", " & ")).split()
    if not words:
        return None
    if _COUPLE.match(" ".join(words)):
        return "Monsieur et Madame"
    return _CIVILITIES.get("".join(words))


def _name_case(name: str) -> str:
    """``DUPONT`` → ``Dupont``, ``dupont-aignan`` → ``Dupont-Aignan``; mixed case stays."""
    if not name or (name != name.upper() and name != name.lower()):
        return name
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), name.lower())


def formal_salutation(
    civility: str | None,
    last_name: str | None,
    *,
    company: str | None = None,
    is_company: bool = False,
    first_name: str | None = None,
) -> str:
    """``Madame Dupont``, ``Monsieur Martin``, ``Monsieur et Madame Petit``; a company (or a
    civility that is not one, such as ``ETS``) gets its name alone."""
    title = None if is_company else _civility(civility or "")
    name = _name_case((last_name or "").strip())
    if is_company or not name:
        return (company or last_name or "").strip()
    if title is None:
        return " ".join(p for p in (_name_case((first_name or "").strip()), name) if p)
    return f"{title} {name}"


def _opening(civility: str | None, is_company: bool, lang: str) -> str:
    """How the letter addresses the reader, without punctuation: ``Madame``, ``Monsieur``,
    ``Madame, Monsieur`` (couples, companies, unknown civility)."""
    title = None if is_company else _civility(civility or "")
    if title == "Monsieur":
        # Translators: the opening of a letter to a man, without punctuation.
        return _("Dear Sir", lang)
    if title == "Madame":
        # Translators: the opening of a letter to a woman, without punctuation.
        return _("Dear Madam", lang)
    # Translators: the opening of a letter to a couple, a company or an unknown civility.
    return _("Dear Sir or Madam", lang)


def _vehicle_age(first_registration: Any, today: dt.date, lang: str) -> str:
    if not isinstance(first_registration, dt.date):
        return ""
    years = years_since(first_registration, today)
    if years < 1:
        # Translators: a vehicle's age in a letter ("your vehicle is now less than a year old").
        return _("less than a year", lang)
    return ngettext("{n} year", "{n} years", years, lang).format(n=format_count(years, lang))


def _household_title(recipient: PostalRecipient, others: dict[int, Any]) -> str | None:
    """``Monsieur et Madame`` when the household is a Monsieur and a Madame of the same name."""
    if len(recipient.household) < 2:
        return None
    members = [recipient.address] + [others[m] for m in recipient.household[1:] if m in others]
    names = {fold(m.last_name) for m in members}
    titles = {_civility(m.civility) for m in members}
    if len(names) == 1 and titles == {"Monsieur", "Madame"}:
        return "Monsieur et Madame"
    return None


# --- the XML work ------------------------------------------------------------------------------

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
# «Nom» and {nom}: no space just inside the marks, so that French quotes « like this » stay text
_PLACEHOLDER = re.compile(
    "«([^\\s«»\ue000\ue001](?:[^«»\\n\ue000\ue001]{0,78}[^\\s«»\ue000\ue001])?)»"
    "|\\{([^\\s{}\ue000\ue001](?:[^{}\\n\ue000\ue001]{0,78}[^\\s{}\ue000\ue001])?)\\}"
)
_MERGEFIELD = re.compile(r'^\s*MERGEFIELD\s+(?:"([^"]*)"|(\S+))(.*)$', re.IGNORECASE | re.DOTALL)
_SWITCH = re.compile(r'\\([*bf@#])\s*(?:"([^"]*)"|(\S+))')
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class FieldRef:
    """One merge field found in the template."""

    name: str  # as written
    kind: str  # "mergefield", "placeholder" or "if"
    case: str = ""  # Upper, Lower, Caps, FirstCap
    before: str = ""
    after: str = ""
    key: str | None = None  # resolved catalog or helper key
    #: For an IF field: its condition and texts.
    condition: IfField | None = None

    def nested(self) -> list[FieldRef]:
        """The merge fields an IF field reads."""
        return self.condition.refs() if self.condition is not None else []

    def apply(self, value: str) -> str:
        if not value:
            return ""
        case = self.case.lower()
        if case == "upper":
            value = value.upper()
        elif case == "lower":
            value = value.lower()
        elif case == "caps":
            value = re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), value)
        elif case == "firstcap":
            value = value[:1].upper() + value[1:]
        return f"{self.before}{value}{self.after}"


Parts = list["str | FieldRef"]

_IF_OPERATORS = ("=", "<>", "<", ">", "<=", ">=")


@dataclass
class IfField:
    """Word's ``IF Expression1 Operator Expression2 "TrueText" "FalseText"`` whose expressions
    or texts hold MERGEFIELD fields (``{ IF { MERGEFIELD Civilité } = "Madame" "Chère" "Cher" }``).

    Compared without case or accents; numbers as numbers; ``*`` and ``?`` are wildcards with
    ``=`` and ``<>``, as in Word.
    """

    left: Parts
    op: str
    right: Parts
    then: Parts
    otherwise: Parts

    def refs(self) -> list[FieldRef]:
        parts = [*self.left, *self.right, *self.then, *self.otherwise]
        return [p for p in parts if isinstance(p, FieldRef)]

    def evaluate(self, value_of: Callable[[FieldRef], str]) -> str:
        def text(parts: Parts) -> str:
            return "".join(p if isinstance(p, str) else value_of(p) for p in parts)

        left, right = text(self.left), text(self.right)
        return text(self.then) if _compare(left, self.op, right) else text(self.otherwise)


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace("\u202f", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None


def _compare(left: str, op: str, right: str) -> bool:
    a, b = _number(left), _number(right)
    if a is None or b is None or not left.strip() or not right.strip():
        x, y = (fold(left.strip()) or "").lower(), (fold(right.strip()) or "").lower()
        if op in ("=", "<>") and ("*" in y or "?" in y):
            pattern = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in y)
            equal = re.fullmatch(pattern, x, re.DOTALL) is not None
            return equal if op == "=" else not equal
        a, b = x, y  # type: ignore[assignment]
    if op == "=":
        return a == b
    if op == "<>":
        return a != b
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]


def _if_tokens(segments: Parts) -> list[Parts]:
    """Split an IF instruction into its words: quoted texts, bare words, nested fields."""
    tokens: list[Parts] = []
    current: Parts = []
    started = quoted = False

    def add(ch: str) -> None:
        if current and isinstance(current[-1], str):
            current[-1] += ch
        else:
            current.append(ch)

    for segment in segments:
        if not isinstance(segment, str):
            current.append(segment)
            started = True
            continue
        for ch in segment:
            if quoted:
                if ch == '"':
                    quoted = False
                else:
                    add(ch)
            elif ch == '"':
                quoted = started = True
            elif ch.isspace():
                if started:
                    tokens.append(current)
                    current, started = [], False
            else:
                add(ch)
                started = True
    if started:
        tokens.append(current)
    return tokens


def _parse_if(segments: Parts) -> FieldRef | None:
    tokens = _if_tokens(segments)
    words = [t[0] if len(t) == 1 and isinstance(t[0], str) else None for t in tokens]
    if len(tokens) < 5 or (words[0] or "").upper() != "IF" or words[2] not in _IF_OPERATORS:
        return None
    rest: list[Parts] = []
    for token, word in zip(tokens[4:], words[4:], strict=True):
        if (word or "").startswith("\\"):  # a switch (\* MERGEFORMAT...): the texts are before
            break
        rest.append(token)
    condition = IfField(
        left=tokens[1],
        op=str(words[2]),
        right=tokens[3],
        then=rest[0] if rest else [],
        otherwise=rest[1] if len(rest) > 1 else [],
    )
    return FieldRef(name="IF", kind="if", condition=condition)


def _parse_instr(instr: str) -> FieldRef | None:
    match = _MERGEFIELD.match(instr)
    if not match:
        return None
    ref = FieldRef(
        name=(match.group(1) if match.group(1) is not None else match.group(2)), kind="mergefield"
    )
    for switch, quoted, bare in _SWITCH.findall(match.group(3) or ""):
        value = quoted if quoted else bare
        if switch == "*" and value.lower() != "mergeformat":
            ref.case = value
        elif switch == "b":
            ref.before = value
        elif switch == "f":
            ref.after = value
    return ref


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


class _Compiler:
    """Turns every merge field of a part into a token ``\\ue000N\\ue001`` inside one ``w:t``."""

    def __init__(self) -> None:
        self.refs: list[FieldRef] = []
        #: Fields holding merge fields that the merge cannot compute (as written).
        self.problems: list[str] = []

    def _token(self, ref: FieldRef) -> str:
        self.refs.append(ref)
        return f"{TOKEN_START}{len(self.refs) - 1}{TOKEN_END}"

    def compile(self, root: etree._Element) -> None:
        for simple in list(root.iter(W_FLDSIMPLE)):
            ref = _parse_instr(simple.get(W_INSTR_ATTR, ""))
            if ref is None:
                continue
            inner = simple.find(f"{W_R}/{W_RPR}")
            parent = simple.getparent()
            parent.replace(simple, _token_run(inner, self._token(ref)))
        for p in list(root.iter(W_P)):
            self._complex_fields(p)
        for p in list(root.iter(W_P)):
            self._placeholders(p)
        for element in list(root.iter(*_BOOKMARKS)):
            element.getparent().remove(element)
        for p in root.iter(W_P):
            for name in _UNIQUE_ATTRIBUTES:
                p.attrib.pop(name, None)

    def _complex_fields(self, p: etree._Element) -> None:
        runs = _paragraph_runs(p)
        depth = 0
        start = -1
        segments: Parts = []  # the instruction: text and nested MERGEFIELDs
        nested: list[str] = []
        unsupported = False
        result_rpr = None
        phase = nested_phase = ""
        spans: list[tuple[int, int, Parts, Any, bool]] = []
        for i, run in enumerate(runs):
            for child in run:
                if child.tag == W_FLDCHAR:
                    kind = child.get(W_FLDCHARTYPE)
                    if kind == "begin":
                        depth += 1
                        if depth == 1:
                            start, segments, result_rpr, phase = i, [], None, "instr"
                            unsupported = False
                        elif depth == 2 and phase == "instr":
                            nested, nested_phase = [], "instr"
                        elif phase == "instr":
                            unsupported = True  # fields three deep
                    elif kind == "separate":
                        if depth == 1:
                            phase = "result"
                        elif depth == 2:
                            nested_phase = "result"
                    elif kind == "end" and depth > 0:
                        if depth == 2 and phase == "instr":
                            ref = _parse_instr("".join(nested))
                            if ref is None:
                                unsupported = True
                            else:
                                segments.append(ref)
                        depth -= 1
                        if depth == 0:
                            spans.append((start, i, segments, result_rpr, unsupported))
                            phase = ""
                elif child.tag == W_INSTR and phase == "instr":
                    if depth == 1:
                        segments.append(child.text or "")
                    elif depth == 2 and nested_phase == "instr":
                        nested.append(child.text or "")
                elif child.tag == W_T and depth == 1 and phase == "result" and result_rpr is None:
                    result_rpr = run.find(W_RPR)
                    if result_rpr is None:
                        result_rpr = etree.Element(W_RPR)
        for start, end, parts, rpr, unsupported in reversed(spans):
            has_fields = any(isinstance(x, FieldRef) for x in parts)
            if not has_fields:
                ref = _parse_instr("".join(str(x) for x in parts))
            else:
                ref = None if unsupported else _parse_if(parts)
                if ref is None:
                    self.problems.append(_instr_text(parts))
                    continue
            if ref is None:
                continue  # another kind of field (PAGE, DATE...): left as it is
            if rpr is None:
                rpr = runs[start].find(W_RPR)
            first = runs[start]
            first.getparent().replace(first, _token_run(rpr, self._token(ref)))
            for run in runs[start + 1 : end + 1]:
                run.getparent().remove(run)

    def _placeholders(self, p: etree._Element) -> None:
        nodes: list[etree._Element] = []
        for run in _paragraph_runs(p):
            nodes.extend(child for child in run if child.tag == W_T)
        if not nodes:
            return
        texts = [t.text or "" for t in nodes]
        joined = "".join(texts)
        if "«" not in joined and "{" not in joined:
            return
        starts = []
        pos = 0
        for text in texts:
            starts.append(pos)
            pos += len(text)
        lengths = [len(text) for text in texts]

        def node_at(pos: int) -> int:
            for i, start in enumerate(starts):
                if start <= pos < start + lengths[i]:
                    return i
            raise AssertionError(pos)

        for match in reversed(list(_PLACEHOLDER.finditer(joined))):
            name = match.group(1) if match.group(1) is not None else match.group(2)
            token = self._token(FieldRef(name=name.strip(), kind="placeholder"))
            a, b = match.start(), match.end()
            first, last = node_at(a), node_at(b - 1)
            # later nodes lose their part of the placeholder; the first one gets the token
            for i in range(last, first, -1):
                node = nodes[i]
                node.text = (node.text or "")[b - starts[i] :] if i == last else ""
            node = nodes[first]
            text = node.text or ""
            rest = text[b - starts[first] :] if first == last else ""
            node.text = text[: a - starts[first]] + token + rest
            node.set(XML_SPACE, "preserve")


def _instr_text(parts: Parts) -> str:
    text = "".join(x if isinstance(x, str) else f"{{ MERGEFIELD {x.name} }}" for x in parts)
    return "{ " + " ".join(text.split()) + " }"


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


def _contains_token(element: etree._Element) -> bool:
    return any(t.text and TOKEN_START in t.text for t in element.iter(W_T))


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


# --- letters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    """One letter (or label): who it is for and the row whose values fill it."""

    recipient: PostalRecipient
    row: ResultRow | None


@dataclass
class MergeResult:
    """What a merge wrote."""

    path: Path
    funnel: PostalFunnel | None
    #: (customer id, vehicle id or None) per letter or label, in order.
    letters: list[tuple[int, int | None]] = field(default_factory=list)
    labels: bool = False
    pdf_path: Path | None = None

    @property
    def count(self) -> int:
        return len(self.letters)


class _Values:
    """Computes the text of each token for a letter."""

    def __init__(
        self,
        refs: Sequence[FieldRef],
        columns: Sequence[str],
        today: dt.date,
        lang: str,
        addresses: dict[int, Any],
    ) -> None:
        self.refs = refs
        self.index = {key: i for i, key in enumerate(columns)}
        self.formatters = {k: _formatter(get_field(k), lang) for k in columns}
        self.today = today
        self.lang = lang
        self.addresses = addresses
        self.date = long_date(today, lang)

    def __call__(self, letter: Letter) -> list[str]:
        cache: dict[str, str] = {}

        def value_of(ref: FieldRef) -> str:
            key = ref.key or ""
            if key not in cache:
                cache[key] = _XML_BAD.sub("", self.value(key, letter))
            return ref.apply(cache[key])

        return [
            ref.condition.evaluate(value_of) if ref.condition is not None else value_of(ref)
            for ref in self.refs
        ]

    def value(self, key: str, letter: Letter) -> str:
        address = letter.recipient.address
        row = letter.row
        if key == "letter.date":
            return self.date
        if key in ("letter.salutation", "letter.recipient", "letter.address_block"):
            couple = _household_title(letter.recipient, self.addresses)
            if key == "letter.salutation":
                civility = couple or address.civility
                return formal_salutation(
                    civility,
                    address.last_name,
                    company=address.company,
                    is_company=address.is_company,
                    first_name=address.first_name,
                )
            name = address.recipient
            if couple and not address.is_company:
                name = f"{couple} {address.last_name.upper()}"
            if key == "letter.recipient":
                return name
            return "\n".join([name, *address.block()[1:]])
        if key == "letter.opening":
            couple = _household_title(letter.recipient, self.addresses)
            return _opening(couple or address.civility, address.is_company, self.lang)
        if key == "letter.vehicle_age":
            if row is None:
                return ""
            return _vehicle_age(
                row.values[self.index["vehicle.first_registration"]], self.today, self.lang
            )
        if row is None:
            return ""
        return self.formatters[key](row.values[self.index[key]])


def _formatter(f: Field, lang: str) -> Callable[[Any], str]:
    """How a row value of *f* is written in a letter (fast paths for text and dates)."""
    if f.type is FieldType.TEXT or (f.type is FieldType.ENUM and not f.enum_values):
        return lambda v: "" if v is None else str(v)
    if f.type is FieldType.DATE:
        return lambda v: "" if v is None else format_date(v)
    return lambda v: f.format_value(v, lang)


def _report(
    progress: Callable[[int, int, str], None] | None,
    cancelled: Callable[[], bool] | None,
    done: int,
    total: int,
    text: str,
) -> None:
    if cancelled is not None and cancelled():
        raise MergeCancelled()
    if progress is not None:
        progress(done, total, text)


def _letters(funnel: PostalFunnel, per_vehicle: bool) -> list[Letter]:
    letters = []
    for recipient in funnel.recipients:
        rows: list[ResultRow | None] = list(recipient.rows) or [None]
        if per_vehicle:
            for row in rows:
                letters.append(Letter(recipient, row))
        else:
            letters.append(Letter(recipient, rows[0]))
    return letters


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


# --- labels ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelLayout:
    """An A4 sheet of labels (all sizes in millimetres)."""

    key: str
    columns: int
    rows: int
    width: float
    height: float
    top: float
    side: float
    gap: float
    reference: str

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def describe(self, lang: str | None = None) -> str:
        return _(
            "{columns} × {rows} ({count} labels of {width} × {height} mm, like {reference})", lang
        ).format(
            columns=self.columns,
            rows=self.rows,
            count=format_count(self.per_sheet, lang),
            width=format_number(self.width, 0 if self.width == int(self.width) else 1, lang),
            height=format_number(self.height, 0 if self.height == int(self.height) else 1, lang),
            reference=self.reference,
        )


#: Common A4 label sheets (Avery / Herma sizes, 210 × 297 mm).
LABEL_LAYOUTS: dict[str, LabelLayout] = {
    "3x7": LabelLayout("3x7", 3, 7, 63.5, 38.1, 15.15, 7.25, 2.5, "Avery L7160"),
    "3x8": LabelLayout("3x8", 3, 8, 63.5, 33.9, 12.9, 7.25, 2.5, "Avery L7159"),
    "2x7": LabelLayout("2x7", 2, 7, 99.1, 38.1, 15.15, 4.65, 2.5, "Avery L7163"),
}

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0


def _twips(mm: float) -> int:
    return int(round(mm * 1440 / 25.4))


def _el(tag: str, parent: etree._Element | None = None, **attrs: str) -> etree._Element:
    element = etree.Element(qn(tag)) if parent is None else etree.SubElement(parent, qn(tag))
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _label_sect_pr(sect_pr: etree._Element | None, layout: LabelLayout) -> etree._Element:
    """A4, margins of the sheet, no header or footer."""
    sect = etree.Element(W_SECTPR)
    _el("w:pgSz", sect, w=str(_twips(PAGE_WIDTH_MM)), h=str(_twips(PAGE_HEIGHT_MM)))
    used = layout.rows * layout.height
    bottom = max(0.0, PAGE_HEIGHT_MM - layout.top - used - 1.0)
    _el(
        "w:pgMar",
        sect,
        top=str(_twips(layout.top)),
        right=str(_twips(max(0.0, layout.side - 1.0))),
        bottom=str(_twips(bottom)),
        left=str(_twips(layout.side)),
        header="0",
        footer="0",
        gutter="0",
    )
    _el("w:cols", sect, space="0")
    return sect


def _label_table(
    layout: LabelLayout, cells: Sequence[list[etree._Element] | None]
) -> etree._Element:
    tbl = _el("w:tbl")
    pr = _el("w:tblPr", tbl)
    width = layout.columns * layout.width + (layout.columns - 1) * layout.gap
    _el("w:tblW", pr, w=str(_twips(width)), type="dxa")
    borders = _el("w:tblBorders", pr)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _el(f"w:{side}", borders, val="nil")
    _el("w:tblLayout", pr, type="fixed")
    margins = _el("w:tblCellMar", pr)
    _el("w:top", margins, w="0", type="dxa")
    # no cell margins: Word (before 2013) and LibreOffice would shift the whole table left by
    # the first cell's margin; the text is kept off the label's edge by paragraph indents
    _el("w:left", margins, w="0", type="dxa")
    _el("w:bottom", margins, w="0", type="dxa")
    _el("w:right", margins, w="0", type="dxa")
    _el("w:tblLook", pr, val="0000")
    grid = _el("w:tblGrid", tbl)
    widths = []
    for col in range(layout.columns):
        widths.append(("label", _twips(layout.width)))
        if col < layout.columns - 1:
            widths.append(("gap", _twips(layout.gap)))
    for _kind, w in widths:
        _el("w:gridCol", grid, w=str(w))
    height = str(_twips(layout.height))
    for start in range(0, len(cells), layout.columns):
        tr = _el("w:tr", tbl)
        tr_pr = _el("w:trPr", tr)
        _el("w:cantSplit", tr_pr)
        _el("w:trHeight", tr_pr, val=height, hRule="exact")
        row_cells = list(cells[start : start + layout.columns])
        row_cells += [None] * (layout.columns - len(row_cells))
        for col, content in enumerate(row_cells):
            _label_cell(tr, widths[col * 2][1], content, gap=False)
            if col < layout.columns - 1:
                _label_cell(tr, widths[col * 2 + 1][1], None, gap=True)
    return tbl


def _label_cell(tr: etree._Element, width: int, content, gap: bool) -> None:
    tc = _el("w:tc", tr)
    tc_pr = _el("w:tcPr", tc)
    _el("w:tcW", tc_pr, w=str(width), type="dxa")
    _el("w:vAlign", tc_pr, val="center")
    if content:
        for element in content:
            tc.append(element)
            for p in [element] if element.tag == W_P else element.iter(W_P):
                _indent(p)
    else:
        _el("w:p", tc)
    if tc[-1].tag != W_P:  # a cell must end with a paragraph
        _el("w:p", tc)


# pPr children that come after w:ind (schema order)
_AFTER_IND = {
    qn(f"w:{name}")
    for name in (
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    )
}


def _indent(p: etree._Element) -> None:
    """Keep a label's text 4 mm from its left edge and 2 mm from its right one, unless the
    paragraph has indents of its own."""
    ppr = p.find(W_PPR)
    if ppr is None:
        ppr = etree.Element(W_PPR)
        p.insert(0, ppr)
    if ppr.find(qn("w:ind")) is not None:
        return
    ind = etree.Element(qn("w:ind"))
    ind.set(qn("w:left"), str(_twips(4)))
    ind.set(qn("w:right"), str(_twips(2)))
    anchor = next((child for child in ppr if child.tag in _AFTER_IND), None)
    if anchor is not None:
        anchor.addprevious(ind)
    else:
        ppr.append(ind)


def _address_paragraph(font_half_points: int) -> etree._Element:
    p = _el("w:p")
    ppr = _el("w:pPr", p)
    _el("w:spacing", ppr, before="0", after="0", line="240", lineRule="auto")
    run = _el("w:r", p)
    rpr = _el("w:rPr", run)
    _el("w:sz", rpr, val=str(font_half_points))
    _el("w:szCs", rpr, val=str(font_half_points))
    t = _el("w:t", run)
    t.text = f"{TOKEN_START}0{TOKEN_END}"
    t.set(XML_SPACE, "preserve")
    return p


def _tail_paragraph() -> etree._Element:
    """A one-point paragraph after the table, so that a full last sheet gives no blank page."""
    p = _el("w:p")
    ppr = _el("w:pPr", p)
    _el("w:spacing", ppr, before="0", after="0", line="20", lineRule="exact")
    rpr = _el("w:rPr", ppr)
    _el("w:sz", rpr, val="2")
    return p


def _check_offset(layout: LabelLayout, offset: int) -> None:
    if offset < 0 or offset >= layout.per_sheet:
        raise MergeError(
            _(
                "The first-label offset must be between 0 and {last} for {layout} sheets, "
                "not {offset}."
            ).format(last=layout.per_sheet - 1, layout=layout.key, offset=offset)
        )


def write_labels(
    template: LetterTemplate | None,
    letters: Sequence[Letter],
    values: Callable[[Letter], list[str]],
    out: str | os.PathLike[str],
    layout: LabelLayout,
    *,
    offset: int = 0,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """One label per item of *letters*, the first *offset* labels of the first sheet left blank.

    The label's content is *template*'s body (its merge fields filled) or, without a template,
    the address block (``values`` must then give the address block as token 0).
    """
    _check_offset(layout, offset)
    out = Path(out)
    if template is not None:
        document = template.document
        content = [c for c in template.content if c.tag in (W_P, W_TBL)]
        for c in content:  # section breaks inside the label would break the sheet
            for ppr_sect in list(c.iter(W_SECTPR)):
                ppr_sect.getparent().remove(ppr_sect)
    else:
        document = Document()
        size = 18 if layout.height < 35 else 20
        content = [_address_paragraph(size)]
    body = document.element.body
    for child in list(body):
        body.remove(child)
    total = len(letters)
    cells: list[list[etree._Element] | None] = [None] * offset
    drawing_id = 1000
    for n, letter in enumerate(letters, start=1):
        if n % 50 == 1:
            _report(progress, cancelled, n - 1, total, "")
        texts = values(letter)
        copies = []
        for element in content:
            c = element.__deepcopy__(None)
            _fill(c, texts)
            for doc_pr in c.iter(WP_DOCPR):  # a logo on each label: ids stay unique
                drawing_id += 1
                doc_pr.set("id", str(drawing_id))
            copies.append(c)
        cells.append(copies)
    body.append(_label_table(layout, cells))
    body.append(_tail_paragraph())
    body.append(_label_sect_pr(template.sect_pr if template else None, layout))
    for rel_id, rel in list(document.part.rels.items()):  # no letterhead on label sheets
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            document.part.rels.pop(rel_id)
    _report(progress, cancelled, total, total, "")
    _write_atomically(document, out)


# --- PDF ---------------------------------------------------------------------------------------


def pdf_converter() -> str | None:
    """The LibreOffice program that converts to PDF, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_unavailable_reason() -> str | None:
    """Why PDF output is not possible here, or ``None`` when it is."""
    if pdf_converter() is None:
        return _(
            "PDF output needs LibreOffice, which is not installed on this computer "
            "(no soffice or libreoffice program was found)."
        )
    return None


def convert_to_pdf(
    docx: str | os.PathLike[str], pdf: str | os.PathLike[str], *, timeout: float = 600
) -> Path:
    """Convert *docx* to *pdf* with LibreOffice (headless); the PDF is moved into place at the end."""
    program = pdf_converter()
    if program is None:
        raise MergeError(pdf_unavailable_reason() or _("LibreOffice is not installed."))
    docx, pdf = Path(docx), Path(pdf)
    try:
        with files.scratch_folder(pdf) as scratch, files.atomic_path(pdf) as tmp:
            work = str(scratch)
            profile = scratch / "profile"
            command = [
                program,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                work,
                str(docx),
            ]
            try:
                completed = subprocess.run(
                    command, capture_output=True, text=True, timeout=timeout, check=False
                )
            except subprocess.TimeoutExpired:
                raise MergeError(
                    _("LibreOffice took more than {seconds} s to convert {file}.").format(
                        seconds=format_number(timeout, 0 if timeout == int(timeout) else 1),
                        file=docx.name,
                    )
                ) from None
            except OSError as error:
                raise MergeError(
                    _("Cannot run LibreOffice ({program}): {detail}.").format(
                        program=program, detail=error
                    )
                ) from None
            produced = Path(work) / (docx.stem + ".pdf")
            if completed.returncode != 0 or not produced.exists():
                detail = (completed.stderr or completed.stdout or "").strip().splitlines()
                if detail:
                    message = _("LibreOffice could not convert {file} to PDF: {detail}").format(
                        file=docx.name, detail=detail[-1]
                    )
                else:
                    message = _("LibreOffice could not convert {file} to PDF.").format(
                        file=docx.name
                    )
                raise MergeError(message)
            os.replace(produced, tmp)
    except OSError as error:
        raise MergeError(
            _("Cannot write {path}: {detail}.").format(path=pdf, detail=error.strerror or error)
        ) from None
    return pdf


# --- the whole merge ---------------------------------------------------------------------------


def _needed_columns(target: Target, keys: Iterable[str]) -> list[str]:
    columns = [k for k in target.columns if get_field(k).displayable]
    for key in keys:
        for needed in _HELPER_COLUMNS.get(key, ()) if key in HELPERS_BY_KEY else (key,):
            if needed not in columns:
                columns.append(needed)
    return columns


def merge_target(
    conn: Connection,
    target: Target,
    out: str | os.PathLike[str],
    *,
    template: str | os.PathLike[str] | None = None,
    today: dt.date | None = None,
    per_vehicle: bool = False,
    household: bool = False,
    contacted_within_days: int | None = None,
    labels: LabelLayout | str | None = None,
    offset: int = 0,
    pdf: str | os.PathLike[str] | None = None,
    lang: str = "fr",
    funnel_lang: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> MergeResult:
    """Merge *target* into letters (``template``) or labels (``labels``) written to *out*.

    The template's fields are checked first (:class:`UnknownMergeFieldError`), then the postal
    funnel runs and the document is written. ``progress(done, total, text)`` may raise to stop;
    ``cancelled()`` returning true stops with :class:`MergeCancelled`. Nothing is written to *out*
    unless the merge completes. ``lang`` is the letters' language (dates, yes/no, enum labels);
    ``funnel_lang`` that of the funnel's steps and reasons (default: the application's).
    """
    today = today or dt.date.today()
    lang = normalize_language(lang)
    out = Path(out)
    if isinstance(labels, str) and labels not in LABEL_LAYOUTS:
        raise MergeError(
            _("Unknown label layout {layout!r}: use {layouts}.", funnel_lang).format(
                layout=labels, layouts=", ".join(LABEL_LAYOUTS)
            )
        )
    layout = LABEL_LAYOUTS[labels] if isinstance(labels, str) else labels
    if layout is not None:
        _check_offset(layout, offset)
    if template is None and layout is None:
        raise MergeError(_("A letter needs a template (.docx).", funnel_lang))
    if template is not None and Path(template).resolve() == out.resolve():
        raise MergeError(
            _(
                "{path} is the template itself: write the letters to another file.", funnel_lang
            ).format(path=out)
        )
    letter_template = LetterTemplate(template) if template is not None else None
    if letter_template is not None:
        keys = letter_template.resolve(target)
        refs = letter_template.refs
    else:
        keys = ["letter.address_block"]
        refs = [FieldRef("Bloc adresse", "placeholder", key="letter.address_block")]
    columns = _needed_columns(target, keys)
    _report(progress, cancelled, 0, 0, "")
    funnel = postal_funnel(
        conn,
        target,
        today=today,
        household=household,
        contacted_within_days=contacted_within_days,
        columns=columns,
        lang=funnel_lang,
        progress=(lambda d, t, s: _report(progress, cancelled, 0, 0, s)),
    )
    if not funnel.recipients:
        raise MergeError(
            _("Nobody is left to write to after the postal checks: {steps}.", funnel_lang).format(
                steps="; ".join(funnel.summary_lines())
            )
        )
    letters = _letters(funnel, per_vehicle and layout is None)
    every_address = {r.customer_id: r.address for r in funnel.recipients}
    others = [m for r in funnel.recipients for m in r.household[1:]]
    if others:
        from app.export.postal import read_addresses

        every_address.update(read_addresses(conn, others))
    values = _Values(refs, columns, today, lang, every_address)
    if layout is not None:
        write_labels(
            letter_template,
            letters,
            values,
            out,
            layout,
            offset=offset,
            progress=progress,
            cancelled=cancelled,
        )
    else:
        assert letter_template is not None
        write_letters(letter_template, letters, values, out, progress=progress, cancelled=cancelled)
    result = MergeResult(
        path=out,
        funnel=funnel,
        letters=[(x.recipient.customer_id, x.row.vehicle_id if x.row else None) for x in letters],
        labels=layout is not None,
    )
    if pdf is not None:
        result.pdf_path = convert_to_pdf(out, pdf)
    return result


# --- contact history ---------------------------------------------------------------------------


def record_mailing(
    connection: Any,
    letters: Iterable[tuple[int, int | None]],
    *,
    campaign: str,
    template: str = "",
    when: dt.datetime | None = None,
    user: str = "",
) -> int:
    """Record one postal contact per letter in the contact history (so that later sends can
    leave out people contacted recently). *connection* is a Session or a Connection inside a
    transaction. Returns how many contacts were recorded."""
    when = when or utcnow()
    rows = [
        {
            "customer_id": customer_id,
            "vehicle_id": vehicle_id,
            "channel": ContactChannel.POST.value,
            "contacted_at": when,
            "campaign": campaign.strip()[:80] or None,
            "template": Path(template).name[:80] if template else None,
            "program": "mailing",
            "user": user[:80],
        }
        for customer_id, vehicle_id in letters
    ]
    if rows:
        connection.execute(insert(ContactHistory.__table__), rows)
    return len(rows)
