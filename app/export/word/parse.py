"""Finding the merge fields of a template part and turning each into a token."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from app.export.word.compute import (
    _IF_OPERATORS,
    AddressBlockOptions,
    FieldRef,
    IfField,
    Parts,
)
from app.export.word.xml import (
    _BOOKMARKS,
    _UNIQUE_ATTRIBUTES,
    TOKEN_END,
    TOKEN_START,
    W_FLDCHAR,
    W_FLDCHARTYPE,
    W_FLDSIMPLE,
    W_INSTR,
    W_INSTR_ATTR,
    W_P,
    W_R,
    W_RPR,
    W_T,
    XML_SPACE,
    _paragraph_runs,
    _token_run,
)

# «Nom» and {nom}: no space just inside the marks, so that French quotes « like this » stay text
_PLACEHOLDER = re.compile(
    "«([^\\s«»\ue000\ue001](?:[^«»\\n\ue000\ue001]{0,78}[^\\s«»\ue000\ue001])?)»"
    "|\\{([^\\s{}\ue000\ue001](?:[^{}\\n\ue000\ue001]{0,78}[^\\s{}\ue000\ue001])?)\\}"
)
_MERGEFIELD = re.compile(r'^\s*MERGEFIELD\s+(?:"([^"]*)"|(\S+))(.*)$', re.IGNORECASE | re.DOTALL)
_SWITCH = re.compile(r'\\([*bf@#])\s*(?:"([^"]*)"|(\S+))')


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
                if started and len(current) == 1 and current[0] in _IF_OPERATORS:
                    tokens.append(current)
                    current = []
                quoted = started = True
            elif ch.isspace():
                if started:
                    tokens.append(current)
                    current, started = [], False
            elif ch in "<>=" and len(tokens) < 3:
                # an operator written against its operands: IF {MERGEFIELD X}="Madame"
                op = current[0] if len(current) == 1 and isinstance(current[0], str) else None
                if started and not (op and set(op) <= set("<>=")):
                    tokens.append(current)
                    current = []
                add(ch)
                started = True
            else:
                if started and len(current) == 1 and current[0] in _IF_OPERATORS:
                    tokens.append(current)
                    current = []
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


_WORD = re.compile(r"^\s*([A-Za-z]+)(.*)$", re.DOTALL)
#: Fields that move through the records inside one page (Word's label sheets).
_RECORD_FIELDS = {"NEXT": "next", "MERGEREC": "mergerec", "MERGESEQ": "mergeseq"}
#: Fields the merge recognises but cannot do as Word does: the template is refused.
_REFUSED_FIELDS = {"NEXTIF", "SKIPIF", "FILLIN", "ASK", "DATABASE", "INCLUDETEXT"}


def _switches(ref: FieldRef, text: str) -> FieldRef:
    for switch, quoted, bare in _SWITCH.findall(text or ""):
        value = quoted if quoted else bare
        if switch == "*":
            if value.lower() not in ("mergeformat", "charformat"):
                ref.case = value
        elif switch == "b":
            ref.before = value
        elif switch == "f":
            ref.after = value
        elif switch == "@":
            ref.date_picture = value
        elif switch == "#":
            ref.number_picture = value
    return ref


def _address_block_options(text: str) -> AddressBlockOptions:
    """ADDRESSBLOCK's ``\\c`` (country: 0, 1, 2), ``\\e`` (countries left out, one switch
    each) and whether its ``\\f`` format has the company name."""
    country = re.search(r"\\c\s*\"?\s*([012])", text)
    excluded = tuple(
        quoted if quoted else bare
        for quoted, bare in re.findall(r'\\e\s*(?:"([^"]*)"|(\S+))', text)
    )
    fmt = re.search(r'\\f\s*"([^"]*)"', text)
    return AddressBlockOptions(
        country=int(country.group(1)) if country else None,
        exclude=excluded,
        company=bool(fmt and "_COMPANY_" in fmt.group(1).upper()),
    )


def _greeting(text: str) -> FieldRef:
    """Word's GREETINGLINE: the salutation (with the name when its format has one) and the
    punctuation of its format (``\\f "<<_BEFORE_ Cher >><<_TITLE0_ >><<_LAST0_>><<,_AFTER_ >>"``)."""
    fmt = re.search(r'\\f\s*"([^"]*)"', text)
    pattern = fmt.group(1) if fmt else "<<_TITLE0_ >><<_LAST0_>><<,_AFTER_ >>"
    after = re.search(r"<<([^<>]*?)_AFTER_", pattern)
    named = "_LAST" in pattern.upper() or "_FIRST" in pattern.upper()
    key = "letter.salutation" if named else "letter.opening"
    return FieldRef(
        name="GREETINGLINE", kind="mergefield", key=key, after=after.group(1) if after else ","
    )


def _parse_instr(instr: str) -> FieldRef | None:
    """The merge field an instruction is, ``None`` for another field (PAGE, DATE...).

    A field Cible cannot do raises ``ValueError`` (its name)."""
    match = _MERGEFIELD.match(instr)
    if match:
        ref = FieldRef(
            name=(match.group(1) if match.group(1) is not None else match.group(2)),
            kind="mergefield",
        )
        return _switches(ref, match.group(3))
    word = _WORD.match(instr)
    if not word:
        return None
    name, rest = word.group(1).upper(), word.group(2)
    if name == "ADDRESSBLOCK":
        return FieldRef(
            name="ADDRESSBLOCK",
            kind="mergefield",
            key="letter.address_block",
            block=_address_block_options(rest),
        )
    if name == "GREETINGLINE":
        return _greeting(rest)
    if name in _RECORD_FIELDS:
        return _switches(FieldRef(name=name, kind=_RECORD_FIELDS[name]), rest)
    if name in _REFUSED_FIELDS:
        raise ValueError(name)
    return None


class _Frame:
    """A field being read: its instruction (text and nested fields) and where it is."""

    __slots__ = ("start", "segments", "phase", "rpr", "unsupported")

    def __init__(self, start: int) -> None:
        self.start = start
        self.segments: Parts = []
        self.phase = "instr"
        self.rpr: Any = None
        self.unsupported = False


class _Compiler:
    """Turns every merge field of a part into a token ``\\ue000N\\ue001`` inside one ``w:t``."""

    def __init__(self) -> None:
        self.refs: list[FieldRef] = []
        #: Fields holding merge fields that the merge cannot compute (as written).
        self.problems: list[str] = []
        #: The runs that replaced a ``w:fldSimple`` merge field, and its field.
        self._simple: dict[etree._Element, FieldRef] = {}

    def _token(self, ref: FieldRef) -> str:
        self.refs.append(ref)
        return f"{TOKEN_START}{len(self.refs) - 1}{TOKEN_END}"

    def _parse(self, instr: str) -> FieldRef | None:
        try:
            return _parse_instr(instr)
        except ValueError as error:
            self.problems.append(_instr_text([instr]) + f" ({error})")
            return None

    def compile(self, root: etree._Element) -> None:
        for simple in list(root.iter(W_FLDSIMPLE)):
            ref = self._parse(simple.get(W_INSTR_ATTR, ""))
            if ref is None:
                continue
            inner = simple.find(f"{W_R}/{W_RPR}")
            parent = simple.getparent()
            run = _token_run(inner, self._token(ref))
            parent.replace(simple, run)
            self._simple[run] = ref
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
        stack: list[_Frame] = []
        spans: list[tuple[_Frame, int]] = []
        for i, run in enumerate(runs):
            if run in self._simple:
                # a w:fldSimple merge field (already a token) inside a field's instruction
                if stack and stack[-1].phase == "instr":
                    stack[-1].segments.append(self._simple[run])
                continue
            for child in run:
                if child.tag == W_FLDCHAR:
                    kind = child.get(W_FLDCHARTYPE)
                    if kind == "begin":
                        stack.append(_Frame(i))
                    elif kind == "separate" and stack:
                        stack[-1].phase = "result"
                    elif kind == "end" and stack:
                        frame = stack.pop()
                        if not stack:
                            spans.append((frame, i))
                            continue
                        parent = stack[-1]
                        if parent.phase != "instr":
                            continue  # a field inside another's result: replaced with it
                        ref = self._field_of(frame)
                        if ref is None:
                            if frame.unsupported or _has_refs(frame.segments):
                                parent.unsupported = True
                            else:  # another field inside an instruction: its code as text
                                parent.segments.append("".join(map(str, frame.segments)))
                        else:
                            parent.segments.append(ref)
                elif child.tag == W_INSTR and stack and stack[-1].phase == "instr":
                    stack[-1].segments.append(child.text or "")
                elif (
                    child.tag == W_T
                    and len(stack) == 1
                    and stack[0].phase == "result"
                    and stack[0].rpr is None
                ):
                    stack[0].rpr = run.find(W_RPR)
                    if stack[0].rpr is None:
                        stack[0].rpr = etree.Element(W_RPR)
        if stack:  # a field that goes on in the next paragraph
            frame = stack[0]
            if _has_refs(frame.segments) or _MERGE_WORDS.search(
                "".join(x for x in frame.segments if isinstance(x, str))
            ):
                self.problems.append(_instr_text(frame.segments) + " (" + _SPANS_PARAGRAPHS + ")")
        for frame, end in reversed(spans):
            ref = self._field_of(frame)
            if ref is None:
                if frame.unsupported or _has_refs(frame.segments):
                    self.problems.append(_instr_text(frame.segments))
                continue  # another kind of field (PAGE, DATE...): left as it is
            rpr = frame.rpr if frame.rpr is not None else runs[frame.start].find(W_RPR)
            first = runs[frame.start]
            first.getparent().replace(first, _token_run(rpr, self._token(ref)))
            for run in runs[frame.start + 1 : end + 1]:
                if run.getparent() is not None:
                    run.getparent().remove(run)

    def _field_of(self, frame: _Frame) -> FieldRef | None:
        """The merge field or computed IF a finished field is, or ``None``."""
        if frame.unsupported:
            return None
        if not _has_refs(frame.segments):
            return self._parse("".join(map(str, frame.segments)))
        return _parse_if(frame.segments)

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


def _has_refs(parts: Parts) -> bool:
    return any(isinstance(x, FieldRef) for x in parts)


_MERGE_WORDS = re.compile(r"\b(MERGEFIELD|IF|NEXT|NEXTIF|SKIPIF)\b", re.IGNORECASE)
_SPANS_PARAGRAPHS = "goes on over several paragraphs"


def _instr_text(parts: Parts) -> str:
    text = "".join(
        x
        if isinstance(x, str)
        else "{ IF … }"
        if x.kind == "if"
        else f"{{ MERGEFIELD {x.name} }}"
        if x.kind == "mergefield"
        else f"{{ {x.name} }}"
        for x in parts
    )
    return "{ " + " ".join(text.split()) + " }"
