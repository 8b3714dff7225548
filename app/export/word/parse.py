"""Finding the merge fields of a template part and turning each into a token."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from app.export.word.compute import _IF_OPERATORS, FieldRef, IfField, Parts
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
